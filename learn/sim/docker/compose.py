"""`docker compose` (Compose v2): the project model and up/down/ps/logs/config/build/restart/
stop/start/exec on the simulated engine.

- The file is found as Compose finds it (compose.yaml, compose.yml, docker-compose.yaml,
  docker-compose.yml; `-f` to name it), loaded with the labs' bounded YAML loader, validated
  against the compose-spec schema the labs use, and interpolated (`${VAR}`, `${VAR:-x}`,
  `$$`) from the project's `.env` file.
- The project name is `-p`, else the top-level `name:`, else the working directory's name,
  which in this sandbox is `app`. Containers are `<project>-<service>-1` on the network
  `<project>_default`, where service names resolve (engine DNS), and `localhost` is the
  container itself. Named volumes are `<project>_<name>`: `down` keeps them, `down -v`
  removes them; `up -V` renews anonymous volumes.
- `up` creates every container, then starts them in dependency order, waiting as
  docker/compose pkg/compose/convergence.go waits: `service_healthy` until the dependency is
  healthy (or fails: `dependency failed to start: container app-db-1 is unhealthy`),
  `service_completed_successfully` until it exits 0 (else `service "migrate" didn't complete
  successfully: exit 1`), `service_started` not at all.
- Output is the plain progress Compose prints when its output is not a terminal, as here
  (cmd/display/plain.go: `fmt.Fprintln(out, prefix, e.ID, e.Text, e.Details)`), so each line
  is ` Container app-db-1 Started ` with Println's spaces.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from learn.sim import clock
from learn.sim.commandline import Result
from learn.sim.docker import cli, engine, runtime
from learn.sim.docker.cli import Flag
from learn.sim.docker.engine import DockerError
from learn.sim.world import World

S = 1000
PROJECT_DIR = "app"
DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
MAX_WAIT = 300 * S


class ComposeError(Exception):
    pass


@dataclass
class Service:
    name: str
    raw: dict[str, Any]
    image: str
    build: dict[str, Any] | None
    depends_on: dict[str, dict[str, Any]]
    order: int = 0


@dataclass
class Project:
    name: str
    services: dict[str, Service]
    networks: dict[str, Any]
    volumes: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    disabled: set[str] = field(default_factory=set)  # services of profiles not enabled
    dir: str = ""  # the project directory, relative to the working directory ("" is it)

    def path(self, relative: str) -> str:
        """A path in the file, relative to the project directory (the first file's folder),
        as a path of the working directory."""
        joined = posixpath.normpath(posixpath.join(self.dir, relative.removeprefix("./")))
        if joined.startswith(".."):
            raise ComposeError(f"{relative}: outside the sandbox's working directory")
        return "" if joined == "." else joined

    @property
    def network(self) -> str:
        return f"{self.name}_default"

    def ordered(self) -> list[Service]:
        """Dependencies first (graph order, then name)."""
        done: list[str] = []
        visiting: set[str] = set()

        def visit(name: str) -> None:
            if name in done:
                return
            if name in visiting:
                raise ComposeError(f"dependency cycle detected: {' -> '.join([*visiting, name])}")
            visiting.add(name)
            for dep in sorted(self.services[name].depends_on):
                if dep in self.services:
                    visit(dep)
            visiting.discard(name)
            done.append(name)

        for name in sorted(self.services):
            visit(name)
        return [self.services[n] for n in done]


# --------------------------------------------------------------------------- loading


_VAR = re.compile(
    r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)


def _interpolate(value: Any, env: dict[str, str], warnings: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _interpolate(v, env, warnings) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolate(v, env, warnings) for v in value]
    if not isinstance(value, str):
        return value

    def sub(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        op, word = match.group(2), match.group(3) or ""
        current = env.get(name)
        if op in {":-", "-"}:
            return word if current is None or (op == ":-" and not current) else current
        if op in {":+", "+"}:
            return "" if current is None or (op == ":+" and not current) else word
        if op in {":?", "?"} and (current is None or (op == ":?" and not current)):
            raise ComposeError(
                f"required variable {name} is missing a value: {word or ''}".rstrip(": ")
            )
        if current is None:
            warning = f'WARN[0000] The "{name}" variable is not set. Defaulting to a blank string.'
            if warning not in warnings:
                warnings.append(warning)
            return ""
        return current

    return _VAR.sub(sub, value)


def _dotenv(text: str | None) -> dict[str, str]:
    env: dict[str, str] = {}
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ")
        key, eq, value = line.partition("=")
        if not eq:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        env[key.strip()] = value
    return env


@functools.lru_cache(maxsize=32)
def _checked(name: str, text: str) -> str:
    """One compose file, loaded with the labs' bounded loader and validated against the
    compose-spec schema, as JSON text (validation takes tens of ms: a pure function of the
    text, so it is done once per text, and the caller gets its own copy)."""
    from learn.labs.limits import LabInputError, load_with_nodes
    from learn.labs.validators import compose_document_problems

    try:
        documents = [d for d in load_with_nodes(text) if d[0] is not None]
    except LabInputError as exc:
        where = f" line {exc.line}" if exc.line else ""
        raise ComposeError(f"yaml: {name}{where}: {exc.message}") from None
    if not documents:
        raise ComposeError(f"empty compose file: {name}")
    data, node = documents[0]
    problems = compose_document_problems(data, node)
    if problems:
        first = problems[0]
        where = f" line {first.line}" if first.line else ""
        raise ComposeError(f"validating {name}{where}: {first.message}")
    return json.dumps(data)


def load(world: World, files: list[str], project_name: str | None) -> tuple[Project, str]:
    names = files or [next((n for n in DEFAULT_FILES if n in world.files()), "")]
    if not names[0]:
        raise ComposeError("no configuration file provided: not found")
    merged: dict[str, Any] = {}
    for name in names:
        text = world.files().get(name.removeprefix("./"))
        if text is None:
            raise ComposeError(
                f"open /home/learner/{PROJECT_DIR}/{name.removeprefix('./')}: no such file or directory"
            )
        data = json.loads(_checked(name, text))
        _merge(merged, data)
    warnings: list[str] = []
    project_dir = posixpath.dirname(names[0].removeprefix("./"))
    env = _dotenv(world.files().get(posixpath.join(project_dir, ".env")))
    data = _interpolate(merged, env, warnings)
    services_raw = data.get("services") or {}
    name = project_name or data.get("name") or posixpath.basename(project_dir) or PROJECT_DIR
    name = re.sub(r"[^a-z0-9_-]", "", str(name).lower())
    if not name:
        raise ComposeError("project name must not be empty")
    project = Project(
        name=name,
        services={},
        networks=dict(data.get("networks") or {}),
        volumes=dict(data.get("volumes") or {}),
        warnings=warnings,
        dir=project_dir,
    )
    for svc_name in sorted(services_raw):
        raw = services_raw[svc_name] or {}
        if raw.get("profiles"):
            # A service with profiles runs only when one is enabled (`--profile` is not
            # simulated, COMPOSE_PROFILES cannot be set), so here it is always disabled.
            project.disabled.add(svc_name)
            continue
        build = raw.get("build")
        if isinstance(build, str):
            build = {"context": build}
        image = raw.get("image") or (f"{name}-{svc_name}" if build else "")
        if not image:
            raise ComposeError(
                f'service "{svc_name}" has neither an image nor a build context specified: invalid compose project'
            )
        depends = raw.get("depends_on") or {}
        if isinstance(depends, list):
            depends = {d: {"condition": "service_started", "required": True} for d in depends}
        depends = {
            k: {"condition": "service_started", "required": True, **(v or {})}
            for k, v in depends.items()
        }
        project.services[svc_name] = Service(svc_name, raw, image, build, depends)
    for svc in project.services.values():
        for dep in svc.depends_on:
            if dep not in project.services and dep not in project.disabled:
                raise ComposeError(
                    f'service "{svc.name}" depends on undefined service "{dep}": invalid compose project'
                )
        for volume in _volumes(svc):
            if (
                volume["type"] == "volume"
                and volume["source"]
                and volume["source"] not in project.volumes
            ):
                raise ComposeError(
                    f'service "{svc.name}" refers to undefined volume {volume["source"]}: invalid compose project'
                )
    project.ordered()
    return project, "\n".join(project.warnings) + ("\n" if project.warnings else "")


def _merge(base: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


def _volumes(svc: Service) -> list[dict[str, Any]]:
    out = []
    for item in svc.raw.get("volumes") or []:
        if isinstance(item, dict):
            source = str(item.get("source") or "")
            kind = item.get("type") or ("bind" if source.startswith((".", "/")) else "volume")
            out.append(
                {
                    "type": kind,
                    "source": source,
                    "target": str(item.get("target", "")),
                    "read_only": bool(item.get("read_only")),
                }
            )
            continue
        parts = str(item).split(":")
        if len(parts) == 1:
            out.append({"type": "volume", "source": "", "target": parts[0], "read_only": False})
        else:
            source, target = parts[0], parts[1]
            mode = parts[2] if len(parts) > 2 else "rw"
            kind = "bind" if source.startswith((".", "/", "~")) else "volume"
            out.append(
                {
                    "type": kind,
                    "source": source,
                    "target": target,
                    "read_only": "ro" in mode.split(","),
                }
            )
    return out


def _ports(svc: Service) -> list[list[Any]]:
    out = []
    for item in svc.raw.get("ports") or []:
        if isinstance(item, dict):
            out.append(
                [
                    str(item.get("host_ip") or ""),
                    int(item.get("published") or 0),
                    int(item["target"]),
                    str(item.get("protocol") or "tcp"),
                ]
            )
        else:
            out.append(runtime.parse_port(str(item)))
    return out


def _environment(world: World, project: Project, svc: Service) -> dict[str, str]:
    env: dict[str, str] = {}
    env_files = svc.raw.get("env_file") or []
    if isinstance(env_files, str):
        env_files = [env_files]
    for item in env_files:
        path = item.get("path") if isinstance(item, dict) else item
        required = item.get("required", True) if isinstance(item, dict) else True
        where = project.path(str(path))
        text = world.files().get(where)
        if text is None:
            if required:
                full = f"/home/learner/{PROJECT_DIR}/{where}"
                raise ComposeError(
                    f"env file {full} not found: stat {full}: no such file or directory"
                )
            continue
        env.update(_dotenv(text))
    env.update(environment_section(svc.raw))
    return env


def environment_section(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's `environment:` in either of Compose's forms, as the container gets it: a
    list item without `=` (or a null value) takes the variable from the shell running
    Compose, which the sandbox does not have, so it is left out; booleans read as YAML wrote
    them (`true`/`false`)."""
    raw = service.get("environment") or {}
    env: dict[str, str] = {}
    if isinstance(raw, list):
        for item in raw:
            key, eq, value = str(item).partition("=")
            if eq:
                env[key] = value
    elif isinstance(raw, Mapping):
        for key, value in raw.items():
            if value is not None:
                env[str(key)] = (
                    "true" if value is True else "false" if value is False else str(value)
                )
    return env


def _words(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    return shlex.split(str(value))


def _healthcheck(svc: Service) -> dict[str, Any] | None | bool:
    """None: keep the image's; False: disabled; else the service's own."""
    from learn.sim.docker.build import parse_duration

    raw = svc.raw.get("healthcheck")
    if raw is None:
        return None
    if raw.get("disable"):
        return False
    test = raw.get("test")
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    health: dict[str, Any] = {"test": list(test) if test else None}
    for key in ("interval", "timeout", "start_period", "start_interval"):
        if raw.get(key) is not None:
            ms = parse_duration(str(raw[key]))
            if ms is None:
                raise ComposeError(
                    f'services.{svc.name}.healthcheck.{key}: invalid duration "{raw[key]}"'
                )
            health[key] = ms
    if raw.get("retries") is not None:
        health["retries"] = int(raw["retries"])
    if health["test"] and health["test"][0] == "NONE":
        return False
    return health


# --------------------------------------------------------------------------- output


def _event(out: list[str], resource: str, text: str, details: str = "") -> None:
    out.append(f" {resource} {text} {details}")


def _containers(world: World, project: str) -> list[dict[str, Any]]:
    return sorted(
        (
            c
            for c in engine.state(world)["containers"].values()
            if c["labels"].get("com.docker.compose.project") == project
        ),
        key=lambda c: c["name"],
    )


def _container_of(world: World, project: Project, service: str) -> dict[str, Any] | None:
    for c in _containers(world, project.name):
        if c["labels"].get("com.docker.compose.service") == service:
            return c
    return None


def _container_name(project: Project, svc: Service) -> str:
    return str(svc.raw.get("container_name") or f"{project.name}-{svc.name}-1")


def _config_hash(world: World, project: Project, svc: Service) -> str:
    record = engine.find_image(world, svc.image)
    return world.digest("compose-config", svc.raw, record["id"] if record else "")[:16]


# --------------------------------------------------------------------------- commands


def main(world: World, args: list[str], stdin: str | None) -> Result:
    try:
        parsed = cli.parse(
            args,
            [
                Flag("file", "f", "multi"),
                Flag("project-name", "p", "value"),
                Flag("project-directory", kind="unsupported"),
                Flag("profile", kind="unsupported"),
                Flag("env-file", kind="unsupported"),
                Flag("progress", kind="value"),
                Flag("ansi", kind="value"),
            ],
            interspersed=False,
        )
    except cli.FlagError as exc:
        return _flag_error(exc, "")
    if not parsed.args:
        return Result(
            0,
            "Usage:  docker compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications with Docker\n\nCommands:\n  build, config, down, exec, logs, ps, restart, start, stop, up\n",
        )
    command, rest = parsed.args[0], parsed.args[1:]
    fn = _COMMANDS.get(command)
    if fn is None:
        if command in {
            "run",
            "pull",
            "push",
            "cp",
            "create",
            "events",
            "images",
            "kill",
            "ls",
            "pause",
            "port",
            "rm",
            "top",
            "unpause",
            "version",
            "wait",
            "watch",
            "attach",
            "scale",
            "stats",
            "alpha",
            "bridge",
            "publish",
            "volumes",
            "commit",
            "export",
        }:
            return Result(
                1,
                "",
                f"docker compose {command}: not simulated in this sandbox (up, down, ps, logs, config, build, restart, stop, start, exec are)\n",
            )
        return Result(1, "", f'unknown docker command: "compose {command}"\n')
    try:
        project, warnings = load(world, parsed.get("file"), parsed.get("project-name"))
    except ComposeError as exc:
        return Result(1, "", f"{exc}\n")
    try:
        code, out, err = fn(world, project, rest)
    except cli.FlagError as exc:
        return _flag_error(exc, command)
    except (ComposeError, DockerError) as exc:
        return Result(1, "", warnings + f"{exc}\n")
    return Result(code, out, warnings + err)


def _flag_error(exc: cli.FlagError, command: str) -> Result:
    text = str(exc)
    if text.startswith("unsupported:"):
        return Result(
            1,
            "",
            f"docker compose {command}: {text.split(':', 1)[1]} is not simulated in this sandbox\n".replace(
                "compose :", "compose:"
            ),
        )
    return Result(1, "", f"{text}\n")


def _ensure_images(
    world: World, project: Project, services: list[Service], events: list[str], *, build: bool
) -> None:
    from learn.sim.docker import build as builder

    for svc in services:
        has = engine.find_image(world, svc.image) is not None
        if svc.build is not None and (build or not has):
            context = project.path(str(svc.build.get("context") or ".")) or "."
            dockerfile = str(svc.build.get("dockerfile") or "Dockerfile")
            if context not in {".", ""}:
                dockerfile = f"{context}/{dockerfile}"
            code, text = builder.build(
                world,
                dockerfile_name=dockerfile,
                context_dir=context,
                tags=[svc.image],
                target=str(svc.build.get("target") or ""),
                no_cache=False,
                build_args={k: str(v) for k, v in (svc.build.get("args") or {}).items()}
                if isinstance(svc.build.get("args"), dict)
                else {},
            )
            events.extend(text.rstrip("\n").split("\n"))
            if code != 0:
                raise ComposeError(f'failed to build service "{svc.name}"')
            _event(events, f"Image {svc.image}", "Built")
        elif not has:
            _event(events, f"Image {svc.image}", "Pulling")
            try:
                record, _lines = engine.pull(world, svc.image)
            except DockerError as exc:
                _event(events, f"Image {svc.image}", "Error", str(exc))
                raise ComposeError(f"Error response from daemon: {exc}") from None
            clock.advance(world, max(500, int(record["size"]) // 50_000))
            _event(events, f"Image {svc.image}", "Pulled")


def _create(
    world: World,
    project: Project,
    svc: Service,
    events: list[str],
    *,
    renew_anon: bool,
    force: bool,
) -> dict[str, Any]:
    name = _container_name(project, svc)
    existing = _container_of(world, project, svc.name)
    config_hash = _config_hash(world, project, svc)
    anon_keep: dict[str, str] = {}
    if existing is not None:
        if (
            existing["labels"].get("com.docker.compose.config-hash") == config_hash
            and not force
            and not renew_anon
        ):
            return existing
        _event(events, f"Container {name}", "Recreate")
        if not renew_anon:
            anon_keep = {
                m["destination"]: m["name"]
                for m in existing["mounts"]
                if m["type"] == "volume"
                and engine.state(world)["volumes"].get(m["name"], {}).get("anonymous")
            }
        if existing["state"]["status"] == "running":
            engine.stop(world, existing, _grace(svc))
        engine.remove(world, existing)
        if renew_anon:
            for m in existing["mounts"]:
                volume = engine.state(world)["volumes"].get(m["name"])
                if (
                    m["type"] == "volume"
                    and volume
                    and volume.get("anonymous")
                    and not engine.volume_users(world, m["name"])
                ):
                    engine.state(world)["volumes"].pop(m["name"], None)
        recreated = True
    else:
        _event(events, f"Container {name}", "Creating")
        recreated = False
    opts = runtime.RunOptions(image=svc.image, command=_words(svc.raw.get("command")) or [])
    opts.name = name
    opts.detach = True
    opts.ports = _ports(svc)
    opts.env = _environment(world, project, svc)
    restart = svc.raw.get("restart")
    if restart:
        opts.restart = runtime.parse_restart(str(restart))
    if svc.raw.get("user") is not None:
        opts.user = str(svc.raw["user"])
    opts.network = project.network
    opts.aliases = [svc.name]
    if svc.raw.get("working_dir"):
        opts.workdir = str(svc.raw["working_dir"])
    entrypoint = _words(svc.raw.get("entrypoint"))
    if entrypoint is not None:
        opts.entrypoint = entrypoint[0] if entrypoint else ""
        if entrypoint[1:]:
            opts.command = entrypoint[1:] + opts.command
    if svc.raw.get("mem_limit"):
        opts.memory = runtime.parse_memory(str(svc.raw["mem_limit"]))
    opts.hostname = svc.raw.get("hostname") or None
    opts.tty = bool(svc.raw.get("tty"))
    for volume in _volumes(svc):
        if volume["type"] == "volume":
            if volume["source"]:
                vol_name = _project_volume(world, project, volume["source"], events)
                opts.mounts.append(
                    {
                        "type": "volume",
                        "name": vol_name,
                        "source": "",
                        "destination": volume["target"],
                        "rw": not volume["read_only"],
                    }
                )
            elif volume["target"] in anon_keep:
                opts.mounts.append(
                    {
                        "type": "volume",
                        "name": anon_keep[volume["target"]],
                        "source": "",
                        "destination": volume["target"],
                        "rw": True,
                    }
                )
            else:
                opts.mounts.append(
                    {
                        "type": "volume",
                        "name": "",
                        "source": "",
                        "destination": volume["target"],
                        "rw": True,
                    }
                )
        else:
            source = volume["source"]
            if source.startswith("/") or source.startswith("~"):
                raise ComposeError(
                    f'service "{svc.name}": bind mounts of host paths ({source}) are not simulated in this sandbox: use ./dir or a named volume'
                )
            source = "./" + (project.path(source) or ".")
            mount = runtime.parse_volume(
                world, f"{source}:{volume['target']}{':ro' if volume['read_only'] else ''}"
            )
            opts.mounts.append(mount)
    for destination, vol_name in anon_keep.items():
        if not any(m["destination"] == destination for m in opts.mounts):
            opts.mounts.append(
                {
                    "type": "volume",
                    "name": vol_name,
                    "source": "",
                    "destination": destination,
                    "rw": True,
                }
            )
    health = _healthcheck(svc)
    if health is False:
        opts.no_healthcheck = True
    elif isinstance(health, dict):
        if health.get("test") is None:
            record = engine.find_image(world, svc.image) or {"config": {}}
            base = dict(record["config"].get("healthcheck") or {})
            health = {
                **base,
                **{k: v for k, v in health.items() if k != "test"},
                "test": base.get("test"),
            }
        opts.health = health if health.get("test") else None
    if svc.raw.get("stop_signal"):
        opts.stop_signal = str(svc.raw["stop_signal"])
    labels = {
        "com.docker.compose.project": project.name,
        "com.docker.compose.service": svc.name,
        "com.docker.compose.container-number": "1",
        "com.docker.compose.oneoff": "False",
        "com.docker.compose.config-hash": config_hash,
        "com.docker.compose.depends_on": ",".join(
            f"{d}:{c['condition']}:false" for d, c in sorted(svc.depends_on.items())
        ),
    }
    raw_labels = svc.raw.get("labels") or {}
    if isinstance(raw_labels, list):
        raw_labels = dict(str(x).partition("=")[::2] for x in raw_labels)
    labels.update({str(k): str(v) for k, v in raw_labels.items()})
    opts.labels = labels
    container = runtime.create(world, opts, extra={"stop_timeout": _grace(svc) // 1000})
    _event(events, f"Container {name}", "Recreated" if recreated else "Created")
    return container


def _project_volume(world: World, project: Project, key: str, events: list[str]) -> str:
    """The engine volume behind a top-level volume: `<project>_<key>` (or its `name:`),
    created with Compose's events the first time; an external one must exist."""
    declared = project.volumes.get(key) or {}
    external = bool(declared.get("external"))
    vol_name = str(declared.get("name") or (key if external else f"{project.name}_{key}"))
    if vol_name not in engine.state(world)["volumes"]:
        if external:
            raise ComposeError(f'external volume "{vol_name}" not found')
        _event(events, f"Volume {vol_name}", "Creating")
        labels = {"com.docker.compose.project": project.name, "com.docker.compose.volume": key}
        engine.volume_create(world, vol_name, labels=labels)
        _event(events, f"Volume {vol_name}", "Created")
    return vol_name


def _grace(svc: Service) -> int:
    from learn.sim.docker.build import parse_duration

    text = svc.raw.get("stop_grace_period")
    ms = parse_duration(str(text)) if text else None
    return ms if ms is not None else 10 * S


def _wait_for(world: World, project: Project, svc: Service, events: list[str]) -> None:
    """waitDependencies: block until each dependency meets its condition."""
    for dep, config in sorted(svc.depends_on.items()):
        condition = config.get("condition", "service_started")
        if condition == "service_started":
            continue
        if dep in project.disabled:
            continue  # shouldWaitForDependency: a disabled service is not waited for
        target = _container_of(world, project, dep)
        if target is None:
            if config.get("required", True):
                raise ComposeError(f"{svc.name} is missing dependency {dep}")
            continue
        name = target["name"]
        _event(events, f"Container {name}", "Waiting")

        def settled(w: World, target: dict[str, Any] = target, condition: str = condition) -> bool:
            st = target["state"]
            if st["status"] == "exited":
                return True
            if condition == "service_healthy":
                health = st.get("health")
                return health is None or health["status"] != "starting"
            return False

        clock.advance(world, MAX_WAIT, until=settled)
        st = target["state"]
        if condition == "service_completed_successfully":
            if st["status"] != "exited":
                raise ComposeError(
                    f"[the sandbox stopped waiting after {MAX_WAIT // S} s: {name} is still running]"
                )
            if st["exit_code"] == 0:
                _event(events, f"Container {name}", "Exited")
                continue
            message = f'"{dep}" didn\'t complete successfully: exit {st["exit_code"]}'
            if not config.get("required", True):
                continue
            _event(events, f"Container {name}", "Error", f"service {message}")
            raise ComposeError(f"service {message}")
        # service_healthy
        problem = ""
        if st["status"] == "exited":
            problem = f"container {name} exited ({st['exit_code']})"
        elif st.get("health") is None:
            problem = f"container {name} has no healthcheck configured"
        elif st["health"]["status"] == "unhealthy":
            problem = f"container {name} is unhealthy"
        elif st["health"]["status"] == "starting":
            raise ComposeError(
                f"[the sandbox stopped waiting after {MAX_WAIT // S} s: {name} is still starting]"
            )
        if problem:
            if not config.get("required", True):
                continue
            _event(events, f"Container {name}", "Error", f"dependency {dep} failed to start")
            raise ComposeError(f"dependency failed to start: {problem}")
        _event(events, f"Container {name}", "Healthy")


def _selected(project: Project, names: list[str]) -> list[Service]:
    for name in names:
        if name not in project.services:
            raise ComposeError(f"no such service: {name}")
    if not names:
        return project.ordered()
    wanted: set[str] = set()

    def add(name: str) -> None:
        if name in wanted:
            return
        wanted.add(name)
        for dep in project.services[name].depends_on:
            add(dep)

    for name in names:
        add(name)
    return [s for s in project.ordered() if s.name in wanted]


def cmd_up(world: World, project: Project, args: list[str]) -> tuple[int, str, str]:
    parsed = cli.parse(
        args,
        [
            Flag("detach", "d"),
            Flag("build"),
            Flag("no-build"),
            Flag("force-recreate"),
            Flag("no-recreate"),
            Flag("renew-anon-volumes", "V"),
            Flag("wait"),
            Flag("remove-orphans"),
            Flag("no-deps"),
            Flag("no-start", kind="unsupported"),
            Flag("scale", kind="unsupported"),
            Flag("abort-on-container-exit", kind="unsupported"),
            Flag("pull", kind="value"),
            Flag("quiet-pull"),
        ],
    )
    services = _selected(project, parsed.args)
    events: list[str] = []
    _ensure_images(world, project, services, events, build=bool(parsed.get("build")))
    if project.network not in engine.state(world)["networks"]:
        _event(events, f"Network {project.network}", "Creating")
        engine.network_create(
            world,
            project.network,
            labels={
                "com.docker.compose.project": project.name,
                "com.docker.compose.network": "default",
            },
        )
        _event(events, f"Network {project.network}", "Created")
    for key in sorted(
        {
            v["source"]
            for svc in services
            for v in _volumes(svc)
            if v["type"] == "volume" and v["source"]
        }
    ):
        _project_volume(world, project, key, events)
    containers = {}
    for svc in services:
        containers[svc.name] = _create(
            world,
            project,
            svc,
            events,
            renew_anon=bool(parsed.get("renew-anon-volumes")),
            force=bool(parsed.get("force-recreate")),
        )
    try:
        for svc in services:
            container = containers[svc.name]
            if container["state"]["status"] == "running":
                _event(events, f"Container {container['name']}", "Running")
                continue
            _wait_for(world, project, svc, events)
            _event(events, f"Container {container['name']}", "Starting")
            container["manual_stop"] = False
            runtime.start_checked(world, container)
            _event(events, f"Container {container['name']}", "Started")
        if parsed.get("wait"):
            # One-off services another waits for with service_completed_successfully are
            # done when they exit 0; --wait does not wait for them to be running.
            one_off = {
                dep
                for svc in services
                for dep, cond in svc.depends_on.items()
                if cond.get("condition") == "service_completed_successfully"
            }
            for svc in [s for s in services if s.name not in one_off]:
                container = containers[svc.name]
                _event(events, f"Container {container['name']}", "Waiting")
                clock.advance(world, MAX_WAIT, until=_settled_health(container))
                st = container["state"]
                if st["status"] != "running" or (
                    st.get("health") and st["health"]["status"] != "healthy"
                ):
                    raise ComposeError(
                        f"container {container['name']} is {'unhealthy' if st['status'] == 'running' else 'exited'}"
                    )
                _event(
                    events,
                    f"Container {container['name']}",
                    "Healthy" if st.get("health") else "Started",
                )
    except ComposeError as exc:
        return 1, "", "\n".join(events) + f"\n{exc}\n"
    except DockerError as exc:
        return 1, "", "\n".join(events) + f"\nError response from daemon: {exc}\n"
    text = "\n".join(events) + "\n"
    if parsed.get("detach") or parsed.get("wait"):
        return 0, "", text
    # Attached: the services' logs, then back to the prompt (a real `up` blocks until Ctrl-C).
    clock.advance(world, 10 * S)
    names = [c["name"].removeprefix(f"{project.name}-") for c in containers.values()]
    text += f"Attaching to {', '.join(names)}\n"
    return (
        0,
        text
        + _logs_text(world, project, list(containers.values()), None)
        + (
            "[the sandbox returned to the prompt after 10 s; the services keep running: "
            "`docker compose logs`, `docker compose down`]\n"
        ),
        "",
    )


def _settled_health(container: dict[str, Any]) -> Any:
    def settled(world: World) -> bool:
        st = container["state"]
        health = st.get("health")
        return st["status"] != "running" or not health or health["status"] != "starting"

    return settled


def _logs_text(
    world: World, project: Project, containers: list[dict[str, Any]], tail: int | None
) -> str:
    names = {c["id"]: c["name"].removeprefix(f"{project.name}-") for c in containers}
    width = max((len(n) for n in names.values()), default=0) + 1
    entries: list[tuple[int, int, str]] = []
    for order, c in enumerate(containers):
        lines = engine.log_entries(world, c)
        if tail is not None:
            lines = lines[-tail:] if tail > 0 else []
        entries += [(at, order, f"{names[c['id']]:<{width}} | {line}") for at, line in lines]
    # The containers' lines as they came, one stream (by moment, then container).
    return "".join(text + "\n" for _at, _order, text in sorted(entries))


def cmd_down(world: World, project: Project, args: list[str]) -> tuple[int, str, str]:
    parsed = cli.parse(
        args,
        [
            Flag("volumes", "v"),
            Flag("remove-orphans"),
            Flag("timeout", "t", "value"),
            Flag("rmi", kind="unsupported"),
        ],
    )
    events: list[str] = []
    containers = _containers(world, project.name)
    order = {s.name: i for i, s in enumerate(project.ordered())}
    containers.sort(key=lambda c: -order.get(c["labels"].get("com.docker.compose.service", ""), -1))
    for c in containers:
        if c["state"]["status"] in {"running", "restarting"}:
            _event(events, f"Container {c['name']}", "Stopping")
            ms = (
                cli.int_value(parsed.get("timeout"), "-t, --timeout") * S
                if parsed.get("timeout")
                else int(c.get("stop_timeout") or 10) * S
            )
            engine.stop(world, c, ms)
            _event(events, f"Container {c['name']}", "Stopped")
        _event(events, f"Container {c['name']}", "Removing")
        engine.remove(world, c, volumes=bool(parsed.get("volumes")))
        _event(events, f"Container {c['name']}", "Removed")
    docker = engine.state(world)
    if parsed.get("volumes"):
        for key in sorted(project.volumes):
            declared = project.volumes[key] or {}
            if declared.get("external"):
                continue
            vol_name = declared.get("name") or f"{project.name}_{key}"
            if vol_name in docker["volumes"]:
                _event(events, f"Volume {vol_name}", "Removing")
                docker["volumes"].pop(vol_name, None)
                _event(events, f"Volume {vol_name}", "Removed")
    if project.network in docker["networks"]:
        _event(events, f"Network {project.network}", "Removing")
        docker["networks"].pop(project.network, None)
        _event(events, f"Network {project.network}", "Removed")
    return 0, "", "\n".join(events) + ("\n" if events else "")


def cmd_ps(world: World, project: Project, args: list[str]) -> tuple[int, str, str]:
    parsed = cli.parse(
        args,
        [
            Flag("all", "a"),
            Flag("quiet", "q"),
            Flag("services"),
            Flag("format", kind="value"),
            Flag("status", kind="multi"),
        ],
    )
    containers = _containers(world, project.name)
    if not parsed.get("all"):
        containers = [
            c for c in containers if c["state"]["status"] in {"running", "restarting", "paused"}
        ]
    if parsed.args:
        containers = [
            c for c in containers if c["labels"].get("com.docker.compose.service") in parsed.args
        ]
    if parsed.get("quiet"):
        return 0, "".join(c["id"] + "\n" for c in containers), ""
    if parsed.get("services"):
        return 0, "".join(c["labels"]["com.docker.compose.service"] + "\n" for c in containers), ""
    if parsed.get("format") == "json":
        from learn.sim.docker.main import _ps_fields

        lines = []
        for c in containers:
            fields = _ps_fields(world, c)
            lines.append(
                json.dumps(
                    {
                        "Name": c["name"],
                        "Service": c["labels"]["com.docker.compose.service"],
                        "State": c["state"]["status"],
                        "Health": (c["state"].get("health") or {}).get("status", ""),
                        "ExitCode": c["state"]["exit_code"],
                        "Status": fields["Status"],
                        "Image": c["image_ref"],
                    }
                )
            )
        return 0, "".join(line + "\n" for line in lines), ""
    from learn.sim.docker.main import _ps_fields

    rows = []
    for c in containers:
        fields = _ps_fields(world, c)
        rows.append(
            [
                c["name"],
                c["image_ref"],
                fields["Command"],
                c["labels"]["com.docker.compose.service"],
                fields["RunningFor"],
                fields["Status"],
                fields["Ports"],
            ]
        )
    return (
        0,
        cli.table(["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"], rows),
        "",
    )


def cmd_logs(world: World, project: Project, args: list[str]) -> tuple[int, str, str]:
    parsed = cli.parse(
        args,
        [
            Flag("follow", "f"),
            Flag("tail", "n", "value"),
            Flag("timestamps", "t"),
            Flag("no-log-prefix"),
            Flag("no-color"),
        ],
    )
    containers = _containers(world, project.name)
    if parsed.args:
        for name in parsed.args:
            if name not in project.services:
                raise ComposeError(f"no such service: {name}")
        containers = [
            c for c in containers if c["labels"].get("com.docker.compose.service") in parsed.args
        ]
    tail = (
        None
        if parsed.get("tail") in {None, "all"}
        else cli.int_value(parsed.get("tail"), "-n, --tail")
    )
    if parsed.get("no-log-prefix"):
        text = "".join(line + "\n" for c in containers for line in engine.logs(world, c, tail=tail))
    else:
        text = _logs_text(world, project, containers, tail)
    if parsed.get("follow") and any(c["state"]["status"] == "running" for c in containers):
        text += (
            "[the sandbox stops following here; run the command again after `sleep` to see more]\n"
        )
    return 0, text, ""


def cmd_config(world: World, project: Project, args: list[str]) -> tuple[int, str, str]:
    parsed = cli.parse(
        args, [Flag("services"), Flag("volumes"), Flag("quiet", "q"), Flag("format", kind="value")]
    )
    if parsed.get("quiet"):
        return 0, "", ""
    if parsed.get("services"):
        return 0, "".join(s + "\n" for s in sorted(project.services)), ""
    if parsed.get("volumes"):
        return 0, "".join(v + "\n" for v in sorted(project.volumes)), ""
    services = {}
    for name, svc in sorted(project.services.items()):
        out: dict[str, Any] = {}
        for key, value in sorted(svc.raw.items()):
            out[key] = value
        if svc.depends_on:
            out["depends_on"] = {
                k: {
                    "condition": v["condition"],
                    "required": v["required"],
                    "restart": bool(v.get("restart", False)),
                }
                for k, v in sorted(svc.depends_on.items())
            }
        if "environment" in svc.raw:
            out["environment"] = dict(sorted(_environment(world, project, svc).items()))
        if "command" in svc.raw:
            out["command"] = _words(svc.raw["command"])
        if "ports" in svc.raw:
            out["ports"] = [
                {
                    "mode": "ingress",
                    "host_ip": ip,
                    "target": port,
                    "published": str(host),
                    "protocol": proto,
                }
                if ip
                else {"mode": "ingress", "target": port, "published": str(host), "protocol": proto}
                for ip, host, port, proto in _ports(svc)
            ]
        if "volumes" in svc.raw:
            out["volumes"] = [_long_volume(project, v) for v in _volumes(svc)]
        if "healthcheck" in svc.raw and isinstance(svc.raw["healthcheck"], dict):
            check = dict(svc.raw["healthcheck"])
            if isinstance(check.get("test"), str):
                check["test"] = ["CMD-SHELL", check["test"]]
            out["healthcheck"] = check
        out["networks"] = {"default": None}
        # compose-go marshals a service's fields in (nearly) alphabetical order.
        services[name] = dict(sorted(out.items()))
    doc: dict[str, Any] = {
        "name": project.name,
        "services": services,
        "networks": {"default": {"name": project.network}},
    }
    if project.volumes:
        doc["volumes"] = {
            k: {"name": (v or {}).get("name") or f"{project.name}_{k}"}
            for k, v in sorted(project.volumes.items())
        }
    if parsed.get("format") == "json":
        return 0, json.dumps(doc, indent=4) + "\n", ""
    return 0, yaml.dump(doc, Dumper=_IndentedDumper, sort_keys=False, default_flow_style=False), ""


class _IndentedDumper(yaml.SafeDumper):
    """YAML as compose-go's encoder (go.yaml.in/yaml/v3) writes it: lists indented under
    their key, a string that would read back as another type in double quotes ("8000")."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _go_string(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    tag = dumper.resolve(yaml.ScalarNode, data, (True, False))
    if tag != "tag:yaml.org,2002:str" or data == "":
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_IndentedDumper.add_representer(str, _go_string)


def _long_volume(project: Project, volume: dict[str, Any]) -> dict[str, Any]:
    """A volume in the long syntax `docker compose config` prints."""
    out: dict[str, Any] = {"type": volume["type"]}
    if volume["source"]:
        source = volume["source"]
        if volume["type"] == "bind":
            source = f"/home/learner/{PROJECT_DIR}/{project.path(source)}".rstrip("/")
        out["source"] = source
    out["target"] = volume["target"]
    if volume["read_only"]:
        out["read_only"] = True
    out["volume" if volume["type"] == "volume" else "bind"] = (
        {} if volume["type"] == "volume" else {"create_host_path": True}
    )
    return out


def cmd_build(world: World, project: Project, args: list[str]) -> tuple[int, str, str]:
    parsed = cli.parse(
        args, [Flag("no-cache", kind="unsupported"), Flag("pull"), Flag("quiet", "q")]
    )
    events: list[str] = []
    services = [project.services[n] for n in parsed.args] if parsed.args else project.ordered()
    _ensure_images(world, project, [s for s in services if s.build is not None], events, build=True)
    return 0, "", "\n".join(events) + ("\n" if events else "")


def _each(
    world: World, project: Project, names: list[str], verb: str, action: Any
) -> tuple[int, str, str]:
    events: list[str] = []
    services = project.ordered()
    if verb in {"Stopping", "Restarting"}:
        services = list(reversed(services))
    for svc in services:
        if names and svc.name not in names:
            continue
        container = _container_of(world, project, svc.name)
        if container is None:
            continue
        action(container, svc, events)
    return 0, "", "\n".join(events) + ("\n" if events else "")


def cmd_stop(world: World, project: Project, args: list[str]) -> tuple[int, str, str]:
    parsed = cli.parse(args, [Flag("timeout", "t", "value")])

    def act(c: dict[str, Any], svc: Service, events: list[str]) -> None:
        if c["state"]["status"] not in {"running", "restarting"}:
            return
        _event(events, f"Container {c['name']}", "Stopping")
        engine.stop(
            world,
            c,
            cli.int_value(parsed.get("timeout"), "-t, --timeout") * S
            if parsed.get("timeout")
            else _grace(svc),
        )
        _event(events, f"Container {c['name']}", "Stopped")

    return _each(world, project, parsed.args, "Stopping", act)


def cmd_start(world: World, project: Project, args: list[str]) -> tuple[int, str, str]:
    parsed = cli.parse(args, [])

    def act(c: dict[str, Any], svc: Service, events: list[str]) -> None:
        if c["state"]["status"] == "running":
            return
        _wait_for(world, project, svc, events)
        _event(events, f"Container {c['name']}", "Starting")
        c["manual_stop"] = False
        runtime.start_checked(world, c)
        _event(events, f"Container {c['name']}", "Started")

    return _each(world, project, parsed.args, "Starting", act)


def cmd_restart(world: World, project: Project, args: list[str]) -> tuple[int, str, str]:
    parsed = cli.parse(args, [Flag("timeout", "t", "value"), Flag("no-deps")])

    def act(c: dict[str, Any], svc: Service, events: list[str]) -> None:
        _event(events, f"Container {c['name']}", "Restarting")
        engine.stop(world, c, _grace(svc))
        c["manual_stop"] = False
        runtime.start_checked(world, c)
        _event(events, f"Container {c['name']}", "Started")

    return _each(world, project, parsed.args, "Restarting", act)


def cmd_exec(world: World, project: Project, args: list[str]) -> tuple[int, str, str]:
    from learn.sim.docker import probes

    parsed = cli.parse(
        args,
        [
            Flag("interactive", "i"),
            Flag("tty", "t"),
            Flag("no-TTY", "T"),
            Flag("user", "u", "value"),
            Flag("workdir", "w", "value"),
            Flag("env", "e", "multi"),
            Flag("detach", "d", "unsupported"),
        ],
        interspersed=False,
    )
    if len(parsed.args) < 2:
        raise ComposeError("'exec' requires at least 2 arguments")
    name, argv = parsed.args[0], parsed.args[1:]
    if name not in project.services:
        raise ComposeError(f"no such service: {name}")
    container = _container_of(world, project, name)
    if container is None or container["state"]["status"] != "running":
        raise ComposeError(f'service "{name}" is not running')
    if len(argv) == 1 and argv[0] in {"sh", "bash", "/bin/sh", "/bin/bash"}:
        raise ComposeError(
            "docker compose exec: an interactive shell is not simulated in this sandbox; run one command at a time"
        )
    process = engine.make_process(world, container)
    for item in parsed.get("env"):
        key, _, value = item.partition("=")
        process.env[key] = value
    code, out = probes.exec_argv(process, engine.program_of(container), argv)
    return code, out, ""


_COMMANDS = {
    "up": cmd_up,
    "down": cmd_down,
    "ps": cmd_ps,
    "logs": cmd_logs,
    "config": cmd_config,
    "build": cmd_build,
    "stop": cmd_stop,
    "start": cmd_start,
    "restart": cmd_restart,
    "exec": cmd_exec,
}
