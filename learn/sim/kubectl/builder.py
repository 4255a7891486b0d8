"""From a command's arguments to the objects it acts on (kubectl's resource.Builder):
`TYPE`, `TYPE NAME...`, `TYPE/NAME...`, `TYPE1,TYPE2`, `all`, and manifests from `-f FILE`,
`-f -` (stdin), several `-f`, a directory, multi-document YAML and `kind: List`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from learn.sim.kube.resources import Resource, by_kind, lookup
from learn.sim.kubectl.context import Ctx, KubectlError

# `kubectl get all`: the "all" category of 1.34's resources, in discovery order.
ALL = (
    "pods",
    "services",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
    "horizontalpodautoscalers",
    "cronjobs",
    "jobs",
)

MAX_DOCUMENTS = 100


@dataclass
class Target:
    resource: Resource
    name: str | None  # None: every object of the type (filtered by selectors)


def resolve(name: str) -> Resource:
    resource = lookup(name)
    if resource is None:
        raise KubectlError(f'the server doesn\'t have a resource type "{name}"')
    return resource


def targets(args: list[str], *, verb: str = "get") -> list[Target]:
    """Resource arguments in either form; a mix of the two is refused as kubectl refuses it."""
    if not args:
        return []
    if any("/" in a for a in args):
        if not all("/" in a for a in args):
            raise KubectlError(
                "there is no need to specify a resource type as a separate argument when passing "
                f"arguments in resource/name form (e.g. 'kubectl {verb} resource/<resource_name>' "
                f"instead of 'kubectl {verb} resource resource/<resource_name>'"
            )
        out = []
        for arg in args:
            kind, _, name = arg.partition("/")
            if not name:
                raise KubectlError(
                    "arguments in resource/name form must have a single resource and name"
                )
            out.append(Target(resolve(kind), name))
        return out
    kinds: list[Resource] = []
    for part in args[0].split(","):
        if part == "":
            continue
        if part.lower() == "all":
            kinds.extend(resolve(n) for n in ALL)
        else:
            kinds.append(resolve(part))
    names = args[1:]
    if not names:
        return [Target(k, None) for k in kinds]
    if len(kinds) > 1 and names:
        # kubectl maps each name onto every type
        return [Target(k, n) for k in kinds for n in names]
    return [Target(kinds[0], n) for n in names]


# --------------------------------------------------------------------------- manifests


@dataclass
class Manifest:
    source: str  # the file name as the learner typed it, "STDIN" for -f -
    obj: dict[str, Any]


def _files_of(ctx: Ctx, path: str, recursive: bool) -> list[tuple[str, str]]:
    files = ctx.world.files()
    key = path.removeprefix("./").rstrip("/")
    if key in files:
        return [(path, files[key])]
    prefix = "" if key in {"", "."} else key + "/"
    found = []
    for name in sorted(files):
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix) :]
        if "/" in rest and not recursive:
            continue
        if name.endswith((".yaml", ".yml", ".json")):
            found.append((name, files[name]))
    if found or any(n.startswith(prefix) for n in files):
        return found
    raise KubectlError(f'the path "{path}" does not exist')


def _yaml_error(source: str, exc: yaml.YAMLError) -> KubectlError:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    line = f"line {mark.line + 1}: " if mark is not None else ""
    return KubectlError(
        f"error parsing {source}: error converting YAML to JSON: yaml: {line}{problem}"
    )


def _documents(source: str, text: str) -> list[dict[str, Any]]:
    stripped = text.lstrip()
    try:
        if stripped.startswith("{") or stripped.startswith("["):
            docs: list[Any] = [json.loads(text)]
        else:
            docs = list(yaml.safe_load_all(text))
    except json.JSONDecodeError as exc:
        raise KubectlError(f"error parsing {source}: {exc}") from None
    except yaml.YAMLError as exc:
        raise _yaml_error(source, exc) from None
    except RecursionError:
        raise KubectlError(f"error parsing {source}: the document nests too deeply") from None
    out: list[dict[str, Any]] = []
    for doc in docs:
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise KubectlError(
                f'error validating "{source}": error validating data: invalid object to validate; '
                "if you choose to ignore these errors, turn validation off with --validate=false"
            )
        if doc.get("kind") == "List" and isinstance(doc.get("items"), list):
            out.extend(item for item in doc["items"] if isinstance(item, dict))
        else:
            out.append(doc)
        if len(out) > MAX_DOCUMENTS:
            raise KubectlError(
                f"{source}: the sandbox takes at most {MAX_DOCUMENTS} objects per command"
            )
    # Round-trip through JSON: YAML timestamps, dates and the like become what kubectl sends.
    try:
        return [json.loads(json.dumps(d, default=str)) for d in out]
    except (TypeError, ValueError) as exc:
        raise KubectlError(f"error parsing {source}: {exc}") from None


def manifests(ctx: Ctx, paths: list[str], *, recursive: bool = False) -> list[Manifest]:
    out: list[Manifest] = []
    for path in paths:
        if path == "-":
            if ctx.stdin is None or not ctx.stdin.strip():
                raise KubectlError("no objects passed to " + ctx.command)
            out += [Manifest("STDIN", d) for d in _documents("STDIN", ctx.stdin)]
            continue
        if path.startswith(("http://", "https://")):
            raise KubectlError(
                f"reading manifests from a URL ({path}) is not simulated in this sandbox: "
                "put the file in the working directory"
            )
        for name, text in _files_of(ctx, path, recursive):
            out += [Manifest(name, d) for d in _documents(name, text)]
    if not out:
        raise KubectlError("no objects passed to " + ctx.command)
    return out


def mapping_of(manifest: Manifest) -> Resource:
    """The REST mapping of a manifest's apiVersion/kind, with kubectl's messages when there is
    none."""
    obj = manifest.obj
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    if not kind or not isinstance(kind, str):
        raise KubectlError(
            f'error validating "{manifest.source}": error validating data: kind not set; '
            "if you choose to ignore these errors, turn validation off with --validate=false"
        )
    if not api_version or not isinstance(api_version, str):
        raise KubectlError(
            f'error validating "{manifest.source}": error validating data: apiVersion not set; '
            "if you choose to ignore these errors, turn validation off with --validate=false"
        )
    resource = by_kind(api_version, kind)
    if resource is None:
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
        raise KubectlError(
            f'resource mapping not found for name: "{(meta or {}).get("name", "")}" namespace: '
            f'"{(meta or {}).get("namespace", "")}" from "{manifest.source}": no matches for kind '
            f'"{kind}" in version "{api_version}"\nensure CRDs are installed first'
        )
    return resource


def namespace_for(ctx: Ctx, manifest: Manifest, resource: Resource) -> str:
    """The object's namespace: its own, or -n, or the context's; a clash is refused."""
    if not resource.namespaced:
        return ""
    meta = manifest.obj.get("metadata")
    own = meta.get("namespace") if isinstance(meta, dict) else None
    if own and ctx.explicit_namespace and own != ctx.namespace:
        raise KubectlError(
            f'the namespace from the provided object "{own}" does not match the namespace '
            f"\"{ctx.namespace}\". You must pass '--namespace={own}' to perform this operation."
        )
    return str(own or ctx.namespace)
