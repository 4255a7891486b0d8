"""Pod Security Admission: the namespace's `pod-security.kubernetes.io/*` labels and the Pod
Security Standards, as the API server's built-in PodSecurity plugin applies them
(staging/src/k8s.io/pod-security-admission: admission/admission.go, policy/check_*.go).

- Labels: `pod-security.kubernetes.io/<mode>` with a level (`privileged`, `baseline`,
  `restricted`) and `<mode>-version` (`latest` unless set), for the modes `enforce`, `warn` and
  `audit`. An unset or invalid mode is `privileged:latest`, which allows everything.
- Pods (CREATE, and UPDATE when the spec changed): an `enforce` violation refuses the Pod,
  Forbidden: `pods "x" is forbidden: violates PodSecurity "restricted:latest": <reasons>`; a
  `warn` violation on an allowed request is the warning `would violate PodSecurity
  "restricted:latest": <reasons>`, printed by kubectl as `Warning: ...`. No warning is added to
  a request that is refused (admission.go: "avoid adding warnings to a request we're already
  going to reject").
- Workload resources (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
  ReplicationController): never refused; their Pod template gets the `warn` warning only. The
  Pods their controllers create are refused by `enforce`, which the controller reports as a
  `FailedCreate` event (learn/sim/kube/controllers/replicaset.py, job.py).
- The checks run in upstream's order: the baseline checks that restricted does not replace,
  then (restricted) the restricted checks or (baseline) the baseline checks restricted
  replaces (policy/registry.go EvaluatePod; checks register in file-name order).
- Audit: the audit log is not simulated, so `audit` is read and has no visible effect.
- Simulated checks: host namespaces, hostPort, privileged, non-default capabilities, hostPath
  volumes, seccompProfile (baseline: not Unconfined), allowPrivilegeEscalation, unrestricted
  capabilities, restricted volume types, runAsNonRoot, runAsUser=0, seccompProfile
  (restricted). Not simulated (they need fields the course never uses): AppArmor, SELinux
  options, /proc mount, sysctls, Windows host process, host probes. Every version is
  evaluated as `latest` (the checks above have not changed since 1.25, except runAsNonRoot's
  user-namespace relaxation, which is `hostUsers: false`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from learn.sim.kube import admission, api

Object = dict[str, Any]
PREFIX = "pod-security.kubernetes.io/"
LEVELS = ("privileged", "baseline", "restricted")
WORKLOADS = {
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
}
# check_capabilities_baseline.go: capabilities_allowed_1_0.
BASELINE_CAPABILITIES = {
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
}
# check_restrictedVolumes.go: the volume sources restricted allows.
RESTRICTED_VOLUME_TYPES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
}

Result = tuple[str, str] | None  # (forbidden reason, detail) or None when allowed
Check = Callable[[Mapping[str, Any]], Result]


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _containers(spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """visitContainers: init containers, containers, ephemeral containers."""
    for field in ("initContainers", "containers", "ephemeralContainers"):
        for container in _list(spec.get(field)):
            if isinstance(container, Mapping):
                yield container


def _sc(container: Mapping[str, Any]) -> Mapping[str, Any]:
    return _dict(container.get("securityContext"))


def _quote(names: list[str]) -> str:
    """joinQuote: `"a", "b"`."""
    return ", ".join(f'"{n}"' for n in names)


def _plural(singular: str, plural: str, names: list[str]) -> str:
    return f"{singular if len(names) == 1 else plural} {_quote(names)}"


def _name(container: Mapping[str, Any]) -> str:
    return str(container.get("name", ""))


# --------------------------------------------------------------------------- baseline


def host_namespaces(spec: Mapping[str, Any]) -> Result:
    found = [f"{f}=true" for f in ("hostNetwork", "hostPID", "hostIPC") if spec.get(f) is True]
    return ("host namespaces", ", ".join(found)) if found else None


def host_ports(spec: Mapping[str, Any]) -> Result:
    bad: list[str] = []
    ports: list[str] = []
    for container in _containers(spec):
        used = False
        for port in _list(container.get("ports")):
            host_port = _dict(port).get("hostPort")
            if isinstance(host_port, int) and host_port != 0:
                used = True
                if str(host_port) not in ports:
                    ports.append(str(host_port))
        if used:
            bad.append(_name(container))
    if not bad:
        return None
    return (
        "hostPort",
        f"{_plural('container', 'containers', bad)} "
        f"{'uses' if len(bad) == 1 else 'use'} "
        f"{'hostPort' if len(ports) == 1 else 'hostPorts'} {', '.join(sorted(ports))}",
    )


def privileged(spec: Mapping[str, Any]) -> Result:
    bad = [_name(c) for c in _containers(spec) if _sc(c).get("privileged") is True]
    if not bad:
        return None
    return (
        "privileged",
        f"{_plural('container', 'containers', bad)} must not set securityContext.privileged=true",
    )


def capabilities_baseline(spec: Mapping[str, Any]) -> Result:
    bad: list[str] = []
    caps: set[str] = set()
    for container in _containers(spec):
        added = [str(c) for c in _list(_dict(_sc(container).get("capabilities")).get("add"))]
        extra = [c for c in added if c not in BASELINE_CAPABILITIES]
        if extra:
            bad.append(_name(container))
            caps.update(extra)
    if not bad:
        return None
    return (
        "non-default capabilities",
        f"{_plural('container', 'containers', bad)} must not include {_quote(sorted(caps))} "
        "in securityContext.capabilities.add",
    )


def host_path_volumes(spec: Mapping[str, Any]) -> Result:
    bad = [
        str(_dict(v).get("name", "")) for v in _list(spec.get("volumes")) if "hostPath" in _dict(v)
    ]
    return ("hostPath volumes", _plural("volume", "volumes", bad)) if bad else None


def _seccomp_type(sc: Mapping[str, Any]) -> str | None:
    profile = sc.get("seccompProfile")
    return str(_dict(profile).get("type", "")) if isinstance(profile, Mapping) else None


def seccomp_baseline(spec: Mapping[str, Any]) -> Result:
    setters: list[str] = []
    if _seccomp_type(_dict(spec.get("securityContext"))) == "Unconfined":
        setters.append("pod")
    bad = [_name(c) for c in _containers(spec) if _seccomp_type(_sc(c)) == "Unconfined"]
    if bad:
        setters.append(_plural("container", "containers", bad))
    if not setters:
        return None
    return (
        "seccompProfile",
        f'{" and ".join(setters)} must not set securityContext.seccompProfile.type to "Unconfined"',
    )


# --------------------------------------------------------------------------- restricted


def allow_privilege_escalation(spec: Mapping[str, Any]) -> Result:
    bad = [
        _name(c) for c in _containers(spec) if _sc(c).get("allowPrivilegeEscalation") is not False
    ]
    if not bad:
        return None
    return (
        "allowPrivilegeEscalation != false",
        f"{_plural('container', 'containers', bad)} must set "
        "securityContext.allowPrivilegeEscalation=false",
    )


def capabilities_restricted(spec: Mapping[str, Any]) -> Result:
    missing_drop: list[str] = []
    adding: list[str] = []
    forbidden: set[str] = set()
    for container in _containers(spec):
        caps = _sc(container).get("capabilities")
        if not isinstance(caps, Mapping):
            missing_drop.append(_name(container))
            continue
        if "ALL" not in [str(c) for c in _list(caps.get("drop"))]:
            missing_drop.append(_name(container))
        extra = [str(c) for c in _list(caps.get("add")) if str(c) != "NET_BIND_SERVICE"]
        if extra:
            adding.append(_name(container))
            forbidden.update(extra)
    details = []
    if missing_drop:
        details.append(
            f"{_plural('container', 'containers', missing_drop)} must set "
            'securityContext.capabilities.drop=["ALL"]'
        )
    if adding:
        details.append(
            f"{_plural('container', 'containers', adding)} must not include "
            f"{_quote(sorted(forbidden))} in securityContext.capabilities.add"
        )
    return ("unrestricted capabilities", "; ".join(details)) if details else None


def restricted_volumes(spec: Mapping[str, Any]) -> Result:
    names: list[str] = []
    types: set[str] = set()
    for volume in _list(spec.get("volumes")):
        volume = _dict(volume)
        sources = [k for k in volume if k != "name"]
        bad = [k for k in sources if k not in RESTRICTED_VOLUME_TYPES]
        if bad:
            names.append(str(volume.get("name", "")))
            types.update(bad)
    if not names:
        return None
    one = len(names) == 1
    return (
        "restricted volume types",
        f"{_plural('volume', 'volumes', names)} {'uses' if one else 'use'} restricted volume "
        f"{'type' if len(types) == 1 else 'types'} {_quote(sorted(types))}",
    )


def run_as_non_root(spec: Mapping[str, Any]) -> Result:
    if spec.get("hostUsers") is False:
        return None  # KEP-127: a Pod in a user namespace is not root on the host
    setters: list[str] = []
    pod_value = _dict(spec.get("securityContext")).get("runAsNonRoot")
    if pod_value is False:
        setters.append("pod")
    explicit: list[str] = []
    implicit: list[str] = []
    for container in _containers(spec):
        value = _sc(container).get("runAsNonRoot")
        if isinstance(value, bool):
            if not value:
                explicit.append(_name(container))
        elif pod_value is not True:
            implicit.append(_name(container))
    if explicit:
        setters.append(_plural("container", "containers", explicit))
    if setters:
        return (
            "runAsNonRoot != true",
            f"{' and '.join(setters)} must not set securityContext.runAsNonRoot=false",
        )
    if implicit:
        return (
            "runAsNonRoot != true",
            f"pod or {_plural('container', 'containers', implicit)} must set "
            "securityContext.runAsNonRoot=true",
        )
    return None


def run_as_user(spec: Mapping[str, Any]) -> Result:
    if spec.get("hostUsers") is False:
        return None
    setters: list[str] = []
    if _dict(spec.get("securityContext")).get("runAsUser") == 0:
        setters.append("pod")
    bad = [_name(c) for c in _containers(spec) if _sc(c).get("runAsUser") == 0]
    if bad:
        setters.append(_plural("container", "containers", bad))
    if not setters:
        return None
    return ("runAsUser=0", f"{' and '.join(setters)} must not set runAsUser=0")


def seccomp_restricted(spec: Mapping[str, Any]) -> Result:
    setters: list[str] = []
    values: set[str] = set()
    pod_type = _seccomp_type(_dict(spec.get("securityContext")))
    pod_set = False
    if pod_type is not None:
        if pod_type in {"RuntimeDefault", "Localhost"}:
            pod_set = True
        else:
            setters.append("pod")
            values.add(pod_type)
    explicit: list[str] = []
    implicit: list[str] = []
    for container in _containers(spec):
        kind = _seccomp_type(_sc(container))
        if kind is not None:
            if kind not in {"RuntimeDefault", "Localhost"}:
                explicit.append(_name(container))
                values.add(kind)
        elif not pod_set:
            implicit.append(_name(container))
    if explicit:
        setters.append(_plural("container", "containers", explicit))
    if setters:
        return (
            "seccompProfile",
            f"{' and '.join(setters)} must not set securityContext.seccompProfile.type to "
            f"{_quote(sorted(values))}",
        )
    if implicit:
        return (
            "seccompProfile",
            f"pod or {_plural('container', 'containers', implicit)} must set "
            'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
        )
    return None


# In file-name order (check_hostNamespaces.go, check_hostPorts.go, check_privileged.go, ...).
BASELINE: tuple[Check, ...] = (host_namespaces, host_ports, privileged)
# Baseline checks that a restricted check replaces (Overlap: true).
OVERLAPPING: tuple[Check, ...] = (capabilities_baseline, host_path_volumes, seccomp_baseline)
RESTRICTED: tuple[Check, ...] = (
    allow_privilege_escalation,
    capabilities_restricted,
    restricted_volumes,
    run_as_non_root,
    run_as_user,
    seccomp_restricted,
)


def evaluate(level: str, spec: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The failed checks of a Pod spec at a level, in upstream's order (EvaluatePod)."""
    if level not in ("baseline", "restricted"):
        return []
    checks = BASELINE + (OVERLAPPING if level == "baseline" else RESTRICTED)
    return [r for r in (check(spec) for check in checks) if r is not None]


def violations(level: str, spec: Mapping[str, Any]) -> list[str]:
    """Each failed check as the API server words it: `reason (detail)`."""
    return [f"{r} ({d})" if d else r for r, d in evaluate(level, spec)]


def policy(namespace: Mapping[str, Any] | None, mode: str) -> tuple[str, str]:
    """(level, version) of one mode from the namespace's labels; privileged when unset or
    invalid (api.PolicyToEvaluate falls back to the defaults, privileged:latest)."""
    labels = _dict(_dict((namespace or {}).get("metadata")).get("labels"))
    level = str(labels.get(PREFIX + mode, "privileged"))
    version = str(labels.get(f"{PREFIX}{mode}-version", "latest"))
    if level not in LEVELS:
        level = "privileged"
    return level, version or "latest"


def _pod_spec(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    kind = obj.get("kind")
    spec = _dict(obj.get("spec"))
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = _dict(_dict(spec.get("jobTemplate")).get("spec"))
    if kind in WORKLOADS:
        return _dict(_dict(spec.get("template")).get("spec"))
    return None


@api.admission(950)
def pod_security(
    store: api.Store, operation: str, obj: Object, old: Object | None, user: api.User | None
) -> None:
    """The PodSecurity validating admission plugin (after the API server's validation)."""
    if operation not in {"CREATE", "UPDATE"}:
        return
    spec = _pod_spec(obj)
    if spec is None:
        return
    if operation == "UPDATE" and old is not None and _pod_spec(old) == spec:
        return  # only a change to the Pod spec is evaluated again
    meta = _dict(obj.get("metadata"))
    ns = store.get("namespaces", "", str(meta.get("namespace", "default")))
    if obj.get("kind") == "Pod":
        level, version = policy(ns, "enforce")
        failed = violations(level, spec)
        if failed:
            name = admission.request_name(store, meta)
            target = f'pods "{name}"' if name else "pods"
            raise api.ApiError(
                "Forbidden",
                f'{target} is forbidden: violates PodSecurity "{level}:{version}": '
                f"{', '.join(failed)}",
                kind="Pod",
                name=str(name),
            )
    if user is None:
        return  # a controller's request: its warnings go to no terminal
    level, version = policy(ns, "warn")
    failed = violations(level, spec)
    if failed:
        store.warning(f'would violate PodSecurity "{level}:{version}": {", ".join(failed)}')
