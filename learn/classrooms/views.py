"""Thin views: a gate, a form, a service or a selector, a render. Every instructor view starts
with `classroom_for_instructor` (learn/classrooms/access.py) and answers 404 to anyone else.

Each htmx control is also a plain link or form: without JavaScript a POST redirects back
(post/redirect/get), with htmx the same URL returns just the region that changed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learn.classrooms import selectors, services
from learn.classrooms.access import (
    RemovedFromClass,
    classroom_for_instructor,
    classroom_for_member,
)
from learn.classrooms.answers import (
    answer_text,
    choice_marks,
    prompt_text,
    right_fragments,
    shorten,
)
from learn.classrooms.export import answers_rows, csv_lines, progress_rows
from learn.classrooms.forms import (
    COUNTDOWNS,
    ClassroomForm,
    InstructorForm,
    JoinForm,
    JoiningForm,
    PacingForm,
    PushForm,
)
from learn.classrooms.grid import board_rows_html
from learn.classrooms.models import Classroom, LiveQuestion, Membership
from learn.content.models import Lesson, Question
from learn.core.freshness import quiet_poll
from learn.core.http import HtmxHttpRequest
from learn.core.ratelimit import limited, too_many
from learn.progress.selectors import QuestionItem
from learn.sandboxes.selectors import student_sandboxes


def _private(response: HttpResponse) -> HttpResponse:
    """Pages that differ by htmx request and hold people's progress: never cache, and never
    let a cache hand the fragment to a full-page request or the reverse."""
    patch_vary_headers(response, ("HX-Request",))
    patch_cache_control(response, private=True, no_store=True)
    return response


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value or default)))
    except ValueError:
        return default


# --- List, create, join --------------------------------------------------------------------


def _list_page(
    request: HtmxHttpRequest, *, form: ClassroomForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "mine": selectors.classrooms_for(request.user),
        "is_instructor": request.user.is_instructor,  # type: ignore[union-attr]
        "form": form or ClassroomForm(),
        "join_form": JoinForm(),
    }
    return _private(render(request, "classrooms/list.html", context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def classroom_list(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _list_page(request)
    if not request.user.is_instructor:  # type: ignore[union-attr]
        return render(
            request,
            "error.html",
            {"message": "Only instructors can create classes. Ask an administrator."},
            status=403,
        )
    form = ClassroomForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form=form, status=400)
    classroom = services.classroom_create(
        instructor=request.user,
        name=form.cleaned_data["name"],
        description=form.cleaned_data["description"],
    )
    messages.success(request, f"Class created. Its join code is {classroom.code}.")
    return redirect(classroom.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = JoinForm(initial={"code": request.GET.get("code", "")[:32]})
        return render(request, "classrooms/join.html", {"form": form})
    hit = limited(request, "join", "join-ip")
    if hit is not None:
        return too_many(request, hit, "join codes tried")
    form = JoinForm(request.POST)
    if form.is_valid():
        try:
            classroom, joined = services.classroom_join(
                user=request.user, code=form.cleaned_data["code"]
            )
        except services.ClassroomError as exc:
            form.add_error("code", exc.message)
        else:
            if joined:
                messages.success(request, f"You joined {classroom.name}.")
            else:
                messages.info(request, f"You are already in {classroom.name}.")
            return redirect("classroom_live", pk=classroom.pk)
    return render(request, "classrooms/join.html", {"form": form}, status=400)


# --- The student class page and its live question ----------------------------------------


def _live_context(
    request: HtmxHttpRequest, classroom: Classroom, role: str, live: LiveQuestion | None
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "classroom": classroom,
        "role": role,
        "live": live,
        "version": live.version if live else "none",
        "source_page": "live",
        "return_to": reverse("classroom_live", args=[classroom.pk]),
    }
    if live is not None:
        context.update(_live_question_context(request, live, role))
    return context


def _live_question_context(
    request: HtmxHttpRequest, live: LiveQuestion, role: str
) -> dict[str, Any]:
    """While answers are open a student gets the question form (with their state since the
    push); once they closed, the answer that counted, marked against the right ones after the
    reveal. One query for a student, none for an instructor looking at the student view."""
    closed = live.is_closed()
    context: dict[str, Any] = {"closed": closed, "seconds_left": live.seconds_left()}
    student = role == Membership.STUDENT
    if not closed:
        state = selectors.live_state_for(live, user_id=request.user.pk) if student else None
        context["item"] = QuestionItem(live.question, state)
        context["state"] = state
        return context
    mine = selectors.live_answer_for(live, user_id=request.user.pk) if student else None
    context["mine"] = mine
    context["mine_text"] = answer_text(live.question, mine.answer) if mine else ""
    if live.revealed:
        context["right_html"] = right_fragments(live.question)
        context["marks"] = choice_marks(live.question, mine.answer if mine else None)
    return context


@login_required
@require_GET
@quiet_poll  # a quiet poll's 204 from the shared cache (learn/core/freshness.py)
def live(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The class page students keep open. htmx polls it every 3 s with the version it shows;
    while nothing changed the answer is an empty 204 (htmx swaps nothing), so a half-filled
    answer is never lost, and a quiet poll costs the class row and the live row only."""
    try:
        classroom, role = classroom_for_member(user=request.user, pk=pk)
    except RemovedFromClass as removed:
        return _removed_page(request, removed.classroom)
    live = selectors.current_live(classroom)
    if request.htmx and request.GET.get("since") == (live.version if live else "none"):
        return _private(HttpResponse(status=204))
    context = _live_context(request, classroom, role, live)
    if request.htmx:
        return _private(render(request, "classrooms/live.html#live", context))
    return _private(render(request, "classrooms/live.html", context))


def _removed_page(request: HtmxHttpRequest, classroom: Classroom) -> HttpResponse:
    context = {"classroom": classroom}
    return _private(render(request, "classrooms/removed_notice.html", context, status=403))


@login_required
@require_POST
def leave(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom, _ = classroom_for_member(user=request.user, pk=pk)
    try:
        services.classroom_leave(user=request.user, classroom=classroom)
    except services.ClassroomError as exc:
        messages.error(request, exc.message)
        return redirect("classroom_live", pk=classroom.pk)
    messages.info(request, f"You left {classroom.name}.")
    return redirect("classrooms")


# --- Instructor: dashboard ------------------------------------------------------------------


def _sort_link(board: selectors.Dashboard, key: str) -> dict[str, str]:
    """The query string a column heading links to, and its aria-sort state. A second click
    on the current column flips the direction; a first click on a number sorts highest first."""
    current = board.sort == key
    if current:
        direction = "asc" if board.direction == "desc" else "desc"
    else:
        direction = "asc" if key == "name" else "desc"
    query = urlencode({"sort": key, "dir": direction, "idle": board.idle_days})
    aria = ("ascending" if board.direction == "asc" else "descending") if current else ""
    return {"query": query, "aria": aria}


@require_GET
def dashboard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    board = selectors.classroom_dashboard(
        classroom,
        sort=request.GET.get("sort", "name"),
        direction=request.GET.get("dir", "asc"),
        idle_days=_int(request.GET.get("idle"), selectors.DEFAULT_IDLE_DAYS, 1, 365),
    )
    query = urlencode({"sort": board.sort, "dir": board.direction, "idle": board.idle_days})
    context = {
        "classroom": classroom,
        "board": board,
        "query": query,
        "sorts": {key: _sort_link(board, key) for key in selectors.SORTS},
        "lesson_columns": [
            (lesson, *_sort_link(board, f"lesson-{lesson.slug}").values())
            for lesson in board.lessons
        ],
        "grid_rows": board_rows_html(board),
        "join_url": request.build_absolute_uri(classroom.join_path),
        "tab": "progress",
    }
    if request.htmx and request.htmx.target == "board":
        return _private(render(request, "classrooms/dashboard.html#board", context))
    return _private(render(request, "classrooms/dashboard.html", context))


@require_GET
def project_code(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    return _private(
        render(
            request,
            "classrooms/code.html",
            {"classroom": classroom, "join_url": request.build_absolute_uri(classroom.join_path)},
        )
    )


@require_POST
def rotate_code(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    code = services.classroom_rotate_code(classroom=classroom)
    messages.success(request, f"New join code: {code}. The old code no longer works.")
    return redirect(classroom.get_absolute_url())


@require_POST
def set_joining(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    form = JoiningForm(request.POST)
    if form.is_valid():
        services.classroom_set_joining(classroom=classroom, open=form.cleaned_data["open"])
        messages.success(
            request, "Joining is open." if classroom.joining_open else "Joining is closed."
        )
    return redirect(classroom.get_absolute_url())


@require_POST
def set_pacing(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    form = PacingForm(request.POST)
    if form.is_valid():
        lesson = form.cleaned_data["open_through"]
        services.classroom_set_pacing(classroom=classroom, open_through=lesson)
        messages.success(
            request,
            f"Guided: lessons up to “{lesson.title}” are open."
            if lesson
            else "Self-paced: every lesson is open.",
        )
    else:
        messages.error(request, "That lesson is not in the course.")
    return redirect(reverse("classroom_dashboard", args=[pk]) + "#settings")


@require_POST
def add_instructor(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    form = InstructorForm(request.POST)
    if form.is_valid():
        try:
            user = services.instructor_add(
                classroom=classroom, username=form.cleaned_data["username"]
            )
        except services.ClassroomError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{user.username} now teaches this class too.")
    return redirect(reverse("classroom_dashboard", args=[pk]) + "#settings")


@require_POST
def remove_student(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    if services.student_remove(classroom=classroom, user_id=user_id, by=request.user):
        messages.success(
            request,
            "The student was removed from the class. The join code no longer lets them back "
            "in; re-admit them from Removed students if you change your mind.",
        )
    return redirect(classroom.get_absolute_url())


@require_GET
def removed_students(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    context = {
        "classroom": classroom,
        "removals": selectors.removed_students(classroom),
        "tab": "progress",
    }
    return _private(render(request, "classrooms/removed.html", context))


@require_POST
def readmit_student(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    if services.student_readmit(classroom=classroom, user_id=user_id):
        messages.success(request, "The student is back in the class, with all their progress.")
    else:
        messages.error(request, "That student is not on the list of removed students.")
    return redirect("classroom_removed", pk=classroom.pk)


# --- Instructor: analysis, one student, exports -----------------------------------------


@require_GET
def question_analysis(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    stats, size = selectors.question_analysis(classroom)
    return _private(
        render(
            request,
            "classrooms/questions.html",
            {"classroom": classroom, "stats": stats, "class_size": size, "tab": "questions"},
        )
    )


def _student_page(
    request: HtmxHttpRequest,
    classroom: Classroom,
    user_id: int,
    form: Any = None,
    status: int = 200,
) -> HttpResponse:
    review = selectors.student_review(classroom, user_id=user_id)
    context = {
        "classroom": classroom,
        "review": review,
        "tab": "progress",
        "password_form": form,
        "sandboxes": student_sandboxes(review.student.pk),
    }
    return _private(render(request, "classrooms/student.html", context, status=status))


@require_GET
def student_review(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    return _student_page(request, classroom, user_id)


@require_POST
def student_password(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    student = (
        get_user_model()
        .objects.filter(
            pk=user_id,
            classroom_memberships__classroom=classroom,
            classroom_memberships__role=Membership.STUDENT,
        )
        .first()
    )
    if student is None:
        raise Http404("No such student")
    form = SetPasswordForm(student, request.POST)
    if not form.is_valid():
        return _student_page(request, classroom, user_id, form, status=400)
    services.student_set_password(
        classroom=classroom, user_id=user_id, password=form.cleaned_data["new_password1"]
    )
    messages.success(
        request, f"{student.get_username()} can log in with the new password now. Tell them."
    )
    return redirect("classroom_student", classroom.pk, user_id)


def _csv(classroom: Classroom, kind: str, rows: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    name = slugify(classroom.name) or "class"
    response["Content-Disposition"] = f'attachment; filename="{name}-{kind}.csv"'
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def export_progress(request: HtmxHttpRequest, pk: int) -> StreamingHttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    return _csv(classroom, "progress", progress_rows(classroom))


@require_GET
def export_answers(request: HtmxHttpRequest, pk: int) -> StreamingHttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    return _csv(classroom, "answers", answers_rows(classroom))


# --- Instructor: the live question ----------------------------------------------------------


KIND_LABELS = {
    Question.SINGLE: "one choice",
    Question.MULTIPLE: "several choices",
    Question.TEXT: "typed answer",
    Question.ORDER: "put in order",
    Question.LAB: "lab",
}

PushChoice = tuple[Question, str, str]  # the question, its prompt as text, its kind in words


def _question_choices(search: str = "") -> list[tuple[Lesson, list[PushChoice]]]:
    """The course's questions grouped by lesson, in path order, for the push list. A search
    keeps the questions whose prompt, kind or lesson title holds every word typed. One query."""
    words = search.casefold().split()
    grouped: list[tuple[Lesson, list[PushChoice]]] = []
    for question in (
        Question.objects.active().select_related("lesson").order_by("lesson__position", "position")
    ):
        full = prompt_text(question)
        kind = KIND_LABELS.get(question.kind, question.kind)
        haystack = f"{full} {kind} {question.lesson.title}".casefold()
        label = shorten(full, 160)
        if words and not all(word in haystack for word in words):
            continue
        if not grouped or grouped[-1][0].pk != question.lesson_id:
            grouped.append((question.lesson, []))
        grouped[-1][1].append((question, label, kind))
    return grouped


@require_GET
def ask(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The instructor's live-question panel; htmx polls its results region every 3 s."""
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    live = selectors.current_live(classroom)
    results = selectors.live_results(classroom, live) if live else None
    context: dict[str, Any] = {"classroom": classroom, "live": live, "results": results}
    if live and live.revealed:
        context["right_html"] = right_fragments(live.question)
    if request.htmx and request.htmx.target == "live-results":
        return _private(render(request, "classrooms/ask.html#results", context))
    search = request.GET.get("q", "")[:100]
    choices = _question_choices(search)
    context.update(
        {
            "choices": choices,
            "search": search,
            "found": sum(len(questions) for _, questions in choices),
            "countdowns": COUNTDOWNS,
            "tab": "live",
        }
    )
    return _private(render(request, "classrooms/ask.html", context))


@require_GET
def projector(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The live question made for a projector: the question in large type, the countdown,
    how many have answered and who has not, and once answers close, the distribution (the
    right choices marked only after the reveal). htmx polls its stage every 2 s; without
    JavaScript the page states when answers close and links to itself."""
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    live = selectors.current_live(classroom)
    # Names of who has not answered only when asked for: a projector is seen by the room.
    show_names = request.GET.get("names") == "1"
    version = live.version if live else "none"
    context: dict[str, Any] = {
        "classroom": classroom,
        "live": live,
        "show_names": show_names,
        "version": version,
        # The poll says which state its buttons were drawn for; redraw them only on a change.
        "controls_changed": request.GET.get("shown", version) != version,
    }
    if live is not None:
        results = selectors.live_results(classroom, live)
        context.update(
            {
                "results": results,
                "closed": live.is_closed(),
                "seconds_left": live.seconds_left(),
            }
        )
        if show_names:
            context["roll"] = selectors.live_roll(classroom, results.answered_ids)
    if request.htmx and request.htmx.target == "stage":
        return _private(render(request, "classrooms/projector.html#stage", context))
    return _private(render(request, "classrooms/projector.html", context))


def _back_to_live(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Back where the instructor pressed the button: the projector or the ask page."""
    if request.POST.get("then") == "projector":
        return redirect("classroom_projector", pk=pk)
    return redirect("classroom_ask", pk=pk)


@require_POST
def ask_close(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    if services.live_close(classroom=classroom) is None:
        messages.error(request, "There is no live question to close.")
    return _back_to_live(request, pk)


@require_POST
def ask_push(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    form = PushForm(request.POST)
    if form.is_valid():
        try:
            services.live_push(
                classroom=classroom,
                question=form.cleaned_data["question"],
                by=request.user,
                seconds=form.cleaned_data["seconds"],
            )
        except services.ClassroomError as exc:
            messages.error(request, exc.message)
        else:
            return _back_to_live(request, pk)
    elif "seconds" in form.errors:
        messages.error(request, "Pick a time to answer from the list.")
    else:
        messages.error(request, "Choose a question of the course to push.")
    return redirect("classroom_ask", pk=pk)


@require_POST
def ask_reveal(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    services.live_reveal(classroom=classroom)
    return _back_to_live(request, pk)


@require_POST
def ask_stop(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_instructor(user=request.user, pk=pk)
    services.live_stop(classroom=classroom)
    return redirect("classroom_ask", pk=pk)
