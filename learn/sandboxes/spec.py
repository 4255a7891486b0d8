"""A lesson's `sandbox` block: its starting state and what is wrong with one as written.

The block (lessons/README.md, "Sandbox tasks") holds a task, a `start` mapping and `goals`:

    start:
      files: {web.yaml: "..."}          put in the working directory
      commands: [kubectl apply -f web.yaml]   run before the learner arrives (each must succeed)
      nodes: [{name: kind-worker, cpu: "2", memory: 4Gi}]   the cluster's workers
      images: {...}                      the task's own images (learn/sim/images.py)
      time: 30                           seconds that pass after the commands

`lessons check` builds the starting sandbox of every block, so a setup command that fails or a
goal that is already met before the learner types anything is reported at its line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from learn.sandboxes import goals as goal_kinds
from learn.sim import Sandbox, SandboxError
from learn.sim.world import MAX_SLEEP_SECONDS

START_KEYS = {"files", "commands", "nodes", "images", "time"}
PLAYGROUND = "playground"


class StartFailed(Exception):
    """A setup command of a block did not succeed (reported by `lessons check`)."""


def start_sandbox(key: str, start: Mapping[str, Any]) -> Sandbox:
    """The sandbox a learner finds when they first open (or reset) a block."""
    box = Sandbox.new(
        seed=key,
        nodes=start.get("nodes"),
        images=start.get("images"),
        files=start.get("files"),
    )
    for line in start.get("commands", []):
        code, out = box.run(line)
        if code != 0:
            first = (out.strip().splitlines() or [""])[0]
            raise StartFailed(f"start command {line!r} failed with exit code {code}: {first}")
    if start.get("time"):
        box.advance(float(start["time"]))
    # What the setup typed is not the learner's: their log starts empty.
    box.world.state["log"] = []
    return box


def start_problems(start: Any) -> Iterator[str]:
    if start is None:
        return
    if not isinstance(start, dict):
        yield "start must be a mapping of files, commands, nodes, images and time"
        return
    for key in start:
        if key not in START_KEYS:
            yield f"unknown key {key!r} in start (use {', '.join(sorted(START_KEYS))})"
    files = start.get("files", {})
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in files.items()
    ):
        yield "start.files must map file names to their text"
    commands = start.get("commands", [])
    if not isinstance(commands, list) or not all(isinstance(c, str) for c in commands):
        yield "start.commands must be a list of command lines"
    nodes = start.get("nodes")
    if nodes is not None and (
        not isinstance(nodes, list) or not all(isinstance(n, dict) for n in nodes)
    ):
        yield "start.nodes must be a list of node mappings (learn/sim/kube/bootstrap.py)"
    images = start.get("images")
    if images is not None and not isinstance(images, dict):
        yield "start.images must be a mapping (learn/sim/images.py, task images)"
    time = start.get("time", 0)
    if (
        not isinstance(time, int | float)
        or isinstance(time, bool)
        or not 0 <= time <= MAX_SLEEP_SECONDS
    ):
        yield f"start.time must be seconds from 0 to {MAX_SLEEP_SECONDS}"


def block_problems(key: str, start: Any, goals: Any) -> Iterator[tuple[str, int, str]]:
    """Problems of a block's start and goals as (key, goal index or -1, message); builds the
    starting sandbox to check them."""
    start_errors = [("start", -1, message) for message in start_problems(start)]
    yield from start_errors
    if not isinstance(goals, list) or not goals:
        yield "goals", -1, "a sandbox needs a list of goals"
        return
    goal_errors = False
    for index, goal in enumerate(goals):
        for message in goal_kinds.spec_problems(goal):
            goal_errors = True
            yield "goals", index, f"goal {index + 1}: {message}"
    if start_errors or goal_errors:
        return
    try:
        box = start_sandbox(key, start or {})
    except StartFailed as exc:
        yield "start", -1, str(exc)
        return
    except (SandboxError, ValueError, TypeError, KeyError) as exc:
        yield "start", -1, f"the starting sandbox cannot be made: {exc}"
        return
    results = goal_kinds.evaluate(box, goals)
    if goal_kinds.all_met(results):
        yield "goals", -1, "every goal is already met before the learner types anything"
