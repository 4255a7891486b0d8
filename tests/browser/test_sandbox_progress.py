"""Reaching a sandbox's goals moves the lesson header in Chromium, in place: the count, and
"Lesson complete" with the next lesson beside the terminal when it was the last open item;
with JavaScript off, the page the form lands on says the same."""

from __future__ import annotations

import pytest

from learn.content.services import course_sync
from tests.sandboxes.conftest import SANDBOX_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INPUT = "#sb-sb-read-note-command"
FEEDBACK = "#sb-sb-read-note-feedback"


def answer_the_quiz(page) -> None:
    page.get_by_label("cat", exact=True).check()
    page.click("#q-sb-plain-quiz button[type=submit]")


def test_the_goal_moves_the_header_and_completes_the_lesson_in_place(live_server, page) -> None:
    course_sync(root=SANDBOX_COURSE)
    page.goto(f"{live_server.url}/lessons/terminal/")
    page.evaluate("window.__sameDocument = true")
    assert "0 of 2 answered right" in page.inner_text("#lesson-status")
    answer_the_quiz(page)
    page.locator("#lesson-status", has_text="1 of 2 answered right").wait_for()

    page.fill(INPUT, "cat note.txt")
    page.keyboard.press("Enter")
    page.locator("#lesson-status", has_text="2 of 2 answered right").wait_for()
    assert page.evaluate("window.__sameDocument") is True  # swapped, not reloaded
    header = page.locator("#lesson-status [data-lesson-complete]")
    assert "Lesson complete." in header.inner_text()
    # Where the learner is: beside the terminal, with the way on.
    here = page.locator(f"{FEEDBACK} [data-lesson-complete] a")
    assert here.inner_text() == "Next: Self-healing →"
    assert page.evaluate("document.activeElement.id") == INPUT[1:]
    here.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/lessons/healing/")


def test_without_javascript_the_page_it_lands_on_says_lesson_complete(
    live_server, chromium
) -> None:
    course_sync(root=SANDBOX_COURSE)
    context = chromium.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)  # a hang fails, as the page fixture's does
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/lessons/terminal/")
        answer_the_quiz(page)
        page.wait_for_url("**/lessons/terminal/**")
        page.locator("#lesson-status", has_text="1 of 2 answered right").wait_for()
        page.fill(INPUT, "cat note.txt")
        page.click("#q-sb-read-note .terminal-form button[type=submit]")
        page.wait_for_url("**/lessons/terminal/#lesson-status")
        status = page.inner_text("#lesson-status")
        assert "2 of 2 answered right" in status and "Lesson complete." in status
        assert page.locator("#lesson-status a", has_text="Next: Self-healing").count() == 1
        assert "hello from the sandbox" in page.inner_text("#sb-sb-read-note-log")
    finally:
        context.close()
