"""Lesson pages from pre-built HTML.

The Markdown is rendered at sync time; this module goes one step further and renders the
whole lesson article once per course version — body, table of contents, pager and every
question in its unanswered state — into a skeleton kept in the cache. A request then only
fetches the learner's own state, re-renders the few questions they have answered, and joins
strings. The CSRF token is the one per-request value inside the cached HTML: it is rendered
as a placeholder and replaced on the way out.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from learn.classrooms.gates import held_question_ids
from learn.content.models import Lesson, Question
from learn.content.version import course_version
from learn.core.pagecache import CSRF_PLACEHOLDER
from learn.progress.learner import Learner
from learn.progress.models import LessonMark, QuestionState
from learn.progress.selectors import LessonStatus, QuestionItem
from learn.sandboxes.models import SandboxSession
from learn.sandboxes.selectors import sandbox_view, sessions_for

SLOT = re.compile(r"<!--slot:(question|status|done)(?::([a-z0-9-]+))?-->")


def _template_version() -> str:
    """Cached skeletons also depend on the templates that drew them."""
    digest = hashlib.sha256()
    for name in ("lesson.html", "sandboxes/_block.html", "sandboxes/_picture.html"):
        digest.update((Path(settings.BASE_DIR) / "templates" / name).read_bytes())
    return digest.hexdigest()[:12]


TEMPLATE_VERSION = _template_version()


@dataclass
class LessonPage:
    lesson: Lesson
    segments: list[tuple[str, str]]  # ("html", text) | ("question"|"status"|"done", key)
    questions: dict[str, Question] = field(default_factory=dict)
    blank: dict[str, str] = field(default_factory=dict)  # question key -> unanswered HTML
    next_lesson: Lesson | None = None  # where "Lesson complete" sends the learner


def _build(slug: str) -> LessonPage | None:
    lesson = Lesson.objects.select_related("module").filter(slug=slug, retired=False).first()
    if lesson is None:
        return None
    questions = {q.key: q for q in Question.objects.filter(lesson=lesson, retired=False)}
    active = Lesson.objects.active().only("slug", "title", "position")
    next_lesson = active.filter(position__gt=lesson.position).order_by("position").first()
    context = {
        "lesson": lesson,
        "parts": [part for part in lesson.parts if "html" in part or part["question"] in questions],
        "previous": active.filter(position__lt=lesson.position).order_by("-position").first(),
        "next": next_lesson,
        "csrf_token": CSRF_PLACEHOLDER,
    }
    html = render_to_string("lesson.html#article", context)
    segments: list[tuple[str, str]] = []
    cursor = 0
    for match in SLOT.finditer(html):
        segments.append(("html", html[cursor : match.start()]))
        segments.append((match.group(1), match.group(2) or ""))
        cursor = match.end()
    segments.append(("html", html[cursor:]))
    blank = {
        key: _render_question(QuestionItem(question, None), None)
        for key, question in questions.items()
    }
    return LessonPage(lesson, segments, questions, blank, next_lesson)


def _render_question(item: QuestionItem, session: SandboxSession | None) -> str:
    context: dict[str, object] = {"item": item, "csrf_token": CSRF_PLACEHOLDER}
    if item.question.is_sandbox:
        # A terminal block shows the learner's own sandbox (learn/sandboxes), or its start.
        context["sandbox"] = sandbox_view(question=item.question, session=session)
    return str(render_to_string("lesson.html#question", context))


# Skeletons of the current course version, as objects: a cache would unpickle the lesson and
# every question on each request (most of a warm logged-in lesson page's time). Never
# mutated once built; a new course version starts an empty dict.
_built: dict[str, LessonPage] = {}
_built_version = ""


def lesson_page(slug: str) -> LessonPage | None:
    global _built, _built_version
    version = course_version()
    if version != _built_version:
        _built, _built_version = {}, version
    page = _built.get(slug)
    if page is None:
        key = f"lesson-page:{TEMPLATE_VERSION}:{version}:{slug}"
        page = cache.get(key)
        if page is None:
            page = _build(slug)
            if page is None:
                return None
            cache.set(key, page, timeout=None)
        _built[slug] = page
    return page


def render_lesson_body(
    request: HttpRequest, page: LessonPage, learner: Learner, *, csrf_token: str | None = None
) -> tuple[str, LessonStatus]:
    """The article for this learner: the skeleton with their answered questions filled in,
    and `csrf_token` (this request's token by default) in its forms."""
    lesson = page.lesson
    states: dict[int, QuestionState] = {}
    marked = False
    if learner.is_known:
        if page.questions:
            states = {
                s.question_id: s
                for s in QuestionState.objects.filter(learner.q(), question__lesson_id=lesson.pk)
            }
        elif lesson.question_count == 0:
            marked = LessonMark.objects.filter(learner.q(), lesson_id=lesson.pk).exists()
    # Only a page with answered questions can show an explanation, so only it asks.
    held = held_question_ids(getattr(request, "user", None)) if states else frozenset()
    sandbox_keys = [k for k, q in page.questions.items() if q.is_sandbox]
    sessions = sessions_for(learner, sandbox_keys) if sandbox_keys else {}
    active_ids = {q.pk for q in page.questions.values()}
    solved = sum(
        1 for s in states.values() if s.solved_at is not None and s.question_id in active_ids
    )
    status = LessonStatus(lesson, solved, bool(states), marked)
    out: list[str] = []
    for kind, key in page.segments:
        if kind == "html":
            out.append(key)
            continue
        if kind == "question":
            question = page.questions.get(key)
            if question is None:
                continue
            state = states.get(question.pk)
            session = sessions.get(key)
            if state is None and session is None:
                out.append(page.blank[key])
            else:
                out.append(
                    _render_question(QuestionItem(question, state, question.pk in held), session)
                )
        elif kind == "status":
            context = {"lesson": lesson, "status": status, "next": page.next_lesson}
            out.append(render_to_string("lesson.html#status", context))
        elif kind == "done":
            out.append(
                render_to_string(
                    "lesson.html#done",
                    {"lesson": lesson, "done": status.done, "csrf_token": CSRF_PLACEHOLDER},
                )
            )
    token = get_token(request) if csrf_token is None else csrf_token
    return "".join(out).replace(CSRF_PLACEHOLDER, token), status
