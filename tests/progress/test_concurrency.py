"""Many learners answering at once: nothing lost, nothing doubled, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from learn.content.models import Question
from learn.content.services import course_sync
from learn.progress.learner import Learner
from learn.progress.models import Attempt, QuestionState
from learn.progress.services import attempt_submit
from tests.conftest import FIXTURE_COURSE
from tests.helpers import right_answer

THREADS = 16
ANSWERS_EACH = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_lose_nothing_and_duplicate_nothing(django_user_model) -> None:
    course_sync(root=FIXTURE_COURSE)
    question = Question.objects.get(key="t-single")
    shared = django_user_model.objects.create_user("shared", password="x-long-password-1")
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def learner_thread(index: int) -> None:
        try:
            # Half the threads are one learner hammering the same state row (first answers
            # race on the unique constraint); the others are anonymous learners.
            learner = (
                Learner(user_id=shared.pk) if index % 2 else Learner(anon_key=f"k{index:031d}")
            )
            barrier.wait()
            for n in range(ANSWERS_EACH):
                attempt_submit(
                    learner=learner, question=question, answer={"choices": []}, is_correct=n == 0
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=learner_thread, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Attempt.objects.count() == THREADS * ANSWERS_EACH
    assert QuestionState.objects.count() == 1 + THREADS // 2
    state = QuestionState.objects.get(user=shared)
    assert state.tries == (THREADS // 2) * ANSWERS_EACH
    assert state.correct_tries == THREADS // 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_http_answers_from_one_session(django_user_model) -> None:
    course_sync(root=FIXTURE_COURSE)
    question = Question.objects.get(key="t-text")
    user = django_user_model.objects.create_user("busy", password="x-long-password-1")
    errors: list[BaseException] = []

    def post() -> None:
        try:
            client = Client()
            client.force_login(user)
            for _ in range(3):
                response = client.post(f"/questions/{question.key}/answer/", right_answer(question))
                assert response.status_code == 302
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Attempt.objects.filter(user=user).count() == 24
    assert QuestionState.objects.get(user=user).tries == 24
