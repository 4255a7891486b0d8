"""The namespace controller (pkg/controller/namespace), order 180.

A deleted Namespace is `Terminating` (the API server sets the phase and keeps it while its
`spec.finalizers` hold `kubernetes`). This controller deletes everything in it, writes the
status conditions upstream's namespaced_resources_deleter.go writes (what is still there,
"Some resources are remaining: pods has 2 resource instances"), and once nothing is left it
finalizes the Namespace, which the API server then removes. Pods that are terminating keep
their Namespace until the kubelet has stopped them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from learn.sim import clock
from learn.sim.kube.api import ApiError, Store, copy_of
from learn.sim.kube.resources import lookup
from learn.sim.world import World


def _contents(store: Store, namespace: str) -> list[tuple[str, str]]:
    """(resource, name) of every object in the namespace: the stored ones and the ones a
    fresh cluster put there (a ServiceAccount, the root CA ConfigMap)."""
    state = store.world.state.get("kube") or {}
    removed = set(state.get("removed") or [])
    out = []
    for key in [*state.get("objects", {}), *store.baseline]:
        if key in removed:
            continue
        parts = key.split("/")
        if len(parts) == 3 and parts[1] == namespace:
            out.append((parts[0], parts[2]))
    return sorted(set(out))


def _condition(kind: str, status: str, reason: str, message: str, at: str) -> dict[str, Any]:
    return {
        "type": kind,
        "status": status,
        "lastTransitionTime": at,
        "reason": reason,
        "message": message,
    }


@clock.reconciler(180)
def reconcile(world: World) -> bool:
    store = Store.of(world)
    changed = False
    for ns in store.list("namespaces"):
        if not ns["metadata"].get("deletionTimestamp"):
            continue
        name = ns["metadata"]["name"]
        for qualified, obj_name in _contents(store, name):
            resource = lookup(qualified.split(".", 1)[0])
            obj = store.get(qualified.split(".", 1)[0], name, obj_name) if resource else None
            if obj is None or obj["metadata"].get("deletionTimestamp"):
                continue
            try:
                store.delete(resource or qualified, name, obj_name)
                changed = True
            except ApiError:
                continue
        remaining = Counter(q for q, _ in _contents(store, name))
        events = (world.state.get("kube") or {}).get("events")
        if remaining:
            at = world.timestamp()
            old = {c["type"]: c for c in (ns.get("status") or {}).get("conditions") or []}
            left = ", ".join(
                f"{q} has {n} resource instances" for q, n in sorted(remaining.items())
            )
            wanted = [
                _condition("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered", at),
                _condition("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions", "All legacy kube types successfully parsed", at),
                _condition("NamespaceDeletionContentFailure", "False", "ContentDeleted", "All content successfully deleted, may be waiting on finalization", at),
                _condition("NamespaceContentRemaining", "True", "SomeResourcesRemain", f"Some resources are remaining: {left}", at),
                _condition("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers", "All content-preserving finalizers finished", at),
            ]  # fmt: skip
            for cond in wanted:
                previous = old.get(cond["type"])
                if previous and previous["status"] == cond["status"]:
                    cond["lastTransitionTime"] = previous["lastTransitionTime"]
            current = store.require("namespaces", "", name)
            if (current.get("status") or {}).get("conditions") != wanted:
                new = copy_of(current)
                new.setdefault("status", {})["conditions"] = wanted
                new["status"]["phase"] = "Terminating"
                store.update_status(new)
                changed = True
            continue
        # Empty: finalize (the API server removes the Namespace with its events).
        current = store.require("namespaces", "", name)
        new = copy_of(current)
        new.setdefault("spec", {})["finalizers"] = []
        store.update(new)
        if isinstance(events, list):
            events[:] = [e for e in events if e["metadata"].get("namespace") != name]
        changed = True
    return changed
