"""Reads for the terminal: a learner's sessions (one query) and what a block shows."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.urls import reverse

from learn.content.models import Question
from learn.progress.learner import Learner
from learn.sandboxes import goals as goal_kinds
from learn.sandboxes.models import SandboxSession
from learn.sandboxes.picture import Scene, scene
from learn.sandboxes.services import start_state
from learn.sandboxes.spec import PLAYGROUND
from learn.sim import Sandbox


@dataclass
class SandboxView:
    slot: str
    question: Question | None
    entries: list[dict[str, Any]]  # the transcript entries whose output is still shown
    goals: list[goal_kinds.GoalResult]
    reached: bool
    files: dict[str, str]
    scene: Scene
    commands: int = 0
    message: str = ""  # a refusal to show above the log (rate limit, too long, ...)
    history: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.question.anchor if self.question is not None else f"sb-{self.slot}"

    @property
    def dom_id(self) -> str:
        return f"sb-{self.slot}"

    @cached_property
    def url(self) -> dict[str, str]:
        return {a: reverse(f"sandbox_{a}", args=[self.slot]) for a in ("run", "reset", "files")}

    @property
    def history_json(self) -> str:
        return json.dumps(self.history)


def shown(entry: dict[str, Any]) -> dict[str, Any]:
    """A transcript entry as the log prints it: its output ends with a newline."""
    out = entry.get("o") or ""
    if out and not out.endswith("\n"):
        out += "\n"
    return {"c": entry["c"], "x": entry["x"], "o": out}


def sessions_for(learner: Learner, slots: Iterable[str]) -> dict[str, SandboxSession]:
    wanted = list(slots)
    if not learner.is_known or not wanted:
        return {}
    rows = SandboxSession.objects.filter(learner.q(), slot__in=wanted)
    return {row.slot: row for row in rows}


def session_for(learner: Learner, slot: str) -> SandboxSession | None:
    return sessions_for(learner, [slot]).get(slot)


def sandbox_view(
    *,
    question: Question | None,
    session: SandboxSession | None,
    box: Sandbox | None = None,
    message: str = "",
) -> SandboxView:
    slot = question.key if question is not None else PLAYGROUND
    if box is None:
        box = Sandbox.load(session.state if session is not None else start_state(question))
    transcript = session.transcript if session is not None else []
    entries = [shown(e) for e in transcript if e.get("o") is not None]
    goals_list = list(question.data.get("goals") or []) if question is not None else []
    results = goal_kinds.evaluate(box, goals_list)
    return SandboxView(
        slot=slot,
        question=question,
        entries=entries,
        goals=results,
        reached=session is not None and session.goal_met_at is not None,
        files=dict(sorted(box.files.items())),
        scene=scene(box),
        commands=session.commands if session is not None else 0,
        message=message,
        history=[e["c"] for e in transcript if not e["c"].startswith("# ")][-50:],
    )


def student_sandboxes(user_id: int) -> list[SandboxSession]:
    """A student's sandboxes for their instructor's read-only page, in course order (the
    playground last); one query. The caller has passed the classroom's access gate."""
    rows = (
        SandboxSession.objects.filter(user_id=user_id)
        .select_related("question__lesson")
        .defer("state")
    )
    return sorted(
        rows,
        key=lambda s: (
            s.question is None,
            s.question.lesson.position if s.question else 0,
            s.question.position if s.question else 0,
        ),
    )
