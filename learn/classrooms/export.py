"""CSV exports of a class, made to open cleanly in a spreadsheet: UTF-8 with a byte-order mark
(Excel otherwise guesses a legacy encoding), CRLF rows, ISO dates, and every text cell that a
spreadsheet would read as a formula neutralised with a leading apostrophe (OWASP's advice for
CSV injection: =, +, -, @, tab and carriage return)."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from learn.classrooms.answers import answer_text, prompt_text
from learn.classrooms.models import Classroom, Membership
from learn.classrooms.selectors import classroom_dashboard, student_ids
from learn.content.models import Question
from learn.progress.models import QuestionState

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

PROGRESS_HEADER = [
    "username",
    "full_name",
    "module",
    "lesson_slug",
    "lesson",
    "status",
    "questions_solved",
    "questions_total",
    "tries",
    "correct_tries",
    "accuracy_percent",
]
ANSWERS_HEADER = [
    "username",
    "full_name",
    "lesson_slug",
    "question_key",
    "question",
    "kind",
    "tries",
    "correct_tries",
    "first_try_correct",
    "solved",
    "solved_at",
    "last_correct",
    "last_answer",
    "last_at",
]


def _as_a_spreadsheet_reads_it(value: str) -> str:
    """Spreadsheets fold full-width forms (U+FF1D "＝" is "=") and skip zero-width and other
    format characters before deciding a cell is a formula; so does this check."""
    folded = unicodedata.normalize("NFKC", value)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf").lstrip(" ")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS)
        or _as_a_spreadsheet_reads_it(value).startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return neutralise(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """Rows as CSV text, one line at a time (for a streaming response)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([_cell(v) for v in row])


def progress_rows(classroom: Classroom) -> Iterator[list[Any]]:
    """A row per student and lesson, every lesson, started or not."""
    board = classroom_dashboard(classroom)
    yield PROGRESS_HEADER
    for row in board.rows:
        for cell in row.cells:
            lesson = cell.lesson
            yield [
                row.user.username,
                row.user.get_full_name(),
                lesson.module.title,
                lesson.slug,
                lesson.title,
                cell.state,
                cell.solved,
                lesson.question_count,
                cell.tries,
                cell.correct,
                cell.accuracy,
            ]


def answers_rows(classroom: Classroom) -> Iterator[list[Any]]:
    """A row per student and question, every active question, answered or not. Three queries."""
    students = list(
        Membership.objects.filter(classroom=classroom, role=Membership.STUDENT)
        .select_related("user")
        .order_by("user__username")
    )
    questions = list(
        Question.objects.active().select_related("lesson").order_by("lesson__position", "position")
    )
    states = {
        (s.user_id, s.question_id): s
        for s in QuestionState.objects.filter(
            user_id__in=student_ids(classroom),
            question__retired=False,
            question__lesson__retired=False,
        ).only(
            "user_id",
            "question_id",
            "tries",
            "correct_tries",
            "first_try_correct",
            "solved_at",
            "last_correct",
            "last_answer",
            "last_at",
        )
    }
    prompts = {q.pk: prompt_text(q) for q in questions}
    yield ANSWERS_HEADER
    for membership in students:
        user = membership.user
        for question in questions:
            state = states.get((user.pk, question.pk))
            head = [
                user.username,
                user.get_full_name(),
                question.lesson.slug,
                question.key,
                prompts[question.pk],
                question.kind,
            ]
            if state is None:
                yield head + [0, 0, None, False, None, None, "", None]
                continue
            yield head + [
                state.tries,
                state.correct_tries,
                state.first_try_correct,
                state.solved_at is not None,
                state.solved_at,
                state.last_correct,
                answer_text(question, state.last_answer),
                state.last_at,
            ]
