"""The ReplicaSet controller (pkg/controller/replicaset/replica_set.go), order 110.

For each ReplicaSet: claim the Pods it selects (adopt matching orphans, release owned Pods
whose labels no longer match), create or delete Pods until the active ones number
`spec.replicas`, and write the status as upstream's `calculateStatus` does. Which Pods go
first on a scale-down is `getPodsToDelete`: ActivePodsWithRanks, ranked by how many related
Pods share the node (learn/sim/kube/controllers/util.py). Created Pods are named
`<replicaset>-<5 chars>` by the API server's generateName.

Pods it creates go through `Store.create`, so admission defaults and validates them; a
refused Pod becomes a `FailedCreate` event and a `ReplicaFailure` condition, as upstream.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from learn.sim import clock
from learn.sim.kube import api
from learn.sim.kube.api import ApiError, Store, copy_of
from learn.sim.kube.controllers import util
from learn.sim.world import World

COMPONENT = "replicaset-controller"
BURST_REPLICAS = 500  # replicaset controller's burstReplicas


def related_pods(rs: util.Obj, owned_by_rs: dict[str, list[Any]], rss: list[Any]) -> list[Any]:
    """getIndirectlyRelatedPods: the Pods of every ReplicaSet with the same controller."""
    owner = util.controller_uid(rs)
    if owner is None:
        return list(owned_by_rs.get(rs["metadata"]["uid"], []))
    out: list[Any] = []
    for other in rss:
        if util.controller_uid(other) == owner:
            out += owned_by_rs.get(other["metadata"]["uid"], [])
    return out


def pods_to_delete(filtered: list[Any], related: list[Any], diff: int, now: int) -> list[Any]:
    """getPodsToDelete."""
    if diff < len(filtered):
        on_node: dict[str, int] = defaultdict(int)
        for pod in related:
            if util.is_pod_active(pod):
                on_node[(pod.get("spec") or {}).get("nodeName") or ""] += 1
        ranks = [on_node[(p.get("spec") or {}).get("nodeName") or ""] for p in filtered]
        filtered = util.sort_active_pods(filtered, ranks=ranks, now=now)
    return filtered[:diff]


def pod_from_template(rs: util.Obj) -> dict[str, Any]:
    """controller.GetPodFromTemplate."""
    template = (rs.get("spec") or {}).get("template") or {}
    tmeta = template.get("metadata") or {}
    meta: dict[str, Any] = {
        "generateName": f"{rs['metadata']['name']}-",
        "namespace": rs["metadata"].get("namespace", "default"),
        "ownerReferences": [api.owner_reference(rs)],
    }
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    if tmeta.get("finalizers"):
        meta["finalizers"] = list(tmeta["finalizers"])
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": copy_of(template.get("spec") or {}),
    }


def calculate_status(
    rs: util.Obj, filtered: list[Any], now: int, failure: tuple[str, str] | None
) -> dict[str, Any]:
    spec = rs.get("spec") or {}
    template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    min_ready = int(spec.get("minReadySeconds") or 0)
    fully = sum(
        1
        for p in filtered
        if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in template_labels.items())
    )
    ready = sum(1 for p in filtered if util.is_pod_ready(p))
    available = sum(1 for p in filtered if util.is_pod_available(p, min_ready, now))
    status: dict[str, Any] = {"replicas": len(filtered)}
    # Go's omitempty: zero counts are left out, as `kubectl get rs -o yaml` shows them.
    if fully:
        status["fullyLabeledReplicas"] = fully
    if ready:
        status["readyReplicas"] = ready
    if available:
        status["availableReplicas"] = available
    status["observedGeneration"] = int(rs["metadata"].get("generation", 1))
    old_conditions = [
        c for c in (rs.get("status") or {}).get("conditions") or [] if c["type"] != "ReplicaFailure"
    ]
    if failure is not None:
        reason, message = failure
        previous = next(
            (
                c
                for c in (rs.get("status") or {}).get("conditions") or []
                if c["type"] == "ReplicaFailure"
            ),
            None,
        )
        old_conditions.append(
            {
                "type": "ReplicaFailure",
                "status": "True",
                "lastTransitionTime": (previous or {}).get("lastTransitionTime") or util.stamp(now),
                "reason": reason,
                "message": message,
            }
        )
    if old_conditions:
        status["conditions"] = old_conditions
    return status


def _claim(store: Store, rs: util.Obj, pods: list[Any]) -> list[Any]:
    """PodControllerRefManager.ClaimPods: adopt matching orphans, release non-matching."""
    uid = rs["metadata"]["uid"]
    selector = (rs.get("spec") or {}).get("selector")
    out = []
    for pod in pods:
        labels = pod["metadata"].get("labels") or {}
        owner = util.controller_uid(pod)
        matches = util.selector_matches(selector, labels)
        if owner == uid:
            if matches or pod["metadata"].get("deletionTimestamp"):
                out.append(pod)
                continue
            released = copy_of(pod)
            released["metadata"]["ownerReferences"] = [
                r for r in released["metadata"].get("ownerReferences") or [] if r.get("uid") != uid
            ]
            if not released["metadata"]["ownerReferences"]:
                del released["metadata"]["ownerReferences"]
            store.update(released)
        elif owner is None and matches and util.is_pod_active(pod):
            if rs["metadata"].get("deletionTimestamp"):
                continue
            adopted = copy_of(pod)
            adopted["metadata"].setdefault("ownerReferences", []).append(api.owner_reference(rs))
            out.append(store.update(adopted))
    return out


def _sync(store: Store, rs: dict[str, Any], owned: list[Any], related: list[Any]) -> bool:
    world = store.world
    now = world.now
    changed = False
    filtered = [p for p in owned if util.is_pod_active(p)]
    failure: tuple[str, str] | None = None
    if not rs["metadata"].get("deletionTimestamp"):
        diff = len(filtered) - util.replicas_of(rs)
        if diff < 0:
            for _ in range(min(-diff, BURST_REPLICAS)):
                try:
                    pod = store.create(pod_from_template(rs))
                except ApiError as exc:
                    store.event(
                        rs,
                        type="Warning",
                        reason="FailedCreate",
                        message=f"Error creating: {exc.message}",
                        component=COMPONENT,
                    )
                    failure = ("FailedCreate", exc.message)
                    break
                changed = True
                filtered.append(pod)
                store.event(
                    rs,
                    type="Normal",
                    reason="SuccessfulCreate",
                    message=f"Created pod: {pod['metadata']['name']}",
                    component=COMPONENT,
                )
        elif diff > 0:
            for pod in pods_to_delete(filtered, related, min(diff, BURST_REPLICAS), now):
                meta = pod["metadata"]
                try:
                    store.delete("pods", meta["namespace"], meta["name"])
                except ApiError as exc:
                    failure = ("FailedDelete", exc.message)
                    continue
                changed = True
                store.event(
                    rs,
                    type="Normal",
                    reason="SuccessfulDelete",
                    message=f"Deleted pod: {meta['name']}",
                    component=COMPONENT,
                )
            filtered = [
                p
                for p in (
                    store.get("pods", p["metadata"]["namespace"], p["metadata"]["name"])
                    for p in filtered
                )
                if p is not None and util.is_pod_active(p)
            ]
    status = calculate_status(rs, filtered, now, failure)
    if status != rs.get("status"):
        new = copy_of(rs)
        new["status"] = status
        store.update_status(new)
        changed = True
    _requeue_min_ready(world, rs, filtered)
    return changed


def _requeue_min_ready(world: World, rs: util.Obj, filtered: list[Any]) -> None:
    """A ready Pod becomes available minReadySeconds later: wake up then (AddAfter)."""
    min_ready = int((rs.get("spec") or {}).get("minReadySeconds") or 0)
    if min_ready <= 0:
        return
    due = [
        since + min_ready * 1000 + 1
        for p in filtered
        if (since := util.pod_ready_since(p)) is not None
        and not util.is_pod_available(p, min_ready, world.now)
    ]
    key = f"rs-min-ready/{rs['metadata']['uid']}"
    if due:
        clock.schedule(world, at=min(due), kind="controller-wake", key=key)


@clock.handler("controller-wake")
def _wake(world: World, payload: Any) -> None:
    """A controller asked to look again at this moment (the reconcilers run next)."""
    return None


@clock.reconciler(110)
def reconcile(world: World) -> bool:
    store = Store.of(world)
    rss = store.list("replicasets")
    if not rss:
        return False
    pods = store.list("pods")
    owned: dict[str, list[Any]] = defaultdict(list)
    orphans: dict[str, list[Any]] = defaultdict(list)
    for pod in pods:
        owner = util.controller_uid(pod)
        if owner is None:
            orphans[pod["metadata"].get("namespace", "")].append(pod)
        else:
            owned[owner].append(pod)
    changed = False
    claimed: dict[str, list[Any]] = {}
    for rs in rss:
        if util.selector_is_empty((rs.get("spec") or {}).get("selector")):
            continue
        uid = rs["metadata"]["uid"]
        candidates = owned.get(uid, []) + orphans.get(rs["metadata"]["namespace"], [])
        claimed[uid] = _claim(store, rs, candidates)
        taken = {p["metadata"]["name"] for p in claimed[uid]}
        ns = rs["metadata"]["namespace"]
        orphans[ns] = [p for p in orphans.get(ns, []) if p["metadata"]["name"] not in taken]
        if len(claimed[uid]) != len(owned.get(uid, [])):
            changed = True
    for rs in rss:
        uid = rs["metadata"]["uid"]
        if uid not in claimed:
            continue
        current = store.get("replicasets", rs["metadata"]["namespace"], rs["metadata"]["name"])
        if current is None:
            continue
        if _sync(store, current, claimed[uid], related_pods(current, claimed, rss)):
            changed = True
    return changed
