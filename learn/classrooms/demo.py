"""Synthetic class progress for `seed_demo` and scripts/bench_dashboard.py.

Thousands of answers go in with bulk inserts instead of one attempt_submit per answer (which
would take minutes for a 200-student benchmark). The rows are derived the same way
attempt_submit derives them (learn/progress/services.py): an Attempt per try and a
QuestionState summing them, with the same Leitner scheduling. Never used by a request.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from learn.content.models import Lesson, Question
from learn.progress.models import Attempt, LessonMark, QuestionState
from learn.progress.services import state_record_attempt

WRONG_TEXTS = ["docker images", "kubectl get pods", "not sure", "docker ps -a"]


def answer_for(question: Question, *, right: bool, rng: random.Random) -> dict[str, Any]:
    """An answer that grades as `right` (the same shape grading stores)."""
    data = question.data
    if question.kind in (Question.SINGLE, Question.MULTIPLE):
        keys = [c["key"] for c in data["choices"]]
        correct = [k for k in keys if k in set(data["correct"])]
        if right:
            return {"choices": correct}
        wrong = [k for k in keys if k not in set(correct)]
        if not wrong:  # every choice is right: leaving one out is the mistake
            return {"choices": correct[:-1] or correct}
        # The first wrong choice is the tempting one, so a "most common wrong answer" emerges.
        pick = rng.choices(wrong, weights=[4] + [1] * (len(wrong) - 1))[0]
        chosen = {pick} | ({correct[0]} if question.kind == Question.MULTIPLE else set())
        return {"choices": [k for k in keys if k in chosen]}
    if question.kind == Question.TEXT:
        return {"text": data["display"] if right else rng.choice(WRONG_TEXTS)}
    if question.kind == Question.ORDER:
        order = list(data["correct"])
        if not right:
            i = rng.randrange(len(order) - 1)
            order[i], order[i + 1] = order[i + 1], order[i]
        return {"order": order}
    return {"source": data.get("solution", "") if right else data.get("starter", "")}


def simulate_progress(
    users: Sequence[Any],
    *,
    rng: random.Random,
    now: datetime | None = None,
    everything: bool = False,
) -> int:
    """Give each user a believable history over the active course; returns attempts made.

    Each learner gets a skill (chance of a right answer), a reach (how far along the path)
    and a last day of activity, so a dashboard shows every state: done, in progress, not
    started, idle for days, low accuracy. `everything=True` makes every learner answer every
    question (the benchmark's worst case)."""
    now = now or timezone.now()
    lessons = list(Lesson.objects.in_path_order())
    by_lesson: dict[int, list[Question]] = defaultdict(list)
    for question in Question.objects.active().order_by("position"):
        by_lesson[question.lesson_id].append(question)
    attempts: list[Attempt] = []
    states: list[QuestionState] = []
    marks: list[LessonMark] = []
    for user in users:
        skill = rng.uniform(0.3, 0.95)
        reach = len(lessons) if everything else round(len(lessons) * rng.random() ** 0.8)
        idle = 0 if everything else rng.choice([0, 0, 0, 0, 1, 2, 4, 6, 9])
        last = now - timedelta(days=idle, minutes=rng.randint(1, 300))
        clock = last - timedelta(days=7)
        planned: list[tuple[Question, list[bool]]] = []
        for index, lesson in enumerate(lessons[:reach]):
            questions = by_lesson.get(lesson.pk, [])
            current = index == reach - 1 and not everything
            if not questions and not current:
                marks.append(LessonMark(user=user, lesson=lesson, done_at=clock))
            for position, question in enumerate(questions):
                if current and position and rng.random() < 0.5:
                    break
                results = []
                for attempt in range(4):
                    right = rng.random() < min(skill + 0.2 * attempt, 0.98)
                    results.append(right)
                    if right:
                        break
                planned.append((question, results))
        total = sum(len(r) for _, r in planned) or 1
        step = (last - clock) / total
        for question, results in planned:
            state = QuestionState(user=user, question=question, first_at=clock)
            for right in results:
                clock += step
                answer = answer_for(question, right=right, rng=rng)
                attempts.append(
                    Attempt(
                        user=user,
                        question=question,
                        answer=answer,
                        is_correct=right,
                        created_at=clock,
                    )
                )
                state_record_attempt(state, answer=answer, is_correct=right, now=clock)
            states.append(state)
    with transaction.atomic():
        Attempt.objects.bulk_create(attempts, batch_size=2000)
        QuestionState.objects.bulk_create(states, batch_size=2000)
        LessonMark.objects.bulk_create(marks, batch_size=2000)
    return len(attempts)


def write_synthetic_course(
    root: Path, *, modules: int = 5, lessons: int = 6, questions: int = 4
) -> None:
    """A course of the given size in `root` (for benchmarks and tests that need a full-size
    course whatever state lessons/ is in): every question kind, one reading-only lesson per
    module."""
    kinds = ["single", "multiple", "text", "order"]
    for m in range(1, modules + 1):
        folder = root / f"{m:02d}-module-{m}"
        folder.mkdir(parents=True)
        (folder / "module.yaml").write_text(f"title: Module {m}\nsummary: Synthetic.\n")
        for n in range(1, lessons + 1):
            body = [f"---\ntitle: Lesson {m}.{n}\nminutes: 8\n---\n\n## Part {n}\n\nText.\n"]
            count = 0 if n == lessons else questions
            for q in range(1, count + 1):
                key = f"m{m}-l{n}-q{q}"
                kind = kinds[(q - 1) % len(kinds)]
                body.append(f"\n```quiz\nid: {key}\nkind: {kind}\nprompt: Question {key}?\n")
                if kind == "single":
                    body.append(
                        "choices:\n  - text: Right\n    correct: true\n  - text: Tempting\n"
                        "  - text: Wrong\n"
                    )
                elif kind == "multiple":
                    body.append(
                        "choices:\n  - text: One\n    correct: true\n  - text: Two\n"
                        "    correct: true\n  - text: Three\n"
                    )
                elif kind == "text":
                    body.append("answers:\n  - docker ps\n")
                else:
                    body.append("steps:\n  - build\n  - push\n  - deploy\n")
                body.append("explanation: Because it is.\n```\n")
            (folder / f"{n:02d}-lesson-{m}-{n}.md").write_text("".join(body))
