"""kubectl's human-readable tables: the columns and cells of each kind, as the API server's
table printers produce them (pkg/printers/internalversion/printers.go), laid out the way
kubectl's tabwriter lays them out (minwidth 6, padding 3, the last column unpadded).

Kinds without a printer of their own get the API server's default table (NAME, CREATED AT),
as Roles and ClusterRoles do on a real cluster.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from learn.sim.kube.resources import Resource
from learn.sim.kubectl.duration import human_duration
from learn.sim.kubectl.selectors import format_label_selector, format_labels
from learn.sim.world import EPOCH, World

Obj = Mapping[str, Any]
Row = list[str]

# printers.GetNewTabWriter: tabwriter.NewWriter(out, 6, 4, 3, ' ', tabwriter.RememberWidths)
MIN_WIDTH = 6
PADDING = 3


def render(rows: Sequence[Sequence[str]], widths: list[int] | None = None) -> str:
    """Lay out rows as text/tabwriter does: every cell but the last is padded to its column."""
    if not rows:
        return ""
    columns = max(len(r) for r in rows)
    if widths is None:
        widths = [0] * columns
    while len(widths) < columns:
        widths.append(0)
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            widths[i] = max(widths[i], len(cell) + PADDING, MIN_WIDTH)
    out = []
    for row in rows:
        line = "".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1]))
        line += row[-1] if row else ""
        out.append(line)
    return "\n".join(out) + "\n"


@functools.lru_cache(maxsize=4096)
def stamp_ms(timestamp: str) -> int:
    """World.parse_timestamp, cached and without strptime (a table of 300 events parses 600
    timestamps; strptime made that the slowest part of `kubectl get events`)."""
    moment = dt.datetime.fromisoformat(timestamp)
    return int((moment - EPOCH).total_seconds() * 1000)


def age(world: World, timestamp: str | None) -> str:
    """translateTimestampSince: HumanDuration of now minus the timestamp."""
    if not timestamp:
        return "<unknown>"
    return human_duration(world.now - stamp_ms(timestamp))


def _meta(obj: Obj) -> Mapping[str, Any]:
    return obj.get("metadata") or {}


def _spec(obj: Obj) -> Mapping[str, Any]:
    return obj.get("spec") or {}


def _status(obj: Obj) -> Mapping[str, Any]:
    return obj.get("status") or {}


def _containers(template_spec: Mapping[str, Any]) -> tuple[str, str]:
    """layoutContainerCells: names and images joined by commas."""
    containers = template_spec.get("containers") or []
    return (
        ",".join(c.get("name", "") for c in containers),
        ",".join(c.get("image", "") for c in containers),
    )


# --------------------------------------------------------------------------- pods


def _is_restartable_init(container: Mapping[str, Any] | None) -> bool:
    return bool(container) and (container or {}).get("restartPolicy") == "Always"


def _has_condition(conditions: Sequence[Mapping[str, Any]], kind: str) -> bool:
    return any(c.get("type") == kind and c.get("status") == "True" for c in conditions)


def pod_status(world: World, pod: Obj) -> tuple[str, int, int, str]:
    """printPod's READY, STATUS and RESTARTS: (reason, ready, total, restarts text)."""
    spec, status = _spec(pod), _status(pod)
    containers = spec.get("containers") or []
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    total = len(containers) + sum(1 for c in init_specs.values() if _is_restartable_init(c))
    ready = 0
    restarts = 0
    sidecar_restarts = 0
    last_restart = -1
    last_sidecar_restart = -1
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    conditions = status.get("conditions") or []
    for condition in conditions:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    def finished(cs: Mapping[str, Any]) -> int:
        term = ((cs.get("lastState") or {}).get("terminated")) or None
        if term and term.get("finishedAt"):
            return stamp_ms(term["finishedAt"])
        return -1

    initializing = False
    init_statuses = status.get("initContainerStatuses") or []
    for i, cs in enumerate(init_statuses):
        restarts += int(cs.get("restartCount") or 0)
        last_restart = max(last_restart, finished(cs))
        sidecar = _is_restartable_init(init_specs.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += int(cs.get("restartCount") or 0)
            last_sidecar_restart = max(last_sidecar_restart, finished(cs))
        state = cs.get("state") or {}
        terminated = state.get("terminated")
        waiting = state.get("waiting")
        if terminated is not None and int(terminated.get("exitCode") or 0) == 0:
            continue
        if sidecar and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if terminated is not None:
            if not terminated.get("reason"):
                if terminated.get("signal"):
                    reason = f"Init:Signal:{terminated['signal']}"
                else:
                    reason = f"Init:ExitCode:{terminated.get('exitCode', 0)}"
            else:
                reason = "Init:" + terminated["reason"]
        elif (
            waiting is not None
            and waiting.get("reason")
            and waiting.get("reason") != "PodInitializing"
        ):
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(spec.get('initContainers') or [])}"
        initializing = True
        break

    if not initializing or _has_condition(conditions, "Initialized"):
        restarts = sidecar_restarts
        last_restart = last_sidecar_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount") or 0)
            last_restart = max(last_restart, finished(cs))
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                if terminated.get("signal"):
                    reason = f"Signal:{terminated['signal']}"
                else:
                    reason = f"ExitCode:{terminated.get('exitCode', 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _has_condition(conditions, "Ready") else "NotReady"

    meta = _meta(pod)
    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in {"Succeeded", "Failed"}:
        reason = "Terminating"
    text = str(restarts)
    if restarts and last_restart >= 0:
        text = f"{restarts} ({human_duration(world.now - last_restart)} ago)"
    return reason, ready, total, text


def _pod(world: World, pod: Obj, wide: bool) -> Row:
    reason, ready, total, restarts = pod_status(world, pod)
    meta = _meta(pod)
    row = [
        meta.get("name", ""),
        f"{ready}/{total}",
        reason,
        restarts,
        age(world, meta.get("creationTimestamp")),
    ]
    if wide:
        spec, status = _spec(pod), _status(pod)
        ips = status.get("podIPs") or []
        ip = (ips[0].get("ip") if ips else "") or "<none>"
        gates = spec.get("readinessGates") or []
        gates_text = "<none>"
        if gates:
            conditions = status.get("conditions") or []
            true = 0
            for gate in gates:
                for condition in conditions:
                    if condition.get("type") == gate.get("conditionType"):
                        true += condition.get("status") == "True"
                        break
            gates_text = f"{true}/{len(gates)}"
        row += [
            ip,
            spec.get("nodeName") or "<none>",
            status.get("nominatedNodeName") or "<none>",
            gates_text,
        ]
    return row


# --------------------------------------------------------------------------- workloads


def _replicas(obj: Obj) -> int:
    value = _spec(obj).get("replicas")
    return 1 if value is None else int(value)


def _deployment(world: World, obj: Obj, wide: bool) -> Row:
    status = _status(obj)
    meta = _meta(obj)
    row = [
        meta.get("name", ""),
        f"{int(status.get('readyReplicas') or 0)}/{_replicas(obj)}",
        str(int(status.get("updatedReplicas") or 0)),
        str(int(status.get("availableReplicas") or 0)),
        age(world, meta.get("creationTimestamp")),
    ]
    if wide:
        names, images = _containers(((_spec(obj).get("template") or {}).get("spec")) or {})
        row += [names, images, format_label_selector(_spec(obj).get("selector"))]
    return row


def _replicaset(world: World, obj: Obj, wide: bool) -> Row:
    status = _status(obj)
    meta = _meta(obj)
    row = [
        meta.get("name", ""),
        str(_replicas(obj)),
        str(int(status.get("replicas") or 0)),
        str(int(status.get("readyReplicas") or 0)),
        age(world, meta.get("creationTimestamp")),
    ]
    if wide:
        names, images = _containers(((_spec(obj).get("template") or {}).get("spec")) or {})
        row += [names, images, format_label_selector(_spec(obj).get("selector"))]
    return row


def _statefulset(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    row = [
        meta.get("name", ""),
        f"{int(_status(obj).get('readyReplicas') or 0)}/{_replicas(obj)}",
        age(world, meta.get("creationTimestamp")),
    ]
    if wide:
        row += list(_containers(((_spec(obj).get("template") or {}).get("spec")) or {}))
    return row


def _daemonset(world: World, obj: Obj, wide: bool) -> Row:
    status, meta, spec = _status(obj), _meta(obj), _spec(obj)
    template_spec = (spec.get("template") or {}).get("spec") or {}
    row = [
        meta.get("name", ""),
        *(
            str(int(status.get(k) or 0))
            for k in (
                "desiredNumberScheduled",
                "currentNumberScheduled",
                "numberReady",
                "updatedNumberScheduled",
                "numberAvailable",
            )
        ),
        format_labels(template_spec.get("nodeSelector")),
        age(world, meta.get("creationTimestamp")),
    ]
    if wide:
        row += [*_containers(template_spec), format_label_selector(spec.get("selector"))]
    return row


def _job_condition(obj: Obj, kind: str) -> bool:
    for condition in _status(obj).get("conditions") or []:
        if condition.get("type") == kind:
            return bool(condition.get("status") == "True")
    return False


def _job(world: World, obj: Obj, wide: bool) -> Row:
    spec, status, meta = _spec(obj), _status(obj), _meta(obj)
    succeeded = int(status.get("succeeded") or 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    else:
        parallelism = int(spec.get("parallelism") or 0)
        completions = f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"
    duration = ""
    if status.get("startTime"):
        start = stamp_ms(status["startTime"])
        end = stamp_ms(status["completionTime"]) if status.get("completionTime") else world.now
        duration = human_duration(end - start)
    if _job_condition(obj, "Complete"):
        state = "Complete"
    elif _job_condition(obj, "Failed"):
        state = "Failed"
    elif meta.get("deletionTimestamp"):
        state = "Terminating"
    elif _job_condition(obj, "Suspended"):
        state = "Suspended"
    elif _job_condition(obj, "FailureTarget"):
        state = "FailureTarget"
    else:
        state = "Running"
    row = [
        meta.get("name", ""),
        state,
        completions,
        duration,
        age(world, meta.get("creationTimestamp")),
    ]
    if wide:
        names, images = _containers(((spec.get("template") or {}).get("spec")) or {})
        row += [names, images, format_label_selector(spec.get("selector"))]
    return row


def _cronjob(world: World, obj: Obj, wide: bool) -> Row:
    spec, status, meta = _spec(obj), _status(obj), _meta(obj)
    last = status.get("lastScheduleTime")
    suspend = spec.get("suspend")
    row = [
        meta.get("name", ""),
        str(spec.get("schedule", "")),
        spec.get("timeZone") or "<none>",
        "<unset>" if suspend is None else ("True" if suspend else "False"),
        str(len(status.get("active") or [])),
        age(world, last) if last else "<none>",
        age(world, meta.get("creationTimestamp")),
    ]
    if wide:
        job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
        names, images = _containers(((job_spec.get("template") or {}).get("spec")) or {})
        row += [names, images, format_label_selector(job_spec.get("selector"))]
    return row


def format_hpa_metrics(
    specs: Sequence[Mapping[str, Any]], statuses: Sequence[Mapping[str, Any]]
) -> str:
    """formatHPAMetrics: `current/target` per metric, two at most then `+ N more...`."""
    if not specs:
        return "<none>"
    texts: list[str] = []
    for i, spec in enumerate(specs):
        kind = spec.get("type")
        got = statuses[i] if i < len(statuses) else {}
        if kind in {"External", "Object"}:
            source = spec.get("external" if kind == "External" else "object") or {}
            target = source.get("target") or {}
            current = (got.get("external" if kind == "External" else "object") or {}).get(
                "current"
            ) or {}
            has_status = bool(got.get("external" if kind == "External" else "object"))
            if target.get("averageValue") is not None:
                now = (
                    current.get("averageValue")
                    if current.get("averageValue") is not None
                    else "<unknown>"
                )
                texts.append(f"{now}/{target['averageValue']} (avg)")
            else:
                now = current.get("value", "<unknown>") if has_status else "<unknown>"
                texts.append(f"{now}/{target.get('value')}")
        elif kind == "Pods":
            source = spec.get("pods") or {}
            current = (got.get("pods") or {}).get("current") or {}
            now = current.get("averageValue") if got.get("pods") else "<unknown>"
            texts.append(f"{now}/{(source.get('target') or {}).get('averageValue')}")
        elif kind in {"Resource", "ContainerResource"}:
            key = "resource" if kind == "Resource" else "containerResource"
            source = spec.get(key) or {}
            target = source.get("target") or {}
            status = got.get(key)
            current = (status or {}).get("current") or {}
            if target.get("averageValue") is not None:
                now = current.get("averageValue", "<unknown>") if status else "<unknown>"
                texts.append(f"{source.get('name')}: {now}/{target['averageValue']}")
            else:
                util = current.get("averageUtilization") if status else None
                now = f"{util}%" if util is not None else "<unknown>"
                want = (
                    f"{target['averageUtilization']}%"
                    if target.get("averageUtilization") is not None
                    else "<auto>"
                )
                texts.append(f"{source.get('name')}: {now}/{want}")
        else:
            texts.append("<unknown type>")
    if len(texts) > 2:
        return ", ".join(texts[:2]) + f" + {len(texts) - 2} more..."
    return ", ".join(texts)


def _hpa(world: World, obj: Obj, wide: bool) -> Row:
    spec, status, meta = _spec(obj), _status(obj), _meta(obj)
    ref = spec.get("scaleTargetRef") or {}
    min_pods = spec.get("minReplicas")
    return [
        meta.get("name", ""),
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        format_hpa_metrics(spec.get("metrics") or [], status.get("currentMetrics") or []),
        "<unset>" if min_pods is None else str(min_pods),
        str(spec.get("maxReplicas", 0)),
        str(int(status.get("currentReplicas") or 0)),
        age(world, meta.get("creationTimestamp")),
    ]


# --------------------------------------------------------------------------- services


def _service_external_ip(obj: Obj, wide: bool) -> str:
    spec = _spec(obj)
    kind = spec.get("type") or "ClusterIP"
    external = spec.get("externalIPs") or []
    if kind in {"ClusterIP", "NodePort"}:
        return ",".join(external) if external else "<none>"
    if kind == "LoadBalancer":
        ingress = ((_status(obj).get("loadBalancer") or {}).get("ingress")) or []
        ips = sorted(
            {i.get("ip") or i.get("hostname") for i in ingress if i.get("ip") or i.get("hostname")}
        )
        lb = ",".join(ips)
        if not wide and len(lb) > 16:
            lb = lb[:13] + "..."
        if external:
            return ",".join([*(lb.split(",") if lb else []), *external])
        return lb or "<pending>"
    if kind == "ExternalName":
        return str(spec.get("externalName", ""))
    return "<unknown>"


def _service(world: World, obj: Obj, wide: bool) -> Row:
    spec, meta = _spec(obj), _meta(obj)
    ips = spec.get("clusterIPs") or []
    pieces = []
    for port in spec.get("ports") or []:
        protocol = port.get("protocol") or "TCP"
        if port.get("nodePort"):
            pieces.append(f"{port.get('port')}:{port['nodePort']}/{protocol}")
        else:
            pieces.append(f"{port.get('port')}/{protocol}")
    row = [
        meta.get("name", ""),
        spec.get("type") or "ClusterIP",
        ips[0] if ips else "<none>",
        _service_external_ip(obj, wide),
        ",".join(pieces) or "<none>",
        age(world, meta.get("creationTimestamp")),
    ]
    if wide:
        row.append(format_labels(spec.get("selector")))
    return row


def _endpoints(world: World, obj: Obj, wide: bool) -> Row:
    """formatEndpoints: up to three host:port pairs, then `+ N more...`."""
    subsets = obj.get("subsets") or []
    meta = _meta(obj)
    if not subsets:
        text = "<none>"
    else:
        items: list[str] = []
        count = 0
        more = False
        for subset in subsets:
            addresses = subset.get("addresses") or []
            ports = subset.get("ports") or []
            if not ports:
                count += len(addresses)
                for address in addresses:
                    if len(items) == 3:
                        more = True
                        break
                    items.append(address.get("ip", ""))
                continue
            for port in ports:
                count += len(addresses)
                for address in addresses:
                    if len(items) == 3:
                        more = True
                        break
                    items.append(f"{address.get('ip', '')}:{port.get('port')}")
        text = ",".join(items)
        if more:
            text = f"{text} + {count - 3} more..."
    return [meta.get("name", ""), text, age(world, meta.get("creationTimestamp"))]


def _list_with_more(items: list[str], more: bool, count: int) -> str:
    text = ",".join(items)
    if more:
        return f"{text} + {count - 3} more..."
    return text or "<unset>"


def _endpointslice(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    ports: list[str] = []
    more, count = False, 0
    for port in obj.get("ports") or []:
        if len(ports) < 3:
            if port.get("port") is not None:
                ports.append(str(port["port"]))
            elif port.get("name") is not None:
                ports.append(str(port["name"]))
            else:
                ports.append("*")
        elif len(ports) == 3:
            more = True
        count += 1
    port_text = _list_with_more(ports, more, count)
    addresses: list[str] = []
    more, count = False, 0
    for endpoint in obj.get("endpoints") or []:
        for address in endpoint.get("addresses") or []:
            if len(addresses) < 3:
                addresses.append(address)
            elif len(addresses) == 3:
                more = True
            count += 1
    return [
        meta.get("name", ""),
        str(obj.get("addressType", "")),
        port_text,
        _list_with_more(addresses, more, count),
        age(world, meta.get("creationTimestamp")),
    ]


def _ingress(world: World, obj: Obj, wide: bool) -> Row:
    spec, meta = _spec(obj), _meta(obj)
    rules = spec.get("rules") or []
    hosts = [r["host"] for r in rules if r.get("host")][:3]
    hosts_text = ",".join(hosts) or "*"
    if len(rules) > 3:
        hosts_text += f" + {len(rules) - 3} more..."
    ingress = ((_status(obj).get("loadBalancer") or {}).get("ingress")) or []
    address = ",".join(
        sorted(
            {i.get("ip") or i.get("hostname") for i in ingress if i.get("ip") or i.get("hostname")}
        )
    )
    return [
        meta.get("name", ""),
        spec.get("ingressClassName") or "<none>",
        hosts_text,
        address,
        "80, 443" if spec.get("tls") else "80",
        age(world, meta.get("creationTimestamp")),
    ]


# --------------------------------------------------------------------------- cluster


def _node_roles(node: Obj) -> str:
    roles = set()
    for key, value in (_meta(node).get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/"):
            role = key.removeprefix("node-role.kubernetes.io/")
            if role:
                roles.add(role)
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return ",".join(sorted(roles)) or "<none>"


def node_status(node: Obj) -> str:
    conditions = {c.get("type"): c for c in _status(node).get("conditions") or []}
    parts = []
    ready = conditions.get("Ready")
    if ready is not None:
        parts.append("Ready" if ready.get("status") == "True" else "NotReady")
    if not parts:
        parts.append("Unknown")
    if _spec(node).get("unschedulable"):
        parts.append("SchedulingDisabled")
    return ",".join(parts)


def _node(world: World, obj: Obj, wide: bool) -> Row:
    meta, status = _meta(obj), _status(obj)
    info = status.get("nodeInfo") or {}
    row = [
        meta.get("name", ""),
        node_status(obj),
        _node_roles(obj),
        age(world, meta.get("creationTimestamp")),
        str(info.get("kubeletVersion", "")),
    ]
    if wide:
        addresses = status.get("addresses") or []

        def address(kind: str) -> str:
            for item in addresses:
                if item.get("type") == kind:
                    return str(item.get("address", ""))
            return "<none>"

        row += [
            address("InternalIP"),
            address("ExternalIP"),
            info.get("osImage") or "<unknown>",
            info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>",
        ]
    return row


def _namespace(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    return [
        meta.get("name", ""),
        str(_status(obj).get("phase", "")),
        age(world, meta.get("creationTimestamp")),
    ]


def _configmap(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
    return [meta.get("name", ""), str(count), age(world, meta.get("creationTimestamp"))]


def _secret(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    return [
        meta.get("name", ""),
        str(obj.get("type", "")),
        str(len(obj.get("data") or {})),
        age(world, meta.get("creationTimestamp")),
    ]


def _serviceaccount(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    return [
        meta.get("name", ""),
        str(len(obj.get("secrets") or [])),
        age(world, meta.get("creationTimestamp")),
    ]


def subjects_strings(
    subjects: Sequence[Mapping[str, Any]],
) -> tuple[list[str], list[str], list[str]]:
    users, groups, sas = [], [], []
    for subject in subjects:
        kind = subject.get("kind")
        if kind == "User":
            users.append(subject.get("name", ""))
        elif kind == "Group":
            groups.append(subject.get("name", ""))
        elif kind == "ServiceAccount":
            sas.append(f"{subject.get('namespace', '')}/{subject.get('name', '')}")
    return users, groups, sas


def _binding(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    ref = obj.get("roleRef") or {}
    row = [
        meta.get("name", ""),
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        age(world, meta.get("creationTimestamp")),
    ]
    if wide:
        users, groups, sas = subjects_strings(obj.get("subjects") or [])
        row += [", ".join(users), ", ".join(groups), ", ".join(sas)]
    return row


def event_source(event: Obj) -> str:
    source = event.get("source") or {}
    component = source.get("component") or ""
    if component:
        host = source.get("host") or ""
        return f"{component}, {host}" if host else component
    controller = event.get("reportingComponent") or event.get("reportingController") or ""
    instance = event.get("reportingInstance") or ""
    return f"{controller}, {instance}" if instance else controller


def event_cells(world: World, event: Obj) -> tuple[str, str, str, str]:
    first = age(world, event.get("firstTimestamp") or event.get("eventTime"))
    last = age(world, event["lastTimestamp"]) if event.get("lastTimestamp") else first
    involved = event.get("involvedObject") or {}
    target = (
        f"{str(involved.get('kind', '')).lower()}/{involved['name']}"
        if involved.get("name")
        else str(involved.get("kind", "")).lower()
    )
    return last, first, target, str(int(event.get("count") or 1))


def _event(world: World, obj: Obj, wide: bool) -> Row:
    last, first, target, count = event_cells(world, obj)
    message = str(obj.get("message", "")).strip()
    if wide:
        return [
            last,
            str(obj.get("type", "")),
            str(obj.get("reason", "")),
            target,
            str((obj.get("involvedObject") or {}).get("fieldPath", "")),
            event_source(obj),
            message,
            first,
            count,
            _meta(obj).get("name", ""),
        ]
    return [last, str(obj.get("type", "")), str(obj.get("reason", "")), target, message]


def _pvc(world: World, obj: Obj, wide: bool) -> Row:
    meta, spec, status = _meta(obj), _spec(obj), _status(obj)
    phase = "Terminating" if meta.get("deletionTimestamp") else str(status.get("phase", ""))
    capacity, modes = "", ""
    if spec.get("volumeName"):
        capacity = str((status.get("capacity") or {}).get("storage", ""))
        modes = _access_modes(status.get("accessModes") or [])
    return [
        meta.get("name", ""),
        phase,
        str(spec.get("volumeName", "")),
        capacity,
        modes,
        str(spec.get("storageClassName") or ""),
        spec.get("volumeAttributesClassName") or "<unset>",
        age(world, meta.get("creationTimestamp")),
    ] + ([spec.get("volumeMode") or "<unset>"] if wide else [])


def _pv(world: World, obj: Obj, wide: bool) -> Row:
    """printPersistentVolume: the claim as namespace/name, REASON from the status."""
    meta, spec, status = _meta(obj), _spec(obj), _status(obj)
    ref = spec.get("claimRef") or {}
    claim = f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else ""
    phase = "Terminating" if meta.get("deletionTimestamp") else str(status.get("phase", ""))
    return [
        meta.get("name", ""),
        str((spec.get("capacity") or {}).get("storage", "")),
        _access_modes(spec.get("accessModes") or []),
        str(spec.get("persistentVolumeReclaimPolicy", "")),
        phase,
        claim,
        str(spec.get("storageClassName") or ""),
        spec.get("volumeAttributesClassName") or "<unset>",
        str(status.get("reason", "")),
        age(world, meta.get("creationTimestamp")),
    ] + ([spec.get("volumeMode") or "<unset>"] if wide else [])


def _access_modes(modes: Sequence[str]) -> str:
    short = {
        "ReadWriteOnce": "RWO",
        "ReadOnlyMany": "ROX",
        "ReadWriteMany": "RWX",
        "ReadWriteOncePod": "RWOP",
    }
    return ",".join(
        short[m]
        for m in ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")
        if m in modes
    )


def _lease(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    return [
        meta.get("name", ""),
        str(_spec(obj).get("holderIdentity", "")),
        age(world, meta.get("creationTimestamp")),
    ]


def _netpol(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    return [
        meta.get("name", ""),
        format_label_selector(_spec(obj).get("podSelector"))
        if _spec(obj).get("podSelector")
        else "<none>",
        age(world, meta.get("creationTimestamp")),
    ]


def _pdb(world: World, obj: Obj, wide: bool) -> Row:
    meta, spec = _meta(obj), _spec(obj)
    min_available = spec.get("minAvailable")
    max_unavailable = spec.get("maxUnavailable")
    return [
        meta.get("name", ""),
        "N/A" if min_available is None else str(min_available),
        "N/A" if max_unavailable is None else str(max_unavailable),
        str(int(_status(obj).get("disruptionsAllowed") or 0)),
        age(world, meta.get("creationTimestamp")),
    ]


def _controllerrevision(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    owner = "<none>"
    for ref in meta.get("ownerReferences") or []:
        if ref.get("controller"):
            group = str(ref.get("apiVersion", "")).rpartition("/")[0]
            kind = str(ref.get("kind", "")).lower()
            owner = f"{kind}.{group}/{ref.get('name')}" if group else f"{kind}/{ref.get('name')}"
    return [
        meta.get("name", ""),
        owner,
        str(obj.get("revision", 0)),
        age(world, meta.get("creationTimestamp")),
    ]


def _priorityclass(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    return [
        meta.get("name", ""),
        str(obj.get("value", 0)),
        "true" if obj.get("globalDefault") else "false",
        age(world, meta.get("creationTimestamp")),
        str(obj.get("preemptionPolicy") or "PreemptLowerPriority"),
    ]


def _storageclass(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    name = meta.get("name", "")
    annotations = meta.get("annotations") or {}
    if annotations.get("storageclass.kubernetes.io/is-default-class") == "true":
        name += " (default)"
    return [
        name,
        str(obj.get("provisioner", "")),
        str(obj.get("reclaimPolicy") or "Delete"),
        str(obj.get("volumeBindingMode") or "Immediate"),
        "true" if obj.get("allowVolumeExpansion") else "false",
        age(world, meta.get("creationTimestamp")),
    ]


def _default(world: World, obj: Obj, wide: bool) -> Row:
    meta = _meta(obj)
    return [meta.get("name", ""), str(meta.get("creationTimestamp", ""))]


Printer = Callable[[World, Obj, bool], Row]

_WORKLOAD_WIDE = ["CONTAINERS", "IMAGES", "SELECTOR"]

# resource name -> (columns, wide-only columns, row function)
TABLES: dict[str, tuple[list[str], list[str], Printer]] = {
    "pods": (
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        _pod,
    ),
    "deployments": (
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        _WORKLOAD_WIDE,
        _deployment,
    ),
    "replicasets": (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], _WORKLOAD_WIDE, _replicaset),
    "replicationcontrollers": (
        ["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        _WORKLOAD_WIDE,
        _replicaset,
    ),
    "statefulsets": (["NAME", "READY", "AGE"], ["CONTAINERS", "IMAGES"], _statefulset),
    "daemonsets": (
        ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
        _WORKLOAD_WIDE,
        _daemonset,
    ),
    "jobs": (["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], _WORKLOAD_WIDE, _job),
    "cronjobs": (
        ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"],
        _WORKLOAD_WIDE,
        _cronjob,
    ),
    "horizontalpodautoscalers": (
        ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"],
        [],
        _hpa,
    ),
    "services": (
        ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
        ["SELECTOR"],
        _service,
    ),
    "endpoints": (["NAME", "ENDPOINTS", "AGE"], [], _endpoints),
    "endpointslices": (["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], [], _endpointslice),
    "ingresses": (["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], [], _ingress),
    "nodes": (
        ["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
        _node,
    ),
    "namespaces": (["NAME", "STATUS", "AGE"], [], _namespace),
    "configmaps": (["NAME", "DATA", "AGE"], [], _configmap),
    "secrets": (["NAME", "TYPE", "DATA", "AGE"], [], _secret),
    "serviceaccounts": (["NAME", "SECRETS", "AGE"], [], _serviceaccount),
    "rolebindings": (["NAME", "ROLE", "AGE"], ["USERS", "GROUPS", "SERVICEACCOUNTS"], _binding),
    "clusterrolebindings": (
        ["NAME", "ROLE", "AGE"],
        ["USERS", "GROUPS", "SERVICEACCOUNTS"],
        _binding,
    ),
    "events": (["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], [], _event),
    "persistentvolumeclaims": (
        [
            "NAME",
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "AGE",
        ],
        ["VOLUMEMODE"],
        _pvc,
    ),
    "persistentvolumes": (
        [
            "NAME",
            "CAPACITY",
            "ACCESS MODES",
            "RECLAIM POLICY",
            "STATUS",
            "CLAIM",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "REASON",
            "AGE",
        ],
        ["VOLUMEMODE"],
        _pv,
    ),
    "leases": (["NAME", "HOLDER", "AGE"], [], _lease),
    "networkpolicies": (["NAME", "POD-SELECTOR", "AGE"], [], _netpol),
    "poddisruptionbudgets": (
        ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"],
        [],
        _pdb,
    ),
    "controllerrevisions": (["NAME", "CONTROLLER", "REVISION", "AGE"], [], _controllerrevision),
    "priorityclasses": (
        ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"],
        [],
        _priorityclass,
    ),
    "storageclasses": (
        [
            "NAME",
            "PROVISIONER",
            "RECLAIMPOLICY",
            "VOLUMEBINDINGMODE",
            "ALLOWVOLUMEEXPANSION",
            "AGE",
        ],
        [],
        _storageclass,
    ),
}

_EVENT_WIDE = [
    "LAST SEEN",
    "TYPE",
    "REASON",
    "OBJECT",
    "SUBOBJECT",
    "SOURCE",
    "MESSAGE",
    "FIRST SEEN",
    "COUNT",
    "NAME",
]


def headers(resource: Resource, *, wide: bool) -> list[str]:
    if resource.name == "events" and wide:
        return list(_EVENT_WIDE)
    columns, wide_columns, _ = TABLES.get(resource.name, (["NAME", "CREATED AT"], [], _default))
    return [*columns, *(wide_columns if wide else [])]


def row(world: World, resource: Resource, obj: Obj, *, wide: bool) -> Row:
    _, _, printer = TABLES.get(resource.name, ([], [], _default))
    return printer(world, obj, wide)


def tabwrite(text: str, *, minwidth: int = 0, padding: int = 2) -> str:
    """Go's text/tabwriter (no flags): tab-terminated cells, aligned per column block of
    adjacent lines; the text after a line's last tab is not a cell and is never padded.
    describe uses minwidth 0 and padding 2 (describe.go, tabbedString)."""
    lines = text.split("\n")
    cells = [line.split("\t") for line in lines]
    widths: list[int] = []
    out: list[str] = []

    def write(line0: int, line1: int) -> None:
        for i in range(line0, line1):
            line = cells[i]
            text_out = ""
            for j, cell in enumerate(line[:-1]):
                text_out += cell.ljust(widths[j]) if j < len(widths) else cell
            text_out += line[-1]
            out.append(text_out)

    def fmt(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(cells[this]) - 1:
                this += 1
                continue
            write(line0, this)
            line0 = this
            width = minwidth
            while this < line1 and column < len(cells[this]) - 1:
                width = max(width, len(cells[this][column]) + padding)
                this += 1
            widths.append(width)
            fmt(line0, this)
            widths.pop()
            line0 = this
        write(line0, line1)

    fmt(0, len(cells))
    return "\n".join(out)
