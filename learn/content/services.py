"""`lessons sync`: upsert the parsed course by stable slug and id, writing only what changed."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from learn.content.models import CourseVersion, Lesson, Module, Question
from learn.content.parser import Problem, load_course
from learn.content.version import forget_course_version

# Any constant works; it only has to be the same for every process that syncs.
_SYNC_LOCK_ID = 0x6C6573736F6E73  # "lessons"


class CourseInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the course")
        self.problems = problems


@dataclass
class SyncReport:
    created: dict[str, int] = field(
        default_factory=lambda: {"module": 0, "lesson": 0, "question": 0}
    )
    updated: dict[str, int] = field(
        default_factory=lambda: {"module": 0, "lesson": 0, "question": 0}
    )
    retired: dict[str, int] = field(
        default_factory=lambda: {"module": 0, "lesson": 0, "question": 0}
    )

    @property
    def changed(self) -> bool:
        return any(v for d in (self.created, self.updated, self.retired) for v in d.values())

    def __str__(self) -> str:
        parts = []
        for name in ("module", "lesson", "question"):
            parts.append(
                f"{name}s: {self.created[name]} created, {self.updated[name]} updated, "
                f"{self.retired[name]} retired"
            )
        return "; ".join(parts)


def _digest(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def shown_order(question_key: str, data: dict[str, Any]) -> dict[str, Any]:
    """The question's data with its choices in the order the page shows them.

    Authors tend to write the right choice first; shown in source order, "always pick the
    first" scored 61 of 61. The order is a hash of the question id and each choice's key:
    stable across syncs and processes (so the cached page skeleton and everyone's page
    agree), the same for every learner, and independent of which choices are right. The
    keys themselves are hashes of the choice text (parser.choice_key), so nothing in the
    markup hints at the answer either. Order questions are already shown this way
    (parser._steps)."""
    choices = data.get("choices")
    if not isinstance(choices, list):
        return data

    def rank(choice: dict[str, Any]) -> str:
        return hashlib.sha256(f"{question_key}:{choice['key']}".encode()).hexdigest()

    return {**data, "choices": sorted(choices, key=rank)}


def _lock() -> None:
    """Serialise concurrent syncs (several pods starting at once).

    PostgreSQL: a transaction-scoped advisory lock. SQLite: transactions are IMMEDIATE
    (settings), so the write lock is already held from BEGIN.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SYNC_LOCK_ID])


def _upsert(
    model: Any,
    existing: dict[str, Any],
    key_field: str,
    key: str,
    fields: dict[str, Any],
    report: SyncReport,
    name: str,
) -> Any:
    digest = _digest(fields)
    row = existing.get(key)
    if row is None:
        row = model.objects.create(**{key_field: key}, **fields, source_hash=digest, retired=False)
        report.created[name] += 1
    elif row.source_hash != digest or row.retired:
        for attr, value in fields.items():
            setattr(row, attr, value)
        row.source_hash = digest
        row.retired = False
        row.save()
        report.updated[name] += 1
    return row


def course_sync(*, root: Path | None = None) -> SyncReport:
    root = root or settings.LESSONS_DIR
    modules, problems = load_course(root)
    if problems:
        raise CourseInvalid(problems)
    report = SyncReport()
    with transaction.atomic():
        _lock()
        existing_modules = {m.slug: m for m in Module.objects.all()}
        existing_lessons = {lesson.slug: lesson for lesson in Lesson.objects.all()}
        existing_questions = {q.key: q for q in Question.objects.all()}
        seen_modules: set[str] = set()
        seen_lessons: set[str] = set()
        seen_questions: set[str] = set()
        lesson_position = 0
        for module_index, spec in enumerate(modules, start=1):
            module = _upsert(
                Module,
                existing_modules,
                "slug",
                spec.slug,
                {"title": spec.title, "summary": spec.summary, "position": module_index},
                report,
                "module",
            )
            seen_modules.add(spec.slug)
            for lesson_spec in spec.lessons:
                lesson_position += 1
                lesson = _upsert(
                    Lesson,
                    existing_lessons,
                    "slug",
                    lesson_spec.slug,
                    {
                        "module_id": module.pk,
                        "title": lesson_spec.title,
                        "summary": lesson_spec.summary,
                        "minutes": lesson_spec.minutes,
                        "objectives": lesson_spec.objectives,
                        "parts": lesson_spec.parts,
                        "toc_html": lesson_spec.toc_html,
                        "source_path": lesson_spec.path,
                        "position": lesson_position,
                        "question_count": len(lesson_spec.questions),
                    },
                    report,
                    "lesson",
                )
                seen_lessons.add(lesson_spec.slug)
                for position, question in enumerate(lesson_spec.questions, start=1):
                    _upsert(
                        Question,
                        existing_questions,
                        "key",
                        question.key,
                        {
                            "lesson_id": lesson.pk,
                            "kind": question.kind,
                            "position": position,
                            "prompt_html": question.prompt_html,
                            "data": shown_order(question.key, question.data),
                            "explanation_html": question.explanation_html,
                            "hint_html": question.hint_html,
                        },
                        report,
                        "question",
                    )
                    seen_questions.add(question.key)
        retirable: list[tuple[str, type[Question | Lesson | Module], dict[str, Any], set[str]]] = [
            ("question", Question, existing_questions, seen_questions),
            ("lesson", Lesson, existing_lessons, seen_lessons),
            ("module", Module, existing_modules, seen_modules),
        ]
        for name, model, existing, seen in retirable:
            gone = [row.pk for key, row in existing.items() if key not in seen and not row.retired]
            if gone:
                model._default_manager.filter(pk__in=gone).update(retired=True)
                report.retired[name] += len(gone)
        if report.changed or not CourseVersion.objects.filter(pk=1).exists():
            digest = secrets.token_hex(16)
            CourseVersion.objects.update_or_create(pk=1, defaults={"digest": digest})
    forget_course_version()
    return report
