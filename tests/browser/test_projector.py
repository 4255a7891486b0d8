"""The live question on a projector, end to end in Chromium (issue 12, item 9): the
instructor finds a question in the push list, pushes it with a countdown, and drives the
projector view by keyboard; a student answers on their class page; the count moves by
itself; the instructor closes answers and reveals; the student sees their own choice marked.
axe-core finds no serious or critical problem on the push list, the projector or the
student's revealed answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from learn.classrooms.models import LiveQuestion
from learn.classrooms.services import (
    classroom_create,
    classroom_join,
    instructor_grant,
    live_push,
)
from learn.content.models import Question
from learn.content.services import course_sync
from tests.browser.axe import serious_findings, with_axe
from tests.conftest import FIXTURE_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-long-enough-for-django"


@pytest.fixture
def room(db: Any) -> Any:
    course_sync(root=FIXTURE_COURSE)
    users = get_user_model().objects
    teacher = users.create_user("ms-teacher", password=PASSWORD)
    instructor_grant(user=teacher)
    classroom = classroom_create(instructor=teacher, name="Thursday <i>cohort</i>")
    for name in ("kim", "lee"):
        classroom_join(user=users.create_user(name, password=PASSWORD), code=classroom.code)
    return classroom


@pytest.fixture
def tabs(chromium: Any) -> Iterator[tuple[Any, Any]]:
    """The projector (a wide screen) and a student's phone, each its own browser context."""
    contexts = [
        with_axe(chromium.new_context(viewport={"width": 1280, "height": 800})),
        with_axe(chromium.new_context(viewport={"width": 390, "height": 844})),
    ]
    pages = []
    for context in contexts:
        context.set_default_timeout(10_000)  # a hang fails instead of blocking CI
        pages.append(context.new_page())
    yield pages[0], pages[1]
    for context in contexts:
        context.close()


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.locator("[data-username]").wait_for()


def test_projector_push_answer_close_reveal(
    live_server: Any, tabs: tuple[Any, Any], room: Any
) -> None:
    projector, phone = tabs
    base = live_server.url
    question = Question.objects.get(key="t-single")
    wrong = next(c for c in question.data["choices"] if c["key"] not in question.data["correct"])

    log_in(phone, base, "kim")
    phone.goto(f"{base}/classrooms/{room.pk}/live/")
    phone.locator("#live", has_text="No question right now").wait_for()
    phone.evaluate("window.__sameDocument = true")

    # The push list: search, then pick by keyboard, with a countdown.
    log_in(projector, base, "ms-teacher")
    projector.goto(f"{base}/classrooms/{room.pk}/ask/")
    assert serious_findings(projector) == []
    projector.fill("#push-search", "image")
    projector.press("#push-search", "Enter")
    projector.locator('[data-found="1"]').wait_for()
    projector.focus("#push-t-single")
    projector.keyboard.press("Space")
    assert projector.is_checked("#push-t-single")
    projector.select_option("#push-seconds", "120")
    projector.click("text=Push and open the projector view")
    projector.locator('#stage[data-state="open"]').wait_for()
    assert projector.url.endswith(f"/classrooms/{room.pk}/ask/projector/")

    # Large type, readable from the back of the room; the countdown runs by itself.
    size = projector.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.stage-prompt')).fontSize)"
    )
    assert size >= 32, f"the question is set in {size}px"
    clock = projector.locator("[data-countdown]")
    first = clock.inner_text()
    assert first in ("2:00", "1:59")
    projector.wait_for_function(
        "t => document.querySelector('[data-countdown]').textContent !== t", arg=first
    )
    assert projector.locator('[data-answered="0"][data-waiting="2"]').count() == 1
    assert serious_findings(projector) == []
    projector.evaluate("window.__sameDocument = true")

    # The student answers on their class page, which got the question by itself.
    phone.locator("#live fieldset").wait_for()
    phone.locator("#live [role=timer]").wait_for()
    phone.check(f"#q-t-single-{wrong['key']}")
    phone.click("#live button[type=submit]")
    phone.locator('#q-t-single-feedback [data-result="incorrect"]').wait_for()

    # The count moves on the projector without a reload.
    projector.locator('[data-answered="1"][data-waiting="1"]').wait_for()
    assert projector.evaluate("window.__sameDocument") is True
    assert projector.locator("[data-count]").count() == 0  # no distribution before the close

    # Close answers, by keyboard: the distribution appears, nothing marked right yet.
    projector.focus("[data-close-answers]")
    projector.keyboard.press("Enter")
    projector.locator('#stage[data-state="closed"]').wait_for()
    counts = projector.locator(".stage-n").all_inner_texts()
    assert sorted(counts) == ["0", "1"]
    assert projector.locator("[data-right]").count() == 0
    live = LiveQuestion.objects.get(classroom=room, ended_at__isnull=True)
    assert live.closed_at is not None
    phone.locator("#live", has_text="answers are closed").wait_for()
    assert phone.locator("#live fieldset").count() == 0

    # Reveal, by keyboard: the right choice is marked on the projector...
    projector.get_by_role("button", name="Reveal the answer").focus()
    projector.keyboard.press("Enter")
    projector.locator('#stage[data-state="revealed"]').wait_for()
    assert "A read-only template" in projector.locator("[data-right]").inner_text()
    assert serious_findings(projector) == []

    # ...and the student sees their own choice marked, next to the right one.
    phone.locator("#live [data-mine]").wait_for()
    mine = phone.locator("#live [data-mine]")
    assert "A running process" in mine.inner_text() and "Your answer" in mine.inner_text()
    assert mine.get_attribute("data-right") is None
    assert "A read-only template" in phone.locator("#live [data-right]").inner_text()
    assert "Your answer was not right." in phone.locator("#live").inner_text()
    assert phone.evaluate("window.__sameDocument") is True
    assert serious_findings(phone) == []


def test_the_projector_without_javascript(live_server: Any, chromium: Any, room: Any) -> None:
    context = chromium.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)  # a hang fails instead of blocking CI
    page = context.new_page()
    try:
        base = live_server.url
        log_in(page, base, "ms-teacher")
        page.goto(f"{base}/classrooms/{room.pk}/ask/")
        # Lessons are closed <details>: open one by keyboard, pick, push.
        page.focus("summary:has-text('First lesson')")
        page.keyboard.press("Enter")
        page.check("#push-t-text")
        page.select_option("#push-seconds", "60")
        page.click("text=Push and open the projector view")
        stage = page.locator("#stage")
        assert "answers close at" in stage.inner_text()
        assert page.locator("[data-fullscreen]").is_hidden()  # needs JavaScript
        page.click("text=Refresh")
        page.click("text=Close answers")
        assert "Answers are closed" in page.locator("#stage").inner_text()
        page.click("text=Reveal the answer")
        assert page.locator('#stage[data-state="revealed"]').count() == 1
        assert "docker ps" in page.locator("#stage").inner_text()
    finally:
        context.close()


def test_a_push_from_elsewhere_brings_its_buttons(
    live_server: Any, tabs: tuple[Any, Any], room: Any
) -> None:
    projector, _ = tabs
    log_in(projector, live_server.url, "ms-teacher")
    projector.goto(f"{live_server.url}/classrooms/{room.pk}/ask/projector/")
    projector.locator('#stage[data-state="none"]').wait_for()
    projector.evaluate("window.__sameDocument = true")
    assert projector.locator("[data-close-answers]").count() == 0
    # Pushed from the instructor's laptop while the projector tab stays open.
    teacher = get_user_model().objects.get(username="ms-teacher")
    live_push(classroom=room, question=Question.objects.get(key="t-text"), by=teacher)
    projector.locator('#stage[data-state="open"]').wait_for()
    projector.locator("[data-close-answers]").wait_for()
    # The buttons are not redrawn by quiet polls: a focused one keeps its focus.
    projector.focus("[data-close-answers]")
    projector.wait_for_timeout(4_500)  # two polls
    assert projector.evaluate("document.activeElement.hasAttribute('data-close-answers')")
    assert projector.evaluate("window.__sameDocument") is True


def test_axe_on_a_phone_in_dark_colours(live_server: Any, chromium: Any, room: Any) -> None:
    """The push list and the projector in every state, at 390 px in dark colours."""
    context = with_axe(
        chromium.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    )
    context.set_default_timeout(10_000)  # a hang fails instead of blocking CI
    page = context.new_page()
    try:
        base = live_server.url
        log_in(page, base, "ms-teacher")
        page.goto(f"{base}/classrooms/{room.pk}/ask/?q=runtimes")
        found = serious_findings(page)
        page.check("#push-t-multiple")
        page.click("text=Push and open the projector view")
        page.locator('#stage[data-state="open"]').wait_for()
        found += serious_findings(page)
        page.click("text=Close answers")
        page.locator('#stage[data-state="closed"]').wait_for()
        found += serious_findings(page)
        page.click("text=Reveal the answer")
        page.locator('#stage[data-state="revealed"]').wait_for()
        found += serious_findings(page)
        assert found == []
    finally:
        context.close()
