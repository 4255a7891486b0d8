"""Simulated time: timers, and the loop that lets controllers act as time passes.

The simulation is discrete-event. Nothing happens between events:

- A *timer* is something due at a moment: an image pull finishing, a probe period, a back-off
  ending, the node monitor's grace period. Timers are plain data in the state
  (`[at_ms, seq, kind, key, payload]`), dispatched to the handler registered for their `kind`.
- A *reconciler* is a level-triggered control loop (a controller, the scheduler, the kubelet's
  sync): it looks at the state and makes one round of changes toward what it wants, returning
  True if it changed anything. After every command and every timer that changed something,
  the reconcilers run, in their registered order, until none changes anything (a fixpoint),
  as the real controllers converge through their watches.
- An *observer* runs once after each fixpoint and records history (World.record).

Time moves only in `advance` (`sleep`, `kubectl rollout status`, `kubectl wait`, `-w`, ...);
every other command acts at the current instant.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from learn.sim.world import World

Handler = Callable[[World, Any], "bool | None"]
Reconciler = Callable[[World], bool]
Observer = Callable[[World], None]

_HANDLERS: dict[str, Handler] = {}
_RECONCILERS: list[tuple[int, str, Reconciler]] = []
_OBSERVERS: list[tuple[int, str, Observer]] = []

# A fixpoint that takes more rounds than this is a bug in a reconciler (two loops fighting).
MAX_ROUNDS = 200


class SimulationError(RuntimeError):
    """A bug in the simulation itself (never the learner's fault)."""


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs when a timer of `kind` is due.

    It returns False when it changed nothing (so the reconcilers need not run), anything else
    when it may have.
    """

    def register(fn: Handler) -> Handler:
        if kind in _HANDLERS and _HANDLERS[kind] is not fn:
            raise SimulationError(f"two handlers for timer kind {kind!r}")
        _HANDLERS[kind] = fn
        return fn

    return register


def reconciler(order: int) -> Callable[[Reconciler], Reconciler]:
    """Register a control loop; lower `order` runs first within a round."""

    def register(fn: Reconciler) -> Reconciler:
        name = f"{fn.__module__}.{fn.__qualname__}"
        if all(existing != name for _, existing, _ in _RECONCILERS):
            _RECONCILERS.append((order, name, fn))
            _RECONCILERS.sort(key=lambda item: (item[0], item[1]))
        return fn

    return register


def observer(order: int) -> Callable[[Observer], Observer]:
    def register(fn: Observer) -> Observer:
        name = f"{fn.__module__}.{fn.__qualname__}"
        if all(existing != name for _, existing, _ in _OBSERVERS):
            _OBSERVERS.append((order, name, fn))
            _OBSERVERS.sort(key=lambda item: (item[0], item[1]))
        return fn

    return register


def schedule(
    world: World, *, at: int, kind: str, payload: Any = None, key: str | None = None
) -> None:
    """Run the handler for `kind` with `payload` at `at` (ms). A timer with the same `key`
    replaces the earlier one, so "probe container X next at ..." is never queued twice."""
    if kind not in _HANDLERS:
        raise SimulationError(f"no handler for timer kind {kind!r}")
    timers: list[list[Any]] = world.state["timers"]
    if key is not None:
        cancel(world, key=key)
    entry = [max(int(at), world.now), world.counter("timer"), kind, key, payload]
    bisect.insort(timers, entry, key=lambda t: (t[0], t[1]))


def cancel(world: World, *, key: str) -> None:
    timers: list[list[Any]] = world.state["timers"]
    timers[:] = [t for t in timers if t[3] != key]


def cancel_prefix(world: World, prefix: str) -> None:
    """Drop every timer whose key starts with `prefix` (a deleted Pod's probes, say)."""
    timers: list[list[Any]] = world.state["timers"]
    timers[:] = [t for t in timers if not (t[3] or "").startswith(prefix)]


def next_due(world: World) -> int | None:
    timers = world.state["timers"]
    return int(timers[0][0]) if timers else None


def settle(world: World) -> None:
    """Run the reconcilers to a fixpoint at the current instant, then the observers."""
    for _ in range(MAX_ROUNDS):
        changed = False
        for _order, _name, fn in _RECONCILERS:
            if fn(world):
                changed = True
        if not changed:
            break
    else:
        names = ", ".join(name for _, name, _ in _RECONCILERS)
        raise SimulationError(f"controllers did not settle in {MAX_ROUNDS} rounds ({names})")
    for _order, _name, observe in _OBSERVERS:
        observe(world)


def advance(world: World, ms: int, *, until: Callable[[World], bool] | None = None) -> bool:
    """Let `ms` of simulated time pass, running every timer due on the way.

    With `until`, stop at the first moment it holds (checked after each fixpoint) and return
    True; otherwise return False once the time has passed. `kubectl rollout status` waits this
    way, so it ends at the instant the rollout completes, as the real one does.
    """
    target = world.now + max(0, int(ms))
    settle(world)
    if until is not None and until(world):
        return True
    timers: list[list[Any]] = world.state["timers"]
    while timers and timers[0][0] <= target:
        at, _seq, kind, _key, payload = timers.pop(0)
        world.state["now"] = max(world.now, int(at))
        result = _HANDLERS[kind](world, payload)
        if result is False:
            continue
        settle(world)
        if until is not None and until(world):
            return True
    world.state["now"] = target
    settle(world)
    return bool(until is not None and until(world))
