"""CSV exports: a row per student and lesson / question, clean in a spreadsheet, and no cell
that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from learn.classrooms.export import neutralise
from learn.content.models import Lesson, Question
from tests.helpers import wrong_answer


def download(client: Client, url: str) -> tuple[Any, list[list[str]]]:
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    assert "\r\n" in body
    return response, list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("docker ps", "docker ps"),
        (7, 7),
    ],
)
def test_neutralise(value: Any, expected: Any) -> None:
    assert neutralise(value) == expected


def test_progress_export(client: Client, world: Any) -> None:
    world.student.first_name = "=cmd|' /C calc'!A0"
    world.student.save()
    client.force_login(world.owner)
    response, rows = download(client, f"/classrooms/{world.classroom.pk}/export/progress.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="morning-class-progress.csv"'
    header, *data = rows
    assert header[:6] == ["username", "full_name", "module", "lesson_slug", "lesson", "status"]
    assert len(data) == Lesson.objects.count()  # one student x every lesson
    assert {r[0] for r in data} == {"stu"}
    assert all(r[1].startswith("'=") for r in data)
    assert [r[5] for r in data] == ["not-started"] * 3


def test_answers_export(client: Client, world: Any) -> None:
    text = Question.objects.get(key="t-text")
    learner = Client()
    learner.force_login(world.student)
    learner.post("/questions/t-text/answer/", {"answer": "=1+2"})
    learner.post("/questions/t-single/answer/", wrong_answer(Question.objects.get(key="t-single")))
    client.force_login(world.owner)
    _, rows = download(client, f"/classrooms/{world.classroom.pk}/export/answers.csv")
    header, *data = rows
    assert len(data) == Question.objects.count()  # one student x every question
    by_key = {r[header.index("question_key")]: dict(zip(header, r, strict=True)) for r in data}
    typed = by_key["t-text"]
    assert typed["last_answer"] == "'=1+2" and typed["tries"] == "1"
    assert (
        typed["last_correct"] == "no"
        and typed["question"] == "Which command lists running containers?"
    )
    assert by_key["t-single"]["last_answer"] == "A running process"
    assert by_key["t-order"]["tries"] == "0" and by_key["t-order"]["last_answer"] == ""
    assert text.key in by_key
