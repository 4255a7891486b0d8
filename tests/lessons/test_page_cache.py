"""Lesson pages are served from a skeleton rendered once per course version: check that it
never carries one learner's state or token to another, and that a sync invalidates it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from django.test import Client

from learn.content.services import course_sync
from learn.lessons.pages import CSRF_PLACEHOLDER
from tests.conftest import FIXTURE_COURSE
from tests.helpers import wrong_answer

WARM_LESSON_BUDGET = 1  # the course version every 2 s: session, user and page come from caches


def test_warm_lesson_page_query_budget(
    client: Client, course, make_user, django_assert_max_num_queries
) -> None:
    client.force_login(make_user())
    client.get("/lessons/first/")
    with django_assert_max_num_queries(WARM_LESSON_BUDGET):
        assert client.get("/lessons/first/").status_code == 200


def test_cached_skeleton_never_carries_state_or_tokens_between_learners(course) -> None:
    question = course["t-single"]
    alice = Client()
    alice.post(f"/questions/{question.key}/answer/", wrong_answer(question))
    alice_page = alice.get("/lessons/first/").content.decode()
    bob_page = Client().get("/lessons/first/").content.decode()
    assert 'data-result="incorrect"' in alice_page
    assert "data-result" not in bob_page
    assert CSRF_PLACEHOLDER not in alice_page + bob_page
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    alice_tokens, bob_tokens = set(token.findall(alice_page)), set(token.findall(bob_page))
    assert len(alice_tokens) == 1 and len(bob_tokens) == 1 and alice_tokens != bob_tokens


def test_a_sync_that_changes_a_lesson_shows_at_once(client: Client, db, tmp_path: Path) -> None:
    root = tmp_path / "lessons"
    shutil.copytree(FIXTURE_COURSE, root)
    course_sync(root=root)
    assert "What is an image?" in client.get("/lessons/first/").content.decode()
    lesson = root / "01-basics" / "01-first.md"
    lesson.write_text(lesson.read_text().replace("What is an image?", "What is an image now?"))
    course_sync(root=root)
    assert "What is an image now?" in client.get("/lessons/first/").content.decode()
