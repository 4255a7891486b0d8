"""The ReplicaSet controller in a sandbox: Pods created and deleted to match, which go
first, claiming by labels, and the status it writes (pkg/controller/replicaset)."""

from __future__ import annotations

from typing import Any

from learn.sim import Sandbox, clock
from learn.sim.kube.api import Store, copy_of
from learn.sim.kube.controllers import util


def _rs(name: str = "web", replicas: int = 3, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
            },
            **spec,
        },
    }


# Pods here are bound by hand to nodes the cluster does not have, so no scheduler or kubelet
# touches them and the test decides their state; the one worker is tainted so nothing gets
# scheduled either.
HELD = [{"name": "kind-worker", "taints": [{"key": "hold", "value": "x", "effect": "NoSchedule"}]}]


def _box() -> tuple[Sandbox, Store]:
    box = Sandbox.new(nodes=HELD)
    return box, Store.of(box.world)


def _pods(store: Store) -> list[dict[str, Any]]:
    return [p for p in store.list("pods", "default") if not p["metadata"].get("deletionTimestamp")]


def _as_kubelet(store: Store, pod: dict[str, Any], *, node: str, ready: bool) -> None:
    """What a scheduler and a kubelet would have written: bound, Running, ready or not."""
    bound = copy_of(pod)
    bound["spec"]["nodeName"] = node
    bound = store.update(bound)
    bound = copy_of(bound)
    bound["status"] = {
        "phase": "Running",
        "conditions": [
            {
                "type": "Ready",
                "status": "True" if ready else "False",
                "lastTransitionTime": store.world.timestamp(),
            }
        ],
    }
    store.update_status(bound)


def test_a_replicaset_creates_its_pods_with_generated_names_and_says_so() -> None:
    box, store = _box()
    store.create(_rs())
    clock.settle(box.world)
    pods = _pods(store)
    assert len(pods) == 3
    for pod in pods:
        name = pod["metadata"]["name"]
        assert name.startswith("web-") and len(name) == len("web-") + 5
        assert set(name[4:]) <= set(util.ALPHANUMS)
        ref = pod["metadata"]["ownerReferences"][0]
        assert (ref["kind"], ref["name"], ref["controller"]) == ("ReplicaSet", "web", True)
        assert pod["metadata"]["labels"] == {"app": "web"}
    rs = store.require("replicasets", "default", "web")
    assert rs["status"] == {"replicas": 3, "fullyLabeledReplicas": 3, "observedGeneration": 1}
    messages = sorted(e["message"] for e in store.events_for(rs))
    assert messages == sorted(f"Created pod: {p['metadata']['name']}" for p in pods)
    assert {e["source"]["component"] for e in store.events_for(rs)} == {"replicaset-controller"}


def test_a_deleted_pod_is_replaced() -> None:
    box, store = _box()
    store.create(_rs())
    clock.settle(box.world)
    gone = _pods(store)[0]["metadata"]["name"]
    store.delete("pods", "default", gone)
    clock.settle(box.world)
    names = [p["metadata"]["name"] for p in _pods(store)]
    assert len(names) == 3 and gone not in names


def test_scaling_down_deletes_unscheduled_then_not_ready_then_the_newest_ready() -> None:
    box, store = _box()
    store.create(_rs(replicas=4))
    clock.settle(box.world)
    pods = sorted(_pods(store), key=lambda p: p["metadata"]["name"])
    unscheduled, not_ready, ready_old, ready_new = pods
    _as_kubelet(store, not_ready, node="node-a", ready=False)
    _as_kubelet(store, ready_old, node="node-a", ready=True)
    box.advance(600)  # ready_new becomes ready ten minutes later
    _as_kubelet(store, ready_new, node="node-b", ready=True)
    clock.settle(box.world)

    def scale(n: int) -> set[str]:
        rs = copy_of(store.require("replicasets", "default", "web"))
        rs["spec"]["replicas"] = n
        store.update(rs)
        before = {p["metadata"]["name"] for p in _pods(store)}
        clock.settle(box.world)
        return before - {p["metadata"]["name"] for p in _pods(store)}

    assert scale(3) == {unscheduled["metadata"]["name"]}
    assert scale(2) == {not_ready["metadata"]["name"]}
    # Both ready, each alone on its node: the one ready for less time goes (log2 buckets of
    # 10 minutes and of 0 s differ).
    assert scale(1) == {ready_new["metadata"]["name"]}


def test_a_pod_labelled_out_is_released_and_replaced_and_an_orphan_is_adopted() -> None:
    box, store = _box()
    store.create(_rs())
    clock.settle(box.world)
    pod = copy_of(_pods(store)[0])
    pod["metadata"]["labels"] = {"app": "debug"}
    store.update(pod)
    clock.settle(box.world)
    released = store.require("pods", "default", pod["metadata"]["name"])
    assert "ownerReferences" not in released["metadata"]
    owned = [p for p in _pods(store) if util.controller_uid(p)]
    assert len(owned) == 3

    # Labelled back in, it is adopted, and the extra Pod goes.
    back = copy_of(released)
    back["metadata"]["labels"] = {"app": "web"}
    store.update(back)
    clock.settle(box.world)
    assert len(_pods(store)) == 3
    assert all(util.controller_uid(p) for p in _pods(store))


def test_min_ready_seconds_holds_available_until_it_has_passed() -> None:
    box, store = _box()
    store.create(_rs(replicas=1, minReadySeconds=10))
    clock.settle(box.world)
    _as_kubelet(store, _pods(store)[0], node="node-a", ready=True)
    clock.settle(box.world)
    status = store.require("replicasets", "default", "web")["status"]
    assert status.get("readyReplicas") == 1 and "availableReplicas" not in status
    box.advance(10)  # not yet: available once *more* than 10 s have passed
    assert "availableReplicas" not in store.require("replicasets", "default", "web")["status"]
    box.advance(1)
    assert store.require("replicasets", "default", "web")["status"]["availableReplicas"] == 1
