"""A learner answers with the keyboard alone and htmx swaps the feedback in, no reload."""

from __future__ import annotations

import pytest

from learn.content.models import Question
from learn.content.services import course_sync
from learn.progress.models import Attempt
from tests.conftest import FIXTURE_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_answer_a_question_by_keyboard(live_server, page) -> None:
    course_sync(root=FIXTURE_COURSE)
    question = Question.objects.get(key="t-single")
    right, wrong = (
        question.data["correct"][0],
        next(
            c["key"] for c in question.data["choices"] if c["key"] not in question.data["correct"]
        ),
    )
    page.goto(f"{live_server.url}/lessons/first/")
    page.evaluate("window.__sameDocument = true")

    # Wrong first: arrow keys move within the radio group, Enter submits the form.
    page.focus(f"#q-t-single-{wrong}")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    feedback = page.locator("#q-t-single-feedback [data-result]")
    feedback.wait_for()
    assert feedback.get_attribute("data-result") == "incorrect"
    assert page.locator("#q-t-single-feedback").get_attribute("aria-live") == "polite"

    page.focus(f"#q-t-single-{right}")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.locator('#q-t-single-feedback [data-result="correct"]').wait_for()
    assert "Correct." in page.locator("#q-t-single-feedback").inner_text()
    # Swapped in place: the same document, no navigation.
    assert page.evaluate("window.__sameDocument") is True
    assert page.url.endswith("/lessons/first/")
    assert Attempt.objects.filter(question=question).count() == 2


def test_a_text_answer_typed_and_submitted_with_enter(live_server, page) -> None:
    course_sync(root=FIXTURE_COURSE)
    page.goto(f"{live_server.url}/lessons/first/")
    page.focus("#q-t-text-text")
    page.keyboard.type("Docker PS")
    page.keyboard.press("Enter")
    page.locator('#q-t-text-feedback [data-result="correct"]').wait_for()
