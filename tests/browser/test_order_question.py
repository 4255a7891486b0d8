"""An ordering question is a list reordered with Move up / Move down by keyboard, announced to
screen readers; without JavaScript the selects still work (issue 12, item 3)."""

from __future__ import annotations

from typing import Any

import pytest

from learn.content.models import Question
from learn.content.services import course_sync
from learn.progress.models import Attempt
from tests.conftest import FIXTURE_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def order_on_screen(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#q-t-order .order-item", "items => items.map(i => i.dataset.key)"
    )


def test_reorder_the_steps_with_the_keyboard_alone(live_server, page) -> None:
    course_sync(root=FIXTURE_COURSE)
    question = Question.objects.get(key="t-order")
    correct = question.data["correct"]
    page.goto(f"{live_server.url}/lessons/first/")
    assert page.locator("#q-t-order [data-order-slots]").is_hidden()
    assert order_on_screen(page) == [s["key"] for s in question.data["steps"]]
    # Inline Markdown in a step is rendered, not shown as raw backticks.
    assert "`" not in page.inner_text("#q-t-order .order-list")

    for target, key in enumerate(correct):
        while order_on_screen(page).index(key) > target:
            button = page.locator(f'#q-t-order .order-item[data-key="{key}"] [data-move="-1"]')
            button.focus()
            page.keyboard.press("Enter")
            # Focus stays on the button that moved the step, and the move is announced.
            assert page.evaluate("document.activeElement.dataset.move") == "-1"
            position = order_on_screen(page).index(key) + 1
            status = page.inner_text("#q-t-order [data-order-status]")
            assert f"is now at position {position} of {len(correct)}" in status
    assert order_on_screen(page) == correct
    page.locator("#q-t-order button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.locator('#q-t-order-feedback [data-result="correct"]').wait_for()
    assert Attempt.objects.get(question=question).answer == {"order": correct}


def test_without_javascript_the_selects_post_the_order(live_server, chromium) -> None:
    course_sync(root=FIXTURE_COURSE)
    question = Question.objects.get(key="t-order")
    context = chromium.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)  # as conftest's page fixture: for every tab it opens
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/lessons/first/")
    # A step used twice gets a message that says so, and nothing is stored.
    first = question.data["correct"][0]
    for n in range(1, len(question.data["correct"]) + 1):
        page.select_option(f"#q-t-order-pos-{n}", first)
    page.click("#q-t-order button[type=submit]")
    assert "one is used twice" in page.inner_text("main")
    assert Attempt.objects.count() == 0
    page.goto(f"{live_server.url}/lessons/first/")
    for n, key in enumerate(question.data["correct"], start=1):
        page.select_option(f"#q-t-order-pos-{n}", key)
    page.click("#q-t-order button[type=submit]")
    page.locator('#q-t-order-feedback [data-result="correct"]').wait_for()
    context.close()


def test_a_step_chosen_twice_is_caught_before_sending(live_server, page) -> None:
    course_sync(root=FIXTURE_COURSE)
    question = Question.objects.get(key="t-order")
    page.goto(f"{live_server.url}/lessons/first/")
    # The list cannot hold a step twice; the selects behind it are what a script-less
    # browser uses, and the same check guards them if the list is not built.
    page.evaluate(
        "document.querySelector('#q-t-order [data-order-slots]').removeAttribute('data-enhanced')"
    )
    first = question.data["correct"][0]
    page.eval_on_selector_all(
        "#q-t-order select", f"ss => ss.forEach(s => {{ s.value = '{first}'; }})"
    )
    page.click("#q-t-order button[type=submit]")
    alert = page.locator('#q-t-order-feedback [data-send-error="duplicate"]')
    alert.wait_for()
    assert "two positions" in alert.inner_text()
    assert Attempt.objects.count() == 0
