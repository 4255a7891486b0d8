from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from learn.content.models import Question
from learn.progress.learner import learner_from_request
from learn.progress.models import Attempt
from learn.progress.selectors import QuestionItem
from learn.progress.services import attempt_submit
from learn.quizzes.grading import BadAnswer, grade


def _bad(request: HttpRequest, message: str, question: Question | None = None) -> HttpResponse:
    """A 400 that says what was wrong; nothing was stored."""
    if request.htmx:
        return render(request, "lesson.html#answer-error", {"message": message}, status=400)
    return render(
        request, "error.html", {"message": message, "question": question}, status=400
    )


def _back_url(question: Question, source: str) -> str:
    if source == Attempt.REVIEW:
        return f"/review/#{question.anchor}"
    return f"{question.lesson.get_absolute_url()}#{question.anchor}"


@require_POST
def answer(request: HttpRequest, key: str) -> HttpResponse:
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
        return _bad(request, exc.message, question)
    source = request.POST.get("source_page", Attempt.LESSON)
    if source not in (Attempt.LESSON, Attempt.REVIEW):
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
    if request.htmx:
        return render(request, "lesson.html#feedback", {"item": QuestionItem(question, state)})
    return redirect(_back_url(question, source))
