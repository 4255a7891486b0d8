from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from learn.classrooms.gates import held_question_ids
from learn.core.freshness import learner_cached
from learn.core.http import HtmxHttpRequest
from learn.progress.learner import learner_from_request
from learn.review.selectors import review_for


@require_GET
@learner_cached(learner_from_request)  # kept per learner until their next write
def review(request: HtmxHttpRequest) -> HttpResponse:
    data = review_for(
        learner_from_request(request),
        active_filter=request.GET.get("filter", "all"),
        module=request.GET.get("module", ""),
        keep=request.GET.get("just", ""),
        held=held_question_ids(request.user),
    )
    context = {"review": data, "source_page": "review", "return_to": request.get_full_path()}
    if request.htmx and request.htmx.target == "review-main":
        return render(request, "review.html#main", context)
    return render(request, "review.html", context)
