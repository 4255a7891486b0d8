"""Spaced repetition with Leitner boxes.

A wrong answer puts the question back in box 0 and makes it due at once; each right answer moves
it up a box and pushes it out: 1, 3, 7, 16, then 35 days.

Leitner or FSRS (weighed for issue 12, December 2026). The maintained `fsrs` package (py-fsrs
6.x, the scheduler Anki ships) works from the first review with its default parameters, and
would space reviews better for a learner who keeps coming back. We keep the boxes for now:

- Our answers are binary (right or wrong). FSRS grades a review Again/Hard/Good/Easy and learns
  most of a card's difficulty from the difference between Hard, Good and Easy; mapping right to
  Good and wrong to Again uses two of its four signals.
- A course question is answered a handful of times, not hundreds: the per-item memory model has
  little to fit, and its default learning steps (minutes apart) would bring a question back
  inside the same lesson, where the review page works in days ("due today").
- Boxes are predictable and easy to explain on the review page ("right twice: see it again in
  three days"); an FSRS interval is not something a learner can reason about.
- Switching needs per-question state FSRS owns (stability, difficulty, state, step): a
  migration plus replaying every learner's attempts to seed it, for a gain we could not yet
  measure on our data.

"Review now" (learn/review/queue.py) serves the due questions one at a time and caps a day at
20 different questions, as Anki caps daily reviews and Duolingo keeps practice short: the cap
keeps the habit small whichever scheduler decides what is due, and a question missed there
drops to box 0 and returns in the same session. Should the boxes give way to FSRS, the switch
stays contained: `next_review` is the one place intervals are decided; store
`fsrs.Card.to_dict()` in a JSON field beside `box`, map right -> Rating.Good and wrong ->
Rating.Again, and use the card's `due`.
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
