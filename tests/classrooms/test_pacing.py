"""Guided mode: the instructor opens lessons up to a point; the class's students see later
lessons locked; nobody else is affected; the page query budgets hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client

from learn.classrooms.models import Classroom
from learn.classrooms.selectors import pacing_limit
from learn.classrooms.services import classroom_create, classroom_join, classroom_set_pacing
from learn.content.models import Lesson
from tests.classrooms.conftest import make_instructor
from tests.lessons.test_pages import LESSON_BUDGET, PATH_BUDGET

LOCKED = "your instructor will open this"


def guide(classroom: Classroom, slug: str | None) -> None:
    lesson = Lesson.objects.get(slug=slug) if slug else None
    classroom_set_pacing(classroom=classroom, open_through=lesson)


def test_students_of_a_guided_class_see_later_lessons_locked(client: Client, world: Any) -> None:
    teacher = Client()
    teacher.force_login(world.owner)
    response = teacher.post(f"/classrooms/{world.classroom.pk}/pacing/", {"open_through": "first"})
    assert response.status_code == 302
    client.force_login(world.student)
    path = client.get("/").content.decode()
    assert path.count(LOCKED) == 2  # "Reading only" and "Second lesson"
    first = client.get("/lessons/first/").content.decode()
    assert LOCKED not in first and "<fieldset>" in first
    locked = client.get("/lessons/second/")
    html = locked.content.decode()
    assert locked.status_code == 200 and LOCKED in html
    assert "<fieldset>" not in html and "Pick the right one" not in html  # no content leaks
    # Opening more unlocks it.
    guide(world.classroom, "second")
    assert LOCKED not in client.get("/lessons/second/").content.decode()
    guide(world.classroom, None)
    assert LOCKED not in client.get("/").content.decode()


def test_learners_outside_the_class_are_unaffected(client: Client, world: Any) -> None:
    guide(world.classroom, "first")
    for user in (world.other_student, world.owner, world.other_instructor):
        client.force_login(user)
        assert LOCKED not in client.get("/lessons/second/").content.decode()
        assert LOCKED not in client.get("/").content.decode()
    anonymous = Client()
    assert LOCKED not in anonymous.get("/lessons/second/").content.decode()


def test_several_classes_the_most_open_one_wins(make_user: Any, course: Any) -> None:
    first, second = (Lesson.objects.get(slug=s) for s in ("first", "second"))
    a = classroom_create(instructor=make_instructor("t1"), name="A")
    b = classroom_create(instructor=make_instructor("t2"), name="B")
    learner = make_user("learner")
    assert pacing_limit(learner) is None
    classroom_join(user=learner, code=a.code)
    classroom_join(user=learner, code=b.code)
    classroom_set_pacing(classroom=a, open_through=first)
    assert pacing_limit(learner) is None  # B is self-paced
    classroom_set_pacing(classroom=b, open_through=second)
    assert pacing_limit(learner) == second.position
    classroom_set_pacing(classroom=b, open_through=first)
    assert pacing_limit(learner) == first.position


def test_page_budgets_hold_for_a_paced_student(
    client: Client, world: Any, tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    guide(world.classroom, "first")
    client.force_login(world.student)
    with django_assert_max_num_queries(PATH_BUDGET):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(LESSON_BUDGET):
        assert client.get("/lessons/first/").status_code == 200
    with django_assert_max_num_queries(LESSON_BUDGET):
        assert client.get("/lessons/second/").status_code == 200


def test_no_pacing_query_for_anonymous_visitors(
    client: Client, course: Any, django_assert_max_num_queries: Any
) -> None:
    client.get("/lessons/first/")  # builds the cached lesson skeleton
    # With the skeleton cached, an anonymous reader costs at most one query (the course
    # version, re-read every couple of seconds): pacing adds none.
    with django_assert_max_num_queries(1):
        assert client.get("/lessons/first/").status_code == 200
