"""The simulated docker CLI (Docker 28 with BuildKit): commands, their output, exit codes.

Wording follows docker/cli and the daemon's (moby) errors. Commands and flags it does not
simulate answer `docker: '<x>' is not simulated in this sandbox` (exit 1) rather than pretend;
unknown commands and flags answer as the real CLI does.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from learn.sim import clock, images
from learn.sim.commandline import Result
from learn.sim.docker import cli, engine
from learn.sim.docker.cli import Flag
from learn.sim.docker.engine import DockerError
from learn.sim.world import World

S = 1000

_KNOWN_ELSEWHERE = {
    "attach",
    "commit",
    "cp",
    "create",
    "diff",
    "events",
    "export",
    "history",
    "import",
    "info",
    "kill",
    "load",
    "pause",
    "port",
    "rename",
    "save",
    "search",
    "stats",
    "top",
    "unpause",
    "update",
    "wait",
    "buildx",
    "builder",
    "container",
    "image",
    "system",
    "context",
    "plugin",
    "swarm",
    "service",
    "stack",
    "secret",
    "config",
    "node",
    "trust",
    "manifest",
    "scout",
    "init",
    "checkpoint",
    "logout",
}


def main(world: World, args: list[str], stdin: str | None) -> Result:
    engine.state(world)
    if not args or args[0] in {"--help", "-h", "help"}:
        return Result(0, _USAGE)
    if args[0] in {"--version", "-v"}:
        return Result(0, "Docker version 28.5.1, build e180ab8\n")
    command, rest = args[0], args[1:]
    # `docker container ls`, `docker image ls`, ... are the same commands.
    if command in {"container", "image"} and rest:
        mapped = {
            ("container", "ls"): "ps",
            ("container", "list"): "ps",
            ("container", "ps"): "ps",
            ("image", "ls"): "images",
            ("image", "list"): "images",
            ("image", "rm"): "rmi",
            ("image", "build"): "build",
            ("image", "push"): "push",
            ("image", "pull"): "pull",
            ("image", "tag"): "tag",
            ("image", "inspect"): "inspect",
            ("container", "inspect"): "inspect",
        }.get((command, rest[0]))
        if mapped:
            command, rest = mapped, rest[1:]
        elif rest[0] in _COMMANDS and command == "container":
            command, rest = rest[0], rest[1:]
    if command == "buildx" and rest[:1] == ["build"]:
        command, rest = "build", rest[1:]
    if command == "compose":
        from learn.sim.docker.compose import main as compose_main

        return compose_main(world, rest, stdin)
    fn = _COMMANDS.get(command)
    if fn is None:
        if command in _KNOWN_ELSEWHERE:
            return Result(1, "", f"docker: '{command}' is not simulated in this sandbox\n")
        return Result(1, "", f"docker: '{command}' is not a docker command.\nSee 'docker --help'\n")
    try:
        return fn(world, rest, stdin)
    except cli.FlagError as exc:
        text = str(exc)
        if text.startswith("unsupported:"):
            return Result(
                1,
                "",
                f"docker {command}: {text.split(':', 1)[1]} is not simulated in this sandbox\n",
            )
        code = 125 if command in {"run", "create"} else 1
        return Result(code, "", f"{text}\nSee 'docker {command} --help'.\n")
    except DockerError as exc:
        return Result(exc.code, "", f"{exc}\n")


_USAGE = """\
Usage:  docker [OPTIONS] COMMAND

A self-sufficient runtime for containers (simulated in this sandbox)

Common Commands:
  run         Create and run a new container from an image
  exec        Execute a command in a running container
  ps          List containers
  build       Build an image from a Dockerfile
  pull        Download an image from a registry
  push        Upload an image to a registry
  images      List images
  login       Authenticate to a registry
  version     Show the Docker version information

Management Commands:
  compose*    Docker Compose
  network     Manage networks
  volume      Manage volumes

Commands:
  inspect     Return low-level information on Docker objects
  logs        Fetch the logs of a container
  restart     Restart one or more containers
  rm          Remove one or more containers
  rmi         Remove one or more images
  start       Start one or more stopped containers
  stop        Stop one or more running containers
  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
"""


def _need(args: list[str], n: int, command: str, usage: str, *, exact: bool = False) -> None:
    if len(args) < n or (exact and len(args) != n):
        what = "exactly" if exact else "at least"
        plural = "argument" if n == 1 else "arguments"
        raise DockerError(
            f"\"docker {command}\" requires {what} {n} {plural}.\nSee 'docker {command} --help'.\n\n"
            f"Usage:  docker {command} {usage}",
            1,
        )


# --------------------------------------------------------------------------- build


def cmd_build(world: World, args: list[str], stdin: str | None) -> Result:
    from learn.sim.docker import build

    parsed = cli.parse(
        args,
        [
            Flag("tag", "t", "multi"),
            Flag("file", "f", "value"),
            Flag("target", kind="value"),
            Flag("no-cache"),
            Flag("build-arg", kind="multi"),
            Flag("progress", kind="value"),
            Flag("quiet", "q"),
            Flag("pull"),
            Flag("load"),
            Flag("platform", kind="unsupported"),
            Flag("push", kind="unsupported"),
            Flag("secret", kind="unsupported"),
            Flag("ssh", kind="unsupported"),
            Flag("cache-from", kind="unsupported"),
            Flag("cache-to", kind="unsupported"),
            Flag("output", "o", "unsupported"),
        ],
    )
    if len(parsed.args) != 1:
        raise DockerError(
            "ERROR: docker: 'docker buildx build' requires 1 argument\n\n"
            "Usage:  docker buildx build [OPTIONS] PATH | URL | -\n\n"
            "Start a build",
            1,
        )
    context = parsed.args[0]
    if context == "-" or "://" in context:
        raise DockerError(
            "docker build: only a directory of the sandbox works as the build context here (for example `.`)"
        )
    context_dir = context.removeprefix("./").rstrip("/") or "."
    if context_dir not in {".", ""} and not any(
        k.startswith(context_dir + "/") for k in world.files()
    ):
        raise DockerError(f'ERROR: unable to prepare context: path "{context}" not found')
    tags = []
    for tag in parsed.get("tag"):
        try:
            images.parse_reference(tag)
        except images.InvalidReference:
            raise DockerError(
                f'ERROR: failed to build: invalid tag "{tag}": invalid reference format'
            ) from None
        tags.append(tag)
    build_args = {}
    for item in parsed.get("build-arg"):
        key, _, value = item.partition("=")
        build_args[key] = value
    name = parsed.get("file") or "Dockerfile"
    dockerfile = name.removeprefix("./")
    if context_dir not in {".", ""} and not parsed.get("file"):
        dockerfile = f"{context_dir}/Dockerfile"
    if parsed.get("progress") not in {None, "plain", "auto", "tty", "rawjson", "quiet"}:
        raise DockerError(
            f'ERROR: failed to build: unknown progress mode "{parsed.get("progress")}"'
        )
    code, out = build.build(
        world,
        dockerfile_name=dockerfile,
        context_dir=context_dir,
        tags=tags,
        target=parsed.get("target") or "",
        no_cache=bool(parsed.get("no-cache")),
        build_args=build_args,
    )
    if parsed.get("quiet") or parsed.get("progress") == "quiet":
        if code == 0:
            image_id = re.findall(r"writing image (sha256:[0-9a-f]+)", out)
            return Result(0, (image_id[-1] if image_id else "") + "\n")
        return Result(code, "", out.split("\n")[-2] + "\n")
    # BuildKit writes its progress to stderr.
    return Result(code, "", out)


# --------------------------------------------------------------------------- images


def _created_at(record: dict[str, Any]) -> int:
    # Catalogue images were built upstream before the sandbox began: two weeks before.
    return int(record["created"]) if not record.get("source") else -14 * 86_400_000


def cmd_images(world: World, args: list[str], stdin: str | None) -> Result:
    parsed = cli.parse(
        args,
        [Flag("all", "a"), Flag("quiet", "q"), Flag("format", kind="unsupported"), Flag("digests")],
    )
    docker = engine.state(world)
    wanted = parsed.args[0] if parsed.args else None
    rows = []
    listed = set()
    for tag, image_id in docker["tags"].items():
        record = docker["images"].get(image_id)
        if record is None:
            continue
        ref = images.parse_reference(tag)
        if wanted and ref.familiar_repository != wanted and ref.familiar != wanted:
            continue
        listed.add(image_id)
        rows.append((-_created_at(record), ref.familiar_repository, ref.tag_or_latest, record))
    if not wanted:
        for image_id, record in docker["images"].items():
            if image_id not in listed and not record.get("source"):
                rows.append((-_created_at(record), "<none>", "<none>", record))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    if parsed.get("quiet"):
        seen: list[str] = []
        for *_rest, record in rows:
            short = record["id"].removeprefix("sha256:")[:12]
            if short not in seen:
                seen.append(short)
        return Result(0, "".join(s + "\n" for s in seen))
    table = [
        [
            repo,
            tag,
            record["id"].removeprefix("sha256:")[:12],
            f"{engine.human_duration(world.now - _created_at(record))} ago",
            engine.human_size(int(record["size"])),
        ]
        for _c, repo, tag, record in rows
    ]
    return Result(0, cli.table(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], table))


def cmd_tag(world: World, args: list[str], stdin: str | None) -> Result:
    parsed = cli.parse(args, [])
    _need(parsed.args, 2, "tag", "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", exact=True)
    source, target = parsed.args
    record = engine.find_image(world, source)
    if record is None:
        raise DockerError(f"Error response from daemon: No such image: {_with_tag(source)}")
    try:
        key = engine.canonical(target)
    except images.InvalidReference:
        raise DockerError(
            f'Error parsing reference: "{target}" is not a valid repository/tag: invalid reference format'
        ) from None
    engine.state(world)["tags"][key] = record["id"]
    return Result(0)


def _with_tag(name: str) -> str:
    try:
        return images.parse_reference(name).familiar
    except images.InvalidReference:
        return name


def cmd_rmi(world: World, args: list[str], stdin: str | None) -> Result:
    parsed = cli.parse(args, [Flag("force", "f")])
    _need(parsed.args, 1, "rmi", "[OPTIONS] IMAGE [IMAGE...]")
    docker = engine.state(world)
    out, err, code = "", "", 0
    for name in parsed.args:
        record = engine.find_image(world, name)
        if record is None:
            err += f"Error response from daemon: No such image: {_with_tag(name)}\n"
            code = 1
            continue
        users = [c for c in docker["containers"].values() if c["image"] == record["id"]]
        tags = engine.tags_of(world, record["id"])
        by_tag = not re.fullmatch(r"(sha256:)?[0-9a-f]{4,64}", name)
        if users and not parsed.get("force") and (not by_tag or len(tags) <= 1):
            err += (
                f'Error response from daemon: conflict: unable to remove repository reference "{name}" '
                f"(must force) - container {users[0]['id'][:12]} is using its referenced image "
                f"{record['id'].removeprefix('sha256:')[:12]}\n"
            )
            code = 1
            continue
        if by_tag and len(tags) > 1:
            key = engine.canonical(name)
            docker["tags"].pop(key, None)
            out += f"Untagged: {images.parse_reference(key).familiar}\n"
            continue
        for tag in tags:
            docker["tags"].pop(tag, None)
            out += f"Untagged: {images.parse_reference(tag).familiar}\n"
        if not users:
            docker["images"].pop(record["id"], None)
            out += f"Deleted: {record['id']}\n"
    return Result(code, out, err)


def cmd_pull(world: World, args: list[str], stdin: str | None) -> Result:
    parsed = cli.parse(
        args,
        [
            Flag("quiet", "q"),
            Flag("all-tags", "a", "unsupported"),
            Flag("platform", kind="unsupported"),
        ],
    )
    _need(parsed.args, 1, "pull", "[OPTIONS] NAME[:TAG|@DIGEST]", exact=True)
    name = parsed.args[0]
    try:
        ref = images.parse_reference(name)
    except images.InvalidReference as exc:
        raise DockerError(f"{exc}") from None
    existing = engine.find_image(world, name)
    lead = "Using default tag: latest\n" if not ref.tag and not ref.digest else ""
    if existing is not None and existing.get("source"):
        return Result(
            0,
            f"{lead}{ref.tag_or_latest}: Pulling from {ref.path}\nDigest: {existing.get('repo_digest')}\nStatus: Image is up to date for {ref.familiar}\n{ref}\n",
        )
    try:
        record, lines = engine.pull(world, name)
    except DockerError as exc:
        raise DockerError(f"{lead}Error response from daemon: {exc}") from None
    clock.advance(world, _pull_ms(record))
    if parsed.get("quiet"):
        return Result(0, f"{ref}\n")
    return Result(
        0, lead + "\n".join(lines) + f"\nStatus: Downloaded newer image for {ref.familiar}\n{ref}\n"
    )


def _pull_ms(record: dict[str, Any]) -> int:
    return max(500, int(record["size"]) // 50_000)  # about 50 MB/s


def cmd_push(world: World, args: list[str], stdin: str | None) -> Result:
    parsed = cli.parse(args, [Flag("quiet", "q"), Flag("all-tags", "a", "unsupported")])
    _need(parsed.args, 1, "push", "[OPTIONS] NAME[:TAG]", exact=True)
    name = parsed.args[0]
    try:
        ref = images.parse_reference(name)
    except images.InvalidReference as exc:
        raise DockerError(str(exc)) from None
    record = engine.find_image(world, name)
    if record is None:
        raise DockerError(
            f"An image does not exist locally with the tag: {ref.familiar_repository}"
        )
    return Result(*_push(world, ref, record))


def registry_hosts(world: World) -> set[str]:
    """Registries this sandbox can push to: the hosts the task's own images live on."""
    return {repo.split("/", 1)[0] for repo in (world.state.get("images") or {})}


def _push(world: World, ref: images.Reference, record: dict[str, Any]) -> tuple[int, str, str]:
    head = f"The push refers to repository [{ref.repository}]\n"
    if ref.domain == images.DEFAULT_DOMAIN:
        return 1, head, "denied: requested access to the resource is denied\n"
    if ref.domain not in registry_hosts(world):
        host = ref.domain.split(":")[0]
        if host == "localhost" or host.startswith("127."):
            return (
                1,
                head,
                f'Get "http://{ref.domain}/v2/": dial tcp {host.replace("localhost", "127.0.0.1")}:{ref.domain.partition(":")[2] or 80}: connect: connection refused\n',
            )
        return 1, head, f'Get "https://{ref.domain}/v2/": dial tcp: lookup {host}: no such host\n'
    from learn.sim.docker import runtime

    tag = ref.tag_or_latest
    config = record["config"]
    argv = [*(config.get("entrypoint") or []), *(config.get("cmd") or [])]
    program = runtime.program_for_image(world, record, argv)
    extra = {
        "engine_image": record["id"],
        "version": record.get("version") or tag,
        "size": int(record["size"]),
        "program": program,
        "cmd": list(config.get("cmd") or []),
        "entrypoint": list(config.get("entrypoint") or []),
        "env": dict(item.partition("=")[::2] for item in config.get("env") or []),
        "user": config.get("user") or "",
        "workdir": config.get("workdir") or "",
        "exposed": list(config.get("exposed") or []),
    }
    declared = world.state.setdefault("images", {}).setdefault(
        ref.repository, {"program": program, "tags": {}}
    )
    declared.setdefault("tags", {})[tag] = extra
    digest = images._digest(ref.repository, tag)
    layers = [
        world.digest("push", record["id"], i)[:12]
        for i in range(max(2, min(6, len(record.get("history") or [])) + 1))
    ]
    out = head + "".join(f"{layer}: Pushed\n" for layer in layers)
    out += f"{tag}: digest: {digest} size: {1200 + 173 * len(layers)}\n"
    return 0, out, ""


def cmd_login(world: World, args: list[str], stdin: str | None) -> Result:
    hosts = sorted(registry_hosts(world))
    where = f" Push to {', '.join(hosts)}: it needs no login here." if hosts else ""
    return Result(
        1,
        "",
        f"docker login: the sandbox has no network and no registry accounts, so login is not simulated.{where}\n",
    )


# --------------------------------------------------------------------------- run


_RUN_FLAGS = [
    Flag("detach", "d"),
    Flag("name", kind="value"),
    Flag("publish", "p", "multi"),
    Flag("publish-all", "P"),
    Flag("env", "e", "multi"),
    Flag("env-file", kind="multi"),
    Flag("rm"),
    Flag("restart", kind="value"),
    Flag("user", "u", "value"),
    Flag("network", kind="value"),
    Flag("net", kind="value"),
    Flag("network-alias", kind="multi"),
    Flag("volume", "v", "multi"),
    Flag("interactive", "i"),
    Flag("tty", "t"),
    Flag("workdir", "w", "value"),
    Flag("entrypoint", kind="value"),
    Flag("memory", "m", "value"),
    Flag("label", "l", "multi"),
    Flag("hostname", kind="value"),
    Flag("health-cmd", kind="value"),
    Flag("health-interval", kind="value"),
    Flag("health-timeout", kind="value"),
    Flag("health-retries", kind="value"),
    Flag("health-start-period", kind="value"),
    Flag("health-start-interval", kind="value"),
    Flag("no-healthcheck"),
    Flag("stop-signal", kind="value"),
    Flag("stop-timeout", kind="value"),
    Flag("pull", kind="value"),
    Flag("init", kind="unsupported"),
    Flag("cpus", kind="unsupported"),
    Flag("mount", kind="unsupported"),
    Flag("platform", kind="unsupported"),
    Flag("read-only", kind="unsupported"),
    Flag("privileged", kind="unsupported"),
    Flag("cap-add", kind="unsupported"),
    Flag("add-host", kind="unsupported"),
    Flag("gpus", kind="unsupported"),
    Flag("link", kind="unsupported"),
]


def cmd_run(world: World, args: list[str], stdin: str | None) -> Result:
    from learn.sim.docker import runtime

    parsed = cli.parse(args, _RUN_FLAGS, interspersed=False)
    if not parsed.args:
        raise DockerError(
            "docker: 'docker run' requires at least 1 argument\n\n"
            "Usage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
            "See 'docker run --help' for more information",
            125,
        )
    try:
        options = runtime.RunOptions.from_flags(world, parsed)
    except DockerError as exc:
        raise DockerError(
            f"docker: {exc}\n\nRun 'docker run --help' for more information", 125
        ) from None
    out = ""
    try:
        pulled = runtime.ensure_image(world, options.image, pull=parsed.get("pull") or "missing")
    except DockerError as exc:
        head = (
            f"Unable to find image '{_with_tag(options.image)}' locally\n"
            if "invalid reference" not in str(exc)
            else ""
        )
        return Result(
            125,
            "",
            f"{head}docker: Error response from daemon: {exc}\n\nRun 'docker run --help' for more information\n",
        )
    if pulled:
        out += pulled
    try:
        container = runtime.create(world, options)
        runtime.start_checked(world, container)
    except DockerError as exc:
        code = exc.code if exc.code != 1 else 125
        return Result(
            code,
            out,
            f"docker: Error response from daemon: {exc}\n\nRun 'docker run --help' for more information\n",
        )
    if options.detach:
        return Result(0, out + container["id"] + "\n")
    return _attached(world, container, out)


def _attached(world: World, container: dict[str, Any], head: str) -> Result:
    """A foreground `docker run`: its output until it exits (bounded in the sandbox)."""
    bound = 60 * S
    clock.advance(world, bound, until=lambda w: container["state"]["status"] != "running")
    text = head + "".join(line + "\n" for line in engine.logs(world, container))
    cid = container["id"]
    current = engine.state(world)["containers"].get(cid)
    if container["state"]["status"] == "running":
        text += (
            "[the sandbox returned to the prompt after 60 s; the container keeps running: "
            f"`docker logs {container['name']}`, `docker stop {container['name']}`]\n"
        )
        return Result(0, text)
    code = int(container["state"]["exit_code"])
    if current is not None and container.get("auto_remove"):
        engine.remove(world, current)
    return Result(code, text)


# --------------------------------------------------------------------------- ps, logs, ...


def cmd_ps(world: World, args: list[str], stdin: str | None) -> Result:
    parsed = cli.parse(
        args,
        [
            Flag("all", "a"),
            Flag("quiet", "q"),
            Flag("no-trunc"),
            Flag("latest", "l"),
            Flag("filter", "f", "multi"),
            Flag("format", kind="value"),
            Flag("size", "s", "unsupported"),
        ],
    )
    containers = sorted(
        engine.state(world)["containers"].values(), key=lambda c: (-int(c["created"]), c["id"])
    )
    if not parsed.get("all"):
        containers = [
            c for c in containers if c["state"]["status"] in {"running", "restarting", "paused"}
        ]
    for item in parsed.get("filter"):
        key, _, value = item.partition("=")
        if key == "name":
            containers = [c for c in containers if value in c["name"]]
        elif key == "status":
            containers = [c for c in containers if c["state"]["status"] == value]
        elif key == "label":
            k, _, v = value.partition("=")
            containers = [
                c for c in containers if k in c["labels"] and (not v or c["labels"][k] == v)
            ]
        else:
            raise DockerError(f"Error response from daemon: invalid filter '{key}'")
    if parsed.get("quiet"):
        return Result(0, "".join(c["id"][:12] + "\n" for c in containers))
    if parsed.get("format"):
        return Result(
            0,
            "".join(_format(parsed.get("format"), _ps_fields(world, c)) + "\n" for c in containers),
        )
    rows = []
    for c in containers:
        fields = _ps_fields(world, c)
        rows.append(
            [
                fields["ID"],
                fields["Image"],
                fields["Command"],
                fields["RunningFor"],
                fields["Status"],
                fields["Ports"],
                fields["Names"],
            ]
        )
    return Result(
        0,
        cli.table(
            ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"], rows
        ),
    )


def _ps_fields(world: World, c: dict[str, Any]) -> dict[str, str]:
    record = engine.state(world)["images"].get(c["image"]) or {"config": {}}
    exposed = list(record["config"].get("exposed") or [])
    return {
        "ID": c["id"][:12],
        "Image": c["image_ref"],
        "Command": json.dumps(cli.ellipsis(engine.command_text(c), 20), ensure_ascii=False),
        "RunningFor": f"{engine.human_duration(world.now - int(c['created']))} ago",
        "Status": engine.status_text(world, c),
        "State": c["state"]["status"],
        "Ports": engine.ports_text(c, exposed),
        "Names": c["name"],
    }


_FIELD = re.compile(r"\{\{\s*(json\s+)?\.([A-Za-z0-9_.]*)\s*\}\}")


def _format(template: str, data: Any) -> str:
    """The Go templates learners type: `{{.Names}}`, `{{.State.Health.Status}}`,
    `{{json .Config.Env}}`, `{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}`."""
    template = template.replace("\\t", "\t").replace("\\n", "\n")
    if template.startswith("table "):
        template = template[6:]

    def lookup(obj: Any, path: str) -> Any:
        value = obj
        for part in filter(None, path.split(".")):
            if isinstance(value, dict) and part in value:
                value = value[part]
            else:
                raise DockerError(
                    f'template: :1: executing "" at <.{path}>: map has no entry for key "{part}"'
                )
        return value

    def render(text: str, obj: Any) -> str:
        out = ""
        pos = 0
        range_rx = re.compile(
            r"\{\{\s*range\s+\.([A-Za-z0-9_.]*)\s*\}\}(.*?)\{\{\s*end\s*\}\}", re.S
        )
        while pos < len(text):
            r = range_rx.search(text, pos)
            f = _FIELD.search(text, pos)
            nxt = min([m for m in (r, f) if m is not None], key=lambda m: m.start(), default=None)
            if nxt is None:
                out += text[pos:]
                break
            out += text[pos : nxt.start()]
            if nxt is r:
                items = lookup(obj, r.group(1))
                values = list(items.values()) if isinstance(items, dict) else list(items or [])
                out += "".join(render(r.group(2), item) for item in values)
            else:
                assert f is not None
                value = lookup(obj, f.group(2))
                if f.group(1):
                    out += json.dumps(value, separators=(",", ":"))
                elif isinstance(value, bool):
                    out += "true" if value else "false"
                elif value is None:
                    out += "<nil>" if not isinstance(obj, dict) or f.group(2) else ""
                elif isinstance(value, list):
                    out += "[" + " ".join(str(v) for v in value) + "]"
                elif isinstance(value, dict):
                    out += "map[" + " ".join(f"{k}:{v}" for k, v in sorted(value.items())) + "]"
                else:
                    out += str(value)
            pos = nxt.end()
        return out

    return render(template, data)


def cmd_logs(world: World, args: list[str], stdin: str | None) -> Result:
    parsed = cli.parse(
        args,
        [
            Flag("follow", "f"),
            Flag("tail", "n", "value"),
            Flag("timestamps", "t"),
            Flag("since", kind="unsupported"),
            Flag("until", kind="unsupported"),
            Flag("details"),
        ],
    )
    _need(parsed.args, 1, "logs", "[OPTIONS] CONTAINER", exact=True)
    container = engine.get_container(world, parsed.args[0])
    tail_text = parsed.get("tail")
    tail = None
    if tail_text not in {None, "all"}:
        try:
            tail = int(tail_text)
        except ValueError:
            raise DockerError(
                f'invalid value for "tail": strconv.Atoi: parsing "{tail_text}": invalid syntax'
            ) from None
    lines = engine.logs(world, container, tail=tail, timestamps=bool(parsed.get("timestamps")))
    out = "".join(line + "\n" for line in lines)
    if parsed.get("follow") and container["state"]["status"] == "running":
        out += (
            "[the sandbox stops following here; run the command again after `sleep` to see more]\n"
        )
    return Result(0, out)


def cmd_stop(world: World, args: list[str], stdin: str | None) -> Result:
    parsed = cli.parse(
        args,
        [
            Flag("time", "t", "value"),
            Flag("timeout", kind="value"),
            Flag("signal", "s", "unsupported"),
        ],
    )
    _need(parsed.args, 1, "stop", "[OPTIONS] CONTAINER [CONTAINER...]")
    timeout = parsed.get("time") or parsed.get("timeout")
    out, err, code = "", "", 0
    for name in parsed.args:
        container = engine.find_container(world, name)
        if container is None:
            err += f"Error response from daemon: No such container: {name}\n"
            code = 1
            continue
        ms = (
            int(timeout) * S
            if timeout is not None
            else int(container.get("stop_timeout") or 10) * S
        )
        engine.stop(world, container, ms)
        out += name + "\n"
    return Result(code, out, err)


def cmd_kill(world: World, args: list[str], stdin: str | None) -> Result:
    parsed = cli.parse(args, [Flag("signal", "s", "unsupported")])
    _need(parsed.args, 1, "kill", "[OPTIONS] CONTAINER [CONTAINER...]")
    out, err, code = "", "", 0
    for name in parsed.args:
        container = engine.find_container(world, name)
        if container is None:
            err += f"Error response from daemon: No such container: {name}\n"
            code = 1
            continue
        if container["state"]["status"] != "running":
            err += f"Error response from daemon: cannot kill container: {name}: container {container['id']} is not running\n"
            code = 1
            continue
        engine.kill(world, container)
        out += name + "\n"
    return Result(code, out, err)


def cmd_start(world: World, args: list[str], stdin: str | None) -> Result:
    from learn.sim.docker import runtime

    parsed = cli.parse(args, [Flag("attach", "a"), Flag("interactive", "i")])
    _need(parsed.args, 1, "start", "[OPTIONS] CONTAINER [CONTAINER...]")
    out, err, code = "", "", 0
    for name in parsed.args:
        container = engine.find_container(world, name)
        if container is None:
            err += f"Error response from daemon: No such container: {name}\n"
            code = 1
            continue
        if container["state"]["status"] not in {"running", "restarting"}:
            container["manual_stop"] = False
            try:
                runtime.start_checked(world, container)
            except DockerError as exc:
                err += f"Error response from daemon: {exc}\nError: failed to start containers: {name}\n"
                code = 1
                continue
        out += name + "\n"
    return Result(code, out, err)


def cmd_restart(world: World, args: list[str], stdin: str | None) -> Result:
    from learn.sim.docker import runtime

    parsed = cli.parse(args, [Flag("time", "t", "value"), Flag("timeout", kind="value")])
    _need(parsed.args, 1, "restart", "[OPTIONS] CONTAINER [CONTAINER...]")
    out, err, code = "", "", 0
    for name in parsed.args:
        container = engine.find_container(world, name)
        if container is None:
            err += f"Error response from daemon: No such container: {name}\n"
            code = 1
            continue
        engine.stop(world, container)
        container["manual_stop"] = False
        runtime.start_checked(world, container)
        out += name + "\n"
    return Result(code, out, err)


def cmd_rm(world: World, args: list[str], stdin: str | None) -> Result:
    parsed = cli.parse(args, [Flag("force", "f"), Flag("volumes", "v")])
    _need(parsed.args, 1, "rm", "[OPTIONS] CONTAINER [CONTAINER...]")
    out, err, code = "", "", 0
    for name in parsed.args:
        container = engine.find_container(world, name)
        if container is None:
            err += f"Error response from daemon: No such container: {name}\n"
            code = 1
            continue
        if container["state"]["status"] in {"running", "restarting"} and not parsed.get("force"):
            err += (
                f'Error response from daemon: cannot remove container "{container["name"]}": '
                "container is running: stop the container before removing or force remove\n"
            )
            code = 1
            continue
        if container["state"]["status"] == "running":
            engine.kill(world, container)
        engine.remove(world, container, volumes=bool(parsed.get("volumes")))
        out += name + "\n"
    return Result(code, out, err)


def cmd_exec(world: World, args: list[str], stdin: str | None) -> Result:
    from learn.sim.docker import probes

    parsed = cli.parse(
        args,
        [
            Flag("interactive", "i"),
            Flag("tty", "t"),
            Flag("user", "u", "value"),
            Flag("workdir", "w", "value"),
            Flag("env", "e", "multi"),
            Flag("detach", "d", "unsupported"),
            Flag("privileged", kind="unsupported"),
        ],
        interspersed=False,
    )
    _need(parsed.args, 2, "exec", "[OPTIONS] CONTAINER COMMAND [ARG...]")
    container = engine.get_container(world, parsed.args[0])
    if container["state"]["status"] != "running":
        raise DockerError(f"Error response from daemon: container {container['id']} is not running")
    process = engine.make_process(world, container)
    for item in parsed.get("env"):
        key, _, value = item.partition("=")
        process.env[key] = value
    if parsed.get("user"):
        process.user = parsed.get("user")
    argv = parsed.args[1:]
    if len(argv) == 1 and argv[0] in {"sh", "bash", "/bin/sh", "/bin/bash", "ash"}:
        return Result(
            1,
            "",
            "docker exec: an interactive shell is not simulated in this sandbox; run one command at a time (`docker exec NAME ls /app`)\n",
        )
    code, out = probes.exec_argv(process, engine.program_of(container), argv)
    if code in {126, 127} and "executable file not found" in out:
        return Result(code, "", out)
    return Result(code, out)


def cmd_inspect(world: World, args: list[str], stdin: str | None) -> Result:
    from learn.sim.docker import inspect

    parsed = cli.parse(
        args, [Flag("format", "f", "value"), Flag("type", kind="value"), Flag("size", "s")]
    )
    _need(parsed.args, 1, "inspect", "[OPTIONS] NAME|ID [NAME|ID...]")
    objects = []
    err = ""
    for name in parsed.args:
        found = inspect.find(world, name, parsed.get("type"))
        if found is None:
            err += f"Error: No such object: {name}\n"
            continue
        objects.append(found)
    if parsed.get("format"):
        out = "".join(_format(parsed.get("format"), obj) + "\n" for obj in objects)
    else:
        out = json.dumps(objects, indent=4, ensure_ascii=False) + "\n"
    return Result(1 if err else 0, out, err)


# --------------------------------------------------------------------------- networks, volumes


def cmd_network(world: World, args: list[str], stdin: str | None) -> Result:
    if not args:
        return Result(
            0,
            "Usage:  docker network COMMAND\n\nManage networks\n\nCommands:\n  create      Create a network\n  ls          List networks\n  rm          Remove one or more networks\n  inspect     Display detailed information on one or more networks\n",
        )
    sub, rest = args[0], args[1:]
    docker = engine.state(world)
    if sub in {"ls", "list"}:
        cli.parse(rest, [Flag("quiet", "q"), Flag("filter", "f", "unsupported"), Flag("no-trunc")])
        rows = [
            [n["id"][:12], n["name"], n["driver"], "local"]
            for n in sorted(docker["networks"].values(), key=lambda n: n["name"])
        ]
        return Result(0, cli.table(["NETWORK ID", "NAME", "DRIVER", "SCOPE"], rows))
    if sub == "create":
        parsed = cli.parse(
            rest,
            [
                Flag("driver", "d", "value"),
                Flag("label", kind="multi"),
                Flag("subnet", kind="unsupported"),
                Flag("internal", kind="unsupported"),
            ],
        )
        _need(parsed.args, 1, "network create", "[OPTIONS] NETWORK", exact=True)
        if parsed.get("driver") not in {None, "bridge"}:
            raise DockerError(
                f"docker network create: the {parsed.get('driver')} driver is not simulated in this sandbox (bridge is)"
            )
        try:
            network = engine.network_create(world, parsed.args[0])
        except DockerError as exc:
            raise DockerError(f"Error response from daemon: {exc}") from None
        return Result(0, network["id"] + "\n")
    if sub in {"rm", "remove"}:
        parsed = cli.parse(rest, [Flag("force", "f")])
        _need(parsed.args, 1, "network rm", "NETWORK [NETWORK...]")
        out, err, code = "", "", 0
        for name in parsed.args:
            net = engine.find_network(world, name)
            if net is None:
                err += f"Error response from daemon: network {name} not found\n"
                code = 1
                continue
            if net["builtin"]:
                err += f"Error response from daemon: {name} is a pre-defined network and cannot be removed\n"
                code = 1
                continue
            users = [
                c
                for c in docker["containers"].values()
                if net["name"] in c["networks"] and c["state"]["status"] == "running"
            ]
            if users:
                err += f"Error response from daemon: error while removing network: network {net['name']} id {net['id']} has active endpoints\n"
                code = 1
                continue
            docker["networks"].pop(net["name"], None)
            out += name + "\n"
        return Result(code, out, err)
    if sub == "inspect":
        return cmd_inspect(world, ["--type", "network", *rest], stdin)
    return Result(
        1,
        "",
        f"docker network {sub}: not simulated in this sandbox (create, ls, rm, inspect are)\n",
    )


def cmd_volume(world: World, args: list[str], stdin: str | None) -> Result:
    if not args:
        return Result(
            0,
            "Usage:  docker volume COMMAND\n\nManage volumes\n\nCommands:\n  create      Create a volume\n  inspect     Display detailed information on one or more volumes\n  ls          List volumes\n  rm          Remove one or more volumes\n",
        )
    sub, rest = args[0], args[1:]
    docker = engine.state(world)
    if sub in {"ls", "list"}:
        parsed = cli.parse(rest, [Flag("quiet", "q"), Flag("filter", "f", "unsupported")])
        names = sorted(docker["volumes"])
        if parsed.get("quiet"):
            return Result(0, "".join(n + "\n" for n in names))
        return Result(0, cli.table(["DRIVER", "VOLUME NAME"], [["local", n] for n in names]))
    if sub == "create":
        parsed = cli.parse(
            rest,
            [Flag("label", kind="multi"), Flag("driver", "d", "value"), Flag("name", kind="value")],
        )
        name = parsed.get("name") or (parsed.args[0] if parsed.args else None)
        volume = engine.volume_create(world, name)
        return Result(0, volume["name"] + "\n")
    if sub in {"rm", "remove"}:
        parsed = cli.parse(rest, [Flag("force", "f")])
        _need(parsed.args, 1, "volume rm", "[OPTIONS] VOLUME [VOLUME...]")
        out, err, code = "", "", 0
        for name in parsed.args:
            if name not in docker["volumes"]:
                err += f"Error response from daemon: get {name}: no such volume\n"
                code = 1
                continue
            users = engine.volume_users(world, name)
            if users:
                err += f"Error response from daemon: remove {name}: volume is in use - [{', '.join(users)}]\n"
                code = 1
                continue
            docker["volumes"].pop(name)
            out += name + "\n"
        return Result(code, out, err)
    if sub == "inspect":
        return cmd_inspect(world, ["--type", "volume", *rest], stdin)
    if sub == "prune":
        return Result(
            1,
            "",
            "docker volume prune: not simulated in this sandbox; remove volumes by name with `docker volume rm`\n",
        )
    return Result(
        1, "", f"docker volume {sub}: not simulated in this sandbox (create, ls, rm, inspect are)\n"
    )


def cmd_version(world: World, args: list[str], stdin: str | None) -> Result:
    return Result(
        0,
        "Client:\n Version:           28.5.1\n API version:       1.51\n Go version:        go1.24.8\n OS/Arch:           linux/amd64\n Context:           default\n\n"
        "Server:\n Engine:\n  Version:          28.5.1\n  API version:      1.51 (minimum version 1.24)\n  OS/Arch:          linux/amd64\n"
        " containerd:\n  Version:          v1.7.28\n",
    )


_COMMANDS = {
    "build": cmd_build,
    "images": cmd_images,
    "tag": cmd_tag,
    "rmi": cmd_rmi,
    "pull": cmd_pull,
    "push": cmd_push,
    "login": cmd_login,
    "run": cmd_run,
    "ps": cmd_ps,
    "logs": cmd_logs,
    "stop": cmd_stop,
    "kill": cmd_kill,
    "start": cmd_start,
    "restart": cmd_restart,
    "rm": cmd_rm,
    "exec": cmd_exec,
    "inspect": cmd_inspect,
    "network": cmd_network,
    "volume": cmd_volume,
    "version": cmd_version,
}

__all__ = ["main", "shlex"]
