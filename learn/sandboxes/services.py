"""Writes to sandboxes. One command is one transaction under the session's row lock: load the
simulation, let the real time since the last command pass (capped), run, check the goals,
store. Two tabs typing at once queue on the lock, so nothing is lost and no command sees half
of another.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from learn.content.models import Question
from learn.progress.learner import Learner
from learn.progress.services import attempt_submit
from learn.sandboxes import goals as goal_kinds
from learn.sandboxes.models import SandboxSession
from learn.sandboxes.spec import PLAYGROUND, start_sandbox
from learn.sim import Sandbox, SandboxError
from learn.sim.world import MAX_COMMAND_BYTES, MAX_STATE_BYTES, World

logger = logging.getLogger(__name__)

# What the terminal shows: the last lines of output. Older entries keep their command, exit
# code and time (the instructor's transcript) but drop their output.
SHOWN_LINES = 200
MAX_TRANSCRIPT = 1000
# Real seconds between two commands become simulated seconds, up to this: a learner who
# deletes a Pod and looks again a few seconds later sees what a real cluster would show, and
# one who comes back tomorrow does not make a day pass.
MAX_IDLE_SECONDS = 120
RATE_PER_SECOND = 5


class SandboxRefused(Exception):
    """The command was not run and nothing was stored; `message` says why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class RunResult:
    session: SandboxSession
    box: Sandbox
    code: int
    output: str
    goals: list[goal_kinds.GoalResult]
    just_met: bool


def start_state(question: Question | None) -> dict[str, Any]:
    """The starting state of a block (or of the playground), built once and cached: building
    runs the block's setup commands through the simulation."""
    if question is None:
        return Sandbox.new(seed=PLAYGROUND).dump()
    start = question.data.get("start") or {}
    digest = hashlib.sha256(json.dumps(start, sort_keys=True).encode()).hexdigest()[:16]
    key = f"sandbox-start:{question.key}:{digest}"
    state = cache.get(key)
    if state is None:
        state = start_sandbox(question.key, start).dump()
        cache.set(key, state, timeout=24 * 3600)
    return dict(state)


def _rate_limited(learner: Learner) -> bool:
    """More than RATE_PER_SECOND commands in the last second from this learner (all tabs;
    across processes when the cache is shared). A sliding window: the learner's recent
    command times, kept in the cache for a second."""
    if settings.BENCH_VIEWS:
        # The load benchmark (scripts/loadtest.py, LEARN_BENCH=1) drives each learner back to
        # back to measure the server at saturation; everywhere else the limit holds.
        return False
    who = learner.user_id if learner.user_id is not None else learner.anon_key
    key = f"sandbox-rate:{who}"
    now = timezone.now().timestamp()
    recent = [t for t in cache.get(key, []) if now - t < 1.0]
    if len(recent) >= RATE_PER_SECOND:
        return True
    cache.set(key, [*recent, now], timeout=2)
    return False


def _locked_session(*, learner: Learner, slot: str, question: Question | None) -> SandboxSession:
    rows = SandboxSession.objects.select_for_update().filter(learner.q(), slot=slot)
    session = rows.first()
    if session is not None:
        return session
    try:
        with transaction.atomic():
            return SandboxSession.objects.create(
                **learner.owner(), slot=slot, question=question, state=start_state(question)
            )
    except IntegrityError:
        return rows.get()


def _trim(transcript: list[dict[str, Any]]) -> None:
    """Keep outputs only for the entries inside the last SHOWN_LINES lines."""
    lines = 0
    for entry in reversed(transcript):
        if entry.get("o") is None:
            break
        lines += entry["o"].count("\n") + 1
        if lines > SHOWN_LINES:
            entry["o"] = None
    del transcript[:-MAX_TRANSCRIPT]


def _kept(box: Sandbox) -> dict[str, Any]:
    """The state to store, refused (with nothing stored) when Sandbox.load would refuse it."""
    state = box.dump()
    try:
        World.unpack(state)  # the size checks load() makes, packed and unpacked
    except SandboxError:
        raise SandboxRefused(
            f"The sandbox would grow too large to keep (at most {MAX_STATE_BYTES // 1024} KB); "
            "nothing was stored. Delete some files or objects, or press Reset."
        ) from None
    return state


def _goals_of(question: Question | None) -> list[dict[str, Any]]:
    return list(question.data.get("goals") or []) if question is not None else []


def _reached(
    session: SandboxSession,
    question: Question | None,
    learner: Learner,
    results: list[goal_kinds.GoalResult],
    now: datetime,
) -> bool:
    """Record a first arrival at the goals as a right answer, as any question's would be."""
    if question is None or session.goal_met_at is not None or not goal_kinds.all_met(results):
        return False
    session.goal_met_at = now
    attempt_submit(
        learner=learner,
        question=question,
        answer={"commands": [entry["c"] for entry in session.transcript][-50:]},
        is_correct=True,
        feedback={"goals": [{"text": r.text, "met": r.met} for r in results]},
    )
    return True


def sandbox_run(
    *, learner: Learner, slot: str, question: Question | None, command: str
) -> RunResult:
    if not learner.is_known:
        raise ValueError("a sandbox needs a learner (an account or an anonymous key)")
    if len(command.encode()) > MAX_COMMAND_BYTES:
        raise SandboxRefused(
            f"That command is longer than {MAX_COMMAND_BYTES // 1024} KB; nothing was run."
        )
    if _rate_limited(learner):
        raise SandboxRefused(
            f"Slow down: at most {RATE_PER_SECOND} commands a second. Nothing was run; "
            "wait a moment and press Run again.",
            status=429,
        )
    now = timezone.now()
    with transaction.atomic():
        session = _locked_session(learner=learner, slot=slot, question=question)
        box = Sandbox.load(session.state)
        idle = (now - session.updated_at).total_seconds()
        if session.commands and idle > 0:
            box.advance(min(idle, MAX_IDLE_SECONDS))
        try:
            code, output = box.run(command)
        except Exception:
            # A fault in the simulation, never the learner's: say so and store nothing.
            logger.exception("sandbox %s: the simulation failed on %r", slot, command)
            raise SandboxRefused(
                "The sandbox could not run that command (a fault in the simulation, which "
                "has been logged). Nothing was stored; try another command or press Reset."
            ) from None
        session.state = _kept(box)
        session.transcript.append({"c": command, "x": code, "t": now.isoformat(), "o": output})
        _trim(session.transcript)
        session.commands += 1
        session.updated_at = now
        results = goal_kinds.evaluate(box, _goals_of(question))
        just_met = _reached(session, question, learner, results, now)
        session.save()
    return RunResult(session, box, code, output, results, just_met)


def sandbox_reset(*, learner: Learner, slot: str, question: Question | None) -> SandboxSession:
    """Back to the starting state. The transcript keeps what was typed (with a marker); a goal
    once reached stays reached, as a right answer does."""
    now = timezone.now()
    with transaction.atomic():
        session = _locked_session(learner=learner, slot=slot, question=question)
        session.state = start_state(question)
        session.transcript.append(
            {
                "c": "# reset",
                "x": 0,
                "t": now.isoformat(),
                "o": "The sandbox is back at its start.\n",
            }
        )
        _trim(session.transcript)
        session.updated_at = now
        session.save()
    return session


def sandbox_put_file(
    *, learner: Learner, slot: str, question: Question | None, path: str, text: str
) -> SandboxSession:
    """Save a file from the editor into the sandbox's working directory."""
    with transaction.atomic():
        session = _locked_session(learner=learner, slot=slot, question=question)
        box = Sandbox.load(session.state)
        try:
            box.put(path, text.replace("\r\n", "\n"))
        except SandboxError as exc:
            raise SandboxRefused(f"{exc}. Nothing was saved.") from None
        session.state = _kept(box)
        session.save(update_fields=["state"])
    return session


def sandbox_merge(*, anon_key: str, user_id: int) -> int:
    """An anonymous visitor's sandboxes follow them into their account at login or signup.
    Where both have one for the same block, the one used last is kept. Returns how many moved."""
    if not anon_key:
        return 0
    moved = 0
    with transaction.atomic():
        theirs = list(
            SandboxSession.objects.select_for_update().filter(user__isnull=True, anon_key=anon_key)
        )
        mine = {
            s.slot: s
            for s in SandboxSession.objects.select_for_update().filter(
                user_id=user_id, slot__in=[s.slot for s in theirs]
            )
        }
        for session in theirs:
            existing = mine.get(session.slot)
            if existing is not None and existing.updated_at >= session.updated_at:
                session.delete()
                continue
            if existing is not None:
                existing.delete()
            session.user_id, session.anon_key = user_id, ""
            session.save(update_fields=["user", "anon_key"])
            moved += 1
    return moved
