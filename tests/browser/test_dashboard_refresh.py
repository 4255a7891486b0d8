"""The instructor's dashboard refreshes in place: the grid keeps its horizontal scroll, the
focused link keeps focus and the chosen sort stays (issue 12, item 7). Finished cells are
coloured by how well the student did, and "Who is stuck" sits above the grid."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from learn.classrooms.services import classroom_create, classroom_join, instructor_grant
from learn.content.models import Lesson, Question
from learn.content.services import course_sync
from learn.progress.learner import Learner
from learn.progress.services import attempt_submit
from tests.helpers import right_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-long-enough-for-django"


def answer(user: Any, question: Question, *, right: bool) -> None:
    attempt_submit(
        learner=Learner(user_id=user.pk),
        question=question,
        answer=right_answer(question) if right else {"choices": []},
        is_correct=right,
    )


def test_refresh_keeps_scroll_focus_and_sort(live_server: Any, chromium: Any) -> None:
    course_sync()
    users = get_user_model().objects
    teacher = users.create_user("ms-teacher", password=PASSWORD)
    instructor_grant(user=teacher)
    room = classroom_create(instructor=teacher, name="Thursday cohort")
    first = Lesson.objects.active().filter(question_count__gt=0).first()
    questions = list(Question.objects.filter(lesson=first, retired=False))
    struggling, strong, late = (
        users.create_user(name, password=PASSWORD) for name in ("ana", "ben", "cy")
    )
    for student in (struggling, strong, late):
        classroom_join(user=student, code=room.code)
    for question in questions:
        answer(struggling, question, right=False)
        answer(struggling, question, right=False)
        answer(struggling, question, right=True)
        answer(strong, question, right=True)

    context = chromium.new_context(viewport={"width": 800, "height": 900})
    context.set_default_timeout(10_000)  # a hang fails instead of blocking CI
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ms-teacher")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{live_server.url}/classrooms/{room.pk}/")

    # Coloured by how well it went, not one green for every finished lesson.
    ana = page.locator(f'#board tr[data-key="{struggling.pk}"] td.cell').first
    ben = page.locator(f'#board tr[data-key="{strong.pk}"] td.cell').first
    assert "done" in ana.get_attribute("class") and "band-low" in ana.get_attribute("class")
    assert "done" in ben.get_attribute("class") and "band-high" in ben.get_attribute("class")
    assert ana.inner_text() == "✓ 33%"
    stuck_y = page.locator("#board .stuck").bounding_box()["y"]
    assert stuck_y < page.locator("#board .grid-wrap").bounding_box()["y"]

    page.click("#board thead a:text-is('Right')")
    page.locator('#board th[aria-sort="descending"] a:text-is("Right")').wait_for()
    page.evaluate("window.__sameDocument = true")
    wrap = page.locator("#board .grid-wrap")
    wrap.evaluate("el => { el.scrollLeft = 400; }")
    assert wrap.evaluate("el => el.scrollLeft") == 400
    link = page.locator(f'#board tr[data-key="{strong.pk}"] th a')
    link.focus()

    # A student answers; the next refresh (5 s poll, or the same request triggered now)
    # changes the cell in place.
    answer(late, questions[0], right=True)
    late_cell = page.locator(f'#board tr[data-key="{late.pk}"] td.cell').first
    assert late_cell.inner_text() == "–"
    page.evaluate("htmx.trigger('#board', 'refresh')")
    page.wait_for_function(
        "key => document.querySelector(`#board tr[data-key='${key}'] td.cell`).textContent"
        ".includes('100%')",
        arg=late.pk,
    )
    assert wrap.evaluate("el => el.scrollLeft") == 400
    assert page.evaluate("document.activeElement.closest('tr').dataset.key") == str(strong.pk)
    assert page.locator('#board th[aria-sort="descending"] a:text-is("Right")').count() == 1
    assert page.evaluate("window.__sameDocument") is True
    context.close()
