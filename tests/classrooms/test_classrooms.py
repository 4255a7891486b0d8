"""Creating classes, join codes, joining and leaving, co-instructors, the instructor role."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from learn.classrooms.models import CODE_ALPHABET, CODE_LENGTH, Classroom, Membership
from learn.classrooms.services import (
    ClassroomError,
    classroom_create,
    classroom_join,
    classroom_rotate_code,
    new_code,
)
from tests.classrooms.conftest import make_instructor, make_students


def test_codes_use_only_unambiguous_characters() -> None:
    assert not set("0O1Il") & set(CODE_ALPHABET)
    for _ in range(500):
        code = new_code()
        assert 6 <= len(code) <= 8 and len(code) == CODE_LENGTH
        assert set(code) <= set(CODE_ALPHABET)


def test_an_instructor_creates_a_class_and_sees_its_join_link(client: Client, db: Any) -> None:
    teacher = make_instructor("teach")
    client.force_login(teacher)
    page = client.get("/classrooms/").content.decode()
    assert 'name="name"' in page and "Create a class" in page
    response = client.post("/classrooms/", {"name": "Kube <101>", "description": "Tuesdays"})
    classroom = Classroom.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/classrooms/{classroom.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert f"/classrooms/join/?code={classroom.code}" in html
    assert f"data-join-code>{classroom.code}<" in html
    assert "Kube &lt;101&gt;" in html and "Kube <101>" not in html  # escaped
    assert "teach" in html  # the username in the header
    assert Membership.objects.get(classroom=classroom).role == Membership.INSTRUCTOR
    listing = client.get("/classrooms/").content.decode()
    assert f'href="/classrooms/{classroom.pk}/"' in listing


def test_a_class_needs_a_name(client: Client, db: Any) -> None:
    client.force_login(make_instructor("teach"))
    response = client.post("/classrooms/", {"name": "  "})
    assert response.status_code == 400
    assert not Classroom.objects.exists()


def test_only_instructors_create_classes(client: Client, make_user: Any) -> None:
    client.force_login(make_user("learner"))
    page = client.get("/classrooms/").content.decode()
    assert "Create a class" not in page and 'name="code"' in page
    assert client.post("/classrooms/", {"name": "Mine"}).status_code == 403
    assert not Classroom.objects.exists()
    with pytest.raises(ClassroomError):
        classroom_create(instructor=get_user_model().objects.get(), name="Mine")


def test_anonymous_visitors_are_sent_to_log_in(client: Client, db: Any) -> None:
    response = client.get("/classrooms/join/?code=ABCDEF")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/classrooms/join/%3Fcode%3DABCDEF"
    assert client.get("/classrooms/").status_code == 302


def test_join_by_link_prefills_the_code_and_joining_is_a_post(
    client: Client, make_user: Any
) -> None:
    classroom = classroom_create(instructor=make_instructor("teach"), name="Class A")
    student = make_user("learner")
    client.force_login(student)
    page = client.get(f"/classrooms/join/?code={classroom.code}").content.decode()
    assert f'value="{classroom.code}"' in page and 'name="code"' in page
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert not Membership.objects.filter(user=student).exists()  # a GET joins nothing
    typed = " " + "-".join(classroom.code.lower()[i : i + 3] for i in (0, 3)) + " "
    response = client.post("/classrooms/join/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/classrooms/{classroom.pk}/live/"
    assert Membership.objects.get(user=student).role == Membership.STUDENT
    # Joining again is harmless.
    assert client.post("/classrooms/join/", {"code": classroom.code}).status_code == 302
    assert Membership.objects.filter(user=student).count() == 1
    listing = client.get("/classrooms/").content.decode()
    assert "Class A" in listing


def test_a_wrong_code_or_a_closed_class_refuses_with_a_message(
    client: Client, make_user: Any
) -> None:
    teacher = make_instructor("teach")
    classroom = classroom_create(instructor=teacher, name="Class A")
    client.force_login(make_user("learner"))
    response = client.post("/classrooms/join/", {"code": "ZZZZZZ"})
    assert response.status_code == 400
    assert "No class is open for joining with that code" in response.content.decode()
    owner = Client()
    owner.force_login(teacher)
    owner.post(f"/classrooms/{classroom.pk}/joining/", {"open": "0"})
    assert client.post("/classrooms/join/", {"code": classroom.code}).status_code == 400
    owner.post(f"/classrooms/{classroom.pk}/joining/", {"open": "1"})
    assert client.post("/classrooms/join/", {"code": classroom.code}).status_code == 302


def test_rotating_the_code_retires_the_old_one(make_user: Any) -> None:
    classroom = classroom_create(instructor=make_instructor("teach"), name="Class A")
    first = make_user("first")
    classroom_join(user=first, code=classroom.code)
    old = classroom.code
    new = classroom_rotate_code(classroom=classroom)
    assert new != old and len(new) == CODE_LENGTH
    with pytest.raises(ClassroomError):
        classroom_join(user=make_user("second"), code=old)
    classroom_join(user=make_user("third"), code=new)
    assert Membership.objects.filter(classroom=classroom, role="student").count() == 2


def test_a_student_in_several_classes_and_a_class_with_several_instructors(
    client: Client, make_user: Any
) -> None:
    one = make_instructor("one")
    two = make_instructor("two")
    a = classroom_create(instructor=one, name="A")
    b = classroom_create(instructor=two, name="B")
    student = make_user("learner")
    classroom_join(user=student, code=a.code)
    classroom_join(user=student, code=b.code)
    assert set(student.classrooms.all()) == {a, b}
    client.force_login(one)
    response = client.post(f"/classrooms/{a.pk}/instructors/", {"username": "two"})
    assert response.status_code == 302
    client.force_login(two)
    assert client.get(f"/classrooms/{a.pk}/").status_code == 200
    # A learner without the instructor role cannot be made one through a class.
    client.force_login(one)
    client.post(f"/classrooms/{a.pk}/instructors/", {"username": "learner"})
    assert Membership.objects.get(classroom=a, user=student).role == Membership.STUDENT


def test_leaving_and_being_removed(client: Client, make_user: Any) -> None:
    teacher = make_instructor("teach")
    classroom = classroom_create(instructor=teacher, name="A")
    student = make_user("learner")
    classroom_join(user=student, code=classroom.code)
    client.force_login(student)
    assert client.post(f"/classrooms/{classroom.pk}/leave/").status_code == 302
    assert not Membership.objects.filter(user=student).exists()
    assert client.get(f"/classrooms/{classroom.pk}/live/").status_code == 404
    classroom_join(user=student, code=classroom.code)
    client.force_login(teacher)
    client.post(f"/classrooms/{classroom.pk}/students/{student.pk}/remove/")
    assert not Membership.objects.filter(user=student).exists()


def test_every_form_posts_with_a_csrf_token(client: Client, world: Any) -> None:
    client.force_login(world.owner)
    pk = world.classroom.pk
    client.post(f"/classrooms/{pk}/ask/push/", {"question": "t-single", "seconds": "30"})
    for url in (
        f"/classrooms/{pk}/",
        f"/classrooms/{pk}/ask/",
        f"/classrooms/{pk}/ask/projector/",
        f"/classrooms/{pk}/removed/",
        "/classrooms/",
        f"/classrooms/{pk}/students/{world.student.pk}/",
    ):
        html = client.get(url).content.decode()
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S)
        assert forms, url
        for form in forms:
            assert "csrfmiddlewaretoken" in form, url
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(world.owner)
    assert csrf.post(f"/classrooms/{pk}/code/rotate/").status_code == 403


def test_grant_instructor_command(make_user: Any) -> None:
    user = make_user("newteacher")
    assert not user.is_instructor
    out = StringIO()
    call_command("grant_instructor", "newteacher", stdout=out)
    assert "is an instructor" in out.getvalue()
    user = get_user_model().objects.get(pk=user.pk)
    assert user.is_instructor
    call_command("grant_instructor", "newteacher", "--revoke", stdout=out)
    assert not get_user_model().objects.get(pk=user.pk).is_instructor
    with pytest.raises(CommandError):
        call_command("grant_instructor", "nobody")


def test_seed_demo_builds_a_class_with_varied_progress(
    client: Client, course: Any, settings: Any
) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--students", "12", stdout=out)
    text = out.getvalue()
    classroom = Classroom.objects.get(name="Demo class")
    assert f"/classrooms/{classroom.pk}/" in text and "demo-teacher / " in text
    password = re.search(r"demo-teacher / (\S+)", text).group(1)  # type: ignore[union-attr]
    assert client.login(username="demo-teacher", password=password)
    html = client.get(f"/classrooms/{classroom.pk}/").content.decode()
    assert html.count("demo-student-") >= 12
    assert 'class="cell done band-' in html and 'class="cell not-started"' in html
    # Running it again starts over instead of piling up.
    call_command("seed_demo", "--students", "12", stdout=StringIO())
    assert Classroom.objects.filter(name="Demo class").count() == 1
    assert get_user_model().objects.filter(username__startswith="demo-student-").count() == 12


def test_seed_demo_refuses_without_debug(db: Any, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())


def test_the_class_list_has_a_fixed_query_budget(
    client: Client, world: Any, django_assert_max_num_queries: Any
) -> None:
    # session, user, the user's groups (instructor?), memberships, class sizes, live questions
    make_students(world.classroom, 40)
    for user in (world.owner, world.student):
        client.force_login(user)
        with django_assert_max_num_queries(6):
            assert client.get("/classrooms/").status_code == 200
