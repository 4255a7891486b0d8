"""What a class holds back from its students: the one place these rules live.

- Held answers: while a question is live in one of the learner's classes and not yet
  revealed, its right answer and explanation reach that learner nowhere (the lesson page,
  the answer endpoint's fragments, /review/), so the live result measures what the class
  knew, not what one student read out.

Each function costs at most one query, and none for anonymous visitors.
"""

from __future__ import annotations

from typing import Any

from learn.classrooms.models import LiveQuestion, Membership


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
