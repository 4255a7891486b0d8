"""Grade a submitted answer against a question. Pure: no database, no request.

Anything that is not a well-formed answer to this very question raises BadAnswer with a
message the learner can act on; the view turns it into a 400 and stores nothing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from django.http import QueryDict

from learn.content.models import Question
from learn.content.parser import MAX_TEXT_ANSWER, normalise_text_answer


class BadAnswer(Exception):
    """Not stored; `status` is 400 for a malformed answer, 503 when a checker is busy."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Graded:
    answer: dict[str, Any]
    is_correct: bool
    feedback: dict[str, Any] = field(default_factory=dict)


# C0 and C1 control characters and DEL, except tab, line feed and carriage return. PostgreSQL
# cannot store U+0000 in text or JSON at all (a 500 there, while SQLite stored it); the rest
# are never part of an answer and would only garble the review page and the CSV exports.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def refuse_control(value: str) -> str:
    found = CONTROL.search(value)
    if found is not None:
        char = found.group()
        name = unicodedata.name(char, "a control character")
        raise BadAnswer(
            f"The answer holds a control character (U+{ord(char):04X}, {name.lower()}) "
            "that cannot be part of an answer; remove it and check again."
        )
    return value


def _values(post: QueryDict, name: str = "answer") -> list[str]:
    values = post.getlist(name)
    if len(values) > 50 or any(len(v) > 1000 for v in values):
        raise BadAnswer("That answer is far larger than any answer to this question.")
    return [refuse_control(v) for v in values]


def grade(question: Question, post: QueryDict) -> Graded:
    data = question.data
    kind = question.kind
    if kind in (Question.SINGLE, Question.MULTIPLE):
        keys = {c["key"] for c in data["choices"]}
        values = _values(post)
        if not values:
            raise BadAnswer("Choose an answer before checking it.")
        if any(v not in keys for v in values):
            raise BadAnswer("That choice is not one of this question's choices.")
        if len(set(values)) != len(values):
            raise BadAnswer("The same choice was sent twice.")
        if kind == Question.SINGLE and len(values) != 1:
            raise BadAnswer("This question takes exactly one choice.")
        ordered = [c["key"] for c in data["choices"] if c["key"] in set(values)]
        return Graded({"choices": ordered}, set(values) == set(data["correct"]))
    if kind == Question.TEXT:
        values = _values(post)
        if len(values) != 1 or not values[0].strip():
            raise BadAnswer("Type an answer before checking it.")
        if len(values[0]) > MAX_TEXT_ANSWER:
            raise BadAnswer(f"Answers are at most {MAX_TEXT_ANSWER} characters long.")
        text = values[0].strip()
        return Graded({"text": text}, normalise_text_answer(text) in data["answers"])
    if kind == Question.ORDER:
        steps = [s["key"] for s in data["steps"]]
        values = _values(post)
        if len(values) != len(steps) or any(not v for v in values):
            raise BadAnswer("Put every step in a position before checking.")
        if set(values) != set(steps):
            if any(v not in steps for v in values):
                raise BadAnswer("That step is not one of this question's steps.")
            raise BadAnswer("Each step can take only one position; one is used twice.")
        return Graded({"order": values}, values == data["correct"])
    if kind == Question.LAB:
        return _grade_lab(question, post)
    raise BadAnswer("This question cannot be answered.")


def _grade_lab(question: Question, post: QueryDict) -> Graded:
    from learn.labs.checks import run
    from learn.labs.limits import MAX_BYTES, LabBusy

    values = post.getlist("source")
    if len(values) != 1:
        raise BadAnswer("Send the file in the editor to check it.")
    source = values[0].replace("\r\n", "\n")
    size = len(source.encode())
    if size > MAX_BYTES:
        raise BadAnswer(
            f"The file is {size // 1024} KB; the limit is {MAX_BYTES // 1024} KB. "
            "Nothing was saved: trim it and check again."
        )
    refuse_control(source)
    if not source.strip():
        raise BadAnswer("The editor is empty: write the file, then check it.")
    try:
        results = run(data_kind(question), source, question.data["checks"])
    except LabBusy as exc:
        raise BadAnswer(exc.message, status=503) from None
    passed = bool(results) and all(r.passed for r in results)
    return Graded({"source": source}, passed, {"checks": [asdict(r) for r in results]})


def data_kind(question: Question) -> str:
    return str(question.data["lab_kind"])
