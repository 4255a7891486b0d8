"""What the review page reads: one learner's states, counts and summary, in a fixed number
of queries however many questions they have attempted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from learn.content.models import Module
from learn.progress.learner import Learner
from learn.progress.models import Attempt, QuestionState
from learn.progress.selectors import QuestionItem, due_cutoff
from learn.review.chart import Day, accuracy_bars

FILTERS = ("all", "missed", "due")
CHART_DAYS = 14


@dataclass
class ModuleSummary:
    module: Module
    attempted: int = 0
    missed: int = 0
    due: int = 0
    tries: int = 0
    correct_tries: int = 0

    @property
    def accuracy(self) -> int | None:
        return round(100 * self.correct_tries / self.tries) if self.tries else None


@dataclass
class ReviewItem(QuestionItem):
    @property
    def answer_html(self) -> list[str]:
        """The learner's latest answer, as the fragments of HTML the course rendered."""
        assert self.state is not None
        return answer_fragments(self.question.data, self.state.last_answer)

    @property
    def right_text(self) -> str:
        return "" if self.held else str(self.question.data.get("display", ""))

    @property
    def solution(self) -> str:
        """A lab's reference solution, only for a learner who has solved the lab."""
        if self.held or not self.question.is_lab or not self.solved:
            return ""
        return str(self.question.data.get("solution", ""))

    @property
    def right_html(self) -> list[str]:
        if self.held:
            return []
        data = self.question.data
        if self.question.kind in ("single", "multiple", "order"):
            key = "choices" if self.question.kind != "order" else "steps"
            by_key = {c["key"]: c["html"] for c in data[key]}
            return [by_key[k] for k in data["correct"] if k in by_key]
        return []

    @property
    def due(self) -> bool:
        return self.state is not None and self.state.due_at <= due_cutoff()


def answer_fragments(data: dict[str, Any], answer: dict[str, Any]) -> list[str]:
    if "choices" in answer:
        by_key = {c["key"]: c["html"] for c in data.get("choices", [])}
        return [by_key.get(k, "(a choice that has since been removed)") for k in answer["choices"]]
    if "order" in answer:
        by_key = {c["key"]: c["html"] for c in data.get("steps", [])}
        return [by_key.get(k, "(a removed step)") for k in answer["order"]]
    return []


@dataclass
class Review:
    items: list[ReviewItem]
    counts: dict[str, int]
    modules: list[ModuleSummary]
    days: list[Day]
    last_activity: Any
    active_filter: str
    active_module: str
    total_tries: int = 0
    total_correct: int = 0
    bars: list[Any] = field(default_factory=list)

    @property
    def accuracy(self) -> int | None:
        return round(100 * self.total_correct / self.total_tries) if self.total_tries else None

    def groups(self) -> list[tuple[Any, list[tuple[Any, list[ReviewItem]]]]]:
        """Items grouped by module and lesson, in path order."""
        grouped: list[tuple[Any, list[tuple[Any, list[ReviewItem]]]]] = []
        for item in self.items:
            lesson = item.question.lesson
            if not grouped or grouped[-1][0].pk != lesson.module_id:
                grouped.append((lesson.module, []))
            lessons = grouped[-1][1]
            if not lessons or lessons[-1][0].pk != lesson.pk:
                lessons.append((lesson, []))
            lessons[-1][1].append(item)
        return grouped


def active_states(learner: Learner) -> QuerySet[QuestionState]:
    return QuestionState.objects.filter(
        learner.q(), question__retired=False, question__lesson__retired=False
    )


def review_for(
    learner: Learner,
    *,
    active_filter: str = "all",
    module: str = "",
    keep: str = "",
    held: frozenset[int] = frozenset(),
) -> Review:
    """`keep` is a question key to show even if it no longer matches the filter (the one the
    learner just answered, so the plain-POST redirect can show its feedback)."""
    if active_filter not in FILTERS:
        active_filter = "all"
    cutoff = due_cutoff()
    empty = Review([], dict.fromkeys(FILTERS, 0), [], [], None, active_filter, module)
    if not learner.is_known:
        return empty
    missed_q, due_q = Q(last_correct=False), Q(due_at__lte=cutoff)
    per_module = (
        active_states(learner)
        .values("question__lesson__module_id")
        .annotate(
            attempted=Count("id"),
            missed=Count("id", filter=missed_q),
            due=Count("id", filter=due_q),
            tries=Sum("tries"),
            correct_tries=Sum("correct_tries"),
            last=Max("last_at"),
        )
    )
    rows = {r["question__lesson__module_id"]: r for r in per_module}
    modules = []
    for mod in Module.objects.filter(retired=False).order_by("position"):
        row = rows.get(mod.pk)
        if row:
            modules.append(
                ModuleSummary(
                    mod,
                    row["attempted"],
                    row["missed"],
                    row["due"],
                    row["tries"] or 0,
                    row["correct_tries"] or 0,
                )
            )
    counts = {
        "all": sum(m.attempted for m in modules),
        "missed": sum(m.missed for m in modules),
        "due": sum(m.due for m in modules),
    }
    states = active_states(learner).select_related("question__lesson__module")
    chosen = Q()
    if active_filter == "missed":
        chosen &= missed_q
    elif active_filter == "due":
        chosen &= due_q
    if module:
        chosen &= Q(question__lesson__module__slug=module)
    if keep:
        chosen |= Q(question__key=keep)
    items = [
        ReviewItem(state.question, state, state.question_id in held)
        for state in states.filter(chosen).order_by(
            "question__lesson__position", "question__position"
        )
    ]
    since = timezone.now() - timedelta(days=CHART_DAYS)
    daily = (
        Attempt.objects.filter(learner.q(), created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(attempts=Count("id"), correct=Count("id", filter=Q(is_correct=True)))
        .order_by("day")
    )
    days = [Day(r["day"], r["attempts"], r["correct"]) for r in daily]
    review = Review(
        items=items,
        counts=counts,
        modules=modules,
        days=days,
        last_activity=max((r["last"] for r in rows.values()), default=None),
        active_filter=active_filter,
        active_module=module,
        total_tries=sum(m.tries for m in modules),
        total_correct=sum(m.correct_tries for m in modules),
    )
    review.bars = accuracy_bars(days)
    return review
