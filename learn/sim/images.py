"""The image catalogue: which images exist, what they hold, and which program they run.

Both the kubelet and the Docker engine resolve every image through `resolve()`, so a tag that
pulls in `docker run` also pulls in a Pod and fails the same way in both.

Rules, as a learner would expect them:

- References are parsed as Docker parses them (`distribution/reference`): `nginx` is
  `docker.io/library/nginx:latest`, a first component with a `.` or `:` (or `localhost`) is a
  registry host, tags are `[\\w][\\w.-]{0,127}`, digests `sha256:` + 64 hex digits, and an
  upper-case repository is an invalid reference.
- Well-known families (nginx, postgres, redis, busybox, alpine, debian, ubuntu, python, node,
  golang, httpd, the distroless images, fluent-bit, ...) accept any real-looking tag of theirs
  (`postgres:16`, `postgres:16.4-alpine3.20`, `python:3.13-slim-trixie`) and any digest. A tag
  that cannot be one of theirs (`postgres:99`, `nginx:lates`) is "not found", as the registry
  would answer.
- A task (lab or sandbox block) declares the images of its own world in the sandbox state
  (`state["images"]`): the course app's tags in the course's registry, an ML image, anything.
  A repository neither the catalogue nor the task knows does not exist, so it fails to pull.
- Images the sandbox built (`docker build`) or tagged live in the Docker engine's own image
  store (learn/sim/docker/), not here; a push copies one into `state["images"]` so the cluster
  can pull it.

Sizes are typical of each tag family (uncompressed, amd64) rather than the registry's exact
bytes, and digests are derived from the reference; both are stable for a given reference.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

# --------------------------------------------------------------------------- references

DEFAULT_DOMAIN = "docker.io"
_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")
_DOMAIN = re.compile(
    r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
    r"(?::[0-9]+)?$"
)


class InvalidReference(ValueError):
    """Docker: `invalid reference format`; the kubelet: `InvalidImageName`."""


@dataclass(frozen=True)
class Reference:
    domain: str  # docker.io, registry.example.com, localhost:5000
    path: str  # library/nginx, learn/web
    tag: str | None
    digest: str | None

    @property
    def repository(self) -> str:
        """The fully qualified repository: docker.io/library/nginx."""
        return f"{self.domain}/{self.path}"

    @property
    def familiar_repository(self) -> str:
        """The repository as `docker images` shows it: nginx, bitnami/redis, ghcr.io/x/y."""
        if self.domain == DEFAULT_DOMAIN:
            return self.path.removeprefix("library/")
        return self.repository

    @property
    def tag_or_latest(self) -> str:
        return self.tag or ("" if self.digest else "latest")

    def __str__(self) -> str:
        """The fully qualified form, as containerd and `kubectl describe` print it."""
        out = self.repository
        if self.tag or not self.digest:
            out += f":{self.tag_or_latest}"
        if self.digest:
            out += f"@{self.digest}"
        return out

    @property
    def familiar(self) -> str:
        """The short form, as Docker prints it (`nginx:1.27`)."""
        out = self.familiar_repository
        if self.tag or not self.digest:
            out += f":{self.tag_or_latest}"
        if self.digest:
            out += f"@{self.digest}"
        return out


def parse_reference(text: str) -> Reference:
    """Parse an image reference the way Docker's `reference.ParseNormalizedNamed` does."""
    if not text or text != text.strip() or len(text) > 255 + 72 + 129:
        raise InvalidReference("invalid reference format")
    rest, digest = text, None
    if "@" in rest:
        rest, digest = rest.split("@", 1)
        if not _DIGEST.match(digest):
            raise InvalidReference("invalid reference format")
    tag = None
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
        if not _TAG.match(tag):
            raise InvalidReference("invalid reference format")
    if not rest:
        raise InvalidReference("invalid reference format")
    parts = rest.split("/")
    first = parts[0]
    if len(parts) > 1 and ("." in first or ":" in first or first == "localhost"):
        domain, path_parts = first, parts[1:]
        if not _DOMAIN.match(domain):
            raise InvalidReference("invalid reference format")
    else:
        domain, path_parts = DEFAULT_DOMAIN, parts
        if len(path_parts) == 1:
            path_parts = ["library", *path_parts]
    for part in path_parts:
        if part != part.lower() and _COMPONENT.match(part.lower()):
            raise InvalidReference("invalid reference format: repository name must be lowercase")
        if not _COMPONENT.match(part):
            raise InvalidReference("invalid reference format")
    if domain == "index.docker.io":
        domain = DEFAULT_DOMAIN
    return Reference(domain=domain, path="/".join(path_parts), tag=tag, digest=digest)


# --------------------------------------------------------------------------- image config


@dataclass(frozen=True)
class ImageConfig:
    """What `docker inspect` shows under Config, and what a container starts with."""

    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = (
        ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
    )
    user: str = ""  # "" is root
    workdir: str = ""
    exposed: tuple[str, ...] = ()  # "80/tcp"
    stop_signal: str = ""  # "" is SIGTERM
    shell: bool = True  # has /bin/sh (distroless and scratch do not)
    healthcheck: tuple[str, ...] = ()  # CMD form, as in the image's own HEALTHCHECK


@dataclass(frozen=True)
class Image:
    """One resolved image: a reference that exists, what it is, what it runs."""

    reference: Reference
    id: str  # sha256:... image id (config digest)
    digest: str  # sha256:... repository digest
    size: int  # bytes, uncompressed
    config: ImageConfig
    program: str  # a name in learn.sim.programs (what the process does)
    family: str
    version: str = ""  # the app version the tag stands for, where that matters
    labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PullError:
    """Why an image cannot be pulled, with the reference as the registry saw it.

    reason: `repository` (does not exist or needs authorisation), `tag` (manifest unknown),
    `host` (no such registry host), `invalid` (not a reference at all).
    """

    reason: str
    reference: str
    message: str = ""


# --------------------------------------------------------------------------- families


def _version_tag(
    *, majors: Callable[[int], bool], variants: tuple[str, ...]
) -> Callable[[str], bool]:
    """A tag check: `<major>[.<minor>[.<patch>]][-<variant>...]`, or a bare variant name."""
    pattern = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?((?:-[a-z0-9.]+)*)$")
    names = set(variants)

    def ok(tag: str) -> bool:
        if tag in names or tag == "latest":
            return True
        for name in names:  # alpine3.20, slim-trixie, bookworm, ...
            if tag.startswith(name) and re.fullmatch(r"[a-z]+[0-9.]*(?:-[a-z0-9.]+)*", tag):
                return True
        match = pattern.match(tag)
        if not match:
            return False
        if not majors(int(match.group(1))):
            return False
        suffix = match.group(4) or ""
        for piece in filter(None, suffix.split("-")):
            if not any(
                piece == v or (piece.startswith(v) and re.fullmatch(r"[a-z]+[0-9.]*", piece))
                for v in names
            ):
                return False
        return True

    return ok


@dataclass(frozen=True)
class Family:
    name: str
    repositories: tuple[str, ...]  # fully qualified
    tag_ok: Callable[[str], bool]
    program: str
    config: ImageConfig
    size: Callable[[str], int]  # bytes for a tag
    labels: tuple[tuple[str, str], ...] = ()
    # The image's USER when it differs by tag (distroless's `nonroot` tags), else config.user.
    user_of: Callable[[str], str] | None = None


MB = 1000 * 1000
_DEBIAN_VARIANTS = ("bookworm", "trixie", "bullseye", "slim", "alpine", "noble", "jammy")


def _sized(
    base: int, *, alpine: int | None = None, slim: int | None = None
) -> Callable[[str], int]:
    def size(tag: str) -> int:
        if "alpine" in tag and alpine is not None:
            return alpine
        if "slim" in tag and slim is not None:
            return slim
        return base

    return size


_SHELL_PATH = (("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),)

FAMILIES: tuple[Family, ...] = (
    Family(
        name="nginx",
        repositories=("docker.io/library/nginx",),
        tag_ok=_version_tag(
            majors=lambda m: m == 1,
            variants=("alpine", "perl", "bookworm", "trixie", "otel", "slim", "stable", "mainline"),
        ),
        program="nginx",
        config=ImageConfig(
            entrypoint=("/docker-entrypoint.sh",),
            cmd=("nginx", "-g", "daemon off;"),
            exposed=("80/tcp",),
            stop_signal="SIGQUIT",
            env=(*_SHELL_PATH, ("NGINX_VERSION", "1.27.5")),
        ),
        size=_sized(192 * MB, alpine=48 * MB),
    ),
    Family(
        name="postgres",
        repositories=("docker.io/library/postgres",),
        tag_ok=_version_tag(majors=lambda m: 9 <= m <= 18, variants=_DEBIAN_VARIANTS),
        program="postgres",
        config=ImageConfig(
            entrypoint=("docker-entrypoint.sh",),
            cmd=("postgres",),
            exposed=("5432/tcp",),
            stop_signal="SIGINT",
            env=(*_SHELL_PATH, ("PGDATA", "/var/lib/postgresql/data")),
        ),
        size=_sized(438 * MB, alpine=275 * MB),
    ),
    Family(
        name="redis",
        repositories=("docker.io/library/redis",),
        tag_ok=_version_tag(majors=lambda m: 2 <= m <= 8, variants=_DEBIAN_VARIANTS),
        program="redis",
        config=ImageConfig(
            entrypoint=("docker-entrypoint.sh",),
            cmd=("redis-server",),
            exposed=("6379/tcp",),
            workdir="/data",
        ),
        size=_sized(117 * MB, alpine=41 * MB),
    ),
    Family(
        name="busybox",
        repositories=("docker.io/library/busybox",),
        tag_ok=_version_tag(
            majors=lambda m: m == 1, variants=("musl", "glibc", "uclibc", "stable")
        ),
        program="shell",
        config=ImageConfig(cmd=("sh",)),
        size=lambda tag: 4_280_000,
    ),
    Family(
        name="alpine",
        repositories=("docker.io/library/alpine",),
        tag_ok=_version_tag(majors=lambda m: m == 3, variants=("edge",)),
        program="shell",
        config=ImageConfig(cmd=("/bin/sh",)),
        size=lambda tag: 8_310_000,
    ),
    Family(
        name="debian",
        repositories=("docker.io/library/debian", "docker.io/library/ubuntu"),
        tag_ok=_version_tag(
            majors=lambda m: 10 <= m <= 13 or 18 <= m <= 26,
            variants=(
                "bookworm",
                "trixie",
                "bullseye",
                "slim",
                "stable",
                "noble",
                "jammy",
                "focal",
                "rolling",
            ),
        ),
        program="shell",
        config=ImageConfig(cmd=("bash",)),
        size=_sized(117 * MB, slim=74 * MB),
    ),
    Family(
        name="python",
        repositories=("docker.io/library/python",),
        tag_ok=_version_tag(
            majors=lambda m: m in (2, 3), variants=_DEBIAN_VARIANTS + ("windowsservercore",)
        ),
        program="interpreter",
        config=ImageConfig(
            cmd=("python3",),
            env=(*_SHELL_PATH, ("LANG", "C.UTF-8"), ("PYTHON_VERSION", "3.12.8")),
        ),
        size=_sized(1_020 * MB, alpine=57 * MB, slim=124 * MB),
    ),
    Family(
        name="node",
        repositories=("docker.io/library/node",),
        tag_ok=_version_tag(
            majors=lambda m: 4 <= m <= 25, variants=_DEBIAN_VARIANTS + ("lts", "current")
        ),
        program="interpreter",
        config=ImageConfig(
            entrypoint=("docker-entrypoint.sh",),
            cmd=("node",),
            env=(*_SHELL_PATH, ("NODE_VERSION", "22.12.0")),
        ),
        size=_sized(1_120 * MB, alpine=160 * MB, slim=240 * MB),
    ),
    Family(
        name="golang",
        repositories=("docker.io/library/golang",),
        tag_ok=_version_tag(majors=lambda m: m == 1, variants=_DEBIAN_VARIANTS),
        program="interpreter",
        config=ImageConfig(
            cmd=("bash",),
            workdir="/go",
            env=(*_SHELL_PATH, ("GOLANG_VERSION", "1.25.4"), ("GOPATH", "/go")),
        ),
        size=_sized(850 * MB, alpine=260 * MB),
    ),
    Family(
        name="httpd",
        repositories=("docker.io/library/httpd",),
        tag_ok=_version_tag(majors=lambda m: m == 2, variants=("alpine", "bookworm", "trixie")),
        program="nginx",  # serves / on 80 like nginx does; the logs differ, the behaviour not
        config=ImageConfig(cmd=("httpd-foreground",), exposed=("80/tcp",), stop_signal="SIGWINCH"),
        size=_sized(148 * MB, alpine=62 * MB),
    ),
    Family(
        name="distroless",
        repositories=tuple(
            f"gcr.io/distroless/{name}-{base}"
            for name in (
                "static",
                "base",
                "base-nossl",
                "cc",
                "python3",
                "java17",
                "java21",
                "nodejs20",
                "nodejs22",
            )
            for base in ("debian12", "debian13")
        ),
        tag_ok=lambda tag: tag in {"latest", "nonroot", "debug", "debug-nonroot"},
        program="no-program",
        config=ImageConfig(cmd=(), shell=False, user=""),
        # GoogleContainerTools/distroless: the `nonroot` tags run as the numeric user 65532
        # (base/base.bzl, NONROOT = 65532); the others as root.
        user_of=lambda tag: "65532" if "nonroot" in tag else "",
        size=lambda tag: 2_500_000,
    ),
    Family(
        name="fluent-bit",
        repositories=("docker.io/fluent/fluent-bit", "cr.fluentbit.io/fluent/fluent-bit"),
        tag_ok=_version_tag(majors=lambda m: 1 <= m <= 4, variants=("debug",)),
        program="log-shipper",
        config=ImageConfig(
            entrypoint=("/fluent-bit/bin/fluent-bit",),
            cmd=("-c", "/fluent-bit/etc/fluent-bit.conf"),
            exposed=("2020/tcp",),
            shell=False,
        ),
        size=lambda tag: 95 * MB,
    ),
    Family(
        name="pause",
        repositories=("registry.k8s.io/pause",),
        tag_ok=_version_tag(majors=lambda m: m == 3, variants=()),
        program="sleeper",
        # kubernetes/kubernetes build/pause/linux/Dockerfile: USER 65535:65535.
        config=ImageConfig(entrypoint=("/pause",), shell=False, user="65535:65535"),
        size=lambda tag: 736_000,
    ),
)

_BY_REPOSITORY: dict[str, Family] = {repo: f for f in FAMILIES for repo in f.repositories}


# --------------------------------------------------------------------------- task images

# A task's own world: `state["images"]` maps a fully qualified repository to
#   {"program": "<program name>", "tags": {"<tag>": {...overrides...}}, "config": {...}}
# where overrides may set `version` (the app version the tag is), `size`, `program`, `env`,
# `cmd`, `entrypoint`, `user`, `exposed`. `LEARN_WEB` is the course's own app, declared by
# every task that uses it (`Sandbox.new(images=...)` takes the short form below).

LEARN_WEB_CONFIG = ImageConfig(
    cmd=(
        "gunicorn",
        "learn.wsgi:application",
        "--bind",
        "0.0.0.0:8000",
        "--no-control-socket",
        "--threads",
        "2",
    ),
    env=(
        ("PATH", "/opt/venv/bin:/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"),
        ("PYTHONUNBUFFERED", "1"),
        ("PYTHONPATH", "/app"),
        ("DJANGO_SETTINGS_MODULE", "learn.settings"),
        ("WEB_CONCURRENCY", "3"),
        ("SQLITE_PATH", "/data/db.sqlite3"),
    ),
    user="10001:10001",
    workdir="/app",
    exposed=("8000/tcp",),
    healthcheck=(
        "python",
        "-c",
        "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)",
    ),
)


def _config_from(data: Mapping[str, Any], base: ImageConfig) -> ImageConfig:
    def tup(key: str, default: tuple[Any, ...]) -> tuple[Any, ...]:
        value = data.get(key)
        return tuple(value) if isinstance(value, list) else default

    env = base.env
    if isinstance(data.get("env"), Mapping):
        merged = dict(base.env)
        merged.update({str(k): str(v) for k, v in data["env"].items()})
        env = tuple(merged.items())
    return ImageConfig(
        entrypoint=tup("entrypoint", base.entrypoint),
        cmd=tup("cmd", base.cmd),
        env=env,
        user=str(data.get("user", base.user)),
        workdir=str(data.get("workdir", base.workdir)),
        exposed=tup("exposed", base.exposed),
        stop_signal=str(data.get("stop_signal", base.stop_signal)),
        shell=bool(data.get("shell", base.shell)),
        healthcheck=tup("healthcheck", base.healthcheck),
    )


PROGRAM_CONFIGS: dict[str, ImageConfig] = {"learn-web": LEARN_WEB_CONFIG}


def _digest(*parts: str) -> str:
    return "sha256:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def resolve(reference: str, task_images: Mapping[str, Any] | None = None) -> Image | PullError:
    """The image `reference` names, or why it cannot be pulled.

    `task_images` is the task's own world (`state["images"]`), consulted before the catalogue,
    so a task may also withhold a tag of a known family by declaring the repository itself.
    """
    try:
        ref = parse_reference(reference)
    except InvalidReference as exc:
        return PullError(reason="invalid", reference=reference, message=str(exc))
    task_images = task_images or {}
    declared = task_images.get(ref.repository)
    if isinstance(declared, Mapping):
        program = str(declared.get("program", "no-program"))
        tags: Mapping[str, Any] = declared.get("tags") or {}
        base = PROGRAM_CONFIGS.get(program, ImageConfig())
        config = _config_from(declared.get("config") or {}, base)
        if ref.digest and not ref.tag:
            # A digest of a declared repository pulls if it is the digest of one of its tags.
            for tag, extra in tags.items():
                if _digest(ref.repository, str(tag)) == ref.digest:
                    return _declared_image(ref, str(tag), extra, program, config)
            return PullError(reason="tag", reference=str(ref))
        tag = ref.tag_or_latest
        if tag not in tags:
            return PullError(reason="tag", reference=str(ref))
        return _declared_image(ref, tag, tags[tag], program, config)
    family = _BY_REPOSITORY.get(ref.repository)
    if family is None:
        if ref.domain != DEFAULT_DOMAIN and not any(
            repo.startswith(ref.domain + "/") for repo in [*_BY_REPOSITORY, *task_images]
        ):
            return PullError(reason="host", reference=str(ref))
        return PullError(reason="repository", reference=str(ref))
    tag = ref.tag_or_latest
    if (ref.tag is not None or not ref.digest) and not family.tag_ok(tag):
        return PullError(reason="tag", reference=str(ref))
    digest = ref.digest or _digest(ref.repository, tag)
    return Image(
        reference=ref,
        id=_digest("image", ref.repository, tag or digest),
        digest=digest,
        size=family.size(tag),
        config=(
            replace(family.config, user=family.user_of(tag)) if family.user_of else family.config
        ),
        program=family.program,
        family=family.name,
        version=tag,
        labels=family.labels,
    )


def _declared_image(
    ref: Reference, tag: str, extra: Any, program: str, config: ImageConfig
) -> Image:
    extra = extra if isinstance(extra, Mapping) else {}
    return Image(
        reference=ref,
        id=_digest("image", ref.repository, tag),
        digest=ref.digest or _digest(ref.repository, tag),
        size=int(extra.get("size", 160 * MB)),
        config=_config_from(extra, config),
        program=str(extra.get("program", program)),
        family=program,
        version=str(extra.get("version", tag)),
    )


def learn_web_images(
    repositories: tuple[str, ...] = ("registry.example.com/learn/web",),
    tags: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The course app as a task declares it: its repositories and the tags pushed there."""
    tags = tags or {"0.1.0": {"version": "0.1.0"}, "0.2.0": {"version": "0.2.0"}}
    return {
        repo: {"program": "learn-web", "tags": {k: dict(v) for k, v in tags.items()}}
        for repo in repositories
    }


@dataclass
class Catalogue:
    """Resolution bound to one sandbox's task images (a thin convenience)."""

    task_images: Mapping[str, Any] = field(default_factory=dict)

    def resolve(self, reference: str) -> Image | PullError:
        return resolve(reference, self.task_images)
