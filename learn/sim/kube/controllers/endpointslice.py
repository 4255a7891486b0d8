"""The EndpointSlice controller (pkg/controller/endpointslice), order 150.

For each Service with a selector, one EndpointSlice (`<service>-<5 chars>`, labelled
`kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by`, owned by the
Service) lists the selected Pods that have an IP and are not terminal, each with the
conditions upstream's `podToEndpoint` gives it:

    ready        the Pod is Ready and not terminating (or publishNotReadyAddresses)
    serving      the Pod is Ready, terminating or not (or publishNotReadyAddresses)
    terminating  the Pod has a deletionTimestamp

and `ports` with each Service port's target port resolved (a named targetPort by the Pod's
container ports; Pods that resolve it differently get their own slice, as upstream groups
endpoints by port mapping). Legacy `Endpoints` objects are not written (the `kubernetes`
Service's, which the API server keeps, is in the bootstrap baseline).

An observer records the number of ready endpoints of every Service in the history
(`endpoints.ready/<namespace>/<service>`), so a lab can ask whether a rollout ever dropped
below a number of ready endpoints.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from learn.sim import clock
from learn.sim.kube import api
from learn.sim.kube.api import ApiError, Store, copy_of
from learn.sim.kube.controllers import util
from learn.sim.world import World

MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
CONTROLLER = "endpointslice-controller.k8s.io"
SERVICE_NAME = "kubernetes.io/service-name"


def _target_port(pod: util.Obj, service_port: util.Obj) -> int | None:
    """podutil.FindPort: a number as is, a name by the Pod's container ports."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = service_port.get("protocol", "TCP")
    for container in (pod.get("spec") or {}).get("containers") or []:
        for cp in container.get("ports") or []:
            if cp.get("name") == target and cp.get("protocol", "TCP") == protocol:
                return int(cp.get("containerPort", 0))
    return None


def pod_to_endpoint(pod: util.Obj, node: util.Obj | None, service: util.Obj) -> dict[str, Any]:
    """podToEndpoint (pkg/controller/endpointslice/utils.go)."""
    publish_not_ready = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
    terminating = bool(pod["metadata"].get("deletionTimestamp"))
    ready = publish_not_ready or (util.is_pod_ready(pod) and not terminating)
    serving = util.is_pod_ready(pod)
    status = pod.get("status") or {}
    ips = [ip.get("ip") for ip in status.get("podIPs") or []] or [status.get("podIP")]
    endpoint: dict[str, Any] = {
        "addresses": [ips[0]],
        "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
    }
    spec = pod.get("spec") or {}
    if spec.get("hostname") and spec.get("subdomain") == service["metadata"]["name"]:
        endpoint["hostname"] = spec["hostname"]
    zone = (((node or {}).get("metadata") or {}).get("labels") or {}).get(
        "topology.kubernetes.io/zone"
    )
    if zone:
        endpoint["zone"] = zone
    node_name = spec.get("nodeName")
    if node_name:
        endpoint["nodeName"] = node_name
    endpoint["targetRef"] = {
        "kind": "Pod",
        "name": pod["metadata"]["name"],
        "namespace": pod["metadata"].get("namespace", "default"),
        "uid": pod["metadata"].get("uid", ""),
    }
    return endpoint


def desired_slices(
    service: util.Obj, pods: list[Any], nodes: dict[str, Any] | None = None
) -> list[tuple[list[Any], list[Any]]]:
    """[(ports, endpoints)], one entry per distinct port mapping, endpoints by Pod name."""
    spec = service.get("spec") or {}
    nodes = nodes or {}
    groups: dict[str, tuple[list[Any], list[Any]]] = {}
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        status = pod.get("status") or {}
        if status.get("phase") in ("Succeeded", "Failed") or not status.get("podIP"):
            continue
        ports = []
        for sp in spec.get("ports") or []:
            number = _target_port(pod, sp)
            if number is None:
                continue
            ports.append(
                {"name": sp.get("name", ""), "port": number, "protocol": sp.get("protocol", "TCP")}
            )
        key = repr(ports)
        node = nodes.get((pod.get("spec") or {}).get("nodeName") or "")
        groups.setdefault(key, (ports, []))[1].append(pod_to_endpoint(pod, node, service))
    if not groups:
        ports = [
            {"name": sp.get("name", ""), "protocol": sp.get("protocol", "TCP")}
            for sp in spec.get("ports") or []
        ]
        return [(ports, [])]
    return [groups[k] for k in sorted(groups)]


def _slice(service: util.Obj, ports: list[Any], endpoints: list[Any]) -> dict[str, Any]:
    labels = {
        k: v
        for k, v in (service["metadata"].get("labels") or {}).items()
        if k not in (MANAGED_BY, SERVICE_NAME)
    }
    labels[MANAGED_BY] = CONTROLLER
    labels[SERVICE_NAME] = service["metadata"]["name"]
    if (service.get("spec") or {}).get("clusterIP") == "None":
        labels["service.kubernetes.io/headless"] = ""
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "generateName": f"{service['metadata']['name']}-",
            "namespace": service["metadata"].get("namespace", "default"),
            "labels": labels,
            "ownerReferences": [api.owner_reference(service)],
        },
        "addressType": "IPv4",
        "endpoints": endpoints or None,
        "ports": ports or None,
    }


@clock.reconciler(150)
@util.skip_when_idle("endpointslice")
def reconcile(world: World) -> bool:
    store = Store.of(world)
    services = [
        s
        for s in store.list("services")
        if (s.get("spec") or {}).get("selector") and not s["metadata"].get("deletionTimestamp")
    ]
    slices = store.list("endpointslices")
    if not services and not slices:
        return False
    pods_by_ns: dict[str, list[Any]] = defaultdict(list)
    for pod in store.list("pods"):
        pods_by_ns[pod["metadata"].get("namespace", "default")].append(pod)
    slices_by_service: dict[str, list[Any]] = defaultdict(list)
    for s in slices:
        labels = s["metadata"].get("labels") or {}
        if labels.get(MANAGED_BY) == CONTROLLER:
            slices_by_service[f"{s['metadata']['namespace']}/{labels.get(SERVICE_NAME)}"].append(s)
    nodes = {n["metadata"]["name"]: n for n in store.list("nodes")}
    changed = False
    for service in services:
        ns = service["metadata"].get("namespace", "default")
        selector = service["spec"]["selector"]
        selected = [
            p
            for p in pods_by_ns.get(ns, [])
            if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in selector.items())
        ]
        existing = sorted(
            slices_by_service.pop(f"{ns}/{service['metadata']['name']}", []),
            key=lambda s: s["metadata"]["name"],
        )
        desired = desired_slices(service, selected, nodes)
        for index, (ports, endpoints) in enumerate(desired):
            want = _slice(service, ports, endpoints)
            if index < len(existing):
                current = existing[index]
                if (
                    current.get("endpoints") == want["endpoints"]
                    and current.get("ports") == want["ports"]
                    and current["metadata"].get("labels") == want["metadata"]["labels"]
                ):
                    continue
                new = copy_of(current)
                new["endpoints"] = want["endpoints"]
                new["ports"] = want["ports"]
                new["metadata"]["labels"] = want["metadata"]["labels"]
                store.update(new)
            else:
                try:
                    store.create(want)
                except ApiError:
                    continue
            changed = True
        for extra in existing[len(desired) :]:
            store.delete("endpointslices", ns, extra["metadata"]["name"])
            changed = True
    # Slices of Services that are gone or lost their selector.
    for leftovers in slices_by_service.values():
        for s in leftovers:
            store.delete("endpointslices", s["metadata"]["namespace"], s["metadata"]["name"])
            changed = True
    return changed


@clock.observer(50)
def record_ready_endpoints(world: World) -> None:
    store = Store.of(world)
    counts: dict[str, int] = defaultdict(int)
    for s in store.list("endpointslices"):
        labels = s["metadata"].get("labels") or {}
        if SERVICE_NAME not in labels:
            continue
        key = f"endpoints.ready/{s['metadata']['namespace']}/{labels[SERVICE_NAME]}"
        counts[key] += sum(
            1 for e in s.get("endpoints") or [] if (e.get("conditions") or {}).get("ready")
        )
    for service in store.list("services"):
        if (service.get("spec") or {}).get("selector"):
            key = (
                f"endpoints.ready/{service['metadata']['namespace']}/{service['metadata']['name']}"
            )
            world.record(key, counts.get(key, 0))
