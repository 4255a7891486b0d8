from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from learn.classrooms.gates import held_question_ids
from learn.content.models import Question
from learn.core.http import HtmxHttpRequest
from learn.progress.learner import learner_from_request
from learn.progress.models import Attempt
from learn.progress.selectors import QuestionItem
from learn.progress.services import attempt_submit
from learn.quizzes.grading import BadAnswer, grade
from learn.review.selectors import ReviewItem, review_for


def _bad(
    request: HtmxHttpRequest, message: str, question: Question | None = None, status: int = 400
) -> HttpResponse:
    """A 4xx/503 that says what was wrong; nothing was stored."""
    if request.htmx:
        response = render(request, "lesson.html#answer-error", {"message": message}, status=status)
    else:
        response = render(
            request, "error.html", {"message": message, "question": question}, status=status
        )
    if status in (429, 503):
        response["Retry-After"] = "5"
    return response


LIVE_PAGE = re.compile(r"/classrooms/\d+/live/")


def _review_return(request: HtmxHttpRequest) -> tuple[str, dict[str, str]]:
    """Where on the review page the learner answered from (only /review/ URLs are trusted)."""
    target = request.POST.get("return_to", "")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path != "/review/":
        return "/review/", {}
    query = {k: v for k, v in parse_qsl(parts.query) if k in ("filter", "module")}
    return "/review/", query


def _back_url(request: HtmxHttpRequest, question: Question, source: str) -> str:
    if source == Attempt.REVIEW:
        path, query = _review_return(request)
        query["just"] = question.key
        return f"{path}?{urlencode(query)}#{question.anchor}"
    if source == Attempt.LIVE:
        target = urlsplit(request.POST.get("return_to", ""))
        if not target.scheme and not target.netloc and LIVE_PAGE.fullmatch(target.path):
            return f"{target.path}#{question.anchor}"
    return f"{question.lesson.get_absolute_url()}#{question.anchor}"


@require_POST
def answer(request: HtmxHttpRequest, key: str) -> HttpResponse:
    question = Question.objects.select_related("lesson").filter(key=key).first()
    if question is None:
        return _bad(request, "There is no such question. Reload the lesson and try again.")
    if question.retired or question.lesson.retired:
        return _bad(
            request,
            "This question has been retired from the course; reload the lesson to see "
            "its current questions.",
            question,
        )
    try:
        graded = grade(question, request.POST)
    except BadAnswer as exc:
        return _bad(request, exc.message, question, exc.status)
    source = request.POST.get("source_page", Attempt.LESSON)
    if source not in (Attempt.LESSON, Attempt.REVIEW, Attempt.LIVE):
        source = Attempt.LESSON
    learner = learner_from_request(request, create=True)
    _, state = attempt_submit(
        learner=learner,
        question=question,
        answer=graded.answer,
        is_correct=graded.is_correct,
        feedback=graded.feedback,
        source=source,
    )
    held = held_question_ids(request.user)
    if request.htmx and source == Attempt.REVIEW:
        _, query = _review_return(request)
        review = review_for(
            learner,
            active_filter=query.get("filter", "all"),
            module=query.get("module", ""),
            held=held,
        )
        context = {
            "item": ReviewItem(question, state, question.pk in held),
            "review": review,
            "source_page": Attempt.REVIEW,
            "return_to": request.POST.get("return_to", "/review/"),
        }
        return render(request, "review.html#answered", context)
    if request.htmx:
        return render(
            request,
            "lesson.html#feedback",
            {"item": QuestionItem(question, state, question.pk in held), "source_page": source},
        )
    return redirect(_back_url(request, question, source))
