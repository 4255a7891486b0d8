"""Review now: the questions due today, one at a time (answer, feedback and explanation, next).

Answers go through the one answer endpoint (learn/quizzes/views.py) with source_page
"review-now"; it hands the reply back here, so the queue decides what comes next."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from learn.classrooms.gates import held_question_ids
from learn.core.http import HtmxHttpRequest
from learn.progress.learner import learner_from_request
from learn.progress.models import Attempt
from learn.progress.selectors import QuestionItem
from learn.review.queue import review_queue

TEMPLATE = "review_now.html"
KEY = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def _context(
    request: HtmxHttpRequest, *, just: str = "", held: frozenset[int] | None = None
) -> dict[str, object]:
    if held is None:
        held = held_question_ids(request.user)
    queue = review_queue(learner_from_request(request), just=just, held=held)
    return {"queue": queue, "source_page": Attempt.REVIEW_NOW, "return_to": reverse("review_now")}


@require_GET
def review_now(request: HtmxHttpRequest) -> HttpResponse:
    """The next due question; with `?just=KEY`, the one just answered and its feedback (where
    the plain POST lands)."""
    just = request.GET.get("just", "")
    # Question keys are slugs (the answer URL's converter); anything else, a NUL byte that
    # PostgreSQL would refuse included, names no question.
    context = _context(request, just=just if KEY.fullmatch(just) else "")
    return render(request, TEMPLATE, context)


def answered(request: HtmxHttpRequest, item: QuestionItem, held: frozenset[int]) -> HttpResponse:
    """The answer endpoint's reply for a Review-now answer: over htmx the feedback and the way
    on, with the session's count moved out of band; without JavaScript back to the page."""
    key = item.question.key
    if not request.htmx:
        query = urlencode({"just": key})
        return redirect(f"{reverse('review_now')}?{query}#{item.question.anchor}")
    context = _context(request, just=key, held=held)
    context["item"] = item
    return render(request, f"{TEMPLATE}#answered", context)
