"""Every answer as an Attempt (never overwritten), plus per-question state derived from attempts
in the same transaction, so pages read one row per question instead of scanning history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from learn.content.models import Lesson, Question


class Attempt(models.Model):
    LESSON, REVIEW, LIVE = "lesson", "review", "live"
    SOURCES = [(s, s) for s in (LESSON, REVIEW, LIVE)]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    anon_key = models.CharField(max_length=32, blank=True, db_index=True)
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


class QuestionState(models.Model):
    """One learner's standing on one question, kept in step with Attempt by attempt_submit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="question_states",
    )
    anon_key = models.CharField(max_length=32, blank=True, db_index=True)
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
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(user__isnull=False),
                name="one_state_per_user_question",
            ),
            models.UniqueConstraint(
                fields=["anon_key", "question"],
                condition=Q(user__isnull=True),
                name="one_state_per_anon_question",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.tries} tries"


class LessonMark(models.Model):
    """'Mark as done' for a lesson that has no questions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lesson_marks",
    )
    anon_key = models.CharField(max_length=32, blank=True, db_index=True)
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"],
                condition=Q(user__isnull=False),
                name="one_mark_per_user_lesson",
            ),
            models.UniqueConstraint(
                fields=["anon_key", "lesson"],
                condition=Q(user__isnull=True),
                name="one_mark_per_anon_lesson",
            ),
        ]

    def __str__(self) -> str:
        return f"lesson {self.lesson_id} done"
