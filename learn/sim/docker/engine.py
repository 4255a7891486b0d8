"""The Docker engine's state and runtime: images, containers, networks, volumes.

State (plain data, `world.state["docker"]`):

- `images`: id -> an image record: `config` (what `docker inspect` shows under Config), `fs`
  (absolute path -> a blob digest for a file, `"dir"` for a directory, `"pkg:NAME"` for an
  installed Python/Node package), `program` (learn/sim/programs.py), `size`, `source` (the
  reference a pulled image came from; None for a built one), `history`.
- `tags`: fully qualified reference (`docker.io/library/web:0.1.0`) -> image id.
- `blobs`: digest -> file text (files copied into images, stored once; a text over 1 KB is
  kept zlib-compressed as `z:<base64>` so a dump stays small: `blob_text` reads either).
- `cache`: BuildKit's build cache, cache key -> the layer it produced (learn/sim/docker/build.py).
- `containers`: id -> a container record (config, state, the process's `run`, its `runs` for
  logs, its own writable layer `fs` and the program's `data`).
- `networks`: name -> network (`bridge`, `host`, `none` and user-defined ones); `volumes`.

Time: a container's exit, a stop's 10 s grace, a restart's back-off and each health probe are
timers (learn/sim/clock.py), so `sleep` lets them happen. Runtime behaviour follows moby's
daemon: restartmanager (back-off from 100 ms doubling to 1 min, reset after 10 s up), health.go
(interval, timeout, retries, start period, start interval), `docker stop` (the stop signal, then
SIGKILL after 10 s: exit 137).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from learn.sim import clock, images, programs
from learn.sim.world import World

S = 1000  # ms
DEFAULT_STOP_TIMEOUT = 10 * S
RESTART_BASE = 100  # ms, moby restartmanager defaultTimeout
RESTART_MAX = 60 * S  # maxRestartTimeout
HEALTH_INTERVAL = 30 * S  # moby daemon/health.go defaultProbeInterval
HEALTH_TIMEOUT = 30 * S
HEALTH_START_INTERVAL = 5 * S
HEALTH_RETRIES = 3
MAX_CONTAINERS = 100
MAX_IMAGES = 100
MAX_CACHE = 300
MAX_LOG_LINES = 2000


class DockerError(Exception):
    """An error the daemon answers with; `code` is the CLI's exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def state(world: World) -> dict[str, Any]:
    docker: dict[str, Any] = world.state.setdefault("docker", {})
    if "networks" not in docker:
        docker.update(
            {
                "images": {},
                "tags": {},
                "blobs": {},
                "cache": {},
                "containers": {},
                "networks": {},
                "volumes": {},
                "next_subnet": 18,
            }
        )
        for name, driver in (("bridge", "bridge"), ("host", "host"), ("none", "null")):
            docker["networks"][name] = {
                "id": world.hex_id(),
                "name": name,
                "driver": driver,
                "subnet": "172.17.0.0/16" if name == "bridge" else "",
                "next_ip": 2,
                "created": 0,
                "labels": {},
                "builtin": True,
            }
    return docker


# --------------------------------------------------------------------------- sizes, times


BLOB_COMPRESS_OVER = 1024


def put_blob(docker: dict[str, Any], digest: str, text: str) -> None:
    if digest in docker["blobs"]:
        return
    if len(text) > BLOB_COMPRESS_OVER:
        import base64
        import zlib

        docker["blobs"][digest] = "z:" + base64.b64encode(zlib.compress(text.encode(), 9)).decode()
    else:
        docker["blobs"][digest] = "t:" + text


def blob_text(docker: Mapping[str, Any], digest: str) -> str | None:
    stored = docker["blobs"].get(digest)
    if stored is None:
        return None
    if stored.startswith("z:"):
        import base64
        import zlib

        return zlib.decompress(base64.b64decode(stored[2:])).decode()
    return str(stored[2:])


def human_size(size: float, precision: int = 3) -> str:
    """go-units HumanSizeWithPrecision: decimal units; `docker images` uses precision 3,
    HumanSize (BuildKit's transfer sizes) 4."""
    units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    i = 0
    while size >= 1000 and i < len(units) - 1:
        size /= 1000
        i += 1
    return f"{size:.{precision}g}{units[i]}"


def go_duration(ms: int) -> str:
    """Go's time.Duration String for whole milliseconds: 500ms, 3s, 1m30s, 1h0m0s."""
    if ms < 1000:
        return f"{ms}ms"
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds = rest / 1000
    text = f"{seconds:g}s"
    if hours:
        return f"{hours}h{minutes}m{text}"
    if minutes:
        return f"{minutes}m{text}"
    return text


def ram_in_bytes(text: str) -> int:
    """go-units RAMInBytes (`-m 512m`, `mem_limit: 1g`): binary multiples; ValueError with
    go-units' message otherwise."""
    num, space, suffix = text.partition(" ")
    if not space:
        sep = max(text.rfind(c) for c in "0123456789.")
        if sep == -1:
            raise ValueError(f"invalid size: '{text}'")
        num, suffix = text[: sep + 1], text[sep + 1 :]
    try:
        size = float(num)
    except ValueError:
        raise ValueError(f'strconv.ParseFloat: parsing "{num}": invalid syntax') from None
    if size < 0:
        raise ValueError(f"invalid size: '{text}'")
    if not suffix:
        return int(size)
    low = suffix.lower()
    multipliers = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
    if len(low) > 3:
        raise ValueError(f"invalid suffix: '{suffix}'")
    if low[0] == "b":
        if len(low) > 1:
            raise ValueError(f"invalid suffix: '{low}'")
        return int(size)
    if low[0] not in multipliers:
        raise ValueError(f"invalid suffix: '{low}'")
    if (len(low) == 2 and low[1] != "b") or (len(low) == 3 and low[1:] != "ib"):
        raise ValueError(f"invalid suffix: '{low}'")
    return int(size * multipliers[low[0]])


def human_duration(ms: int) -> str:
    """go-units HumanDuration (docker ps CREATED and STATUS)."""
    seconds = ms // 1000
    if seconds < 1:
        return "Less than a second"
    if seconds == 1:
        return "1 second"
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = seconds // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(ms / 3_600_000 + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(ms / 3_600_000) // 24 // 365} years"


def timestamp(world: World, at_ms: int | None) -> str:
    """RFC 3339 with nanoseconds, as `docker inspect` prints times."""
    if at_ms is None:
        return "0001-01-01T00:00:00Z"
    import datetime as dt

    from learn.sim.world import EPOCH

    moment = EPOCH + dt.timedelta(milliseconds=at_ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{(at_ms % 1000) * 1_000_000:09d}Z"


# --------------------------------------------------------------------------- images


def image_from_catalogue(world: World, image: images.Image) -> dict[str, Any]:
    """The engine's record of a pulled image (the catalogue says what it is)."""
    cfg = image.config
    record = {
        "id": image.id,
        "created": 0,
        "size": image.size,
        "source": str(image.reference),
        "repo_digest": image.digest,
        "program": image.program,
        "family": image.family,
        "version": image.version,
        "fs": {},
        "history": [],
        "config": {
            "entrypoint": list(cfg.entrypoint) or None,
            "cmd": list(cfg.cmd) or None,
            "env": [f"{k}={v}" for k, v in cfg.env],
            "user": cfg.user,
            "workdir": cfg.workdir,
            "exposed": list(cfg.exposed),
            "stop_signal": cfg.stop_signal,
            "shell": cfg.shell,
            "healthcheck": {"test": ["CMD", *cfg.healthcheck]} if cfg.healthcheck else None,
            "labels": dict(image.labels),
            "volumes": [],
        },
    }
    return record


def canonical(reference: str) -> str:
    """The store's key for a reference: fully qualified with the tag (`:latest` if none)."""
    ref = images.parse_reference(reference)
    return str(ref)


def familiar(reference: str) -> str:
    return images.parse_reference(reference).familiar


def find_image(world: World, name: str) -> dict[str, Any] | None:
    """An image in the local store by reference, full or short id, or None."""
    docker = state(world)
    text = name.removeprefix("sha256:")
    if re.fullmatch(r"[0-9a-f]{4,64}", text):
        for image_id, record in docker["images"].items():
            if image_id.removeprefix("sha256:").startswith(text):
                return dict(record)
    try:
        key = canonical(name)
    except images.InvalidReference:
        return None
    image_id = docker["tags"].get(key)
    if image_id is None:
        return None
    found: dict[str, Any] | None = docker["images"].get(image_id)
    return found


def tags_of(world: World, image_id: str) -> list[str]:
    return sorted(k for k, v in state(world)["tags"].items() if v == image_id)


def store_image(world: World, record: dict[str, Any], tags: list[str]) -> None:
    docker = state(world)
    if record["id"] not in docker["images"] and len(docker["images"]) >= MAX_IMAGES:
        raise DockerError(
            f"the sandbox holds at most {MAX_IMAGES} images: remove some with `docker rmi`"
        )
    docker["images"][record["id"]] = record
    for tag in tags:
        docker["tags"][tag] = record["id"]


def pull(world: World, reference: str) -> tuple[dict[str, Any], list[str]]:
    """Pull from the catalogue or the sandbox's registry; (record, progress lines).

    Raises DockerError worded as the daemon answers a failed pull.
    """
    resolved = images.resolve(reference, world.state.get("images"))
    if isinstance(resolved, images.PullError):
        raise DockerError(pull_error_message(resolved, reference))
    record = image_from_catalogue(world, resolved)
    pushed = _pushed_record(world, resolved)
    if pushed is not None:
        record = pushed
    ref = resolved.reference
    lines = [
        f"{ref.tag_or_latest or ref.digest}: Pulling from {ref.path if ref.domain == images.DEFAULT_DOMAIN else ref.repository.split('/', 1)[1]}"
    ]
    # jsonmessage.Display without a terminal: status lines, no progress bars.
    layers = [world.digest("layer", record["id"], i)[:12] for i in range(3)]
    lines += [f"{layer}: Pulling fs layer" for layer in layers]
    for layer in layers:
        lines += [f"{layer}: Verifying Checksum", f"{layer}: Download complete"]
    lines += [f"{layer}: Pull complete" for layer in layers]
    lines.append(f"Digest: {resolved.digest}")
    store_image(world, record, [str(ref)])
    return record, lines


def _pushed_record(world: World, image: images.Image) -> dict[str, Any] | None:
    """A tag pushed from this sandbox's engine keeps the pushed image's record."""
    declared = (world.state.get("images") or {}).get(image.reference.repository) or {}
    tag = (declared.get("tags") or {}).get(image.reference.tag_or_latest) or {}
    pushed_id = tag.get("engine_image") if isinstance(tag, Mapping) else None
    if not pushed_id:
        return None
    record = state(world)["images"].get(pushed_id)
    return dict(record) if record else None


def pull_error_message(error: images.PullError, typed: str) -> str:
    """The daemon's words for a pull that fails (moby distribution errors)."""
    if error.reason == "invalid":
        return f"invalid reference format{error.message.removeprefix('invalid reference format')}"
    try:
        ref = images.parse_reference(typed)
    except images.InvalidReference:
        return "invalid reference format"
    if error.reason == "tag":
        return f"manifest for {ref.familiar} not found: manifest unknown: manifest unknown"
    if error.reason == "host":
        return (
            f'Get "https://{ref.domain}/v2/": dial tcp: lookup {ref.domain.split(":")[0]}: '
            "no such host"
        )
    if ref.domain == images.DEFAULT_DOMAIN:
        return (
            f"pull access denied for {ref.familiar_repository}, repository does not exist or "
            "may require 'docker login': denied: requested access to the resource is denied"
        )
    return f"manifest for {ref.familiar} not found: manifest unknown: manifest unknown"


def image_object(world: World, record: Mapping[str, Any], typed: str = "") -> images.Image:
    """The image as the programs see it (learn/sim/programs.py reads config and version)."""
    config = record["config"]
    env = []
    for item in config.get("env") or []:
        key, _, value = item.partition("=")
        env.append((key, value))
    tags = tags_of(world, record["id"])
    name = typed or (tags[0] if tags else "") or record.get("source") or "scratch:latest"
    try:
        reference = images.parse_reference(name)
    except images.InvalidReference:
        reference = images.parse_reference("scratch:latest")
    health = config.get("healthcheck") or {}
    test = list(health.get("test") or [])
    return images.Image(
        reference=reference,
        id=record["id"],
        digest=record.get("repo_digest") or record["id"],
        size=int(record["size"]),
        config=images.ImageConfig(
            entrypoint=tuple(config.get("entrypoint") or ()),
            cmd=tuple(config.get("cmd") or ()),
            env=tuple(env),
            user=config.get("user") or "",
            workdir=config.get("workdir") or "",
            exposed=tuple(config.get("exposed") or ()),
            stop_signal=config.get("stop_signal") or "",
            shell=bool(config.get("shell", True)),
            healthcheck=tuple(test[1:]) if test[:1] == ["CMD"] else (),
        ),
        program=record["program"],
        family=record.get("family") or record["program"],
        version=record.get("version") or "",
    )


# --------------------------------------------------------------------------- networks, volumes


def network_create(
    world: World, name: str, *, labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    docker = state(world)
    if name in docker["networks"]:
        raise DockerError(f"network with name {name} already exists")
    subnet = docker["next_subnet"]
    docker["next_subnet"] = subnet + 1
    network = {
        "id": world.hex_id(),
        "name": name,
        "driver": "bridge",
        "subnet": f"172.{subnet}.0.0/16",
        "next_ip": 2,
        "created": world.now,
        "labels": dict(labels or {}),
        "builtin": False,
    }
    docker["networks"][name] = network
    return network


def find_network(world: World, name: str) -> dict[str, Any] | None:
    docker = state(world)
    if name in docker["networks"]:
        found: dict[str, Any] = docker["networks"][name]
        return found
    for network in docker["networks"].values():
        if len(name) >= 2 and network["id"].startswith(name):
            return dict(network)
    return None


def volume_create(
    world: World, name: str | None = None, *, labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    docker = state(world)
    anonymous = name is None
    vol_name = name or world.hex_id()
    if vol_name in docker["volumes"]:
        existing: dict[str, Any] = docker["volumes"][vol_name]
        return existing
    volume = {
        "name": vol_name,
        "created": world.now,
        "labels": dict(labels or {}),
        "files": {},
        "data": {},
        "anonymous": anonymous,
    }
    docker["volumes"][vol_name] = volume
    return volume


def volume_users(world: World, name: str) -> list[str]:
    return [
        c["id"]
        for c in state(world)["containers"].values()
        if any(m["type"] == "volume" and m["name"] == name for m in c["mounts"])
    ]


# --------------------------------------------------------------------------- the container's view


class ContainerFs:
    """The container's files: its image's, its own writable layer, and its mounts."""

    def __init__(self, world: World, container: dict[str, Any]) -> None:
        self.world = world
        self.c = container
        docker = state(world)
        image = docker["images"].get(container["image"]) or {}
        self.image_fs: dict[str, str] = image.get("fs") or {}
        self.docker = docker
        self.volumes: dict[str, Any] = docker["volumes"]

    def _mount(self, path: str) -> tuple[dict[str, Any], str, bool] | None:
        best = None
        for mount in self.c["mounts"]:
            dest = mount["destination"].rstrip("/") or "/"
            inside = path == dest or path.startswith(dest + "/")
            if inside and (best is None or len(dest) > len(best[0])):
                best = (dest, mount)
        if best is None:
            return None
        dest, mount = best
        rel = path[len(dest) :].lstrip("/")
        if mount["type"] == "volume":
            volume = self.volumes.get(mount["name"])
            if volume is None:
                return None
            return volume["files"], rel, bool(mount.get("rw", True))
        # A bind mount: the sandbox's working directory (read through, written back).
        base = mount["source"].strip("/")
        return (
            self.world.files(),
            posixpath.join(base, rel) if base else rel,
            bool(mount.get("rw", True)),
        )

    def read(self, path: str) -> str | None:
        path = posixpath.normpath(path)
        mounted = self._mount(path)
        if mounted is not None:
            files, rel, _rw = mounted
            value = files.get(rel)
            return value if isinstance(value, str) else None
        if path in self.c["fs"]:
            own: str | None = self.c["fs"][path]
            return own
        blob = self.image_fs.get(path)
        if blob and blob not in {"dir"} and not blob.startswith("pkg:"):
            return blob_text(self.docker, blob)
        return None

    def write(self, path: str, text: str, *, append: bool = False) -> str | None:
        path = posixpath.normpath(path)
        mounted = self._mount(path)
        if mounted is not None:
            files, rel, rw = mounted
            if not rw:
                return "Read-only file system"
            files[rel] = (files.get(rel, "") if append else "") + text
            return None
        parent = posixpath.dirname(path)
        writable = {"/", "/tmp", "/var/log", "/data"}  # noqa: S108 (paths inside the container)
        if parent not in writable and not self.is_dir(parent):
            return "No such file or directory"
        previous = self.read(path) or "" if append else ""
        self.c["fs"][path] = previous + text
        return None

    def exists(self, path: str) -> bool:
        return self.read(path) is not None or self.is_dir(path)

    def is_dir(self, path: str) -> bool:
        path = posixpath.normpath(path)
        if path == "/":
            return True
        if self.image_fs.get(path) == "dir":
            return True
        prefix = path.rstrip("/") + "/"
        if any(m["destination"].rstrip("/") == path for m in self.c["mounts"]):
            return True
        return any(p.startswith(prefix) for p in [*self.image_fs, *self.c["fs"]])

    def listdir(self, path: str) -> list[str] | None:
        path = posixpath.normpath(path)
        prefix = path.rstrip("/") + "/"
        names = {
            p[len(prefix) :].split("/")[0]
            for p in [*self.image_fs, *self.c["fs"]]
            if p.startswith(prefix)
        }
        mounted = self._mount(path)
        if mounted is not None:
            files, rel, _ = mounted
            sub = rel + "/" if rel else ""
            names |= {k[len(sub) :].split("/")[0] for k in files if k.startswith(sub)}
        return sorted(names) if names or self.is_dir(path) else None


class ContainerNet:
    """DNS and connections from inside one container (moby's embedded DNS on user-defined
    networks: container names and aliases; the default bridge has no names)."""

    def __init__(self, world: World, container: dict[str, Any]) -> None:
        self.world = world
        self.c = container

    def _peers(self) -> dict[str, tuple[dict[str, Any], str]]:
        names: dict[str, tuple[dict[str, Any], str]] = {}
        docker = state(self.world)
        for net_name in self.c["networks"]:
            network = docker["networks"].get(net_name)
            if network is None:
                continue
            for other in docker["containers"].values():
                if other["state"]["status"] not in {"running", "paused"}:
                    continue
                theirs = other["networks"].get(net_name)
                if theirs is None:
                    continue
                names.setdefault(theirs["ip"], (other, theirs["ip"]))
                if network["builtin"]:
                    continue  # the default bridge: reachable by IP only
                for name in [other["name"], other["id"][:12], *theirs.get("aliases", [])]:
                    names.setdefault(name, (other, theirs["ip"]))
        return names

    def _own_ip(self) -> str:
        for endpoint in self.c["networks"].values():
            return str(endpoint["ip"])
        return "127.0.0.1"

    @property
    def dns_server(self) -> str:
        """The nameserver in the container's /etc/resolv.conf. On a user-defined network it is
        the engine's embedded DNS server (moby libnetwork/resolver.go listens on 127.0.0.11);
        on the default bridge the daemon copies the host's resolv.conf, and with only a
        loopback resolver there it writes Google's (libnetwork/resolvconf: 8.8.8.8)."""
        return "127.0.0.11" if self._user_network() else "8.8.8.8"

    # The embedded server answers from its own records without the AA bit (resolver.go's
    # createRespMsg sets only RecursionAvailable), so nslookup calls the answer
    # non-authoritative.
    authoritative = False

    def resolve(self, host: str) -> str | None:
        if host in {"localhost", "127.0.0.1", "::1"}:
            return "127.0.0.1"
        if host in {self.c["hostname"], self.c["name"]} and not self._user_network():
            return self._own_ip()
        found = self._peers().get(host)
        return found[1] if found else None

    def _user_network(self) -> bool:
        docker = state(self.world)
        return any(
            not docker["networks"].get(n, {"builtin": True})["builtin"] for n in self.c["networks"]
        )

    def connect(self, host: str, port: int) -> programs.Peer | str:
        if host in {"localhost", "127.0.0.1", "::1"}:
            target, ip = self.c, "127.0.0.1"
        else:
            found = self._peers().get(host)
            if found is None:
                if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", host):
                    return "timeout"
                return "nxdomain"
            target, ip = found
        return _listening(self.world, target, port, ip, local=target is self.c)


def _listening(
    world: World, container: dict[str, Any], port: int, ip: str, *, local: bool
) -> programs.Peer | str:
    if container["state"]["status"] != "running":
        return "refused"
    run = container.get("run") or {}
    listens = run.get("listens") or {}
    if str(port) not in listens:
        return "refused"
    started = container.get("segment_started") or container["state"]["started"] or 0
    if world.now < started + int(run.get("ready_after", 0)):
        return "refused"
    if run.get("loopback_only") and not local:
        return "refused"
    process = make_process(world, container)
    return programs.Peer(program=program_of(container), process=process, ip=ip)


def program_of(container: Mapping[str, Any]) -> programs.Program:
    return programs.PROGRAMS.get(container["program"], programs.PROGRAMS["no-program"])


def make_process(world: World, container: dict[str, Any]) -> programs.Process:
    docker = state(world)
    record = docker["images"].get(container["image"])
    if record is None:
        raise DockerError(f"No such image: {container['image']}")
    program = program_of(container)
    data = container["data"]
    if program.data_dir:
        for mount in container["mounts"]:
            if mount["type"] == "volume" and mount["destination"].rstrip("/") == program.data_dir:
                volume = docker["volumes"].get(mount["name"])
                if volume is not None:
                    data = volume["data"]
    ip = ""
    for endpoint in container["networks"].values():
        ip = endpoint["ip"]
        break
    return programs.Process(
        image=image_object(world, record, container.get("image_ref", "")),
        argv=list(container["program_argv"]),
        env=dict(container["env"]),
        fs=ContainerFs(world, container),
        net=ContainerNet(world, container),
        data=data,
        started=container.get("segment_started") or container["state"]["started"] or world.now,
        now=world.now,
        hostname=container["hostname"],
        ip=ip,
        memory_limit=container.get("memory"),
        user=container.get("user") or "",
        tty=bool(container.get("tty")),
        restarts=int(container.get("restart_count", 0)),
    )


# --------------------------------------------------------------------------- containers


def find_container(world: World, name: str) -> dict[str, Any] | None:
    containers = state(world)["containers"]
    wanted = name.lstrip("/")
    for container in containers.values():
        if container["name"] == wanted:
            found: dict[str, Any] = container
            return found
    if re.fullmatch(r"[0-9a-f]{1,64}", wanted):
        matches = [c for c in containers.values() if c["id"].startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise DockerError(
                f"Error response from daemon: multiple IDs found with provided prefix: {wanted}"
            )
    return None


def get_container(world: World, name: str) -> dict[str, Any]:
    found = find_container(world, name)
    if found is None:
        raise DockerError(f"Error response from daemon: No such container: {name}")
    return found


def _ip_on(world: World, network: dict[str, Any]) -> str:
    base = network["subnet"].split("/")[0].rsplit(".", 2)[0]
    used = {
        c["networks"][network["name"]]["ip"]
        for c in state(world)["containers"].values()
        if network["name"] in c["networks"]
    }
    n = 2
    while f"{base}.0.{n}" in used:
        n += 1
    return f"{base}.0.{n}"


def attach_networks(world: World, container: dict[str, Any]) -> None:
    """Give the container an address on each network as it starts (moby allocates then)."""
    docker = state(world)
    for name, endpoint in container["networks"].items():
        network = docker["networks"].get(name)
        if network is None or network["driver"] in {"host", "null"}:
            endpoint["ip"] = ""
            continue
        if not endpoint.get("ip"):
            endpoint["ip"] = _ip_on(world, network)


def start(world: World, container: dict[str, Any]) -> None:
    """Start the container's process now (the daemon's `start`)."""
    attach_networks(world, container)
    st = container["state"]
    st.update(
        {
            "status": "running",
            "started": world.now,
            "exit_code": 0,
            "oom": False,
            "error": "",
            "restarting": False,
        }
    )
    container["stopping"] = False
    parts = container.get("parts")
    if parts:
        container["program"], container["program_argv"] = parts[0]
        container["chain"] = [list(p) for p in parts[1:]]
    _launch(world, container)
    health = container.get("health_config")
    if health:
        st["health"] = {"status": "starting", "failing": 0, "log": []}
        first = _health_period(container, starting=True)
        cid = container["id"]
        clock.schedule(
            world,
            at=world.now + first,
            kind="docker.health",
            key=f"docker:{cid}:health",
            payload=cid,
        )
    else:
        st["health"] = None


def _launch(world: World, container: dict[str, Any]) -> None:
    """Run the container's current program from now: its output, its exit, its memory."""
    container["segment_started"] = world.now
    process = make_process(world, container)
    process.started = world.now
    program = program_of(container)
    run = program.run(process)
    if container.get("shell_pid1"):
        run.term_exits_after = None  # /bin/sh as PID 1 ignores SIGTERM
    if container.get("stop_signal") == "SIGKILL":
        run.term_exits_after = 0
    data = json.loads(json.dumps(asdict(run)))  # plain JSON data: lists, string keys
    data["loopback_only"] = _loopback_only(program, process)
    container["run"] = data
    runs = container["runs"]
    runs.append(
        {
            "started": world.now,
            "ended": None,
            "lines": [list(x) for x in run.lines],
            "repeat": data["repeat"],
        }
    )
    del runs[:-5]
    cid = container["id"]
    memory_limit = container.get("memory")
    if memory_limit and run.memory > memory_limit:
        clock.schedule(
            world,
            at=world.now + max(run.ready_after, 500),
            kind="docker.exit",
            key=f"docker:{cid}:exit",
            payload=[cid, "oom"],
        )
    elif run.exits_after is not None:
        clock.schedule(
            world,
            at=world.now + run.exits_after,
            kind="docker.exit",
            key=f"docker:{cid}:exit",
            payload=[cid, "exit"],
        )


def _loopback_only(program: programs.Program, process: programs.Process) -> bool:
    if isinstance(program, programs.LearnWeb):
        host, _port = program.bind(process)
        return host not in {"0.0.0.0", "::", "[::]", ""}
    return False


def _health_period(container: Mapping[str, Any], *, starting: bool) -> int:
    health = container["health_config"]
    started = container["state"]["started"] or 0
    start_period = int(health.get("start_period") or 0)
    interval = int(health.get("interval") or HEALTH_INTERVAL)
    if starting and start_period:
        return int(health.get("start_interval") or HEALTH_START_INTERVAL)
    del started
    return interval


def _end_run(world: World, container: dict[str, Any], code: int, *, oom: bool = False) -> None:
    st = container["state"]
    st.update({"status": "exited", "exit_code": code, "finished": world.now, "oom": oom})
    if st.get("health"):
        st["health"]["status"] = (
            "unhealthy" if st["health"]["status"] == "unhealthy" else st["health"]["status"]
        )
    if container["runs"]:
        container["runs"][-1]["ended"] = world.now
    cid = container["id"]
    clock.cancel_prefix(world, f"docker:{cid}:")
    process = make_process(world, container)
    program_of(container).on_exit(process, code)


def exited(world: World, container: dict[str, Any], code: int, *, oom: bool = False) -> None:
    """The process ended: record it, then apply the restart policy (moby restartmanager)."""
    ran = world.now - int(container["state"]["started"] or world.now)
    _end_run(world, container, code, oom=oom)
    if container.get("auto_remove") and not _should_restart(container, code):
        remove(world, container)
        return
    if not _should_restart(container, code):
        return
    previous = int(container.get("restart_delay", 0))
    if ran >= 10 * S:
        previous = 0
    delay = RESTART_BASE if previous == 0 else min(previous * 2, RESTART_MAX)
    container["restart_delay"] = delay
    container["state"]["status"] = "restarting"
    container["state"]["restarting"] = True
    cid = container["id"]
    clock.schedule(
        world, at=world.now + delay, kind="docker.restart", key=f"docker:{cid}:restart", payload=cid
    )


def _should_restart(container: Mapping[str, Any], code: int) -> bool:
    if container.get("stopping") or container.get("manual_stop"):
        return False
    policy = container["restart"]
    name = policy.get("name", "no")
    if name in {"always", "unless-stopped"}:
        return True
    if name == "on-failure":
        maximum = int(policy.get("max", 0))
        return code != 0 and (maximum == 0 or int(container.get("restart_count", 0)) < maximum)
    return False


@clock.handler("docker.exit")
def _on_exit(world: World, payload: Any) -> bool:
    cid, why = payload
    container = state(world)["containers"].get(cid)
    if container is None or container["state"]["status"] != "running":
        return False
    if why == "oom":
        exited(world, container, 137, oom=True)
        return True
    code = int(container["run"].get("exit_code", 0))
    chain = container.get("chain") or []
    if code == 0 and chain:
        # `sh -c "A && B"`: A ended well, so the shell runs B in the same container.
        if container["runs"]:
            container["runs"][-1]["ended"] = world.now
        program_of(container).on_exit(make_process(world, container), 0)
        container["program"], container["program_argv"] = chain.pop(0)
        _launch(world, container)
        return True
    exited(world, container, code)
    return True


@clock.handler("docker.kill")
def _on_kill(world: World, payload: Any) -> bool:
    cid, code = payload
    container = state(world)["containers"].get(cid)
    if container is None or container["state"]["status"] != "running":
        return False
    exited(world, container, int(code))
    return True


@clock.handler("docker.restart")
def _on_restart(world: World, payload: Any) -> bool:
    container = state(world)["containers"].get(payload)
    if container is None or container["state"]["status"] != "restarting":
        return False
    container["restart_count"] = int(container.get("restart_count", 0)) + 1
    start(world, container)
    return True


@clock.handler("docker.health")
def _on_health(world: World, payload: Any) -> bool:
    container = state(world)["containers"].get(payload)
    if container is None or container["state"]["status"] != "running":
        return False
    health_probe(world, container)
    return True


def health_probe(world: World, container: dict[str, Any]) -> None:
    """One probe, as moby's daemon/health.go runs it, and the next one scheduled."""
    from learn.sim.docker import probes

    config = container["health_config"]
    health = container["state"]["health"]
    timeout = int(config.get("timeout") or HEALTH_TIMEOUT)
    code, output, took = probes.run_test(world, container, list(config["test"]))
    if took > timeout:
        code, output = -1, f"Health check exceeded timeout ({go_duration(timeout)})"
        took = timeout
    started = int(container["state"]["started"] or 0)
    in_start_period = world.now - started < int(config.get("start_period") or 0)
    health["log"].append(
        {
            "start": world.now,
            "end": world.now + min(took, timeout),
            "exit_code": code,
            "output": output[:4096],
        }
    )
    del health["log"][:-5]
    if code == 0:
        health["status"] = "healthy"
        health["failing"] = 0
    elif not (health["status"] == "starting" and in_start_period):
        health["failing"] += 1
        if health["failing"] >= int(config.get("retries") or HEALTH_RETRIES):
            health["status"] = "unhealthy"
    starting = health["status"] == "starting" and in_start_period
    period = _health_period(container, starting=starting)
    cid = container["id"]
    clock.schedule(
        world,
        at=world.now + took + period,  # the timer is reset when the probe has ended
        kind="docker.health",
        key=f"docker:{cid}:health",
        payload=cid,
    )


def stop(world: World, container: dict[str, Any], timeout_ms: int = DEFAULT_STOP_TIMEOUT) -> None:
    """`docker stop`: the stop signal, then SIGKILL when the grace period ends.

    The clock moves while the CLI waits, as the real command blocks until the container exits.
    """
    st = container["state"]
    if st["status"] == "restarting":
        clock.cancel_prefix(world, f"docker:{container['id']}:")
        container["manual_stop"] = True
        st.update({"status": "exited", "restarting": False})
        return
    if st["status"] != "running":
        return
    container["stopping"] = True
    container["manual_stop"] = True
    run = container["run"]
    after = run.get("term_exits_after")
    cid = container["id"]
    if after is not None and after <= timeout_ms:
        code = int(run.get("term_exit_code", 0))
        signal_code = {"SIGQUIT": 0, "SIGINT": 0}.get(container.get("stop_signal") or "", code)
        clock.schedule(
            world,
            at=world.now + int(after),
            kind="docker.kill",
            key=f"docker:{cid}:exit",
            payload=[cid, signal_code],
        )
        clock.advance(world, int(after) + 1)
    else:
        clock.schedule(
            world,
            at=world.now + timeout_ms,
            kind="docker.kill",
            key=f"docker:{cid}:exit",
            payload=[cid, 137],
        )
        clock.advance(world, timeout_ms + 1)


def kill(world: World, container: dict[str, Any]) -> None:
    container["stopping"] = True
    container["manual_stop"] = True
    exited(world, container, 137)


def remove(world: World, container: dict[str, Any], *, volumes: bool = False) -> None:
    docker = state(world)
    cid = container["id"]
    clock.cancel_prefix(world, f"docker:{cid}:")
    docker["containers"].pop(cid, None)
    for mount in container["mounts"]:
        if mount["type"] == "volume" and (volumes or container.get("auto_remove")):
            volume = docker["volumes"].get(mount["name"])
            if volume and volume.get("anonymous") and not volume_users(world, mount["name"]):
                docker["volumes"].pop(mount["name"], None)


def log_entries(world: World, container: Mapping[str, Any]) -> list[tuple[int, str]]:
    """(moment, line) for what the container's processes printed up to now, oldest first,
    across all its runs; at most MAX_LOG_LINES, the newest kept."""
    out: list[tuple[int, str]] = []
    for run in container["runs"]:
        started = int(run["started"])
        end = run["ended"] if run["ended"] is not None else world.now
        limit = end - started
        for at, line in run["lines"]:
            if at <= limit:
                out.append((started + at, line))
        repeat = run.get("repeat")
        if repeat and repeat[0] and repeat[1]:
            period, items = repeat
            # The loop's first round starts where the lines before it end; a round prints
            # its lines as their moments come, so a round in progress shows what it has.
            t0 = max((at for at, _ in run["lines"]), default=0)
            if t0 <= limit:
                rounds = (limit - t0) // period + 1
                skip = max(0, rounds - MAX_LOG_LINES // len(items) - 1)
                t0 += skip * period
            while t0 <= limit:
                for at, line in items:
                    if t0 + at <= limit:
                        out.append((started + t0 + at, line))
                t0 += period
    return out[-MAX_LOG_LINES:]


def logs(
    world: World, container: Mapping[str, Any], *, tail: int | None = None, timestamps: bool = False
) -> list[str]:
    """`docker logs`: the lines, oldest first, the last `tail` of them if given."""
    out = log_entries(world, container)
    if tail is not None:
        out = out[-tail:] if tail > 0 else []
    if timestamps:
        return [f"{timestamp(world, at)} {line}" for at, line in out]
    return [line for _at, line in out]


def command_text(container: Mapping[str, Any]) -> str:
    """The COMMAND column: the path and args, as docker ps quotes and truncates them."""
    argv = container["argv"]
    return " ".join(argv)


def status_text(world: World, container: Mapping[str, Any]) -> str:
    """moby container.State.String(), as the STATUS column shows it."""
    st = container["state"]
    status = st["status"]
    if status == "running":
        text = f"Up {human_duration(world.now - int(st['started']))}"
        health = st.get("health")
        if health:
            text += {
                "starting": " (health: starting)",
                "healthy": " (healthy)",
                "unhealthy": " (unhealthy)",
            }[health["status"]]
        return text
    if status == "restarting":
        return (
            f"Restarting ({st['exit_code']}) {human_duration(world.now - int(st['finished']))} ago"
        )
    if status == "exited":
        if st.get("finished") is None:
            return "Created"
        return f"Exited ({st['exit_code']}) {human_duration(world.now - int(st['finished']))} ago"
    return "Created"


def ports_text(container: Mapping[str, Any], exposed: list[str]) -> str:
    """The PORTS column: a running container's published ports (on 0.0.0.0 and [::] unless
    bound to one address) and its exposed ones, through docker/cli's DisplayablePorts."""
    from learn.sim.docker.cli import displayable_ports

    if container["state"]["status"] != "running":
        return ""
    summary: list[tuple[str, int, int, str]] = []
    published = set()
    for host_ip, host_port, port, proto in container["ports"]:
        published.add(f"{port}/{proto}")
        for ip in [host_ip] if host_ip else ["0.0.0.0", "::"]:
            summary.append((ip, int(host_port), int(port), proto))
    for item in exposed:
        if item not in published:
            port, _, proto = item.partition("/")
            summary.append(("", 0, int(port), proto or "tcp"))
    return displayable_ports(summary)


@clock.observer(50)
def _record(world: World) -> None:
    """Remember container states and health for the graders (docker.<name>)."""
    docker = world.state.get("docker") or {}
    for container in (docker.get("containers") or {}).values():
        st = container["state"]
        health = st.get("health")
        value = st["status"] + (f"/{health['status']}" if health else "")
        world.record(f"docker.container/{container['name']}", value)


# --------------------------------------------------------------------------- graders' views

# The official language images without a suffix are built on buildpack-deps, which carries gcc,
# make and the -dev headers (docker-library/buildpack-deps; python's, node's and golang's
# Dockerfiles start `FROM buildpack-deps:<suite>`); the -slim and -alpine variants and
# distroless do not.
_BUILDPACK_FAMILIES = {
    "docker.io/library/python",
    "docker.io/library/node",
    "docker.io/library/golang",
    "docker.io/library/buildpack-deps",
    "docker.io/library/gcc",
    "docker.io/library/rust",
}
_COMPILER_PACKAGES = {"gcc", "g++", "cc", "clang", "build-essential", "build-base", "gcc-c++"}


COMPILER_PACKAGES = frozenset(_COMPILER_PACKAGES)


def ships_compiler(reference: str) -> bool:
    """Whether a pulled image of this reference holds gcc (the buildpack-deps based ones)."""
    try:
        ref = images.parse_reference(reference)
    except images.InvalidReference:
        return False
    tag = ref.tag or "latest"
    return ref.repository in _BUILDPACK_FAMILIES and not any(
        variant in tag for variant in ("slim", "alpine", "windowsservercore")
    )


def compilers(record: Mapping[str, Any]) -> list[str]:
    """The C compilers an image holds, and where they came from (empty when none)."""
    found = []
    base = str(record.get("source") or record.get("base") or "")
    if base and ships_compiler(base):
        familiar = images.parse_reference(base).familiar
        found.append(f"gcc (the base image {familiar} is built on buildpack-deps)")
    for path, value in sorted((record.get("fs") or {}).items()):
        if value.startswith("pkg:") and value[4:] in _COMPILER_PACKAGES:
            found.append(f"{value[4:]} (installed at {path} by a RUN step)")
    return found


def http_from_host(
    world: World, container: dict[str, Any], host_port: int, path: str
) -> tuple[int | None, str]:
    """What `curl http://localhost:HOST_PORT/PATH` on the Docker host gets: (status, body), or
    (None, curl's error) when no published port leads to a listening process."""
    published = [
        int(port)
        for _ip, hport, port, _proto in container.get("ports") or []
        if str(hport) == str(host_port)
    ]
    refused = f"curl: (7) Failed to connect to localhost port {host_port}: Connection refused"
    if not published:
        return None, refused
    ip = next((str(e["ip"]) for e in container["networks"].values() if e.get("ip")), "")
    peer = _listening(world, container, published[0], ip, local=False)
    if isinstance(peer, str):
        if container["state"]["status"] == "running":
            return None, "curl: (56) Recv failure: Connection reset by peer"
        return None, refused
    response = peer.program.http(peer.process, published[0], path, host="localhost")
    if response is None:
        return None, "curl: (52) Empty reply from server"
    return response.status, response.body
