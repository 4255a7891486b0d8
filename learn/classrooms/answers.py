"""A stored answer shown back: as the course's own HTML fragments (pages) or as plain text
(CSV). The fragments come from the course (trusted, rendered at sync time); anything the
learner typed is returned as plain text and escaped by the template."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from django.utils.html import strip_tags

from learn.content.models import Question


def _by_key(question: Question) -> dict[str, str]:
    data = question.data
    items = data.get("steps") if question.kind == Question.ORDER else data.get("choices")
    return {item["key"]: item["html"] for item in items or []}


def answer_fragments(question: Question, answer: dict[str, Any]) -> list[str]:
    """HTML fragments of a choice or order answer (empty for text and labs)."""
    by_key = _by_key(question)
    keys = answer.get("choices") if "choices" in answer else answer.get("order")
    return [by_key.get(k, "(a choice since removed from the course)") for k in keys or []]


def right_fragments(question: Question) -> list[str]:
    if question.kind not in (Question.SINGLE, Question.MULTIPLE, Question.ORDER):
        return []
    by_key = _by_key(question)
    return [by_key[k] for k in question.data.get("correct", []) if k in by_key]


def plain(fragment: str) -> str:
    return html.unescape(strip_tags(fragment)).strip()


def answer_text(question: Question, answer: dict[str, Any]) -> str:
    """One line of plain text for a spreadsheet cell or a count label."""
    if not answer:
        return ""
    if "text" in answer:
        return str(answer["text"])
    if "source" in answer:
        lines = str(answer["source"]).count("\n") + 1
        return f"(a {question.data.get('lab_kind', 'lab')} file of {lines} lines)"
    separator = " > " if "order" in answer else " | "
    return separator.join(plain(f) for f in answer_fragments(question, answer))


def prompt_text(question: Question, limit: int = 0) -> str:
    return shorten(" ".join(plain(question.prompt_html).split()), limit)


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut (no limit when 0)."""
    if limit and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text


@dataclass(frozen=True, slots=True)
class ChoiceMark:
    """One choice of a revealed live question as one student sees it."""

    html: str
    picked: bool
    right: bool


def choice_marks(question: Question, answer: dict[str, Any] | None) -> list[ChoiceMark]:
    """Every choice of a single or multiple choice question in the order the learner saw them,
    marked with whether this learner picked it and whether it is right. Empty for other
    kinds (their answer is shown as text or steps instead)."""
    if question.kind not in (Question.SINGLE, Question.MULTIPLE):
        return []
    picked = set((answer or {}).get("choices") or [])
    correct = set(question.data.get("correct", []))
    return [
        ChoiceMark(choice["html"], choice["key"] in picked, choice["key"] in correct)
        for choice in question.data.get("choices", [])
    ]
