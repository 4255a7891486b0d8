"""The StatefulSet controller: ordered creation, stable names, claims from
volumeClaimTemplates, scale-down from the highest ordinal, rolling update.

Expected behaviour and texts from kubernetes/kubernetes:
- pkg/controller/statefulset/stateful_set_control_test.go: CreatesPods / ScalesUp (OrderedReady
  creates web-1 only once web-0 is Running and Ready), ScalesDown (from the highest ordinal,
  one at a time), ReplacesPods (a deleted Pod comes back under its name), Parallel
  (podManagementPolicy Parallel creates all at once), TestStatefulSetControlRollingUpdate
  (highest ordinal first, partition keeps lower ordinals);
- pkg/controller/statefulset/stateful_pod_control_test.go and stateful_set_utils.go
  (getPersistentVolumeClaimName `<template>-<set>-<ordinal>`, the claim labelled with the
  selector's matchLabels, recordPodEvent "create Pod web-0 in StatefulSet web successful",
  recordClaimEvent "create Claim data-web-0 Pod web-0 in StatefulSet web success", the
  statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index labels, hostname and
  subdomain);
- pkg/apis/apps/validation/validation.go ValidatePodTemplateSpecForStatefulSet (a container
  may mount a volumeClaimTemplate by name);
- pkg/printers/internalversion/printers.go printStatefulSet (NAME READY AGE).
"""

from __future__ import annotations

from typing import Any

import yaml

from learn.sim import Sandbox
from learn.sim.kube.api import Store


def _sts(replicas: int = 2, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web"},
        "spec": {
            "serviceName": "web",
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.27",
                            "volumeMounts": [
                                {"name": "data", "mountPath": "/usr/share/nginx/html"}
                            ],
                        }
                    ]
                },
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}},
                    },
                }
            ],
            **spec,
        },
    }


def _apply(box: Sandbox, obj: dict[str, Any]) -> None:
    code, out = box.run("kubectl apply -f -", stdin=yaml.safe_dump(obj))
    assert code == 0, out


def _live(box: Sandbox) -> dict[str, dict[str, Any]]:
    return {
        p["metadata"]["name"]: p
        for p in Store.of(box.world).list("pods", "default")
        if not p["metadata"].get("deletionTimestamp")
    }


def _ready(pod: dict[str, Any]) -> bool:
    return any(
        c["type"] == "Ready" and c["status"] == "True"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def test_ordered_ready_creates_web_1_only_after_web_0_is_ready() -> None:
    box = Sandbox.new()
    _apply(box, _sts())
    seen_web_1_before_web_0_ready = False
    for _ in range(30):
        box.run("sleep 1")
        pods = _live(box)
        if "web-1" in pods and not _ready(pods["web-0"]):
            seen_web_1_before_web_0_ready = True
        if len(pods) == 2 and all(_ready(p) for p in pods.values()):
            break
    assert not seen_web_1_before_web_0_ready
    assert sorted(_live(box)) == ["web-0", "web-1"]
    code, out = box.run("kubectl get sts")
    assert out.splitlines()[1].split()[:2] == ["web", "2/2"]
    store = Store.of(box.world)
    sts = store.get("statefulsets", "default", "web")
    messages = [e["message"] for e in store.events_for(sts)]
    assert messages == [
        "create Claim data-web-0 Pod web-0 in StatefulSet web success",
        "create Pod web-0 in StatefulSet web successful",
        "create Claim data-web-1 Pod web-1 in StatefulSet web success",
        "create Pod web-1 in StatefulSet web successful",
    ]
    status = sts["status"]
    assert status["replicas"] == 2 and status["readyReplicas"] == 2
    assert status["currentRevision"] == status["updateRevision"]
    assert status["updateRevision"].startswith("web-")


def test_pods_have_stable_identity_and_their_own_bound_claims() -> None:
    box = Sandbox.new()
    _apply(box, _sts())
    box.run("sleep 30")
    store = Store.of(box.world)
    pod = _live(box)["web-1"]
    assert pod["spec"]["hostname"] == "web-1"
    assert pod["spec"]["subdomain"] == "web"
    labels = pod["metadata"]["labels"]
    assert labels["statefulset.kubernetes.io/pod-name"] == "web-1"
    assert labels["apps.kubernetes.io/pod-index"] == "1"
    assert {"name": "data", "persistentVolumeClaim": {"claimName": "data-web-1"}} in pod["spec"][
        "volumes"
    ]
    claim = store.get("persistentvolumeclaims", "default", "data-web-1")
    assert claim["metadata"]["labels"] == {"app": "web"}
    assert claim["status"]["phase"] == "Bound"
    assert (
        claim["metadata"]["annotations"]["volume.kubernetes.io/selected-node"]
        == pod["spec"]["nodeName"]
    )
    # A deleted Pod comes back under the same name, with the same claim.
    box.run("kubectl delete pod web-1")
    box.run("sleep 40")
    again = _live(box)["web-1"]
    assert again["metadata"]["uid"] != pod["metadata"]["uid"]
    assert (
        store.get("persistentvolumeclaims", "default", "data-web-1")["metadata"]["uid"]
        == (claim["metadata"]["uid"])
    )


def test_scale_down_removes_the_highest_ordinal_and_keeps_its_claim() -> None:
    box = Sandbox.new()
    _apply(box, _sts(replicas=3))
    box.run("sleep 40")
    assert sorted(_live(box)) == ["web-0", "web-1", "web-2"]
    box.run("kubectl scale sts web --replicas=1")
    store = Store.of(box.world)
    # One at a time, from the top: web-1 is not deleted while web-2 is still terminating.
    web_2 = store.get("pods", "default", "web-2")
    assert web_2["metadata"].get("deletionTimestamp")
    assert not store.get("pods", "default", "web-1")["metadata"].get("deletionTimestamp")
    box.run("sleep 80")
    assert sorted(_live(box)) == ["web-0"]
    sts = store.get("statefulsets", "default", "web")
    deletes = [e["message"] for e in store.events_for(sts) if e["reason"] == "SuccessfulDelete"]
    assert deletes == [
        "delete Pod web-2 in StatefulSet web successful",
        "delete Pod web-1 in StatefulSet web successful",
    ]
    # persistentVolumeClaimRetentionPolicy defaults to Retain: the claims stay.
    names = {c["metadata"]["name"] for c in Store.of(box.world).list("persistentvolumeclaims")}
    assert names == {"data-web-0", "data-web-1", "data-web-2"}


def test_when_scaled_delete_removes_the_condemned_pods_claim() -> None:
    box = Sandbox.new()
    _apply(
        box,
        _sts(
            persistentVolumeClaimRetentionPolicy={"whenDeleted": "Retain", "whenScaled": "Delete"}
        ),
    )
    box.run("sleep 30")
    box.run("kubectl scale sts web --replicas=1")
    box.run("sleep 60")
    names = {c["metadata"]["name"] for c in Store.of(box.world).list("persistentvolumeclaims")}
    assert names == {"data-web-0"}


def test_parallel_creates_every_pod_at_once() -> None:
    box = Sandbox.new()
    _apply(box, _sts(replicas=3, podManagementPolicy="Parallel"))
    box.run("sleep 1")
    assert sorted(_live(box)) == ["web-0", "web-1", "web-2"]


def test_rolling_update_goes_from_the_highest_ordinal_and_respects_partition() -> None:
    box = Sandbox.new()
    _apply(box, _sts(replicas=3))
    box.run("sleep 40")
    updated = _sts(
        replicas=3, updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 1}}
    )
    updated["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    _apply(box, updated)
    code, out = box.run("kubectl rollout status sts/web")
    assert code == 0
    assert out.splitlines()[-1] == "partitioned roll out complete: 2 new pods have been updated..."
    images = {n: p["spec"]["containers"][0]["image"] for n, p in _live(box).items()}
    assert images == {"web-0": "nginx:1.27", "web-1": "nginx:1.28", "web-2": "nginx:1.28"}
    store = Store.of(box.world)
    sts = store.get("statefulsets", "default", "web")
    deletes = [e["message"] for e in store.events_for(sts) if e["reason"] == "SuccessfulDelete"]
    # The highest ordinal first; web-0 is below the partition and keeps its revision.
    assert deletes == [
        "delete Pod web-2 in StatefulSet web successful",
        "delete Pod web-1 in StatefulSet web successful",
    ]
    assert sts["status"]["currentRevision"] != sts["status"]["updateRevision"]
    assert sts["status"]["updatedReplicas"] == 2


def test_deleting_the_set_removes_its_pods_and_state_round_trips() -> None:
    box = Sandbox.new()
    _apply(box, _sts())
    box.run("sleep 30")
    box = Sandbox.load(box.dump())
    assert box.run("kubectl get sts web")[1].splitlines()[1].split()[:2] == ["web", "2/2"]
    box.run("kubectl delete sts web")
    box.run("sleep 40")
    assert _live(box) == {}


def test_a_replaced_pod_returns_to_the_node_of_its_local_volume() -> None:
    # volume_binding.go Filter: a bound local-path volume's nodeAffinity pins the Pod.
    box = Sandbox.new()
    _apply(box, _sts())
    box.run("sleep 30")
    nodes = {n: p["spec"]["nodeName"] for n, p in _live(box).items()}
    for _ in range(3):
        box.run("kubectl delete pod web-0 web-1")
        box.run("sleep 60")
        assert {n: p["spec"]["nodeName"] for n, p in _live(box).items()} == nodes
