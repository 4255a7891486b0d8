"""Cluster objects for the terminal's tests, written straight into a sandbox's API store, so
these tests do not depend on controllers or kubectl (they are built on branch sim)."""

from __future__ import annotations

from typing import Any

from learn.sim import Sandbox
from learn.sim.kube.api import Store


def put(box: Sandbox, obj: dict[str, Any], status: dict[str, Any] | None = None) -> dict[str, Any]:
    store = Store.of(box.world)
    created = store.create(obj)
    if status is not None:
        created = store.update_status({**created, "status": status})
    return created


def owner(kind: str, name: str, api_version: str = "apps/v1") -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": api_version,
            "kind": kind,
            "name": name,
            "uid": f"uid-{name}",
            "controller": True,
        }
    ]


def pod(
    box: Sandbox,
    name: str,
    *,
    node: str = "",
    ready: bool = True,
    labels: dict[str, str] | None = None,
    replicaset: str = "",
    cpu: str = "100m",
    memory: str = "64Mi",
    waiting: str = "",
    unschedulable: str = "",
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": "default", "labels": labels or {}}
    if replicaset:
        meta["ownerReferences"] = owner("ReplicaSet", replicaset)
    spec: dict[str, Any] = {
        "containers": [
            {
                "name": "web",
                "image": "nginx:1.28",
                "resources": {"requests": {"cpu": cpu, "memory": memory}},
            }
        ]
    }
    if node:
        spec["nodeName"] = node
    state: dict[str, Any] = {"running": {"startedAt": "2026-01-05T09:00:05Z"}}
    if waiting:
        state = {"waiting": {"reason": waiting}}
    conditions = [{"type": "Ready", "status": "True" if ready else "False"}]
    if unschedulable:
        conditions = [
            {
                "type": "PodScheduled",
                "status": "False",
                "reason": "Unschedulable",
                "message": unschedulable,
            }
        ]
    status = {
        "phase": "Running" if node and not waiting else "Pending",
        "conditions": conditions,
        "containerStatuses": [{"name": "web", "ready": ready, "state": state}] if node else [],
    }
    return put(box, {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}, status)


def deployment(
    box: Sandbox, name: str, *, image: str, replicas: int, status: dict[str, Any]
) -> dict[str, Any]:
    obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": image}]},
            },
        },
    }
    return put(box, obj, status)


def service_with_endpoints(box: Sandbox, name: str, ready: dict[str, bool]) -> None:
    """A Service and one EndpointSlice whose endpoints are the named Pods."""
    put(
        box,
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 80}]},
        },
    )
    set_endpoints(box, name, ready)


def set_endpoints(box: Sandbox, name: str, ready: dict[str, bool]) -> None:
    store = Store.of(box.world)
    endpoints = [
        {
            "addresses": [f"10.244.1.{index}"],
            "conditions": {"ready": is_ready},
            "targetRef": {"kind": "Pod", "name": pod_name, "namespace": "default"},
        }
        for index, (pod_name, is_ready) in enumerate(sorted(ready.items()), start=2)
    ]
    obj = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": f"{name}-abcde",
            "namespace": "default",
            "labels": {"kubernetes.io/service-name": name},
        },
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": [{"port": 80, "protocol": "TCP"}],
    }
    existing = store.get("endpointslices", "default", f"{name}-abcde")
    if existing is None:
        store.create(obj)
    else:
        store.update({**obj, "metadata": {**existing["metadata"], **obj["metadata"]}})


def docker_container(
    box: Sandbox,
    name: str,
    image: str,
    status: str = "running",
    *,
    health: str | None = None,
    exit_code: int = 0,
) -> None:
    """A container record as the engine keeps it (learn/sim/docker/engine.py, on branch sim):
    `state.status` and `state.health.status` as `docker inspect` shows State, tags by image."""
    docker = box.world.state.setdefault("docker", {})
    docker.setdefault("containers", {})[f"id-{name}"] = {
        "id": f"id-{name}",
        "name": name,
        "image_ref": image,
        "state": {
            "status": status,
            "exit_code": exit_code,
            "health": {"status": health, "failing": 0, "log": []} if health else None,
        },
    }
    docker.setdefault("tags", {})[f"docker.io/library/{image}"] = f"sha256:{name}"
    docker.setdefault("networks", {}).update(
        {
            "bridge": {"name": "bridge", "builtin": True},
            "app_default": {"name": "app_default", "builtin": False},
        }
    )
