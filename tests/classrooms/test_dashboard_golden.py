"""The dashboard's HTML, byte for byte, against pages saved before the grid's rendering was
rewritten for speed (issue 15): whatever makes it faster must not change what it shows.

The fixture class is deterministic: students who are right, wrong, untried, stuck (idle and
struggling), one who finished a lesson, long names and names full of HTML specials. Only what
differs between runs is normalised: database ids, the join code, the CSRF token and the clock.
Regenerate the saved pages (only when a change to what the dashboard shows is intended) with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/classrooms/test_dashboard_golden.py`.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from learn.classrooms.models import Membership
from learn.content.models import Lesson, Question
from learn.progress.learner import Learner
from learn.progress.models import LessonMark, QuestionState
from learn.progress.services import lesson_mark_done
from tests.classrooms.test_dashboard import answer

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
HTML_SPECIAL = '<b>&"'


def fixture_class(world: Any) -> dict[int, str]:
    """Fills world.classroom; returns every user id that may appear, to its username."""
    course = {q.key: q for q in Question.objects.all()}
    users = get_user_model().objects
    made = {}
    for username, first, last in (
        ("amy", "Amy", "Right"),
        ("bob", HTML_SPECIAL, HTML_SPECIAL + "'"),
        ('carl<b>&"', "", ""),
        ("dee", "Deirdre-Maximiliana-Alexandrina", "Featherstonehaugh-Cholmondeley " * 3),
        ("eve", "Eve", "Idle"),
        ("fay", "", ""),
    ):
        user = users.create_user(username=username, first_name=first, last_name=last.strip())
        Membership.objects.create(classroom=world.classroom, user=user, role=Membership.STUDENT)
        made[username] = user
    for key in ("t-single", "t-multiple", "t-text", "t-order"):
        answer(made["amy"], course[key], right=True)
    answer(made["amy"], course["t-second"], right=False)
    answer(made["amy"], course["t-second"], right=True)
    lesson_mark_done(
        learner=Learner(user_id=made["amy"].pk), lesson=Lesson.objects.get(slug="reading")
    )
    for _ in range(3):
        answer(made["bob"], course["t-single"], right=False)  # struggling: stuck
    answer(made["bob"], course["t-text"], right=True)
    answer(made['carl<b>&"'], course["t-second"], right=True)
    answer(made['carl<b>&"'], course["t-multiple"], right=False)
    answer(made["dee"], course["t-order"], right=False)
    answer(made["dee"], course["t-order"], right=True)
    answer(made["eve"], course["t-second"], right=True)
    # Whole days in the past, so "N days" and "ago" do not depend on when the test runs.
    past = timezone.now() - timedelta(days=9, hours=2)
    QuestionState.objects.filter(user=made["eve"]).update(last_at=past)
    QuestionState.objects.filter(user=made["dee"]).update(
        last_at=timezone.now() - timedelta(days=1, hours=3)
    )
    LessonMark.objects.filter(user=made["amy"]).update(done_at=timezone.now() - timedelta(hours=5))
    # fay never tried anything.
    return {user.pk: user.username for user in users.all()}


def normalise(html: str, names: dict[int, str], pk: int, code: str) -> str:
    html = html.replace(f"/classrooms/{pk}/", "/classrooms/PK/").replace(code, "JOINCODE")
    html = re.sub(
        r'(data-key="|/students/)(\d+)',
        lambda m: m.group(1) + "U-" + re.sub(r"\W", "_", names[int(m.group(2))]),
        html,
    )
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrf" value="T"', html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": "T"', html)
    html = re.sub(r'<time datetime="[^"]+">\d\d:\d\d:\d\d</time>', "<time>NOW</time>", html)
    html = re.sub(r'<time datetime="[^"]+">', "<time>", html)
    return html


PAGES = [
    ("page-name", "", False),
    ("page-done-desc", "?sort=done&dir=desc&idle=3", False),
    ("board-name", "?sort=name&dir=asc&idle=3", True),
    ("board-lesson-desc", "?sort=lesson-first&dir=desc&idle=2", True),
    ("board-accuracy", "?sort=accuracy&dir=asc&idle=30", True),
    ("board-last", "?sort=last&dir=desc&idle=1", True),
]


@pytest.mark.parametrize("name,query,htmx", PAGES)
def test_dashboard_html_is_unchanged(
    client: Client, world: Any, name: str, query: str, htmx: bool
) -> None:
    names = fixture_class(world)
    client.force_login(world.owner)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board"} if htmx else {}
    response = client.get(f"/classrooms/{world.classroom.pk}/{query}", **headers)
    assert response.status_code == 200
    html = normalise(response.content.decode(), names, world.classroom.pk, world.classroom.code)
    saved = GOLDEN / f"{name}.html"
    if UPDATE:
        saved.write_text(html, encoding="utf-8")
    assert html == saved.read_text(encoding="utf-8")
    # What the fixture is for: the HTML specials arrive escaped, never as markup.
    assert "<b>&" not in html
    assert "&lt;b&gt;&amp;&quot;" in html
