"""Every answer as an Attempt (never overwritten), plus per-question state derived from attempts
in the same transaction, so pages read one row per question instead of scanning history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from learn.content.models import Lesson, Question


class LearnerOwned(models.Model):
    """A row that belongs to one learner: an account, or an anonymous visitor's session key
    (learn/progress/learner.py). Exactly one of the two is set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="%(class)s_set",
    )
    anon_key = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        abstract = True


def one_per_learner(field: str, what: str) -> list[models.BaseConstraint]:
    """At most one row per learner and `field`, for accounts and anonymous keys alike."""
    return [
        models.UniqueConstraint(
            fields=["user", field],
            condition=Q(user__isnull=False),
            name=f"one_{what}_per_user_{field}",
        ),
        models.UniqueConstraint(
            fields=["anon_key", field],
            condition=Q(user__isnull=True),
            name=f"one_{what}_per_anon_{field}",
        ),
    ]


class Attempt(LearnerOwned):
    LESSON, REVIEW, LIVE = "lesson", "review", "live"
    REVIEW_NOW = "review-now"  # the one-at-a-time queue; its daily limit counts these
    SOURCES = [(s, s) for s in (LESSON, REVIEW, LIVE, REVIEW_NOW)]

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempts")
    answer = models.JSONField()
    is_correct = models.BooleanField()
    source = models.CharField(max_length=10, choices=SOURCES, default=LESSON)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["user", "question", "created_at"])]

    def __str__(self) -> str:
        return f"{self.question_id}: {'right' if self.is_correct else 'wrong'}"


class QuestionState(LearnerOwned):
    """One learner's standing on one question, kept in step with Attempt by attempt_submit."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="states")
    tries = models.PositiveIntegerField(default=0)
    correct_tries = models.PositiveIntegerField(default=0)
    first_try_correct = models.BooleanField(default=False)
    solved_at = models.DateTimeField(null=True, blank=True)  # first right answer
    last_correct = models.BooleanField(default=False)
    last_answer = models.JSONField(default=dict)
    last_feedback = models.JSONField(default=dict)  # lab check results, for showing them again
    first_at = models.DateTimeField(default=timezone.now)
    last_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Spaced repetition (learn/progress/scheduling.py): Leitner box and when it is due again.
    box = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = one_per_learner("question", "state")

    def __str__(self) -> str:
        return f"{self.question_id}: {self.tries} tries"


class LessonMark(LearnerOwned):
    """'Mark as done' for a lesson that has no questions."""

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = one_per_learner("lesson", "mark")

    def __str__(self) -> str:
        return f"lesson {self.lesson_id} done"
