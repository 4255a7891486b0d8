"""Issue 14.12 and issue 12.8: pacing is enforced on the server, in one gate
(learn/classrooms/gates.py: Pacing), and never contradicts progress."""

from __future__ import annotations

from typing import Any

from django.test import Client

from learn.classrooms.models import Membership
from learn.classrooms.services import live_push
from learn.content.models import Question
from learn.progress.learner import Learner
from learn.progress.models import Attempt
from learn.progress.services import attempt_submit
from tests.classrooms.test_pacing import LOCKED, guide
from tests.helpers import right_answer

HTMX = {"HTTP_HX_REQUEST": "true"}


def solve(user: Any, *keys: str) -> None:
    for key in keys:
        question = Question.objects.get(key=key)
        attempt_submit(
            learner=Learner(user_id=user.pk), question=question, answer={}, is_correct=True
        )


def test_a_paced_student_cannot_answer_a_locked_lessons_questions(
    client: Client, world: Any
) -> None:
    guide(world.classroom, "first")
    client.force_login(world.student)
    question = Question.objects.get(key="t-second")
    for headers in ({}, HTMX):
        response = client.post(
            f"/questions/{question.key}/answer/", right_answer(question), **headers
        )
        assert response.status_code == 403
        assert "not opened this lesson" in response.content.decode()
    assert not Attempt.objects.exists()
    # Anyone outside the class answers it as usual.
    other = Client()
    other.force_login(world.other_student)
    response = other.post(f"/questions/{question.key}/answer/", right_answer(question), **HTMX)
    assert response.status_code == 200


def test_a_live_question_from_a_locked_lesson_can_be_answered(client: Client, world: Any) -> None:
    guide(world.classroom, "first")
    question = Question.objects.get(key="t-second")
    live_push(classroom=world.classroom, question=question, by=world.owner)
    client.force_login(world.student)
    response = client.post(
        f"/questions/{question.key}/answer/",
        {**right_answer(question), "source_page": "live"},
        **HTMX,
    )
    assert response.status_code == 200
    assert Attempt.objects.filter(user=world.student).count() == 1


def test_leaving_a_guided_class_does_not_lift_the_lock(client: Client, world: Any) -> None:
    guide(world.classroom, "first")
    client.force_login(world.student)
    response = client.post(f"/classrooms/{world.classroom.pk}/leave/", follow=True)
    assert "cannot leave it yourself" in response.content.decode()
    assert Membership.objects.filter(classroom=world.classroom, user=world.student).exists()
    assert LOCKED in client.get("/lessons/second/").content.decode()
    # A self-paced class can be left.
    guide(world.classroom, None)
    client.post(f"/classrooms/{world.classroom.pk}/leave/")
    assert not Membership.objects.filter(classroom=world.classroom, user=world.student).exists()


def test_a_finished_lesson_is_never_locked(client: Client, world: Any) -> None:
    solve(world.student, "t-second")  # done before the instructor started pacing
    guide(world.classroom, "first")
    client.force_login(world.student)
    page = client.get("/lessons/second/").content.decode()
    assert LOCKED not in page and "<fieldset>" in page
    path = client.get("/").content.decode()
    row = path.split("Second lesson", 1)[1].split("</li>", 1)[0]
    assert "Locked" not in row
    # Retrying a finished lesson's question is allowed too.
    question = Question.objects.get(key="t-second")
    response = client.post(f"/questions/{question.key}/answer/", right_answer(question), **HTMX)
    assert response.status_code == 200


def test_continue_never_points_at_a_locked_lesson(client: Client, world: Any) -> None:
    guide(world.classroom, "first")
    solve(world.student, "t-single", "t-multiple", "t-text", "t-order")  # all of "first"
    client.force_login(world.student)
    path = client.get("/").content.decode()
    assert "data-continue" not in path
    assert "the next one opens when your instructor opens it" in path
    guide(world.classroom, "reading")
    path = client.get("/").content.decode()
    link = path.split("data-continue", 1)[0].rsplit("<a", 1)[1]
    assert "/lessons/reading/" in link
