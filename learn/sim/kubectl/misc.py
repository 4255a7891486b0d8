"""logs, exec, auth can-i, top, explain, events, version, api-resources, cluster-info, config,
wait: the rest of what the course types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from learn.sim import clock
from learn.sim.kube.api import ApiError
from learn.sim.kube.resources import RESOURCES, Resource, lookup
from learn.sim.kubectl import printers
from learn.sim.kubectl.builder import resolve, targets
from learn.sim.kubectl.context import Ctx, KubectlError, not_simulated
from learn.sim.kubectl.flags import Flag, Parsed
from learn.sim.world import EPOCH

MAX_LOG_LINES = 2000
FOLLOW_SECONDS = 30

# --------------------------------------------------------------------------- logs

LOGS_FLAGS = [
    Flag("container", "c"),
    Flag("follow", "f", kind="bool"),
    Flag("previous", "p", kind="bool"),
    Flag("tail", kind="int", default=-1),
    Flag("since"),
    Flag("since-time"),
    Flag("timestamps", kind="bool"),
    Flag("all-containers", kind="bool"),
    Flag("selector", "l"),
    Flag("prefix", kind="bool"),
    Flag("max-log-requests", kind="int", default=5),
    Flag("pod-running-timeout", default="20s"),
    Flag("limit-bytes", kind="int", default=0),
    Flag("ignore-errors", kind="bool"),
    Flag("insecure-skip-tls-verify-backend", kind="bool"),
]


def _stamp_nano(ms: int) -> str:
    moment = EPOCH + dt.timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{(ms % 1000) * 1_000_000:09d}Z"


def _runtime(ctx: Ctx, pod: Mapping[str, Any]) -> dict[str, Any]:
    uid = (pod.get("metadata") or {}).get("uid")
    pods = (ctx.world.state.get("kubelet") or {}).get("pods") or {}
    return dict(pods.get(uid) or {})


def _lines(run: Mapping[str, Any], started: int, end: int) -> list[tuple[int, str]]:
    """What one run of a program printed between its start and `end` (the docker engine reads
    a run the same way: learn/sim/docker/engine.py, logs)."""
    out: list[tuple[int, str]] = []
    limit = end - started
    for at, line in run.get("lines") or []:
        if at <= limit:
            out.append((started + int(at), str(line)))
    repeat = run.get("repeat")
    if repeat:
        period, items = repeat
        t0 = max((int(at) for at, _ in run.get("lines") or []), default=0)
        cycles = 0
        while period and t0 + period <= limit and cycles < MAX_LOG_LINES:
            for at, line in items:
                if t0 + at <= limit:
                    out.append((started + t0 + int(at), str(line)))
            t0 += period
            cycles += 1
    return out[-MAX_LOG_LINES:]


def _container_names(pod: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    spec = pod.get("spec") or {}
    return [c.get("name", "") for c in spec.get("containers") or []], [
        c.get("name", "") for c in spec.get("initContainers") or []
    ]


def _pod_for(ctx: Ctx, arg: str, selector: str) -> list[dict[str, Any]]:
    if selector:
        from learn.sim.kubectl.selectors import SelectorError, parse_labels

        try:
            match = parse_labels(selector)
        except SelectorError as exc:
            raise KubectlError(str(exc)) from None
        return [
            dict(p)
            for p in ctx.store.list("pods", ctx.namespace)
            if match((p.get("metadata") or {}).get("labels") or {})
        ]
    if "/" in arg:
        kind, _, name = arg.partition("/")
        resource = resolve(kind)
    else:
        resource, name = resolve("pods"), arg
    ctx.store.authorize(ctx.user, "get", resource, ctx.namespace, name)
    obj = ctx.store.get(resource, ctx.namespace, name)
    if obj is None:
        raise ApiError("NotFound", f'{resource.qualified} "{name}" not found')
    if resource.name == "pods":
        return [dict(obj)]
    from learn.sim.kubectl.selectors import selector_matches

    selector_obj = (obj.get("spec") or {}).get("selector")
    if resource.name == "services":
        selector_obj = {"matchLabels": selector_obj or {}}
    pods = [
        dict(p)
        for p in ctx.store.list("pods", ctx.namespace)
        if selector_matches(selector_obj, (p.get("metadata") or {}).get("labels") or {})
        and not (p.get("metadata") or {}).get("deletionTimestamp")
    ]
    if not pods:
        raise KubectlError("timed out waiting for the condition")
    pods.sort(
        key=lambda p: (
            ((p.get("status") or {}).get("phase") != "Running"),
            p["metadata"].get("creationTimestamp", ""),
            p["metadata"]["name"],
        )
    )
    if len(pods) > 1:
        ctx.warn(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n")
    return pods[:1]


def run_logs(ctx: Ctx, flags: Parsed) -> None:
    from learn.sim.kubectl.get import parse_seconds

    args = list(flags.args)
    if not args and not flags.text("selector"):
        raise KubectlError(
            "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples"
        )
    container = flags.text("container")
    if len(args) == 2 and not container:
        container = args[1]
    if flags.on("follow"):
        clock.advance(
            ctx.world, int((parse_seconds(flags.text("request-timeout")) or FOLLOW_SECONDS) * 1000)
        )
    pods = _pod_for(ctx, args[0] if args else "", flags.text("selector"))
    for pod in pods:
        names, init_names = _container_names(pod)
        pod_name = pod["metadata"]["name"]
        if flags.on("all-containers"):
            chosen = [*init_names, *names]
        elif container:
            if container not in names and container not in init_names:
                raise ApiError(
                    "BadRequest", f"container {container} is not valid for pod {pod_name}"
                )
            chosen = [container]
        else:
            default = ((pod.get("metadata") or {}).get("annotations") or {}).get(
                "kubectl.kubernetes.io/default-container"
            )
            chosen = [default if default in names else names[0]]
            if len(names) + len(init_names) > 1:
                others = ", ".join([*names, *[f"{n} (init)" for n in init_names]])
                ctx.warn(f'Defaulted container "{chosen[0]}" out of: {others}\n')
        for name in chosen:
            lines = _container_logs(ctx, pod, name, previous=flags.on("previous"))
            since = parse_seconds(flags.text("since"))
            if since:
                lines = [
                    (at, line) for at, line in lines if at >= ctx.world.now - int(since * 1000)
                ]
            tail = int(flags.get("tail"))
            if tail >= 0:
                lines = lines[-tail:] if tail else []
            prefix = f"[pod/{pod_name}/{name}] " if flags.on("prefix") else ""
            for at, line in lines:
                stamp = _stamp_nano(at) + " " if flags.on("timestamps") else ""
                ctx.print(f"{prefix}{stamp}{line}\n")


def _container_logs(
    ctx: Ctx, pod: Mapping[str, Any], name: str, *, previous: bool
) -> list[tuple[int, str]]:
    pod_name = pod["metadata"]["name"]
    rt = _runtime(ctx, pod)
    c = (rt.get("containers") or {}).get(name)
    statuses = [
        *((pod.get("status") or {}).get("containerStatuses") or []),
        *((pod.get("status") or {}).get("initContainerStatuses") or []),
    ]
    status = next((s for s in statuses if s.get("name") == name), None)
    if previous:
        last = ((status or {}).get("lastState") or {}).get("terminated")
        if not c or not last or not c.get("run"):
            raise ApiError(
                "BadRequest",
                f'previous terminated container "{name}" in pod "{pod_name}" not found',
            )
        from learn.sim.world import World

        start = World.parse_timestamp(last["startedAt"]) if last.get("startedAt") else 0
        end = World.parse_timestamp(last["finishedAt"]) if last.get("finishedAt") else ctx.world.now
        # A restarted container runs the same program with the same inputs, so its previous
        # run printed what its current one prints over the same span of time.
        return _lines(c["run"], start, end)
    if not c or not c.get("run") or c.get("state") == "waiting" and not c.get("started_at"):
        waiting = ((status or {}).get("state") or {}).get("waiting") or {}
        reason = waiting.get("reason") or "ContainerCreating"
        if reason in {"ErrImagePull", "ImagePullBackOff"}:
            detail = (
                "trying and failing to pull image"
                if reason == "ErrImagePull"
                else "image can't be pulled"
            )
        else:
            detail = reason
        raise ApiError(
            "BadRequest", f'container "{name}" in pod "{pod_name}" is waiting to start: {detail}'
        )
    started = int(c.get("started_at") or 0)
    end = (
        int(c["finished_at"])
        if c.get("state") == "terminated" and c.get("finished_at") is not None
        else ctx.world.now
    )
    return _lines(c["run"], started, end)


# --------------------------------------------------------------------------- exec

EXEC_FLAGS = [
    Flag("container", "c"),
    Flag("stdin", "i", kind="bool"),
    Flag("tty", "t", kind="bool"),
    Flag("quiet", "q", kind="bool"),
    Flag("pod-running-timeout", default="1m0s"),
]


def run_exec(ctx: Ctx, flags: Parsed, argv_after_dash: list[str]) -> None:
    if not flags.args:
        raise KubectlError(
            "expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\nPOD or TYPE/NAME is a required argument for the exec command\nSee 'kubectl exec -h' for help and examples"
        )
    if not argv_after_dash:
        raise KubectlError("you must specify at least one command for the container")
    pods = _pod_for(ctx, flags.args[0], "")
    pod = pods[0]
    pod_name = pod["metadata"]["name"]
    ctx.store.authorize(ctx.user, "create", resolve("pods"), ctx.namespace, pod_name, "exec")
    names, _init = _container_names(pod)
    name = flags.text("container") or names[0]
    if name not in names:
        raise KubectlError(f"container {name} not found in pod {pod_name}")
    if len(names) > 1 and not flags.text("container"):
        ctx.warn(f'Defaulted container "{name}" out of: {", ".join(names)}\n')
    phase = (pod.get("status") or {}).get("phase")
    if phase in {"Succeeded", "Failed"}:
        raise KubectlError(
            f"cannot exec into a container in a completed pod; current phase is {phase}"
        )
    if (
        flags.on("stdin")
        and len(argv_after_dash) == 1
        and argv_after_dash[0].rsplit("/", 1)[-1] in {"sh", "bash", "ash", "zsh"}
    ):
        raise KubectlError(
            "interactive shells (kubectl exec -it POD -- sh) are not simulated in this sandbox; "
            "run one command at a time: kubectl exec POD -- COMMAND"
        )
    from learn.sim.kube import kubelet

    rt = _runtime(ctx, pod)
    c = (rt.get("containers") or {}).get(name) or {}
    if c.get("state") != "running":
        raise KubectlError(f'unable to upgrade connection: container not found ("{name}")')
    process, program = kubelet.Kubelet(ctx.world).process_of(
        pod, ctx.world.state["kubelet"]["pods"][pod["metadata"]["uid"]], name
    )
    result = program.exec(process, list(argv_after_dash))
    code, output = result
    ctx.print(output)
    if code:
        ctx.err.append(f"command terminated with exit code {code}\n")
        ctx.code = code


# --------------------------------------------------------------------------- auth can-i

CAN_I_FLAGS = [
    Flag("all-namespaces", "A", kind="bool"),
    Flag("list", kind="bool"),
    Flag("no-headers", kind="bool"),
    Flag("quiet", "q", kind="bool"),
    Flag("subresource"),
    Flag("output", "o"),
]


def run_can_i(ctx: Ctx, flags: Parsed) -> None:
    from learn.sim.kube import authz

    namespace = "" if flags.on("all-namespaces") else ctx.namespace
    if flags.on("list"):
        if flags.args:
            raise KubectlError("--list does not take any arguments")
        status = authz.rules_review(ctx.store, ctx.user, namespace or ctx.namespace)
        ctx.print(_rules_table(status, headers=not flags.on("no-headers")))
        return
    if len(flags.args) < 2:
        raise KubectlError(
            "you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples"
        )
    if len(flags.args) > 2:
        raise KubectlError(
            "you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples"
        )
    verb, target = flags.args
    if target.startswith("/"):
        allowed = authz.path_allowed(ctx.store, ctx.user, verb, target)
        _answer(ctx, flags, allowed)
        return
    kind, _, name = target.partition("/")
    resource: Resource | str
    found = lookup(kind)
    if found is None:
        ctx.warn(f"Warning: the server doesn't have a resource type '{kind}'\n\n")
        resource = kind
    else:
        resource = found
        if not found.namespaced and namespace and flags.has("namespace"):
            ctx.warn(f"Warning: resource '{found.name}' is not namespace scoped\n\n")
    if (
        found is not None
        and verb not in found.verbs
        and verb != "*"
        and verb not in {"use", "bind", "escalate", "impersonate"}
    ):
        ctx.warn(f"Warning: verb '{verb}' is not a known verb\n\n")
    allowed = authz.allowed(
        ctx.store, ctx.user, verb, resource, namespace, name, flags.text("subresource")
    )
    _answer(ctx, flags, allowed)


def _answer(ctx: Ctx, flags: Parsed, allowed: bool) -> None:
    if not flags.on("quiet"):
        ctx.print("yes\n" if allowed else "no\n")
    if not allowed:
        ctx.code = 1


def _rules_table(status: Mapping[str, Any], *, headers: bool) -> str:
    """`auth can-i --list`: Resources, Non-Resource URLs, Resource Names, Verbs (printer of
    cmd/auth/cani.go, rules merged per resource and sorted)."""
    rows: dict[tuple[str, str, str], set[str]] = {}
    for rule in status.get("resourceRules") or []:
        groups = rule.get("apiGroups") or [""]
        for resource in rule.get("resources") or []:
            for group in groups:
                name = (
                    resource
                    if group in {"", "*"} and resource == "*"
                    else (f"{resource}.{group}" if group else resource)
                )
                if group == "*":
                    name = f"{resource}.*"
                key = (name, "[]", "[" + " ".join(rule.get("resourceNames") or []) + "]")
                rows.setdefault(key, set()).update(rule.get("verbs") or [])
    for rule in status.get("nonResourceRules") or []:
        for url in rule.get("nonResourceURLs") or []:
            key = ("", f"[{url}]", "[]")
            rows.setdefault(key, set()).update(rule.get("verbs") or [])
    table = [["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]] if headers else []
    for key in sorted(rows):
        table.append([key[0], key[1], key[2], "[" + " ".join(sorted(rows[key])) + "]"])
    return printers.tabwrite("".join("\t".join(r) + "\n" for r in table), padding=2)


# --------------------------------------------------------------------------- top


def run_top(ctx: Ctx, flags: Parsed) -> None:
    """A fresh kind cluster has no metrics-server, so `kubectl top` answers as it does there."""
    ctx.err.append("error: Metrics API not available\n")
    ctx.code = 1


# --------------------------------------------------------------------------- explain

EXPLAIN_FLAGS = [Flag("recursive", kind="bool"), Flag("api-version"), Flag("output", "o")]


def run_explain(ctx: Ctx, flags: Parsed) -> None:
    from learn.sim.kubectl import explain

    if not flags.args:
        raise KubectlError(
            'You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n'
        )
    ctx.print(
        explain.explain(
            flags.args[0], recursive=flags.on("recursive"), api_version=flags.text("api-version")
        )
    )


# --------------------------------------------------------------------------- events

EVENTS_FLAGS = [
    Flag("all-namespaces", "A", kind="bool"),
    Flag("for"),
    Flag("types", kind="list"),
    Flag("watch", "w", kind="bool"),
    Flag("output", "o"),
    Flag("no-headers", kind="bool"),
    Flag("chunk-size", kind="int", default=500),
]


def run_events(ctx: Ctx, flags: Parsed) -> None:
    """`kubectl events`: every event of the namespace, oldest first (by last seen)."""
    all_ns = flags.on("all-namespaces")
    ctx.store.authorize(ctx.user, "list", resolve("events"), "" if all_ns else ctx.namespace)
    events = list(ctx.store.all_events(None if all_ns else ctx.namespace))
    if flags.text("for"):
        kind, _, name = flags.text("for").partition("/")
        if not name:
            kind, name = "pods", kind
        resource = resolve(kind)
        events = [
            e
            for e in events
            if (e.get("involvedObject") or {}).get("kind") == resource.kind
            and (e.get("involvedObject") or {}).get("name") == name
        ]
    types = [t.lower() for t in flags.many("types")]
    for t in types:
        if t not in {"normal", "warning"}:
            raise KubectlError("valid --types are Normal or Warning")
    if types:
        events = [e for e in events if str(e.get("type", "")).lower() in types]
    if flags.text("output"):
        from learn.sim.kubectl import output

        data = output.as_list(events)
        fmt = flags.text("output")
        ctx.print(
            output.to_yaml(data) if fmt == "yaml" else output.to_json(data) if fmt == "json" else ""
        )
        return
    if not events:
        ctx.err.append(
            "No events found in "
            + ("any namespace" if all_ns else f"{ctx.namespace} namespace")
            + ".\n"
        )
        return
    events.sort(
        key=lambda e: (
            e.get("lastTimestamp") or e.get("firstTimestamp") or "",
            e["metadata"].get("resourceVersion", ""),
        )
    )
    rows = []
    head = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    if all_ns:
        head.insert(0, "NAMESPACE")
    if not flags.on("no-headers"):
        rows.append(head)
    for e in events:
        last, _first, target, count = printers.event_cells(ctx.world, e)
        if int(count) > 1:
            last = f"{last} (x{count} over {_first})"
        row = [
            last,
            str(e.get("type", "")),
            str(e.get("reason", "")),
            target,
            str(e.get("message", "")).strip(),
        ]
        if all_ns:
            row.insert(0, e["metadata"].get("namespace", ""))
        rows.append(row)
    ctx.print(printers.render(rows))


# --------------------------------------------------------------------------- version, api-resources

VERSION_FLAGS = [Flag("client", kind="bool"), Flag("output", "o"), Flag("short", kind="bool")]
CLIENT_VERSION = "v1.37.0"
KUSTOMIZE_VERSION = "v5.7.1"


def run_version(ctx: Ctx, flags: Parsed) -> None:
    from learn.sim.kube import bootstrap

    server = bootstrap.KUBERNETES_VERSION
    fmt = flags.text("output")
    if fmt in {"json", "yaml"}:
        import json

        data: dict[str, Any] = {
            "clientVersion": _version_info(CLIENT_VERSION),
            "kustomizeVersion": KUSTOMIZE_VERSION,
        }
        if not flags.on("client"):
            data["serverVersion"] = _version_info(server)
        if fmt == "json":
            ctx.print(json.dumps(data, indent=2) + "\n")
        else:
            from learn.sim.kubectl.output import to_yaml

            ctx.print(to_yaml(data))
        return
    ctx.print(f"Client Version: {CLIENT_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n")
    if not flags.on("client"):
        ctx.print(f"Server Version: {server}\n")


def _version_info(version: str) -> dict[str, str]:
    major, minor = version.lstrip("v").split(".")[:2]
    return {
        "compiler": "gc",
        "gitTreeState": "clean",
        "gitVersion": version,
        "goVersion": "go1.25.3",
        "major": major,
        "minor": minor,
        "platform": "linux/amd64",
    }


API_RESOURCES_FLAGS = [
    Flag("namespaced", kind="bool", default=True),
    Flag("api-group"),
    Flag("output", "o"),
    Flag("no-headers", kind="bool"),
    Flag("verbs", kind="list"),
    Flag("sort-by"),
    Flag("cached", kind="bool"),
    Flag("categories", kind="list"),
]


def run_api_resources(ctx: Ctx, flags: Parsed) -> None:
    rows = []
    if not flags.on("no-headers") and flags.text("output") != "name":
        head = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        if flags.text("output") == "wide":
            head += ["VERBS", "CATEGORIES"]
        rows.append(head)
    seen = set()
    names = []
    for r in sorted(RESOURCES, key=lambda r: (r.group != "", r.group, r.name)):
        if (r.group, r.name) in seen:
            continue
        seen.add((r.group, r.name))
        if flags.has("namespaced") and r.namespaced != flags.on("namespaced"):
            continue
        if flags.has("api-group") and r.group != flags.text("api-group"):
            continue
        if flags.many("verbs") and not set(flags.many("verbs")) <= set(r.verbs):
            continue
        if flags.text("output") == "name":
            names.append(r.qualified + "\n")
            continue
        row = [
            r.name,
            ",".join(r.short),
            r.api_version,
            "true" if r.namespaced else "false",
            r.kind,
        ]
        if flags.text("output") == "wide":
            row += ["[" + " ".join(r.verbs) + "]", ",".join(r.categories)]
        rows.append(row)
    ctx.print("".join(names) if names else printers.render(rows))


def run_api_versions(ctx: Ctx, flags: Parsed) -> None:
    versions = sorted({r.api_version for r in RESOURCES})
    ctx.print("".join(v + "\n" for v in versions))


def run_cluster_info(ctx: Ctx, flags: Parsed) -> None:
    if flags.args[:1] == ["dump"]:
        raise not_simulated("kubectl cluster-info dump")
    ctx.print(
        "\x1b[0;32mKubernetes control plane\x1b[0m is running at \x1b[0;33mhttps://127.0.0.1:6443\x1b[0m\n"
        "\x1b[0;32mCoreDNS\x1b[0m is running at \x1b[0;33mhttps://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\x1b[0m\n"
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    )


# --------------------------------------------------------------------------- config


def run_config(ctx: Ctx, flags: Parsed) -> None:
    sub = flags.args[0] if flags.args else ""
    if sub == "current-context":
        ctx.print("kind-kind\n")
    elif sub == "get-contexts":
        ctx.print(
            printers.render(
                [
                    ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"],
                    ["*", "kind-kind", "kind-kind", "kind-kind", ""],
                ]
            )
        )
    elif sub == "use-context":
        if flags.args[1:2] != ["kind-kind"]:
            raise KubectlError(f'no context exists with the name: "{(flags.args[1:2] or [""])[0]}"')
        ctx.print('Switched to context "kind-kind".\n')
    elif sub in {
        "view",
        "set-context",
        "set-cluster",
        "set-credentials",
        "set",
        "unset",
        "delete-context",
        "rename-context",
        "get-clusters",
        "get-users",
    }:
        raise not_simulated(
            f"kubectl config {sub} (the sandbox has one context, kind-kind; use -n NAMESPACE on each command)"
        )
    else:
        from learn.sim.kubectl.main import _unknown_command

        raise KubectlError(
            _unknown_command(
                sub or "",
                "kubectl config",
                ["current-context", "get-contexts", "use-context", "view"],
            ),
            raw=True,
        )


# --------------------------------------------------------------------------- wait

WAIT_FLAGS = [
    Flag("for"),
    Flag("timeout", default="30s"),
    Flag("selector", "l"),
    Flag("all", kind="bool"),
    Flag("all-namespaces", "A", kind="bool"),
    Flag("filename", "f", kind="array"),
]


def run_wait(ctx: Ctx, flags: Parsed) -> None:
    """`kubectl wait --for=condition=Ready pod/x`, `--for=delete`, `--for=jsonpath=...`: lets
    simulated time pass until each object meets it, or --timeout (30 s by default)."""
    from learn.sim.kubectl.get import collect, parse_seconds
    from learn.sim.kubectl.output import JsonPathError, jsonpath

    condition = flags.text("for")
    if not condition:
        raise KubectlError("--for must be set")
    timeout = parse_seconds(flags.text("timeout"))
    found = targets(flags.args, verb="wait")
    objects, errors = collect(ctx, flags, found, "wait")
    if errors:
        ctx.err.extend(errors)
        ctx.code = 1
        return
    if not objects:
        raise KubectlError("no matching resources found")
    store = ctx.store

    def current(resource: Resource, obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
        meta = obj.get("metadata") or {}
        return store.get(resource, meta.get("namespace", ""), meta.get("name", ""))

    def met(resource: Resource, obj: Mapping[str, Any]) -> bool:
        live = current(resource, obj)
        if condition == "delete":
            return live is None or (live.get("metadata") or {}).get("uid") != (
                obj.get("metadata") or {}
            ).get("uid")
        if live is None:
            return False
        if condition.startswith("condition="):
            want = condition.removeprefix("condition=")
            kind, _, value = want.partition("=")
            value = value or "True"
            for c in (live.get("status") or {}).get("conditions") or []:
                if str(c.get("type", "")).lower() == kind.lower():
                    return str(c.get("status", "")).lower() == value.lower()
            return False
        if condition.startswith("jsonpath="):
            expr, _, value = condition.removeprefix("jsonpath=").partition("=")
            try:
                got = jsonpath(expr.strip("'\""), live)
            except JsonPathError:
                return False
            return got == value if value else got != ""
        if condition.startswith("create"):
            return True
        raise KubectlError(f'unrecognized condition: "{condition}"')

    for resource, obj in objects:
        met(resource, obj)  # refuses an unknown condition before time passes
    clock.advance(
        ctx.world, int((timeout or 30) * 1000), until=lambda _w: all(met(r, o) for r, o in objects)
    )
    for resource, obj in objects:
        name = f"{resource.kind_qualified}/{obj['metadata']['name']}"
        if met(resource, obj):
            verb = "deleted" if condition == "delete" else "condition met"
            ctx.print(f"{name} {verb}\n")
        else:
            ctx.err.append(
                f"error: timed out waiting for the condition on {resource.name}/{obj['metadata']['name']}\n"
            )
            ctx.code = 1
