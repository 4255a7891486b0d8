"""The DaemonSet controller: one Pod per node the Pod fits, status counts, rolling update.

Expected behaviour and values from kubernetes/kubernetes:
- pkg/controller/daemon/daemon_controller_test.go: TestSimpleDaemonSetLaunchesPods (a Pod
  on every node), TestNodeSelectorDaemonLaunchesPods and TestSelectorDaemonDeletesUnselectedPods
  (only labelled nodes), TestTaintedNodeDaemonDoesNotLaunchIntolerantPods and
  TestTaintedNodeDaemonLaunchesToleratePod, TestUnschedulableNodeDaemonDoesLaunchPod (a
  cordoned node still gets its Pod), TestDaemonKillFailedPods (a Failed Pod is
  replaced, event "Found failed daemon pod ... will try to kill it"; not tested here);
- pkg/controller/daemon/util/daemonset_util_test.go and daemonset_util.go
  (AddOrUpdateDaemonPodTolerations: the six default tolerations, operator Exists, no
  tolerationSeconds; ReplaceDaemonSetPodNodeNameNodeAffinity: matchFields metadata.name);
- pkg/controller/daemon/update_test.go (TestDaemonSetUpdatesPods: maxUnavailable 1 replaces
  one node's Pod at a time);
- pkg/printers/internalversion/printers.go printDaemonSet (NAME DESIRED CURRENT READY
  UP-TO-DATE AVAILABLE NODE SELECTOR AGE);
- staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go (DaemonSetStatusViewer).
"""

from __future__ import annotations

from typing import Any

import yaml

from learn.sim import Sandbox
from learn.sim.kube.api import Store
from learn.sim.kube.controllers import daemonset

# kind's control-plane node carries node-role.kubernetes.io/control-plane:NoSchedule, so a
# DaemonSet without a toleration for it runs on the two workers only.
WORKERS = ["kind-worker", "kind-worker2"]


def _ds(name: str = "agent", **pod_spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {"name": "agent", "image": "busybox:1.36", "command": ["sleep", "3600"]}
                    ],
                    **pod_spec,
                },
            },
        },
    }


def _apply(box: Sandbox, obj: dict[str, Any]) -> None:
    code, out = box.run("kubectl apply -f -", stdin=yaml.safe_dump(obj))
    assert code == 0, out


def _pods(box: Sandbox) -> list[dict[str, Any]]:
    return [p for p in Store.of(box.world).list("pods", "default")]


def _nodes_of(box: Sandbox) -> list[str]:
    return sorted(p["spec"].get("nodeName", "") for p in _pods(box))


def test_a_pod_on_every_node_that_admits_it() -> None:
    box = Sandbox.new()
    _apply(box, _ds())
    box.run("sleep 20")
    assert _nodes_of(box) == WORKERS
    code, out = box.run("kubectl get ds")
    assert code == 0
    assert out.splitlines() == [
        "NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE",
        "agent   2         2         2       2            2           <none>          20s",
    ]


def test_a_toleration_for_the_control_plane_taint_adds_that_node() -> None:
    box = Sandbox.new()
    toleration = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
    _apply(box, _ds(tolerations=[toleration]))
    box.run("sleep 20")
    assert _nodes_of(box) == ["kind-control-plane", *WORKERS]
    status = Store.of(box.world).get("daemonsets", "default", "agent")["status"]
    assert status["desiredNumberScheduled"] == 3
    assert status["numberReady"] == 3


def test_node_selector_limits_the_nodes_and_unlabelling_deletes_the_pod() -> None:
    box = Sandbox.new()
    box.run("kubectl label node kind-worker disk=ssd")
    _apply(box, _ds(nodeSelector={"disk": "ssd"}))
    box.run("sleep 20")
    assert _nodes_of(box) == ["kind-worker"]
    code, out = box.run("kubectl get ds")
    assert out.splitlines()[1].split()[1:7] == ["1", "1", "1", "1", "1", "disk=ssd"]
    box.run("kubectl label node kind-worker disk-")
    box.run("sleep 40")
    assert [p for p in _pods(box) if not p["metadata"].get("deletionTimestamp")] == []
    assert (
        Store.of(box.world).get("daemonsets", "default", "agent")["status"][
            "desiredNumberScheduled"
        ]
        == 0
    )


def test_a_tainted_node_gets_no_pod_unless_tolerated() -> None:
    box = Sandbox.new()
    box.run("kubectl taint node kind-worker2 dedicated=gpu:NoSchedule")
    _apply(box, _ds())
    box.run("sleep 20")
    assert _nodes_of(box) == ["kind-worker"]
    _apply(box, _ds("tolerant", tolerations=[{"key": "dedicated", "operator": "Exists"}]))
    box.run("sleep 20")
    tolerant = [p for p in _pods(box) if p["metadata"]["name"].startswith("tolerant-")]
    assert sorted(p["spec"]["nodeName"] for p in tolerant) == WORKERS


def test_a_cordoned_node_still_runs_its_daemon_pod() -> None:
    box = Sandbox.new()
    box.run("kubectl cordon kind-worker2")
    _apply(box, _ds())
    box.run("sleep 20")
    assert _nodes_of(box) == WORKERS


def test_pods_carry_the_default_tolerations_and_are_pinned_to_their_node() -> None:
    box = Sandbox.new()
    _apply(box, _ds())
    box.run("sleep 5")
    pod = next(p for p in _pods(box) if p["spec"]["nodeName"] == "kind-worker")
    tolerations = pod["spec"]["tolerations"]
    for key, effect in [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ]:
        assert {"key": key, "operator": "Exists", "effect": effect} in tolerations
    assert not any(t.get("tolerationSeconds") for t in tolerations if "not-ready" in t["key"])
    required = pod["spec"]["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ]
    assert required == {
        "nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["kind-worker"]}]}
        ]
    }
    assert pod["metadata"]["labels"]["pod-template-generation"] == "1"
    assert pod["metadata"]["labels"]["controller-revision-hash"]
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "DaemonSet"


def test_host_network_pods_also_tolerate_network_unavailable() -> None:
    spec: dict[str, Any] = {"hostNetwork": True}
    daemonset.add_daemon_tolerations(spec)
    assert {
        "key": "node.kubernetes.io/network-unavailable",
        "operator": "Exists",
        "effect": "NoSchedule",
    } in spec["tolerations"]
    plain: dict[str, Any] = {
        "tolerations": [
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "tolerationSeconds": 5}
        ]
    }
    daemonset.add_daemon_tolerations(plain)
    # A toleration the Pod already has for the same key and effect is kept as written.
    assert [t for t in plain["tolerations"] if t["key"] == "node.kubernetes.io/unreachable"] == [
        {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "tolerationSeconds": 5}
    ]
    assert len(plain["tolerations"]) == 6


def test_a_deleted_pod_comes_back_on_its_node() -> None:
    box = Sandbox.new()
    _apply(box, _ds())
    box.run("sleep 20")
    victim = next(p for p in _pods(box) if p["spec"]["nodeName"] == "kind-worker2")
    box.run(f"kubectl delete pod {victim['metadata']['name']}")
    box.run("sleep 20")
    assert _nodes_of(box) == WORKERS
    assert victim["metadata"]["name"] not in {p["metadata"]["name"] for p in _pods(box)}


def test_rolling_update_replaces_one_node_at_a_time() -> None:
    box = Sandbox.new()
    _apply(box, _ds())
    box.run("sleep 20")
    box.run("kubectl set image ds/agent agent=busybox:1.37")
    box.run("sleep 1")
    images = [
        (p["spec"]["containers"][0]["image"], bool(p["metadata"].get("deletionTimestamp")))
        for p in _pods(box)
    ]
    # maxUnavailable 1, maxSurge 0: one old Pod goes, the other keeps running.
    assert ("busybox:1.36", False) in images
    code, out = box.run("kubectl rollout status ds/agent")
    assert code == 0
    assert out.splitlines()[-1] == 'daemon set "agent" successfully rolled out'
    assert (
        'Waiting for daemon set "agent" rollout to finish: 1 out of 2 new pods have been updated...'
        in out
    )
    live = [p for p in _pods(box) if not p["metadata"].get("deletionTimestamp")]
    assert sorted(p["spec"]["containers"][0]["image"] for p in live) == ["busybox:1.37"] * 2
    assert {p["metadata"]["labels"]["pod-template-generation"] for p in live} == {"2"}


def test_on_delete_keeps_old_pods() -> None:
    box = Sandbox.new()
    obj = _ds()
    obj["spec"]["updateStrategy"] = {"type": "OnDelete"}
    _apply(box, obj)
    box.run("sleep 20")
    box.run("kubectl set image ds/agent agent=busybox:1.37")
    box.run("sleep 30")
    assert sorted(p["spec"]["containers"][0]["image"] for p in _pods(box)) == ["busybox:1.36"] * 2
    assert (
        Store.of(box.world)
        .get("daemonsets", "default", "agent")["status"]
        .get("updatedNumberScheduled", 0)
        == 0
    )


def test_deleting_the_daemonset_removes_its_pods_and_state_round_trips() -> None:
    box = Sandbox.new()
    _apply(box, _ds())
    box.run("sleep 20")
    box = Sandbox.load(box.dump())
    assert box.run("kubectl get ds agent")[1].splitlines()[1].split()[1:6] == ["2"] * 5
    assert box.run("kubectl delete ds agent") == (0, 'daemonset.apps "agent" deleted\n')
    box.run("sleep 40")
    assert _pods(box) == []
