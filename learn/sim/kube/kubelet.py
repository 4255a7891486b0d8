"""The kubelet of every node, as one reconciler (order 300) and its timers.

For each Pod bound to a node (`spec.nodeName`), the kubelet of that node:

- creates the sandbox (the Pod's IP, `PodReadyToStartContainers`), 0.5 s after binding;
- pulls each image (learn/sim/images.py resolves it): `Pulling` / `Pulled` events worded as
  the kubelet words them, the pull taking time by the image's size; an image that cannot be
  pulled is `ErrImagePull`, then `ImagePullBackOff` with the image back-off (10 s doubling,
  capped at 300 s); an image already on the node is not pulled again (`IfNotPresent`);
- builds each container's configuration: command and args over the image's entrypoint and
  cmd, `$(VAR)` expansion, env / envFrom from ConfigMaps and Secrets (a missing one is
  `CreateContainerConfigError` with the kubelet's message), the downward API, service links;
  `runAsNonRoot` checked against the image's user before the container is created
  (verifyRunAsNonRoot: a root or non-numeric user is `CreateContainerConfigError`), the
  process's user and groups from runAsUser / runAsGroup / fsGroup / supplementalGroups as
  containerd sets them (`id`), and `readOnlyRootFilesystem` (writes outside the volumes fail
  with `Read-only file system`);
  volumes from ConfigMaps, Secrets, emptyDir and PersistentVolumeClaims (`FailedMount`);
- runs init containers one by one, native sidecars (init containers with `restartPolicy:
  Always`) started in order and kept running, then the containers, each process being the
  image's program (learn/sim/programs.py);
- probes them (startup, liveness, readiness: httpGet, tcpSocket, exec) against what the
  program really serves at that moment, with initialDelaySeconds, periodSeconds,
  timeoutSeconds, successThreshold and failureThreshold, and `Unhealthy` events;
- restarts exited containers as restartPolicy says, with CrashLoopBackOff (10 s doubling,
  capped at 300 s, reset after 10 minutes of running), OOMKilled when the program's memory
  exceeds the container's limit;
- stops containers on deletion (SIGTERM, then SIGKILL when terminationGracePeriodSeconds
  runs out, the `Killing` event) and then removes the Pod;
- writes the Pod's status as the kubelet does: phase, conditions (PodReadyToStartContainers,
  Initialized, Ready, ContainersReady, PodScheduled), hostIP, podIP, startTime,
  containerStatuses and initContainerStatuses.

What the kubelet knows beyond the Pod's status lives in `state["kubelet"]`:

    pods    {pod uid: {"node", "ip", "sandbox_at", "containers": {name: runtime}, ...}}
    images  {node: [image ids pulled there]}
    ips     {node: last host number handed out}
    volumes {"<namespace>/<claim>": {files...}, ...}  data of PersistentVolumeClaims

A container runtime records what its process does (the program's `Run`, as plain data:
`run`, with `started_at` in ms), the run before the last restart (`previous`: run,
started_at, finished_at; what `kubectl logs --previous` shows), its restarts and back-off,
and its probe results. Time moves only through timers
("kubelet-wake", one per Pod, at the next moment something is due).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from learn.sim import clock
from learn.sim.images import Image, PullError, resolve
from learn.sim.kube.api import ApiError, Store, copy_of
from learn.sim.kube.bootstrap import node_ip
from learn.sim.kube.controllers.util import skip_when_idle
from learn.sim.programs import (
    Peer,
    Process,
    Program,
    Response,
    Run,
    expand_kube_env,
    program_for,
)
from learn.sim.world import World

COMPONENT = "kubelet"
SANDBOX_MS = 500  # pod sandbox (pause container, network) set-up
CREATE_MS = 200  # container create + start after the image is there
PULL_BASE_MS = 800
PULL_BYTES_PER_MS = 40_000  # 40 MB/s
BACKOFF_INITIAL_MS = 10_000
BACKOFF_MAX_MS = 300_000
OOM_AFTER_MS = 800  # a process over its memory limit is killed this long after start
MAX_PROBE_PERIODS = 10_000

Obj = dict[str, Any]


# --------------------------------------------------------------------------- helpers


def go_duration(ms: int) -> str:
    """time.Duration.String() for whole milliseconds: 450ms, 5.8s, 1m20s, 5m0s."""
    if ms < 1000:
        return f"{ms}ms" if ms else "0s"
    total_s = ms / 1000
    if total_s < 60:
        text = f"{total_s:.3f}".rstrip("0").rstrip(".")
        return f"{text}s"
    minutes, rest = divmod(ms, 60_000)
    hours, minutes = divmod(minutes, 60)
    secs = f"{rest / 1000:.3f}".rstrip("0").rstrip(".")
    out = f"{minutes}m{secs}s"
    return f"{hours}h{out}" if hours else out


def _state(world: World) -> Obj:
    state: Obj = world.state.setdefault(
        "kubelet", {"pods": {}, "images": {}, "ips": {}, "volumes": {}}
    )
    return state


def _node_index(store: Store, node: str) -> int:
    for index, spec in enumerate(
        (store.world.state.get("kube") or {}).get("topology", {}).get("nodes", [])
    ):
        if spec["name"] == node:
            return index
    return 0


def _run_to_data(run: Run) -> Obj:
    """The Run as plain JSON data (lists, string keys), as the state must hold it."""
    data = asdict(run)
    data["listens"] = {str(k): v for k, v in run.listens.items()}
    plain: Obj = json.loads(json.dumps(data))
    return plain


def _run_from_data(data: Mapping[str, Any]) -> Run:
    values = dict(data)
    values["listens"] = {int(k): v for k, v in (data.get("listens") or {}).items()}
    values["lines"] = [tuple(x) for x in data.get("lines") or []]
    if data.get("repeat"):
        period, lines = data["repeat"]
        values["repeat"] = (period, [tuple(x) for x in lines])
    values["load"] = [tuple(x) for x in data.get("load") or []]
    return Run(**values)


def _container_specs(pod: Mapping[str, Any]) -> list[tuple[str, Obj]]:
    """(kind, spec) in start order: init containers (kind "init" or "sidecar"), then "main"."""
    spec = pod.get("spec") or {}
    out: list[tuple[str, Obj]] = []
    for c in spec.get("initContainers") or []:
        out.append(("sidecar" if c.get("restartPolicy") == "Always" else "init", c))
    for c in spec.get("containers") or []:
        out.append(("main", c))
    return out


def _pull_policy(container: Mapping[str, Any]) -> str:
    policy = container.get("imagePullPolicy")
    if policy:
        return str(policy)
    image = str(container.get("image", ""))
    tag = image.rsplit("/", 1)[-1]
    if "@" in image:
        return "IfNotPresent"
    return "Always" if ":" not in tag or tag.endswith(":latest") else "IfNotPresent"


def _security(pod: Mapping[str, Any], container: Mapping[str, Any]) -> dict[str, Any]:
    """The effective securityContext: the container's fields over the Pod's
    (securitycontext.DetermineEffectiveSecurityContext)."""
    return {
        **((pod.get("spec") or {}).get("securityContext") or {}),
        **(container.get("securityContext") or {}),
    }


def _image_uid(image_user: str) -> tuple[int | None, str]:
    """The image's user as the runtime reports it to the kubelet (getImageUser): a numeric
    uid, or a user name it cannot resolve; an image with no USER runs as uid 0."""
    name = (image_user or "").split(":")[0]
    if not name:
        return 0, ""
    if name.isdigit():
        return int(name), ""
    return None, name


def verify_run_as_non_root(
    pod: Mapping[str, Any], container: Mapping[str, Any], image_user: str
) -> str | None:
    """The kubelet's runAsNonRoot check before a container is created, or None
    (pkg/kubelet/kuberuntime/security_context_others.go, verifyRunAsNonRoot)."""
    security = _security(pod, container)
    if security.get("runAsNonRoot") is not True:
        return None
    meta = pod["metadata"]
    where = (
        f'(pod: "{meta["name"]}_{meta.get("namespace", "default")}({meta.get("uid", "")})", '
        f"container: {container.get('name', '')})"
    )
    if security.get("runAsUser") is not None:
        if str(security["runAsUser"]) == "0":
            return f"container's runAsUser breaks non-root policy {where}"
        return None
    uid, username = _image_uid(image_user)
    if uid == 0:
        return f"container has runAsNonRoot and image will run as root {where}"
    if uid is None and username:
        return (
            f"container has runAsNonRoot and image has non-numeric user ({username}), "
            f"cannot verify user is non-root {where}"
        )
    return None


def effective_user(
    image_user: str, security: Mapping[str, Any], pod: Mapping[str, Any]
) -> tuple[str, tuple[int, ...]]:
    """The process's `uid:gid` (or the image's user) and its supplementary groups.

    containerd's CRI passes `runAsUser[:runAsGroup]` to oci.WithUser: a uid alone takes the
    primary group of that uid's entry in the image's /etc/passwd, and gid 0 when there is none
    (containerd pkg/oci/spec_opts.go WithUser / WithUserID). The only passwd entries the
    catalogue knows are the image's own USER uid:gid and root. fsGroup and supplementalGroups
    are added as supplementary groups (kuberuntime determineEffectiveSecurityContext)."""
    user = image_user
    if security.get("runAsUser") is not None:
        uid = str(security["runAsUser"])
        if security.get("runAsGroup") is not None:
            user = f"{uid}:{security['runAsGroup']}"
        else:
            own_uid, _, own_gid = (image_user or "").partition(":")
            user = f"{uid}:{own_gid if own_uid == uid and own_gid.isdigit() else 0}"
    elif security.get("runAsGroup") is not None:
        user = f"{(image_user or '0').split(':')[0] or 0}:{security['runAsGroup']}"
    pod_security = (pod.get("spec") or {}).get("securityContext") or {}
    extra = [pod_security.get("fsGroup"), *(pod_security.get("supplementalGroups") or [])]
    groups = tuple(sorted({int(g) for g in extra if isinstance(g, int) and g >= 0}))
    return user, groups


def _memory_limit(container: Mapping[str, Any]) -> int | None:
    from learn.sim.kube import quantity

    text = ((container.get("resources") or {}).get("limits") or {}).get("memory")
    if text is None:
        return None
    try:
        return quantity.parse(str(text)).integer()
    except ValueError:
        return None


def _cpu_limit(container: Mapping[str, Any]) -> int | None:
    from learn.sim.kube import quantity

    text = ((container.get("resources") or {}).get("limits") or {}).get("cpu")
    if text is None:
        return None
    try:
        return quantity.parse(str(text)).milli()
    except ValueError:
        return None


def pull_error_message(error: PullError, image: str) -> tuple[str, str]:
    """(waiting reason, the kubelet's `Failed to pull image` text) for a PullError, worded as
    containerd 2 answers through the CRI."""
    ref = error.reference
    if error.reason == "invalid":
        return (
            "InvalidImageName",
            f'Failed to apply default image tag "{image}": couldn\'t parse image name '
            f'"{image}": {error.message or "invalid reference format"}',
        )
    prefix = f'Failed to pull image "{image}": '
    if error.reason == "tag":
        return (
            "ErrImagePull",
            prefix + f'rpc error: code = NotFound desc = failed to pull and unpack image "{ref}": '
            f'failed to resolve reference "{ref}": {ref}: not found',
        )
    if error.reason == "host":
        host = ref.split("/", 1)[0]
        path = ref.split("/", 1)[1] if "/" in ref else ref
        repo, _, tag = path.rpartition(":")
        return (
            "ErrImagePull",
            prefix + f'rpc error: code = Unknown desc = failed to pull and unpack image "{ref}": '
            f'failed to resolve reference "{ref}": failed to do request: Head '
            f'"https://{host}/v2/{repo}/manifests/{tag}": dial tcp: lookup {host} on '
            "172.18.0.1:53: no such host",
        )
    return (
        "ErrImagePull",
        prefix + f'rpc error: code = Unknown desc = failed to pull and unpack image "{ref}": '
        f'failed to resolve reference "{ref}": pull access denied, repository does not exist '
        "or may require authorization: server message: insufficient_scope: authorization failed",
    )


# --------------------------------------------------------------------------- the container's world


class PodFs:
    """A container's filesystem: its own layer plus the Pod's volume mounts."""

    def __init__(
        self,
        layer: dict[str, str],
        mounts: list[tuple[str, dict[str, str], bool]],
        *,
        read_only_root: bool = False,
    ):
        self.layer = layer
        # readOnlyRootFilesystem: the container's own layer is mounted read-only; its
        # volume mounts keep their own mode.
        self.read_only_root = read_only_root
        # Longest mount path first, so /data/x mounts win over /data.
        self.mounts = sorted(mounts, key=lambda m: -len(m[0]))

    def _where(self, path: str) -> tuple[dict[str, str], str, bool]:
        for mount_path, files, read_only in self.mounts:
            base = mount_path.rstrip("/")
            if path == base or path.startswith(base + "/"):
                return files, path[len(base) :].lstrip("/"), read_only
        return self.layer, path, self.read_only_root

    def read(self, path: str) -> str | None:
        files, rel, _ = self._where(path)
        return files.get(rel)

    def write(self, path: str, text: str, *, append: bool = False) -> str | None:
        files, rel, read_only = self._where(path)
        if read_only:
            return "Read-only file system"
        files[rel] = (files.get(rel, "") if append else "") + text
        return None

    def exists(self, path: str) -> bool:
        return self.read(path) is not None or self.is_dir(path)

    def is_dir(self, path: str) -> bool:
        if any(m[0].rstrip("/") == path.rstrip("/") for m in self.mounts):
            return True
        files, rel, _ = self._where(path)
        prefix = rel.rstrip("/") + "/" if rel else ""
        return any(f.startswith(prefix) for f in files)

    def listdir(self, path: str) -> list[str] | None:
        files, rel, _ = self._where(path)
        prefix = rel.rstrip("/") + "/" if rel else ""
        names = {f[len(prefix) :].split("/")[0] for f in files if f.startswith(prefix)}
        return sorted(names) if names or self.is_dir(path) else None


class PodNet:
    """DNS and connections from inside a Pod: cluster DNS for Services, Pod IPs, localhost
    being the Pod's own network namespace (every container of the Pod)."""

    def __init__(self, kubelet: Kubelet, pod: Mapping[str, Any]):
        self.kubelet = kubelet
        self.pod = pod
        self.namespace = pod["metadata"].get("namespace", "default")

    def _service(self, host: str) -> Obj | None:
        if host[:1].isdigit():
            # A Service's cluster IP (what WEB_SERVICE_HOST holds), as kube-proxy routes it.
            for service in self.kubelet.store.list("services"):
                if (service.get("spec") or {}).get("clusterIP") == host:
                    return service
            return None
        parts = host.rstrip(".").split(".")
        name, namespace = parts[0], self.namespace
        if len(parts) >= 2:
            namespace = parts[1]
        if len(parts) >= 3 and parts[2] != "svc":
            return None
        if len(parts) > 3 and ".".join(parts[3:]) != "cluster.local":
            return None
        return self.kubelet.store.get("services", namespace, name)

    def resolve(self, host: str) -> str | None:
        if host in {"localhost", "127.0.0.1", "::1"}:
            return "127.0.0.1"
        if self.kubelet.pod_by_ip(host) is not None:
            return host
        service = self._service(host)
        if service is None:
            return None
        ip = (service.get("spec") or {}).get("clusterIP")
        if ip and ip != "None":
            return str(ip)
        ready = self.kubelet.ready_endpoints(service)
        return ready[0][0] if ready else None

    def connect(self, host: str, port: int) -> Peer | str:
        if host in {"localhost", "127.0.0.1", "::1"}:
            return self.kubelet.connect_pod(self.pod, port, local=True) or "refused"
        target = self.kubelet.pod_by_ip(host)
        if target is not None:
            return self.kubelet.connect_pod(target, port, local=False) or "refused"
        service = self._service(host)
        if service is None:
            return "nxdomain"
        for sp in (service.get("spec") or {}).get("ports") or []:
            if int(sp.get("port", 0)) != port:
                continue
            for _ip, pod in self.kubelet.ready_endpoints(service):
                target_port = self.kubelet.resolve_port(pod, sp.get("targetPort", port))
                if target_port is None:
                    continue
                peer = self.kubelet.connect_pod(pod, target_port, local=False)
                if peer is not None:
                    return peer
            return "refused"
        return (
            "timeout"
            if (service.get("spec") or {}).get("clusterIP") not in (None, "None")
            else "refused"
        )


# --------------------------------------------------------------------------- the kubelet


class Kubelet:
    """One pass of the kubelets over the Pods (transient; the state is `state["kubelet"]`)."""

    def __init__(self, world: World):
        self.world = world
        self.store = Store.of(world)
        self.state = _state(world)
        self.now = world.now
        self.changed = False
        self._pods: list[Obj] | None = None
        # Transient, for the length of one pass: image resolution and volume lookups.
        self._image_cache: dict[str, Image | PullError] = {}
        self._volume_cache: dict[str, Any] = {}

    def resolve(self, reference: str) -> Image | PullError:
        if not self._image_cache:
            # Resolution is a pure function of the reference and the task's images; the
            # answers are kept on the World object (never in the state) while those match.
            images = self.world.state.get("images") or {}
            fingerprint = json.dumps(images, sort_keys=True)
            cached = getattr(self.world, "_kubelet_images", None)
            if cached is None or cached[0] != fingerprint:
                cached = (fingerprint, {})
                self.world._kubelet_images = cached  # type: ignore[attr-defined]
            self._image_cache = cached[1]
        if reference not in self._image_cache:
            self._image_cache[reference] = resolve(reference, self.world.state.get("images") or {})
        return self._image_cache[reference]

    # ------------------------------------------------------------------ lookups

    def pods(self) -> list[Obj]:
        if self._pods is None:
            self._pods = self.store.list("pods")
        return self._pods

    def pod_by_ip(self, ip: str) -> Obj | None:
        for uid, rt in self.state["pods"].items():
            if rt.get("ip") == ip:
                ns, name = rt["key"]
                pod = self.store.get("pods", ns, name)
                if pod is not None and pod["metadata"].get("uid") == uid:
                    return pod
        return None

    def ready_endpoints(self, service: Mapping[str, Any]) -> list[tuple[str, Obj]]:
        """The Pods a Service sends traffic to: selected, Ready, not terminating."""
        from learn.sim.kube.controllers.util import is_pod_ready

        selector = (service.get("spec") or {}).get("selector") or {}
        if not selector:
            return []
        ns = service["metadata"].get("namespace", "default")
        out = []
        for pod in self.pods():
            if pod["metadata"].get("namespace") != ns or pod["metadata"].get("deletionTimestamp"):
                continue
            labels = pod["metadata"].get("labels") or {}
            if all(labels.get(k) == v for k, v in selector.items()) and is_pod_ready(pod):
                ip = (pod.get("status") or {}).get("podIP")
                if ip:
                    out.append((str(ip), pod))
        return sorted(out, key=lambda item: item[1]["metadata"]["name"])

    def resolve_port(self, pod: Mapping[str, Any], port: Any) -> int | None:
        if isinstance(port, int):
            return port
        if isinstance(port, str) and port.isdigit():
            return int(port)
        for _kind, c in _container_specs(pod):
            for cp in c.get("ports") or []:
                if cp.get("name") == port:
                    return int(cp.get("containerPort", 0))
        return None

    def connect_pod(
        self, pod: Mapping[str, Any], port: int, *, local: bool, at: int | None = None
    ) -> Peer | None:
        """The process of `pod` listening on `port` at `at` (default now), if any."""
        when = self.now if at is None else at
        rt = self.state["pods"].get(pod["metadata"].get("uid"))
        if rt is None:
            return None
        for name, c in rt["containers"].items():
            if c.get("state") != "running":
                continue
            run = c.get("run") or {}
            if str(port) not in (run.get("listens") or {}):
                continue
            if when < int(c["started_at"]) + int(run.get("ready_after", 0)):
                continue
            process, program = self.process_of(pod, rt, name)
            process.now = when
            if not local and _loopback_only(program, process):
                continue
            return Peer(program=program, process=process, ip=rt.get("ip", ""))
        return None

    # ------------------------------------------------------------------ processes

    def _volumes(
        self, pod: Mapping[str, Any], rt: Obj
    ) -> tuple[dict[str, tuple[dict[str, str], bool, dict[str, Any]]], str | None]:
        """name -> (files, read-only source), or the FailedMount message."""
        ns = pod["metadata"].get("namespace", "default")
        out: dict[str, tuple[dict[str, str], bool, dict[str, Any]]] = {}
        for volume in (pod.get("spec") or {}).get("volumes") or []:
            name = volume.get("name", "")
            if "configMap" in volume or "secret" in volume:
                is_cm = "configMap" in volume
                src = volume["configMap"] if is_cm else volume["secret"]
                ref = src.get("name") if is_cm else src.get("secretName")
                obj = self.store.get("configmaps" if is_cm else "secrets", ns, str(ref or ""))
                if obj is None:
                    if src.get("optional"):
                        out[name] = ({}, True, {})
                        continue
                    kind = "configmap" if is_cm else "secret"
                    return (
                        out,
                        f'MountVolume.SetUp failed for volume "{name}" : {kind} "{ref}" not found',
                    )
                data = dict(obj.get("data") or {})
                if not is_cm:
                    data = {k: _b64(v) for k, v in data.items()}
                    data.update(obj.get("stringData") or {})
                else:
                    data.update(obj.get("binaryData") or {})
                items = src.get("items")
                if items:
                    picked = {}
                    for item in items:
                        if item.get("key") not in data:
                            if src.get("optional"):
                                continue
                            return out, (
                                f'MountVolume.SetUp failed for volume "{name}" : configmap '
                                f"references non-existent config key: {item.get('key')}"
                            )
                        picked[str(item.get("path", item["key"]))] = data[item["key"]]
                    data = picked
                out[name] = (data, True, {})
            elif "emptyDir" in volume:
                out[name] = self._empty_dir(rt, name)
            elif "persistentVolumeClaim" in volume:
                claim = str(volume["persistentVolumeClaim"].get("claimName", ""))
                volume_data = self.state["volumes"].setdefault(
                    f"{ns}/{claim}", {"files": {}, "data": {}}
                )
                out[name] = (
                    volume_data["files"],
                    bool(volume["persistentVolumeClaim"].get("readOnly")),
                    volume_data["data"],
                )
            else:
                # hostPath, projected, downwardAPI, ...: mounted empty (their contents are not
                # simulated; see learn/sim/README.md).
                out[name] = self._empty_dir(rt, name)
        return out, None

    def _empty_dir(self, rt: Obj, name: str) -> tuple[dict[str, str], bool, dict[str, Any]]:
        entry = rt.setdefault("empty_dirs", {}).setdefault(name, {"files": {}, "data": {}})
        return entry["files"], False, entry["data"]

    def _env(
        self, pod: Mapping[str, Any], container: Mapping[str, Any], image: Image, rt: Obj
    ) -> tuple[dict[str, str], str | None]:
        """The container's environment, or the CreateContainerConfigError message."""
        ns = pod["metadata"].get("namespace", "default")
        env: dict[str, str] = dict(image.config.env)
        env["HOSTNAME"] = pod["metadata"]["name"]
        if (pod.get("spec") or {}).get("enableServiceLinks", True):
            for service in self.store.list("services", ns):
                ip = (service.get("spec") or {}).get("clusterIP")
                ports = (service.get("spec") or {}).get("ports") or []
                if not ip or ip == "None" or not ports:
                    continue
                prefix = service["metadata"]["name"].upper().replace("-", "_")
                env[f"{prefix}_SERVICE_HOST"] = str(ip)
                env[f"{prefix}_SERVICE_PORT"] = str(ports[0].get("port"))
            env.setdefault("KUBERNETES_SERVICE_HOST", "10.96.0.1")
            env.setdefault("KUBERNETES_SERVICE_PORT", "443")

        def lookup(kind: str, name: str, key: str | None, optional: bool) -> tuple[Any, str | None]:
            resource = "configmaps" if kind == "ConfigMap" else "secrets"
            obj = self.store.get(resource, ns, name)
            if obj is None:
                if optional:
                    return None, None
                return (
                    None,
                    f'{"configmap" if kind == "ConfigMap" else "secret"} "{name}" not found',
                )
            data = dict(obj.get("data") or {})
            if kind == "Secret":
                data = {k: _b64(v) for k, v in data.items()}
            if key is None:
                return data, None
            if key not in data:
                if optional:
                    return None, None
                return None, f"couldn't find key {key} in {kind} {ns}/{name}"
            return data[key], None

        for source in container.get("envFrom") or []:
            prefix = str(source.get("prefix", ""))
            for kind, field in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                if field in source:
                    ref = source[field] or {}
                    data, error = lookup(
                        kind, str(ref.get("name", "")), None, bool(ref.get("optional"))
                    )
                    if error:
                        return env, error
                    for k, v in (data or {}).items():
                        env[prefix + k] = str(v)
        for item in container.get("env") or []:
            name = str(item.get("name", ""))
            if "value" in item or "valueFrom" not in item:
                env[name] = expand_kube_env(str(item.get("value", "")), env)
                continue
            source = item["valueFrom"] or {}
            if "configMapKeyRef" in source or "secretKeyRef" in source:
                kind = "ConfigMap" if "configMapKeyRef" in source else "Secret"
                ref = source.get("configMapKeyRef") or source.get("secretKeyRef") or {}
                value, error = lookup(
                    kind,
                    str(ref.get("name", "")),
                    str(ref.get("key", "")),
                    bool(ref.get("optional")),
                )
                if error:
                    return env, error
                if value is not None:
                    env[name] = str(value)
            elif "fieldRef" in source:
                env[name] = self._field(
                    pod, rt, str((source["fieldRef"] or {}).get("fieldPath", ""))
                )
            elif "resourceFieldRef" in source:
                ref = source["resourceFieldRef"] or {}
                resource = str(ref.get("resource", ""))
                kind, _, what = resource.partition(".")
                value = ((container.get("resources") or {}).get(kind) or {}).get(what)
                if value is None and what == "memory":
                    value = str(self._allocatable(pod, "memory"))
                if value is None and what == "cpu":
                    value = "2"
                env[name] = _resource_value(str(value), what, str(ref.get("divisor", "1")))
        return env, None

    def _allocatable(self, pod: Mapping[str, Any], what: str) -> int:
        from learn.sim.kube import quantity

        node = self.store.get("nodes", "", str((pod.get("spec") or {}).get("nodeName", "")))
        text = (((node or {}).get("status") or {}).get("allocatable") or {}).get(what, "0")
        return quantity.parse(str(text)).integer()

    def _field(self, pod: Mapping[str, Any], rt: Obj, path: str) -> str:
        meta = pod["metadata"]
        if path == "metadata.name":
            return str(meta["name"])
        if path == "metadata.namespace":
            return str(meta.get("namespace", "default"))
        if path == "metadata.uid":
            return str(meta.get("uid", ""))
        if path in {"status.podIP", "status.podIPs"}:
            return str(rt.get("ip", ""))
        if path in {"status.hostIP", "status.hostIPs"}:
            return str(rt.get("host_ip", ""))
        if path == "spec.nodeName":
            return str((pod.get("spec") or {}).get("nodeName", ""))
        if path == "spec.serviceAccountName":
            return str((pod.get("spec") or {}).get("serviceAccountName", "default"))
        for prefix, field in (
            ("metadata.labels['", "labels"),
            ("metadata.annotations['", "annotations"),
        ):
            if path.startswith(prefix) and path.endswith("']"):
                return str((meta.get(field) or {}).get(path[len(prefix) : -2], ""))
        return ""

    def build(self, pod: Mapping[str, Any], rt: Obj, name: str) -> tuple[Process, Program] | str:
        """A container's process at its start, or the CreateContainerConfigError message."""
        container = next(c for _, c in _container_specs(pod) if c.get("name") == name)
        c = rt["containers"][name]
        image = self.resolve(str(container.get("image", "")))
        if isinstance(image, PullError):
            raise RuntimeError("build before pull")  # pragma: no cover - pulls come first
        env, error = self._env(pod, container, image, rt)
        if error:
            return error
        refused = verify_run_as_non_root(pod, container, image.config.user)
        if refused:
            return refused
        command = [expand_kube_env(str(x), env) for x in container.get("command") or []]
        args = [expand_kube_env(str(x), env) for x in container.get("args") or []]
        if command:
            argv = command + args
        else:
            argv = list(image.config.entrypoint) + (args or list(image.config.cmd))
        c["argv"] = argv
        c["env"] = env
        c["layer"] = {}
        c["data"] = {}
        return self.process_of(pod, rt, name)

    def process_of(self, pod: Mapping[str, Any], rt: Obj, name: str) -> tuple[Process, Program]:
        container = next(c for _, c in _container_specs(pod) if c.get("name") == name)
        c = rt["containers"][name]
        image = self.resolve(str(container.get("image", "")))
        assert isinstance(image, Image)
        cache_key = pod["metadata"].get("uid", "")
        if cache_key not in self._volume_cache:
            self._volume_cache[cache_key] = self._volumes(pod, rt)[0]
        volumes = self._volume_cache[cache_key]
        mounts = []
        data_dir_files: dict[str, Any] | None = None
        program = program_for(image, list(c.get("argv") or []))
        for mount in container.get("volumeMounts") or []:
            source = volumes.get(str(mount.get("name", "")))
            if source is None:
                continue
            files, read_only, volume_data = source
            path = str(mount.get("mountPath", ""))
            mounts.append((path, files, read_only or bool(mount.get("readOnly"))))
            if program.data_dir and path.rstrip("/") == program.data_dir.rstrip("/"):
                data_dir_files = volume_data
        data = data_dir_files if data_dir_files is not None else c.setdefault("data", {})
        security = _security(pod, container)
        user, groups = effective_user(image.config.user, security, pod)
        process = Process(
            image=image,
            argv=list(c.get("argv") or []),
            env=dict(c.get("env") or {}),
            fs=PodFs(
                c.setdefault("layer", {}),
                mounts,
                read_only_root=bool(security.get("readOnlyRootFilesystem")),
            ),
            net=PodNet(self, pod),
            data=data,
            started=int(c.get("started_at") or self.now),
            now=self.now,
            hostname=pod["metadata"]["name"],
            ip=str(rt.get("ip", "")),
            memory_limit=_memory_limit(container),
            cpu_limit=_cpu_limit(container),
            user=user,
            groups=groups,
            tty=bool(container.get("tty")),
            restarts=int(c.get("restarts", 0)),
        )
        return process, program

    # ------------------------------------------------------------------ events

    def _event(
        self,
        pod: Mapping[str, Any],
        reason: str,
        message: str,
        *,
        type: str = "Normal",
        container: str = "",
        kind: str = "main",
    ) -> None:
        field_path = ""
        if container:
            field_path = (
                f"spec.{'initContainers' if kind != 'main' else 'containers'}{{{container}}}"
            )
        self.changed = True
        self.store.event(
            pod,
            type=type,
            reason=reason,
            message=message,
            component=COMPONENT,
            host=str((pod.get("spec") or {}).get("nodeName", "")),
            field_path=field_path,
        )

    # ------------------------------------------------------------------ the sync loop

    def sync_all(self) -> bool:
        seen = set()
        stopped = (self.state.get("stopped") or {}).keys()
        for pod in list(self.pods()):
            node = (pod.get("spec") or {}).get("nodeName")
            if not node:
                continue
            uid = pod["metadata"]["uid"]
            seen.add(uid)
            if node in stopped:
                continue  # that node's kubelet is down (learn/sim/kube/controllers/node.py)
            if self.idle(pod):
                continue
            self.sync_pod(pod)
        for uid in [u for u in self.state["pods"] if u not in seen]:
            del self.state["pods"][uid]
            clock.cancel(self.world, key=f"kubelet/{uid}")
        return self.changed

    def sync_pod(self, pod: Obj) -> None:
        uid = pod["metadata"]["uid"]
        phase = (pod.get("status") or {}).get("phase")
        rt = self.state["pods"].get(uid)
        if rt is None:
            if phase in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp"):
                return
            rt = self._admit(pod)
            if rt is None:
                return
        due: list[int] = []
        was_changed, self.changed = self.changed, False
        if pod["metadata"].get("deletionTimestamp"):
            if self._terminate(pod, rt, due):
                self.store.remove(pod)
                self.state["pods"].pop(uid, None)
                clock.cancel(self.world, key=f"kubelet/{uid}")
                self.changed = True
                return
        elif self.now < rt["sandbox_at"]:
            due.append(rt["sandbox_at"])
        else:
            if not rt.get("ip"):
                rt["ip"] = self._allocate_ip(rt["node"])
                self.changed = True
            self._advance_containers(pod, rt, due)
        if self.changed or rt.get("rv") != pod["metadata"].get("resourceVersion"):
            rv = self._write_status(pod, rt)
        else:
            rv = str(pod["metadata"].get("resourceVersion", ""))
        self.changed = self.changed or was_changed
        future = [t for t in due if t > self.now]
        key = f"kubelet/{uid}"
        # What the next pass needs to know to skip this Pod: the version it last saw and
        # when it next has something to do (a pod worker waits for either).
        rt["rv"] = rv
        rt["next"] = min(future) if future else None
        if future:
            if rt.get("timer_at") != min(future):
                clock.schedule(
                    self.world, at=min(future), kind="kubelet-wake", key=key, payload=uid
                )
                rt["timer_at"] = min(future)
        elif rt.get("timer_at") is not None:
            clock.cancel(self.world, key=key)
            rt["timer_at"] = None

    def idle(self, pod: Obj) -> bool:
        """Nothing changed in the Pod since the last pass and nothing is due yet."""
        rt = self.state["pods"].get(pod["metadata"]["uid"])
        if rt is None or rt.get("rv") != pod["metadata"].get("resourceVersion"):
            return False
        due = rt.get("next")
        return due is not None and self.now < int(due)

    def _admit(self, pod: Obj) -> Obj | None:
        node = str(pod["spec"]["nodeName"])
        if self.store.get("nodes", "", node) is None:
            return None
        rt: Obj = {
            "key": [pod["metadata"].get("namespace", "default"), pod["metadata"]["name"]],
            "node": node,
            "host_ip": node_ip(_node_index(self.store, node)),
            "ip": "",
            "bound_at": self.now,
            "sandbox_at": self.now + SANDBOX_MS,
            "containers": {},
        }
        for kind, c in _container_specs(pod):
            rt["containers"][c.get("name", "")] = {
                "kind": kind,
                "default_reason": _default_waiting(pod),
                "state": "waiting",
                "reason": _default_waiting(pod),
                "restarts": 0,
            }
        self.state["pods"][pod["metadata"]["uid"]] = rt
        self.changed = True
        return rt

    def _allocate_ip(self, node: str) -> str:
        index = _node_index(self.store, node)
        n = int(self.state["ips"].get(node, 1)) + 1
        self.state["ips"][node] = n
        return f"10.244.{index}.{n % 254 + 1 if n > 254 else n}"

    # ------------------------------------------------------------------ containers

    def _advance_containers(self, pod: Obj, rt: Obj, due: list[int]) -> None:
        spec = pod.get("spec") or {}
        policy = spec.get("restartPolicy", "Always")
        specs = _container_specs(pod)
        inits_done = True
        for kind, container in specs:
            name = container.get("name", "")
            c = rt["containers"][name]
            if kind == "main":
                if not inits_done:
                    break
                self._step(pod, rt, container, c, policy, due)
                continue
            # Init containers and sidecars, strictly in order.
            if kind == "init":
                if c.get("completed"):
                    continue
                self._step(
                    pod, rt, container, c, "OnFailure" if policy == "Always" else policy, due
                )
                if c.get("state") == "terminated" and c.get("exit_code") == 0:
                    c["completed"] = True
                    continue
                inits_done = False
                break
            # A native sidecar: the next one starts once it has started (its startup probe,
            # if any, has passed).
            self._step(pod, rt, container, c, "Always", due)
            if not (c.get("state") == "running" and c.get("started")):
                inits_done = False
                break
        rt["initialized"] = inits_done

    def _step(self, pod: Obj, rt: Obj, container: Obj, c: Obj, policy: str, due: list[int]) -> None:
        """Move one container forward to `now`: pull, configure, start, run, probe, exit,
        back off, restart. Appends the next moment it needs attention to `due`."""
        name = container.get("name", "")
        kind = c["kind"]
        for _ in range(50):  # a container can go through several steps in one instant
            state = c.get("state")
            if state == "waiting":
                if not self._try_start(pod, rt, container, c, due):
                    return
                continue
            if state == "running":
                if self._check_running(pod, rt, container, c, due):
                    continue
                return
            if state == "terminated":
                if kind == "init" and c.get("exit_code") == 0:
                    return
                if not self._should_restart(c, policy):
                    return
                backoff_until = self._backoff(pod, c, name)
                if backoff_until > self.now:
                    due.append(backoff_until)
                    return
                self._restart(c)
                continue
            return

    def _should_restart(self, c: Obj, policy: str) -> bool:
        if policy == "Always":
            return True
        if policy == "OnFailure":
            return int(c.get("exit_code", 0)) != 0
        return False

    def _backoff(self, pod: Obj, c: Obj, name: str) -> int:
        """doBackOff: (re)start at once after the first exit, then 10 s, 20 s, ... 300 s;
        a container that ran 10 minutes clean starts the series again."""
        finished = int(c.get("finished_at", self.now))
        entry = c.get("backoff")
        if entry is not None and finished - int(entry["last"]) > 2 * BACKOFF_MAX_MS:
            entry = None
        if c.get("backoff_for") == finished:
            return int(c["backoff_until"])
        if entry is None:
            entry = {"ms": BACKOFF_INITIAL_MS, "last": finished}
            until = finished  # not in back-off: restart now
        else:
            until = finished + int(entry["ms"])
            entry = {"ms": min(int(entry["ms"]) * 2, BACKOFF_MAX_MS), "last": finished}
        c["backoff"] = entry
        c["backoff_for"] = finished
        c["backoff_until"] = until
        if until > self.now:
            c["waiting_reason"] = "CrashLoopBackOff"
            c["waiting_message"] = (
                f"back-off {go_duration(until - finished)} restarting failed container={name} "
                f"pod={pod['metadata']['name']}_{pod['metadata'].get('namespace', 'default')}"
                f"({pod['metadata']['uid']})"
            )
            self._event(
                pod,
                "BackOff",
                f"Back-off restarting failed container {name} in pod "
                f"{pod['metadata']['name']}_{pod['metadata'].get('namespace', 'default')}"
                f"({pod['metadata']['uid']})",
                type="Warning",
                container=name,
                kind=c["kind"],
            )
        return until

    def _restart(self, c: Obj) -> None:
        # What `kubectl logs --previous` reads: the run that just ended, and when.
        c["previous"] = {
            "run": c.get("run"),
            "started_at": c.get("started_at"),
            "finished_at": c.get("finished_at"),
        }
        c["last"] = {
            "terminated": {
                k: v
                for k, v in {
                    "containerID": c.get("container_id"),
                    "exitCode": c.get("exit_code", 0),
                    "finishedAt": self._stamp(c.get("finished_at")),
                    "reason": c.get("exit_reason"),
                    "startedAt": self._stamp(c.get("started_at")),
                }.items()
                if v is not None
            }
        }
        c["restarts"] = int(c.get("restarts", 0)) + 1
        c["state"] = "waiting"
        c["reason"] = c.get("default_reason", "ContainerCreating")
        c.pop("ready", None)
        c.pop("started", None)
        c.pop("probes", None)
        self.changed = True

    def _stamp(self, ms: Any) -> str | None:
        return None if ms is None else self.world.timestamp(int(ms))

    def _try_start(self, pod: Obj, rt: Obj, container: Obj, c: Obj, due: list[int]) -> bool:
        """Pull, configure and start; True once the process runs."""
        name = container.get("name", "")
        if c.get("retry_at") is not None:
            if self.now < int(c["retry_at"]):
                due.append(int(c["retry_at"]))
                return False
            c.pop("retry_at", None)
        kind = c["kind"]
        image_text = str(container.get("image", ""))
        image = self.resolve(image_text)
        # Image pull.
        if isinstance(image, PullError):
            return self._pull_failed(pod, c, image, image_text, name, due)
        node_images = self.state["images"].setdefault(rt["node"], [])
        pull_until = c.get("pull_until")
        if pull_until is None:
            present = image.id in node_images
            if present and _pull_policy(container) != "Always":
                self._event(
                    pod,
                    "Pulled",
                    f'Container image "{image_text}" already present on machine',
                    container=name,
                    kind=kind,
                )
                c["pull_until"] = self.now
            else:
                took = PULL_BASE_MS + (0 if present else image.size // PULL_BYTES_PER_MS)
                self._event(
                    pod, "Pulling", f'Pulling image "{image_text}"', container=name, kind=kind
                )
                c["pull_until"] = self.now + took
                c["pull_took"] = took
                c["pull_logged"] = False
            self.changed = True
            pull_until = c["pull_until"]
        if self.now < int(pull_until):
            due.append(int(pull_until))
            return False
        if c.get("pull_logged") is False:
            took_text = go_duration(int(c["pull_took"]))
            self._event(
                pod,
                "Pulled",
                f'Successfully pulled image "{image_text}" in {took_text} ({took_text} including waiting). '
                f"Image size: {image.size} bytes.",
                container=name,
                kind=kind,
            )
            c["pull_logged"] = True
            if image.id not in node_images:
                node_images.append(image.id)
        c["image"] = str(image.reference)
        c["image_id"] = f"{image.reference.repository}@{image.digest}"
        # Volumes.
        _volumes, mount_error = self._volumes(pod, rt)
        if mount_error:
            if c.get("mount_error") != mount_error:
                self._event(pod, "FailedMount", mount_error, type="Warning")
                c["mount_error"] = mount_error
            c["reason"] = c.get("default_reason", "ContainerCreating")
            due.append(self.now + BACKOFF_INITIAL_MS)  # the volume manager tries again
            return False
        c.pop("mount_error", None)
        # Configuration.
        built = self.build(pod, rt, name)
        if isinstance(built, str):
            # The pod worker retries a failed sync after its back-off period (10 s), each
            # try finding the image again and failing the same way (kubelet.go).
            self._event(pod, "Failed", f"Error: {built}", type="Warning", container=name, kind=kind)
            c["reason"] = "CreateContainerConfigError"
            c["message"] = built
            c.pop("pull_until", None)
            c["retry_at"] = self.now + BACKOFF_INITIAL_MS
            self.changed = True
            return False
        c.pop("config_error", None)
        c.pop("message", None)
        start_at = c.get("start_at")
        if start_at is None:
            start_at = self.now + CREATE_MS
            c["start_at"] = start_at
        if self.now < int(start_at):
            due.append(int(start_at))
            return False
        process, program = built
        process.started = int(start_at)
        process.now = self.now
        run = program.run(process)
        c.update(
            {
                "state": "running",
                "started_at": int(start_at),
                "run": _run_to_data(run),
                "container_id": f"containerd://{self.world.hex_id(64)}",
                "ready": False,
                "started": False,
                "probes": {},
            }
        )
        for key in (
            "start_at",
            "pull_until",
            "pull_took",
            "pull_logged",
            "waiting_reason",
            "waiting_message",
        ):
            c.pop(key, None)
        self._event(pod, "Created", f"Created container: {name}", container=name, kind=kind)
        self._event(pod, "Started", f"Started container {name}", container=name, kind=kind)
        self.changed = True
        return True

    def _pull_failed(
        self, pod: Obj, c: Obj, error: PullError, image_text: str, name: str, due: list[int]
    ) -> bool:
        kind = c["kind"]
        reason, message = pull_error_message(error, image_text)
        if reason == "InvalidImageName":
            if c.get("reason") != "InvalidImageName":
                self._event(
                    pod, "InspectFailed", message, type="Warning", container=name, kind=kind
                )
                self._event(
                    pod,
                    "Failed",
                    "Error: InvalidImageName",
                    type="Warning",
                    container=name,
                    kind=kind,
                )
                c["reason"] = "InvalidImageName"
                c["message"] = message.split(": ", 1)[1] if ": " in message else message
                self.changed = True
            return False
        pull = c.setdefault("image_backoff", {"next": self.now, "ms": 0})
        if self.now < int(pull["next"]):
            if self.now < int(c.get("err_until", 0)):
                due.append(int(c["err_until"]))
                return False
            if c.get("reason") != "ImagePullBackOff":
                c["reason"] = "ImagePullBackOff"
                c["message"] = (
                    f'Back-off pulling image "{image_text}": ErrImagePull: {message.split(": ", 1)[1]}'
                )
                self._event(
                    pod,
                    "BackOff",
                    f'Back-off pulling image "{image_text}"',
                    container=name,
                    kind=kind,
                )
                self._event(
                    pod,
                    "Failed",
                    "Error: ImagePullBackOff",
                    type="Warning",
                    container=name,
                    kind=kind,
                )
                self.changed = True
            due.append(int(pull["next"]))
            return False
        # A pull attempt: it takes the registry's round trip, then fails.
        attempt = c.get("pull_attempt_until")
        if attempt is None:
            self._event(pod, "Pulling", f'Pulling image "{image_text}"', container=name, kind=kind)
            c["pull_attempt_until"] = self.now + PULL_BASE_MS
            self.changed = True
            due.append(self.now + PULL_BASE_MS)
            return False
        if self.now < int(attempt):
            due.append(int(attempt))
            return False
        c.pop("pull_attempt_until", None)
        self._event(pod, "Failed", message, type="Warning", container=name, kind=kind)
        self._event(pod, "Failed", "Error: ErrImagePull", type="Warning", container=name, kind=kind)
        ms = BACKOFF_INITIAL_MS if not pull["ms"] else min(int(pull["ms"]) * 2, BACKOFF_MAX_MS)
        pull["ms"] = ms
        pull["next"] = self.now + ms
        c["reason"] = "ErrImagePull"
        c["message"] = message.split(": ", 1)[1]
        self.changed = True
        # ErrImagePull shows until the kubelet's next sync puts it in back-off.
        c["err_until"] = self.now + 1000
        due.append(self.now + 1000)
        c["image_backoff"] = pull
        return False

    def _check_running(self, pod: Obj, rt: Obj, container: Obj, c: Obj, due: list[int]) -> bool:
        """A running container at `now`: exit, OOM, probes. True if its state changed."""
        run = c["run"]
        started = int(c["started_at"])
        name = container.get("name", "")
        # OOMKilled: the program's memory over the container's limit.
        limit = _memory_limit(container)
        if limit is not None and int(run.get("memory", 0)) > limit:
            at = started + min(
                OOM_AFTER_MS,
                int(run["exits_after"]) if run.get("exits_after") is not None else OOM_AFTER_MS,
            )
            if self.now >= at:
                self._terminated(c, at, 137, "OOMKilled")
                return True
            due.append(at)
        if run.get("exits_after") is not None:
            at = started + int(run["exits_after"])
            if self.now >= at:
                code = int(run.get("exit_code", 0))
                self._terminated(c, at, code, "Completed" if code == 0 else "Error")
                process, program = self.process_of(pod, rt, name)
                program.on_exit(process, code)
                return True
            due.append(at)
        if c.get("kill_at") is not None:
            at = int(c["kill_at"])
            if self.now >= at:
                self._terminated(c, at, int(c.get("kill_code", 137)), "Error")
                c.pop("kill_at", None)
                return True
            due.append(at)
            return False
        return self._probe(pod, rt, container, c, due)

    def _terminated(self, c: Obj, at: int, code: int, reason: str) -> None:
        c["state"] = "terminated"
        c["finished_at"] = at
        c["exit_code"] = code
        c["exit_reason"] = reason
        c["ready"] = False
        self.changed = True

    # ------------------------------------------------------------------ probes

    def _probe(self, pod: Obj, rt: Obj, container: Obj, c: Obj, due: list[int]) -> bool:
        started = int(c["started_at"])
        name = container.get("name", "")
        probes = c.setdefault("probes", {})
        changed = False
        startup = container.get("startupProbe")
        if not startup and not c.get("started"):
            c["started"] = True
            self.changed = True
        order = [
            ("startup", startup),
            ("liveness", container.get("livenessProbe")),
            ("readiness", container.get("readinessProbe")),
        ]
        no_readiness = not container.get("readinessProbe") and c["kind"] != "init"
        if no_readiness and c.get("started") and not c.get("ready"):
            c["ready"] = True
            self.changed = True
        for kind, probe in order:
            if not probe:
                continue
            if kind != "startup" and startup and not c.get("started"):
                continue
            if kind == "startup" and c.get("started"):
                continue
            record = probes.setdefault(kind, {"ok": 0, "fail": 0, "next": None})
            period = max(1, int(probe.get("periodSeconds", 10))) * 1000
            if record["next"] is None:
                # The probe worker ticks every period from when the Pod reached the kubelet;
                # a tick skips a container younger than initialDelaySeconds (prober/worker.go).
                earliest = started + int(probe.get("initialDelaySeconds", 0)) * 1000
                if kind != "startup" and startup:
                    earliest = max(earliest, int(c.get("started_ms", started)))
                anchor = int(rt.get("bound_at", 0))
                ticks = max(0, -(-(earliest - anchor) // period))
                record["next"] = anchor + ticks * period
            for _ in range(MAX_PROBE_PERIODS):
                if int(record["next"]) > self.now:
                    break
                at = int(record["next"])
                record["next"] = at + period
                ok, message = self._run_probe(pod, rt, name, probe, at)
                if self._record(pod, c, name, kind, probe, record, ok, message, at):
                    changed = True
                    if c["state"] != "running":
                        return True
            due.append(int(record["next"]))
        return changed

    def _record(
        self,
        pod: Obj,
        c: Obj,
        name: str,
        kind: str,
        probe: Obj,
        record: Obj,
        ok: bool,
        message: str,
        at: int,
    ) -> bool:
        success_threshold = int(probe.get("successThreshold", 1))
        failure_threshold = int(probe.get("failureThreshold", 3))
        label = kind.capitalize()
        if ok:
            record["ok"] += 1
            record["fail"] = 0
            if record["ok"] >= success_threshold:
                if kind == "readiness" and not c.get("ready"):
                    c["ready"] = True
                    self.changed = True
                if kind == "startup" and not c.get("started"):
                    c["started"] = True
                    c["started_ms"] = at
                    self.changed = True
                    return True
            return False
        record["fail"] += 1
        record["ok"] = 0
        self._event(
            pod,
            "Unhealthy",
            f"{label} probe failed: {message}",
            type="Warning",
            container=name,
            kind=c["kind"],
        )
        if record["fail"] < failure_threshold:
            return False
        if kind == "readiness":
            if c.get("ready"):
                c["ready"] = False
                self.changed = True
            return False
        # Liveness or startup failed: the container is killed and restarted.
        self._event(
            pod,
            "Killing",
            f"Container {name} failed {kind} probe, will be restarted",
            container=name,
            kind=c["kind"],
        )
        run = c["run"]
        grace = int((pod.get("spec") or {}).get("terminationGracePeriodSeconds", 30)) * 1000
        term = run.get("term_exits_after")
        if term is not None and int(term) <= grace:
            c["kill_at"] = at + int(term)
            c["kill_code"] = int(run.get("term_exit_code", 0)) or 143
        else:
            c["kill_at"] = at + grace
            c["kill_code"] = 137
        c["ready"] = False
        self.changed = True
        return True

    def _run_probe(self, pod: Obj, rt: Obj, name: str, probe: Obj, at: int) -> tuple[bool, str]:
        ip = str(rt.get("ip", ""))
        if "httpGet" in probe:
            get = probe["httpGet"] or {}
            port = self.resolve_port(pod, get.get("port"))
            path = str(get.get("path", "/")) or "/"
            host = str(get.get("host") or ip)
            scheme = str(get.get("scheme", "HTTP")).lower()
            url = f"{scheme}://{host}:{port}{path}"
            peer = self.connect_pod(pod, port, local=False, at=at) if port is not None else None
            if peer is None or port is None:
                return (
                    False,
                    f'Get "{url}": dial tcp {host}:{port}: connect: connection refused',
                )
            program, process = peer.program, peer.process
            response = program.http(process, int(port), path, host=f"{host}:{port}")
            if response is None:
                return (
                    False,
                    f'Get "{url}": read tcp {node_ip(0)}:43210->{host}:{port}: read: connection reset by peer',
                )
            if 200 <= response.status < 400:
                return True, ""
            return False, f"HTTP probe failed with statuscode: {response.status}"
        if "tcpSocket" in probe:
            sock = probe["tcpSocket"] or {}
            port = self.resolve_port(pod, sock.get("port"))
            host = str(sock.get("host") or ip)
            if port is not None and self.connect_pod(pod, port, local=False, at=at) is not None:
                return True, ""
            return False, f"dial tcp {host}:{port}: connect: connection refused"
        if "exec" in probe:
            argv = [str(x) for x in ((probe["exec"] or {}).get("command") or [])]
            process, program = self.process_of(pod, rt, name)
            process.now = at
            code, output = program.exec(process, argv)
            if code == 0:
                return True, ""
            return False, output.rstrip("\n")
        if "grpc" in probe:
            return False, "gRPC probes are not simulated in this sandbox"
        return True, ""

    # ------------------------------------------------------------------ termination

    def _terminate(self, pod: Obj, rt: Obj, due: list[int]) -> bool:
        """SIGTERM every running container at the deletion, SIGKILL at the end of the grace
        period; True once none is left running."""
        deleted = self.world.parse_timestamp(pod["metadata"]["deletionTimestamp"])
        grace = int(pod["metadata"].get("deletionGracePeriodSeconds", 30)) * 1000
        all_done = True
        for kind, container in _container_specs(pod):
            name = container.get("name", "")
            c = rt["containers"][name]
            if c.get("state") != "running":
                if c.get("state") == "waiting":
                    c["state"] = "gone"
                continue
            if not c.get("sigterm"):
                c["sigterm"] = max(deleted, self.now)
                self._event(pod, "Killing", f"Stopping container {name}", container=name, kind=kind)
                self.changed = True
            run = c["run"]
            term = run.get("term_exits_after")
            at = int(c["sigterm"]) + (int(term) if term is not None else grace)
            code = int(run.get("term_exit_code", 0))
            if term is None or int(term) > grace:
                at = deleted + grace
                code = 137
            if self.now >= at:
                self._terminated(c, at, code, "Error" if code else "Completed")
                continue
            all_done = False
            due.append(at)
        return all_done

    # ------------------------------------------------------------------ status

    def _container_status(self, name: str, c: Obj, spec: Obj) -> Obj:
        state = c.get("state")
        status: Obj = {
            "containerID": c.get("container_id"),
            "image": c.get("image") or spec.get("image", ""),
            "imageID": c.get("image_id", ""),
            "lastState": c.get("last") or {},
            "name": name,
            "ready": bool(c.get("ready")) and state == "running",
            "restartCount": int(c.get("restarts", 0)),
            "started": bool(c.get("started")) and state == "running",
        }
        if (
            status["containerID"] is None
            or state == "waiting"
            and c.get("restarts", 0) == 0
            and "run" not in c
        ):
            status.pop("containerID")
        if state == "running":
            status["state"] = {"running": {"startedAt": self.world.timestamp(int(c["started_at"]))}}
        elif state == "terminated":
            terminated = {
                "containerID": c.get("container_id"),
                "exitCode": int(c.get("exit_code", 0)),
                "finishedAt": self.world.timestamp(int(c["finished_at"])),
                "reason": c.get("exit_reason"),
                "startedAt": self.world.timestamp(int(c["started_at"])),
            }
            if c.get("backoff_until", 0) > self.now and c.get("waiting_reason"):
                status["state"] = {
                    "waiting": {"reason": c["waiting_reason"], "message": c["waiting_message"]}
                }
                status["lastState"] = {"terminated": terminated}
            else:
                status["state"] = {"terminated": terminated}
        else:
            waiting: Obj = {"reason": c.get("reason", "ContainerCreating")}
            if c.get("message"):
                waiting["message"] = c["message"]
            status["state"] = {"waiting": waiting}
        return status

    def _write_status(self, pod: Obj, rt: Obj) -> str:
        """Write the Pod's status if it changed; the Pod's resourceVersion after."""
        spec = pod.get("spec") or {}
        old = pod.get("status") or {}
        specs = _container_specs(pod)
        init_statuses: list[Obj] = []
        main_statuses: list[Obj] = []
        for kind, container in specs:
            name = container.get("name", "")
            cs = self._container_status(name, rt["containers"][name], container)
            (main_statuses if kind == "main" else init_statuses).append(cs)
        main_statuses.sort(key=lambda s: s["name"])
        sandbox = self.now >= rt["sandbox_at"] and bool(rt.get("ip"))
        phase = get_phase(spec, init_statuses + main_statuses)
        initialized = bool(rt.get("initialized")) or not spec.get("initContainers")
        main_ready = all(s["ready"] for s in main_statuses) and phase == "Running"
        sidecars_ready = all(
            s["ready"]
            for (kind, _), s in zip(
                [k for k in specs if k[0] != "main"], init_statuses, strict=True
            )
            if kind == "sidecar"
        )
        ready = main_ready and sidecars_ready and initialized
        unready = [s["name"] for s in main_statuses if not s["ready"]]
        if phase in ("Succeeded", "Failed"):
            ready = False
        conditions = []

        def cond(kind: str, ok: bool, reason: str = "", message: str = "") -> None:
            previous = next((c for c in old.get("conditions") or [] if c["type"] == kind), None)
            status = "True" if ok else "False"
            entry: Obj = {
                "lastProbeTime": None,
                "lastTransitionTime": self.world.timestamp(),
                "status": status,
                "type": kind,
            }
            if previous and previous.get("status") == status:
                entry["lastTransitionTime"] = previous.get("lastTransitionTime")
            if not ok and reason:
                entry["reason"] = reason
                entry["message"] = message
            if phase in ("Succeeded", "Failed") and kind in ("Ready", "ContainersReady") and not ok:
                entry["reason"] = "PodCompleted"
                entry.pop("message", None)
            conditions.append(entry)

        cond("PodReadyToStartContainers", sandbox)
        incomplete = [
            s["name"]
            for (kind, _), s in zip(
                [k for k in specs if k[0] != "main"], init_statuses, strict=True
            )
            if kind == "init" and not rt["containers"][s["name"]].get("completed")
        ]
        cond(
            "Initialized",
            initialized,
            "ContainersNotInitialized",
            f"containers with incomplete status: [{' '.join(incomplete)}]",
        )
        cond(
            "Ready",
            ready,
            "ContainersNotReady",
            f"containers with unready status: [{' '.join(unready)}]",
        )
        cond(
            "ContainersReady",
            ready,
            "ContainersNotReady",
            f"containers with unready status: [{' '.join(unready)}]",
        )
        scheduled = next(
            (c for c in old.get("conditions") or [] if c["type"] == "PodScheduled"), None
        )
        conditions.append(
            scheduled
            or {
                "lastProbeTime": None,
                "lastTransitionTime": self.world.timestamp(rt["bound_at"]),
                "status": "True",
                "type": "PodScheduled",
            }
        )
        status: Obj = {"conditions": conditions, "containerStatuses": main_statuses}
        if init_statuses:
            status["initContainerStatuses"] = init_statuses
        status["hostIP"] = rt["host_ip"]
        status["hostIPs"] = [{"ip": rt["host_ip"]}]
        status["phase"] = phase
        if rt.get("ip"):
            status["podIP"] = rt["ip"]
            status["podIPs"] = [{"ip": rt["ip"]}]
        if old.get("qosClass"):
            status["qosClass"] = old["qosClass"]
        status["startTime"] = old.get("startTime") or self.world.timestamp(rt["bound_at"])
        if status != old:
            current = self.store.get(
                "pods", pod["metadata"].get("namespace", "default"), pod["metadata"]["name"]
            )
            if current is None or current["metadata"].get("uid") != pod["metadata"]["uid"]:
                return ""
            new = copy_of(current)
            new["status"] = status
            stored = self.store.update_status(new)
            self.changed = True
            return str(stored["metadata"].get("resourceVersion", ""))
        return str(pod["metadata"].get("resourceVersion", ""))


def get_phase(spec: Mapping[str, Any], statuses: list[Obj], terminal: bool = False) -> str:
    """getPhase (pkg/kubelet/kubelet_pods.go) over the container statuses."""
    by_name = {s.get("name"): s for s in statuses}

    def state(s: Mapping[str, Any]) -> str:
        return next(iter(s.get("state") or {}), "")

    def last_terminated(s: Mapping[str, Any]) -> Mapping[str, Any] | None:
        result: Mapping[str, Any] | None = (s.get("lastState") or {}).get("terminated")
        return result

    pending_regular_init = pending_restartable_init = failed_init = 0
    unknown = running = waiting = stopped = succeeded = 0
    inits = spec.get("initContainers") or []
    for c in inits:
        if c.get("restartPolicy") == "Always":
            continue
        s = by_name.get(c.get("name"))
        if s is None or state(s) == "running":
            pending_regular_init += 1
        elif state(s) == "terminated":
            if int(s["state"]["terminated"].get("exitCode", 0)) != 0:
                failed_init += 1
        elif state(s) == "waiting":
            last = last_terminated(s)
            if last is not None:
                if int(last.get("exitCode", 0)) != 0:
                    failed_init += 1
            else:
                pending_regular_init += 1
        else:
            pending_regular_init += 1
    for c in inits:
        if c.get("restartPolicy") != "Always":
            continue
        s = by_name.get(c.get("name"))
        if s is None:
            unknown += 1
        elif state(s) == "running":
            if not s.get("started"):
                pending_restartable_init += 1
            running += 1
        elif state(s) == "waiting" and last_terminated(s) is None:
            pending_restartable_init += 1
            waiting += 1
        elif state(s) not in ("terminated", "waiting"):
            pending_restartable_init += 1
            unknown += 1
    names = {c.get("name") for c in spec.get("containers") or []}
    for c in spec.get("containers") or []:
        s = by_name.get(c.get("name"))
        if s is None:
            unknown += 1
        elif state(s) == "running":
            running += 1
        elif state(s) == "terminated":
            stopped += 1
            if int(s["state"]["terminated"].get("exitCode", 0)) == 0:
                succeeded += 1
        elif state(s) == "waiting":
            if last_terminated(s) is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1
    policy = spec.get("restartPolicy", "Always")
    if failed_init > 0 and policy == "Never":
        return "Failed"
    regular_started = any(
        s.get("name") in names and state(s) in ("running", "terminated") for s in statuses
    )
    if pending_regular_init > 0 or (pending_restartable_init > 0 and not regular_started):
        return "Pending"
    if waiting > 0:
        return "Pending"
    if running > 0 and unknown == 0:
        return "Running"
    if running == 0 and stopped > 0 and unknown == 0:
        if terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def _default_waiting(pod: Mapping[str, Any]) -> str:
    """convertToAPIContainerStatuses' default: PodInitializing when the Pod has init
    containers, ContainerCreating otherwise."""
    return (
        "PodInitializing" if (pod.get("spec") or {}).get("initContainers") else "ContainerCreating"
    )


def _loopback_only(program: Program, process: Process) -> bool:
    """A server bound to 127.0.0.1 answers only inside its own Pod."""
    bind = getattr(program, "bind", None)
    if bind is None:
        return False
    try:
        host, _port = bind(process)
    except (TypeError, ValueError):
        return False
    return host in {"127.0.0.1", "localhost", "::1"}


def _b64(value: Any) -> str:
    try:
        return base64.b64decode(str(value)).decode(errors="replace")
    except ValueError:
        return str(value)


def _resource_value(value: str, what: str, divisor: str) -> str:
    from learn.sim.kube import quantity

    try:
        amount = quantity.parse(value).value
        unit = quantity.parse(divisor).value or 1
    except ValueError:
        return value
    return str(math.ceil(amount / unit))


@clock.handler("kubelet-wake")
def _wake(world: World, payload: Any) -> bool:
    """The Pod's next moment: sync that Pod alone; the controllers run only if it changed."""
    kubelet = Kubelet(world)
    rt = kubelet.state["pods"].get(payload) if isinstance(payload, str) else None
    if rt is None:
        return True
    namespace, name = rt["key"]
    pod = kubelet.store.get("pods", namespace, name)
    if pod is None or pod["metadata"].get("uid") != payload:
        return True
    if rt["node"] in (kubelet.state.get("stopped") or {}):
        return False
    kubelet.sync_pod(pod)
    return kubelet.changed


@clock.reconciler(300)
@skip_when_idle("kubelet")
def reconcile(world: World) -> bool:
    return Kubelet(world).sync_all()


__all__ = ["ApiError", "Kubelet", "PodFs", "PodNet", "Response", "go_duration", "reconcile"]


# --------------------------------------------------------------------------- usage (metrics)

METRICS_AFTER_MS = 15_000  # metrics-server's resolution: a first scrape after the start
CPU_PER_REQUEST_MILLI = 5  # the sandbox's model: 5m of CPU per request per second served


NO_METRICS_API = (
    "unable to fetch metrics from resource metrics API: the server could not find the "
    "requested resource (get pods.metrics.k8s.io)"
)


def metrics_available(world: World) -> bool:
    """Whether the cluster serves the resource metrics API. A fresh kind cluster has no
    metrics-server; a task that teaches `kubectl top` or autoscaling installs it
    (`install_metrics_server`), as a learner would with its manifest."""
    return bool((world.state.get("kubelet") or {}).get("metrics_server"))


def install_metrics_server(world: World) -> None:
    _state(world)["metrics_server"] = True
    from learn.sim.kube.controllers.util import forget_idle

    forget_idle(world)


def usage_all(world: World) -> dict[str, list[tuple[str, int, int]]]:
    """What metrics-server would report: {pod uid: [(container, millicores, bytes)]} for Pods
    whose containers have run long enough to be scraped. CPU is the program's idle use plus
    the requests other programs send it (`Run.load`), spread over a Service's ready Pods."""
    kubelet = Kubelet(world)
    state = kubelet.state
    extra: dict[tuple[str, str], float] = {}
    for rt in state["pods"].values():
        for c in rt["containers"].values():
            if c.get("state") != "running":
                continue
            for host, port, _path, rate in (c.get("run") or {}).get("load") or []:
                namespace = rt["key"][0]
                pod = kubelet.store.get("pods", namespace, rt["key"][1])
                if pod is None:
                    continue
                net = PodNet(kubelet, pod)
                service = net._service(str(host))
                targets = kubelet.ready_endpoints(service) if service else []
                if not targets:
                    continue
                share = float(rate) / len(targets)
                for _ip, target in targets:
                    trt = state["pods"].get(target["metadata"].get("uid"))
                    if trt is None:
                        continue
                    for tname, tc in trt["containers"].items():
                        if (
                            str(port) in ((tc.get("run") or {}).get("listens") or {})
                            or len(trt["containers"]) == 1
                        ):
                            key = (target["metadata"]["uid"], tname)
                            extra[key] = extra.get(key, 0.0) + share
                            break
    out: dict[str, list[tuple[str, int, int]]] = {}
    for uid, rt in state["pods"].items():
        rows = []
        scraped = False
        for name, c in rt["containers"].items():
            if c.get("state") != "running":
                continue
            run = c.get("run") or {}
            if world.now - int(c["started_at"]) >= METRICS_AFTER_MS:
                scraped = True
            cpu = int(run.get("cpu", 1)) + round(
                extra.get((uid, name), 0.0) * CPU_PER_REQUEST_MILLI
            )
            limit = _cpu_limit(
                next(
                    (
                        s
                        for _, s in _container_specs(_spec_of(kubelet, rt))
                        if s.get("name") == name
                    ),
                    {},
                )
            )
            if limit is not None:
                cpu = min(cpu, limit)  # CFS quota: a container never uses more than its limit
            rows.append((name, cpu, int(run.get("memory", 0))))
        if scraped and rows:
            out[uid] = rows
    return out


def _spec_of(kubelet: Kubelet, rt: Obj) -> Obj:
    pod = kubelet.store.get("pods", rt["key"][0], rt["key"][1])
    return pod or {}


def pod_usage(world: World, pod: Mapping[str, Any]) -> list[tuple[str, int, int]] | None:
    """One Pod's usage as `kubectl top pod --containers` lists it, or None when
    metrics-server has nothing for it yet (not running, or not scraped yet)."""
    return usage_all(world).get(str((pod.get("metadata") or {}).get("uid", "")))
