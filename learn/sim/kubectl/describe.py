"""`kubectl describe`: the describers of staging/src/k8s.io/kubectl/pkg/describe/describe.go for
the kinds the course teaches (Pod, Deployment, ReplicaSet, Service, Node, Namespace,
ConfigMap, Secret, ServiceAccount, Job), laid out by the same tabwriter (minwidth 0,
padding 2), with the Events the cluster recorded about the object."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from learn.sim.kube.resources import Resource
from learn.sim.kubectl import printers
from learn.sim.kubectl.builder import targets
from learn.sim.kubectl.context import Ctx, KubectlError, not_simulated
from learn.sim.kubectl.flags import Flag, Parsed
from learn.sim.kubectl.selectors import (
    SelectorError,
    format_label_selector,
    format_labels,
    parse_labels,
)
from learn.sim.world import EPOCH, World

Obj = Mapping[str, Any]
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION = 140

DESCRIBE_FLAGS = [
    Flag("selector", "l"),
    Flag("all-namespaces", "A", kind="bool"),
    Flag("filename", "f", kind="array"),
    Flag("recursive", "R", kind="bool"),
    Flag("show-events", kind="bool", default=True),
    Flag("chunk-size", kind="int", default=500),
]


def rfc1123z(timestamp: str | None) -> str:
    if not timestamp:
        return "<unset>"
    moment = EPOCH + dt.timedelta(milliseconds=World.parse_timestamp(timestamp))
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


class W:
    """describe's PrefixWriter: LEVEL_n indents by two spaces per level."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.sections: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.parts.append("  " * level + text)

    def flush(self) -> None:
        if self.parts:
            self.sections.append(printers.tabwrite("".join(self.parts)))
            self.parts = []

    def text(self) -> str:
        self.flush()
        return "".join(self.sections)


def _labels_multiline(w: W, title: str, labels: Mapping[str, str] | None, indent: str = "") -> None:
    w.write(0, f"{indent}{title}:\t")
    if not labels:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, f"{indent}\t")
        w.write(0, f"{key}={labels[key]}\n")


def _annotations_multiline(
    w: W, title: str, annotations: Mapping[str, str] | None, indent: str = ""
) -> None:
    w.write(0, f"{indent}{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, f"{indent}\t")
        line = f"{key}: {(annotations or {})[key]}"
        w.write(0, (line[:MAX_ANNOTATION] + "...\n") if len(line) > MAX_ANNOTATION else line + "\n")


def _tolerations_multiline(
    w: W, title: str, tolerations: Sequence[Mapping[str, Any]], indent: str = ""
) -> None:
    w.write(0, f"{indent}{title}:\t")
    if not tolerations:
        w.write(0, "<none>\n")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, f"{indent}\t")
        text = t.get("key", "")
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.write(0, text + "\n")


def go_duration(seconds: int) -> str:
    """Go's time.Duration String for whole seconds: 0s, 5s, 1m30s, 1h0m0s."""
    if seconds == 0:
        return "0s"
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m}m{s}s"
    if m:
        return f"{m}m{s}s"
    return f"{s}s"


def describe_probe(probe: Mapping[str, Any]) -> str:
    attrs = (
        f"delay={go_duration(int(probe.get('initialDelaySeconds') or 0))} "
        f"timeout={go_duration(int(probe.get('timeoutSeconds') or 1))} "
        f"period={go_duration(int(probe.get('periodSeconds') or 10))} "
        f"#success={int(probe.get('successThreshold') or 1)} "
        f"#failure={int(probe.get('failureThreshold') or 3)}"
    )
    if probe.get("exec") is not None:
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attrs}"
    if probe.get("httpGet") is not None:
        get = probe["httpGet"]
        scheme = str(get.get("scheme") or "HTTP").lower()
        port = get.get("port")
        host = get.get("host") or ""
        hostport = f"{host}:{port}" if port is not None and str(port) != "" else host
        return f"http-get {scheme}://{hostport}{get.get('path') or ''} {attrs}"
    if probe.get("tcpSocket") is not None:
        sock = probe["tcpSocket"]
        return f"tcp-socket {sock.get('host') or ''}:{sock.get('port')} {attrs}"
    if probe.get("grpc") is not None:
        return f"grpc <pod>:{probe['grpc'].get('port')} {probe['grpc'].get('service') or '<serviceName>'} {attrs}"
    return f"unknown {attrs}"


def _state(w: W, title: str, state: Mapping[str, Any]) -> None:
    if state.get("running") is not None:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{title}:\tWaiting\n")
        _line_if(w, "Reason", state["waiting"].get("reason") or None, 3)
    elif state.get("terminated") is not None:
        term = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        _line_if(w, "Reason", term.get("reason") or None, 3)
        _line_if(w, "Message", term.get("message") or None, 3)
        w.write(3, f"Exit Code:\t{int(term.get('exitCode') or 0)}\n")
        _line_if(w, "Signal", term.get("signal") or None, 3)
        w.write(3, f"Started:\t{rfc1123z(term.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(term.get('finishedAt'))}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")


def _containers(
    w: W,
    label: str,
    containers: Sequence[Mapping[str, Any]],
    statuses: Sequence[Mapping[str, Any]] | None,
    space: str = "",
) -> None:
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:\n")
    for c in containers:
        status = by_name.get(c.get("name"))
        ok = status is not None
        w.write(1, f"{' ' if space else ''}{c.get('name')}:\n")
        if ok:
            w.write(2, f"Container ID:\t{(status or {}).get('containerID', '')}\n")
        w.write(2, f"Image:\t{c.get('image', '')}\n")
        if ok:
            w.write(2, f"Image ID:\t{(status or {}).get('imageID', '')}\n")
        ports = ",".join(
            f"{p.get('containerPort')}/{p.get('protocol') or 'TCP'}" for p in c.get("ports") or []
        )
        host_ports = ",".join(
            f"{p.get('hostPort') or 0}/{p.get('protocol') or 'TCP'}" for p in c.get("ports") or []
        )
        w.write(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{ports or '<none>'}\n")
        w.write(
            2,
            f"Host Ports:\t{host_ports}\n"
            if "," in host_ports
            else f"Host Port:\t{host_ports or '<none>'}\n",
        )
        if c.get("restartPolicy"):
            w.write(2, f"Restart Policy:\t{c['restartPolicy']}\n")
        for key, title in (("command", "Command"), ("args", "Args")):
            if c.get(key):
                w.write(2, f"{title}:\n")
                for part in c[key]:
                    for line in str(part).split("\n"):
                        w.write(3, f"{line}\n")
        if ok:
            _state(w, "State", (status or {}).get("state") or {})
            last = (status or {}).get("lastState") or {}
            if last.get("terminated") is not None:
                _state(w, "Last State", last)
            w.write(2, f"Ready:\t{'True' if (status or {}).get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{int((status or {}).get('restartCount') or 0)}\n")
        resources = c.get("resources") or {}
        for key, title in (("limits", "Limits"), ("requests", "Requests")):
            if resources.get(key):
                w.write(2, f"{title}:\n")
                for name in sorted(resources[key]):
                    w.write(3, f"{name}:\t{resources[key][name]}\n")
        for key, title in (
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ):
            if c.get(key):
                w.write(2, f"{title}:\t{describe_probe(c[key])}\n")
        if c.get("envFrom"):
            w.write(2, "Environment Variables from:\n")
            for source in c["envFrom"]:
                ref = source.get("configMapRef") or source.get("secretRef") or {}
                kind = "ConfigMap" if source.get("configMapRef") else "Secret"
                optional = "true" if ref.get("optional") else "false"
                prefix = f" with prefix '{source['prefix']}'" if source.get("prefix") else ""
                w.write(3, f"{ref.get('name', '')}\t{kind}{prefix}\tOptional: {optional}\n")
        env = c.get("env") or []
        w.write(2, "Environment:" + ("\t<none>" if not env else "") + "\n")
        for e in env:
            value_from = e.get("valueFrom")
            if value_from is None:
                for i, line in enumerate(str(e.get("value", "")).split("\n")):
                    w.write(3, f"{e.get('name')}:\t{line}\n" if i == 0 else f"\t{line}\n")
            elif value_from.get("secretKeyRef") or value_from.get("configMapKeyRef"):
                secret = bool(value_from.get("secretKeyRef"))
                ref = value_from["secretKeyRef" if secret else "configMapKeyRef"]
                source = "in secret" if secret else "of config map"
                optional = "true" if ref.get("optional") else "false"
                w.write(
                    3,
                    f"{e.get('name')}:\t<set to the key '{ref.get('key')}' {source} '{ref.get('name')}'>\tOptional: {optional}\n",
                )
            elif value_from.get("fieldRef"):
                ref = value_from["fieldRef"]
                w.write(
                    3,
                    f"{e.get('name')}:\t ({ref.get('apiVersion', 'v1')}:{ref.get('fieldPath')})\n",
                )
            elif value_from.get("resourceFieldRef"):
                ref = value_from["resourceFieldRef"]
                w.write(3, f"{e.get('name')}:\t{ref.get('resource')}\n")
        mounts = sorted(c.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.write(2, "Mounts:" + ("\t<none>" if not mounts else "") + "\n")
        for m in mounts:
            flags = ["ro" if m.get("readOnly") else "rw"]
            if m.get("subPath"):
                flags.append(f'path="{m["subPath"]}"')
            w.write(3, f"{m.get('mountPath')} from {m.get('name')} ({','.join(flags)})\n")


# describe.go's printXVolumeSource for the volume types the course uses: the Type line, then
# (label, field, shown when unset); a `bool` default prints the field as true/false.
_VOLUME_SOURCES: dict[str, tuple[str, tuple[tuple[str, str, Any], ...]]] = {
    "emptyDir": (
        "EmptyDir (a temporary directory that shares a pod's lifetime)",
        (("Medium", "medium", ""), ("SizeLimit", "sizeLimit", "<unset>")),
    ),
    "configMap": (
        "ConfigMap (a volume populated by a ConfigMap)",
        (("Name", "name", ""), ("Optional", "optional", bool)),
    ),
    "secret": (
        "Secret (a volume populated by a Secret)",
        (("SecretName", "secretName", ""), ("Optional", "optional", bool)),
    ),
    "persistentVolumeClaim": (
        "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
        (("ClaimName", "claimName", ""), ("ReadOnly", "readOnly", bool)),
    ),
    "hostPath": (
        "HostPath (bare host directory volume)",
        (("Path", "path", ""), ("HostPathType", "type", "")),
    ),
}


def _source_fields(w: W, ref: Mapping[str, Any], fields: Sequence[tuple[str, str, Any]]) -> None:
    for label, key, unset in fields:
        value = ref.get(key)
        shown = str(value) if value else unset
        text = ("true" if value else "false") if unset is bool else shown
        w.write(2, f"{label}:\t{text}\n")


def _volumes(w: W, volumes: Sequence[Mapping[str, Any]], space: str = "") -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for v in volumes:
        w.write(1, f"{v.get('name')}:\n")
        kind = next((k for k in _VOLUME_SOURCES if k in v), None)
        if kind is not None:
            type_text, fields = _VOLUME_SOURCES[kind]
            w.write(2, f"Type:\t{type_text}\n")
            _source_fields(w, v.get(kind) or {}, fields)
        elif "projected" in v:
            w.write(
                2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n"
            )
            for source in (v.get("projected") or {}).get("sources") or []:
                if "serviceAccountToken" in source:
                    w.write(
                        2,
                        f"TokenExpirationSeconds:\t{(source['serviceAccountToken'] or {}).get('expirationSeconds', 3600)}\n",
                    )
                if "configMap" in source:
                    _source_fields(
                        w,
                        source["configMap"] or {},
                        (("ConfigMapName", "name", ""), ("Optional", "optional", bool)),
                    )
                if "downwardAPI" in source:
                    w.write(2, "DownwardAPI:\ttrue\n")
        else:
            w.write(2, "<unknown>\n")


def pod_template_text(ctx: Ctx, template: Mapping[str, Any]) -> str:
    """The template as `rollout history --revision=N` prints it: describe's writer without
    the tabwriter (history.go's printTemplate), so its tabs reach the terminal as they are."""
    w = W()
    _pod_template(w, template)
    return "".join(w.parts)


def _pod_template(w: W, template: Mapping[str, Any]) -> None:
    w.write(0, "Pod Template:\n")
    meta = template.get("metadata") or {}
    spec = template.get("spec") or {}
    # describe.go passes "  Labels" as the title (no initial indent), so continuation lines
    # start with the tab alone.
    _labels_multiline(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        _annotations_multiline(w, "  Annotations", meta.get("annotations"))
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], None, "  ")
    _containers(w, "Containers", spec.get("containers") or [], None, "  ")
    _volumes(w, spec.get("volumes") or [], "  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    _labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    _tolerations_multiline(w, "  Tolerations", spec.get("tolerations") or [])


def _events(ctx: Ctx, w: W, obj: Obj) -> None:
    events = sorted(
        ctx.store.events_for(obj),
        key=lambda e: e.get("lastTimestamp") or e.get("firstTimestamp") or "",
    )
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in events:
        first = printers.age(ctx.world, e.get("firstTimestamp") or e.get("eventTime"))
        count = int(e.get("count") or 1)
        interval = (
            f"{printers.age(ctx.world, e.get('lastTimestamp'))} (x{count} over {first})"
            if count > 1
            else first
        )
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent") or ""
        w.write(
            1,
            f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t{str(e.get('message', '')).strip()}\n",
        )


def _line_if(w: W, label: str, value: Any, level: int = 0) -> None:
    """A `Label:  value` line that describe prints only when the field is set."""
    if value is not None:
        w.write(level, f"{label}:\t{value}\n")


def _controller(obj: Obj) -> str:
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return f"{ref.get('kind')}/{ref.get('name')}"
    return ""


def describe_pod(ctx: Ctx, pod: Obj) -> str:
    w = W()
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace')}\n")
    _line_if(w, "Priority", spec.get("priority"))
    _line_if(w, "Priority Class Name", spec.get("priorityClassName") or None)
    _line_if(w, "Service Account", spec.get("serviceAccountName") or None)
    if spec.get("nodeName"):
        w.write(0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
    else:
        w.write(0, "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase", "")
    if meta.get("deletionTimestamp") and phase not in {"Succeeded", "Failed"}:
        w.write(
            0,
            f"Status:\tTerminating (lasts {printers.age(ctx.world, meta['deletionTimestamp'])})\n",
        )
        w.write(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 30)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    _line_if(w, "Reason", status.get("reason") or None)
    _line_if(w, "Message", status.get("message") or None)
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    ips = status.get("podIPs") or []
    if not ips:
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{ip.get('ip')}\n")
    if _controller(pod):
        w.write(0, f"Controlled By:\t{_controller(pod)}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        _containers(
            w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses") or []
        )
    _containers(
        w, "Containers", spec.get("containers") or [], status.get("containerStatuses") or []
    )
    if spec.get("readinessGates"):
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
        for gate in spec["readinessGates"]:
            w.write(
                1,
                f"{gate.get('conditionType')} \t{conditions.get(gate.get('conditionType'), '<none>')} \n",
            )
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \n")
    _volumes(w, spec.get("volumes") or [])
    w.write(0, f"QoS Class:\t{status.get('qosClass') or _qos(spec)}\n")
    _labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations_multiline(w, "Tolerations", spec.get("tolerations") or [])
    _events(ctx, w, pod)
    return w.text()


def _qos(spec: Mapping[str, Any]) -> str:
    containers = [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]
    requests_any = limits_any = False
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req, lim = res.get("requests") or {}, res.get("limits") or {}
        requests_any |= bool(req)
        limits_any |= bool(lim)
        for name in ("cpu", "memory"):
            if name not in lim or str(req.get(name, lim.get(name))) != str(lim[name]):
                guaranteed = False
    if not requests_any and not limits_any:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _rs_summary(items: Sequence[Mapping[str, Any]]) -> str:
    if not items:
        return "<none>"
    return ", ".join(
        f"{(rs.get('metadata') or {}).get('name')} ({int((rs.get('status') or {}).get('replicas') or 0)}/{int((rs.get('spec') or {}).get('replicas', 1))} replicas created)"
        for rs in items
    )


def describe_deployment(ctx: Ctx, d: Obj) -> str:
    from learn.sim.kubectl.rollout import _replicasets_of, _same_template

    w = W()
    meta, spec, status = d.get("metadata") or {}, d.get("spec") or {}, d.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    w.write(
        0,
        f"Replicas:\t{spec.get('replicas', 1)} desired | {int(status.get('updatedReplicas') or 0)} updated | "
        f"{int(status.get('replicas') or 0)} total | {int(status.get('availableReplicas') or 0)} available | "
        f"{int(status.get('unavailableReplicas') or 0)} unavailable\n",
    )
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{int(spec.get('minReadySeconds') or 0)}\n")
    if strategy.get("rollingUpdate"):
        ru = strategy["rollingUpdate"]
        w.write(
            0,
            f"RollingUpdateStrategy:\t{ru.get('maxUnavailable')} max unavailable, {ru.get('maxSurge')} max surge\n",
        )
    _pod_template(w, spec.get("template") or {})
    _workload_conditions(w, status)
    owned = _replicasets_of(ctx, d)
    template = spec.get("template") or {}
    new = [
        rs for rs in owned if _same_template((rs.get("spec") or {}).get("template") or {}, template)
    ][:1]
    old = sorted(
        (
            rs
            for rs in owned
            if rs not in new and int((rs.get("spec") or {}).get("replicas") or 0) > 0
        ),
        key=lambda rs: (rs.get("metadata") or {}).get("creationTimestamp", ""),
    )
    w.write(0, f"OldReplicaSets:\t{_rs_summary(old)}\n")
    w.write(0, f"NewReplicaSet:\t{_rs_summary(new)}\n")
    _events(ctx, w, d)
    return w.text()


def _workload_conditions(w: W, status: Mapping[str, Any]) -> None:
    """The Conditions table of describeDeployment and describeReplicaSet."""
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type')} \t{c.get('status')}\t{c.get('reason')}\n")


def _owned_head(w: W, obj: Obj) -> None:
    """What describeReplicaSet and describeJob both start with."""
    meta = obj.get("metadata") or {}
    w.write(0, f"Name:\t{meta.get('name')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace')}\n")
    w.write(0, f"Selector:\t{format_label_selector((obj.get('spec') or {}).get('selector'))}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    if _controller(obj):
        w.write(0, f"Controlled By:\t{_controller(obj)}\n")


def describe_replicaset(ctx: Ctx, rs: Obj) -> str:
    from learn.sim.kubectl.selectors import selector_matches

    w = W()
    meta, spec, status = rs.get("metadata") or {}, rs.get("spec") or {}, rs.get("status") or {}
    _owned_head(w, rs)
    w.write(
        0,
        f"Replicas:\t{int(status.get('replicas') or 0)} current / {spec.get('replicas', 1)} desired\n",
    )
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in ctx.store.list("pods", meta.get("namespace")):
        if selector_matches(spec.get("selector"), (pod.get("metadata") or {}).get("labels") or {}):
            phase = (pod.get("status") or {}).get("phase") or "Pending"
            if phase in counts:
                counts[phase] += 1
    w.write(
        0,
        f"Pods Status:\t{counts['Running']} Running / {counts['Pending']} Waiting / {counts['Succeeded']} Succeeded / {counts['Failed']} Failed\n",
    )
    _pod_template(w, spec.get("template") or {})
    _workload_conditions(w, status)
    _events(ctx, w, rs)
    return w.text()


def _slice_endpoints(slices: Sequence[Mapping[str, Any]], port_name: str) -> str:
    """formatEndpointSlices: ready endpoints as ip:port, three at most then `+ N more...`."""
    if not slices:
        return "<none>"
    items: list[str] = []
    more, count = False, 0
    for s in slices:
        ports = s.get("ports") or []
        endpoints = s.get("endpoints") or []
        if not ports:
            for ep in endpoints:
                if (ep.get("conditions") or {}).get("ready") is False:
                    continue
                if len(items) == 3:
                    more = True
                if not more:
                    items.append((ep.get("addresses") or [""])[0])
                count += 1
            continue
        for port in ports:
            if (port.get("name") or "") != port_name:
                continue
            for ep in endpoints:
                if (ep.get("conditions") or {}).get("ready") is False:
                    continue
                if len(items) == 3:
                    more = True
                if not more:
                    items.append(f"{(ep.get('addresses') or [''])[0]}:{port.get('port')}")
                count += 1
    text = ",".join(items)
    return f"{text} + {count - 3} more..." if more else text


def describe_service(ctx: Ctx, svc: Obj) -> str:
    w = W()
    meta, spec, status = svc.get("metadata") or {}, svc.get("spec") or {}, svc.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace')}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(
        0, f"Selector:\t{format_labels(spec.get('selector')) if spec.get('selector') else ''}\n"
    )
    w.write(0, f"Type:\t{spec.get('type', 'ClusterIP')}\n")
    _line_if(w, "IP Family Policy", spec.get("ipFamilyPolicy") or None)
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    _line_if(w, "External Name", spec.get("externalName") or None)
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        w.write(
            0,
            f"LoadBalancer Ingress:\t{', '.join(i.get('ip') or i.get('hostname') or '' for i in ingress)}\n",
        )
    slices = [
        s
        for s in ctx.store.list("endpointslices", meta.get("namespace"))
        if ((s.get("metadata") or {}).get("labels") or {}).get("kubernetes.io/service-name")
        == meta.get("name")
    ]
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        protocol = port.get("protocol") or "TCP"
        w.write(0, f"Port:\t{name}\t{port.get('port')}/{protocol}\n")
        w.write(0, f"TargetPort:\t{port.get('targetPort', port.get('port'))}/{protocol}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        w.write(0, f"Endpoints:\t{_slice_endpoints(slices, port.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', 'None')}\n")
    _line_if(w, "External Traffic Policy", spec.get("externalTrafficPolicy") or None)
    _line_if(w, "Internal Traffic Policy", spec.get("internalTrafficPolicy") or None)
    _events(ctx, w, svc)
    return w.text()


def describe_node(ctx: Ctx, node: Obj) -> str:
    from learn.sim.kube import quantity

    w = W()
    meta, spec, status = (
        node.get("metadata") or {},
        node.get("spec") or {},
        node.get("status") or {},
    )
    w.write(0, f"Name:\t{meta.get('name')}\n")
    roles = printers._node_roles(node)
    w.write(0, f"Roles:\t{roles}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    taints = spec.get("taints") or []
    w.write(0, "Taints:\t")
    if not taints:
        w.write(0, "<none>\n")
    for i, t in enumerate(taints):
        if i:
            w.write(0, "\t")
        value = f"={t['value']}" if t.get("value") else ""
        w.write(0, f"{t.get('key')}{value}:{t.get('effect')}\n")
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        )
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(
                1,
                f"{c.get('type')} \t{c.get('status')} \t{rfc1123z(c.get('lastHeartbeatTime'))} \t{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason')} \t{c.get('message')}\n",
            )
    w.write(0, "Addresses:\n")
    for a in status.get("addresses") or []:
        w.write(1, f"{a.get('type')}:\t{a.get('address')}\n")
    for key, title in (("capacity", "Capacity"), ("allocatable", "Allocatable")):
        if status.get(key):
            w.write(0, f"{title}:\n")
            for name in sorted(status[key]):
                w.write(1, f"{name}:\t{status[key][name]}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for title, key in (
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ):
        w.write(1, f"{title}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
        w.write(0, f"PodCIDRs:\t{','.join(spec.get('podCIDRs') or [])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    pods = [
        p
        for p in ctx.store.list("pods")
        if (p.get("spec") or {}).get("nodeName") == meta.get("name")
        and (p.get("status") or {}).get("phase") not in {"Succeeded", "Failed"}
    ]
    allocatable = status.get("allocatable") or {}

    def fraction(total: int, name: str) -> str:
        cap = allocatable.get(name)
        if not cap:
            return "0"
        cap_value = (
            quantity.parse(str(cap)).milli()
            if name == "cpu"
            else quantity.parse(str(cap)).integer()
        )
        return str(int(total * 100 // cap_value)) if cap_value else "0"

    def amount(pod_list: Sequence[Obj], kind: str, name: str) -> int:
        total = 0
        for p in pod_list:
            for c in (p.get("spec") or {}).get("containers") or []:
                value = ((c.get("resources") or {}).get(kind) or {}).get(name)
                if value is None and kind == "requests":
                    value = ((c.get("resources") or {}).get("limits") or {}).get(name)
                if value is not None:
                    q = quantity.parse(str(value))
                    total += q.milli() if name == "cpu" else q.integer()
        return total

    def show(total: int, name: str) -> str:
        if name == "cpu":
            text = f"{total}m" if total % 1000 else str(total // 1000)
        else:
            text = (
                str(quantity.Quantity(quantity.Fraction(total), quantity.BINARY_SI))
                if total
                else "0"
            )
        return f"{text} ({fraction(total, name)}%)"

    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t------------\t----------\t---------------\t-------------\t---\n")
    for p in pods:
        pm = p.get("metadata") or {}
        w.write(
            1,
            f"{pm.get('namespace')}\t{pm.get('name')}\t{show(amount([p], 'requests', 'cpu'), 'cpu')}\t{show(amount([p], 'limits', 'cpu'), 'cpu')}\t"
            f"{show(amount([p], 'requests', 'memory'), 'memory')}\t{show(amount([p], 'limits', 'memory'), 'memory')}\t{printers.age(ctx.world, pm.get('creationTimestamp'))}\n",
        )
    w.write(
        0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
    )
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    for name in ("cpu", "memory"):
        w.write(
            1,
            f"{name}\t{show(amount(pods, 'requests', name), name)}\t{show(amount(pods, 'limits', name), name)}\n",
        )
    for name in ("ephemeral-storage", "hugepages-1Gi", "hugepages-2Mi"):
        w.write(1, f"{name}\t0 (0%)\t0 (0%)\n")
    _events(ctx, w, node)
    return w.text()


def describe_simple(ctx: Ctx, resource: Resource, obj: Obj) -> str:
    """Namespace, ConfigMap, Secret, ServiceAccount, Role(Binding): the short describers."""
    w = W()
    meta = obj.get("metadata") or {}
    w.write(0, f"Name:\t{meta.get('name')}\n")
    if resource.namespaced:
        w.write(0, f"Namespace:\t{meta.get('namespace')}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    if resource.name == "namespaces":
        w.write(0, f"Status:\t{(obj.get('status') or {}).get('phase', '')}\n")
        w.write(0, "\nNo resource quota.\n\nNo LimitRange resource.\n")
        return w.text()
    if resource.name == "configmaps":
        w.flush()
        text = w.text() + "\nData\n====\n"
        for key in sorted(obj.get("data") or {}):
            text += f"{key}:\n----\n{obj['data'][key]}\n\n"
        text += "\nBinaryData\n====\n"
        for key in sorted(obj.get("binaryData") or {}):
            text += f"{key}: {len(obj['binaryData'][key]) * 3 // 4} bytes\n"
        events = W()
        _events(ctx, events, obj)
        return text + "\n" + events.text()
    if resource.name == "secrets":
        import base64

        w.write(0, f"\nType:\t{obj.get('type', '')}\n\nData\n====\n")
        for key in sorted(obj.get("data") or {}):
            try:
                size = len(base64.b64decode(obj["data"][key]))
            except ValueError:
                size = 0
            w.write(0, f"{key}:\t{size} bytes\n")
        return w.text()
    if resource.name == "serviceaccounts":
        pull = [s.get("name") for s in obj.get("imagePullSecrets") or []]
        mount = [s.get("name") for s in obj.get("secrets") or []]
        w.write(0, f"Image pull secrets:\t{', '.join(pull) or '<none>'}\n")
        w.write(0, f"Mountable secrets:\t{', '.join(mount) or '<none>'}\n")
        w.write(0, "Tokens:\t<none>\n")
        _events(ctx, w, obj)
        return w.text()
    if resource.name in {"roles", "clusterroles"}:
        w.write(0, "PolicyRule:\n")
        w.write(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
        w.write(1, "---------\t-----------------\t--------------\t-----\n")
        for rule in obj.get("rules") or []:
            groups = rule.get("apiGroups") or [""]
            resources = rule.get("resources") or []
            names = [r if g == "" else f"{r}.{g}" for r in resources for g in groups] or [""]
            for name in names:
                w.write(
                    1,
                    f"{name}\t[{' '.join(rule.get('nonResourceURLs') or [])}]\t[{' '.join(rule.get('resourceNames') or [])}]\t[{' '.join(rule.get('verbs') or [])}]\n",
                )
        return w.text()
    if resource.name in {"rolebindings", "clusterrolebindings"}:
        ref = obj.get("roleRef") or {}
        w.write(0, "Role:\n")
        w.write(1, f"Kind:\t{ref.get('kind')}\n")
        w.write(1, f"Name:\t{ref.get('name')}\n")
        w.write(0, "Subjects:\n")
        w.write(1, "Kind\tName\tNamespace\n")
        w.write(1, "----\t----\t---------\n")
        for s in obj.get("subjects") or []:
            w.write(1, f"{s.get('kind')}\t{s.get('name')}\t{s.get('namespace', '')}\n")
        return w.text()
    raise not_simulated(f"kubectl describe {resource.name}")


def describe_job(ctx: Ctx, job: Obj) -> str:
    from learn.sim.kubectl.duration import human_duration

    w = W()
    spec, status = job.get("spec") or {}, job.get("status") or {}
    _owned_head(w, job)
    _line_if(w, "Parallelism", spec.get("parallelism"))
    w.write(
        0,
        f"Completions:\t{spec['completions'] if spec.get('completions') is not None else '<unset>'}\n",
    )
    _line_if(w, "Completion Mode", spec.get("completionMode") or None)
    if spec.get("suspend") is not None:
        w.write(0, f"Suspend:\t{'true' if spec['suspend'] else 'false'}\n")
    _line_if(w, "Backoff Limit", spec.get("backoffLimit"))
    _line_if(w, "TTL Seconds After Finished", spec.get("ttlSecondsAfterFinished"))
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    if status.get("completionTime"):
        w.write(0, f"Completed At:\t{rfc1123z(status['completionTime'])}\n")
    if status.get("startTime") and status.get("completionTime"):
        took = printers.stamp_ms(status["completionTime"]) - printers.stamp_ms(status["startTime"])
        w.write(0, f"Duration:\t{human_duration(took)}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    active, succeeded, failed = (int(status.get(k) or 0) for k in ("active", "succeeded", "failed"))
    if status.get("ready") is None:
        w.write(0, f"Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n")
    else:
        w.write(
            0,
            f"Pods Statuses:\t{active} Active ({int(status['ready'])} Ready) / {succeeded} Succeeded / {failed} Failed\n",
        )
    _pod_template(w, spec.get("template") or {})
    _events(ctx, w, job)
    return w.text()


def _other_metric(w: W, metric: Mapping[str, Any], status: Mapping[str, Any]) -> None:
    """describeHorizontalPodAutoscalerV2's lines for External, Pods and Object metrics."""
    kind = metric.get("type")
    if kind == "Pods":
        source = metric.get("pods") or {}
        now = ((status.get("pods") or {}).get("current") or {}).get("averageValue", "<unknown>")
        target = (source.get("target") or {}).get("averageValue")
        w.write(1, f'"{(source.get("metric") or {}).get("name")}" on pods:\t{now} / {target}\n')
        return
    if kind in {"External", "Object"}:
        key = "external" if kind == "External" else "object"
        source = metric.get(key) or {}
        target = source.get("target") or {}
        current = (status.get(key) or {}).get("current") or {}
        name = (source.get("metric") or {}).get("name")
        if kind == "External":
            head = f'"{name}" '
        else:
            described = source.get("describedObject") or {}
            head = f'"{name}" on {described.get("kind")}/{described.get("name")} '
        if target.get("averageValue") is not None:
            now = current.get("averageValue", "<unknown>")
            w.write(1, f"{head}(target average value):\t{now} / {target['averageValue']}\n")
        else:
            now = current.get("value", "<unknown>")
            w.write(1, f"{head}(target value):\t{now} / {target.get('value')}\n")
        return
    w.write(1, f"<unknown metric type {kind}>\n")


def describe_hpa(ctx: Ctx, hpa: Obj) -> str:
    w = W()
    meta, spec, status = hpa.get("metadata") or {}, hpa.get("spec") or {}, hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    w.write(0, f"Name:\t{meta.get('name')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace')}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    w.write(0, f"Reference:\t{ref.get('kind')}/{ref.get('name')}\n")
    w.write(0, "Metrics:\t( current / target )\n")
    current = status.get("currentMetrics") or []
    for i, metric in enumerate(spec.get("metrics") or []):
        if metric.get("type") != "Resource":
            _other_metric(w, metric, current[i] if i < len(current) else {})
            continue
        resource = metric.get("resource") or {}
        target = resource.get("target") or {}
        got = (current[i].get("resource") or {}).get("current") or {} if i < len(current) else {}
        if target.get("averageValue") is not None:
            now = got.get("averageValue") or "<unknown>"
            w.write(
                1, f"resource {resource.get('name')} on pods:\t{now} / {target['averageValue']}\n"
            )
        else:
            now = "<unknown>"
            if got.get("averageUtilization") is not None:
                now = f"{got['averageUtilization']}% ({got.get('averageValue', '0')})"
            want = (
                f"{target['averageUtilization']}%"
                if target.get("averageUtilization") is not None
                else "<auto>"
            )
            w.write(
                1,
                f"resource {resource.get('name')} on pods  (as a percentage of request):\t{now} / {want}\n",
            )
    w.write(
        0,
        f"Min replicas:\t{spec['minReplicas'] if spec.get('minReplicas') is not None else '<unset>'}\n",
    )
    w.write(0, f"Max replicas:\t{spec.get('maxReplicas', 0)}\n")
    behavior = spec.get("behavior")
    if behavior:
        w.write(0, "Behavior:\n")
        for key, title in (("scaleUp", "Scale Up"), ("scaleDown", "Scale Down")):
            rules = behavior.get(key)
            if not rules:
                continue
            w.write(1, f"{title}:\n")
            if rules.get("stabilizationWindowSeconds") is not None:
                w.write(2, f"Stabilization Window: {rules['stabilizationWindowSeconds']} seconds\n")
            if rules.get("policies"):
                w.write(2, f"Select Policy: {rules.get('selectPolicy') or 'Max'}\n")
                w.write(2, "Policies:\n")
                for policy in rules["policies"]:
                    w.write(
                        3,
                        f"- Type: {policy.get('type')}\tValue: {policy.get('value')}\tPeriod: {policy.get('periodSeconds')} seconds\n",
                    )
    w.write(
        0,
        f"{ref.get('kind')} pods:\t{int(status.get('currentReplicas') or 0)} current / {int(status.get('desiredReplicas') or 0)} desired\n",
    )
    if status.get("conditions"):
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tReason\tMessage\n")
        w.write(1, "----\t------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(
                1, f"{c.get('type')}\t{c.get('status')}\t{c.get('reason')}\t{c.get('message')}\n"
            )
    _events(ctx, w, hpa)
    return w.text()


_DESCRIBERS: dict[str, Callable[[Ctx, Obj], str]] = {
    "pods": describe_pod,
    "deployments": describe_deployment,
    "replicasets": describe_replicaset,
    "services": describe_service,
    "nodes": describe_node,
    "jobs": describe_job,
    "horizontalpodautoscalers": describe_hpa,
}


def describe_one(ctx: Ctx, resource: Resource, obj: Obj) -> str:
    describer = _DESCRIBERS.get(resource.name)
    if describer is not None:
        return describer(ctx, obj)
    return describe_simple(ctx, resource, obj)


def run_describe(ctx: Ctx, flags: Parsed) -> None:
    from learn.sim.kubectl.get import collect

    if not flags.args and not flags.many("filename"):
        ctx.err.append(
            'You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n\n'
            "error: Required resource not specified.\nSee 'kubectl describe -h' for help and examples\n"
        )
        ctx.code = 1
        return
    wanted = targets(flags.args, verb="describe") if flags.args else []
    if flags.many("filename"):
        from learn.sim.kubectl.builder import (
            Target,
            manifest_name,
            manifests,
            mapping_of,
            namespace_for,
        )

        for manifest in manifests(ctx, flags.many("filename"), recursive=flags.on("recursive")):
            resource = mapping_of(manifest)
            if not manifest_name(manifest):
                raise KubectlError("resource name may not be empty")
            wanted.append(
                Target(resource, manifest_name(manifest), namespace_for(ctx, manifest, resource))
            )
    # describe TYPE NAME matches names by prefix when there is no exact match, as kubectl does.
    expanded: list[Any] = []
    for t in wanted:
        if (
            t.name is not None
            and ctx.store.get(
                t.resource, (t.namespace or ctx.namespace) if t.resource.namespaced else "", t.name
            )
            is None
        ):
            matches = [
                o["metadata"]["name"]
                for o in ctx.store.list(
                    t.resource, (t.namespace or ctx.namespace) if t.resource.namespaced else None
                )
                if o["metadata"]["name"].startswith(t.name)
            ]
            if matches:
                expanded.extend(type(t)(t.resource, m, t.namespace) for m in matches)
                continue
        expanded.append(t)
    try:
        if flags.text("selector"):
            parse_labels(flags.text("selector"))
    except SelectorError as exc:
        raise KubectlError(str(exc)) from None
    objects, errors = collect(ctx, flags, expanded, "describe")
    texts = [describe_one(ctx, r, o) for r, o in objects]
    ctx.print("\n\n".join(texts))
    if errors:
        ctx.err.extend(errors)
        ctx.code = 1
    elif not objects:
        ctx.err.append(f"No resources found in {ctx.namespace} namespace.\n")
