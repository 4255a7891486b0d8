"""The DaemonSet controller (pkg/controller/daemon/daemon_controller.go), order 115.

For each DaemonSet, every node is asked `NodeShouldRunDaemonPod`: the Pod the DaemonSet
would create must match the node's labels (nodeSelector and required node affinity) and
tolerate its NoSchedule and NoExecute taints. Readiness and `spec.unschedulable` are no
reason not to run: the Pod carries the tolerations `AddOrUpdateDaemonPodTolerations`
(pkg/controller/daemon/util/daemonset_util.go) adds, so a cordoned or NotReady node keeps
its agent. `manage` then creates one Pod (`<ds>-<5 chars>`) on each node that should run
one and has none, deletes the extras and the Pods on nodes that should not run one, and
replaces Failed Pods. A created Pod is pinned to its node by a required node affinity on
`metadata.name` (ReplaceDaemonSetPodNodeNameNodeAffinity) and bound by the scheduler, as
upstream; it is labelled `controller-revision-hash` and `pod-template-generation`.

RollingUpdate (the default, maxUnavailable 1, maxSurge 0): an old Pod that is not available
is deleted at once, an available one only while fewer than maxUnavailable (scaled against
the desired count, rounded up) of the nodes lack an available Pod; the next sync creates
its replacement. OnDelete leaves old Pods until someone deletes them. maxSurge > 0 is
treated as maxSurge 0 (learn/sim/README.md). The status is `updateDaemonSetStatus`'s.
ControllerRevisions are not written, so `rollout history ds` has nothing to show.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from learn.sim import clock
from learn.sim.kube import scheduler
from learn.sim.kube.api import ApiError, Store, copy_of
from learn.sim.kube.controllers import util
from learn.sim.kube.controllers.replicaset import pod_from_template
from learn.sim.world import World

COMPONENT = "daemonset-controller"
HASH_LABEL = "controller-revision-hash"
GENERATION_LABEL = "pod-template-generation"

# AddOrUpdateDaemonPodTolerations: NoExecute for not-ready/unreachable (no
# tolerationSeconds, so never evicted), NoSchedule for the pressure conditions and cordons;
# network-unavailable only for hostNetwork Pods.
DEFAULT_TOLERATIONS: tuple[tuple[str, str], ...] = (
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
)
NETWORK_UNAVAILABLE = ("node.kubernetes.io/network-unavailable", "NoSchedule")

Obj = dict[str, Any]


def add_daemon_tolerations(spec: Obj) -> None:
    """Add each default toleration the Pod spec does not already carry (same key, effect)."""
    wanted = list(DEFAULT_TOLERATIONS)
    if spec.get("hostNetwork"):
        wanted.append(NETWORK_UNAVAILABLE)
    tolerations = [t for t in spec.get("tolerations") or [] if isinstance(t, dict)]
    for key, effect in wanted:
        if not any(t.get("key") == key and t.get("effect") == effect for t in tolerations):
            tolerations.append({"key": key, "operator": "Exists", "effect": effect})
    spec["tolerations"] = tolerations


def should_run(template_spec: Obj, node: util.Obj) -> bool:
    """NodeShouldRunDaemonPod's predicates: node name, node affinity/selector, taints."""
    wanted = template_spec.get("nodeName")
    if wanted and wanted != node["metadata"]["name"]:
        return False
    pod = {"spec": template_spec}
    if not scheduler.matches_node_selector(pod, node):
        return False
    tolerations = template_spec.get("tolerations") or []
    for taint in (node.get("spec") or {}).get("taints") or []:
        if taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not any(isinstance(t, dict) and scheduler.tolerates(t, taint) for t in tolerations):
            return False
    return True


def target_node(pod: util.Obj) -> str:
    """util.GetTargetNodeName: spec.nodeName, or the node the affinity pins it to."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return str(spec["nodeName"])
    required = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    for term in required.get("nodeSelectorTerms") or []:
        for field in term.get("matchFields") or []:
            if field.get("key") == "metadata.name" and field.get("values"):
                return str(field["values"][0])
    return ""


def _template_spec(ds: util.Obj) -> Obj:
    spec = copy_of(((ds.get("spec") or {}).get("template") or {}).get("spec") or {})
    add_daemon_tolerations(spec)
    return spec


def _hash(ds: util.Obj) -> str:
    template = (ds.get("spec") or {}).get("template") or {}
    return util.compute_hash(template, (ds.get("status") or {}).get("collisionCount"))


def _new_pod(ds: util.Obj, node: str, revision: str) -> Obj:
    pod = pod_from_template(ds)
    labels = pod["metadata"].setdefault("labels", {})
    labels[HASH_LABEL] = revision
    labels[GENERATION_LABEL] = str(ds["metadata"].get("generation", 1))
    spec = pod["spec"]
    add_daemon_tolerations(spec)
    affinity = spec.setdefault("affinity", {})
    affinity.setdefault("nodeAffinity", {})["requiredDuringSchedulingIgnoredDuringExecution"] = {
        "nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
        ]
    }
    return pod


class _Sync:
    def __init__(self, store: Store, ds: Obj, pods: list[Any], nodes: list[Any]):
        self.store = store
        self.now = store.world.now
        self.ds = ds
        self.nodes = nodes
        self.changed = False
        self.revision = _hash(ds)
        self.min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
        self.by_node: dict[str, list[Any]] = defaultdict(list)
        for pod in sorted(pods, key=lambda p: p["metadata"].get("creationTimestamp") or ""):
            # getNodesToDaemonPods(includeDeletedTerminal=false): a Pod still terminating
            # holds its node's place (with maxSurge 0 the new one waits for it to go).
            if not (pod["metadata"].get("deletionTimestamp") and not util.is_pod_terminating(pod)):
                self.by_node[target_node(pod)].append(pod)
        template_spec = _template_spec(ds)
        self.runs = {n["metadata"]["name"]: should_run(template_spec, n) for n in nodes}

    def event(self, reason: str, message: str, type: str = "Normal") -> None:
        self.store.event(self.ds, type=type, reason=reason, message=message, component=COMPONENT)

    def delete(self, pod: util.Obj) -> None:
        meta = pod["metadata"]
        try:
            self.store.delete("pods", meta["namespace"], meta["name"])
        except ApiError as exc:
            self.event("FailedDelete", f"Error deleting: {exc.message}", "Warning")
            return
        self.event("SuccessfulDelete", f"Deleted pod: {meta['name']}")
        self.changed = True
        node = target_node(pod)
        self.by_node[node] = [p for p in self.by_node[node] if p is not pod]

    def updated(self, pod: util.Obj) -> bool:
        return (pod["metadata"].get("labels") or {}).get(HASH_LABEL) == self.revision

    def available(self, pod: util.Obj) -> bool:
        return util.is_pod_available(pod, self.min_ready, self.now)

    def manage(self) -> None:
        for node in self.nodes:
            name = node["metadata"]["name"]
            pods = self.by_node.get(name, [])
            if not self.runs[name]:
                for pod in [p for p in pods if util.is_pod_active(p)]:
                    self.delete(pod)
                continue
            for pod in [p for p in pods if (p.get("status") or {}).get("phase") == "Failed"]:
                self.event(
                    "FailedDaemonPod",
                    f"Found failed daemon pod {pod['metadata']['namespace']}/"
                    f"{pod['metadata']['name']} on node {name}, will try to kill it",
                    "Warning",
                )
                self.delete(pod)
            pods = [p for p in self.by_node.get(name, []) if util.is_pod_active(p)]
            if not pods and not self.by_node.get(name):
                try:
                    pod = self.store.create(_new_pod(self.ds, name, self.revision))
                except ApiError as exc:
                    self.event("FailedCreate", f"Error creating: {exc.message}", "Warning")
                    continue
                self.event("SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")
                self.by_node[name].append(pod)
                self.changed = True
            else:
                for extra in pods[1:]:
                    self.delete(extra)

    def rolling_update(self) -> None:
        strategy = (self.ds.get("spec") or {}).get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") != "RollingUpdate":
            return
        desired = [n for n, runs in self.runs.items() if runs]
        try:
            budget = util.scaled_value(
                (strategy.get("rollingUpdate") or {}).get("maxUnavailable", 1),
                len(desired),
                round_up=True,
            )
        except util.IntOrStringError:
            budget = 1
        budget = max(budget, 1)
        unavailable = sum(
            1
            for n in desired
            if not any(self.available(p) for p in self.by_node.get(n, []) if util.is_pod_active(p))
        )
        for name in sorted(desired):
            pods = [p for p in self.by_node.get(name, []) if util.is_pod_active(p)]
            old = [p for p in pods if not self.updated(p)]
            if not old:
                continue
            if not self.available(old[0]):
                self.delete(old[0])
            elif unavailable < budget:
                self.delete(old[0])
                unavailable += 1

    def status(self) -> None:
        desired = current = ready = available = updated = misscheduled = 0
        for node in self.nodes:
            name = node["metadata"]["name"]
            pods = [p for p in self.by_node.get(name, []) if util.is_pod_active(p)]
            if not self.runs[name]:
                misscheduled += 1 if pods else 0
                continue
            desired += 1
            if not pods:
                continue
            current += 1
            pod = self.store.get(
                "pods", pods[0]["metadata"]["namespace"], pods[0]["metadata"]["name"]
            )
            if pod is None:
                continue
            ready += util.is_pod_ready(pod)
            available += self.available(pod)
            updated += self.updated(pod)
        status: Obj = {
            "currentNumberScheduled": current,
            "desiredNumberScheduled": desired,
            "numberMisscheduled": misscheduled,
            "numberReady": ready,
            "observedGeneration": int(self.ds["metadata"].get("generation", 1)),
        }
        # Go's omitempty, as `kubectl get ds -o yaml` shows the status.
        if available:
            status["numberAvailable"] = available
        if desired - available:
            status["numberUnavailable"] = desired - available
        if updated:
            status["updatedNumberScheduled"] = updated
        if status != self.ds.get("status"):
            new = copy_of(self.ds)
            new["status"] = status
            self.store.update_status(new)
            self.changed = True

    def run(self) -> bool:
        if not self.ds["metadata"].get("deletionTimestamp"):
            self.manage()
            self.rolling_update()
        self.status()
        return self.changed


@clock.reconciler(115)
@util.skip_when_idle("daemonset")
def reconcile(world: World) -> bool:
    store = Store.of(world)
    daemonsets = store.list("daemonsets")
    if not daemonsets:
        return False
    owned: dict[str, list[Any]] = defaultdict(list)
    for pod in store.list("pods"):
        owner = util.controller_uid(pod)
        if owner is not None:
            owned[owner].append(pod)
    nodes = list(store.list("nodes"))
    changed = False
    for ds in daemonsets:
        if util.selector_is_empty((ds.get("spec") or {}).get("selector")):
            continue
        if _Sync(store, copy_of(ds), owned.get(ds["metadata"]["uid"], []), nodes).run():
            changed = True
    return changed
