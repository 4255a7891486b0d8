from __future__ import annotations

from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from learn.classrooms.gates import Pacing
from learn.content.models import Lesson
from learn.core.http import HtmxHttpRequest
from learn.core.pagecache import cached_page
from learn.lessons.pages import lesson_page, render_lesson_body
from learn.progress.learner import learner_from_request
from learn.progress.selectors import course_outline, lesson_marks, progress_stamp
from learn.progress.services import lesson_mark_done


@require_GET
def path(request: HtmxHttpRequest) -> HttpResponse:
    learner = learner_from_request(request)
    # Students of a guided class see the lessons their instructor has not opened yet locked
    # (never one they have finished), and "Continue" leads to an open lesson.
    pacing = Pacing(request.user)
    marks = lesson_marks(learner)

    def draw(csrf_token: str) -> HttpResponse:
        outline = course_outline(learner, marks)
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

    # The page changes only with the course, this learner's progress, their pacing, their name
    # and the day (what is due today): kept under exactly those.
    parts = (
        "path",
        learner.user_id,
        learner.anon_key,
        request.user.get_username() if request.user.is_authenticated else "",
        pacing.limit,
        progress_stamp(learner, marks),
        timezone.localdate().isoformat(),
        request.get_full_path(),
    )
    return cached_page(request, parts, draw)


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
    if Pacing(request.user).lesson_locked(current):
        return render(request, "lesson.html", {"lesson": current, "locked": True})
    learner = learner_from_request(request)

    def draw(csrf_token: str) -> HttpResponse:
        body, _ = render_lesson_body(request, page, learner, csrf_token=csrf_token)
        # The body is the cached skeleton (rendered from our templates, autoescaped there)
        # with this learner's questions rendered into it.
        context = {"lesson": current, "body": mark_safe(body), "csrf_token": csrf_token}  # noqa: S308
        return render(request, "lesson.html", context)

    if learner.is_known:
        return draw(get_token(request))
    # A visitor with no answers yet sees what every such visitor sees: kept whole.
    return cached_page(request, ("lesson", slug, request.get_full_path()), draw)


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
