"""A removal sticks (issue 14, item 13): a student the instructor removed cannot walk back in
with the join code; they are told why, and only an instructor re-admits them."""

from __future__ import annotations

from typing import Any

from django.test import Client

from learn.classrooms.models import Membership, Removal
from learn.classrooms.services import classroom_create, classroom_join, student_remove
from tests.classrooms.conftest import make_instructor, make_students

REMOVED_PAGE_BUDGET = 4  # session, user, gate, removals (with their users, in one join)
REMOVED_NOTICE_BUDGET = 4  # session, user, no membership, the removal with its class


def test_a_removed_student_cannot_rejoin_with_the_code(
    client: Client, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    teacher = make_instructor("teach")
    classroom = classroom_create(instructor=teacher, name="Monday")
    student = make_user("learner")
    classroom_join(user=student, code=classroom.code)
    client.force_login(teacher)
    response = client.post(f"/classrooms/{classroom.pk}/students/{student.pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(classroom=classroom, user=student).exists()
    assert Removal.objects.get(classroom=classroom, user=student).removed_by == teacher

    client.force_login(student)
    response = client.post("/classrooms/join/", {"code": classroom.code.lower()})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Your instructor removed you from Monday" in html and "re-admit" in html
    assert not Membership.objects.filter(classroom=classroom, user=student).exists()
    # Their old class page says what happened (they know the class exists), nothing more.
    with django_assert_max_num_queries(REMOVED_NOTICE_BUDGET):
        page = client.get(f"/classrooms/{classroom.pk}/live/")
    assert page.status_code == 403
    assert "You are no longer in “Monday”" in page.content.decode()
    assert "re-admit you" in page.content.decode() and "<fieldset>" not in page.content.decode()
    assert client.post(f"/classrooms/{classroom.pk}/leave/").status_code == 404
    # A new code does not undo the removal either.
    client.force_login(teacher)
    client.post(f"/classrooms/{classroom.pk}/code/rotate/")
    classroom.refresh_from_db()
    client.force_login(student)
    assert client.post("/classrooms/join/", {"code": classroom.code}).status_code == 400


def test_leaving_on_your_own_is_not_a_removal(client: Client, make_user: Any) -> None:
    classroom = classroom_create(instructor=make_instructor("teach"), name="Self-paced")
    student = make_user("learner")
    classroom_join(user=student, code=classroom.code)
    client.force_login(student)
    client.post(f"/classrooms/{classroom.pk}/leave/")
    assert not Removal.objects.exists()
    response = client.post("/classrooms/join/", {"code": classroom.code})
    assert (
        response.status_code == 302 and response["Location"] == f"/classrooms/{classroom.pk}/live/"
    )


def test_the_instructor_re_admits(
    client: Client, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    teacher = make_instructor("teach")
    classroom = classroom_create(instructor=teacher, name="Monday")
    student = make_user("<b>lee</b>")
    classroom_join(user=student, code=classroom.code)
    for other in make_students(classroom, 6, prefix="gone"):
        student_remove(classroom=classroom, user_id=other.pk, by=teacher)
    student_remove(classroom=classroom, user_id=student.pk, by=teacher)
    client.force_login(teacher)
    dashboard = client.get(f"/classrooms/{classroom.pk}/").content.decode()
    assert f'href="/classrooms/{classroom.pk}/removed/"' in dashboard
    with django_assert_max_num_queries(REMOVED_PAGE_BUDGET):
        html = client.get(f"/classrooms/{classroom.pk}/removed/").content.decode()
    assert "&lt;b&gt;lee&lt;/b&gt;" in html and "<b>lee</b>" not in html  # escaped
    assert html.count("Re-admit <span") == 7 and "by teach" in html
    action = f'action="/classrooms/{classroom.pk}/removed/{student.pk}/readmit/"'
    assert action in html

    response = client.post(f"/classrooms/{classroom.pk}/removed/{student.pk}/readmit/")
    assert response.status_code == 302
    assert Membership.objects.get(classroom=classroom, user=student).role == Membership.STUDENT
    assert not Removal.objects.filter(user=student).exists()
    # Re-admitting someone who is not removed changes nothing and says so.
    again = client.post(
        f"/classrooms/{classroom.pk}/removed/{student.pk}/readmit/", follow=True
    ).content.decode()
    assert "not on the list of removed students" in again
    assert Membership.objects.filter(classroom=classroom, user=student).count() == 1


def test_removing_twice_keeps_one_record(make_user: Any) -> None:
    teacher = make_instructor("teach")
    classroom = classroom_create(instructor=teacher, name="Monday")
    student = make_user("learner")
    classroom_join(user=student, code=classroom.code)
    assert student_remove(classroom=classroom, user_id=student.pk, by=teacher)
    assert not student_remove(classroom=classroom, user_id=student.pk, by=teacher)
    assert Removal.objects.filter(classroom=classroom, user=student).count() == 1
