"""How each answer changes a learner's standing on a question, one row per sequence of right
(R) and wrong (W) answers, posted through the real answer endpoint and read back from the
database: the lesson's state, the Leitner box and when the question is due again, the tries
and right tries, and the moments the state records.

The expected boxes and intervals are the course's rule, written out here rather than imported
so the table checks it (learn/progress/scheduling.py: a wrong answer goes back to box 0, due
at once; each right answer moves up one box, due again in 1, 3, 7, 16, then 35 days).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from learn.content.models import Lesson
from learn.progress.learner import Learner
from learn.progress.models import Attempt, QuestionState
from learn.progress.selectors import lesson_status
from tests.helpers import right_answer, wrong_answer

DAY = timedelta(days=1)

# answers, then what the learner's standing is after the last one:
# (lesson state, box, due after the last answer, tries, right tries, first try right)
TABLE: list[tuple[str, tuple[str, int, timedelta, int, int, bool]]] = [
    ("W", ("in-progress", 0, 0 * DAY, 1, 0, False)),
    ("R", ("done", 1, 1 * DAY, 1, 1, True)),
    ("RR", ("done", 2, 3 * DAY, 2, 2, True)),
    ("RRR", ("done", 3, 7 * DAY, 3, 3, True)),
    ("RRRR", ("done", 4, 16 * DAY, 4, 4, True)),
    ("RRRRR", ("done", 5, 35 * DAY, 5, 5, True)),
    # The top box is the last: another right answer keeps it 35 days out.
    ("RRRRRR", ("done", 5, 35 * DAY, 6, 6, True)),
    ("WW", ("in-progress", 0, 0 * DAY, 2, 0, False)),
    ("WR", ("done", 1, 1 * DAY, 2, 1, False)),
    # A wrong answer after right ones sends the question back to box 0, due at once, but a
    # solved question stays solved: the lesson stays done.
    ("RW", ("done", 0, 0 * DAY, 2, 1, True)),
    ("RRRW", ("done", 0, 0 * DAY, 4, 3, True)),
    ("RRWR", ("done", 1, 1 * DAY, 4, 3, True)),
    ("WRWRR", ("done", 2, 3 * DAY, 5, 3, False)),
]


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    # The answer limit (30 a minute per learner) counts in the cache; rows of the table reuse
    # the same user ids, so each starts with no answers counted.
    cache.clear()


@pytest.mark.parametrize(("answers", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_an_answer_changes_the_standing_as_the_table_says(
    client: Client, course: dict[str, Any], make_user: Any, answers: str, expected: tuple
) -> None:
    user = make_user()
    client.force_login(user)
    # "Second lesson" has this one question, so the lesson is done exactly when it is solved.
    question = course["t-second"]
    for letter in answers:
        data = right_answer(question) if letter == "R" else wrong_answer(question)
        response = client.post(f"/questions/{question.key}/answer/", data)
        assert response.status_code == 302, response.content.decode()[:300]

    lesson_state, box, due_in, tries, right, first_try_right = expected
    state = QuestionState.objects.get(user=user, question=question)
    attempts = list(Attempt.objects.filter(user=user, question=question))
    assert [a.is_correct for a in attempts] == [letter == "R" for letter in answers]
    assert (state.tries, state.correct_tries) == (tries, right)
    assert state.first_try_correct is first_try_right
    assert state.last_correct is (answers[-1] == "R")
    assert state.box == box
    # The attempt and the state are written with one clock reading (attempt_submit).
    assert state.first_at == attempts[0].created_at
    assert state.last_at == attempts[-1].created_at
    assert state.due_at == attempts[-1].created_at + due_in
    first_right = next((a.created_at for a in attempts if a.is_correct), None)
    assert state.solved_at == first_right
    assert state.last_answer == attempts[-1].answer

    learner = Learner(user_id=user.pk)
    status = lesson_status(learner, Lesson.objects.get(slug="second"))
    assert status.state == lesson_state
    assert status.solved == (1 if right else 0)
