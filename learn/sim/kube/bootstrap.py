"""What a fresh cluster holds before the learner types anything, as on a new kind cluster.

The cluster's shape (its *topology*: the nodes, their sizes, labels and taints) is stored in
the state (`state["kube"]["topology"]`). Everything else a fresh cluster of that shape starts
with is derived from it (`baseline_for`), cached per topology and shared by every sandbox of
that shape, and never written into the state: the namespaces, the Node objects, the
`kubernetes` Service with the Endpoints and EndpointSlice the API server keeps for it, the
service accounts, the bootstrap RBAC policy. kube-system's workloads (coredns, kube-proxy,
kindnet, the control plane's static Pods) are not simulated: learn/sim/README.md says why. A
sandbox stores only what it changed (learn/sim/kube/api.py).

Node keys accepted by `Sandbox.new(nodes=[...])`:

    name          node name (default kind-worker, kind-worker2, ...)
    cpu           allocatable CPU, a quantity ("2", "3500m"); default "2"
    memory        allocatable memory ("4Gi"); default "4Gi"
    pods          max Pods (default 110)
    labels        extra labels
    taints        [{key, value, effect}]
    gpus          nvidia.com/gpu count (default 0)
    control_plane true for the control-plane node (tainted NoSchedule, runs the control plane)

By default: `kind-control-plane` plus two workers, `kind-worker` and `kind-worker2`.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from learn.sim.kube import api
from learn.sim.kube.resources import by_kind
from learn.sim.world import EPOCH, World

# The course (issue 13) teaches that 1.37 is current; what the course teaches behaves as in
# 1.34, whose API and messages the simulation transcribes.
KUBERNETES_VERSION = "v1.37.1"
CONTAINERD_VERSION = "containerd://2.1.4"
OS_IMAGE = "Debian GNU/Linux 12 (bookworm)"
KERNEL = "6.8.0-87-generic"
CLUSTER_NAME = "kind"
SERVICE_CIDR = "10.96.0.0/16"
POD_CIDR = "10.244.0.0/16"
# The cluster was made two minutes before the learner arrived, so AGE columns look lived-in.
CREATED_MS = -120_000

DEFAULT_NODES: tuple[dict[str, Any], ...] = (
    {"name": "kind-control-plane", "control_plane": True},
    {"name": "kind-worker"},
    {"name": "kind-worker2"},
)

# Extra baseline builders (kube-system workloads, RBAC, ...) register here; each returns
# objects to add to the baseline of a topology.
BUILDERS: list[tuple[int, str, Callable[[Mapping[str, Any]], list[dict[str, Any]]]]] = []


def builder(order: int) -> Callable[[Callable[[Mapping[str, Any]], list[dict[str, Any]]]], Any]:
    def register(fn: Callable[[Mapping[str, Any]], list[dict[str, Any]]]) -> Any:
        name = f"{fn.__module__}.{fn.__qualname__}"
        if all(existing != name for _, existing, _ in BUILDERS):
            BUILDERS.append((order, name, fn))
            BUILDERS.sort(key=lambda item: (item[0], item[1]))
            baseline_for.cache_clear()
            _BY_TOPOLOGY.clear()
        return fn

    return register


def created(offset_ms: int = 0) -> str:
    """A creationTimestamp `offset_ms` after the cluster was made."""
    import datetime as dt

    moment = EPOCH + dt.timedelta(milliseconds=CREATED_MS + offset_ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _topology(nodes: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    given = list(nodes) if nodes is not None else [dict(n) for n in DEFAULT_NODES]
    if not any(n.get("control_plane") for n in given):
        given.insert(0, {"name": "kind-control-plane", "control_plane": True})
    out = []
    workers = 0
    names: set[str] = set()
    for spec in given:
        if spec.get("control_plane"):
            name = spec.get("name") or "kind-control-plane"
        else:
            workers += 1
            name = spec.get("name") or ("kind-worker" if workers == 1 else f"kind-worker{workers}")
        if name in names:
            raise ValueError(f"two nodes named {name}")
        names.add(name)
        out.append(
            {
                "name": name,
                "control_plane": bool(spec.get("control_plane")),
                "cpu": str(spec.get("cpu", "2")),
                "memory": str(spec.get("memory", "4Gi")),
                "pods": int(spec.get("pods", 110)),
                "labels": {str(k): str(v) for k, v in (spec.get("labels") or {}).items()},
                "taints": [dict(t) for t in spec.get("taints") or []],
                "gpus": int(spec.get("gpus", 0)),
            }
        )
    return {"nodes": out}


def bootstrap(world: World, *, nodes: Sequence[Mapping[str, Any]] | None = None) -> None:
    world.state["kube"] = {
        "topology": _topology(nodes),
        "objects": {},
        "removed": [],
        "events": [],
    }


# The baseline last found for a topology dict, by identity: every read of the store asks for
# the baseline, and serialising the topology each time was most of a command's cost. The
# topology is written once (bootstrap, load) and never changed in place; holding the dict
# here keeps its id from being reused. Bounded; cleared with baseline_for.
_BY_TOPOLOGY: dict[int, tuple[dict[str, Any], dict[str, api.Object]]] = {}
_MAX_TOPOLOGIES = 256


def baseline_of(world: World) -> dict[str, api.Object]:
    kube = world.state.get("kube") or {}
    topology = kube.get("topology")
    if not topology:
        return {}
    found = _BY_TOPOLOGY.get(id(topology))
    if found is not None and found[0] is topology:
        return found[1]
    baseline = baseline_for(json.dumps(topology, sort_keys=True))
    if len(_BY_TOPOLOGY) >= _MAX_TOPOLOGIES:
        _BY_TOPOLOGY.clear()
    _BY_TOPOLOGY[id(topology)] = (topology, baseline)
    return baseline


@functools.lru_cache(maxsize=32)
def baseline_for(topology_json: str) -> dict[str, api.Object]:
    topology = json.loads(topology_json)
    objects: list[dict[str, Any]] = []
    objects += _namespaces()
    objects += [_node(spec, index) for index, spec in enumerate(topology["nodes"])]
    objects += _default_services()
    objects += _apiserver_endpoints(topology)
    for _order, _name, build in BUILDERS:
        objects += build(topology)
    out: dict[str, api.Object] = {}
    for rv, obj in enumerate(objects, start=1):
        resource = by_kind(obj["apiVersion"], obj["kind"])
        if resource is None:
            raise ValueError(f"baseline object of unknown kind {obj['kind']}")
        meta = obj["metadata"]
        meta.setdefault("creationTimestamp", created())
        meta.setdefault("resourceVersion", str(rv))
        meta.setdefault("uid", _uid(resource.name, meta.get("namespace", ""), meta["name"]))
        out[api.key_of(resource, meta.get("namespace", ""), meta["name"])] = obj
    return out


def _uid(*parts: str) -> str:
    import hashlib

    h = hashlib.sha256("/".join(("bootstrap", *parts)).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def _namespaces() -> list[dict[str, Any]]:
    out = []
    for name in ("default", "kube-node-lease", "kube-public", "kube-system", "local-path-storage"):
        out.append(
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
                "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"},
            }
        )
    return out


def node_ip(index: int) -> str:
    return f"172.18.0.{index + 2}"


def _node(spec: Mapping[str, Any], index: int) -> dict[str, Any]:
    name = spec["name"]
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    }
    taints = [copy.deepcopy(t) for t in spec["taints"]]
    if spec["control_plane"]:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        if not any(t.get("key") == "node-role.kubernetes.io/control-plane" for t in taints):
            taints.insert(
                0, {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
            )
    labels.update(spec["labels"])
    capacity = {
        "cpu": spec["cpu"],
        "ephemeral-storage": "102625208Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": spec["memory"],
        "pods": str(spec["pods"]),
    }
    if spec["gpus"]:
        capacity["nvidia.com/gpu"] = str(spec["gpus"])
    node_spec: dict[str, Any] = {
        "podCIDR": f"10.244.{index}.0/24",
        "podCIDRs": [f"10.244.{index}.0/24"],
        "providerID": f"kind://docker/{CLUSTER_NAME}/{name}",
    }
    if taints:
        node_spec["taints"] = taints
    at = created(index * 15_000)
    conditions = [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "creationTimestamp": at,
        },
        "spec": node_spec,
        "status": {
            "addresses": [
                {"address": node_ip(index), "type": "InternalIP"},
                {"address": name, "type": "Hostname"},
            ],
            "allocatable": dict(capacity),
            "capacity": dict(capacity),
            "conditions": [
                {
                    "type": kind,
                    "status": status,
                    "reason": reason,
                    "message": message,
                    "lastHeartbeatTime": at,
                    "lastTransitionTime": at,
                }
                for kind, status, reason, message in conditions
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": _uid("boot", name),
                "containerRuntimeVersion": CONTAINERD_VERSION,
                "kernelVersion": KERNEL,
                "kubeProxyVersion": "",
                "kubeletVersion": KUBERNETES_VERSION,
                "machineID": _uid("machine", name).replace("-", ""),
                "operatingSystem": "linux",
                "osImage": OS_IMAGE,
                "systemUUID": _uid("system", name),
            },
        },
    }


def _default_services() -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"},
            },
            "spec": {
                "clusterIP": "10.96.0.1",
                "clusterIPs": ["10.96.0.1"],
                "internalTrafficPolicy": "Cluster",
                "ipFamilies": ["IPv4"],
                "ipFamilyPolicy": "SingleStack",
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
                "sessionAffinity": "None",
                "type": "ClusterIP",
            },
            "status": {"loadBalancer": {}},
        },
    ]


def _apiserver_endpoints(topology: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The `kubernetes` Service's Endpoints and EndpointSlice, which the API server itself
    keeps (pkg/controlplane/reconcilers/lease.go and endpointsadapter.go): the control-plane
    node's address, port 6443. The Service has no selector, so no controller touches them."""
    index = next(
        (i for i, n in enumerate(topology["nodes"]) if n.get("control_plane")),
        None,
    )
    if index is None:
        return []
    ip = node_ip(index)
    port = {"name": "https", "port": 6443, "protocol": "TCP"}
    return [
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"},
            },
            "subsets": [{"addresses": [{"ip": ip}], "ports": [dict(port)]}],
        },
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"kubernetes.io/service-name": "kubernetes"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": [ip], "conditions": {"ready": True}}],
            "ports": [dict(port)],
        },
    ]


api.BASELINE_OF[:] = [baseline_of]
