"""The terminal's endpoints: run a command, reset, save a file, and the playground page.

Each POST is a real form: without JavaScript it redirects back to the block's anchor (PRG) and
the page shows the output; with htmx it answers with the new log entry and the rest of the
block out of band.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from learn.content.models import Question
from learn.core.http import HtmxHttpRequest
from learn.lessons.pages import lesson_page
from learn.progress.learner import Learner, learner_from_request
from learn.progress.selectors import lesson_status
from learn.sandboxes.models import SandboxSession
from learn.sandboxes.selectors import sandbox_view, session_for, shown
from learn.sandboxes.services import (
    SandboxRefused,
    sandbox_put_file,
    sandbox_reset,
    sandbox_run,
)
from learn.sandboxes.spec import PLAYGROUND
from learn.sim import Sandbox


def _question(slot: str) -> Question | None:
    if slot == PLAYGROUND:
        return None
    question = (
        Question.objects.select_related("lesson")
        .filter(key=slot, kind=Question.SANDBOX, retired=False, lesson__retired=False)
        .first()
    )
    if question is None:
        raise Http404("No such sandbox")
    return question


def _back(question: Question | None) -> str:
    if question is None:
        return f"/playground/#sb-{PLAYGROUND}"
    return f"{question.lesson.get_absolute_url()}#{question.anchor}"


def _refused(
    request: HtmxHttpRequest, exc: SandboxRefused, question: Question | None
) -> HttpResponse:
    slot = question.key if question is not None else PLAYGROUND
    if request.htmx:
        response = HttpResponse(exc.message, status=exc.status, content_type="text/plain")
        response["HX-Retarget"] = f"#sb-{slot}-message"
        response["HX-Reswap"] = "innerHTML"
        return response
    context = {"message": exc.message, "back": _back(question)}
    return render(request, "sandboxes/refused.html", context, status=exc.status)


def _lesson_header(learner: Learner, question: Question) -> dict[str, object]:
    """The lesson header's count once a command has just reached a block's goals, as an
    answer moves it (the quiz answer view, lesson.html#status), and whether that was the
    lesson's last open item (then "Lesson complete" with the way on, lesson.html#complete)."""
    status = lesson_status(learner, question.lesson)
    page = lesson_page(question.lesson.slug) if status.done else None
    return {
        "lesson": question.lesson,
        "status": status,
        "next": page.next_lesson if page else None,
        "completed": status.done,
    }


def _answer(
    request: HtmxHttpRequest,
    question: Question | None,
    entries: list[dict[str, object]],
    session: SandboxSession,
    box: Sandbox | None = None,
    header: dict[str, object] | None = None,
) -> HttpResponse:
    if not request.htmx:
        if header and header["completed"] and question is not None:
            # Without JavaScript the page's header says it, as after a question's answer.
            return redirect(f"{question.lesson.get_absolute_url()}#lesson-status")
        return redirect(_back(question))
    view = sandbox_view(question=question, session=session, box=box)
    context = {"view": view, "entries": entries, "header": header}
    return render(request, "sandboxes/_block.html#after", context)


@require_POST
def run(request: HtmxHttpRequest, slot: str) -> HttpResponse:
    question = _question(slot)
    command = request.POST.get("command", "")
    if not command.strip():
        return _refused(request, SandboxRefused("Type a command first, then press Run."), question)
    learner = learner_from_request(request, create=True)
    try:
        result = sandbox_run(learner=learner, slot=slot, question=question, command=command)
    except SandboxRefused as exc:
        return _refused(request, exc, question)
    entry = shown(result.session.transcript[-1])
    header = _lesson_header(learner, question) if result.just_met and question else None
    return _answer(request, question, [entry], result.session, result.box, header)


@require_POST
def reset(request: HtmxHttpRequest, slot: str) -> HttpResponse:
    question = _question(slot)
    session = sandbox_reset(
        learner=learner_from_request(request, create=True), slot=slot, question=question
    )
    return _answer(request, question, [shown(session.transcript[-1])], session)


@require_POST
def files(request: HtmxHttpRequest, slot: str) -> HttpResponse:
    question = _question(slot)
    path = request.POST.get("path", "").strip()
    text = request.POST.get("text", "")
    if not path:
        return _refused(request, SandboxRefused("Give the file a name, e.g. web.yaml."), question)
    try:
        session = sandbox_put_file(
            learner=learner_from_request(request, create=True),
            slot=slot,
            question=question,
            path=path,
            text=text,
        )
    except SandboxRefused as exc:
        return _refused(request, exc, question)
    note = {"c": f"# saved {path}", "x": 0, "o": f"Saved {path} ({len(text.encode())} bytes).\n"}
    return _answer(request, question, [note], session)


@require_GET
def playground(request: HtmxHttpRequest) -> HttpResponse:
    learner = learner_from_request(request)
    view = sandbox_view(question=None, session=session_for(learner, PLAYGROUND))
    return render(request, "sandboxes/playground.html", {"view": view})
