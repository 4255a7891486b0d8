"""The one instructor gate, exhaustively: every instructor URL x every kind of visitor.

Allowed: the class's instructors (the one who created it and a co-instructor) and superusers
(they can read every row in /admin/ anyway; see learn/classrooms/access.py). Everyone else,
including anonymous visitors, gets a 404 that does not reveal the class exists, and a refused
POST changes nothing."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.http import Http404
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from learn.classrooms import urls as classroom_urls
from learn.classrooms.access import classroom_for_instructor
from learn.classrooms.models import Classroom, LiveQuestion, Membership, Removal
from learn.classrooms.services import instructor_grant, live_push, student_remove

ROLES = [
    "anonymous",
    "student",
    "other_student",
    "other_instructor",
    "co_instructor",
    "owner",
    "admin",
]
ALLOWED = {"co_instructor", "owner", "admin"}

# name -> (method, POST data). Every name in INSTRUCTOR_URL_NAMES must be here.
REQUESTS: dict[str, tuple[str, dict[str, str]]] = {
    "classroom_dashboard": ("get", {}),
    "classroom_code": ("get", {}),
    "classroom_questions": ("get", {}),
    "classroom_student": ("get", {}),
    "classroom_export_progress": ("get", {}),
    "classroom_export_answers": ("get", {}),
    "classroom_ask": ("get", {}),
    "classroom_projector": ("get", {}),
    "classroom_rotate_code": ("post", {}),
    "classroom_joining": ("post", {"open": "0"}),
    "classroom_pacing": ("post", {"open_through": "second"}),
    "classroom_add_instructor": ("post", {"username": "other-teacher"}),
    "classroom_remove_student": ("post", {}),
    "classroom_removed": ("get", {}),
    "classroom_readmit": ("post", {}),
    "classroom_student_password": (
        "post",
        {"new_password1": "a-new-pass-for-stu-42", "new_password2": "a-new-pass-for-stu-42"},
    ),
    "classroom_ask_push": ("post", {"question": "t-text"}),
    "classroom_ask_reveal": ("post", {}),
    "classroom_ask_close": ("post", {"then": "projector"}),
    "classroom_ask_stop": ("post", {}),
}


def snapshot(classroom: Classroom) -> tuple[Any, ...]:
    classroom.refresh_from_db()
    return (
        classroom.code,
        classroom.joining_open,
        classroom.open_through_id,
        sorted(
            Membership.objects.filter(classroom=classroom).values_list(
                "user_id", "role", "user__password"
            )
        ),
        sorted(
            LiveQuestion.objects.filter(classroom=classroom).values_list(
                "question_id", "revealed_at", "closed_at", "ended_at"
            )
        ),
        sorted(Removal.objects.filter(classroom=classroom).values_list("user_id", flat=True)),
    )


def test_every_instructor_url_is_in_the_matrix_and_uses_the_gate() -> None:
    names = {
        p.name
        for p in get_resolver("learn.classrooms.urls").url_patterns
        if isinstance(p, URLPattern)
    }
    member_urls = {"classrooms", "classroom_join", "classroom_live", "classroom_leave"}
    assert names - member_urls == set(classroom_urls.INSTRUCTOR_URL_NAMES)
    assert set(REQUESTS) == set(classroom_urls.INSTRUCTOR_URL_NAMES)
    for pattern in get_resolver("learn.classrooms.urls").url_patterns:
        if pattern.name in REQUESTS:
            source = inspect.getsource(pattern.callback)
            assert "classroom_for_instructor(user=request.user, pk=pk)" in source, pattern.name


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_access_matrix(client: Client, world: Any, name: str, role: str) -> None:
    classroom = world.classroom
    # Something for reveal, close and stop to act on, and someone removed to re-admit.
    live_push(classroom=classroom, question=_question("t-single"), by=world.owner)
    removed = get_user_model().objects.create_user(username="removed-stu")
    Membership.objects.create(classroom=classroom, user=removed, role=Membership.STUDENT)
    student_remove(classroom=classroom, user_id=removed.pk, by=world.owner)
    kwargs: dict[str, int] = {"pk": classroom.pk}
    if name in ("classroom_student", "classroom_remove_student", "classroom_student_password"):
        kwargs["user_id"] = world.student.pk
    if name == "classroom_readmit":
        kwargs["user_id"] = removed.pk
    url = reverse(name, kwargs=kwargs)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    method, data = REQUESTS[name]
    before = snapshot(classroom)
    response = client.get(url) if method == "get" else client.post(url, data)
    if role in ALLOWED:
        assert response.status_code == (200 if method == "get" else 302), (name, role)
        if method == "post":
            assert snapshot(classroom) != before, f"{name} as {role} changed nothing"
    else:
        assert response.status_code == 404, (name, role, response.status_code)
        assert snapshot(classroom) == before, f"{name} as {role} changed the class"
        if method == "get" and not name.startswith("classroom_export"):
            assert "Morning class" not in response.content.decode()


def _question(key: str) -> Any:
    from learn.content.models import Question

    return Question.objects.get(key=key)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),  # to the login page: the class page is for logged-in members
        ("student", 200),
        ("other_student", 404),
        ("other_instructor", 404),
        ("co_instructor", 200),
        ("owner", 200),
        ("admin", 200),
    ],
)
def test_student_class_page_is_for_members_only(
    client: Client, world: Any, role: str, expected: int
) -> None:
    if role != "anonymous":
        client.force_login(getattr(world, role))
    response = client.get(reverse("classroom_live", args=[world.classroom.pk]))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_only_students_of_the_class_can_be_reviewed(client: Client, world: Any) -> None:
    client.force_login(world.owner)
    for user in (world.other_student, world.co_instructor, world.owner):
        url = reverse("classroom_student", args=[world.classroom.pk, user.pk])
        assert client.get(url).status_code == 404
    url = reverse("classroom_student", args=[world.classroom.pk, world.student.pk])
    assert client.get(url).status_code == 200


def test_an_instructor_sees_only_their_own_classes(client: Client, world: Any) -> None:
    client.force_login(world.other_instructor)
    assert client.get(reverse("classroom_dashboard", args=[world.other.pk])).status_code == 200
    assert client.get(reverse("classroom_dashboard", args=[world.classroom.pk])).status_code == 404
    assert client.get(reverse("classroom_dashboard", args=[99999])).status_code == 404


def test_revoking_the_instructor_role_closes_the_dashboard(client: Client, world: Any) -> None:
    client.force_login(world.co_instructor)
    url = reverse("classroom_dashboard", args=[world.classroom.pk])
    assert client.get(url).status_code == 200
    instructor_grant(user=world.co_instructor, revoke=True)
    assert client.get(url).status_code == 404


def test_the_gate_costs_one_query(world: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        assert classroom_for_instructor(user=world.owner, pk=world.classroom.pk)
    with django_assert_num_queries(1), pytest.raises(Http404):
        classroom_for_instructor(user=world.student, pk=world.classroom.pk)
