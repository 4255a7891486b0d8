"""The dashboard's progress read kept per process between refreshes (issue 15): an unchanged
class costs two queries fewer, and anything a student does shows at the very next refresh."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from learn.content.models import Lesson, Question
from learn.progress.learner import Learner
from learn.progress.services import lesson_mark_done
from tests.classrooms.conftest import make_students
from tests.classrooms.test_dashboard import DASHBOARD_BUDGET, answer, board_rows

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board"}


def cells_of(html: str, username: str) -> list[str]:
    [row] = [r for r in board_rows(html) if f">{username}</a>" in r]
    return re.findall(r'<td class="cell [a-z -]+">([^<]*)</td>', row)


def test_an_answer_shows_at_the_next_refresh(
    client: Client, world: Any, django_assert_max_num_queries: Any
) -> None:
    course = {q.key: q for q in Question.objects.all()}
    client.force_login(world.owner)
    url = f"/classrooms/{world.classroom.pk}/"
    assert cells_of(client.get(url, **HTMX).content.decode(), "stu") == ["–", "–", "–"]
    # Nothing changed: the grouped states and the marks come from the cache.
    with django_assert_max_num_queries(DASHBOARD_BUDGET - 2):
        client.get(url, **HTMX)
    answer(world.student, course["t-second"], right=False)
    assert cells_of(client.get(url, **HTMX).content.decode(), "stu") == ["–", "–", "0/1 · 0%"]
    answer(world.student, course["t-second"], right=True)
    html = client.get(url, **HTMX).content.decode()
    assert cells_of(html, "stu") == ["–", "–", "✓ 50%"]
    lesson_mark_done(
        learner=Learner(user_id=world.student.pk), lesson=Lesson.objects.get(slug="reading")
    )
    assert cells_of(client.get(url, **HTMX).content.decode(), "stu") == ["–", "read", "✓ 50%"]


def test_a_student_added_without_signals_shows_at_the_next_refresh(
    client: Client, world: Any
) -> None:
    client.force_login(world.owner)
    url = f"/classrooms/{world.classroom.pk}/"
    assert len(board_rows(client.get(url, **HTMX).content.decode())) == 1
    # bulk_create sends no signal and bumps no token: the membership itself is in the key.
    [late] = make_students(world.classroom, 1, prefix="late")
    assert cells_of(client.get(url, **HTMX).content.decode(), "late000") == ["–", "–", "–"]
    answer(late, Question.objects.get(key="t-second"), right=True)
    assert cells_of(client.get(url, **HTMX).content.decode(), "late000") == ["–", "–", "✓ 100%"]


def test_only_the_student_who_answered_is_read_again(client: Client, world: Any) -> None:
    course = {q.key: q for q in Question.objects.all()}
    [other] = make_students(world.classroom, 1, prefix="o")
    answer(other, course["t-single"], right=True)
    answer(world.student, course["t-second"], right=False)
    client.force_login(world.owner)
    url = f"/classrooms/{world.classroom.pk}/"
    first = client.get(url, **HTMX).content.decode()
    assert cells_of(first, "o000") == ["1/4 · 100%", "–", "–"]
    answer(world.student, course["t-second"], right=True)
    html = client.get(url, **HTMX).content.decode()
    # The answering student's row is new; the other's, kept from the cache, is unchanged.
    assert cells_of(html, "stu") == ["–", "–", "✓ 50%"]
    assert cells_of(html, "o000") == ["1/4 · 100%", "–", "–"]
    answer(other, course["t-multiple"], right=False)
    html = client.get(url, **HTMX).content.decode()
    assert cells_of(html, "o000") == ["1/4 · 50%", "–", "–"]
    assert cells_of(html, "stu") == ["–", "–", "✓ 50%"]


def test_a_course_sync_reads_the_class_again(client: Client, world: Any) -> None:
    # A sync may retire one question and add another in the same lesson: the lesson's count
    # stays, which states count does not. Every sync changes the course version
    # (learn/content/version.py), and the kept progress is keyed on it.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from learn.content.models import CourseVersion
    from learn.content.version import forget_course_version

    client.force_login(world.owner)
    url = f"/classrooms/{world.classroom.pk}/"
    client.get(url, **HTMX)
    with CaptureQueriesContext(connection) as warm:
        client.get(url, **HTMX)
    CourseVersion.objects.update_or_create(pk=1, defaults={"digest": "after-a-sync"})
    forget_course_version()
    with CaptureQueriesContext(connection) as after_sync:
        client.get(url, **HTMX)
    grouped = [q["sql"] for q in after_sync.captured_queries if "questionstate" in q["sql"].lower()]
    assert grouped, "the states were not read again after the course changed"
    assert not [q for q in warm.captured_queries if "questionstate" in q["sql"].lower()]
