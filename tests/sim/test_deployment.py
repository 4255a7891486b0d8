"""Deployments in a sandbox, end to end: the controller, the ReplicaSet controller, the
scheduler and the kubelet together, driven the way a learner drives them.

Expected reasons and messages are upstream's (pkg/controller/deployment/util/
deployment_util.go and progress.go): NewReplicaSetCreated "Created new replica set %q",
ReplicaSetUpdated "ReplicaSet %q is progressing.", NewReplicaSetAvailable "ReplicaSet %q has
successfully progressed.", ProgressDeadlineExceeded "ReplicaSet %q has timed out
progressing.", MinimumReplicasAvailable "Deployment has minimum availability.", and the
event "Scaled up replica set %s from %d to %d" (sync.go).
"""

from __future__ import annotations

from typing import Any

from learn.sim import Sandbox
from learn.sim.kube.api import Store, copy_of
from learn.sim.kube.controllers import deployment as dep

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        readinessProbe:
          httpGet: {path: /, port: 80}
          periodSeconds: 2
"""


def _box(text: str = WEB) -> tuple[Sandbox, Store]:
    box = Sandbox.new()
    code, out = box.run("kubectl apply -f -", stdin=text)
    assert code == 0, out
    return box, Store.of(box.world)


def _d(store: Store) -> dict[str, Any]:
    return dict(store.require("deployments", "default", "web"))


def _conditions(store: Store) -> dict[str, tuple[str, str, str]]:
    return {
        c["type"]: (c["status"], c["reason"], c["message"])
        for c in _d(store)["status"].get("conditions") or []
    }


def _rs_by_revision(store: Store) -> dict[str, tuple[str, int]]:
    return {
        rs["metadata"]["annotations"][dep.REVISION]: (
            rs["metadata"]["name"],
            rs["spec"]["replicas"],
        )
        for rs in store.list("replicasets", "default")
    }


def _update(store: Store, change: Any) -> None:
    d = copy_of(_d(store))
    change(d)
    store.update(d)


def test_a_new_deployment_creates_one_replicaset_named_by_its_pod_template_hash() -> None:
    box, store = _box()
    (rs,) = store.list("replicasets", "default")
    pod_hash = rs["metadata"]["labels"]["pod-template-hash"]
    assert rs["metadata"]["name"] == f"web-{pod_hash}"
    assert set(pod_hash) <= set("456789bcdf")
    assert rs["spec"]["selector"]["matchLabels"] == {"app": "web", "pod-template-hash": pod_hash}
    assert rs["metadata"]["annotations"] == {
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
        "deployment.kubernetes.io/revision": "1",
    }
    assert _d(store)["metadata"]["annotations"][dep.REVISION] == "1"
    progressing = _conditions(store)["Progressing"]
    assert progressing[0] == "True"
    assert progressing[1] in {"NewReplicaSetCreated", "ReplicaSetUpdated"}
    box.run("sleep 30")
    assert _conditions(store) == {
        "Available": ("True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        "Progressing": (
            "True",
            "NewReplicaSetAvailable",
            f'ReplicaSet "web-{pod_hash}" has successfully progressed.',
        ),
    }
    status = _d(store)["status"]
    assert {
        k: status.get(k)
        for k in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas")
    } == {
        "replicas": 3,
        "updatedReplicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
    }
    assert "unavailableReplicas" not in status


def test_a_rolling_update_never_has_fewer_than_the_minimum_available() -> None:
    box, store = _box(WEB.replace("replicas: 3", "replicas: 4"))
    box.run("sleep 30")
    box.run("kubectl set image deployment/web web=nginx:1.28")
    surge, unavailable = 1, 1  # 25% of 4, rounded up and down
    lowest, highest = 4, 4
    for _ in range(120):
        box.advance(0.5)
        rss = store.list("replicasets", "default")
        available = sum(rs.get("status", {}).get("availableReplicas", 0) for rs in rss)
        total = sum(rs["spec"]["replicas"] for rs in rss)
        lowest, highest = min(lowest, available), max(highest, total)
    assert lowest >= 4 - unavailable
    assert highest <= 4 + surge
    assert sorted(_rs_by_revision(store)) == ["1", "2"]
    assert _rs_by_revision(store)["1"][1] == 0 and _rs_by_revision(store)["2"][1] == 4


def test_rollout_undo_gives_the_old_replicaset_the_next_revision_and_keeps_its_history() -> None:
    box, store = _box()
    box.run("sleep 30")
    box.run("kubectl set image deployment/web web=nginx:1.28")
    box.run("kubectl rollout status deployment/web")
    first = _rs_by_revision(store)["1"][0]
    code, out = box.run("kubectl rollout undo deployment/web")
    assert code == 0, out
    box.run("kubectl rollout status deployment/web")
    by_revision = _rs_by_revision(store)
    assert by_revision["3"] == (first, 3)
    old = store.require("replicasets", "default", first)
    assert old["metadata"]["annotations"][dep.REVISION_HISTORY] == "1"
    assert _d(store)["metadata"]["annotations"][dep.REVISION] == "3"


def test_recreate_removes_every_old_pod_before_the_first_new_one() -> None:
    box, store = _box(WEB.replace("  selector:", "  strategy: {type: Recreate}\n  selector:"))
    box.run("sleep 30")
    box.run("kubectl set image deployment/web web=nginx:1.28")
    both = False
    for _ in range(60):
        box.advance(0.5)
        images = {p["spec"]["containers"][0]["image"] for p in store.list("pods", "default")}
        both = both or images == {"nginx:1.27", "nginx:1.28"}
    assert not both
    assert {p["spec"]["containers"][0]["image"] for p in store.list("pods", "default")} == {
        "nginx:1.28"
    }


def test_a_paused_deployment_does_not_roll_out_until_resumed() -> None:
    box, store = _box()
    box.run("sleep 30")
    _update(store, lambda d: d["spec"].update(paused=True))
    box.advance(0)
    assert _conditions(store)["Progressing"] == (
        "Unknown",
        "DeploymentPaused",
        "Deployment is paused",
    )
    box.run("kubectl set image deployment/web web=nginx:1.28")
    box.run("sleep 30")
    assert len(store.list("replicasets", "default")) == 1
    _update(store, lambda d: d["spec"].update(paused=False))
    box.run("sleep 60")
    assert sorted(_rs_by_revision(store)) == ["1", "2"]


def test_a_rollout_that_cannot_progress_times_out_with_progress_deadline_exceeded() -> None:
    box, store = _box(WEB.replace("replicas: 3", "replicas: 2\n  progressDeadlineSeconds: 30"))
    box.run("sleep 30")
    box.run("kubectl set image deployment/web web=nginx:9.99-nope")
    box.run("sleep 25")
    assert _conditions(store)["Progressing"][1] == "ReplicaSetUpdated"
    box.run("sleep 20")
    status, reason, message = _conditions(store)["Progressing"]
    new_rs = _rs_by_revision(store)["2"][0]
    assert (status, reason) == ("False", "ProgressDeadlineExceeded")
    assert message == f'ReplicaSet "{new_rs}" has timed out progressing.'
    # The old Pods still serve: maxUnavailable 25% of 2 rounds down to 0.
    assert _conditions(store)["Available"][0] == "True"


def test_revision_history_limit_deletes_the_oldest_empty_replicasets() -> None:
    box, store = _box(WEB.replace("replicas: 3", "replicas: 1\n  revisionHistoryLimit: 1"))
    box.run("sleep 30")
    for tag in ("1.28", "1.29", "1.30"):
        box.run(f"kubectl set image deployment/web web=nginx:{tag}")
        box.run("kubectl rollout status deployment/web")
    assert sorted(_rs_by_revision(store)) == ["3", "4"]


def test_scaling_a_deployment_scales_its_replicaset_and_records_the_event() -> None:
    box, store = _box()
    box.run("sleep 30")
    code, out = box.run("kubectl scale deployment/web --replicas=5")
    assert code == 0, out
    (rs,) = store.list("replicasets", "default")
    assert rs["spec"]["replicas"] == 5
    assert rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] == "5"
    messages = [e["message"] for e in store.events_for(_d(store))]
    assert messages[-1] == f"Scaled up replica set {rs['metadata']['name']} from 3 to 5"
