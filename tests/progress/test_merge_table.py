"""An anonymous visitor logs in to an account that already has answers and marks of its own:
everything the visitor did moves to the account (learn/progress/services.py: learner_merge,
run at log-in by learn/accounts/signals.py), where both sides answered the same question the
two standings are folded into one, and nothing is lost or counted twice.

Everything is done through the real pages: answers posted to the answer endpoint, marks
posted to the lesson's "done" form, the log-in posted to /accounts/login/.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from learn.content.models import Question
from learn.content.services import course_sync
from learn.progress.models import Attempt, LessonMark, QuestionState
from tests.conftest import FIXTURE_COURSE
from tests.helpers import right_answer, wrong_answer

PASSWORD = "correct-horse-battery-9"
DAY = timedelta(days=1)
APPENDIX = """---
title: Appendix
summary: A second lesson without questions.
minutes: 3
objectives: []
---

## More reading

Nothing to answer here either.
"""


@pytest.fixture
def questions(db: Any, tmp_path: Path) -> dict[str, Question]:
    """The fixture course plus a second lesson with no questions, so marks can overlap on
    one lesson and not on another."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, root)
    (root / "02-more" / "02-appendix.md").write_text(APPENDIX, encoding="utf-8")
    course_sync(root=root)
    cache.clear()  # answer limits count in the cache
    return {q.key: q for q in Question.objects.all()}


def post_answer(client: Client, question: Question, right: bool) -> None:
    data = right_answer(question) if right else wrong_answer(question)
    response = client.post(f"/questions/{question.key}/answer/", data)
    assert response.status_code == 302, response.content.decode()[:300]


def mark_done(client: Client, slug: str) -> None:
    response = client.post(f"/lessons/{slug}/done/")
    assert response.status_code == 302, response.content.decode()[:300]


def test_log_in_folds_the_visitors_answers_and_marks_into_the_account(
    questions: dict[str, Question], make_user: Any
) -> None:
    user = make_user("ada", PASSWORD)
    account, visitor = Client(), Client()
    account.force_login(user)
    single, multiple, text, order = (
        questions[k] for k in ("t-single", "t-multiple", "t-text", "t-order")
    )

    # Interleaved, in this order, so each side is first on some question and last on others.
    post_answer(visitor, single, right=False)  # 1: the visitor is first on t-single
    post_answer(account, single, right=True)  # 2: the account solves it
    post_answer(account, multiple, right=True)  # 3: the account is first on t-multiple
    post_answer(visitor, multiple, right=True)  # 4
    post_answer(visitor, multiple, right=False)  # 5: the visitor answers t-multiple last
    post_answer(visitor, single, right=True)  # 6: and t-single last
    post_answer(account, text, right=True)  # 7: only the account answered t-text
    post_answer(visitor, order, right=True)  # 8: only the visitor answered t-order
    post_answer(visitor, order, right=True)  # 9
    mark_done(account, "reading")  # both marked "Reading only", the account first
    mark_done(visitor, "reading")
    mark_done(visitor, "appendix")  # only the visitor marked "Appendix"

    anon_key = Attempt.objects.filter(user__isnull=True).values_list("anon_key", flat=True)[0]
    before = {
        (owner, key): QuestionState.objects.get(question__key=key, **where)
        for owner, where in (("account", {"user": user}), ("visitor", {"anon_key": anon_key}))
        for key in ("t-single", "t-multiple", "t-text", "t-order")
        if QuestionState.objects.filter(question__key=key, **where).exists()
    }
    attempts = {a.pk: a for a in Attempt.objects.all()}
    account_reading = LessonMark.objects.get(user=user, lesson__slug="reading")
    assert len(attempts) == 9 and len(before) == 6

    response = visitor.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302

    # Every attempt now belongs to the account, the same rows (re-owned, not copied).
    assert Attempt.objects.filter(user__isnull=True).count() == 0
    assert set(Attempt.objects.filter(user=user).values_list("pk", flat=True)) == set(attempts)
    # One state per question, all the account's; none left under the visitor's key.
    assert not QuestionState.objects.filter(anon_key=anon_key).exists()
    states = {s.question.key: s for s in QuestionState.objects.filter(user=user)}
    assert sorted(states) == ["t-multiple", "t-order", "t-single", "t-text"]

    def standing(key: str) -> tuple[int, int, bool, bool, int]:
        s = states[key]
        return s.tries, s.correct_tries, s.first_try_correct, s.last_correct, s.box

    # t-single: visitor W (1), account R (2), visitor R (6). Tries and right tries add up;
    # the first try is the visitor's wrong one; solved at the account's answer; the box and
    # due date are those of the latest answer, the visitor's right one in its own box 1.
    assert standing("t-single") == (3, 2, False, True, 1)
    single_state = states["t-single"]
    assert single_state.first_at == before["visitor", "t-single"].first_at
    assert single_state.solved_at == before["account", "t-single"].solved_at
    assert single_state.last_at == before["visitor", "t-single"].last_at
    assert single_state.due_at == before["visitor", "t-single"].last_at + 1 * DAY
    assert single_state.last_answer == before["visitor", "t-single"].last_answer

    # t-multiple: account R (3), visitor R (4), visitor W (5). The account was first and
    # first right; the latest answer is the visitor's wrong one: box 0, due at once.
    assert standing("t-multiple") == (3, 2, True, False, 0)
    multiple_state = states["t-multiple"]
    assert multiple_state.first_at == before["account", "t-multiple"].first_at
    assert multiple_state.solved_at == before["account", "t-multiple"].solved_at
    assert multiple_state.last_at == before["visitor", "t-multiple"].last_at
    assert multiple_state.due_at == before["visitor", "t-multiple"].last_at
    assert multiple_state.last_answer == before["visitor", "t-multiple"].last_answer

    # One side only: the row moves unchanged.
    assert standing("t-text") == (1, 1, True, True, 1)
    assert standing("t-order") == (2, 2, True, True, 2)
    assert states["t-order"].pk == before["visitor", "t-order"].pk
    assert states["t-order"].due_at == before["visitor", "t-order"].last_at + 3 * DAY

    # Marks: one per lesson. Where both marked, the account's mark (and its date) stays.
    marks = {m.lesson.slug: m for m in LessonMark.objects.filter(user=user)}
    assert sorted(marks) == ["appendix", "reading"]
    assert marks["reading"].pk == account_reading.pk
    assert marks["reading"].done_at == account_reading.done_at
    assert not LessonMark.objects.filter(user__isnull=True).exists()

    # The learner sees the merged standing: 3 of the first lesson's 4 questions are right
    # now (t-multiple's latest answer was wrong, but it was solved before), and both
    # question-less lessons are done.
    page = visitor.get("/").content.decode()
    assert "4 of 4 answered right" in page
    assert "3 of 4 lessons complete" in page
