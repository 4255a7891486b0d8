from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from learn.classrooms.selectors import pacing_limit
from learn.content.models import Lesson
from learn.core.http import HtmxHttpRequest
from learn.lessons.pages import lesson_page, render_lesson_body
from learn.progress.learner import learner_from_request
from learn.progress.selectors import course_outline
from learn.progress.services import lesson_mark_done


@require_GET
def path(request: HtmxHttpRequest) -> HttpResponse:
    outline = course_outline(learner_from_request(request))
    # Students of a guided class see the lessons their instructor has not opened yet locked.
    limit = pacing_limit(request.user)
    locked: set[int] = set()
    if limit is not None:
        locked = {
            s.lesson.pk for m in outline.modules for s in m.lessons if s.lesson.position > limit
        }
    return render(request, "path.html", {"outline": outline, "locked": locked})


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
    limit = pacing_limit(request.user)
    if limit is not None and current.position > limit:
        return render(request, "lesson.html", {"lesson": current, "locked": True})
    body, _ = render_lesson_body(request, page, learner_from_request(request))
    # The body is the cached skeleton (rendered from our templates, autoescaped there) with
    # this learner's questions rendered into it.
    return render(request, "lesson.html", {"lesson": current, "body": mark_safe(body)})  # noqa: S308


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
