"""What "Review now" reads: today's queue of due questions, one at a time, capped per day.

The cap counts different questions, not answers: a question missed in the session comes back
later in it (its box drops to 0 and it is due at once, learn/progress/scheduling.py) without
taking another of the day's places. Anki caps the reviews it shows a day and Duolingo keeps a
practice session short for the same reason: a few minutes every day hold more than one long
sitting, and a queue that only grows stops being opened."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Min, Q
from django.utils import timezone

from learn.content.models import Question
from learn.progress.learner import Learner
from learn.progress.models import Attempt
from learn.progress.selectors import QuestionItem, due_cutoff
from learn.review.selectors import active_states

DAILY_LIMIT = 20


@dataclass
class ReviewQueue:
    # The questions still to go today, in the order they come (due longest first).
    queue: list[QuestionItem] = field(default_factory=list)
    # The question just answered (`?just=`), with its latest answer and feedback.
    answered: QuestionItem | None = None
    reviewed_today: int = 0  # different questions answered in Review now since midnight
    due_today: int = 0  # every question due today (what the path counts)
    sandboxes_due: int = 0  # sandbox goals: practised in their lessons, not here
    held_due: int = 0  # live in the learner's class and not yet revealed
    next_due: datetime | None = None  # when the next question falls due, if none is now
    limit: int = DAILY_LIMIT

    @property
    def current(self) -> QuestionItem | None:
        """The question to show next, as a fresh form: nothing chosen, no feedback."""
        others = [
            item
            for item in self.queue
            if self.answered is None or item.question.pk != self.answered.question.pk
        ]
        # The one just missed comes straight back only when nothing else is left.
        items = others or self.queue
        return QuestionItem(items[0].question, None, items[0].held) if items else None

    @property
    def waiting(self) -> int:
        """Due today but past the day's limit: they wait for tomorrow (or the review page)."""
        return max(0, self.due_today - self.sandboxes_due - self.held_due - len(self.queue))

    @property
    def limit_reached(self) -> bool:
        return not self.queue and self.waiting > 0


def _day_start() -> datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def review_queue(
    learner: Learner,
    *,
    just: str = "",
    held: frozenset[int] = frozenset(),
    limit: int = DAILY_LIMIT,
) -> ReviewQueue:
    """Three queries however many questions are due: today's reviews, the due states (plus
    the one just answered), and the next due date once nothing is left."""
    result = ReviewQueue(limit=limit)
    if not learner.is_known:
        return result
    seen = set(
        Attempt.objects.filter(
            learner.q(), source=Attempt.REVIEW_NOW, created_at__gte=_day_start()
        ).values_list("question_id", flat=True)
    )
    result.reviewed_today = len(seen)
    due = Q(due_at__lte=due_cutoff())
    chosen = due | Q(question__key=just) if just else due
    states = (
        active_states(learner)
        .filter(chosen)
        .select_related("question__lesson__module")
        .order_by("due_at", "question__lesson__position", "question__position")
    )
    places = max(0, limit - len(seen))
    cutoff = due_cutoff()
    for state in states:
        item = QuestionItem(state.question, state, state.question_id in held)
        if just and state.question.key == just:
            result.answered = item
        if state.due_at > cutoff:
            continue
        result.due_today += 1
        if state.question.kind == Question.SANDBOX:
            # A sandbox goal needs its sandbox; the lesson holds it.
            result.sandboxes_due += 1
        elif item.held:
            # A live question not yet revealed: its feedback would have to wait, so it waits.
            result.held_due += 1
        elif state.question_id in seen:
            result.queue.append(item)
        elif places:
            result.queue.append(item)
            places -= 1
    if not result.queue:
        upcoming = active_states(learner).filter(due_at__gt=cutoff).aggregate(Min("due_at"))
        result.next_due = upcoming["due_at__min"]
    return result
