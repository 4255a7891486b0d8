from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from learn.classrooms.gates import Pacing
from learn.content.models import Lesson
from learn.core.freshness import page_for_learner
from learn.core.http import HtmxHttpRequest
from learn.lessons.pages import lesson_page, render_lesson_body
from learn.progress.learner import learner_from_request
from learn.progress.selectors import course_outline, lesson_marks
from learn.progress.services import lesson_mark_done


@require_GET
def path(request: HtmxHttpRequest) -> HttpResponse:
    learner = learner_from_request(request)

    def draw(csrf_token: str) -> HttpResponse:
        # Students of a guided class see the lessons their instructor has not opened yet
        # locked (never one they have finished), and "Continue" leads to an open lesson.
        pacing = Pacing(request.user)
        outline = course_outline(learner, lesson_marks(learner))
        statuses = [s for m in outline.modules for s in m.lessons]
        locked = {s.lesson.pk for s in statuses if pacing.locked(s.lesson, done=s.done)}
        waiting = False
        if outline.continue_lesson is not None and outline.continue_lesson.pk in locked:
            outline.continue_lesson = next(
                (s.lesson for s in statuses if not s.done and s.lesson.pk not in locked), None
            )
            waiting = outline.continue_lesson is None
        context = {
            "outline": outline,
            "locked": locked,
            "waiting": waiting,
            "csrf_token": csrf_token,
        }
        return render(request, "path.html", context)

    # The page changes only with the course, this learner's progress and classes, their name
    # and the day (what is due today): kept under exactly those (learn/core/freshness.py).
    return page_for_learner(request, learner, ("path", request.get_full_path()), draw)


def _lesson_or_404(slug: str) -> Lesson:
    lesson = Lesson.objects.select_related("module").filter(slug=slug, retired=False).first()
    if lesson is None:
        raise Http404("No such lesson")
    return lesson


@require_GET
def lesson(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    page = lesson_page(slug)
    if page is None:
        raise Http404("No such lesson")
    current = page.lesson
    learner = learner_from_request(request)

    def draw(csrf_token: str) -> HttpResponse:
        if Pacing(request.user).lesson_locked(current):
            context = {"lesson": current, "locked": True, "csrf_token": csrf_token}
            return render(request, "lesson.html", context)
        body, _ = render_lesson_body(request, page, learner, csrf_token=csrf_token)
        # The body is the cached skeleton (rendered from our templates, autoescaped there)
        # with this learner's questions rendered into it.
        context = {"lesson": current, "body": mark_safe(body), "csrf_token": csrf_token}  # noqa: S308
        return render(request, "lesson.html", context)

    # A sandbox block shows the learner's live sandbox, which changes without a request of
    # theirs (simulated time): drawn every time for a known learner.
    sandboxed = learner.is_known and any(q.is_sandbox for q in page.questions.values())
    parts = ("lesson", slug, request.get_full_path())
    return page_for_learner(request, learner, parts, draw, cacheable=not sandboxed)


@require_POST
def mark_done(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    current = _lesson_or_404(slug)
    if current.question_count:
        return render(
            request,
            "error.html",
            {"message": "This lesson is done when every question in it is answered right."},
            status=400,
        )
    lesson_mark_done(learner=learner_from_request(request, create=True), lesson=current)
    if request.htmx:
        return render(request, "lesson.html#done", {"lesson": current, "done": True})
    return redirect(current.get_absolute_url() + "#lesson-done")
