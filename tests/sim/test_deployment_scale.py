"""Scaling a Deployment in the middle of a rollout (proportional scaling across its
ReplicaSets) and cleaning up old ReplicaSets, against upstream's tables
(pkg/controller/deployment/sync_test.go: TestScale, 17 cases;
TestDeploymentController_cleanupDeployment, 6 cases). Each case runs the controller's own
code on ReplicaSets stored in a sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from learn.sim import Sandbox
from learn.sim.kube.api import Store, copy_of
from learn.sim.kube.controllers import deployment as dep

OLDER, OLD, NEW = 0, 1, 2  # creation order: 00:00, 01:00, 02:00


def _template(labels: dict[str, str]) -> dict[str, Any]:
    return {
        "metadata": {"labels": labels},
        "spec": {"containers": [{"name": "foo", "image": "nginx:1.27"}]},
    }


def _deployment(
    replicas: int, surge: int | None = None, unavailable: int | None = None
) -> dict[str, Any]:
    """The test's newDeployment: RollingUpdate with maxSurge 0 and maxUnavailable 0 unless given."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "foo"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"foo": "bar"}},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {
                    "maxSurge": 0 if surge is None else surge,
                    "maxUnavailable": 0 if unavailable is None else unavailable,
                },
            },
            "template": _template({"foo": "bar"}),
        },
    }


# (name, deployment (replicas, surge, unavailable), old deployment (replicas, surge),
#  new RS (name, replicas, created) or None, old RSs [(name, replicas, created)],
#  expected {name: replicas}, desired-replicas annotation overrides)
CASES = [
    ("normal scaling event: 10 -> 12", (12, None, None), (10, None), ("foo-v1", 10, NEW), [], {"foo-v1": 12}, {}),
    ("normal scaling event: 10 -> 5", (5, None, None), (10, None), ("foo-v1", 10, NEW), [], {"foo-v1": 5}, {}),
    ("proportional scaling: 5 -> 10", (10, None, None), (5, None), ("foo-v2", 2, NEW), [("foo-v1", 3, OLD)], {"foo-v2": 4, "foo-v1": 6}, {}),
    ("proportional scaling: 5 -> 3", (3, None, None), (5, None), ("foo-v2", 2, NEW), [("foo-v1", 3, OLD)], {"foo-v2": 1, "foo-v1": 2}, {}),
    ("proportional scaling: 9 -> 4", (4, None, None), (9, None), ("foo-v2", 8, NEW), [("foo-v1", 1, OLD)], {"foo-v2": 4, "foo-v1": 0}, {}),
    ("proportional scaling: 7 -> 10", (10, None, None), (7, None), ("foo-v3", 2, NEW), [("foo-v2", 3, OLD), ("foo-v1", 2, OLDER)], {"foo-v3": 3, "foo-v2": 4, "foo-v1": 3}, {}),
    ("proportional scaling: 13 -> 8", (8, None, None), (13, None), ("foo-v3", 2, NEW), [("foo-v2", 8, OLD), ("foo-v1", 3, OLDER)], {"foo-v3": 1, "foo-v2": 5, "foo-v1": 2}, {}),
    ("leftover distribution: 3 -> 4", (4, None, None), (3, None), ("foo-v3", 1, NEW), [("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], {"foo-v3": 2, "foo-v2": 1, "foo-v1": 1}, {}),
    ("leftover distribution: 3 -> 2", (2, None, None), (3, None), ("foo-v3", 1, NEW), [("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], {"foo-v3": 1, "foo-v2": 1, "foo-v1": 0}, {}),
    ("proportional scaling (no new rs): 4 -> 5", (5, None, None), (4, None), None, [("foo-v2", 2, OLD), ("foo-v1", 2, OLDER)], {"foo-v2": 3, "foo-v1": 2}, {}),
    ("proportional scaling: 6 -> 0", (0, None, None), (6, None), ("foo-v3", 3, NEW), [("foo-v2", 2, OLD), ("foo-v1", 1, OLDER)], {"foo-v3": 0, "foo-v2": 0, "foo-v1": 0}, {}),
    ("proportional scaling: 0 -> 6", (6, None, None), (6, None), ("foo-v3", 0, NEW), [("foo-v2", 0, OLD), ("foo-v1", 0, OLDER)], {"foo-v3": 6, "foo-v2": 0, "foo-v1": 0}, {}),
    ("failed rs update", (5, None, None), (5, None), ("foo-v3", 2, NEW), [("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], {"foo-v3": 2, "foo-v2": 2, "foo-v1": 1}, {"foo-v2": 3}),
    ("deployment with surge pods", (20, 2, None), (10, 2), ("foo-v2", 6, NEW), [("foo-v1", 6, OLD)], {"foo-v2": 11, "foo-v1": 11}, {}),
    ("change both surge and size", (50, 6, None), (10, 3), ("foo-v2", 5, NEW), [("foo-v1", 8, OLD)], {"foo-v2": 22, "foo-v1": 34}, {}),
    ("change both size and template", (14, None, None), (10, None), None, [("foo-v2", 7, NEW), ("foo-v1", 3, OLD)], {"foo-v2": 10, "foo-v1": 4}, {}),
    ("saturated but broken new replica set does not affect old pods", (2, 1, 1), (2, 1), ("foo-v2", 2, NEW), [("foo-v1", 1, OLD)], {"foo-v2": 2, "foo-v1": 1}, {}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "d", "old_d", "new", "olds", "expected", "desired"), CASES)
def test_scale(
    name: str,
    d: tuple[int, int | None, int | None],
    old_d: tuple[int, int | None],
    new: tuple[str, int, int] | None,
    olds: list[tuple[str, int, int]],
    expected: dict[str, int],
    desired: dict[str, int],
) -> None:
    box = Sandbox.new()
    store = Store.of(box.world)
    old_deployment = _deployment(old_d[0], old_d[1])
    old_surge = dep.max_surge(old_deployment)
    wanted = sorted([*olds, *([new] if new else [])], key=lambda r: r[2])
    made: dict[str, dict[str, Any]] = {}
    clock_at = 0
    for rs_name, replicas, created in wanted:
        box.advance(created * 3600 - clock_at)
        clock_at = created * 3600
        labels = {"foo": "bar", "rs": rs_name}
        want = desired.get(rs_name, old_d[0])
        made[rs_name] = store.create(
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "name": rs_name,
                    "labels": labels,
                    "annotations": {
                        dep.DESIRED_REPLICAS: str(want),
                        dep.MAX_REPLICAS: str(want + old_surge),
                    },
                },
                "spec": {
                    "replicas": replicas,
                    "selector": {"matchLabels": labels},
                    "template": _template(labels),
                },
            }
        )
    deployment = store.create(_deployment(*d))
    sync = dep._Sync(store, copy_of(deployment), list(made.values()), {})
    new_rs = made[new[0]] if new else None
    sync.scale(new_rs, [made[o[0]] for o in olds])
    got = {n: store.require("replicasets", "default", n)["spec"]["replicas"] for n in expected}
    assert got == expected, name


# pkg/controller/deployment/sync_test.go, TestDeploymentController_cleanupDeployment (6
# cases): old ReplicaSets (name, spec.replicas, status.replicas, being deleted),
# revisionHistoryLimit -> how many the controller deletes.
CLEANUP = [
    ([("foo-1", 0, 0, False), ("foo-2", 0, 0, False), ("foo-3", 0, 0, False)], 1, 2),
    ([("foo-1", 0, 0, False), ("foo-2", 0, 1, False), ("foo-3", 1, 0, False), ("foo-4", 1, 1, False)], 0, 1),
    ([("foo-1", 0, 0, False), ("foo-2", 0, 0, False)], 0, 2),
    ([("foo-1", 1, 1, False), ("foo-2", 1, 1, False)], 0, 0),
    ([("foo-1", 0, 0, True)], 0, 0),
    ([("foo-1", 0, 0, False), ("foo-2", 0, 0, False), ("foo-3", 0, 0, False)], 2**31 - 1, 0),
]  # fmt: skip


@pytest.mark.parametrize(("olds", "limit", "deletions"), CLEANUP)
def test_cleanup_deployment(
    olds: list[tuple[str, int, int, bool]], limit: int, deletions: int
) -> None:
    box = Sandbox.new()
    store = Store.of(box.world)
    made = []
    for rs_name, spec_replicas, status_replicas, deleting in olds:
        labels = {"foo": "bar", "rs": rs_name}
        rs = store.create(
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {"name": rs_name, "labels": labels, "finalizers": ["example.com/keep"]},
                "spec": {
                    "replicas": spec_replicas,
                    "selector": {"matchLabels": labels},
                    "template": _template(labels),
                },
            }
        )
        with_status = copy_of(rs)
        with_status["status"] = {"replicas": status_replicas, "observedGeneration": 1}
        store.update_status(with_status)
        if deleting:
            store.delete("replicasets", "default", rs_name)
        made.append(store.require("replicasets", "default", rs_name))
    d = _deployment(1)
    d["spec"]["revisionHistoryLimit"] = limit
    deployment = store.create(d)
    sync = dep._Sync(store, copy_of(deployment), list(made), {})
    sync.cleanup(made)
    marked = [
        n
        for n, *_ in olds
        if (store.require("replicasets", "default", n)["metadata"].get("deletionTimestamp"))
    ]
    already = [n for n, *_, deleting in olds if deleting]
    assert len(marked) - len(already) == deletions
