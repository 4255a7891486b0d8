from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from learn.content.models import Lesson
from learn.progress.learner import learner_from_request
from learn.progress.selectors import course_outline, lesson_items
from learn.progress.services import lesson_mark_done


@require_GET
def path(request: HttpRequest) -> HttpResponse:
    outline = course_outline(learner_from_request(request))
    return render(request, "path.html", {"outline": outline})


def _lesson_or_404(slug: str) -> Lesson:
    lesson = Lesson.objects.select_related("module").filter(slug=slug, retired=False).first()
    if lesson is None:
        raise Http404("No such lesson")
    return lesson


@require_GET
def lesson(request: HttpRequest, slug: str) -> HttpResponse:
    current = _lesson_or_404(slug)
    learner = learner_from_request(request)
    items, status = lesson_items(current, learner)
    by_key = {item.question.key: item for item in items}
    parts = []
    for part in current.parts:
        if "html" in part:
            parts.append({"html": part["html"]})
        elif part["question"] in by_key:
            parts.append({"item": by_key[part["question"]]})
    active = Lesson.objects.active().only("slug", "title", "position")
    previous = active.filter(position__lt=current.position).order_by("-position").first()
    following = active.filter(position__gt=current.position).order_by("position").first()
    return render(
        request,
        "lesson.html",
        {
            "lesson": current,
            "parts": parts,
            "status": status,
            "previous": previous,
            "next": following,
        },
    )


@require_POST
def mark_done(request: HttpRequest, slug: str) -> HttpResponse:
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
