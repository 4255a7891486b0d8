"""The instructor dashboard: students x lessons, totals, sorting, who is stuck, live refresh,
and a query budget that does not grow with the class or the course."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from learn.classrooms.demo import simulate_progress, write_synthetic_course
from learn.classrooms.services import classroom_create
from learn.content.models import Lesson, Question
from learn.content.services import course_sync
from learn.progress.learner import Learner
from learn.progress.models import Attempt, QuestionState
from learn.progress.services import attempt_submit, lesson_mark_done
from tests.classrooms.conftest import make_instructor, make_students
from tests.helpers import right_answer, wrong_answer

# session + user, the gate, members, lessons, grouped question states, lesson marks.
DASHBOARD_BUDGET = 7


def answer(user: Any, question: Question, *, right: bool) -> None:
    attempt_submit(
        learner=Learner(user_id=user.pk),
        question=question,
        answer=right_answer(question) if right else wrong_answer(question),
        is_correct=right,
    )


def board_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr.*?</tr>", body, re.S)


def test_cells_show_not_started_in_progress_and_done(client: Client, world: Any) -> None:
    course = {q.key: q for q in Question.objects.all()}
    student = world.student
    for key in ("t-single", "t-multiple", "t-text", "t-order"):
        answer(student, course[key], right=True)
    answer(student, course["t-second"], right=False)
    lesson_mark_done(learner=Learner(user_id=student.pk), lesson=Lesson.objects.get(slug="reading"))
    client.force_login(world.owner)
    html = client.get(f"/classrooms/{world.classroom.pk}/").content.decode()
    [row] = board_rows(html)
    assert "stu" in row
    cells = re.findall(r'<td class="cell ([a-z -]+)">([^<]*)</td>', row)
    # Coloured by accuracy: one green for 39% and 100% would hide who needs help.
    assert cells == [
        ("done band-high", "✓ 100%"),
        ("done", "read"),
        ("in-progress band-low", "0/1 · 0%"),
    ]
    # Totals per student (done, accuracy) and per lesson.
    assert '<td class="num">2</td>' in row and '<td class="num">80%</td>' in row
    assert "1 done<br>1 started<br>100%" in html
    assert 'hx-trigger="every 5s, refresh"' in html and "data-refresh" in html
    assert "other-stu" not in html  # another class's student


def test_sorting_by_a_column(client: Client, world: Any) -> None:
    course = {q.key: q for q in Question.objects.all()}
    extra = make_students(world.classroom, 2, prefix="zz")
    answer(extra[0], course["t-second"], right=True)
    answer(world.student, course["t-second"], right=False)
    client.force_login(world.owner)
    url = f"/classrooms/{world.classroom.pk}/"

    def order(query: str) -> list[str]:
        html = client.get(url + query).content.decode()
        return [
            re.search(r'scope="row"><a [^>]*>([^<]+)</a>', r).group(1) for r in board_rows(html)
        ]

    assert order("") == ["stu", "zz000", "zz001"]
    assert order("?sort=name&dir=desc") == ["zz001", "zz000", "stu"]
    assert order("?sort=lesson-second&dir=desc")[0] == "zz000"
    assert order("?sort=accuracy&dir=desc")[0] == "zz000"
    assert order("?sort=last&dir=desc")[-1] == "zz001"  # never active
    assert order("?sort=bogus") == ["stu", "zz000", "zz001"]
    html = client.get(url + "?sort=done&dir=desc").content.decode()
    assert 'aria-sort="descending"' in html


def test_who_is_stuck(client: Client, world: Any) -> None:
    course = {q.key: q for q in Question.objects.all()}
    idle, struggling, fine = make_students(world.classroom, 3, prefix="k")
    answer(idle, course["t-second"], right=True)
    QuestionState.objects.filter(user=idle).update(last_at=timezone.now() - timedelta(days=8))
    for _ in range(3):
        answer(struggling, course["t-single"], right=False)
    answer(struggling, course["t-text"], right=True)
    answer(fine, course["t-second"], right=True)
    client.force_login(world.owner)
    html = client.get(f"/classrooms/{world.classroom.pk}/").content.decode()
    stuck = dict(re.findall(r'<li data-stuck="([^"]+)"><a [^>]*>[^<]*</a>: ([^<]*)</li>', html))
    assert stuck["k000"] == "no activity for 8 days"
    assert stuck["k001"] == "25% right over 4 tries in “First lesson”"
    assert stuck["stu"] == "has not started"
    assert "k002" not in stuck
    relaxed = client.get(f"/classrooms/{world.classroom.pk}/?idle=10").content.decode()
    assert 'data-stuck="k000"' not in relaxed


def test_htmx_poll_returns_only_the_board(client: Client, world: Any) -> None:
    client.force_login(world.owner)
    url = f"/classrooms/{world.classroom.pk}/?sort=done&dir=desc&idle=3"
    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="board"')
    assert "<html" not in html and "join-panel" not in html
    poll_url = f"/classrooms/{world.classroom.pk}/?sort=done&amp;dir=desc&amp;idle=3"
    assert f'hx-get="{poll_url}"' in html
    assert "HX-Request" in response["Vary"]
    assert "no-store" in response["Cache-Control"]


def test_student_names_are_escaped(client: Client, world: Any) -> None:
    world.student.first_name = "<script>alert(1)</script>"
    world.student.save()
    client.force_login(world.owner)
    html = client.get(f"/classrooms/{world.classroom.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("students", [5, 200])
def test_dashboard_query_budget_over_the_full_course(
    client: Client, db: Any, tmp_path: Path, django_assert_max_num_queries: Any, students: int
) -> None:
    write_synthetic_course(tmp_path / "lessons", modules=5, lessons=6, questions=4)
    course_sync(root=tmp_path / "lessons")
    assert Lesson.objects.count() == 30 and Question.objects.count() == 100
    teacher = make_instructor("teach")
    classroom = classroom_create(instructor=teacher, name="Big class")
    users = make_students(classroom, students)
    simulate_progress(users, rng=random.Random(1), everything=True)
    assert QuestionState.objects.count() == students * 100
    assert Attempt.objects.count() >= students * 100
    client.force_login(teacher)
    url = f"/classrooms/{classroom.pk}/"
    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        response = client.get(url)
    assert response.status_code == 200
    assert len(board_rows(response.content.decode())) == students
    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        poll = client.get(url + "?sort=accuracy", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board")
    assert poll.status_code == 200
    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        assert client.get(f"/classrooms/{classroom.pk}/questions/").status_code == 200
