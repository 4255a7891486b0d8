"""A lab's feedback names its checks in plain language and links a failed check to its line
(selecting the line in the editor); the editor
shows line numbers and can be reset to the starting file (issue 12, item 5)."""

from __future__ import annotations

import pytest

from learn.content.models import Question
from learn.content.services import course_sync
from learn.labs.checks import CHECK_TITLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_checks_in_plain_language_findings_with_lines_and_a_reset(live_server, page) -> None:
    course_sync()
    lab = Question.objects.get(key="m1-lab-cache-friendly")
    page.goto(f"{live_server.url}{lab.lesson.get_absolute_url()}#{lab.anchor}")
    editor = page.locator(f"#{lab.anchor}-source")
    starter = lab.data["starter"]
    gutter = page.locator(f"#{lab.anchor} .editor .gutter")
    assert gutter.inner_text().split() == [str(n) for n in range(1, starter.count("\n") + 2)]

    page.click(f"#{lab.anchor} button[type=submit]")
    feedback = page.locator(f"#{lab.anchor}-feedback")
    feedback.locator('[data-result="incorrect"]').wait_for()
    names = feedback.locator(".check strong").all_inner_texts()
    assert CHECK_TITLES["deps_before_source"] in names
    assert not [name for name in names if "_" in name]

    # A failed check links to its line; following it selects that line in the editor.
    link = feedback.locator(".check.failed a[data-goto-line]").first
    line = int(link.get_attribute("data-goto-line"))
    link.click()
    assert page.evaluate("document.activeElement.id") == f"{lab.anchor}-source"
    selected = page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.value.slice(e.selectionStart, e.selectionEnd); }"
    )
    assert selected == starter.split("\n")[line - 1]

    editor.fill("FROM scratch\n")
    assert gutter.inner_text().split() == ["1", "2"]
    page.click(f"#{lab.anchor} button:text-is('Reset to the starting file')")
    assert editor.input_value() == starter
    assert "starting file again" in page.inner_text(f"#{lab.anchor} .editor-tools")
