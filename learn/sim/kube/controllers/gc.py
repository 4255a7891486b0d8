"""The garbage collector (pkg/controller/garbagecollector), order 190.

Dependents are found through their `metadata.ownerReferences`:

- a dependent whose owners are all gone is deleted (background propagation); one with some
  owners left only loses the references to the gone ones;
- an owner deleted with `propagationPolicy: Foreground` carries the `foregroundDeletion`
  finalizer: its dependents are deleted first (in the foreground too), and the owner goes
  once no dependent that blocks its deletion (`blockOwnerDeletion`) is left;
- an owner deleted with `propagationPolicy: Orphan` carries the `orphan` finalizer: its
  dependents lose their reference to it and stay, then the owner goes.

An owner reference names its owner by kind and name in the dependent's namespace (or none,
for cluster-scoped owners) and is only satisfied by that uid, as upstream's
`attemptToDeleteItem` checks.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from learn.sim import clock
from learn.sim.kube.api import ApiError, Store, copy_of
from learn.sim.kube.resources import by_kind
from learn.sim.world import World

FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"


def _resource_name(obj: dict[str, Any]) -> str | None:
    res = by_kind(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
    return res.name if res is not None else None


def _fresh(store: Store, obj: dict[str, Any]) -> dict[str, Any] | None:
    name = _resource_name(obj)
    if name is None:
        return None
    meta = obj["metadata"]
    current = store.get(name, meta.get("namespace", ""), meta["name"])
    if current is None or current["metadata"].get("uid") != meta.get("uid"):
        return None
    return current


def _owner(store: Store, dependent: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any] | None:
    res = by_kind(str(ref.get("apiVersion", "")), str(ref.get("kind", "")))
    if res is None:
        return None
    ns = dependent["metadata"].get("namespace", "") if res.namespaced else ""
    owner = store.get(res, ns, str(ref.get("name", "")))
    if owner is None or owner["metadata"].get("uid") != ref.get("uid"):
        return None
    return owner


def _delete(store: Store, obj: dict[str, Any], propagation: str) -> bool:
    name = _resource_name(obj)
    if name is None or obj["metadata"].get("deletionTimestamp"):
        return False
    try:
        store.delete(
            name,
            obj["metadata"].get("namespace", ""),
            obj["metadata"]["name"],
            propagation=propagation,
        )
    except ApiError:
        return False
    return True


def _drop_finalizer(store: Store, obj: dict[str, Any], finalizer: str) -> None:
    new = copy_of(obj)
    rest = [f for f in new["metadata"].get("finalizers") or [] if f != finalizer]
    if rest:
        new["metadata"]["finalizers"] = rest
    else:
        new["metadata"].pop("finalizers", None)
    store.update(new)


@clock.reconciler(190)
def reconcile(world: World) -> bool:
    store = Store.of(world)
    objects = list((world.state.get("kube") or {}).get("objects", {}).values())
    dependents: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for obj in objects:
        for ref in obj["metadata"].get("ownerReferences") or []:
            dependents[str(ref.get("uid", ""))].append(obj)
    changed = False
    # Owners being deleted with a finalizer of the garbage collector's.
    for obj in objects:
        meta = obj["metadata"]
        finalizers = meta.get("finalizers") or []
        if not meta.get("deletionTimestamp") or not (
            ORPHAN in finalizers or FOREGROUND in finalizers
        ):
            continue
        uid = meta.get("uid", "")
        current_deps = [
            d for d in (_fresh(store, d) for d in dependents.get(uid, [])) if d is not None
        ]
        if ORPHAN in finalizers:
            for dep in current_deps:
                new = copy_of(dep)
                refs = [
                    r for r in new["metadata"].get("ownerReferences") or [] if r.get("uid") != uid
                ]
                if refs:
                    new["metadata"]["ownerReferences"] = refs
                else:
                    new["metadata"].pop("ownerReferences", None)
                store.update(new)
            owner = _fresh(store, obj)
            if owner is not None:
                _drop_finalizer(store, owner, ORPHAN)
            changed = True
            continue
        blocking = False
        for dep in current_deps:
            nested = bool(dependents.get(dep["metadata"].get("uid", "")))
            if _delete(store, dep, "Foreground" if nested else "Background"):
                changed = True
            still = _fresh(store, dep)
            if still is not None and any(
                r.get("uid") == uid and r.get("blockOwnerDeletion")
                for r in still["metadata"].get("ownerReferences") or []
            ):
                blocking = True
        if not blocking:
            owner = _fresh(store, obj)
            if owner is not None:
                _drop_finalizer(store, owner, FOREGROUND)
                changed = True
    # Dependents whose owners are gone, or waiting for their dependents to go.
    for obj in objects:
        if not obj["metadata"].get("ownerReferences"):
            continue
        current = _fresh(store, obj)
        if current is None:
            continue
        refs = current["metadata"].get("ownerReferences") or []
        solid, dangling, waiting = [], [], []
        for ref in refs:
            owner = _owner(store, current, ref)
            if owner is None:
                dangling.append(ref)
            elif owner["metadata"].get("deletionTimestamp") and FOREGROUND in (
                owner["metadata"].get("finalizers") or []
            ):
                waiting.append(ref)
            else:
                solid.append(ref)
        if solid:
            if dangling:
                new = copy_of(current)
                new["metadata"]["ownerReferences"] = [r for r in refs if r not in dangling]
                store.update(new)
                changed = True
            continue
        if waiting:
            nested = bool(dependents.get(current["metadata"].get("uid", "")))
            if _delete(store, current, "Foreground" if nested else "Background"):
                changed = True
            continue
        if dangling and _delete(store, current, "Background"):
            changed = True
    return changed
