"""Spaced repetition with Leitner boxes.

Why Leitner and not SM-2 or FSRS: a course question is answered a handful of times, not
hundreds, so per-item difficulty fitting (SM-2's ease factor, FSRS's memory model) has too
little data to learn from; boxes are predictable, easy to explain to a learner ("right twice,
see it again in a week") and cost one small integer per question.

A wrong answer puts the question back in box 0 and makes it due at once; each right answer moves
it up a box and pushes it out: 1, 3, 7, 16, then 35 days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

INTERVAL_DAYS = {1: 1, 2: 3, 3: 7, 4: 16, 5: 35}
TOP_BOX = max(INTERVAL_DAYS)


def next_review(*, box: int, correct: bool, now: datetime) -> tuple[int, datetime]:
    if not correct:
        return 0, now
    new_box = min(box + 1, TOP_BOX)
    return new_box, now + timedelta(days=INTERVAL_DAYS[new_box])
