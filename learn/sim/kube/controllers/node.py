"""Node lifecycle (pkg/controller/nodelifecycle and its taint-eviction controller), order 170.

A node stops when `stop_node(world, name)` is called (what `docker stop kind-worker` does to
a kind node): its kubelet stops posting status and acting on its Pods. After the node
monitor grace period (40 s, pkg/controller/nodelifecycle/config/v1alpha1/defaults.go) the
controller marks its conditions Unknown (NodeStatusUnknown, "Kubelet stopped posting node
status."), taints it `node.kubernetes.io/unreachable` (NoSchedule and NoExecute, with
timeAdded), marks its Pods not Ready (a `NodeNotReady` event each), and the taint eviction
controller deletes each Pod when its toleration of the NoExecute taint runs out (300 s by
the DefaultTolerationSeconds admission plugin; at once without a toleration, never with one
that has no tolerationSeconds). A deleted Pod on a node that is down stays Terminating: no
kubelet is there to confirm it stopped. `start_node` brings the kubelet back: it reports
Ready, the taints go, and it finishes what was asked of it meanwhile.
"""

from __future__ import annotations

from typing import Any

from learn.sim import clock
from learn.sim.kube.api import ApiError, Store, copy_of
from learn.sim.world import World

COMPONENT = "node-controller"
GRACE_MS = 40_000
UNREACHABLE = "node.kubernetes.io/unreachable"
_UNKNOWN_MESSAGE = "Kubelet stopped posting node status."
_READY = {
    "MemoryPressure": (
        "False",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ),
    "DiskPressure": ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    "PIDPressure": ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    "Ready": ("True", "KubeletReady", "kubelet is posting ready status"),
}


def _stopped(world: World) -> dict[str, int]:
    kubelet = world.state.setdefault(
        "kubelet", {"pods": {}, "images": {}, "ips": {}, "volumes": {}}
    )
    stopped: dict[str, int] = kubelet.setdefault("stopped", {})
    return stopped


def stopped_nodes(world: World) -> dict[str, int]:
    """{node: ms it stopped} (the kubelet skips these)."""
    return dict((world.state.get("kubelet") or {}).get("stopped") or {})


def stop_node(world: World, name: str) -> None:
    _stopped(world)[name] = world.now
    clock.schedule(world, at=world.now + GRACE_MS, kind="controller-wake", key=f"node-grace/{name}")


def start_node(world: World, name: str) -> None:
    _stopped(world).pop(name, None)
    clock.cancel(world, key=f"node-grace/{name}")


def _event(
    store: Store, obj: dict[str, Any], reason: str, message: str, type: str = "Normal"
) -> None:
    store.event(obj, type=type, reason=reason, message=message, component=COMPONENT)


def _toleration_seconds(pod: dict[str, Any], taint: dict[str, Any]) -> int | None | bool:
    """How long the Pod tolerates the taint: seconds, None (forever), False (not at all)."""
    best: int | None | bool = False
    for t in (pod.get("spec") or {}).get("tolerations") or []:
        if t.get("effect") and t.get("effect") != taint["effect"]:
            continue
        if t.get("key") and t.get("key") != taint["key"]:
            continue
        if (
            t.get("operator", "Equal") == "Equal"
            and t.get("key")
            and (t.get("value") or "") != (taint.get("value") or "")
        ):
            continue
        seconds = t.get("tolerationSeconds")
        if seconds is None:
            return None
        seconds = max(0, int(seconds))
        best = seconds if best is False or (isinstance(best, int) and seconds < best) else best
    return best


@clock.reconciler(170)
def reconcile(world: World) -> bool:
    stopped = stopped_nodes(world)
    store = Store.of(world)
    changed = False
    for node in store.list("nodes"):
        name = node["metadata"]["name"]
        taints = list((node.get("spec") or {}).get("taints") or [])
        ours = [t for t in taints if t.get("key") == UNREACHABLE]
        if name not in stopped:
            if ours:
                new = copy_of(node)
                rest = [t for t in taints if t.get("key") != UNREACHABLE]
                if rest:
                    new["spec"]["taints"] = rest
                else:
                    new["spec"].pop("taints", None)
                node = store.update(new)
                new = copy_of(node)
                at = world.timestamp()
                for cond in new["status"]["conditions"]:
                    status, reason, message = _READY.get(
                        cond["type"], (cond["status"], cond.get("reason"), cond.get("message"))
                    )
                    if cond["status"] != status:
                        cond["lastTransitionTime"] = at
                    cond.update(status=status, reason=reason, message=message, lastHeartbeatTime=at)
                store.update_status(new)
                _event(store, node, "NodeReady", f"Node {name} status is now: NodeReady")
                changed = True
            continue
        if world.now < stopped[name] + GRACE_MS:
            continue
        if not ours:
            at = world.timestamp()
            new = copy_of(node)
            new["spec"]["taints"] = [
                *taints,
                {"key": UNREACHABLE, "effect": "NoSchedule", "timeAdded": at},
                {"key": UNREACHABLE, "effect": "NoExecute", "timeAdded": at},
            ]
            node = store.update(new)
            new = copy_of(node)
            for cond in new["status"]["conditions"]:
                cond.update(
                    status="Unknown",
                    reason="NodeStatusUnknown",
                    message=_UNKNOWN_MESSAGE,
                    lastTransitionTime=at,
                )
            node = store.update_status(new)
            _event(store, node, "NodeNotReady", f"Node {name} status is now: NodeNotReady")
            for pod in store.list("pods"):
                if (pod.get("spec") or {}).get("nodeName") != name:
                    continue
                marked = copy_of(pod)
                for cond in (marked.get("status") or {}).get("conditions") or []:
                    if cond["type"] in ("Ready", "ContainersReady") and cond["status"] != "False":
                        cond["status"] = "False"
                        cond["lastTransitionTime"] = at
                for cs in (marked.get("status") or {}).get("containerStatuses") or []:
                    cs["ready"] = False
                store.update_status(marked)
                _event(store, pod, "NodeNotReady", "Node is not ready", "Warning")
            changed = True
            ours = [t for t in node["spec"]["taints"] if t.get("key") == UNREACHABLE]
        no_execute = next((t for t in ours if t.get("effect") == "NoExecute"), None)
        if no_execute is None:
            continue
        added = world.parse_timestamp(no_execute["timeAdded"])
        for pod in store.list("pods"):
            if (pod.get("spec") or {}).get("nodeName") != name or pod["metadata"].get(
                "deletionTimestamp"
            ):
                continue
            seconds = _toleration_seconds(pod, no_execute)
            if seconds is None:
                continue
            due = added + (0 if seconds is False else int(seconds) * 1000)
            if world.now < due:
                clock.schedule(
                    world, at=due, kind="controller-wake", key=f"evict/{pod['metadata']['uid']}"
                )
                continue
            meta = pod["metadata"]
            _event(
                store,
                pod,
                "TaintManagerEviction",
                f"Marking for deletion Pod {meta['namespace']}/{meta['name']}",
            )
            try:
                store.delete("pods", meta["namespace"], meta["name"])
            except ApiError:
                continue
            changed = True
    return changed
