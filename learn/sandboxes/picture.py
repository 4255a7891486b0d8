"""The picture beside the terminal: what the sandbox's cluster holds, read from its state.

`scene(box)` reads the cluster the way `kubectl get -o json` shows it (nodes, Pods, their
ReplicaSets and Deployments, Services and their EndpointSlices); the template
`sandboxes/_picture.html` draws it as SVG and as tables, so the picture never holds anything
a screen reader cannot reach.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from learn.sandboxes.goals import docker_containers, ready_endpoint_list
from learn.sim import Sandbox
from learn.sim.kube.api import Store

# resource.Quantity suffixes (k8s.io/apimachinery/pkg/api/resource/suffix.go).
_SUFFIX = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
    "Ki": Decimal(2**10),
    "Mi": Decimal(2**20),
    "Gi": Decimal(2**30),
    "Ti": Decimal(2**40),
    "Pi": Decimal(2**50),
    "Ei": Decimal(2**60),
}
_QUANTITY = re.compile(r"^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$")

SYSTEM_NAMESPACES = {"kube-system", "local-path-storage"}
NODE_W, POD_H, GAP = 200, 26, 12
POD_W = NODE_W - 16
SERVICE_W, SERVICE_H = NODE_W // 2 + 20, 40


def quantity(text: Any) -> Decimal:
    """A Kubernetes quantity as a number ("500m" -> 0.5, "128Mi" -> 134217728); 0 if unreadable."""
    match = _QUANTITY.match(str(text).strip())
    if not match:
        return Decimal(0)
    try:
        return Decimal(match.group(1)) * _SUFFIX[match.group(2)]
    except InvalidOperation:
        return Decimal(0)


def cpu_text(value: Decimal) -> str:
    millis = int(value * 1000)
    return f"{millis // 1000}" if millis % 1000 == 0 else f"{millis}m"


def memory_text(value: Decimal) -> str:
    number = int(value)
    for unit, size in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if number >= size:
            shown = Decimal(number) / size
            return f"{shown.quantize(Decimal('0.1')).normalize():f}{unit}"
    return str(number)


@dataclass
class PodShape:
    name: str
    namespace: str
    node: str
    status: str  # as kubectl's STATUS column words it
    tone: str  # ready | starting | pending | failed | done | terminating
    ready: str  # "1/1"
    replicaset: str
    deployment: str
    reason: str  # why a Pending Pod is not scheduled
    x: int = 0
    y: int = 0

    @property
    def centre(self) -> tuple[int, int]:
        return self.x + POD_W // 2, self.y

    @property
    def label(self) -> str:
        return f"{self.name} {self.status}"


@dataclass
class NodeShape:
    name: str
    ready: bool
    cpu_used: str
    cpu_total: str
    memory_used: str
    memory_total: str
    cpu_percent: int
    memory_percent: int
    system_pods: int
    pods: list[PodShape] = field(default_factory=list)
    unschedulable: bool = False
    x: int = 0
    y: int = 0
    height: int = 0

    @property
    def cpu_bar(self) -> int:
        return self.cpu_percent * POD_W // 100

    @property
    def memory_bar(self) -> int:
        return self.memory_percent * POD_W // 100


@dataclass
class ServiceShape:
    name: str
    namespace: str
    type: str
    endpoints: list[str]  # ready Pod names
    x: int = 0
    y: int = 0
    arrows: list[tuple[int, int]] = field(default_factory=list)  # endpoint centres

    @property
    def bottom(self) -> tuple[int, int]:
        return self.x + SERVICE_W // 2, self.y + SERVICE_H


@dataclass
class ContainerShape:
    name: str
    image: str
    status: str  # as `docker ps` words the state, without the times
    tone: str
    x: int = 0
    y: int = 0


@dataclass
class Scene:
    nodes: list[NodeShape]
    pending: list[PodShape]
    services: list[ServiceShape]
    containers: list[ContainerShape] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)  # user-defined ones
    width: int = 0
    height: int = 0
    docker_y: int = 0
    docker_height: int = 0

    @property
    def has_docker(self) -> bool:
        return bool(self.containers or self.images or self.networks)

    @property
    def pods(self) -> list[PodShape]:
        return [p for n in self.nodes for p in n.pods] + self.pending


def _owner(obj: dict[str, Any], kind: str) -> str:
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("kind") == kind:
            return str(ref.get("name", ""))
    return ""


def _pod_status(pod: dict[str, Any]) -> tuple[str, str, str]:
    """(STATUS, tone, READY) following kubectl's printPod
    (kubernetes/kubernetes pkg/printers/internalversion/printers.go)."""
    status = pod.get("status") or {}
    containers = status.get("containerStatuses") or []
    total = len((pod.get("spec") or {}).get("containers") or [])
    ready = sum(1 for c in containers if c.get("ready"))
    reason = status.get("reason") or status.get("phase") or "Pending"
    for c in containers:
        state = c.get("state") or {}
        if state.get("waiting", {}).get("reason"):
            reason = state["waiting"]["reason"]
        elif state.get("terminated", {}).get("reason"):
            reason = state["terminated"]["reason"]
        elif state.get("running") and c.get("ready") is not None and reason == "Pending":
            reason = "Running"
    if pod.get("metadata", {}).get("deletionTimestamp"):
        reason = "Terminating"
    phase = status.get("phase", "Pending")
    if reason == "Terminating":
        tone = "terminating"
    elif phase == "Succeeded" or reason == "Completed":
        tone = "done"
    elif phase == "Failed" or reason in {
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ErrImagePull",
        "Error",
        "OOMKilled",
        "CreateContainerConfigError",
    }:
        tone = "failed"
    elif phase == "Running" and total and ready == total:
        tone = "ready"
    elif (pod.get("spec") or {}).get("nodeName"):
        tone = "starting"
    else:
        tone = "pending"
    return reason, tone, f"{ready}/{total}"


def _unscheduled_reason(pod: dict[str, Any]) -> str:
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
            return str(condition.get("message") or condition.get("reason") or "")
    return ""


def _requests(pod: dict[str, Any]) -> tuple[Decimal, Decimal]:
    cpu = memory = Decimal(0)
    for container in (pod.get("spec") or {}).get("containers") or []:
        requests = (container.get("resources") or {}).get("requests") or {}
        cpu += quantity(requests.get("cpu", 0))
        memory += quantity(requests.get("memory", 0))
    return cpu, memory


def _percent(used: Decimal, total: Decimal) -> int:
    return int(min(Decimal(100), used * 100 / total)) if total > 0 else 0


def scene(box: Sandbox) -> Scene:
    store = Store.of(box.world)
    replicasets = {
        (rs["metadata"]["namespace"], rs["metadata"]["name"]): _owner(rs, "Deployment")
        for rs in store.list("replicasets")
    }
    nodes: dict[str, NodeShape] = {}
    raw_nodes = store.list("nodes")
    used = {n["metadata"]["name"]: (Decimal(0), Decimal(0)) for n in raw_nodes}
    system: dict[str, int] = {}
    pending: list[PodShape] = []
    placed: dict[str, list[PodShape]] = {}
    for pod in store.list("pods"):
        meta, spec = pod["metadata"], pod.get("spec") or {}
        node = str(spec.get("nodeName") or "")
        phase = (pod.get("status") or {}).get("phase")
        if node in used and phase not in ("Succeeded", "Failed"):
            cpu, memory = _requests(pod)
            used[node] = (used[node][0] + cpu, used[node][1] + memory)
        if meta.get("namespace") in SYSTEM_NAMESPACES:
            system[node] = system.get(node, 0) + 1
            continue
        status, tone, ready = _pod_status(pod)
        rs = _owner(pod, "ReplicaSet")
        shape = PodShape(
            name=meta["name"],
            namespace=meta.get("namespace", "default"),
            node=node,
            status=status,
            tone=tone,
            ready=ready,
            replicaset=rs,
            deployment=replicasets.get((meta.get("namespace", ""), rs), ""),
            reason="" if node else _unscheduled_reason(pod),
        )
        (placed.setdefault(node, []) if node else pending).append(shape)
    for raw in raw_nodes:
        name = raw["metadata"]["name"]
        allocatable = (raw.get("status") or {}).get("allocatable") or {}
        cpu_total, memory_total = (
            quantity(allocatable.get("cpu", 0)),
            quantity(allocatable.get("memory", 0)),
        )
        cpu_used, memory_used = used[name]
        conditions = (raw.get("status") or {}).get("conditions") or []
        nodes[name] = NodeShape(
            name=name,
            ready=any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions),
            cpu_used=cpu_text(cpu_used),
            cpu_total=cpu_text(cpu_total),
            memory_used=memory_text(memory_used),
            memory_total=memory_text(memory_total),
            cpu_percent=_percent(cpu_used, cpu_total),
            memory_percent=_percent(memory_used, memory_total),
            system_pods=system.get(name, 0),
            pods=placed.get(name, []),
            unschedulable=bool((raw.get("spec") or {}).get("unschedulable")),
        )
    services = []
    for svc in store.list("services"):
        meta = svc["metadata"]
        if meta.get("namespace") in SYSTEM_NAMESPACES or meta["name"] == "kubernetes":
            continue
        ready_pods = {
            str(endpoint["targetRef"]["name"])
            for endpoint in ready_endpoint_list(store, meta["namespace"], meta["name"])
            if (endpoint.get("targetRef") or {}).get("name")
        }
        services.append(
            ServiceShape(
                meta["name"],
                meta["namespace"],
                str((svc.get("spec") or {}).get("type") or "ClusterIP"),
                sorted(ready_pods),
            )
        )
    result = Scene(list(nodes.values()), pending, services, *_docker(box.world.state))
    _layout(result)
    return result


def short_image(reference: str) -> str:
    """`docker.io/library/nginx:1.28` as `docker images` shows it: nginx:1.28."""
    for prefix in ("docker.io/library/", "docker.io/"):
        if reference.startswith(prefix):
            return reference[len(prefix) :]
    return reference


def _container(record: dict[str, Any]) -> ContainerShape:
    st = record.get("state") or {}
    status = str(st.get("status") or "created")
    health = (st.get("health") or {}).get("status")
    tone = {"running": "ready", "restarting": "failed", "created": "pending"}.get(status, "done")
    text = status
    if status == "running" and health:
        text = f"running ({health})"
        tone = {"healthy": "ready", "unhealthy": "failed"}.get(health, "starting")
    elif status == "exited":
        code = int(st.get("exit_code") or 0)
        text = f"exited ({code})"
        tone = "done" if code == 0 else "failed"
    return ContainerShape(
        str(record.get("name", "")), short_image(str(record.get("image_ref", ""))), text, tone
    )


def _docker(state: dict[str, Any]) -> tuple[list[ContainerShape], list[str], list[str]]:
    """Containers, images and user-defined networks, from the engine's records
    (learn/sim/docker/engine.py: containers, tags, networks)."""
    docker = state.get("docker") or {}
    containers = [_container(c) for c in docker_containers(state)]
    images = sorted(short_image(str(ref)) for ref in docker.get("tags") or {})
    networks = sorted(
        str(n.get("name", ""))
        for n in (docker.get("networks") or {}).values()
        if not n.get("builtin")
    )
    return containers, images, networks


def _layout(s: Scene) -> None:
    """Positions for the SVG: services on top, nodes in a row, unscheduled Pods below."""
    top = GAP
    if s.services:
        for index, service in enumerate(s.services):
            service.x, service.y = GAP + index * (SERVICE_W + GAP), top
        top += SERVICE_H + GAP * 3
    tallest = 0
    centres: dict[str, tuple[int, int]] = {}
    for index, node in enumerate(s.nodes):
        node.x, node.y = GAP + index * (NODE_W + GAP), top
        for slot, pod in enumerate(node.pods):
            pod.x, pod.y = node.x + 8, node.y + 58 + slot * (POD_H + 6)
            centres[pod.name] = pod.centre
        node.height = 66 + max(1, len(node.pods)) * (POD_H + 6)
        tallest = max(tallest, node.height)
    y = top + tallest + GAP * 2
    for slot, pod in enumerate(s.pending):
        pod.x, pod.y = GAP, y + 22 + slot * (POD_H + 24)
        centres[pod.name] = pod.centre
    if s.pending:
        y += 22 + len(s.pending) * (POD_H + 24)
    if s.has_docker:
        s.docker_y = y + GAP
        for slot, container in enumerate(s.containers):
            container.x, container.y = GAP + 8, s.docker_y + 24 + slot * (POD_H + 6)
        s.docker_height = (
            24 + len(s.containers) * (POD_H + 6) + (34 if s.images or s.networks else 8)
        )
        y = s.docker_y + s.docker_height + GAP
    for service in s.services:
        service.arrows = [centres[p] for p in service.endpoints if p in centres]
    s.width = max(
        GAP + len(s.nodes) * (NODE_W + GAP), GAP + len(s.services) * (SERVICE_W + GAP), 320
    )
    s.height = y + GAP
