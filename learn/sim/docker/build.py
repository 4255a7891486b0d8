"""`docker build`: BuildKit's Dockerfile frontend, its cache, and its plain progress output.

What BuildKit does, and so this does (moby/buildkit frontend/dockerfile/dockerfile2llb):

- Only the stages the target needs are built (the target and what it reaches through
  `FROM <stage>` and `COPY --from=<stage>`); unnamed stages are `stage-N` in the progress
  names when there are several; each step is `[<stage> i/n] INSTRUCTION`, where n counts the
  FROM of an image, WORKDIR, COPY, ADD and RUN (prefixCommand, with `%*d` padding).
- A step is `CACHED` when its parent is unchanged and the instruction is unchanged (for RUN,
  with the same environment, user and working directory), and for COPY/ADD the content of the
  copied files is unchanged. Once one step runs, every step after it in that stage runs.
- The context is the sandbox's working directory minus `.dockerignore`
  (learn/sim/docker/ignore.py); a COPY source that is missing or ignored fails the way BuildKit
  fails (`failed to calculate checksum of ref ...: "/x": not found`).
- RUN steps: the sandbox does not execute programs; it models what the commands the course
  uses do (pip, python -m venv, npm, apt-get, apk, useradd/adduser, mkdir, chown...) against
  the image's files: `pip install -r requirements.txt` needs the file copied first, `apt-get`
  does not exist on Alpine, `apk` not on Debian. A command it does not model fails with a
  message saying so, never a made-up success.
"""

from __future__ import annotations

import math
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from learn.sim import clock, images
from learn.sim.docker import dockerfile as df
from learn.sim.docker import engine, ignore
from learn.sim.world import World

MB = 1000 * 1000
PATH_DEFAULT = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class BuildFailed(Exception):
    def __init__(
        self, message: str, line: int = 0, *, vertex: str = "", logs: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.line = line
        self.vertex = vertex
        self.logs = logs or []


@dataclass
class StageState:
    """One stage as it is being built."""

    stage: df.Stage
    key: str
    fs: dict[str, str]
    config: dict[str, Any]
    size: int
    base_size: int
    program: str
    family: str
    version: str
    shell: list[str]
    args: dict[str, str] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    users: set[str] = field(default_factory=set)
    docker: dict[str, Any] = field(default_factory=dict)  # the engine's state (blobs, read only)
    # The pulled image whose files the stage starts from. Its files are not in `fs` (a pulled
    # image is opaque to the sandbox), but they are there: the image's program still runs.
    base: str = ""


@dataclass
class Output:
    lines: list[str] = field(default_factory=list)
    vertex: int = 0
    elapsed: int = 0  # ms

    def new_vertex(self, name: str) -> int:
        self.vertex += 1
        self.lines.append(f"#{self.vertex} {name}")
        return self.vertex

    def add(self, text: str) -> None:
        self.lines.append(f"#{self.vertex} {text}")

    def done(self, ms: int) -> None:
        self.elapsed += ms
        self.lines.append(f"#{self.vertex} DONE {ms / 1000:.1f}s")
        self.lines.append("")

    def cached(self) -> None:
        self.lines.append(f"#{self.vertex} CACHED")
        self.lines.append("")


def _key(*parts: Any) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _blob(text: str) -> str:
    import hashlib

    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


# --------------------------------------------------------------------------- users of images

_BASE_USERS = {
    "postgres": {"root", "postgres"},
    "node": {"root", "node"},
    "nginx": {"root", "nginx"},
    "redis": {"root", "redis"},
}


def _base_users(family: str) -> set[str]:
    return set(_BASE_USERS.get(family, {"root", "nobody"})) | {"nobody"}


# --------------------------------------------------------------------------- the build


def build(
    world: World,
    *,
    dockerfile_name: str,
    context_dir: str,
    tags: list[str],
    target: str,
    no_cache: bool,
    build_args: dict[str, str],
) -> tuple[int, str]:
    out = Output()
    out.lines.append('#0 building with "default" instance using docker driver')
    out.lines.append("")
    files = world.files()
    prefix = "" if context_dir in {".", "./", ""} else context_dir.strip("/") + "/"
    context = {k[len(prefix) :]: v for k, v in files.items() if k.startswith(prefix)}
    text = files.get(
        dockerfile_name if "/" in dockerfile_name or not prefix else prefix + dockerfile_name
    )
    if text is None:
        text = files.get(dockerfile_name)
    out.new_vertex(f"[internal] load build definition from {posixpath.basename(dockerfile_name)}")
    out.add(f"transferring dockerfile: {len((text or '').encode())}B done")
    out.done(0)
    if text is None:
        return _fail(
            out,
            f"failed to read dockerfile: open {posixpath.basename(dockerfile_name)}: no such file or directory",
        )
    try:
        parsed = df.parse(text)
    except df.DockerfileError as exc:
        return _fail(out, str(exc), text=text, line=exc.line, name=dockerfile_name)
    parsed.meta_args.update({k: v for k, v in build_args.items() if k in parsed.meta_args})
    for stage in parsed.stages:
        try:
            stage.base = df.expand(stage.base_raw, parsed.meta_args)
        except df.DockerfileError as exc:
            return _fail(out, str(exc), text=text, line=stage.line, name=dockerfile_name)
    try:
        return _build(
            world, out, parsed, text, dockerfile_name, context, tags, target, no_cache, build_args
        )
    except BuildFailed as exc:
        if exc.vertex:
            out.add(f"ERROR: {exc}")
            out.lines.append("------")
            out.lines.append(f" > {exc.vertex}:")
            out.lines.extend(exc.logs)
            out.lines.append("------")
        return _fail(out, str(exc), text=text, line=exc.line, name=dockerfile_name)


def _fail(
    out: Output, message: str, *, text: str = "", line: int = 0, name: str = "Dockerfile"
) -> tuple[int, str]:
    lines = out.lines
    if lines and lines[-1] == "":
        lines.pop()
    if text and line:
        source = text.split("\n")
        lines.append(f"{posixpath.basename(name)}:{line}")
        lines.append("--------------------")
        for n in range(max(1, line - 2), min(len(source), line + 2) + 1):
            marker = ">>>" if n == line else "   "
            lines.append(f"{n:>4} | {marker} {source[n - 1]}".rstrip())
        lines.append("--------------------")
    lines.append(f"ERROR: failed to build: failed to solve: {message}")
    return 1, "\n".join(lines) + "\n"


def _reachable(parsed: df.Dockerfile, target: df.Stage) -> list[df.Stage]:
    needed: set[int] = set()

    def visit(stage: df.Stage) -> None:
        if stage.index in needed:
            return
        needed.add(stage.index)
        base = parsed.stage_named(stage.base)
        if base is not None and base.index < stage.index:
            visit(base)
        for command in stage.commands:
            source = command.flags.get("from")
            if command.name in {"COPY", "ADD"} and source:
                dep = parsed.stage_named(source)
                if dep is not None:
                    visit(dep)

    visit(target)
    return [s for s in parsed.stages if s.index in needed]


def _stage_label(parsed: df.Dockerfile, stage: df.Stage) -> str:
    if len(parsed.stages) == 1:
        return ""
    return stage.name or f"stage-{stage.index}"


def _counted(stage: df.Stage, from_image: bool) -> int:
    total = 1 if from_image else 0
    return total + sum(1 for c in stage.commands if c.name in {"ADD", "COPY", "RUN", "WORKDIR"})


def _prefix(label: str, index: int, total: int) -> str:
    width = int(1 + math.log10(total)) if total else 1
    head = f"{label} " if label else ""
    return f"[{head}{index:>{width}}/{total}] "


def _build(
    world: World,
    out: Output,
    parsed: df.Dockerfile,
    text: str,
    dockerfile_name: str,
    context: dict[str, str],
    tags: list[str],
    target_name: str,
    no_cache: bool,
    build_args: dict[str, str],
) -> tuple[int, str]:
    docker = engine.state(world)
    if target_name:
        target = parsed.stage_named(target_name)
        if target is None or target_name.isdigit():
            names = [s.name for s in parsed.stages if s.name]
            suggestion = df._suggest(target_name, tuple(names))
            message = f'target stage "{target_name}" could not be found'
            if suggestion:
                message += f" (did you mean {suggestion}?)"
            raise BuildFailed(message)
    else:
        target = parsed.stages[-1]
    stages = _reachable(parsed, target)
    # [internal] load metadata for each image a needed stage starts from.
    bases: dict[int, dict[str, Any] | None] = {}
    metadata_done: dict[str, dict[str, Any]] = {}
    for stage in stages:
        if stage.base.lower() == "scratch":
            bases[stage.index] = None
            continue
        inner = parsed.stage_named(stage.base)
        if inner is not None and inner.index < stage.index:
            continue
        try:
            ref = images.parse_reference(stage.base)
        except images.InvalidReference:
            raise BuildFailed(
                f'failed to parse stage name "{stage.base}": invalid reference format', stage.line
            ) from None
        full = str(ref)
        if full not in metadata_done:
            out.new_vertex(f"[internal] load metadata for {full}")
            local = engine.find_image(world, full)
            record = local
            if record is None:
                resolved = images.resolve(full, world.state.get("images"))
                if isinstance(resolved, images.PullError):
                    out.add(
                        f"ERROR: {full}: not found"
                        if resolved.reason == "tag"
                        else "ERROR: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
                    )
                    out.lines.append("------")
                    out.lines.append(f" > [internal] load metadata for {full}:")
                    out.lines.append("------")
                    if resolved.reason == "tag":
                        message = f"{stage.base}: failed to resolve source metadata for {full}: {full}: not found"
                    else:
                        message = (
                            f"{stage.base}: failed to resolve source metadata for {full}: pull access denied, "
                            "repository does not exist or may require authorization: server message: "
                            "insufficient_scope: authorization failed"
                        )
                    raise BuildFailed(message, stage.line)
                record = engine._pushed_record(world, resolved) or engine.image_from_catalogue(
                    world, resolved
                )
            out.done(600 if record.get("source") else 0)
            metadata_done[full] = record
        bases[stage.index] = metadata_done[full]
    ignore_text = context.get(".dockerignore")
    out.new_vertex("[internal] load .dockerignore")
    out.add(f"transferring context: {len((ignore_text or '').encode()) or 2}B done")
    out.done(0)
    try:
        sent = ignore.context_files(context, ignore_text)
    except ignore.PatternError as exc:
        raise BuildFailed(f"failed to parse dockerignore: {exc}") from None
    results: dict[int, StageState] = {}
    printed_from: set[str] = set()
    context_loaded = False
    uses_context = any(
        c.name in {"COPY", "ADD"} and not c.flags.get("from") for s in stages for c in s.commands
    )
    for stage in stages:
        label = _stage_label(parsed, stage)
        inner = parsed.stage_named(stage.base)
        from_stage = inner is not None and inner.index < stage.index
        total = _counted(stage, not from_stage and stage.base.lower() != "scratch")
        index = 0
        if from_stage:
            assert inner is not None
            parent = results[inner.index]
            st = StageState(
                stage=stage,
                key=parent.key,
                fs=dict(parent.fs),
                config=_copy_config(parent.config),
                size=parent.size,
                base_size=parent.base_size,
                program=parent.program,
                family=parent.family,
                version=parent.version,
                shell=list(parent.shell),
                users=set(parent.users),
                base=parent.base,
            )
        elif stage.base.lower() == "scratch":
            st = StageState(
                stage,
                _key("scratch"),
                {},
                _empty_config(),
                0,
                0,
                "no-program",
                "scratch",
                "",
                ["/bin/sh", "-c"],
                users={"root"},
            )
            st.config["shell"] = False
        else:
            record = bases[stage.index]
            assert record is not None
            index += 1
            ref = images.parse_reference(stage.base)
            digest = record.get("repo_digest") or record["id"]
            name = (
                f"{ref.repository}:{ref.tag_or_latest}@{digest}"
                if record.get("source")
                else str(ref)
            )
            from_key = "from:" + record["id"]
            # One image is one vertex: BuildKit shows it once, named by the first stage.
            if from_key not in printed_from:
                printed_from.add(from_key)
                _from_vertex(
                    out, docker, record, f"{_prefix(label, index, total)}FROM {name}", from_key
                )
            st = StageState(  # noqa: S604 (shell is the image's RUN shell, not a subprocess)
                stage=stage,
                key=_key("image", record["id"]),
                fs=dict(record.get("fs") or {}),
                config=_copy_config(record["config"]),
                size=int(record["size"]),
                base_size=int(record["size"]),
                program=record["program"],
                family=record.get("family") or record["program"],
                version=record.get("version") or "",
                shell=["/bin/sh", "-c"],
                users=_base_users(record.get("family") or ""),
                base=record.get("source") or record.get("base") or "",
            )
        st.args = {}
        st.docker = docker
        if (
            uses_context
            and not context_loaded
            and any(c.name in {"COPY", "ADD"} and not c.flags.get("from") for c in stage.commands)
        ):
            out.new_vertex("[internal] load build context")
            size = sum(len(v.encode()) for v in sent.values())
            out.add(f"transferring context: {_bytes(size)} done")
            out.done(0)
            context_loaded = True
        broken = no_cache
        for command in stage.commands:
            try:
                index, broken = _step(
                    world,
                    out,
                    parsed,
                    st,
                    results,
                    command,
                    label,
                    index,
                    total,
                    sent,
                    broken,
                    build_args,
                )
            except df.DockerfileError as exc:
                raise BuildFailed(str(exc), command.line) from None
        results[stage.index] = st
    final = results[target.index]
    return _export(world, out, final, tags)


def _from_vertex(
    out: Output, docker: dict[str, Any], record: dict[str, Any], vertex: str, from_key: str
) -> None:
    """The FROM vertex: resolved, then pulled (DONE) or already in the content store (CACHED)."""
    out.new_vertex(vertex)
    if not record.get("source"):
        out.done(0)  # a local image of the engine
        return
    out.add(f"resolve {vertex.split('FROM ', 1)[1]} done")
    if from_key in docker["cache"]:
        out.cached()
        return
    _remember(docker, from_key, {"size": 0})
    # The layers come down (compressed, about a third of the image) and are extracted.
    import hashlib

    total = max(300, int(record["size"] / (60 * MB) * 1000))
    shares = (0.6, 0.3, 0.1)
    layers = [
        (
            "sha256:" + hashlib.sha256(f"{record['id']}:{i}".encode()).hexdigest(),
            int(record["size"] * share / 3),
        )
        for i, share in enumerate(shares)
    ]
    for digest, size in layers:
        shown = _bytes(size)
        out.add(
            f"{digest} {shown} / {shown} {total * size / max(1, record['size'] / 3) / 1000:.1f}s done"
        )
    for digest, size in layers:
        out.add(f"extracting {digest} {0.1 + size / (200 * MB):.1f}s done")
    out.done(total)


def _bytes(size: int) -> str:
    """BuildKit's progress sizes (util/progress/progressui/printer.go: `%.2f` of
    tonistiigi/units.Bytes, decimal units): 254B, 1.40kB, 29.13MB."""
    units = ["B", "kB", "MB", "GB"]
    value = float(size)
    i = 0
    while value >= 1000 and i < len(units) - 1:
        value /= 1000
        i += 1
    return f"{value:.2f}{units[i]}" if i else f"{size}B"


def _empty_config() -> dict[str, Any]:
    return {
        "entrypoint": None,
        "cmd": None,
        "env": [f"PATH={PATH_DEFAULT}"],
        "user": "",
        "workdir": "",
        "exposed": [],
        "stop_signal": "",
        "shell": True,
        "healthcheck": None,
        "labels": {},
        "volumes": [],
    }


def _copy_config(config: dict[str, Any]) -> dict[str, Any]:
    import copy

    merged = _empty_config()
    merged.update(copy.deepcopy(config))
    merged.setdefault("cmd_inherited", True)
    merged["cmd_inherited"] = True
    return merged


def _env(config: dict[str, Any]) -> dict[str, str]:
    env = {}
    for item in config.get("env") or []:
        key, _, value = item.partition("=")
        env[key] = value
    return env


def _set_env(config: dict[str, Any], key: str, value: str) -> None:
    env = _env(config)
    env[key] = value
    config["env"] = [f"{k}={v}" for k, v in env.items()]


def _remember(docker: dict[str, Any], key: str, layer: dict[str, Any]) -> None:
    cache = docker["cache"]
    cache[key] = layer
    while len(cache) > engine.MAX_CACHE:
        cache.pop(next(iter(cache)))


def _resolve_path(st: StageState, path: str) -> str:
    workdir = st.config.get("workdir") or "/"
    return (
        posixpath.normpath(posixpath.join(workdir, path))
        if not path.startswith("/")
        else posixpath.normpath(path)
    )


def _glob(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out += re.escape(ch)
            else:
                out += pattern[i : end + 1].replace("[!", "[^")
                i = end
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(out + r"\Z")


def _sources_from_context(sent: dict[str, str], source: str) -> dict[str, str] | None:
    """Context files a COPY source names: {path relative to the source's root: text}."""
    src = ignore.clean(source.lstrip("/")) if source not in {".", "./", "/"} else "."
    if src == ".":
        return dict(sent)
    if src in sent:
        return {posixpath.basename(src): sent[src]}
    prefix = src + "/"
    under = {k[len(prefix) :]: v for k, v in sent.items() if k.startswith(prefix)}
    if under:
        return {"\0dir\0" + k: v for k, v in under.items()}
    if any(ch in src for ch in "*?["):
        rx = _glob(src)
        hits = {posixpath.basename(k): v for k, v in sent.items() if rx.match(k)}
        # a pattern may match directories too
        dirs = {k.split("/")[0] for k in sent if "/" in k and rx.match(k.split("/")[0])}
        for d in sorted(dirs):
            for k, v in sent.items():
                if k.startswith(d + "/"):
                    hits[k] = v
        return hits or None
    return None


def _step(
    world: World,
    out: Output,
    parsed: df.Dockerfile,
    st: StageState,
    results: dict[int, StageState],
    command: df.Command,
    label: str,
    index: int,
    total: int,
    sent: dict[str, str],
    broken: bool,
    build_args: dict[str, str],
) -> tuple[int, bool]:
    docker = engine.state(world)
    env = {**st.args, **_env(st.config)}
    name = command.name
    config = st.config
    if name == "ARG":
        for word in command.args:
            key, eq, default = word.partition("=")
            if key in build_args:
                st.args[key] = build_args[key]
            elif eq:
                st.args[key] = df.expand(default, env)
            elif key in parsed.meta_args:
                st.args[key] = parsed.meta_args[key]
        return index, broken
    if name == "ENV":
        for key, value in df.env_pairs(command.value, command.line):
            _set_env(config, key, df.expand(value, env))
            env = {**st.args, **_env(config)}
        return index, broken
    if name == "LABEL":
        for word in command.args:
            key, _, value = word.partition("=")
            config["labels"][key] = df.expand(value, env)
        return index, broken
    if name == "EXPOSE":
        for word in command.args:
            port = df.expand(word, env)
            if not re.fullmatch(r"\d+(?:-\d+)?(?:/(?:tcp|udp|sctp))?", port):
                raise BuildFailed(f"invalid containerPort: {port}", command.line)
            if "/" not in port:
                port += "/tcp"
            if port not in config["exposed"]:
                config["exposed"].append(port)
        return index, broken
    if name == "USER":
        if not command.value.strip():
            raise BuildFailed("USER requires exactly one argument", command.line)
        config["user"] = df.expand(command.value.strip(), env)
        return index, broken
    if name == "STOPSIGNAL":
        config["stop_signal"] = df.expand(command.value.strip(), env)
        return index, broken
    if name == "VOLUME":
        words = df._json_args(command.value) or command.args
        for word in words:
            config["volumes"].append(df.expand(word, env))
        return index, broken
    if name == "SHELL":
        st.shell = list(command.args)
        return index, broken
    if name in {"MAINTAINER", "ONBUILD"}:
        return index, broken
    if name in {"CMD", "ENTRYPOINT"}:
        argv = list(command.args) if command.json_form else [*st.shell, command.args[0]]
        if name == "CMD":
            config["cmd"] = argv
            config["cmd_inherited"] = False
        else:
            config["entrypoint"] = argv
            if config.get("cmd_inherited"):
                config["cmd"] = None  # ENTRYPOINT resets a CMD inherited from the base image
        return index, broken
    if name == "HEALTHCHECK":
        config["healthcheck"] = _healthcheck(command, st.shell)
        return index, broken
    # Steps that make a vertex: WORKDIR, COPY, ADD, RUN.
    index += 1
    prefix = _prefix(label, index, total)
    if name == "WORKDIR":
        path = df.expand(command.value.strip(), env)
        new = _resolve_path(st, path)
        config["workdir"] = new
        key = _key(st.key, "WORKDIR", new)
        vertex = f"{prefix}WORKDIR {path}"
        st.fs[new] = "dir"
        return index, _vertex(
            out, docker, st, key, vertex, broken, {"size": 0, "fs": {new: "dir"}}, 0
        )
    if name in {"COPY", "ADD"}:
        return index, _copy(world, out, parsed, st, results, command, prefix, sent, broken, env)
    # RUN
    script = (
        " ".join(shlex.quote(a) for a in command.args) if command.json_form else command.args[0]
    )
    shown = command.value.strip()
    if command.json_form:
        shown = "[" + ", ".join(f'"{a}"' for a in command.args) + "]"
    vertex = f"{prefix}RUN {shown}"
    key = _key(
        st.key,
        "RUN",
        command.args,
        command.json_form,
        sorted(env.items()),
        config.get("user"),
        config.get("workdir"),
    )
    cached_layer = docker["cache"].get(key)
    if cached_layer is not None and not broken:
        out.new_vertex(vertex)
        out.cached()
        _apply(docker, st, key, cached_layer)
        return index, False
    argv = list(command.args) if command.json_form else [*st.shell, script]
    code, logs, took, layer = _run(st, argv, env)
    out.new_vertex(vertex)
    stamp = 0.2
    for line in logs:
        out.add(f"{stamp:.3f} {line}")
        stamp += 0.3
    if code != 0:
        process = " ".join(argv)
        raise BuildFailed(
            f'process "{process}" did not complete successfully: exit code: {code}',
            command.line,
            vertex=vertex,
            logs=[f"{0.2 + 0.3 * i:.3f} {line}" for i, line in enumerate(logs)],
        )
    out.done(took)
    _remember(docker, key, layer)
    _apply(docker, st, key, layer)
    return index, True


def _vertex(
    out: Output,
    docker: dict[str, Any],
    st: StageState,
    key: str,
    vertex: str,
    broken: bool,
    layer: dict[str, Any],
    took: int,
) -> bool:
    out.new_vertex(vertex)
    if key in docker["cache"] and not broken:
        out.cached()
        _apply(docker, st, key, docker["cache"][key])
        return False
    out.done(took)
    _remember(docker, key, layer)
    _apply(docker, st, key, layer)
    return True


def _apply(docker: dict[str, Any], st: StageState, key: str, layer: dict[str, Any]) -> None:
    st.key = key
    for path, value in (layer.get("fs") or {}).items():
        st.fs[path] = value
    for path in layer.get("removed") or []:
        st.fs.pop(path, None)
    for user in layer.get("users") or []:
        st.users.add(user)
    st.size += int(layer.get("size", 0))
    st.history.append(
        {"created_by": layer.get("created_by", ""), "size": int(layer.get("size", 0))}
    )


def _copy(
    world: World,
    out: Output,
    parsed: df.Dockerfile,
    st: StageState,
    results: dict[int, StageState],
    command: df.Command,
    prefix: str,
    sent: dict[str, str],
    broken: bool,
    env: dict[str, str],
) -> bool:
    docker = engine.state(world)
    words = [df.expand(w, env) for w in command.args]
    sources, dest = words[:-1], words[-1]
    source_stage = command.flags.get("from", "")
    flags_shown = " ".join(f"--{k}={v}" for k, v in command.flags.items())
    vertex = (
        f"{prefix}{command.name} {flags_shown + ' ' if flags_shown else ''}{' '.join(command.args)}"
    )
    dest_abs = _resolve_path(st, dest)
    dest_is_dir = dest.endswith("/") or len(sources) > 1 or dest in {".", "./"}
    new_files: dict[str, str] = {}
    blobs: dict[str, str] = {}
    if source_stage:
        inner = parsed.stage_named(source_stage)
        if inner is None or inner.index not in results:
            raise BuildFailed(
                f"{command.name} --from={source_stage}: the sandbox holds no files of image "
                f"{source_stage!r} (copy from a stage of this Dockerfile)",
                command.line,
            )
        other = results[inner.index]
        for source in sources:
            src = posixpath.normpath(
                source
                if source.startswith("/")
                else posixpath.join(other.config.get("workdir") or "/", source)
            )
            matched = {
                p: v for p, v in other.fs.items() if p == src or p.startswith(src.rstrip("/") + "/")
            }
            if not matched:
                raise BuildFailed(
                    f'failed to compute cache key: failed to calculate checksum of ref {world.digest("ref", other.key)[:25]}::{world.digest("snap", other.key)[:25]}: "{src}": not found',
                    command.line,
                    vertex=vertex,
                )
            for path, value in matched.items():
                if path == src and value != "dir":
                    target = (
                        posixpath.join(dest_abs, posixpath.basename(src))
                        if dest_is_dir
                        else dest_abs
                    )
                else:
                    target = posixpath.normpath(
                        posixpath.join(dest_abs, path[len(src) :].lstrip("/"))
                    )
                new_files[target] = value
        content_key = sorted(new_files.items())
        key = _key(st.key, command.name, words, command.flags, other.key, content_key)
    else:
        for source in sources:
            if command.name == "ADD" and re.match(r"^(https?|git)://|\.git$", source):
                raise BuildFailed(
                    f"ADD {source}: the sandbox has no network, so remote ADD sources are not simulated",
                    command.line,
                )
            found = _sources_from_context(sent, source)
            if found is None:
                ref = world.digest("context", sorted(sent))
                raise BuildFailed(
                    f'failed to compute cache key: failed to calculate checksum of ref {ref[:25]}::{ref[25:50]}: "/{ignore.clean(source.lstrip("/"))}": not found',
                    command.line,
                    vertex=vertex,
                )
            for rel, text in found.items():
                if rel.startswith("\0dir\0"):
                    target = posixpath.join(dest_abs, rel[5:])
                elif source in {".", "./"} or "/" in rel:
                    target = posixpath.join(dest_abs, rel)
                else:
                    target = posixpath.join(dest_abs, rel) if dest_is_dir else dest_abs
                blob = _blob(text)
                blobs[blob] = text
                new_files[posixpath.normpath(target)] = blob
        key = _key(st.key, command.name, words, command.flags, sorted(new_files.items()))
    size = sum(len(blobs.get(v, "").encode()) for v in new_files.values())
    if source_stage:
        size = _tree_size(docker, new_files)
    layer = {
        "size": size,
        "fs": new_files,
        "created_by": f"{command.name} {' '.join(command.args)}",
    }
    for digest, text in blobs.items():
        engine.put_blob(docker, digest, text)
    return _vertex(out, docker, st, key, vertex, broken, layer, 100 if new_files else 0)


def _tree_size(docker: dict[str, Any], files: dict[str, str]) -> int:
    total = 0
    for value in files.values():
        if value.startswith("pkg:"):
            total += 4 * MB
        elif value != "dir":
            total += len((engine.blob_text(docker, value) or "").encode())
    return total


def _healthcheck(command: df.Command, shell: list[str]) -> dict[str, Any] | None:
    rest = command.args[0] if command.args else ""
    if rest.strip().upper() == "NONE":
        return {"test": ["NONE"]}
    if not rest.upper().startswith("CMD"):
        raise BuildFailed(
            'Unknown type "{}" in HEALTHCHECK (try CMD)'.format(rest.split(" ")[0]), command.line
        )
    body = rest[3:].strip()
    exec_form = df._json_args(body)
    test = ["CMD", *exec_form] if exec_form is not None else ["CMD-SHELL", body]
    health: dict[str, Any] = {"test": test}
    for flag, key in (
        ("interval", "interval"),
        ("timeout", "timeout"),
        ("start-period", "start_period"),
        ("start-interval", "start_interval"),
    ):
        if flag in command.flags:
            exact = duration_ms(command.flags[flag])
            if exact is None:
                raise BuildFailed(f'time: invalid duration "{command.flags[flag]}"', command.line)
            if 0 < exact < 1:  # parseOptInterval
                raise BuildFailed(f'Interval "{flag}" cannot be less than 1ms', command.line)
            health[key] = int(exact)
    if "retries" in command.flags:
        try:
            health["retries"] = int(command.flags["retries"])
        except ValueError:
            raise BuildFailed(
                f'strconv.ParseInt: parsing "{command.flags["retries"]}": invalid syntax',
                command.line,
            ) from None
    return health


_GO_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")


def duration_ms(text: str) -> float | None:
    """Go's time.ParseDuration in (fractional) milliseconds: `30s`, `1m30s`, `500ms`, `50ns`."""
    text = text.strip()
    if text == "0":
        return 0.0
    if not text or _GO_DURATION.sub("", text):
        return None
    factor = {"ns": 1e-6, "us": 1e-3, "µs": 1e-3, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}
    return sum(float(n) * factor[u] for n, u in _GO_DURATION.findall(text))


def parse_duration(text: str) -> int | None:
    """Go's time.ParseDuration, in whole ms."""
    value = duration_ms(text)
    return None if value is None else int(value)


# --------------------------------------------------------------------------- RUN


_DEBIAN_TOOLS = {
    "apt-get",
    "apt",
    "dpkg",
    "useradd",
    "groupadd",
    "adduser",
    "addgroup",
    "usermod",
    "bash",
}
_ALPINE_TOOLS = {"apk", "adduser", "addgroup"}
_COMMON = {
    "mkdir",
    "chown",
    "chmod",
    "ln",
    "cp",
    "mv",
    "rm",
    "echo",
    "true",
    "touch",
    "printf",
    "cat",
    "sed",
    "export",
    "cd",
    "set",
    "test",
    "[",
    "ls",
    "find",
    "tar",
    "gzip",
    "sh",
    "env",
    "id",
    "whoami",
    "sleep",
    "exit",
    ":",
}


_LANGUAGE_TOOLS = {
    "python": {"python", "python3", "pip", "pip3"},
    "node": {"node", "npm", "npx", "yarn", "corepack"},
    "golang": {"go"},
}


def _family_tools(st: StageState) -> set[str]:
    """The commands the stage's base image ships (what `/bin/sh -c` finds on PATH)."""
    if not st.config.get("shell", True):
        return set()
    tools = set(_COMMON)
    if st.family == "busybox":
        tools |= {"adduser", "addgroup", "wget"}
    elif "alpine" in (st.version or "") or st.family == "alpine":
        tools |= _ALPINE_TOOLS
    else:
        tools |= _DEBIAN_TOOLS
    return tools | _LANGUAGE_TOOLS.get(st.family, set())


def _segments(script: str) -> list[list[str]]:
    lexer = shlex.shlex(script, posix=True, punctuation_chars="|&;")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:
        return [script.split()]
    segments: list[list[str]] = [[]]
    for token in tokens:
        if token in {"&&", "||", ";", "|", "&"}:
            segments.append([])
        else:
            segments[-1].append(token)
    return [s for s in segments if s]


def _site(prefix: str) -> str:
    return f"{prefix}/lib/python3/site-packages"


def _venv_prefix(st: StageState, argv0: str, env: dict[str, str]) -> str:
    if argv0.startswith("/") and "/bin/" in argv0:
        return argv0.rsplit("/bin/", 1)[0]
    for directory in env.get("PATH", PATH_DEFAULT).split(":"):
        if directory.endswith("/bin"):
            root = directory[:-4]
            if st.fs.get(root + "/pyvenv.cfg"):
                return root
            if root in {"/usr/local", "/usr"}:
                return "/usr/local"
    return "/usr/local"


def _requirement_names(text: str) -> list[str]:
    names = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", line)
        if match:
            names.append(match.group(1).lower().replace("_", "-"))
    return names


def _run(
    st: StageState, argv: list[str], env: dict[str, str]
) -> tuple[int, list[str], int, dict[str, Any]]:
    """What a RUN step does: (exit code, output lines, ms, layer)."""
    script = (
        argv[-1]
        if argv[:1] and argv[0].endswith("sh") and len(argv) >= 3
        else " ".join(shlex.quote(a) for a in argv)
    )
    tools = _family_tools(st)
    if not tools:
        return (
            1,
            [
                'runc run failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file or directory'
            ],
            100,
            {},
        )
    logs: list[str] = []
    took = 300
    size = 0
    fs: dict[str, str] = {}
    users: list[str] = []
    workdir = st.config.get("workdir") or "/"
    cleaned_apt = "rm -rf /var/lib/apt/lists" in script
    shell_name = "/bin/sh: 1:" if "bash" in tools or "apt-get" in tools else "/bin/sh:"

    def view(path: str) -> str | None:
        full = posixpath.normpath(posixpath.join(workdir, path))
        value = fs.get(full) or st.fs.get(full)
        if value is None or value == "dir" or value.startswith("pkg:"):
            return value
        return engine.blob_text(st.docker, value) or ""

    for words in _segments(script):
        while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words = words[1:]
        if not words:
            continue
        cmd = words[0]
        base = cmd.rsplit("/", 1)[-1]
        if base == "cd" and len(words) > 1:
            workdir = posixpath.normpath(posixpath.join(workdir, words[1]))
            continue
        venv = cmd.rsplit("/bin/", 1)[0] + "/pyvenv.cfg" if cmd.startswith("/") else ""
        known_venv = bool(venv) and bool(fs.get(venv) or st.fs.get(venv))
        if base not in tools and not (known_venv and base in _LANGUAGE_TOOLS["python"]):
            return 127, [*logs, f"{shell_name} {cmd}: not found"], took, {}
        args = words[1:]
        if base in {"python", "python3"} and args[:2] == ["-m", "venv"] and len(args) >= 3:
            root = posixpath.normpath(posixpath.join(workdir, args[2]))
            fs[root + "/pyvenv.cfg"] = "dir"
            fs[root + "/bin"] = "dir"
            size += 12 * MB
            took += 1800
            continue
        if base in {"python", "python3"} and args[:2] == ["-m", "pip"]:
            base, args = "pip", args[2:]
        if base in {"pip", "pip3"}:
            if not args or args[0] != "install":
                continue
            prefix = _venv_prefix(st, cmd, env)
            opts = args[1:]
            if "--user" in opts:
                prefix = (
                    "/root/.local"
                    if (st.config.get("user") or "root") in {"", "root", "0"}
                    else f"/home/{st.config['user']}/.local"
                )
            for opt in opts:
                if opt.startswith("--prefix="):
                    prefix = opt.split("=", 1)[1]
                if opt.startswith("--target="):
                    prefix = opt.split("=", 1)[1]
            names: list[str] = []
            i = 0
            while i < len(opts):
                opt = opts[i]
                if opt in {"-r", "--requirement"} and i + 1 < len(opts):
                    path = opts[i + 1]
                    text = view(path)
                    if text is None or text == "dir":
                        return (
                            1,
                            [
                                *logs,
                                f"ERROR: Could not open requirements file: [Errno 2] No such file or directory: '{path}'",
                            ],
                            took,
                            {},
                        )
                    names.extend(_requirement_names(text))
                    i += 2
                    continue
                if opt in {"--prefix", "--target", "-t", "-c", "--constraint", "-i", "--index-url"}:
                    i += 2
                    continue
                if opt == ".":
                    text = view("pyproject.toml")
                    if text is None and view("setup.py") is None:
                        return (
                            1,
                            [
                                *logs,
                                "ERROR: Directory '.' is not installable. Neither 'setup.py' nor 'pyproject.toml' found.",
                            ],
                            took,
                            {},
                        )
                    found_block = re.search(r"(?ms)^dependencies\s*=\s*\[(.*?)^\]", text or "")
                    block = found_block.group(1) if found_block else ""
                    found = re.findall(r'"([A-Za-z0-9][A-Za-z0-9._-]*)', block)
                    names.extend(n.lower().replace("_", "-") for n in found)
                elif not opt.startswith("-"):
                    match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", opt)
                    if match:
                        names.append(match.group(1).lower())
                i += 1
            for pkg in names:
                logs.append(f"Collecting {pkg}")
                fs[f"{_site(prefix)}/{pkg}"] = f"pkg:{pkg}"
            if names:
                logs.append("Successfully installed " + " ".join(names))
            size += 4 * MB * len(names) + (
                0
                if "--no-cache-dir" in opts or env.get("PIP_NO_CACHE_DIR")
                else 2 * MB * len(names)
            )
            took += 1500 + 600 * len(names)
            continue
        if base in {"apt-get", "apt"}:
            if args[:1] == ["update"]:
                logs.append("Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]")
                logs.append("Reading package lists...")
                size += 0 if cleaned_apt else 19 * MB
                took += 2500
            elif args[:1] == ["install"]:
                pkgs = [a for a in args[1:] if not a.startswith("-")]
                if not any(a in {"-y", "--yes", "-qy", "-yq", "--assume-yes"} for a in args):
                    logs.append("Do you want to continue? [Y/n] Abort.")
                    return 1, logs, took, {}
                logs.append("Reading package lists...")
                for pkg in pkgs:
                    logs.append(f"Setting up {pkg} ...")
                    fs[f"/usr/bin/{pkg}"] = f"pkg:{pkg}"
                size += 9 * MB * len(pkgs) + (
                    0 if "--no-install-recommends" in args else 6 * MB * len(pkgs)
                )
                took += 3000 + 1000 * len(pkgs)
            continue
        if base == "apk":
            pkgs = [a for a in args[1:] if not a.startswith("-")]
            if args[:1] == ["add"]:
                logs.append(
                    "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz"
                )
                for pkg in pkgs:
                    fs[f"/usr/bin/{pkg}"] = f"pkg:{pkg}"
                logs.append(f"OK: {len(pkgs) * 3 + 8} MiB in {len(pkgs) + 15} packages")
                size += 3 * MB * len(pkgs) + (0 if "--no-cache" in args else 2 * MB)
                took += 1200 + 400 * len(pkgs)
            continue
        if base in {"npm", "yarn"}:
            sub = args[0] if args else ""
            if base == "npm" and sub == "ci" and view("package-lock.json") is None:
                logs.append("npm error code EUSAGE")
                logs.append(
                    "npm error The `npm ci` command can only install with an existing package-lock.json or"
                )
                logs.append("npm error npm-shrinkwrap.json with lockfileVersion >= 1.")
                return 1, logs, took, {}
            if sub in {"ci", "install", "i", ""} or base == "yarn":
                if view("package.json") is None:
                    logs.append("npm error code ENOENT")
                    logs.append(f"npm error path {workdir}/package.json")
                    return 254, logs, took, {}
                fs[posixpath.join(workdir, "node_modules")] = "dir"
                logs.append("added 120 packages in 4s")
                size += 45 * MB
                took += 4000
            elif sub == "run":
                logs.append(f"> {args[1] if len(args) > 1 else ''}")
                took += 2000
            continue
        if base in {"useradd", "adduser"}:
            # The user name is the one argument that is neither an option nor its value.
            positional: list[str] = []
            i = 0
            while i < len(args):
                if args[i] in _USERADD_VALUE_FLAGS:
                    i += 2
                    continue
                if not args[i].startswith("-"):
                    positional.append(args[i])
                i += 1
            if positional:
                users.append(positional[0] if base == "useradd" else positional[0])
            took += 200
            continue
        if base == "mkdir":
            for a in args:
                if not a.startswith("-"):
                    fs[posixpath.normpath(posixpath.join(workdir, a))] = "dir"
            continue
        if base == "go":
            if args[:1] == ["build"]:
                out_path = (
                    args[args.index("-o") + 1]
                    if "-o" in args and args.index("-o") + 1 < len(args)
                    else posixpath.join(workdir, "app")
                )
                fs[posixpath.normpath(posixpath.join(workdir, out_path))] = "pkg:go-binary"
                size += 12 * MB
                took += 6000
            elif args[:2] == ["mod", "download"]:
                size += 30 * MB
                took += 3000
            continue
        if base in {"python", "python3"}:
            if "manage.py" in args and "collectstatic" in args:
                if view("manage.py") is None:
                    return (
                        2,
                        [
                            *logs,
                            f"python: can't open file '{workdir}/manage.py': [Errno 2] No such file or directory",
                        ],
                        took,
                        {},
                    )
                if not _has_package(st.fs | fs, "django"):
                    return 1, [*logs, "ModuleNotFoundError: No module named 'django'"], took, {}
                logs.append("165 static files copied to '/app/staticfiles'.")
                fs[posixpath.join(workdir, "staticfiles")] = "dir"
                size += 3 * MB
                took += 1500
                continue
            if args[:1] == ["-m"] and args[1:2] == ["compileall"]:
                took += 500
                continue
            return (
                1,
                [
                    *logs,
                    _not_modelled(words),
                ],
                took,
                {},
            )
        if base in _COMMON or base in {
            "usermod",
            "groupadd",
            "addgroup",
            "dpkg",
            "bash",
            "corepack",
            "npx",
            "wget",
        }:
            continue
        return (
            1,
            [
                *logs,
                _not_modelled(words),
            ],
            took,
            {},
        )
    return 0, logs, took, {"size": size, "fs": fs, "users": users, "created_by": f"RUN {script}"}


_USERADD_VALUE_FLAGS = {
    "-u",
    "-g",
    "-G",
    "-s",
    "-h",
    "-d",
    "-c",
    "-k",
    "-K",
    "-p",
    "-e",
    "-f",
    "--uid",
    "--gid",
    "--groups",
    "--shell",
    "--home",
    "--home-dir",
    "--ingroup",
    "--comment",
    "--gecos",
    "--skel",
    "--password",
    "--expiredate",
    "--inactive",
}


def _not_modelled(words: list[str]) -> str:
    return (
        f"sandbox: `{' '.join(words)}` is not simulated in a RUN step (the sandbox models "
        "package installs, venvs, collectstatic and file commands)"
    )


def _has_package(fs: dict[str, str], name: str) -> bool:
    return any(v == f"pkg:{name}" for v in fs.values())


# --------------------------------------------------------------------------- export


def _export(world: World, out: Output, final: StageState, tags: list[str]) -> tuple[int, str]:
    docker = engine.state(world)
    config = dict(final.config)
    config.pop("cmd_inherited", None)
    image_id = "sha256:" + _key("image", final.key, config)
    out.new_vertex("exporting to image")
    known = image_id in docker["images"]
    out.add("exporting layers done" if known else "exporting layers 0.1s done")
    out.add(f"writing image {image_id} done")
    canonical_tags = []
    for tag in tags:
        canonical_tags.append(engine.canonical(tag))
        out.add(f"naming to {engine.canonical(tag)} done")
    out.done(0 if known else 100)
    version = final.version
    pyproject = next(
        (
            engine.blob_text(docker, v)
            for p, v in sorted(final.fs.items())
            if p.endswith("/pyproject.toml")
        ),
        None,
    )
    if pyproject:
        match = re.search(r'^version\s*=\s*"([^"]+)"', pyproject, re.M)
        if match:
            version = match.group(1)
    record = {
        "id": image_id,
        "created": world.now if not known else docker["images"][image_id]["created"],
        "size": final.size,
        "source": None,
        "repo_digest": None,
        "program": final.program,
        "base": final.base,
        "family": final.family,
        "version": version,
        "fs": final.fs,
        "users": sorted(final.users),
        "history": final.history,
        "config": config,
    }
    for tag in canonical_tags:
        old = docker["tags"].get(tag)
        docker["tags"].pop(tag, None)
        if old and old != image_id and not engine.tags_of(world, old):
            # The old image keeps existing untagged (a dangling `<none>` image).
            pass
    engine.store_image(world, record, canonical_tags)
    clock.advance(world, out.elapsed)
    if out.lines and out.lines[-1] == "":
        out.lines.pop()
    return 0, "\n".join(out.lines) + "\n"
