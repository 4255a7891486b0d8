"""A Review-now session by keyboard alone (issue 12.4): from the path's "N questions due"
link, each due question in turn, answered with the keys, its feedback, then "Next question",
until the session says it is done. With htmx the feedback swaps in place; without JavaScript
each answer is a plain POST that lands back on the question with its feedback."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from learn.content.models import Question
from learn.content.services import course_sync
from learn.progress.learner import Learner
from learn.progress.services import attempt_submit
from tests.conftest import FIXTURE_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-long-enough-for-django"


def tab_to(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus; fail if the keyboard cannot reach it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab within {limit} presses")


def choose(page: Any, question: Question, keys: list[str]) -> None:
    """Tick these choices with the keyboard only: Tab into the choices, Space to tick."""
    anchor = f"#q-{question.key}"
    if question.kind == "single":
        # Tab lands on the first radio; arrows move and select within the group.
        tab_to(page, f"{anchor} input[type=radio]")
        order = [c["key"] for c in question.data["choices"]]
        page.keyboard.press("Space")
        for _ in range(order.index(keys[0])):
            page.keyboard.press("ArrowDown")
    else:
        for key in keys:
            tab_to(page, f"{anchor}-{key}")
            page.keyboard.press("Space")
    for key in keys:
        assert page.is_checked(f"{anchor}-{key}")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_review_now_session_by_keyboard(
    live_server: Any, chromium: Any, javascript: bool
) -> None:
    course_sync(root=FIXTURE_COURSE)
    user = get_user_model().objects.create_user("ada", password=PASSWORD)
    single, multiple = Question.objects.get(key="t-single"), Question.objects.get(key="t-multiple")
    # Both missed in the lesson earlier: box 0, due at once (learn/progress/scheduling.py).
    for question in (single, multiple):
        attempt_submit(
            learner=Learner(user_id=user.pk), question=question, answer={}, is_correct=False
        )
    context = chromium.new_context(java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "ada")
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").press("Enter")
        page.locator("[data-username]").wait_for()

        tab_to(page, "[data-due-link]")
        assert page.evaluate("document.activeElement.textContent").startswith("2 questions due")
        page.keyboard.press("Enter")
        page.wait_for_url("**/review/now/")
        assert "At most 20 different questions a day" in page.inner_text("main")
        assert page.get_attribute("#review-now-progress", "data-reviewed") == "0"

        # First: the question due longest, answered right.
        assert page.locator(f"#q-{single.key}").count() == 1
        choose(page, single, single.data["correct"])
        tab_to(page, f"#q-{single.key} button[type=submit]")
        page.keyboard.press("Enter")
        page.locator(f'#q-{single.key}-feedback [data-result="correct"]').wait_for()
        assert "a container is a running instance" in page.inner_text(f"#q-{single.key}-feedback")
        page.locator("#review-now-progress[data-reviewed='1']").wait_for()
        # In place over htmx (the count moved out of band); a new page without JavaScript.
        assert ("?just=t-single" in page.url) is not javascript, page.url
        tab_to(page, "[data-next]")
        assert page.evaluate("document.activeElement.textContent") == "Next question"
        page.keyboard.press("Enter")

        # Second: missed again; the explanation is one key away, and it comes back.
        page.locator(f"#q-{multiple.key}").wait_for()
        assert page.locator(f"#q-{single.key}").count() == 0
        etcd = next(
            c["key"] for c in multiple.data["choices"] if c["key"] not in multiple.data["correct"]
        )
        choose(page, multiple, [etcd])
        tab_to(page, f"#q-{multiple.key} button[type=submit]")
        page.keyboard.press("Enter")
        feedback = page.locator(f'#q-{multiple.key}-feedback [data-result="incorrect"]')
        feedback.wait_for()
        tab_to(page, f"#q-{multiple.key}-feedback summary")
        page.keyboard.press("Enter")
        assert "etcd is a key-value store" in feedback.inner_text()
        tab_to(page, "[data-next]")
        page.keyboard.press("Enter")

        # It is the only one left, so here it is again, fresh; right this time, and done.
        page.locator(f"#q-{multiple.key}").wait_for()
        assert not page.is_checked(f"#q-{multiple.key}-{etcd}")
        choose(page, multiple, multiple.data["correct"])
        tab_to(page, f"#q-{multiple.key} button[type=submit]")
        page.keyboard.press("Enter")
        page.locator(f'#q-{multiple.key}-feedback [data-result="correct"]').wait_for()
        tab_to(page, "[data-next]")
        assert page.evaluate("document.activeElement.textContent") == "Finish this session"
        page.keyboard.press("Enter")
        page.locator("[data-done]").wait_for()
        assert "Done for today." in page.inner_text("[data-done]")
        assert page.get_attribute("#review-now-progress", "data-reviewed") == "2"
    finally:
        context.close()
