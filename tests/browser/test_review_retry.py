"""A learner misses a question, finds it under "missed", retries it right there, and it
leaves "missed"."""

from __future__ import annotations

import pytest

from learn.content.models import Question
from learn.content.services import course_sync
from tests.conftest import FIXTURE_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_missed_question_retried_on_the_review_page(live_server, page) -> None:
    course_sync(root=FIXTURE_COURSE)
    question = Question.objects.get(key="t-single")
    right = question.data["correct"][0]
    wrong = next(c["key"] for c in question.data["choices"] if c["key"] != right)

    page.goto(f"{live_server.url}/lessons/first/")
    page.check(f"#q-t-single-{wrong}")
    page.click("#q-t-single button[type=submit]")
    page.locator('#q-t-single-feedback [data-result="incorrect"]').wait_for()

    page.goto(f"{live_server.url}/review/")
    page.click('#review-filters a[href="?filter=missed"]')
    page.locator('#review-filters a[href="?filter=missed"][aria-current="page"]').wait_for()
    assert page.url.endswith("/review/?filter=missed")  # pushed into the history
    assert page.locator('[data-count="missed"]').inner_text() == "1"
    item = page.locator("#review-t-single")
    assert "Missed" in item.inner_text()

    page.check(f"#review-t-single #q-t-single-{right}")
    page.click("#review-t-single button[type=submit]")
    page.locator("#review-t-single.right").wait_for()
    assert page.locator('[data-count="missed"]').inner_text() == "0"
    # The summary moved with it (out of band): 1 right out of 2 tries, nothing missed.
    assert page.locator('[data-summary="accuracy"]').inner_text() == "50%"
    assert page.locator('.module-accuracy tr[data-module="basics"] td').nth(1).inner_text() == "0"

    page.reload()
    assert page.locator("#review-t-single").count() == 0
    assert "no question matches this filter" in page.inner_text("#review-list")
