"""The last answer of a lesson says "Lesson complete" where the learner is, and the header's
count moves in place (htmx out-of-band swap), without a reload."""

from __future__ import annotations

import pytest

from learn.content.models import Question
from learn.content.services import course_sync
from tests.conftest import FIXTURE_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_last_answer_says_lesson_complete_and_moves_the_count(live_server, page) -> None:
    course_sync(root=FIXTURE_COURSE)
    question = Question.objects.get(key="t-second")
    page.goto(f"{live_server.url}/lessons/second/")
    page.evaluate("window.__sameDocument = true")
    assert "0 of 1 answered right" in page.locator("#lesson-status").inner_text()

    page.check(f"#q-t-second-{question.data['correct'][0]}")
    page.locator("#q-t-second button[type='submit']").click()
    note = page.locator("#q-t-second-feedback [data-lesson-complete]")
    note.wait_for()
    assert "Lesson complete." in note.inner_text()
    assert page.locator("#q-t-second-feedback").get_attribute("aria-live") == "polite"
    assert "1 of 1 answered right" in page.locator("#lesson-status").inner_text()
    assert page.evaluate("window.__sameDocument") is True
