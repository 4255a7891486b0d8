"""The controllers' shared helpers against upstream's own tables.

Which Pods a ReplicaSet deletes first, the pod-template-hash, and template equality.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from learn.sim.kube.controllers import util

NOW = 40 * 86_400_000  # ms; any instant well after the epoch
MONTH = 30 * 86_400_000  # metav1.Now().AddDate(0, -1, 0): a month back
HOUR = 3_600_000


def _pod(
    name: str,
    node: str,
    phase: str,
    *,
    ready: bool = False,
    ready_since: int | None = None,
    restarts: tuple[int, ...] = (),
    created: int | None = None,
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if created is not None:
        meta["creationTimestamp"] = util.stamp(created)
    if annotations:
        meta["annotations"] = annotations
    status: dict[str, Any] = {"phase": phase}
    if ready:
        cond: dict[str, Any] = {"type": "Ready", "status": "True"}
        if ready_since is not None:
            cond["lastTransitionTime"] = util.stamp(ready_since)
        status["conditions"] = [cond]
    if restarts:
        status["containerStatuses"] = [{"restartCount": r} for r in restarts]
    return {"metadata": meta, "spec": {"nodeName": node}, "status": status}


# pkg/controller/controller_utils_test.go, TestSortingActivePods ("Sorts by active pod"):
# nine Pods, sorted from any starting order into this order (ActivePods, no ranks).
SORTING_ACTIVE_PODS = [
    _pod("unscheduled", "", "Pending"),
    _pod("scheduledButPending", "bar", "Pending"),
    _pod("unknownPhase", "foo", "Unknown"),
    _pod("runningButNotReady", "foo", "Running"),
    _pod("runningNoLastTransitionTime", "foo", "Running", ready=True, restarts=(3, 0)),
    _pod(
        "runningWithLastTransitionTime",
        "foo",
        "Running",
        ready=True,
        ready_since=NOW,
        restarts=(3, 0),
    ),
    _pod(
        "runningLongerTime", "foo", "Running", ready=True, ready_since=NOW - MONTH, restarts=(3, 0)
    ),
    _pod(
        "lowerContainerRestartCount",
        "foo",
        "Running",
        ready=True,
        ready_since=NOW - MONTH,
        restarts=(2, 1),
        created=NOW,
    ),
    _pod(
        "oldest",
        "foo",
        "Running",
        ready=True,
        ready_since=NOW - MONTH,
        restarts=(2, 1),
        created=NOW - MONTH,
    ),
]


@pytest.mark.parametrize("start", range(20))
def test_sorting_active_pods_gives_upstreams_order_from_any_start(start: int) -> None:
    # Upstream shuffles 20 times with rand.Perm; these are 20 fixed permutations.
    perms = list(itertools.islice(itertools.permutations(range(9)), 0, 362880, 18143))
    shuffled = [SORTING_ACTIVE_PODS[i] for i in perms[start]]
    got = [p["metadata"]["name"] for p in util.sort_active_pods(shuffled)]
    assert got == [p["metadata"]["name"] for p in SORTING_ACTIVE_PODS]


def _ranked(
    name: str,
    node: str,
    phase: str,
    ready: bool,
    restarts: int,
    ready_since: int | None,
    created: int | None,
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The test's `pod(...)` helper: containerStatuses only when ready."""
    return _pod(
        name,
        node,
        phase,
        ready=ready,
        ready_since=ready_since,
        restarts=(restarts,) if ready else (),
        created=created,
        annotations=annotations,
    )


# pkg/controller/controller_utils_test.go, TestSortingActivePodsWithRanks: the Pods.
THEN = NOW - MONTH
P = {
    "unscheduled": _ranked("unscheduled", "", "Pending", False, 0, None, None),
    "pending": _ranked("pending", "node", "Pending", False, 0, None, None),
    "unknown": _ranked("unknown-phase", "node", "Unknown", False, 0, None, None),
    "not-ready": _ranked("not-ready", "node", "Running", False, 0, None, None),
    "ready-no-ltt": _ranked(
        "ready-no-last-transition-time", "node", "Running", True, 0, None, None
    ),
    "ready-now": _ranked("ready-now", "node", "Running", True, 0, NOW, NOW),
    "ready-then": _ranked("ready-then", "node", "Running", True, 0, THEN, THEN),
    "high-restarts": _ranked("ready-high-restarts", "node", "Running", True, 9001, NOW, NOW),
    "now-created-then": _ranked("ready-now-created-then", "node", "Running", True, 0, NOW, THEN),
    "low-cost": _ranked(
        "low-deletion-cost", "node", "Running", True, 0, NOW, THEN, {util.POD_DELETION_COST: "10"}
    ),
    "high-cost": _ranked(
        "high-deletion-cost", "node", "Running", True, 0, NOW, THEN, {util.POD_DELETION_COST: "100"}
    ),
    "unscheduled-5h": _ranked(
        "unscheduled-5-hours", "", "Pending", False, 0, NOW - 5 * HOUR, NOW - 5 * HOUR
    ),
    "unscheduled-8h": _ranked(
        "unscheduled-10-hours", "", "Pending", False, 0, NOW - 8 * HOUR, NOW - 8 * HOUR
    ),
    "ready-2h": _ranked("ready-2-hours", "", "Running", True, 0, NOW - 2 * HOUR, THEN),
    "ready-5h": _ranked("ready-5-hours", "", "Running", True, 0, NOW - 5 * HOUR, THEN),
    "ready-10h": _ranked("ready-10-hours", "", "Running", True, 0, NOW - 8 * HOUR, THEN),
}

# Its equalityTests (11): neither is less than the other at equal ranks.
EQUAL = [
    ("unscheduled", None),
    ("pending", None),
    ("unknown", None),
    ("not-ready", None),
    ("now-created-then", None),
    ("ready-now", None),
    ("ready-then", None),
    ("high-restarts", None),
    ("now-created-then", None),
    ("unscheduled-5h", "unscheduled-8h"),
    ("ready-5h", "ready-10h"),
]


@pytest.mark.parametrize(("p1", "p2"), EQUAL)
def test_active_pods_with_ranks_equal_pairs(p1: str, p2: str | None) -> None:
    a, b = P[p1], P[p2 or p1]
    assert not util.active_pods_less(a, b, rank_i=1, rank_j=1, now=NOW)
    assert not util.active_pods_less(b, a, rank_i=1, rank_j=1, now=NOW)


# Its inequalityTests (16): (lesser, its rank, greater, its rank, pod-deletion-cost enabled).
LESS = [
    ("unscheduled", 1, "pending", 2, True),
    ("unscheduled", 2, "pending", 1, True),
    ("pending", 1, "unknown", 2, True),
    ("unknown", 1, "not-ready", 2, True),
    ("not-ready", 1, "ready-no-ltt", 1, True),
    ("ready-no-ltt", 1, "ready-now", 1, True),
    ("ready-now", 2, "ready-no-ltt", 1, True),
    ("ready-now", 1, "ready-then", 1, True),
    ("ready-now", 2, "ready-then", 1, True),
    ("high-restarts", 1, "ready-now", 1, True),
    ("ready-now", 2, "high-restarts", 1, True),
    ("ready-now", 1, "now-created-then", 1, True),
    ("now-created-then", 2, "ready-now", 1, True),
    ("low-cost", 2, "high-cost", 1, True),
    ("high-cost", 2, "low-cost", 1, False),
    ("ready-2h", 1, "ready-5h", 1, True),
]


@pytest.mark.parametrize(("lesser", "lrank", "greater", "grank", "cost"), LESS)
def test_active_pods_with_ranks_orders_pairs(
    lesser: str, lrank: int, greater: str, grank: int, cost: bool
) -> None:
    a, b = P[lesser], P[greater]
    assert util.active_pods_less(a, b, rank_i=lrank, rank_j=grank, now=NOW, deletion_cost=cost)
    assert not util.active_pods_less(b, a, rank_i=grank, rank_j=lrank, now=NOW, deletion_cost=cost)


# pkg/controller/controller_utils_test.go, TestComputeHash (2 cases): a different collision
# count gives a different hash.
@pytest.mark.parametrize(("count", "other"), [(1, 2), (None, 2**31 - 1)])
def test_compute_hash_depends_on_the_collision_count(count: int | None, other: int) -> None:
    assert util.compute_hash({}, count) != util.compute_hash({}, other)


def test_compute_hash_looks_like_a_pod_template_hash() -> None:
    # SafeEncodeString over the decimal digits of the fnv32a sum: only these ten letters.
    value = util.compute_hash({"metadata": {"labels": {"app": "web"}}}, None)
    assert value == util.compute_hash({"metadata": {"labels": {"app": "web"}}}, None)
    assert set(value) <= set("456789bcdf")
    assert 1 <= len(value) <= 10
    # fnv32a's published test vector (Go's hash/fnv: "a" -> 0xe40c292c).
    assert util.fnv32a(b"a") == 0xE40C292C


def _template(name: str, node: str, annotations: dict[str, str], labels: dict[str, str]) -> Any:
    return {
        "metadata": {"name": name, "annotations": annotations, "labels": labels},
        "spec": {"nodeName": node},
    }


H = util.POD_TEMPLATE_HASH
# pkg/controller/deployment/util/deployment_util_test.go, TestEqualIgnoreHash (10 cases, each
# run in both orders).
EQUAL_IGNORE_HASH = [
    (("foo", "foo-node", {}, {H: "value-1", "something": "else"}), ("foo", "foo-node", {}, {H: "value-1", "something": "else"}), True),
    (("foo", "foo-node", {}, {H: "value-1", "something": "else"}), ("foo", "foo-node", {}, {H: "value-2", "something": "else"}), True),
    (("foo", "foo-node", {}, {"something": "else"}), ("foo", "foo-node", {}, {H: "value-2", "something": "else"}), True),
    (("foo", "foo-node", {}, {"something": "else"}), ("foo", "foo-node", {}, {H: "value-2"}), False),
    (("foo", "foo-node", {}, {H: "value-1"}), ("foo", "foo-node", {}, {"something": "else"}), False),
    (("foo", "foo-node", {}, {H: "value-1"}), ("foo", "foo-node", {}, {H: "value-1", "something": "else"}), False),
    (("foo", "foo-node", {"former": "value"}, {H: "value-1", "something": "else"}), ("foo", "foo-node", {"latter": "value"}, {H: "value-1", "something": "else"}), False),
    (("foo-1", "foo-node", {}, {H: "value-1", "something": "else"}), ("foo-2", "foo-node", {}, {H: "value-2", "something": "else"}), False),
    (("foo-1", "foo-node-1", {}, {"something": "else"}), ("foo-2", "foo-node-2", {}, {H: "value-2", "something": "else"}), False),
    (("foo", "foo-node-1", {}, {"something": "else"}), ("foo", "foo-node-2", {}, {"nothing": "else"}), False),
]  # fmt: skip


@pytest.mark.parametrize(("former", "latter", "expected"), EQUAL_IGNORE_HASH)
def test_equal_ignore_hash(
    former: tuple[Any, ...], latter: tuple[Any, ...], expected: bool
) -> None:
    t1, t2 = _template(*former), _template(*latter)
    assert util.equal_ignore_hash(t1, t2) is expected
    assert util.equal_ignore_hash(t2, t1) is expected
    # Neither template is changed by the comparison.
    assert t1 == _template(*former) and t2 == _template(*latter)


# staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr_test.go, TestGetValueFromIntOrPercent
# (7 cases: 4 values, 3 errors).
@pytest.mark.parametrize(
    ("value", "total", "round_up", "expected"),
    [(123, 0, False, 123), ("90%", 100, True, 90), ("90%", 95, True, 86), ("90%", 95, False, 85)],
)
def test_scaled_value(value: Any, total: int, round_up: bool, expected: int) -> None:
    assert util.scaled_value(value, total, round_up=round_up) == expected


@pytest.mark.parametrize("value", ["%", "90#", "#%"])
def test_scaled_value_refuses_what_is_not_a_percentage(value: str) -> None:
    with pytest.raises(util.IntOrStringError):
        util.scaled_value(value, 100, round_up=False)
