"""A learner fixes a broken Deployment in a lab until every check passes."""

from __future__ import annotations

import pytest

from learn.content.models import Question
from learn.content.services import course_sync

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fix_a_broken_deployment_until_every_check_passes(live_server, page) -> None:
    course_sync()
    lab = Question.objects.get(key="m4-lab-fix-deployment")
    page.goto(f"{live_server.url}{lab.lesson.get_absolute_url()}#{lab.anchor}")
    editor = page.locator(f"#{lab.anchor}-source")
    assert editor.input_value().strip() == lab.data["starter"].strip()

    page.click(f"#{lab.anchor} button[type=submit]")
    page.locator(f'#{lab.anchor}-feedback [data-result="incorrect"]').wait_for()
    failed = page.locator(f"#{lab.anchor}-feedback .check.failed").count()
    assert failed >= 1

    # Tab indents inside the editor instead of leaving it.
    editor.focus()
    editor.press("End")
    editor.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"{lab.anchor}-source"

    editor.fill(lab.data["solution"])
    page.click(f"#{lab.anchor} button[type=submit]")
    page.locator(f'#{lab.anchor}-feedback [data-result="correct"]').wait_for()
    assert page.locator(f"#{lab.anchor}-feedback .check.failed").count() == 0
    assert "Every check passes." in page.inner_text(f"#{lab.anchor}-feedback")
