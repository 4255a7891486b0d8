"""Writes to progress. Every function is one transaction: an attempt and the state derived
from it are stored together or not at all."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from learn.content.models import Lesson, Question
from learn.progress.learner import Learner
from learn.progress.models import Attempt, LessonMark, QuestionState
from learn.progress.scheduling import next_review


def _locked_state(*, learner: Learner, question: Question) -> QuestionState:
    """The learner's state row for a question, locked; created on first use.

    Two first answers at once both miss the row: the loser's insert hits the unique
    constraint inside a savepoint and it reads the winner's row instead."""
    states = QuestionState.objects.select_for_update().filter(learner.q(), question=question)
    state = states.first()
    if state is not None:
        return state
    try:
        with transaction.atomic():
            return QuestionState.objects.create(
                **learner.owner(),
                question=question,
                first_at=timezone.now(),
            )
    except IntegrityError:
        return states.get()


def state_record_attempt(
    state: QuestionState,
    *,
    answer: dict[str, Any],
    is_correct: bool,
    now: datetime,
    feedback: dict[str, Any] | None = None,
) -> None:
    """How one more answer changes a learner's standing on a question (in memory; the
    caller saves). The one place this rule lives: attempt_submit and the demo data use it."""
    if state.tries == 0:
        state.first_try_correct = is_correct
        state.first_at = now
    state.tries += 1
    state.correct_tries += int(is_correct)
    if is_correct and state.solved_at is None:
        state.solved_at = now
    state.last_correct = is_correct
    state.last_answer = answer
    state.last_feedback = feedback or {}
    state.last_at = now
    state.box, state.due_at = next_review(box=state.box, correct=is_correct, now=now)


def attempt_submit(
    *,
    learner: Learner,
    question: Question,
    answer: dict[str, Any],
    is_correct: bool,
    feedback: dict[str, Any] | None = None,
    source: str = Attempt.LESSON,
) -> tuple[Attempt, QuestionState]:
    if not learner.is_known:
        raise ValueError("an attempt needs a learner (an account or an anonymous key)")
    now = timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.create(
            **learner.owner(),
            question=question,
            answer=answer,
            is_correct=is_correct,
            source=source,
            created_at=now,
        )
        state = _locked_state(learner=learner, question=question)
        state_record_attempt(
            state, answer=answer, is_correct=is_correct, feedback=feedback, now=now
        )
        state.save()
    return attempt, state


def lesson_mark_done(*, learner: Learner, lesson: Lesson) -> LessonMark:
    with transaction.atomic():
        mark = LessonMark.objects.filter(learner.q(), lesson=lesson).first()
        if mark is None:
            try:
                with transaction.atomic():
                    mark = LessonMark.objects.create(**learner.owner(), lesson=lesson)
            except IntegrityError:
                mark = LessonMark.objects.get(learner.q(), lesson=lesson)
        return mark


def _merge_state(into: QuestionState, other: QuestionState) -> None:
    """Fold an anonymous state into the account's state for the same question: the first
    try from the state begun first, the latest answer (and its box) from the one answered
    last, which need not be the same side."""
    first = into if into.first_at <= other.first_at else other
    last = into if into.last_at >= other.last_at else other
    into.first_try_correct = first.first_try_correct
    into.first_at = first.first_at
    into.tries += other.tries
    into.correct_tries += other.correct_tries
    solved = [s for s in (into.solved_at, other.solved_at) if s is not None]
    into.solved_at = min(solved) if solved else None
    into.last_correct = last.last_correct
    into.last_answer = last.last_answer
    into.last_feedback = last.last_feedback
    into.last_at = last.last_at
    into.box, into.due_at = last.box, last.due_at


def learner_merge(*, anon_key: str, user_id: int) -> int:
    """Move an anonymous visitor's answers to their account: nothing lost, nothing doubled.

    Attempts are re-owned (not copied); per-question states are summed where the account
    already had one. Returns the number of attempts moved."""
    if not anon_key:
        return 0
    anon = Learner(anon_key=anon_key)
    with transaction.atomic():
        moved = Attempt.objects.filter(anon.q()).update(user_id=user_id, anon_key="")
        anon_states = list(QuestionState.objects.select_for_update().filter(anon.q()))
        if anon_states:
            mine = {
                s.question_id: s
                for s in QuestionState.objects.select_for_update().filter(
                    user_id=user_id, question_id__in=[s.question_id for s in anon_states]
                )
            }
            for state in anon_states:
                existing = mine.get(state.question_id)
                if existing is None:
                    state.user_id = user_id
                    state.anon_key = ""
                    state.save(update_fields=["user", "anon_key"])
                else:
                    _merge_state(existing, state)
                    existing.save()
                    state.delete()
        for mark in LessonMark.objects.filter(anon.q()):
            if LessonMark.objects.filter(user_id=user_id, lesson_id=mark.lesson_id).exists():
                mark.delete()
            else:
                mark.user_id, mark.anon_key = user_id, ""
                mark.save(update_fields=["user", "anon_key"])
    return moved
