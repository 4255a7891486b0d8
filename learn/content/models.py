"""The course as rows: pre-rendered HTML, keyed by stable slugs and ids.

Rows are written only by `lessons sync` (learn/content/services.py). A lesson or question
that disappears from the source is retired, never deleted, so every attempt keeps its question.
"""

from __future__ import annotations

from django.db import models


class Module(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(default=False)
    source_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class LessonQuerySet(models.QuerySet["Lesson"]):
    def active(self) -> LessonQuerySet:
        return self.filter(retired=False)

    def in_path_order(self) -> LessonQuerySet:
        return self.active().select_related("module").order_by("position")


class Lesson(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="lessons")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    minutes = models.PositiveSmallIntegerField(default=10)
    objectives = models.JSONField(default=list)
    parts = models.JSONField(default=list)  # [{"html": ...} | {"question": key}] in reading order
    toc_html = models.TextField(blank=True)
    source_path = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0, db_index=True)
    question_count = models.PositiveSmallIntegerField(default=0)
    retired = models.BooleanField(default=False)
    source_hash = models.CharField(max_length=64, blank=True)

    objects = LessonQuerySet.as_manager()

    # The pre-rendered body: large, and only the lesson page itself needs it.
    HEAVY_FIELDS = ("parts", "toc_html", "objectives", "source_path", "source_hash")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("lesson", args=[self.slug])


class QuestionQuerySet(models.QuerySet["Question"]):
    def active(self) -> QuestionQuerySet:
        return self.filter(retired=False, lesson__retired=False)


class Question(models.Model):
    """A quiz question or a lab. `data` holds what grading needs: it never reaches a template
    before the learner answers, except the parts that are safe to show (choices, steps)."""

    SINGLE, MULTIPLE, TEXT, ORDER, LAB = "single", "multiple", "text", "order", "lab"
    SANDBOX = "sandbox"  # a terminal task: reaching its goals is the right answer
    KINDS = [(k, k) for k in (SINGLE, MULTIPLE, TEXT, ORDER, LAB, SANDBOX)]

    key = models.SlugField(max_length=80, unique=True)
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="questions")
    kind = models.CharField(max_length=10, choices=KINDS)
    position = models.PositiveIntegerField(default=0)
    prompt_html = models.TextField()
    data = models.JSONField(default=dict)
    explanation_html = models.TextField()
    hint_html = models.TextField(blank=True)
    retired = models.BooleanField(default=False)
    source_hash = models.CharField(max_length=64, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["lesson__position", "position"]

    def __str__(self) -> str:
        return self.key

    @property
    def is_lab(self) -> bool:
        return self.kind == self.LAB

    @property
    def is_sandbox(self) -> bool:
        return self.kind == self.SANDBOX

    @property
    def anchor(self) -> str:
        return f"q-{self.key}"


class CourseVersion(models.Model):
    """One row that changes whenever a sync changes anything: pages pre-rendered from the
    course are cached under it, so a sync invalidates them everywhere at once."""

    digest = models.CharField(max_length=64)
    synced_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.digest[:12]
