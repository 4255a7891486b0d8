"""kube-scheduler: binds each pending Pod to a node that fits it, or says why none does.

A reconciler (order 200) takes the Pods with no `spec.nodeName` whose schedulerName is
`default-scheduler`, highest priority first then oldest (PrioritySort), and runs the default
profile's filters on every node in their order, stopping at a node's first failing plugin as
the framework does:

    NodeUnschedulable   node(s) were unschedulable
    NodeName            node(s) didn't match the requested node name
    TaintToleration     node(s) had untolerated taint {key: value}
    NodeAffinity        node(s) didn't match Pod's node affinity/selector
    NodePorts           node(s) didn't have free ports for the requested pod ports
    NodeResourcesFit    Too many pods / Insufficient cpu / Insufficient memory / ...

A Pod that fits somewhere is bound to the best-scoring node (spec.nodeName, condition
PodScheduled=True, event `Scheduled`: "Successfully assigned default/web-x to kind-worker").
One that fits nowhere gets PodScheduled=False/Unschedulable and a `FailedScheduling` event
with FitError.Error()'s text (pkg/scheduler/framework/types.go):

    0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.

The `preemption:` part is DefaultPreemption's PostFilter answer: nodes whose failure no
eviction can cure (UnschedulableAndUnresolvable: taints, affinity, cordons, a request larger
than the node) are "not helpful"; on the others a Pod could only evict Pods of lower priority.
Evicting them is not simulated: when such victims exist the Pod stays pending and the event
says so plainly (see learn/sim/README.md, Not simulated).

Scoring is the default plugins' in simple, deterministic form: NodeResourcesFit
(LeastAllocated on cpu and memory with the scheduler's non-zero defaults of 100m and 200Mi
for Pods that request nothing), NodeResourcesBalancedAllocation, TaintToleration
(PreferNoSchedule, weight 3), NodeAffinity (preferred terms, weight 2) and a spread of Pods of
the same owner across nodes (PodTopologySpread's system defaults, weight 2). Ties go to a node
chosen from the Pod's uid, where the real scheduler picks one at random.

A Pod that stays unschedulable is tried again whenever anything in the cluster changes (the
reconciler is level-triggered); the event is recorded again only when its message changes.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from learn.sim import clock
from learn.sim.kube import api
from learn.sim.kube import quantity as q
from learn.sim.kube.controllers import volume
from learn.sim.world import World

Object = dict[str, Any]

SCHEDULER_NAME = "default-scheduler"
# pkg/scheduler/util: the requests assumed for scoring when a container asks for nothing.
DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 1024 * 1024

NO_NODE_AVAILABLE = "0/{} nodes are available"
UNSCHEDULABLE = "node(s) were unschedulable"
NODE_NAME = "node(s) didn't match the requested node name"
NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
NODE_PORTS = "node(s) didn't have free ports for the requested pod ports"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
# Said instead of evicting lower-priority Pods, which the sandbox does not do.
PREEMPTION_NOT_SIMULATED = "preemption of lower-priority Pods is not simulated in this sandbox"

TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# --------------------------------------------------------------------------- requests


def _amount(name: str, value: Any) -> int:
    """cpu in millicores, everything else as an integer value (both rounded up)."""
    return _parsed_amount(name == "cpu", str(value).strip())


# A pure function of its text (no sandbox state): every pass of the scheduler adds up every
# bound Pod's requests, so the few distinct quantities of a cluster are parsed once.
@functools.lru_cache(maxsize=1024)
def _parsed_amount(cpu: bool, text: str) -> int:
    try:
        parsed = q.parse(text)
    except q.QuantityError:
        return 0
    return parsed.milli() if cpu else parsed.integer()


def _requests_of(container: Mapping[str, Any]) -> dict[str, int]:
    requests = _dict(_dict(container.get("resources")).get("requests"))
    return {str(k): _amount(str(k), v) for k, v in requests.items()}


def _add(into: dict[str, int], other: Mapping[str, int]) -> None:
    for name, value in other.items():
        into[name] = into.get(name, 0) + value


def _max(into: dict[str, int], other: Mapping[str, int]) -> None:
    for name, value in other.items():
        into[name] = max(into.get(name, 0), value)


def pod_requests(pod: Mapping[str, Any], *, non_zero: bool = False) -> dict[str, int]:
    """resourcehelper.PodRequests: the sum of the containers, or the largest init container
    if that is more, with native sidecars (restartPolicy Always) running alongside both;
    plus the Pod overhead. With `non_zero`, a container that requests no cpu or memory counts
    as 100m and 200Mi (the scheduler's scoring view)."""
    spec = _dict(pod.get("spec"))

    def requests(container: Any) -> dict[str, int]:
        out = _requests_of(_dict(container))
        if non_zero:
            out["cpu"] = out.get("cpu") or DEFAULT_MILLI_CPU
            out["memory"] = out.get("memory") or DEFAULT_MEMORY
        return out

    total: dict[str, int] = {}
    for container in _list(spec.get("containers")):
        _add(total, requests(container))
    sidecars: dict[str, int] = {}
    init_peak: dict[str, int] = {}
    for container in _list(spec.get("initContainers")):
        own = requests(container)
        if _dict(container).get("restartPolicy") == "Always":
            _add(sidecars, own)
            candidate = dict(sidecars)
        else:
            candidate = dict(sidecars)
            _add(candidate, own)
        _max(init_peak, candidate)
    _add(total, sidecars)
    _max(total, init_peak)
    overhead = {str(k): _amount(str(k), v) for k, v in _dict(spec.get("overhead")).items()}
    _add(total, overhead)
    return {k: v for k, v in total.items() if v or k in {"cpu", "memory"}}


# --------------------------------------------------------------------------- node state


@dataclass
class NodeInfo:
    node: Object
    name: str
    allocatable: dict[str, int]
    requested: dict[str, int] = field(default_factory=dict)
    non_zero: dict[str, int] = field(default_factory=dict)
    pods: int = 0
    host_ports: set[tuple[str, str, int]] = field(default_factory=set)
    owners: Counter[str] = field(default_factory=Counter)
    priorities: list[int] = field(default_factory=list)

    def add(self, pod: Mapping[str, Any]) -> None:
        _add(self.requested, pod_requests(pod))
        _add(self.non_zero, pod_requests(pod, non_zero=True))
        self.pods += 1
        self.host_ports |= _host_ports(pod)
        owner = api.controller_of(pod)
        if owner is not None:
            self.owners[str(owner.get("uid", ""))] += 1
        self.priorities.append(int(_dict(pod.get("spec")).get("priority") or 0))


def node_info(node: Mapping[str, Any], pods: Iterable[Mapping[str, Any]] = ()) -> NodeInfo:
    allocatable = _dict(_dict(node.get("status")).get("allocatable"))
    info = NodeInfo(
        node=dict(node),
        name=str(_dict(node.get("metadata")).get("name", "")),
        allocatable={str(k): _amount(str(k), v) for k, v in allocatable.items()},
    )
    for pod in pods:
        info.add(pod)
    return info


def _host_ports(pod: Mapping[str, Any]) -> set[tuple[str, str, int]]:
    out = set()
    spec = _dict(pod.get("spec"))
    for container in [*_list(spec.get("containers")), *_list(spec.get("initContainers"))]:
        for port in _list(_dict(container).get("ports")):
            host_port = _dict(port).get("hostPort")
            if isinstance(host_port, int) and host_port > 0:
                ip = str(_dict(port).get("hostIP") or "0.0.0.0")
                out.add((ip, str(_dict(port).get("protocol") or "TCP"), host_port))
    return out


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Status:
    """A filter's verdict on one node: its reasons, and whether preemption could help."""

    reasons: tuple[str, ...]
    unresolvable: bool


def tolerates(toleration: Mapping[str, Any], taint: Mapping[str, Any]) -> bool:
    """Toleration.ToleratesTaint (k8s.io/api/core/v1/toleration.go)."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return operator == "Exists"


def _tolerated(tolerations: list[Any], taint: Mapping[str, Any]) -> bool:
    return any(isinstance(t, dict) and tolerates(t, taint) for t in tolerations)


def filter_unschedulable(pod: Mapping[str, Any], info: NodeInfo) -> Status | None:
    if not _dict(info.node.get("spec")).get("unschedulable"):
        return None
    taint = {"key": TAINT_UNSCHEDULABLE, "effect": "NoSchedule"}
    if _tolerated(_list(_dict(pod.get("spec")).get("tolerations")), taint):
        return None
    return Status((UNSCHEDULABLE,), True)


def filter_node_name(pod: Mapping[str, Any], info: NodeInfo) -> Status | None:
    wanted = _dict(pod.get("spec")).get("nodeName")
    if wanted and wanted != info.name:
        return Status((NODE_NAME,), True)
    return None


def filter_taints(pod: Mapping[str, Any], info: NodeInfo) -> Status | None:
    """TaintToleration.Filter: the first NoSchedule/NoExecute taint the Pod does not tolerate."""
    tolerations = _list(_dict(pod.get("spec")).get("tolerations"))
    for taint in _list(_dict(info.node.get("spec")).get("taints")):
        if not isinstance(taint, dict) or taint.get("effect") not in {"NoSchedule", "NoExecute"}:
            continue
        if not _tolerated(tolerations, taint):
            message = f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value') or ''}}}"
            return Status((message,), True)
    return None


_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def _requirement_matches(requirement: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """A NodeSelectorRequirement (In, NotIn, Exists, DoesNotExist, Gt, Lt). A requirement
    with a value that is not a label value fails to parse, and then matches nothing
    (nodeaffinity's LazyErrorNodeSelector)."""
    key = str(requirement.get("key", ""))
    operator = requirement.get("operator")
    values = [str(v) for v in _list(requirement.get("values"))]
    if operator in {"In", "NotIn"} and not all(
        len(v) <= 63 and _LABEL_VALUE.match(v) for v in values
    ):
        return False
    present = key in labels
    if operator == "In":
        return present and labels[key] in values
    if operator == "NotIn":
        return not present or labels[key] not in values
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    if operator in {"Gt", "Lt"} and present and len(values) == 1:
        try:
            have, limit = int(labels[key]), int(values[0])
        except ValueError:
            return False
        return have > limit if operator == "Gt" else have < limit
    return False


def _term_matches(term: Mapping[str, Any], node: Mapping[str, Any]) -> bool:
    """A NodeSelectorTerm: all its expressions and fields; an empty term matches nothing."""
    expressions = _list(term.get("matchExpressions"))
    fields = _list(term.get("matchFields"))
    if not expressions and not fields:
        return False
    labels = {str(k): str(v) for k, v in _dict(_dict(node.get("metadata")).get("labels")).items()}
    name = {"metadata.name": str(_dict(node.get("metadata")).get("name", ""))}
    return all(_requirement_matches(_dict(r), labels) for r in expressions) and all(
        _requirement_matches(_dict(r), name) for r in fields
    )


def matches_node_selector(pod: Mapping[str, Any], node: Mapping[str, Any]) -> bool:
    """nodeSelector and requiredDuringSchedulingIgnoredDuringExecution, both (nodeaffinity)."""
    spec = _dict(pod.get("spec"))
    labels = _dict(_dict(node.get("metadata")).get("labels"))
    for key, value in _dict(spec.get("nodeSelector")).items():
        if labels.get(key) != value:
            return False
    required = _dict(
        _dict(_dict(spec.get("affinity")).get("nodeAffinity")).get(
            "requiredDuringSchedulingIgnoredDuringExecution"
        )
    )
    if required:
        terms = _list(required.get("nodeSelectorTerms"))
        if not any(_term_matches(_dict(t), node) for t in terms):
            return False
    return True


def filter_node_affinity(pod: Mapping[str, Any], info: NodeInfo) -> Status | None:
    if matches_node_selector(pod, info.node):
        return None
    return Status((NODE_AFFINITY,), True)


def filter_node_ports(pod: Mapping[str, Any], info: NodeInfo) -> Status | None:
    for ip, protocol, port in _host_ports(pod):
        for used_ip, used_protocol, used_port in info.host_ports:
            if used_port != port or used_protocol != protocol:
                continue
            if "0.0.0.0" in {ip, used_ip} or ip == used_ip:
                return Status((NODE_PORTS,), False)
    return None


def fits(request: Mapping[str, int], info: NodeInfo) -> list[tuple[str, bool]]:
    """fitsRequest (noderesources/fit.go): (reason, unresolvable) for each shortfall."""
    out: list[tuple[str, bool]] = []
    allowed = info.allocatable.get("pods", 0)
    if info.pods + 1 > allowed:
        out.append(("Too many pods", False))
    if not any(request.get(k, 0) for k in request):
        return out
    for name in ("cpu", "memory", "ephemeral-storage"):
        want = request.get(name, 0)
        have = info.allocatable.get(name, 0)
        if want > 0 and want > have - info.requested.get(name, 0):
            out.append((f"Insufficient {name}", want > have))
    for name in sorted(request):
        if name in {"cpu", "memory", "ephemeral-storage", "pods"} or not request[name]:
            continue
        have = info.allocatable.get(name, 0)
        if request[name] > have - info.requested.get(name, 0):
            out.append((f"Insufficient {name}", request[name] > have))
    return out


def filter_resources(pod: Mapping[str, Any], info: NodeInfo) -> Status | None:
    short = fits(pod_requests(pod), info)
    if not short:
        return None
    return Status(tuple(reason for reason, _ in short), any(u for _, u in short))


FILTERS = (
    filter_unschedulable,
    filter_node_name,
    filter_taints,
    filter_node_affinity,
    filter_node_ports,
    filter_resources,
)


def run_filters(pod: Mapping[str, Any], info: NodeInfo) -> Status | None:
    """The framework's RunFilterPlugins: the first plugin that rejects the node decides."""
    for fn in FILTERS:
        status = fn(pod, info)
        if status is not None:
            return status
    return None


# --------------------------------------------------------------------------- the message


def _histogram(statuses: Iterable[Status], total: int) -> str:
    counts: Counter[str] = Counter()
    for status in statuses:
        for reason in status.reasons:
            counts[reason] += 1
    parts = sorted(f"{n} {reason}" for reason, n in counts.items())
    text = NO_NODE_AVAILABLE.format(total) + ":"
    if parts:
        text += f" {', '.join(parts)}."
    return text


def fit_error(
    pod: Mapping[str, Any],
    statuses: Mapping[str, Status],
    infos: Mapping[str, NodeInfo],
    *,
    prefilter: str | None = None,
) -> str:
    """FitError.Error() with DefaultPreemption's PostFilter message appended. A PreFilter
    refusal is said once, not per node (types.go: "we shouldn't add the message from
    NodeToStatusMap when the PreFilter failed")."""
    total = len(infos)
    if prefilter is not None:
        text = f"{NO_NODE_AVAILABLE.format(total)}: {prefilter}."
    else:
        text = _histogram(statuses.values(), total)
    spec = _dict(pod.get("spec"))
    if spec.get("preemptionPolicy") == "Never":
        return f"{text} preemption: not eligible due to preemptionPolicy=Never."
    priority = int(spec.get("priority") or 0)
    preemption: dict[str, Status] = {}
    for name, status in statuses.items():
        if status.unresolvable:
            preemption[name] = Status((NOT_HELPFUL,), True)
        else:
            preemption[name] = Status((NO_VICTIMS,), True)
            if any(p < priority for p in infos[name].priorities):
                preemption[name] = Status((PREEMPTION_NOT_SIMULATED,), True)
    return f"{text} preemption: {_histogram(preemption.values(), total)}"


# --------------------------------------------------------------------------- scoring


def _least_allocated(request: Mapping[str, int], info: NodeInfo) -> int:
    scores = []
    for name in ("cpu", "memory"):
        capacity = info.allocatable.get(name, 0)
        used = info.non_zero.get(name, 0) + request.get(name, 0)
        scores.append(
            0 if capacity == 0 or used > capacity else (capacity - used) * 100 // capacity
        )
    return sum(scores) // len(scores)


def _balanced(request: Mapping[str, int], info: NodeInfo) -> int:
    fractions = []
    for name in ("cpu", "memory"):
        capacity = info.allocatable.get(name, 0)
        used = info.non_zero.get(name, 0) + request.get(name, 0)
        fractions.append(1.0 if capacity == 0 else min(used / capacity, 1.0))
    std = abs(fractions[0] - fractions[1]) / 2
    return int((1 - std) * 100)


def _prefer_no_schedule(pod: Mapping[str, Any], info: NodeInfo) -> int:
    tolerations = _list(_dict(pod.get("spec")).get("tolerations"))
    return sum(
        1
        for taint in _list(_dict(info.node.get("spec")).get("taints"))
        if isinstance(taint, dict)
        and taint.get("effect") == "PreferNoSchedule"
        and not _tolerated(tolerations, taint)
    )


def _preferred_affinity(pod: Mapping[str, Any], info: NodeInfo) -> int:
    affinity = _dict(_dict(_dict(pod.get("spec")).get("affinity")).get("nodeAffinity"))
    total = 0
    for term in _list(affinity.get("preferredDuringSchedulingIgnoredDuringExecution")):
        weight = _dict(term).get("weight")
        if isinstance(weight, int) and _term_matches(
            _dict(_dict(term).get("preference")), info.node
        ):
            total += weight
    return total


def _normalize(raw: Mapping[str, int], *, reverse: bool = False) -> dict[str, int]:
    """helper.DefaultNormalizeScore: scale to 0-100 by the highest (reversed: fewer is better)."""
    top = max(raw.values(), default=0)
    out = {}
    for name, value in raw.items():
        if top == 0:
            out[name] = 100 if reverse else 0
        else:
            score = value * 100 // top
            out[name] = 100 - score if reverse else score
    return out


def select_node(pod: Mapping[str, Any], feasible: list[NodeInfo], world: World) -> NodeInfo:
    request = pod_requests(pod, non_zero=True)
    owner = api.controller_of(pod)
    owner_uid = str(owner.get("uid", "")) if owner is not None else ""
    taints = _normalize({i.name: _prefer_no_schedule(pod, i) for i in feasible}, reverse=True)
    affinity = _normalize({i.name: _preferred_affinity(pod, i) for i in feasible})
    spread = _normalize(
        {i.name: i.owners.get(owner_uid, 0) if owner_uid else 0 for i in feasible}, reverse=True
    )
    scores = {
        i.name: _least_allocated(request, i)
        + _balanced(request, i)
        + 3 * taints[i.name]
        + 2 * affinity[i.name]
        + 2 * spread[i.name]
        for i in feasible
    }
    best = max(scores.values())
    tied = [i for i in sorted(feasible, key=lambda n: n.name) if scores[i.name] == best]
    if len(tied) == 1:
        return tied[0]
    uid = str(_dict(pod.get("metadata")).get("uid", ""))
    pick = int(world.digest("schedule", uid)[:8], 16) % len(tied)
    return tied[pick]


# --------------------------------------------------------------------------- the loop


def _pending(pods: Iterable[Object]) -> list[Object]:
    out = []
    for pod in pods:
        meta = pod["metadata"]
        spec = _dict(pod.get("spec"))
        if spec.get("nodeName") or meta.get("deletionTimestamp"):
            continue
        if (spec.get("schedulerName") or SCHEDULER_NAME) != SCHEDULER_NAME:
            continue
        if spec.get("schedulingGates"):
            continue
        if _dict(pod.get("status")).get("phase") in {"Succeeded", "Failed"}:
            continue
        out.append(pod)
    out.sort(
        key=lambda p: (
            -int(_dict(p.get("spec")).get("priority") or 0),
            p["metadata"].get("creationTimestamp", ""),
            p["metadata"].get("namespace", ""),
            p["metadata"]["name"],
        )
    )
    return out


def _scheduled_condition(pod: Mapping[str, Any]) -> dict[str, Any] | None:
    for condition in _list(_dict(pod.get("status")).get("conditions")):
        if _dict(condition).get("type") == "PodScheduled":
            return dict(condition)
    return None


def _set_condition(store: api.Store, pod: Object, condition: dict[str, Any]) -> Object:
    new = api.copy_of(pod)
    status = new.setdefault("status", {})
    conditions = [
        c for c in _list(status.get("conditions")) if _dict(c).get("type") != "PodScheduled"
    ]
    old = _scheduled_condition(pod)
    if old is not None and old.get("status") == condition["status"]:
        condition["lastTransitionTime"] = old.get("lastTransitionTime")
    status["conditions"] = [*conditions, condition]
    return store.update_status(new)


@clock.reconciler(200)
def schedule(world: World) -> bool:
    store = api.Store.of(world)
    # Cheap first look (every settle round runs this): are there unbound Pods at all? Pods
    # are never baseline objects, so the sandbox's own objects are the whole answer.
    objects = store._state["objects"]
    if not any(
        key.startswith("pods/") and not _dict(obj.get("spec")).get("nodeName")
        for key, obj in objects.items()
    ):
        return False
    all_pods = store.list("pods")
    pending = _pending(all_pods)
    if not pending:
        return False
    nodes = [n for n in store.list("nodes") if not n["metadata"].get("deletionTimestamp")]
    infos = {n["metadata"]["name"]: node_info(n) for n in nodes}
    for pod in all_pods:
        name = _dict(pod.get("spec")).get("nodeName")
        if name in infos and _dict(pod.get("status")).get("phase") not in {"Succeeded", "Failed"}:
            infos[name].add(pod)
    changed = False
    now = world.timestamp()
    for pod in pending:
        statuses: dict[str, Status] = {}
        feasible = []
        refused, volume_terms = volume.volume_binding(store, pod)
        for name in sorted(infos):
            status = run_filters(pod, infos[name])
            if refused is not None:
                status = Status((refused,), True)
            elif status is None and not volume.volume_fits(volume_terms, infos[name].node):
                status = Status((volume.NODE_CONFLICT,), True)
            if status is None:
                feasible.append(infos[name])
            else:
                statuses[name] = status
        if feasible:
            target = select_node(pod, feasible, world)
            _bind(store, pod, target.name, now)
            target.add(pod)
            changed = True
            continue
        message = fit_error(pod, statuses, infos, prefilter=refused)
        old = _scheduled_condition(pod)
        if (
            old is not None
            and old.get("reason") == "Unschedulable"
            and old.get("message") == message
        ):
            continue
        _set_condition(
            store,
            pod,
            {
                "type": "PodScheduled",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": now,
                "reason": "Unschedulable",
                "message": message,
            },
        )
        store.event(
            pod,
            type="Warning",
            reason="FailedScheduling",
            message=message,
            component=SCHEDULER_NAME,
        )
        changed = True
    return changed


def _bind(store: api.Store, pod: Object, node: str, now: str) -> None:
    """POST pods/binding: the API server sets spec.nodeName and PodScheduled=True."""
    bound = api.copy_of(pod)
    bound["spec"]["nodeName"] = node
    bound = store.update(bound)
    _set_condition(
        store,
        bound,
        {
            "type": "PodScheduled",
            "status": "True",
            "lastProbeTime": None,
            "lastTransitionTime": now,
        },
    )
    meta = pod["metadata"]
    store.event(
        bound,
        type="Normal",
        reason="Scheduled",
        message=f"Successfully assigned {meta.get('namespace', 'default')}/{meta['name']} to {node}",
        component=SCHEDULER_NAME,
    )
