"""Sandbox goals: a small, declarative vocabulary checked on a sandbox's state and history.

A goal is a YAML mapping in a lesson's `sandbox` block (lessons/README.md lists them with
examples). Each kind reads the cluster as `kubectl get -o json` would show it (through the
simulated API server's store, learn/sim/kube/api.py), the sandbox's recorded history
(World.record / history_of) or the commands the learner ran (the sandbox's log):

    field        an object's field equals a value
                 {object: deployment/web, field: spec.replicas, equals: 3}
    pods_ready   at least N Pods with a label are Ready
                 {pods_ready: 3, selector: app=web}
    deployment   a Deployment runs an image, its rollout complete on N available replicas
                 {deployment: web, image: nginx:1.28, available: 3}
    never_below  a Service never had fewer ready endpoints, once it had them
                 {service: web, never_below: 3}
    ran          the learner ran a command and it exited with a code
                 {ran: kubectl auth can-i, exit_code: 1}
    container    a Docker container is running, or running and healthy; optionally from an
                 image and attached to a network
                 {container: app-web-1, state: healthy}
                 {container: web, network: appnet, image: nginx:1.28}

Every kind takes an optional `namespace` (default `default`) and an optional `text`, the
sentence the learner sees in the checklist (otherwise one is written from the goal).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from learn.sim import Sandbox, clock
from learn.sim.kube.api import Store
from learn.sim.kube.resources import lookup
from learn.sim.world import World

NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
LABEL = re.compile(r"^([a-z0-9A-Z][-a-z0-9A-Z_./]{0,252})=([-a-z0-9A-Z_.]{0,63})$")
COMMON = {"text", "namespace"}
KINDS: dict[str, set[str]] = {
    "field": {"object", "field", "equals"},
    "pods_ready": {"pods_ready", "selector"},
    "deployment": {"deployment", "image", "available"},
    "never_below": {"service", "never_below"},
    "ran": {"ran", "exit_code"},
    "container": {"container", "state", "network", "image"},
}
CONTAINER_STATES = ("running", "healthy")
# The key that tells a goal's kind apart (a goal has exactly one of these).
MARKERS = {
    "object": "field",
    "pods_ready": "pods_ready",
    "deployment": "deployment",
    "never_below": "never_below",
    "ran": "ran",
    "container": "container",
}

# What the history observer records, per Service: the number of ready endpoints.
READY_KEY = "sandbox.ready-endpoints/{namespace}/{name}"


@dataclass(frozen=True)
class GoalResult:
    text: str
    met: bool


def kind_of(goal: Mapping[str, Any]) -> str | None:
    found = [MARKERS[k] for k in goal if k in MARKERS]
    return found[0] if len(found) == 1 else None


def _whole(value: Any, *, least: int = 0) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def parse_selector(text: str) -> dict[str, str] | None:
    """`app=web,tier=front` as a dict; None when it is not equality-based label selector text."""
    labels: dict[str, str] = {}
    for part in text.split(","):
        match = LABEL.match(part.strip())
        if not match:
            return None
        labels[match.group(1)] = match.group(2)
    return labels or None


def spec_problems(goal: Any) -> Iterator[str]:
    """What is wrong with one goal as written in a lesson (nothing: it is well formed)."""
    if not isinstance(goal, dict):
        yield "a goal must be a mapping (see lessons/README.md for the goal kinds)"
        return
    kind = kind_of(goal)
    if kind is None:
        yield (
            "a goal needs exactly one of object, pods_ready, deployment, never_below, ran or "
            "container "
            f"(got {', '.join(sorted(map(str, goal))) or 'nothing'})"
        )
        return
    for key in goal:
        if key not in KINDS[kind] | COMMON:
            yield f"unknown key {key!r} in a {kind} goal"
    namespace = goal.get("namespace", "default")
    if not isinstance(namespace, str) or not NAME.match(namespace):
        yield f"namespace must be a Kubernetes name (got {namespace!r})"
    if "text" in goal and (not isinstance(goal["text"], str) or not goal["text"].strip()):
        yield "a goal's text must be a sentence"
    if kind == "field":
        target = goal.get("object")
        resource, _, name = str(target).partition("/")
        if not isinstance(target, str) or not name or lookup(resource) is None:
            yield f"object must be resource/name, e.g. deployment/web (got {target!r})"
        path = goal.get("field")
        if not isinstance(path, str) or not all(path.split(".")):
            yield f"field must be a dotted path such as spec.replicas (got {path!r})"
        if "equals" not in goal:
            yield "a field goal needs equals"
    elif kind == "pods_ready":
        if not _whole(goal.get("pods_ready"), least=1):
            yield "pods_ready must be a whole number of Pods, 1 or more"
        selector = goal.get("selector")
        if not isinstance(selector, str) or parse_selector(selector) is None:
            yield f"selector must be label=value pairs, e.g. app=web (got {selector!r})"
    elif kind == "deployment":
        if not isinstance(goal.get("deployment"), str) or not NAME.match(goal["deployment"]):
            yield "deployment must be the Deployment's name"
        if "image" not in goal and "available" not in goal:
            yield "a deployment goal needs image, available or both"
        if "image" in goal and (not isinstance(goal["image"], str) or not goal["image"]):
            yield "image must be an image reference such as nginx:1.28"
        if "available" in goal and not _whole(goal["available"]):
            yield "available must be a whole number of replicas"
    elif kind == "never_below":
        if not isinstance(goal.get("service"), str) or not NAME.match(goal["service"]):
            yield "a never_below goal needs service: the Service's name"
        if not _whole(goal.get("never_below"), least=1):
            yield "never_below must be a whole number of endpoints, 1 or more"
    elif kind == "ran":
        if not isinstance(goal.get("ran"), str) or not goal["ran"].strip():
            yield "ran must be the start of a command line, e.g. kubectl auth can-i"
        if not _whole(goal.get("exit_code", 0)):
            yield "exit_code must be a whole number"
    elif kind == "container":
        if not isinstance(goal.get("container"), str) or not goal["container"].strip():
            yield "container must be the container's name, e.g. app-web-1"
        if goal.get("state", "running") not in CONTAINER_STATES:
            yield f"state must be one of {', '.join(CONTAINER_STATES)}"
        for key in ("network", "image"):
            if key in goal and (not isinstance(goal[key], str) or not goal[key].strip()):
                yield f"{key} must be a Docker {key} name, e.g. " + (
                    "appnet" if key == "network" else "nginx:1.28"
                )


def describe(goal: Mapping[str, Any]) -> str:
    """The sentence the learner reads for a goal."""
    if goal.get("text"):
        return str(goal["text"])
    kind = kind_of(goal)
    where = "" if goal.get("namespace", "default") == "default" else f" in {goal['namespace']}"
    if kind == "field":
        return f"{goal['object']}{where} has {goal['field']} = {goal['equals']}"
    if kind == "pods_ready":
        return f"{goal['pods_ready']} Pods labelled {goal['selector']}{where} are Ready"
    if kind == "deployment":
        parts = []
        if "image" in goal:
            parts.append(f"runs {goal['image']}")
        if "available" in goal:
            parts.append(f"has {goal['available']} available replicas, all updated")
        return f"deployment/{goal['deployment']}{where} " + " and ".join(parts)
    if kind == "never_below":
        return (
            f"service/{goal['service']}{where} never had fewer than {goal['never_below']} "
            "ready endpoints once it reached them"
        )
    if kind == "container":
        text = f"container {goal['container']} is {goal.get('state', 'running')}"
        if "image" in goal:
            text += f" from {goal['image']}"
        if "network" in goal:
            text += f" on network {goal['network']}"
        return text
    code = goal.get("exit_code", 0)
    return f"you ran `{goal['ran']}` and it exited with code {code}"


# ---------------------------------------------------------------------- evaluation


def _dig(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(obj, dict):
            obj = obj.get(part)
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return None
    return obj


def _is_ready(pod: Mapping[str, Any]) -> bool:
    if pod.get("metadata", {}).get("deletionTimestamp"):
        return False
    for condition in pod.get("status", {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return bool(condition.get("status") == "True")
    return False


def ready_endpoint_list(store: Store, namespace: str, service: str) -> list[dict[str, Any]]:
    """A Service's ready endpoints, from its EndpointSlices as kube-proxy reads them: an
    endpoint serves when `conditions.ready` is true (discovery.k8s.io/v1)."""

    def owned(labels: Mapping[str, str]) -> bool:
        return labels.get("kubernetes.io/service-name") == service

    return [
        endpoint
        for item in store.list("endpointslices", namespace, selector=owned)
        for endpoint in item.get("endpoints") or []
        if (endpoint.get("conditions") or {}).get("ready") is True
    ]


def ready_endpoints(store: Store, namespace: str, service: str) -> int:
    addresses = {
        a for e in ready_endpoint_list(store, namespace, service) for a in e.get("addresses") or []
    }
    return len(addresses)


@clock.observer(900)
def record_ready_endpoints(world: World) -> None:
    """After every fixpoint, remember each Service's ready endpoint count, so a goal can ask
    whether any moment of a rollout had fewer (the history keeps only changes)."""
    if "kube" not in world.state:
        return
    store = Store.of(world)
    for service in store.list("services"):
        meta = service["metadata"]
        if meta.get("namespace") in ("kube-system",) or meta["name"] == "kubernetes":
            continue
        key = READY_KEY.format(namespace=meta["namespace"], name=meta["name"])
        world.record(key, ready_endpoints(store, meta["namespace"], meta["name"]))


def _met(box: Sandbox, goal: Mapping[str, Any]) -> bool:
    world = box.world
    store = Store.of(world)
    namespace = str(goal.get("namespace", "default"))
    kind = kind_of(goal)
    if kind == "field":
        resource, _, name = str(goal["object"]).partition("/")
        res = lookup(resource)
        if res is None:
            return False
        obj = store.get(res, namespace if res.namespaced else "", name)
        return obj is not None and _dig(obj, str(goal["field"])) == goal["equals"]
    if kind == "pods_ready":
        wanted = parse_selector(str(goal["selector"])) or {}
        pods = store.list(
            "pods",
            namespace,
            selector=lambda labels: all(labels.get(k) == v for k, v in wanted.items()),
        )
        return sum(1 for pod in pods if _is_ready(pod)) >= int(goal["pods_ready"])
    if kind == "deployment":
        deployment = store.get("deployments", namespace, str(goal["deployment"]))
        if deployment is None:
            return False
        if "image" in goal:
            containers = _dig(deployment, "spec.template.spec.containers") or []
            if goal["image"] not in [c.get("image") for c in containers]:
                return False
        if "available" in goal:
            # The rollout is complete as DeploymentComplete defines it
            # (kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go):
            # every replica updated and available, and the newest spec observed.
            want = int(goal["available"])
            status = deployment.get("status") or {}
            meta = deployment["metadata"]
            if _dig(deployment, "spec.replicas") != want:
                return False
            if int(status.get("observedGeneration", 0)) < int(meta.get("generation", 1)):
                return False
            for field in ("updatedReplicas", "availableReplicas", "replicas"):
                if int(status.get(field, 0)) != want:
                    return False
        return True
    if kind == "never_below":
        floor = int(goal["never_below"])
        key = READY_KEY.format(namespace=namespace, name=goal["service"])
        reached = False
        for _at, value in world.history_of(key):
            if reached and value < floor:
                return False
            reached = reached or value >= floor
        # The history was cut short: the moments that were dropped cannot be vouched for.
        return reached and not world.state.get("history_truncated")
    if kind == "ran":
        prefix = " ".join(str(goal["ran"]).split())
        code = int(goal.get("exit_code", 0))
        return any(
            (" ".join(line.split()) + " ").startswith(prefix + " ") and exit_code == code
            for _at, line, exit_code in world.state.get("log", [])
        )
    if kind == "container":
        # The engine's records (learn/sim/docker/engine.py): state.status as `docker inspect`
        # shows State.Status, state.health.status as State.Health.Status.
        name = str(goal["container"]).lstrip("/")
        for container in docker_containers(world.state):
            if container.get("name") != name:
                continue
            st = container.get("state") or {}
            if st.get("status") != "running":
                return False
            # image_ref is the reference it was run from (`docker ps`'s IMAGE column);
            # networks the ones it is attached to (NetworkSettings.Networks).
            if "image" in goal and container.get("image_ref") != goal["image"]:
                return False
            if "network" in goal and goal["network"] not in (container.get("networks") or {}):
                return False
            if goal.get("state") == "healthy":
                return bool((st.get("health") or {}).get("status") == "healthy")
            return True
    return False


def docker_containers(state: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Docker host's container records, by name."""
    containers = (state.get("docker") or {}).get("containers") or {}
    return sorted(containers.values(), key=lambda c: str(c.get("name", "")))


def evaluate(box: Sandbox, goals: Sequence[Mapping[str, Any]]) -> list[GoalResult]:
    return [GoalResult(describe(goal), _met(box, goal)) for goal in goals]


def all_met(results: list[GoalResult]) -> bool:
    return bool(results) and all(r.met for r in results)
