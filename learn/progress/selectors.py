"""Reads of a learner's progress. Each function issues a fixed number of queries, whatever
the size of the course or the learner's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from learn.content.models import Lesson, Module, Question
from learn.content.version import course_version
from learn.progress.learner import Learner
from learn.progress.models import LessonMark, QuestionState


@dataclass
class LessonStatus:
    lesson: Lesson
    solved: int = 0
    touched: bool = False
    marked: bool = False

    @property
    def total(self) -> int:
        return self.lesson.question_count

    @property
    def done(self) -> bool:
        if self.total == 0:
            return self.marked
        return self.solved >= self.total

    @property
    def state(self) -> str:
        if self.done:
            return "done"
        return "in-progress" if self.touched else "not-started"

    # The bars move with every question (sandbox goals are questions of kind sandbox) solved,
    # not only with whole lessons: a lesson is one step per question, or one step (marking
    # it done) when it has none.
    @property
    def steps(self) -> int:
        return self.total or 1

    @property
    def steps_done(self) -> int:
        if self.total == 0:
            return int(self.marked)
        return min(self.solved, self.total)


@dataclass
class ModuleStatus:
    module: Module
    lessons: list[LessonStatus] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.lessons if s.done)

    @property
    def steps(self) -> int:
        return sum(s.steps for s in self.lessons)

    @property
    def steps_done(self) -> int:
        return sum(s.steps_done for s in self.lessons)


@dataclass
class Outline:
    modules: list[ModuleStatus]
    continue_lesson: Lesson | None
    due_count: int
    started: bool

    @property
    def lesson_count(self) -> int:
        return sum(len(m.lessons) for m in self.modules)

    @property
    def done_count(self) -> int:
        return sum(m.done_count for m in self.modules)

    @property
    def steps(self) -> int:
        return sum(m.steps for m in self.modules)

    @property
    def steps_done(self) -> int:
        return sum(m.steps_done for m in self.modules)


def learner_lesson_counts(learner: Learner) -> dict[int, tuple[int, int]]:
    """lesson id -> (questions solved, questions touched) for active questions."""
    if not learner.is_known:
        return {}
    rows = (
        QuestionState.objects.filter(learner.q(), question__retired=False)
        .values("question__lesson_id")
        .annotate(solved=Count("id", filter=Q(solved_at__isnull=False)), touched=Count("id"))
    )
    return {r["question__lesson_id"]: (r["solved"], r["touched"]) for r in rows}


def lesson_marks(learner: Learner) -> frozenset[int]:
    """The lessons without questions this learner has marked done."""
    if not learner.is_known:
        return frozenset()
    return frozenset(LessonMark.objects.filter(learner.q()).values_list("lesson_id", flat=True))


def path_lessons() -> list[Lesson]:
    """The active lessons in path order, without their bodies: kept per course version."""
    key = f"path-lessons:{course_version()}"
    lessons: list[Lesson] | None = cache.get(key)
    if lessons is None:
        lessons = list(Lesson.objects.in_path_order().defer(*Lesson.HEAVY_FIELDS))
        cache.set(key, lessons, timeout=None)
    return lessons


def lesson_status(learner: Learner, lesson: Lesson) -> LessonStatus:
    """One lesson's standing for this learner (for the count in its header), in one query."""
    solved = 0
    if learner.is_known and lesson.question_count:
        solved = QuestionState.objects.filter(
            learner.q(),
            question__lesson_id=lesson.pk,
            question__retired=False,
            solved_at__isnull=False,
        ).count()
    return LessonStatus(lesson, solved, touched=True)


def due_cutoff() -> datetime:
    """Due "today": anything scheduled before the end of the current day."""
    now = timezone.localtime()
    return now.replace(hour=23, minute=59, second=59, microsecond=999999)


def due_count(learner: Learner) -> int:
    if not learner.is_known:
        return 0
    return QuestionState.objects.filter(
        learner.q(),
        due_at__lte=due_cutoff(),
        question__retired=False,
        question__lesson__retired=False,
    ).count()


def course_outline(learner: Learner, marks: frozenset[int] | None = None) -> Outline:
    """The path for this learner. `marks` saves a query when the caller has lesson_marks."""
    lessons = path_lessons()
    counts = learner_lesson_counts(learner)
    if marks is None:
        marks = lesson_marks(learner)
    last_lesson_id = None
    if learner.is_known:
        last = (
            QuestionState.objects.filter(learner.q(), question__retired=False)
            .order_by("-last_at")
            .values_list("question__lesson_id", flat=True)
            .first()
        )
        last_lesson_id = last
    modules: dict[int, ModuleStatus] = {}
    statuses: list[LessonStatus] = []
    for lesson in lessons:
        solved, touched = counts.get(lesson.pk, (0, 0))
        status = LessonStatus(lesson, solved, touched > 0, lesson.pk in marks)
        statuses.append(status)
        modules.setdefault(lesson.module_id, ModuleStatus(lesson.module)).lessons.append(status)
    # Continue where you left off: the lesson last worked on if unfinished, else the next
    # unfinished one after it, else the first unfinished one in the path.
    start = 0
    for index, status in enumerate(statuses):
        if status.lesson.pk == last_lesson_id:
            start = index
    ordered = statuses[start:] + statuses[:start]
    target = next((s.lesson for s in ordered if not s.done), None)
    return Outline(
        modules=list(modules.values()),
        continue_lesson=target,
        due_count=due_count(learner),
        started=bool(counts) or bool(marks),
    )


@dataclass
class QuestionItem:
    question: Question
    state: QuestionState | None
    # The right answer and explanation are held back (a live question not yet revealed:
    # learn/classrooms/gates.py).
    held: bool = False

    @property
    def solved(self) -> bool:
        return self.state is not None and self.state.solved_at is not None

    @property
    def explanation(self) -> str:
        """The explanation once it is earned: after an answer, never while held, and for a
        lab only once it is solved (a lab's explanation walks through its solution)."""
        if self.state is None or self.held:
            return ""
        if self.question.is_lab and not self.solved:
            return ""
        return self.question.explanation_html

    @property
    def chosen(self) -> list[str]:
        if self.state is None:
            return []
        answer = self.state.last_answer
        return list(answer.get("choices") or answer.get("order") or [])
