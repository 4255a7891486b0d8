from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from learn.classrooms.gates import Pacing, held_question_ids
from learn.content.models import Question
from learn.core.http import HtmxHttpRequest
from learn.core.ratelimit import (
    ANON_MAX_ATTEMPTS,
    ANON_MAX_LAB_ATTEMPTS,
    limited,
    too_many,
)
from learn.lessons.pages import lesson_page
from learn.progress.learner import learner_from_request
from learn.progress.models import Attempt
from learn.progress.selectors import QuestionItem, lesson_status
from learn.progress.services import attempt_submit
from learn.quizzes.grading import BadAnswer, grade
from learn.review import now as review_now
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


def _anonymous_cap(request: HtmxHttpRequest, is_lab: bool) -> str:
    """A refusal once an anonymous visitor has stored as much as one may (one query)."""
    learner = learner_from_request(request)
    if not learner.is_anonymous or not learner.anon_key:
        return ""
    attempts = Attempt.objects.filter(learner.q())
    if is_lab:
        if attempts.filter(question__kind=Question.LAB).count() >= ANON_MAX_LAB_ATTEMPTS:
            return (
                f"Without an account you can check {ANON_MAX_LAB_ATTEMPTS} lab files. Sign up "
                "(it is free, and your answers so far come with you) to keep going."
            )
    elif attempts.count() >= ANON_MAX_ATTEMPTS:
        return (
            f"Without an account you can save {ANON_MAX_ATTEMPTS} answers. Sign up (it is "
            "free, and your answers so far come with you) to keep going."
        )
    return ""


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
    if Pacing(request.user).answer_refused(question):
        return _bad(
            request,
            "Your instructor has not opened this lesson for your class yet, so its questions "
            "cannot be answered. Go back to the lessons that are open.",
            question,
            403,
        )
    is_lab = question.kind == Question.LAB
    # The anonymous key first, so even a visitor's first answer counts against its own limit.
    learner = learner_from_request(request, create=True)
    # Before grading: a refused check must not run the validators either.
    hit = limited(request, "lab", "lab-ip") if is_lab else limited(request, "answer", "answer-ip")
    if hit is not None:
        fragment = "lesson.html#answer-error" if request.htmx else ""
        return too_many(request, hit, "lab checks" if is_lab else "answers", fragment=fragment)
    refusal = _anonymous_cap(request, is_lab)
    if refusal:
        return _bad(request, refusal, question, 429)
    try:
        graded = grade(question, request.POST)
    except BadAnswer as exc:
        return _bad(request, exc.message, question, exc.status)
    source = request.POST.get("source_page", Attempt.LESSON)
    if source not in dict(Attempt.SOURCES):
        source = Attempt.LESSON
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
    item = QuestionItem(question, state, question.pk in held)
    if source == Attempt.REVIEW_NOW:
        return review_now.answered(request, item, held)
    if source != Attempt.LESSON:
        if request.htmx:
            context = {"item": item, "source_page": source}
            return render(request, "lesson.html#feedback", context)
        return redirect(_back_url(request, question, source))
    # On the lesson page the header's count moves with the answer (an out-of-band swap of
    # #lesson-status), and the answer that solves the lesson's last question says so right
    # where the learner is, with the way on; without JavaScript the page redirected to says
    # the same in its header.
    status = lesson_status(learner, question.lesson)
    completed = status.done and state.solved_at is not None and state.solved_at == state.last_at
    if not request.htmx:
        if completed:
            return redirect(f"{question.lesson.get_absolute_url()}#lesson-status")
        return redirect(_back_url(request, question, source))
    page = lesson_page(question.lesson.slug) if completed else None
    context = {
        "item": item,
        "source_page": source,
        "lesson": question.lesson,
        "status": status,
        "next": page.next_lesson if page else None,
        "completed": completed,
    }
    return render(request, "lesson.html#answered", context)
