"""A node that stops: NotReady after the grace period, tainted unreachable, its Pods evicted
when their 300 s tolerations run out, replaced elsewhere by their ReplicaSet.

Sources: pkg/controller/nodelifecycle/node_lifecycle_controller.go ("Kubelet stopped posting
node status.", NodeStatusUnknown, MarkPodsNotReady's "Node is not ready"), its defaults
(config/v1alpha1/defaults.go: NodeMonitorGracePeriod 40 s), the taint eviction controller
("Marking for deletion Pod %s"), and plugin/pkg/admission/defaulttolerationseconds (300 s).
"""

from __future__ import annotations

from learn.sim import Sandbox
from learn.sim.kube.api import Store
from learn.sim.kube.controllers import node

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
"""


def test_a_stopped_node_goes_unknown_is_tainted_and_its_pods_are_evicted_after_300_s() -> None:
    box = Sandbox.new()
    store = Store.of(box.world)
    box.run("kubectl apply -f -", stdin=WEB)
    box.run("sleep 30")
    on_worker = [
        p["metadata"]["name"]
        for p in store.list("pods", "default")
        if p["spec"]["nodeName"] == "kind-worker"
    ]
    assert on_worker
    node.stop_node(box.world, "kind-worker")
    box.run("sleep 39")
    assert {
        c["status"] for c in store.require("nodes", "", "kind-worker")["status"]["conditions"]
    } == {"True", "False"}
    box.run("sleep 2")
    worker = store.require("nodes", "", "kind-worker")
    ready = next(c for c in worker["status"]["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "Unknown",
        "NodeStatusUnknown",
        "Kubelet stopped posting node status.",
    )
    assert [(t["key"], t["effect"]) for t in worker["spec"]["taints"]] == [
        ("node.kubernetes.io/unreachable", "NoSchedule"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
    ]
    pod = store.require("pods", "default", on_worker[0])
    assert next(c for c in pod["status"]["conditions"] if c["type"] == "Ready")["status"] == "False"
    assert any(
        e["reason"] == "NodeNotReady" and e["message"] == "Node is not ready"
        for e in store.events_for(pod)
    )
    # Not yet evicted at 299 s after the taint; evicted at 300 s.
    box.run("sleep 298")
    assert not store.require("pods", "default", on_worker[0])["metadata"].get("deletionTimestamp")
    box.run("sleep 2")
    evicted = store.require("pods", "default", on_worker[0])
    assert evicted["metadata"]["deletionTimestamp"]  # Terminating: no kubelet to confirm
    assert any(e["reason"] == "TaintManagerEviction" for e in store.events_for(evicted))
    box.run("sleep 30")
    running = [
        p
        for p in store.list("pods", "default")
        if not p["metadata"].get("deletionTimestamp") and p["status"].get("phase") == "Running"
    ]
    assert len(running) == 2 and all(p["spec"]["nodeName"] == "kind-worker2" for p in running)
    # The node comes back: Ready again, untainted, and its kubelet finishes the deletion.
    node.start_node(box.world, "kind-worker")
    box.run("sleep 5")
    worker = store.require("nodes", "", "kind-worker")
    assert "taints" not in worker["spec"]
    assert (
        next(c for c in worker["status"]["conditions"] if c["type"] == "Ready")["status"] == "True"
    )
    assert store.get("pods", "default", on_worker[0]) is None
