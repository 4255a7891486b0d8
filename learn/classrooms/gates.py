"""What a class holds back from its students: the one place these rules live.

- Pacing (below): which lessons a guided class's students may open and answer.
- Held answers: while a question is live in one of the learner's classes and not yet
  revealed, its right answer and explanation reach that learner nowhere (the lesson page,
  the answer endpoint's fragments, /review/), so the live result measures what the class
  knew, not what one student read out.

Each function costs at most one query, and none for anonymous visitors.
"""

from __future__ import annotations

from typing import Any

from learn.classrooms.models import LiveQuestion, Membership
from learn.content.models import Lesson, Question


def held_question_ids(user: Any) -> frozenset[int]:
    """Questions live and unrevealed in any class `user` is a student of."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        LiveQuestion.objects.filter(
            classroom__memberships__user=user,
            classroom__memberships__role=Membership.STUDENT,
            ended_at__isnull=True,
            revealed_at__isnull=True,
        ).values_list("question_id", flat=True)
    )


# --- Pacing ---------------------------------------------------------------------------------
# What pacing means (issue 14.12, issue 12.8): in a guided class, lessons after the one the
# instructor has opened are locked for its students: not shown, and their questions not
# answered. Two exceptions, both so pacing never contradicts progress:
# - a lesson the student has already finished stays open (they did it before joining, or
#   before the instructor moved the limit back);
# - a question pushed live to one of the student's classes may be answered wherever it is.
# A student cannot leave a guided class on their own (that would lift the lock); the
# instructor removes them. A learner in several classes gets the most open of them
# (selectors.pacing_limit).


class Pacing:
    """The pacing gate for one user: ask it whether a lesson is locked for them."""

    def __init__(self, user: Any) -> None:
        from learn.classrooms.selectors import pacing_limit

        self.user = user
        self.limit = pacing_limit(user)

    @property
    def active(self) -> bool:
        return self.limit is not None

    def locked(self, lesson: Lesson, *, done: bool) -> bool:
        return self.limit is not None and lesson.position > self.limit and not done

    def lesson_locked(self, lesson: Lesson) -> bool:
        """For a single lesson; the done check costs a query only past the limit."""
        if self.limit is None or lesson.position <= self.limit:
            return False
        return not lesson_done_by(self.user, lesson)

    def answer_refused(self, question: Question) -> bool:
        if not self.lesson_locked(question.lesson):
            return False
        return not LiveQuestion.objects.filter(
            question=question,
            classroom__memberships__user=self.user,
            classroom__memberships__role=Membership.STUDENT,
            ended_at__isnull=True,
        ).exists()


def lesson_done_by(user: Any, lesson: Lesson) -> bool:
    """The learning path's rule: every active question solved, or marked done if none."""
    from learn.progress.models import LessonMark, QuestionState

    if lesson.question_count == 0:
        return LessonMark.objects.filter(user=user, lesson=lesson).exists()
    solved = QuestionState.objects.filter(
        user=user, question__lesson=lesson, question__retired=False, solved_at__isnull=False
    ).count()
    return solved >= lesson.question_count
