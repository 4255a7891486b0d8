"""The StatefulSet controller (pkg/controller/statefulset/stateful_set_control.go and
stateful_pod_control.go), order 118.

Pods are named `<set>-<ordinal>` (ordinals from `spec.ordinals.start`, default 0) and keep
their name, hostname (`spec.hostname`, with `spec.subdomain` set to `serviceName`) and claims
across restarts. Each of `volumeClaimTemplates` gives every Pod a claim
`<template>-<set>-<ordinal>`, created before the Pod and labelled with the selector's
matchLabels; the Pod mounts it under the template's name.

`podManagementPolicy: OrderedReady` (the default) is monotonic: a Pod is created only once
every lower ordinal is Running and Ready, and scale-down deletes from the highest ordinal,
one at a time, only while the others are Running and Ready. `Parallel` creates and deletes
all at once. A Failed Pod is deleted and created again under the same name.

RollingUpdate (the default) replaces, from the highest ordinal down to `partition`, each Pod
whose `controller-revision-hash` is not the update revision, one at a time once the rest are
Running and Ready; OnDelete leaves them. Revisions are named `<set>-<hash>` from the Pod
template (ControllerRevision objects themselves are not written, so `rollout history sts`
and `rollout undo sts` are not simulated).

`persistentVolumeClaimRetentionPolicy` (default Retain/Retain): with whenDeleted Delete the
claims are owned by the StatefulSet, with whenScaled Delete a condemned Pod's claims are
owned by that Pod, so the garbage collector removes them with their owner.

Events are upstream's recordPodEvent/recordClaimEvent texts: "create Pod web-0 in
StatefulSet web successful", "create Claim data-web-0 Pod web-0 in StatefulSet web success",
"delete Pod web-1 in StatefulSet web successful".
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from learn.sim import clock
from learn.sim.kube import api
from learn.sim.kube.api import ApiError, Store, copy_of
from learn.sim.kube.controllers import util
from learn.sim.world import World

COMPONENT = "statefulset-controller"
HASH_LABEL = "controller-revision-hash"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"

Obj = dict[str, Any]


def revision_of(sts: util.Obj) -> str:
    template = (sts.get("spec") or {}).get("template") or {}
    # The status always carries collisionCount (0 at first); hashing it from the start keeps
    # the revision the same before and after the first status write.
    collisions = int((sts.get("status") or {}).get("collisionCount") or 0)
    return f"{sts['metadata']['name']}-{util.compute_hash(template, collisions)}"


def ordinal_of(sts: util.Obj, pod: util.Obj) -> int | None:
    """getParentNameAndOrdinal: `<set>-<n>`, or None for a Pod not named by this set."""
    prefix = f"{sts['metadata']['name']}-"
    name = str(pod["metadata"].get("name", ""))
    tail = name[len(prefix) :]
    if not name.startswith(prefix) or not tail.isdigit():
        return None
    return int(tail)


def claim_name(template: util.Obj, pod_name: str) -> str:
    return f"{(template.get('metadata') or {}).get('name', '')}-{pod_name}"


def _running_and_ready(pod: util.Obj) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running" and util.is_pod_ready(pod)


class _Sync:
    def __init__(self, store: Store, sts: Obj, pods: list[Any]):
        self.store = store
        self.now = store.world.now
        self.sts = sts
        self.spec: Obj = sts.get("spec") or {}
        self.name = str(sts["metadata"]["name"])
        self.namespace = str(sts["metadata"]["namespace"])
        self.changed = False
        self.revision = revision_of(sts)
        self.start = int(((self.spec.get("ordinals") or {}).get("start")) or 0)
        self.replicas = util.replicas_of(sts)
        self.parallel = self.spec.get("podManagementPolicy") == "Parallel"
        self.pods: dict[int, Any] = {}
        for pod in pods:
            ordinal = ordinal_of(sts, pod)
            if ordinal is not None:
                self.pods[ordinal] = pod

    def event(self, reason: str, message: str, type: str = "Normal") -> None:
        self.store.event(self.sts, type=type, reason=reason, message=message, component=COMPONENT)

    # ------------------------------------------------------------------ pods and claims

    def new_pod(self, ordinal: int) -> Obj:
        template = self.spec.get("template") or {}
        tmeta = template.get("metadata") or {}
        pod_name = f"{self.name}-{ordinal}"
        labels = dict(tmeta.get("labels") or {})
        labels[HASH_LABEL] = self.revision
        labels[POD_NAME_LABEL] = pod_name
        labels[POD_INDEX_LABEL] = str(ordinal)
        meta: Obj = {
            "name": pod_name,
            "namespace": self.namespace,
            "labels": labels,
            "ownerReferences": [api.owner_reference(self.sts)],
        }
        if tmeta.get("annotations"):
            meta["annotations"] = dict(tmeta["annotations"])
        spec = copy_of(template.get("spec") or {})
        spec["hostname"] = pod_name
        if self.spec.get("serviceName"):
            spec["subdomain"] = self.spec["serviceName"]
        volumes = [
            v
            for v in spec.get("volumes") or []
            if not any(
                v.get("name") == (c.get("metadata") or {}).get("name")
                for c in self.spec.get("volumeClaimTemplates") or []
            )
        ]
        for claim in self.spec.get("volumeClaimTemplates") or []:
            volumes.append(
                {
                    "name": (claim.get("metadata") or {}).get("name", ""),
                    "persistentVolumeClaim": {"claimName": claim_name(claim, pod_name)},
                }
            )
        if volumes:
            spec["volumes"] = volumes
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}

    def create_claims(self, pod_name: str) -> bool:
        """createPersistentVolumeClaims: the claims a Pod needs that do not exist yet."""
        selector_labels = (self.spec.get("selector") or {}).get("matchLabels") or {}
        retention = self.spec.get("persistentVolumeClaimRetentionPolicy") or {}
        for template in self.spec.get("volumeClaimTemplates") or []:
            name = claim_name(template, pod_name)
            if self.store.get("persistentvolumeclaims", self.namespace, name) is not None:
                continue
            tmeta = template.get("metadata") or {}
            meta: Obj = {
                "name": name,
                "namespace": self.namespace,
                "labels": {**(tmeta.get("labels") or {}), **selector_labels},
            }
            if tmeta.get("annotations"):
                meta["annotations"] = dict(tmeta["annotations"])
            if retention.get("whenDeleted") == "Delete":
                meta["ownerReferences"] = [api.owner_reference(self.sts, controller=False)]
            claim = {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": meta,
                "spec": copy_of(template.get("spec") or {}),
            }
            try:
                self.store.create(claim)
            except ApiError as exc:
                self.event(
                    "FailedCreate",
                    f"create Claim {name} for Pod {pod_name} in StatefulSet {self.name} "
                    f"failed error: {exc.message}",
                    "Warning",
                )
                return False
            self.event(
                "SuccessfulCreate",
                f"create Claim {name} Pod {pod_name} in StatefulSet {self.name} success",
            )
            self.changed = True
        return True

    def create(self, ordinal: int) -> None:
        pod_name = f"{self.name}-{ordinal}"
        if not self.create_claims(pod_name):
            return
        try:
            pod = self.store.create(self.new_pod(ordinal))
        except ApiError as exc:
            self.event(
                "FailedCreate",
                f"create Pod {pod_name} in StatefulSet {self.name} failed error: {exc.message}",
                "Warning",
            )
            return
        self.pods[ordinal] = pod
        self.event(
            "SuccessfulCreate", f"create Pod {pod_name} in StatefulSet {self.name} successful"
        )
        self.changed = True

    def delete(self, ordinal: int) -> None:
        pod = self.pods[ordinal]
        name = pod["metadata"]["name"]
        try:
            self.pods[ordinal] = self.store.delete("pods", self.namespace, name)
        except ApiError as exc:
            self.event(
                "FailedDelete",
                f"delete Pod {name} in StatefulSet {self.name} failed error: {exc.message}",
                "Warning",
            )
            return
        current = self.store.get("pods", self.namespace, name)
        if current is None:
            del self.pods[ordinal]
        else:
            self.pods[ordinal] = current
        self.event("SuccessfulDelete", f"delete Pod {name} in StatefulSet {self.name} successful")
        self.changed = True

    def own_claims_by(self, pod: util.Obj) -> None:
        """whenScaled Delete: a condemned Pod's claims get the Pod as owner."""
        retention = self.spec.get("persistentVolumeClaimRetentionPolicy") or {}
        if retention.get("whenScaled") != "Delete":
            return
        for template in self.spec.get("volumeClaimTemplates") or []:
            claim = self.store.get(
                "persistentvolumeclaims",
                self.namespace,
                claim_name(template, pod["metadata"]["name"]),
            )
            if claim is None or api.owned_by(claim, pod):
                continue
            new = copy_of(claim)
            new["metadata"]["ownerReferences"] = [
                *(claim["metadata"].get("ownerReferences") or []),
                api.owner_reference(pod, controller=False),
            ]
            self.store.update(new)
            self.changed = True

    # ------------------------------------------------------------------ the sync

    def updated(self, pod: util.Obj) -> bool:
        return (pod["metadata"].get("labels") or {}).get(HASH_LABEL) == self.revision

    def run(self) -> bool:
        if not self.sts["metadata"].get("deletionTimestamp"):
            self.update_replicas()
        self.status()
        return self.changed

    def update_replicas(self) -> None:
        wanted = range(self.start, self.start + self.replicas)
        # Failed Pods go first, to be created again under the same name.
        for ordinal in sorted(self.pods):
            pod = self.pods[ordinal]
            if (pod.get("status") or {}).get("phase") == "Failed" and not pod["metadata"].get(
                "deletionTimestamp"
            ):
                self.delete(ordinal)
        for ordinal in wanted:
            pod = self.pods.get(ordinal)
            if pod is None:
                self.create(ordinal)
                if not self.parallel:
                    return
                continue
            if pod["metadata"].get("deletionTimestamp") and not self.parallel:
                return
            if not _running_and_ready(pod) and not self.parallel:
                return
        condemned = sorted((o for o in self.pods if o not in wanted), reverse=True)
        for ordinal in condemned:
            pod = self.pods[ordinal]
            if pod["metadata"].get("deletionTimestamp"):
                if not self.parallel:
                    return
                continue
            if not self.parallel and any(
                not _running_and_ready(self.pods[o]) for o in self.pods if o != ordinal
            ):
                return
            self.own_claims_by(pod)
            self.delete(ordinal)
            if not self.parallel:
                return
        strategy = self.spec.get("updateStrategy") or {}
        if (strategy.get("type") or "RollingUpdate") != "RollingUpdate":
            return
        partition = int((strategy.get("rollingUpdate") or {}).get("partition") or 0)
        for ordinal in sorted((o for o in wanted if o in self.pods), reverse=True):
            if ordinal - self.start < partition:
                break
            pod = self.pods[ordinal]
            if self.updated(pod):
                continue
            if pod["metadata"].get("deletionTimestamp"):
                return
            if any(not _running_and_ready(self.pods[o]) for o in self.pods if o != ordinal):
                return
            self.delete(ordinal)
            return

    def status(self) -> None:
        min_ready = int(self.spec.get("minReadySeconds") or 0)
        live = [
            p
            for p in (
                self.store.get("pods", self.namespace, p["metadata"]["name"])
                for p in self.pods.values()
            )
            if p is not None
        ]
        old = self.sts.get("status") or {}
        updated = sum(1 for p in live if self.updated(p))
        current_revision = old.get("currentRevision") or self.revision
        if updated == self.replicas and len(live) == self.replicas:
            current_revision = self.revision
        current = sum(
            1
            for p in live
            if (p["metadata"].get("labels") or {}).get(HASH_LABEL) == current_revision
        )
        status: Obj = {
            "availableReplicas": sum(
                1 for p in live if util.is_pod_available(p, min_ready, self.now)
            ),
            "collisionCount": int(old.get("collisionCount") or 0),
            "currentRevision": current_revision,
            "observedGeneration": int(self.sts["metadata"].get("generation", 1)),
            "replicas": len(live),
            "updateRevision": self.revision,
        }
        ready = sum(1 for p in live if util.is_pod_ready(p))
        # Go's omitempty (availableReplicas and replicas have none), as `-o yaml` shows it.
        if current:
            status["currentReplicas"] = current
        if ready:
            status["readyReplicas"] = ready
        if updated:
            status["updatedReplicas"] = updated
        if status != old:
            new = copy_of(self.sts)
            new["status"] = status
            self.store.update_status(new)
            self.changed = True


@clock.reconciler(118)
@util.skip_when_idle("statefulset")
def reconcile(world: World) -> bool:
    store = Store.of(world)
    sets = store.list("statefulsets")
    if not sets:
        return False
    owned: dict[str, list[Any]] = defaultdict(list)
    for pod in store.list("pods"):
        owner = util.controller_uid(pod)
        if owner is not None:
            owned[owner].append(pod)
    changed = False
    for sts in sets:
        if util.selector_is_empty((sts.get("spec") or {}).get("selector")):
            continue
        if _Sync(store, copy_of(sts), owned.get(sts["metadata"]["uid"], [])).run():
            changed = True
    return changed
