from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from learn.classrooms.models import Classroom, Membership
from learn.classrooms.services import classroom_create, classroom_join, instructor_grant


def make_instructor(username: str, **extra: Any) -> Any:
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    instructor_grant(user=user)
    return user


def make_students(classroom: Classroom, count: int, prefix: str = "s") -> list[Any]:
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"{prefix}{n:03d}") for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(classroom=classroom, user=u, role=Membership.STUDENT) for u in users
    )
    return users


@dataclass
class World:
    """Two classes and one person of every kind the access rules distinguish."""

    classroom: Classroom
    other: Classroom
    owner: Any
    co_instructor: Any
    other_instructor: Any
    student: Any
    other_student: Any
    admin: Any


@pytest.fixture
def world(db: Any, course: Any) -> World:
    users = get_user_model().objects
    owner = make_instructor("owner")
    co = make_instructor("co")
    other_instructor = make_instructor("other-teacher")
    classroom = classroom_create(instructor=owner, name="Morning class")
    other = classroom_create(instructor=other_instructor, name="Evening class")
    Membership.objects.create(classroom=classroom, user=co, role=Membership.INSTRUCTOR)
    student = users.create_user(username="stu", password="pw-stu")
    other_student = users.create_user(username="other-stu", password="pw-other")
    classroom_join(user=student, code=classroom.code)
    classroom_join(user=other_student, code=other.code)
    admin = users.create_superuser(username="admin", password="pw-admin", email="a@example.com")
    return World(classroom, other, owner, co, other_instructor, student, other_student, admin)
