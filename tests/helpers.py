from __future__ import annotations

from typing import Any

from learn.content.models import Question


def right_answer(question: Question) -> dict[str, Any]:
    data = question.data
    if question.kind in ("single", "multiple"):
        return {"answer": list(data["correct"])}
    if question.kind == "text":
        return {"answer": data["display"]}
    if question.kind == "order":
        return {"answer": list(data["correct"])}
    return {"source": data["solution"]}


def wrong_answer(question: Question) -> dict[str, Any]:
    data = question.data
    if question.kind in ("single", "multiple"):
        wrong = [c["key"] for c in data["choices"] if c["key"] not in data["correct"]]
        return {"answer": wrong[:1]}
    if question.kind == "text":
        return {"answer": "definitely not it"}
    if question.kind == "order":
        return {"answer": list(reversed(data["correct"]))}
    return {"source": data["starter"]}
