"""Instructors see each student's sandboxes (transcript and goal) on the read-only student
page, and the question analysis counts sandbox goals like any question."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.test import Client

from learn.classrooms.services import classroom_create, classroom_join
from tests.classrooms.conftest import make_instructor


def test_student_page_and_analysis_show_sandboxes(sandbox_course: dict) -> None:
    teacher = make_instructor("teacher")
    classroom = classroom_create(instructor=teacher, name="Class")
    users = get_user_model().objects
    done = users.create_user(username="done", password="pw-done-123456")
    trying = users.create_user(username="trying", password="pw-trying-123456")
    for user in (done, trying):
        classroom_join(user=user, code=classroom.code)
    learner = Client()
    learner.force_login(done)
    learner.post("/sandboxes/sb-read-note/run/", {"command": "ls"})
    learner.post("/sandboxes/sb-read-note/run/", {"command": "cat note.txt"})
    learner.post("/sandboxes/playground/run/", {"command": "echo free"})
    learner.force_login(trying)
    learner.post("/sandboxes/sb-read-note/run/", {"command": "cat nope.txt"})

    instructor = Client()
    instructor.force_login(teacher)
    page = instructor.get(f"/classrooms/{classroom.pk}/students/{done.pk}/").content.decode()
    assert 'data-sandbox="sb-read-note" data-result="correct"' in page
    assert "Goal reached" in page
    assert "<td><code>cat note.txt</code></td><td>0</td>" in page
    assert 'data-sandbox="playground"' in page and "<code>echo free</code>" in page
    other = instructor.get(f"/classrooms/{classroom.pk}/students/{trying.pk}/").content.decode()
    assert 'data-sandbox="sb-read-note" data-result="incorrect"' in other
    assert "<td><code>cat nope.txt</code></td><td>1</td>" in other

    analysis = instructor.get(f"/classrooms/{classroom.pk}/questions/").content.decode()
    row = re.search(r'<tr data-question="sb-read-note">(.*?)</tr>', analysis, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num"[^>]*>(.*?)</td>', row.group(1), re.S)
    tried, _first, _per, solved = cells
    assert (tried.strip(), solved.strip()) == ("1", "1")

    # Students never see another's sandbox page.
    assert learner.get(f"/classrooms/{classroom.pk}/students/{done.pk}/").status_code == 404
