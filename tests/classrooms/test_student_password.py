"""An instructor sets a new password for a student of their class (issue 12, item 6); the
access matrix (test_access.py) covers who may; this covers what happens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from learn.classrooms.services import classroom_create, classroom_join, instructor_grant

NEW = "a-new-pass-for-stu-42"


def test_the_new_password_works_and_a_weak_one_is_refused_under_its_field(
    client: Client, course: Any
) -> None:
    users = get_user_model().objects
    teacher = users.create_user("teach", password="teach-pass-long-1")
    instructor_grant(user=teacher)
    room = classroom_create(instructor=teacher, name="Class")
    student = users.create_user("stu", password="old-pass-long-enough-1")
    classroom_join(user=student, code=room.code)
    client.force_login(teacher)
    url = f"/classrooms/{room.pk}/students/{student.pk}/password/"

    weak = client.post(url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 400
    html = weak.content.decode()
    errors = html.split('id="id_new_password2-errors"', 1)[1].split("</div>", 1)[0]
    assert "too common" in errors
    assert Client().login(username="stu", password="old-pass-long-enough-1")

    done = client.post(url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "stu can log in with the new password now" in done.content.decode()
    assert Client().login(username="stu", password=NEW)

    # An instructor of the class is not a student: their password is not for others to set.
    other = users.create_user("co", password="co-pass-long-enough-1")
    response = client.post(
        f"/classrooms/{room.pk}/students/{other.pk}/password/",
        {"new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 404
