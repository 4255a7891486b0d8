"""Outcome checks: what must be true once the learner's file has run on a fresh sandbox.

A lab lists them under `checks.outcomes` (lessons/README.md, "Outcomes"), one sentence each:

    deployment/web: 3 of 3 available          the rollout is complete (DeploymentComplete)
    pod/web: ready                            the Pod's Ready condition is True
    service/web: 3 ready endpoints            the EndpointSlices hold 3 ready addresses
    can-i create deployments as dana@example.com -n prod: no     `kubectl auth can-i`

The file is applied to a fresh `learn.sim.Sandbox` (the lab's world: the course app's images,
two workers), time passes (`SETTLE_SECONDS`), and each outcome reads the cluster through the
simulated API server's store, as `kubectl get -o json` would show it. When one fails, the
learner sees what a real cluster would have shown them: the apply output, the Pods' STATUS,
the warning events, the logs of a crashing container.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from learn.sim import Sandbox, SandboxError
from learn.sim.images import learn_web_images
from learn.sim.kube.api import Store

# Long enough for a pull (about 5 s), a start and a few readiness periods, short enough that a
# CrashLoopBackOff has shown itself (restarts at 10 s, 20 s, 40 s).
SETTLE_SECONDS = 60
FILE = "lab.yaml"

# The lab's world: the course app under the names the labs use. The image carries a secret key
# so that the app starts without one in the learner's manifest (the labs do not teach Secrets).
_LAB_TAGS = {tag: {"version": "0.1.0"} for tag in ("0.1.0", "3f9c2a1")} | {
    "0.2.0": {"version": "0.2.0"}
}
LAB_IMAGES: dict[str, Any] = {
    repo: {**spec, "config": {"env": {"DJANGO_SECRET_KEY": "lab-world-image-default-key"}}}
    for repo, spec in learn_web_images(
        ("registry.example.com/learn/web", "docker.io/library/learn-web"), _LAB_TAGS
    ).items()
}

_NAME = r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?"
DEPLOYMENT = re.compile(
    rf"^deployment/(?P<name>{_NAME}): (?P<n>\d{{1,3}}) of (?P<m>\d{{1,3}}) available$"
)
POD = re.compile(rf"^pod/(?P<name>{_NAME}): ready$")
RUNNING = re.compile(
    rf"^(?P<what>pod|deployment)/(?P<name>{_NAME}): (?:(?P<n>\d{{1,3}}) )?running, probes answered$"
)
SIDECAR = re.compile(rf"^pod/(?P<name>{_NAME}): (?P<container>{_NAME}) runs as a native sidecar$")
ENDPOINTS = re.compile(rf"^service/(?P<name>{_NAME}): (?P<n>\d{{1,3}}) ready endpoints?$")
CAN_I = re.compile(
    r"^can-i (?P<verb>[a-z*]+) (?P<resource>[a-z*][a-z./*-]*)(?: (?P<rname>[a-z0-9][-a-z0-9.]*))?"
    r" as (?P<subject>[^\s:]+(?::[^\s:]+)*)(?: -n (?P<ns>[a-z0-9-]+))?: (?P<answer>yes|no)$"
)
FORMS = {
    "kubernetes": (DEPLOYMENT, POD, RUNNING, SIDECAR, ENDPOINTS),
    "rbac": (CAN_I,),
}
SHAPES = {
    "kubernetes": (
        "deployment/NAME: N of N available, pod/NAME: ready, pod/NAME: running, probes "
        "answered, deployment/NAME: N running, probes answered, "
        "pod/NAME: CONTAINER runs as a native sidecar, service/NAME: N ready endpoints"
    ),
    "rbac": "can-i VERB RESOURCE as SUBJECT [-n NAMESPACE]: yes|no",
}


@dataclass(frozen=True)
class Outcome:
    name: str
    passed: bool
    message: str
    line: int | None = None
    hint: str = ""


def sentence(item: Any) -> str | None:
    """An outcome as its sentence. In YAML `- pod/web: ready` is a one-key mapping and `yes`
    a boolean, so both spellings are read back into the sentence the author wrote."""
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and len(item) == 1:
        ((key, value),) = item.items()
        if isinstance(value, bool):
            value = "yes" if value else "no"
        if isinstance(key, str) and isinstance(value, str | int):
            return f"{key}: {value}"
    return None


def _forms() -> tuple[dict[str, tuple[re.Pattern[str], ...]], dict[str, str]]:
    """Every kind's outcome sentences: the cluster's here, the Docker host's beside them."""
    from learn.labs import docker_outcomes

    return FORMS | docker_outcomes.FORMS, SHAPES | docker_outcomes.SHAPES


def spec_problems(kind: str, outcomes: Any) -> Iterator[str]:
    """Why a lab's `outcomes` list is not valid for its kind (nothing when it is)."""
    forms, shapes = _forms()
    if kind not in forms:
        yield f"a {kind} lab has no outcome checks (outcomes exist for {', '.join(forms)})"
        return
    if not isinstance(outcomes, list) or not outcomes:
        yield "outcomes must be a non-empty list of sentences"
        return
    for index, raw in enumerate(outcomes):
        item = sentence(raw)
        if item is None or not any(f.match(item) for f in forms[kind]):
            yield (
                f"outcomes[{index}] {str(raw)[:80]!r} is not an outcome of a {kind} lab; "
                f"write one of: {shapes[kind]}"
            )


# ---------------------------------------------------------------------- what happened


def _ready(pod: dict[str, Any]) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def _story(box: Sandbox, pods: Sequence[dict[str, Any]]) -> str:
    """What the learner would look at on a real cluster: the Pods, warning events, logs."""
    parts = []
    code, out = box.run("kubectl get pods")
    if code == 0 and out.strip():
        parts.append("$ kubectl get pods\n" + out.rstrip())
    code, out = box.run("kubectl events --types=Warning")
    if code == 0 and out.strip():
        lines = out.rstrip().splitlines()
        shown = lines if len(lines) <= 7 else lines[:1] + lines[-6:]
        parts.append("$ kubectl events --types=Warning\n" + "\n".join(shown))
    for pod in pods[:1]:
        if _ready(pod):
            continue
        statuses = (pod.get("status") or {}).get("containerStatuses") or []
        if any(s.get("restartCount", 0) for s in statuses):
            name = pod["metadata"]["name"]
            code, out = box.run(f"kubectl logs {name} --previous --tail=3")
            if code == 0 and out.strip():
                parts.append(f"$ kubectl logs {name} --previous --tail=3\n" + out.rstrip())
    return "\n\n".join(parts)


def _refused_probes(store: Store, pods: Sequence[dict[str, Any]]) -> list[str]:
    """Probe failures where nothing listened: the probe names a port the app does not serve."""
    return [
        str(event.get("message", ""))
        for pod in pods
        for event in store.events_for(pod)
        if event.get("reason") == "Unhealthy"
        and "connection refused" in str(event.get("message", ""))
    ]


def _check_running(box: Sandbox, store: Store, outcome: str, m: re.Match[str]) -> Outcome:
    """Every container runs without a restart and every probe reached a listening port (the
    app may still answer 503 to /readyz: the labs' clusters have no database for it)."""
    if m["what"] == "pod":
        pod = store.get("pods", "default", m["name"])
        pods = [pod] if pod else []
        want = 1
    else:
        deployment = store.get("deployments", "default", m["name"])
        if deployment is None:
            return Outcome(outcome, False, f'No Deployment "{m["name"]}" was created.')
        uid = deployment["metadata"]["uid"]
        sets = {
            rs["metadata"]["uid"]
            for rs in store.list("replicasets", "default")
            if any(o.get("uid") == uid for o in rs["metadata"].get("ownerReferences") or [])
        }
        pods = [
            p
            for p in store.list("pods", "default")
            if any(o.get("uid") in sets for o in p["metadata"].get("ownerReferences") or [])
        ]
        want = int(m["n"] or 1)
    if not pods:
        return Outcome(outcome, False, f'No Pod of {m["what"]} "{m["name"]}" was created.')

    def healthy(pod: dict[str, Any]) -> bool:
        status = pod.get("status") or {}
        statuses = status.get("containerStatuses") or []
        return (
            status.get("phase") == "Running"
            and bool(statuses)
            and all("running" in (s.get("state") or {}) for s in statuses)
            and all(int(s.get("restartCount", 0)) == 0 for s in statuses)
        )

    running = [pod for pod in pods if healthy(pod)]
    refused = _refused_probes(store, pods)
    if len(running) >= want and not refused:
        return Outcome(
            outcome,
            True,
            f"After {SETTLE_SECONDS}s on a cluster, {len(running)} Pod(s) run with no restart "
            "and every probe reached a port the app listens on.",
        )
    why = f"{len(running)} of {want} Pod(s) running with no restart"
    if refused:
        why += f"; a probe found nothing listening: {refused[0]}"
    return Outcome(
        outcome,
        False,
        f"After {SETTLE_SECONDS}s on a cluster: {why}.\n\n{_story(box, pods)}",
        hint="Compare each probe's port with the port the app listens on, and read the events.",
    )


def _check_kube(box: Sandbox, outcome: str) -> Outcome:
    store = Store.of(box.world)
    if m := DEPLOYMENT.match(outcome):
        want, of = int(m["n"]), int(m["m"])
        deployment = store.get("deployments", "default", m["name"])
        if deployment is None:
            return Outcome(outcome, False, f'No Deployment "{m["name"]}" was created.')
        status = deployment.get("status") or {}
        replicas = (deployment.get("spec") or {}).get("replicas")
        available = int(status.get("availableReplicas", 0))
        updated = int(status.get("updatedReplicas", 0))
        # DeploymentComplete (kubernetes pkg/controller/deployment/util/deployment_util.go):
        # every wanted replica updated and available, no old ones left.
        ok = (
            replicas == of
            and available >= want
            and updated == of
            and int(status.get("replicas", 0)) == of
        )
        pods = store.list(
            "pods",
            "default",
            selector=lambda labels: all(
                labels.get(k) == v
                for k, v in ((deployment.get("spec") or {}).get("selector") or {})
                .get("matchLabels", {})
                .items()
            ),
        )
        if ok:
            return Outcome(
                outcome,
                True,
                f"After {SETTLE_SECONDS}s on a cluster, Deployment {m['name']} has "
                f"{available}/{replicas} replicas available.",
            )
        return Outcome(
            outcome,
            False,
            f"After {SETTLE_SECONDS}s on a cluster, Deployment {m['name']} has {available} of "
            f"{replicas} replicas available (wanted {want} of {of}).\n\n{_story(box, pods)}",
            hint="Read the Pod STATUS and the events: they say why a replica is not available.",
        )
    if m := POD.match(outcome):
        pod = store.get("pods", "default", m["name"])
        if pod is None:
            return Outcome(outcome, False, f'No Pod "{m["name"]}" was created.')
        if _ready(pod):
            return Outcome(
                outcome, True, f"After {SETTLE_SECONDS}s on a cluster, Pod {m['name']} is Ready."
            )
        return Outcome(
            outcome,
            False,
            f"After {SETTLE_SECONDS}s on a cluster, Pod {m['name']} is not Ready.\n\n"
            f"{_story(box, [pod])}",
            hint="Read the STATUS and the events: they say what the kubelet saw.",
        )
    if m := RUNNING.match(outcome):
        return _check_running(box, store, outcome, m)
    if m := SIDECAR.match(outcome):
        pod = store.get("pods", "default", m["name"])
        if pod is None:
            return Outcome(outcome, False, f'No Pod "{m["name"]}" was created.')
        status = pod.get("status") or {}
        init = {s.get("name"): s for s in status.get("initContainerStatuses") or []}
        main = status.get("containerStatuses") or []
        mine = init.get(m["container"])
        if (
            mine is not None
            and "running" in (mine.get("state") or {})
            and main
            and all("running" in (c.get("state") or {}) for c in main)
        ):
            return Outcome(
                outcome,
                True,
                f"Init container {m['container']} keeps running beside the app containers, as "
                "a native sidecar does.",
            )
        where = (
            "is an init container that has not finished, so the app containers never start"
            if mine is not None
            else "runs as an ordinary container (not in initContainerStatuses)"
        )
        return Outcome(
            outcome,
            False,
            f"Container {m['container']} {where}. Only an init container with "
            f"`restartPolicy: Always` (a native sidecar) starts first and keeps running."
            f"\n\n{_story(box, [pod])}",
        )
    if m := ENDPOINTS.match(outcome):
        from learn.sandboxes.goals import ready_endpoints

        want = int(m["n"])
        if store.get("services", "default", m["name"]) is None:
            return Outcome(outcome, False, f'No Service "{m["name"]}" was created.')
        have = ready_endpoints(store, "default", m["name"])
        if have >= want:
            return Outcome(
                outcome,
                True,
                f"After {SETTLE_SECONDS}s on a cluster, Service {m['name']} has {have} ready "
                "endpoints.",
            )
        _, slices = box.run(f"kubectl get endpointslices -l kubernetes.io/service-name={m['name']}")
        return Outcome(
            outcome,
            False,
            f"After {SETTLE_SECONDS}s on a cluster, Service {m['name']} has {have} ready "
            f"endpoints (wanted {want}).\n\n$ kubectl get endpointslices\n{slices.rstrip()}"
            f"\n\n{_story(box, store.list('pods', 'default'))}",
            hint="A Pod is an endpoint when the selector matches its labels; it is ready when "
            "its readiness probe passes on the port the app listens on.",
        )
    return Outcome(outcome, False, "This outcome cannot be checked.", hint=SHAPES["kubernetes"])


def _check_can_i(box: Sandbox, outcome: str) -> Outcome:
    m = CAN_I.match(outcome)
    if m is None:
        return Outcome(outcome, False, "This outcome cannot be checked.", hint=SHAPES["rbac"])
    words = ["kubectl", "auth", "can-i", m["verb"], m["resource"]]
    if m["rname"]:
        words.append(m["rname"])
    words += ["--as", m["subject"]]
    if m["ns"]:
        words += ["-n", m["ns"]]
    command = " ".join(words)
    code, out = box.run(command)
    answer = out.strip().splitlines()[0] if out.strip() else ""
    if answer not in ("yes", "no"):
        return Outcome(outcome, False, f"$ {command}\n{out.rstrip()}")
    ok = answer == m["answer"]
    where = f"in {m['ns']}" if m["ns"] else "cluster-wide"
    message = f"On a cluster with your file applied:\n$ {command}\n{answer}"
    hint = ""
    if not ok:
        hint = (
            "A real cluster already holds the built-in roles and bindings; permissions from "
            f"every binding add up ({where})."
            if answer == "yes"
            else "No binding grants this yet: check the rule's verbs, resources and apiGroups "
            "and the binding's subject and namespace."
        )
    return Outcome(outcome, ok, message, hint=hint)


def evaluate(kind: str, text: str, items: Sequence[Any]) -> list[Outcome]:
    """Apply the learner's file to a fresh sandbox and check each outcome. Never raises on
    learner input: a file the API server refuses fails every outcome with its message."""
    if kind in ("dockerfile", "compose"):
        from learn.labs import docker_outcomes

        return docker_outcomes.evaluate(kind, text, items)
    outcomes = [sentence(item) or str(item) for item in items]
    try:
        box = Sandbox.new(seed=f"lab-{kind}", images=LAB_IMAGES)
        box.put(FILE, text)
    except SandboxError as exc:
        return [Outcome(o, False, f"The file could not be used: {exc}") for o in outcomes]
    if kind == "rbac":
        # The lab's world: the namespaces the task speaks of exist, as in the learner's cluster.
        wanted = set(re.findall(r"(?m)^\s*namespace:\s*['\"]?([a-z0-9][-a-z0-9]{0,62})", text))
        wanted |= {m["ns"] for o in outcomes if (m := CAN_I.match(o)) and m["ns"]}
        for namespace in sorted(wanted - {"default", "kube-system", "kube-public"})[:10]:
            box.run(f"kubectl create namespace {namespace}")
    code, out = box.run(f"kubectl apply -f {FILE}")
    if code != 0:
        first = _first_error_line(text, out)
        refused = (
            f"$ kubectl apply -f {FILE}\n{out.rstrip()}\n\nThe API server refused part of the "
            "file, so the cluster never ran it as written."
        )
        if kind == "kubernetes":
            return [
                Outcome(o, False, refused, line=first, hint="Fix what the API server names.")
                for o in outcomes
            ]
    if kind == "kubernetes":
        box.advance(SETTLE_SECONDS)
        return [_check_kube(box, o) for o in outcomes]
    return [_check_can_i(box, o) for o in outcomes]


def _first_error_line(text: str, out: str) -> int | None:
    """The line of the first object the API server names in its refusal, when it names one."""
    m = re.search(r'"([a-z0-9][-a-z0-9.]*)" is invalid', out)
    if not m:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^\s*name:\s*['\"]?{re.escape(m[1])}['\"]?\s*$", line):
            return number
    return None
