"""Classes an instructor runs: who is in them, how far they may read, and the live question.

Progress itself is not stored here: a class reads its students' rows in learn.progress, so a
learner's answers count the same in every class they belong to and outside any class.
"""

from __future__ import annotations

import math
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from learn.content.models import Lesson, Question

# Unambiguous when read off a projector or typed from one: no 0/O, 1/I/l (and no L either).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class Classroom(models.Model):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    code = models.CharField(max_length=8, unique=True)
    joining_open = models.BooleanField(default=True)
    # Guided mode: lessons after this one are locked for the class's students. Null: self-paced.
    open_through = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="classrooms"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("classroom_dashboard", args=[self.pk])

    @property
    def join_path(self) -> str:
        from django.urls import reverse

        return f"{reverse('classroom_join')}?code={self.code}"

    @property
    def guided(self) -> bool:
        return self.open_through_id is not None


class Membership(models.Model):
    INSTRUCTOR, STUDENT = "instructor", "student"
    ROLES = [(INSTRUCTOR, "instructor"), (STUDENT, "student")]

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classroom_memberships"
    )
    role = models.CharField(max_length=10, choices=ROLES)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["classroom", "user"], name="one_membership_per_class")
        ]
        indexes = [
            models.Index(fields=["user", "role"]),
            models.Index(fields=["classroom", "role"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} in {self.classroom_id}"


class Removal(models.Model):
    """An instructor removed this user from the class: the join code no longer admits them
    until an instructor re-admits them (which deletes this row). Kept apart from Membership so
    every "who is in the class" query stays a plain membership query."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="removals")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classroom_removals"
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-removed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "user"], name="one_removal_per_class")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} removed from {self.classroom_id}"


class LiveQuestion(models.Model):
    """A question pushed to a class. At most one is open per class; ended ones are history."""

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="live_questions"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    pushed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    revealed_at = models.DateTimeField(null=True, blank=True)
    # The countdown the instructor set: answers after this moment do not count. Null: none.
    closes_at = models.DateTimeField(null=True, blank=True)
    # "Close answers" pressed (before the countdown ran out, or with no countdown).
    closed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom"],
                condition=Q(ended_at__isnull=True),
                name="one_open_live_question_per_class",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} live in {self.classroom_id}"

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None

    @property
    def answers_end(self) -> datetime | None:
        """When answering stopped counting: "Close answers" or the countdown, whichever
        came first; None while answers are still open with no countdown."""
        ends = [t for t in (self.closed_at, self.closes_at) if t is not None]
        return min(ends) if ends else None

    def is_closed(self, now: datetime | None = None) -> bool:
        end = self.answers_end
        return end is not None and end <= (now or timezone.now())

    def seconds_left(self, now: datetime | None = None) -> int | None:
        """Whole seconds until the countdown ends (0 once closed); None with no countdown."""
        if self.closes_at is None:
            return None
        if self.is_closed(now):
            return 0
        return max(0, math.ceil((self.closes_at - (now or timezone.now())).total_seconds()))

    @property
    def time_left(self) -> str:
        """The countdown as a clock reads it ("1:05"); empty with no countdown."""
        left = self.seconds_left()
        return "" if left is None else f"{left // 60}:{left % 60:02d}"

    @property
    def version(self) -> str:
        """Changes whenever what students should see changes; polls compare it. Reading the
        clock here makes the version move by itself when the countdown runs out."""
        return f"{self.pk}-{int(self.revealed)}-{int(self.is_closed())}"
