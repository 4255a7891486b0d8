"""The rolling update's steps against upstream's tables.

Transcribed from pkg/controller/deployment/rolling_test.go (kubernetes/kubernetes). Each case
runs one step of the real controller code on ReplicaSets stored in a sandbox's API store, as
upstream runs it against a fake clientset, and reads the replicas the step wrote.
"""

from __future__ import annotations

from typing import Any

import pytest

from learn.sim import Sandbox
from learn.sim.kube.api import Store, copy_of
from learn.sim.kube.controllers import deployment as dep


def _template(labels: dict[str, str]) -> dict[str, Any]:
    return {
        "metadata": {"labels": labels},
        "spec": {"containers": [{"name": "foo", "image": "nginx:1.27"}]},
    }


def _setup(
    replicas: int, surge: Any, unavailable: Any, rss: list[tuple[str, int, int]]
) -> tuple[Store, dep._Sync, list[dict[str, Any]]]:
    """A Deployment `foo` and ReplicaSets (name, spec.replicas, status.availableReplicas),
    each with its own labels so none is the Deployment's new one by accident."""
    store = Store.of(Sandbox.new().world)
    d = store.create(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "foo"},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"foo": "bar"}},
                "strategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
                },
                "template": _template({"foo": "bar"}),
            },
        }
    )
    stored = []
    for name, count, available in rss:
        rs = store.create(
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {"name": name, "labels": {"foo": "bar", "rs": name}},
                "spec": {
                    "replicas": count,
                    "selector": {"matchLabels": {"foo": "bar", "rs": name}},
                    "template": _template({"foo": "bar", "rs": name}),
                },
            }
        )
        with_status = copy_of(rs)
        with_status["status"] = {"replicas": count, "availableReplicas": available}
        stored.append(store.update_status(with_status))
    sync = dep._Sync(store, copy_of(d), stored, {})
    return store, sync, stored


def _replicas(store: Store, name: str) -> int:
    rs = store.require("replicasets", "default", name)
    return int(rs["spec"]["replicas"])


# TestDeploymentController_reconcileNewReplicaSet (5 cases): deployment replicas, maxSurge,
# old replicas, new replicas -> scaled?, new replicas; maxUnavailable 0.
@pytest.mark.parametrize(
    ("replicas", "surge", "old", "new", "scaled", "expected"),
    [
        (10, 0, 10, 0, False, 0),
        (10, 2, 10, 0, True, 2),
        (10, 2, 5, 0, True, 7),
        (10, 2, 10, 2, False, 2),
        (10, 2, 2, 11, True, 10),
    ],
)
def test_reconcile_new_replica_set(
    replicas: int, surge: int, old: int, new: int, scaled: bool, expected: int
) -> None:
    store, sync, (new_rs, old_rs) = _setup(
        replicas, surge, 0, [("foo-v2", new, 0), ("foo-v1", old, 0)]
    )
    assert sync.reconcile_new_rs([new_rs, old_rs], new_rs) is scaled
    assert _replicas(store, "foo-v2") == expected


# TestDeploymentController_reconcileOldReplicaSets (5 cases): deployment replicas,
# maxUnavailable, old replicas, new replicas, available old, available new -> scaled?, old
# replicas after; maxSurge 0.
@pytest.mark.parametrize(
    ("replicas", "unavailable", "old", "new", "old_ready", "new_ready", "scaled", "expected"),
    [
        (10, 0, 10, 0, 10, 0, True, 9),
        (10, 2, 10, 0, 10, 0, True, 8),
        (10, 2, 10, 0, 8, 0, True, 8),
        (10, 2, 10, 0, 9, 0, True, 8),
        (10, 2, 8, 2, 8, 0, False, 8),
    ],
)
def test_reconcile_old_replica_sets(
    replicas: int,
    unavailable: int,
    old: int,
    new: int,
    old_ready: int,
    new_ready: int,
    scaled: bool,
    expected: int,
) -> None:
    store, sync, (old_rs, new_rs) = _setup(
        replicas, 0, unavailable, [("foo-old", old, old_ready), ("foo-new", new, new_ready)]
    )
    assert sync.reconcile_old_rss([old_rs, new_rs], [old_rs], new_rs) is scaled
    # Upstream checks only whether it scaled; the replicas it left are what the steps give.
    assert _replicas(store, "foo-old") == expected


# TestDeploymentController_cleanupUnhealthyReplicas (4 cases): old replicas, available,
# max cleanup -> cleaned up; maxSurge 2, maxUnavailable 2, 10 replicas.
@pytest.mark.parametrize(
    ("old", "ready", "max_cleanup", "expected"),
    [(10, 8, 1, 1), (10, 8, 3, 2), (10, 8, 0, 0), (10, 10, 3, 0)],
)
def test_cleanup_unhealthy_replicas(old: int, ready: int, max_cleanup: int, expected: int) -> None:
    store, sync, (old_rs,) = _setup(10, 2, 2, [("foo-v2", old, ready)])
    _, cleaned = sync.cleanup_unhealthy([old_rs], max_cleanup)
    assert cleaned == expected
    assert _replicas(store, "foo-v2") == old - expected


# TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate (5 cases): deployment
# replicas, maxUnavailable, available, old replicas -> scaled?, old replicas after; maxSurge 0.
@pytest.mark.parametrize(
    ("replicas", "unavailable", "ready", "old", "scaled", "expected"),
    [
        (10, 0, 10, 10, True, 9),
        (10, 2, 10, 10, True, 8),
        (10, 2, 8, 10, False, 10),
        (10, 2, 10, 0, False, 0),
        (10, 2, 1, 10, False, 10),
    ],
)
def test_scale_down_old_replica_sets_for_rolling_update(
    replicas: int, unavailable: int, ready: int, old: int, scaled: bool, expected: int
) -> None:
    store, sync, (old_rs,) = _setup(replicas, 0, unavailable, [("foo-v2", old, ready)])
    count = sync.scale_down_old_for_rolling([old_rs], [old_rs])
    assert (count > 0) is scaled
    assert _replicas(store, "foo-v2") == expected
