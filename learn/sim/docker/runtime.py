"""Creating and starting containers: `docker run`'s options, and what the image runs.

What a built image runs is decided from its files and command, the way the real one would
behave: the course app's source (manage.py and learn/wsgi.py) started with gunicorn or
manage.py is the course app (learn/sim/programs.py `learn-web`) when gunicorn and Django were
installed where the command finds them (`pip install` into /usr/local, or a venv whose bin is
on PATH; `pip install --user` as root is invisible to another USER). Otherwise the base image's
program runs the command (nginx serving copied files, busybox running a script, ...). A
command the sandbox cannot run fails as the shell or the runtime reports it.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from learn.sim import images, programs
from learn.sim.docker import cli, engine
from learn.sim.docker.cli import Parsed
from learn.sim.docker.engine import DockerError
from learn.sim.world import World

S = 1000
_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
_ADJECTIVES = (
    "brave",
    "calm",
    "eager",
    "fervent",
    "gallant",
    "happy",
    "jolly",
    "keen",
    "loving",
    "nifty",
    "quirky",
    "serene",
    "vibrant",
    "zealous",
)
_NAMES = (
    "babbage",
    "curie",
    "darwin",
    "euler",
    "feynman",
    "hopper",
    "lovelace",
    "noether",
    "pascal",
    "ritchie",
    "tesla",
    "turing",
    "wozniak",
    "yalow",
)
# Data directories the official images declare with VOLUME (an anonymous volume each run).
IMAGE_VOLUMES = {"postgres": ["/var/lib/postgresql/data"], "redis": ["/data"]}


@dataclass
class RunOptions:
    image: str
    command: list[str]
    name: str = ""
    detach: bool = False
    ports: list[list[Any]] = field(default_factory=list)  # [host_ip, host_port, port, proto]
    env: dict[str, str] = field(default_factory=dict)
    auto_remove: bool = False
    restart: dict[str, Any] = field(default_factory=lambda: {"name": "no", "max": 0})
    user: str | None = None
    network: str = "bridge"
    aliases: list[str] = field(default_factory=list)
    mounts: list[dict[str, Any]] = field(default_factory=list)
    tty: bool = False
    interactive: bool = False
    workdir: str | None = None
    entrypoint: str | None = None
    memory: int | None = None
    labels: dict[str, str] = field(default_factory=dict)
    hostname: str | None = None
    health: dict[str, Any] | None = None
    no_healthcheck: bool = False
    stop_signal: str | None = None
    stop_timeout: int | None = None

    @classmethod
    def from_flags(cls, world: World, parsed: Parsed) -> RunOptions:
        from learn.sim.docker.build import parse_duration

        opts = cls(image=parsed.args[0], command=parsed.args[1:])
        opts.name = parsed.get("name") or ""
        if opts.name and not _NAME.match(opts.name):
            raise DockerError(
                f"Invalid container name ({opts.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
            )
        opts.detach = bool(parsed.get("detach"))
        opts.auto_remove = bool(parsed.get("rm"))
        for spec in parsed.get("publish"):
            opts.ports.append(parse_port(spec))
        for path in parsed.get("env-file"):
            opts.env.update(read_env_file(world, path))
        for item in parsed.get("env"):
            key, eq, value = item.partition("=")
            if not key:
                raise DockerError(f"invalid environment variable: {item}")
            if eq:
                opts.env[key] = value
        restart = parsed.get("restart")
        if restart:
            opts.restart = parse_restart(restart)
            if opts.auto_remove and opts.restart["name"] != "no":
                raise DockerError("Conflicting options: cannot specify both --restart and --rm.")
        opts.user = parsed.get("user")
        opts.network = parsed.get("network") or parsed.get("net") or "bridge"
        opts.aliases = list(parsed.get("network-alias"))
        for spec in parsed.get("volume"):
            opts.mounts.append(parse_volume(world, spec))
        opts.tty = bool(parsed.get("tty"))
        opts.interactive = bool(parsed.get("interactive"))
        opts.workdir = parsed.get("workdir")
        opts.entrypoint = parsed.get("entrypoint")
        if parsed.get("memory"):
            opts.memory = parse_memory(parsed.get("memory"))
        for item in parsed.get("label"):
            key, _, value = item.partition("=")
            opts.labels[key] = value
        opts.hostname = parsed.get("hostname")
        if parsed.get("health-cmd"):
            health: dict[str, Any] = {"test": ["CMD-SHELL", parsed.get("health-cmd")]}
            for flag, key in (
                ("health-interval", "interval"),
                ("health-timeout", "timeout"),
                ("health-start-period", "start_period"),
                ("health-start-interval", "start_interval"),
            ):
                if parsed.get(flag):
                    ms = parse_duration(parsed.get(flag))
                    if ms is None:
                        raise DockerError(
                            f'invalid argument "{parsed.get(flag)}" for "--{flag}" flag: time: invalid duration "{parsed.get(flag)}"'
                        )
                    health[key] = ms
            if parsed.get("health-retries"):
                health["retries"] = cli.int_value(parsed.get("health-retries"), "--health-retries")
            opts.health = health
        opts.no_healthcheck = bool(parsed.get("no-healthcheck"))
        opts.stop_signal = parsed.get("stop-signal")
        if parsed.get("stop-timeout"):
            opts.stop_timeout = cli.int_value(parsed.get("stop-timeout"), "--stop-timeout")
        return opts


def parse_port(spec: str) -> list[Any]:
    """`-p [ip:][host:]container[/proto]` (docker/go-connections nat.ParsePortSpec)."""
    proto = "tcp"
    text = spec
    if "/" in text:
        text, proto = text.rsplit("/", 1)
        if proto not in {"tcp", "udp", "sctp"}:
            raise DockerError(f"invalid proto: {proto}")
    parts = text.split(":")
    if len(parts) == 1:
        ip, host, port = "", "", parts[0]
    elif len(parts) == 2:
        ip, host, port = "", parts[0], parts[1]
    elif len(parts) == 3:
        ip, host, port = parts
    else:
        raise DockerError(f"invalid port format: {spec}")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise DockerError(f"invalid containerPort: {port}")
    if host and (not host.isdigit() or not 0 < int(host) < 65536):
        raise DockerError(f"invalid hostPort: {host}")
    return [ip, int(host) if host else 0, int(port), proto]


def read_env_file(world: World, path: str) -> dict[str, str]:
    """docker's --env-file: KEY=VALUE lines taken literally (quotes stay part of the value)."""
    text = world.files().get(path.removeprefix("./"))
    if text is None:
        raise DockerError(f"open {path}: no such file or directory")
    env: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.lstrip()
        if not line or line.startswith("#"):
            continue
        key, eq, value = line.partition("=")
        if " " in key.strip() or not key:
            raise (
                DockerError(f"variable '{key}' contains whitespaces")
                if key
                else DockerError(f"no variable name on line '{raw}'")
            )
        if eq:
            env[key] = value
        del number
    return env


def parse_restart(text: str) -> dict[str, Any]:
    name, _, count = text.partition(":")
    if name not in {"no", "always", "unless-stopped", "on-failure"}:
        raise DockerError(
            f"invalid restart policy: unknown policy '{name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"
        )
    if count and name != "on-failure":
        raise DockerError(
            "invalid restart policy: maximum retry count can only be used with 'on-failure'"
        )
    try:
        maximum = int(count) if count else 0
    except ValueError:
        raise DockerError(
            "invalid restart policy format: maximum retry count must be an integer"
        ) from None
    return {"name": name, "max": maximum}


def parse_memory(text: str) -> int:
    """`-m`/`mem_limit` as the CLI reads them (go-units RAMInBytes), at least 6 MiB."""
    try:
        value = engine.ram_in_bytes(text)
    except ValueError as exc:
        raise DockerError(f'invalid argument "{text}" for "-m, --memory" flag: {exc}') from None
    if value < 6 * 1024 * 1024:
        raise DockerError("Minimum memory limit allowed is 6MB")
    return value


def parse_volume(world: World, spec: str) -> dict[str, Any]:
    parts = spec.split(":")
    mode = "rw"
    if len(parts) == 3:
        source, dest, mode = parts
    elif len(parts) == 2:
        source, dest = parts
    elif len(parts) == 1:
        source, dest = "", parts[0]
    else:
        raise DockerError(f"invalid volume specification: '{spec}'")
    if not dest.startswith("/"):
        raise DockerError(
            f"invalid volume specification: '{spec}': invalid mount config for type \"{'bind' if source.startswith(('/', '.')) else 'volume'}\": invalid mount path: '{dest}' mount path must be absolute"
        )
    if mode not in {"rw", "ro", "z", "Z"}:
        raise DockerError(f"invalid mode: {mode}")
    rw = mode != "ro"
    if not source:
        return {"type": "volume", "name": "", "source": "", "destination": dest, "rw": rw}
    if source.startswith("."):
        rel = posixpath.normpath(source)
        return {
            "type": "bind",
            "name": "",
            "source": "" if rel == "." else rel,
            "destination": dest,
            "rw": rw,
        }
    if source.startswith("/"):
        raise DockerError(
            f"bind mounts of host paths ({source}) are not simulated in this sandbox: mount a folder "
            "of the working directory (./dir) or a named volume"
        )
    if not _NAME.match(source):
        raise DockerError(
            f'create {source}: "{source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path'
        )
    return {"type": "volume", "name": source, "source": "", "destination": dest, "rw": rw}


# --------------------------------------------------------------------------- images


def ensure_image(world: World, name: str, *, pull: str = "missing") -> str:
    """The image in the local store, pulling it first if needed; returns the pull output."""
    if pull not in {"missing", "always", "never"}:
        raise DockerError(
            f'invalid pull option: \'{pull}\': must be one of "always", "missing" or "never"'
        )
    try:
        images.parse_reference(name)
    except images.InvalidReference as exc:
        raise DockerError(str(exc)) from None
    if engine.find_image(world, name) is not None and pull != "always":
        return ""
    if pull == "never":
        raise DockerError(f"No such image: {images.parse_reference(name).familiar}")
    record, lines = engine.pull(world, name)
    from learn.sim import clock

    clock.advance(world, max(500, int(record["size"]) // 50_000))
    ref = images.parse_reference(name)
    return (
        f"Unable to find image '{ref.familiar}' locally\n"
        + "\n".join(lines)
        + f"\nStatus: Downloaded newer image for {ref.familiar}\n"
    )


def _script_words(argv: list[str]) -> tuple[list[str], bool] | None:
    """For `/bin/sh -c SCRIPT`: the script's words and whether sh stays PID 1 (no `exec`)."""
    if len(argv) >= 3 and argv[0] in {"/bin/sh", "sh", "/bin/bash", "bash"} and argv[1] == "-c":
        try:
            words = shlex.split(argv[2])
        except ValueError:
            return None
        if not words or any(w in {"&&", "||", ";", "|"} for w in words):
            return None
        if words[0] == "exec":
            return words[1:], False
        return words, True
    return None


def _and_steps(argv: list[str]) -> list[list[str]] | None:
    """`sh -c "A && B && C"` as its commands, when `&&` is the only operator in it."""
    if not (
        len(argv) >= 3 and argv[0] in {"/bin/sh", "sh", "/bin/bash", "bash"} and argv[1] == "-c"
    ):
        return None
    lexer = shlex.shlex(argv[2], posix=True, punctuation_chars="|&;")
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        return None
    steps: list[list[str]] = [[]]
    for token in tokens:
        if token == "&&":  # noqa: S105 (a shell operator)
            steps.append([])
        elif token and set(token) <= set("|&;"):
            return None
        else:
            steps[-1].append(token)
    if len(steps) < 2 or not all(steps):
        return None
    return [s[1:] if s[0] == "exec" else s for s in steps]


def _visible_packages(
    record: dict[str, Any], env: dict[str, str], argv0: str, user: str
) -> set[str]:
    path = env.get("PATH", "").split(":")
    roots = {"/usr/local"} | {d[:-4] for d in path if d.endswith("/bin")}
    if argv0.startswith("/") and "/bin/" in argv0:
        roots.add(argv0.rsplit("/bin/", 1)[0])
    if user and user not in {"root", "0", "0:0"}:
        roots.discard("/root/.local")
    else:
        roots.add("/root/.local")
    found = set()
    for file_path, value in (record.get("fs") or {}).items():
        if value.startswith("pkg:") and "/lib/python3/site-packages/" in file_path:
            root = file_path.split("/lib/python3/site-packages/")[0]
            if root in roots:
                found.add(value[4:])
    return found


def _has_course_app(record: dict[str, Any]) -> bool:
    paths = record.get("fs") or {}
    return any(p.endswith("/manage.py") for p in paths) and any(
        p.endswith("/learn/wsgi.py") for p in paths
    )


def program_for_image(
    world: World,
    record: dict[str, Any],
    argv: list[str],
    env: dict[str, str] | None = None,
    user: str = "",
) -> str:
    """The program (learn/sim/programs.py) this image runs for this command line."""
    if env is None:
        env = {
            k: v for k, _, v in (item.partition("=") for item in record["config"].get("env") or [])
        }
    shell = _script_words(argv)
    words = shell[0] if shell else argv
    if not words:
        return "no-program"
    first = words[0].rsplit("/", 1)[-1]
    runs_app = first == "gunicorn" or (
        first in {"python", "python3"}
        and (words[1:3] == ["-m", "gunicorn"] or any(w.endswith("manage.py") for w in words))
    )
    if runs_app and _has_course_app(record):
        packages = _visible_packages(
            record, env, words[0], user or record["config"].get("user") or ""
        )
        needed = {"django"} | (
            {"gunicorn"} if "gunicorn" in words[:3] or first == "gunicorn" else set()
        )
        if needed <= packages:
            app = programs.PROGRAMS["learn-web"]
            assert isinstance(app, programs.Dispatching)
            return app.for_command(words).name  # the server, migrate or lessons sync
        return "built-app-missing"
    if (
        record.get("source") is None
        and not record.get("base")
        and record["program"] == "learn-web"
        and not _has_course_app(record)
    ):
        return "no-program"
    image = engine.image_object(world, record)
    return programs.program_for(image, words).name


@programs.register
class BuiltAppMissing(programs.Program):
    """A built image whose command needs Python packages that were not installed where the
    command looks for them: it fails as Python or the shell would."""

    name = "built-app-missing"

    def run(self, p: programs.Process) -> programs.Run:
        words = p.argv
        first = words[0].rsplit("/", 1)[-1] if words else ""
        if first == "gunicorn":
            line = f"/bin/sh: 1: {words[0]}: not found"
            return programs.Run(exits_after=20, exit_code=127, lines=[(10, line)])
        if words[1:3] == ["-m", "gunicorn"]:
            return programs.Run(
                exits_after=200,
                exit_code=1,
                lines=[(150, f"/usr/local/bin/{first}: No module named gunicorn")],
            )
        return programs.Run(
            exits_after=600,
            exit_code=1,
            lines=[
                (500, "Traceback (most recent call last):"),
                (590, "ModuleNotFoundError: No module named 'django'"),
            ],
        )


# --------------------------------------------------------------------------- create / start


def _auto_name(world: World) -> str:
    n = world.counter("docker:name")
    h = world.digest("docker-name", n)
    return (
        f"{_ADJECTIVES[int(h[:4], 16) % len(_ADJECTIVES)]}_{_NAMES[int(h[4:8], 16) % len(_NAMES)]}"
    )


def create(
    world: World, opts: RunOptions, *, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    docker = engine.state(world)
    if len(docker["containers"]) >= engine.MAX_CONTAINERS:
        raise DockerError(
            f"the sandbox holds at most {engine.MAX_CONTAINERS} containers: remove some with `docker rm`"
        )
    record = engine.find_image(world, opts.image)
    if record is None:
        raise DockerError(f"No such image: {opts.image}")
    name = opts.name or _auto_name(world)
    existing = engine.find_container(world, name) if opts.name else None
    if existing is not None and existing["name"] == name:
        raise DockerError(
            f'Conflict. The container name "/{name}" is already in use by container "{existing["id"]}". '
            "You have to remove (or rename) that container to be able to reuse that name.",
            125,
        )
    if opts.network not in docker["networks"]:
        raise DockerError(f"network {opts.network} not found", 125)
    config = record["config"]
    entrypoint = list(config.get("entrypoint") or [])
    cmd = list(config.get("cmd") or [])
    if opts.entrypoint is not None:
        entrypoint = [opts.entrypoint] if opts.entrypoint else []
        cmd = []
    if opts.command:
        cmd = list(opts.command)
    argv = entrypoint + cmd
    env = {k: v for k, _, v in (item.partition("=") for item in config.get("env") or [])}
    env.update(opts.env)
    user = opts.user if opts.user is not None else (config.get("user") or "")
    program = program_for_image(world, record, argv, env, user)
    shell = _script_words(argv)
    program_argv, shell_pid1 = list(argv), False
    parts: list[list[Any]] | None = None
    if shell and program != "shell":
        program_argv, shell_pid1 = shell
    elif shell is None:
        steps = _and_steps(argv)
        if steps:
            named: list[list[Any]] = [
                [program_for_image(world, record, step, env, user), step] for step in steps
            ]
            if all(name not in {"shell", "no-program"} for name, _ in named):
                parts = named
                program, program_argv, shell_pid1 = str(named[0][0]), list(named[0][1]), True
    cid = world.hex_id()
    mounts = []
    for mount in opts.mounts:
        mount = dict(mount)
        if mount["type"] == "volume":
            volume = engine.volume_create(world, mount["name"] or None)
            mount["name"] = volume["name"]
        mounts.append(mount)
    image_volumes = list(config.get("volumes") or []) + IMAGE_VOLUMES.get(
        record.get("family") or "", []
    )
    for path in image_volumes:
        if not any(m["destination"] == path for m in mounts):
            volume = engine.volume_create(world, None)
            mounts.append(
                {
                    "type": "volume",
                    "name": volume["name"],
                    "source": "",
                    "destination": path,
                    "rw": True,
                }
            )
    health = None
    if not opts.no_healthcheck:
        health = opts.health or config.get("healthcheck")
        if health and health.get("test", [""])[0] == "NONE":
            health = None
    container = {
        "id": cid,
        "name": name,
        "image": record["id"],
        "image_ref": opts.image,
        "created": world.now,
        "argv": argv,
        "program": program,
        "program_argv": program_argv,
        "parts": parts,  # `sh -c "A && B"` of programs: run one after the other
        "shell_pid1": shell_pid1,
        "env": env,
        "user": user,
        "workdir": opts.workdir or config.get("workdir") or "",
        "hostname": opts.hostname or cid[:12],
        "ports": opts.ports,
        "networks": {opts.network: {"ip": "", "aliases": list(opts.aliases)}},
        "mounts": mounts,
        "restart": opts.restart,
        "auto_remove": opts.auto_remove,
        "labels": dict(config.get("labels") or {}) | opts.labels,
        "health_config": health,
        "memory": opts.memory,
        "tty": opts.tty,
        "stop_signal": opts.stop_signal or config.get("stop_signal") or "SIGTERM",
        "stop_timeout": opts.stop_timeout,
        "state": {
            "status": "created",
            "exit_code": 0,
            "started": None,
            "finished": None,
            "oom": False,
            "error": "",
            "health": None,
            "restarting": False,
        },
        "restart_count": 0,
        "runs": [],
        "run": {},
        "fs": {},
        "data": {},
        "manual_stop": False,
    }
    container.update(extra or {})
    docker["containers"][cid] = container
    return container


def start_checked(world: World, container: dict[str, Any]) -> None:
    """Start, refusing as the daemon does: a missing user, a taken host port, no executable."""
    docker = engine.state(world)
    record = docker["images"].get(container["image"]) or {}
    user = (container.get("user") or "").split(":")[0]
    if user and not user.isdigit():
        known = set(record.get("users") or []) or _catalogue_users(record)
        if user not in known:
            container["state"].update(
                {
                    "status": "created",
                    "exit_code": 127,
                    "error": f"unable to find user {user}: no matching entries in passwd file",
                }
            )
            raise DockerError(
                "failed to create task for container: failed to create shim task: OCI runtime create failed: "
                f"runc create failed: unable to start container process: error during container init: unable to find user {user}: no matching entries in passwd file: unknown",
                126,
            )
    for ip, host_port, _port, proto in container["ports"]:
        if not host_port:
            continue
        for other in docker["containers"].values():
            if other is container or other["state"]["status"] not in {"running", "restarting"}:
                continue
            if any(p[1] == host_port and p[3] == proto for p in other["ports"]):
                container["state"]["error"] = "port is already allocated"
                raise DockerError(
                    "failed to set up container networking: driver failed programming external connectivity on endpoint "
                    f"{container['name']} ({world.digest('endpoint', container['id'])}): Bind for {ip or '0.0.0.0'}:{host_port} failed: port is already allocated"
                )
    if container["program"] == "built-app-missing" and not container["shell_pid1"]:
        argv0 = container["program_argv"][0] if container["program_argv"] else ""
        if argv0.rsplit("/", 1)[-1] == "gunicorn":
            container["state"].update(
                {
                    "status": "created",
                    "exit_code": 127,
                    "error": f'exec: "{argv0}": executable file not found in $PATH',
                }
            )
            raise DockerError(
                "failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: "
                f'unable to start container process: error during container init: exec: "{argv0}": executable file not found in $PATH: unknown',
                127,
            )
    for ip_port in container["ports"]:
        if not ip_port[1]:
            ip_port[1] = 32768 + world.counter("docker:port") - 1
    engine.start(world, container)


def _catalogue_users(record: dict[str, Any]) -> set[str]:
    from learn.sim.docker.build import _base_users

    return _base_users(record.get("family") or "")
