"""Commands that change the cluster: apply, create (from files), delete, scale, set image,
label, annotate, expose, run, cordon/uncordon/taint/drain.

Each prints what kubectl prints (`deployment.apps/web created|configured|unchanged`,
`deployment.apps "web" deleted`, `deployment.apps/web scaled`, ...). Writes go through the
API store as the learner (or whoever `--as` names), so admission, validation and RBAC answer
as the API server would.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from learn.sim import clock
from learn.sim.kube.api import ApiError
from learn.sim.kube.resources import Resource
from learn.sim.kubectl import output
from learn.sim.kubectl.builder import (
    Manifest,
    Target,
    manifests,
    mapping_of,
    namespace_for,
    resolve,
    targets,
)
from learn.sim.kubectl.context import Ctx, KubectlError, format_api_error, not_simulated
from learn.sim.kubectl.flags import Flag, Parsed
from learn.sim.kubectl.selectors import SelectorError, parse_labels

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_REPLICAS = 200

DRY_RUN = Flag("dry-run", default="none")
# kubectl's FilenameOptions: -f, -R and -k (Kustomize, which the sandbox does not have).
KUSTOMIZE = Flag(
    "kustomize",
    "k",
    refused=True,
    refusal="-k (Kustomize) is not available in this sandbox: it does not render a "
    "kustomization.yaml; apply the manifests themselves with `kubectl apply -f FILE`",
)
FILE_FLAGS = [
    Flag("filename", "f", kind="array"),
    Flag("recursive", "R", kind="bool"),
    KUSTOMIZE,
]
PRINT_FLAGS = [Flag("output", "o"), Flag("show-managed-fields", kind="bool")]


def dry_run_of(flags: Parsed) -> str:
    value = flags.text("dry-run") or "none"
    if value not in {"none", "client", "server"}:
        raise KubectlError(
            f'Invalid dry-run value ({value}). Must be "none", "server", or "client".'
        )
    return value


def _suffix(dry_run: str) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")


def _name(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


def report(
    ctx: Ctx,
    flags: Parsed,
    resource: Resource,
    obj: Mapping[str, Any],
    verb: str,
    dry_run: str = "none",
) -> None:
    """What a mutating command prints for one object: the -o form, or `kind/name verb`."""
    fmt = flags.text("output")
    if fmt == "name":
        ctx.print(output.name_of(resource, obj) + "\n")
    elif fmt == "yaml":
        ctx.print(output.to_yaml(obj))
    elif fmt == "json":
        ctx.print(output.to_json(obj))
    elif fmt:
        raise KubectlError(
            f'unable to match a printer suitable for the output format "{fmt}", allowed formats are: json,name,yaml'
        )
    else:
        ctx.print(f"{output.name_of(resource, obj)} {verb}{_suffix(dry_run)}\n")


# --------------------------------------------------------------------------- apply

APPLY_FLAGS = [
    *FILE_FLAGS,
    *PRINT_FLAGS,
    DRY_RUN,
    Flag("server-side", kind="bool", refused=True),
    Flag("prune", kind="bool", refused=True),
    Flag("selector", "l"),
    Flag("force", kind="bool"),
    Flag("overwrite", kind="bool", default=True),
    Flag("validate", default="strict"),
    Flag("wait", kind="bool"),
    Flag("field-manager", default="kubectl-client-side-apply"),
    Flag("all", kind="bool"),
]


# The patchMergeKey of each list the course's kinds hold (k8s.io/api core/v1 types.go,
# `patchStrategy:"merge" patchMergeKey:"..."`): kubectl's strategic merge patch merges these
# lists item by item, so what the API server added to an item (a defaulted field, the
# service-account token's volume and volumeMount) stays. Every other list is replaced.
MERGE_KEYS: dict[str, tuple[str, ...]] = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "volumes": ("name",),
    "env": ("name",),
    "volumeMounts": ("mountPath",),
    "volumeDevices": ("devicePath",),
    "imagePullSecrets": ("name",),
    "hostAliases": ("ip",),
    "ownerReferences": ("uid",),
    "resourceClaims": ("name",),
    "schedulingGates": ("name",),
    "topologySpreadConstraints": ("topologyKey",),
    # A container's ports merge on containerPort, a Service's on port.
    "ports": ("containerPort", "port"),
}


def _merge_key(field: str, *lists: Any) -> str | None:
    """The key a list merges on, if every item of every side has it once."""
    for key in MERGE_KEYS.get(field, ()):
        ok = True
        for items in lists:
            if items is None:
                continue
            if not isinstance(items, list) or not all(
                isinstance(i, dict) and key in i for i in items
            ):
                ok = False
                break
            values = [json.dumps(i[key], sort_keys=True) for i in items]
            if len(set(values)) != len(values):
                ok = False
                break
        if ok:
            return key
    return None


def _merge_list(live: list[Any], new: list[Any], last: Any, key: str) -> list[Any]:
    def k(item: dict[str, Any]) -> str:
        return json.dumps(item[key], sort_keys=True)

    live_by = {k(i): i for i in live}
    last_by = {k(i): i for i in last} if isinstance(last, list) else {}
    merged = [_merge(live_by.get(k(i)), i, last_by.get(k(i))) for i in new]
    wanted = {k(i) for i in new}
    # Items the server (or another writer) added and this config never set stay, after the
    # item they followed in the live list (strategic merge's normalizeElementOrder); items
    # the previous config set and this one drops go.
    out = merged
    for at, item in enumerate(live):
        if k(item) in wanted or k(item) in last_by:
            continue
        keys = [k(o) for o in out]
        before = next((k(p) for p in reversed(live[:at]) if k(p) in keys), None)
        out.insert(keys.index(before) + 1 if before is not None else 0, copy.deepcopy(item))
    return out


def _merge(live: Any, new: Any, last: Any, field: str = "") -> Any:
    """kubectl's client-side three-way merge (strategic merge patch): what the config sets
    wins, what the previous config set and the new one drops is removed, what neither
    mentions (defaults, status, controllers' fields) stays as it is live. Lists with a merge
    key (MERGE_KEYS) merge item by item; other lists are replaced as a whole."""
    if isinstance(live, dict) and isinstance(new, dict):
        out = dict(live)
        for key, value in new.items():
            out[key] = _merge(
                live.get(key), value, (last or {}).get(key) if isinstance(last, dict) else None, key
            )
        if isinstance(last, dict):
            for key in last:
                if key not in new:
                    out.pop(key, None)
        return out
    if isinstance(live, list) and isinstance(new, list):
        key = _merge_key(field, live, new, last if isinstance(last, list) else None)
        if key is not None:
            return _merge_list(live, new, last, key)
    return copy.deepcopy(new)


def _with_last_applied(obj: dict[str, Any]) -> dict[str, Any]:
    config = copy.deepcopy(obj)
    meta = config.setdefault("metadata", {})
    annotations = dict(meta.get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    text = json.dumps(config, sort_keys=True, separators=(",", ":")) + "\n"
    out = copy.deepcopy(obj)
    out.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = text
    return out


def _prepare(ctx: Ctx, manifest: Manifest) -> tuple[Resource, dict[str, Any], str]:
    resource = mapping_of(manifest)
    namespace = namespace_for(ctx, manifest, resource)
    obj = copy.deepcopy(manifest.obj)
    if not isinstance(obj.get("metadata"), dict):
        obj["metadata"] = {}
    if resource.namespaced:
        obj["metadata"]["namespace"] = namespace
    return resource, obj, namespace


def _each_manifest(
    ctx: Ctx,
    flags: Parsed,
    handle: Callable[[Manifest, Resource, dict[str, Any], str], None],
) -> None:
    """Run `handle` on every object of -f, carrying on past a bad one as kubectl does. The
    errors are gathered and printed at the end (exit code 1): the builder's (an unknown kind)
    before the API server's, as apply.go appends them; one error prints as cmdutil.CheckErr
    prints it (`The Pod "b" is invalid: ...`), several as MultipleErrors does, each by
    StandardErrorMessage (`Error from server (Invalid): error when creating "f.yaml": ...`)."""
    early: list[tuple[Exception, str]] = []
    late: list[tuple[Exception, str]] = []
    for manifest in manifests(ctx, flags.many("filename"), recursive=flags.on("recursive")):
        try:
            resource, obj, namespace = _prepare(ctx, manifest)
        except (KubectlError, ApiError) as exc:
            early.append((exc, manifest.source))
            continue
        try:
            handle(manifest, resource, obj, namespace)
        except (KubectlError, ApiError) as exc:
            late.append((exc, manifest.source))
    errors = early + late
    for error, source in errors:
        ctx.err.append(_error_text(error, source, alone=len(errors) == 1))
    if errors:
        ctx.code = 1


def _error_text(exc: Exception, source: str, *, alone: bool) -> str:
    if isinstance(exc, ApiError):
        if alone:
            return format_api_error(exc, source=source, operation="creating")
        return f'Error from server ({exc.reason}): error when creating "{source}": {exc.message}\n'
    assert isinstance(exc, KubectlError)
    if exc.raw or not alone:
        return exc.message if exc.message.endswith("\n") else exc.message + "\n"
    return f"error: {exc.message}\n"


def run_apply(ctx: Ctx, flags: Parsed) -> None:
    if not flags.many("filename"):
        raise KubectlError("must specify one of -f and -k")
    dry_run = dry_run_of(flags)
    selector = None
    if flags.text("selector"):
        try:
            selector = parse_labels(flags.text("selector"))
        except SelectorError as exc:
            raise KubectlError(str(exc)) from None

    def handle(manifest: Manifest, resource: Resource, obj: dict[str, Any], namespace: str) -> None:
        if selector is not None and not selector(obj["metadata"].get("labels") or {}):
            return
        if not _name(obj):
            raise KubectlError(
                "error: error when retrieving current configuration of:\n"
                f'Resource: "{resource.api_version}, Resource={resource.name}", GroupVersionKind: "{resource.api_version}, Kind={resource.kind}"\n'
                f'Name: "", Namespace: "{namespace}"\n'
                f'from server for: "{manifest.source}": resource name may not be empty\n',
                raw=True,
            )
        _apply_one(ctx, flags, manifest, resource, obj, namespace, dry_run)

    _each_manifest(ctx, flags, handle)


def _apply_one(
    ctx: Ctx,
    flags: Parsed,
    manifest: Manifest,
    resource: Resource,
    obj: dict[str, Any],
    namespace: str,
    dry_run: str,
) -> None:
    store = ctx.store
    name = _name(obj)
    try:
        ctx.store.authorize(ctx.user, "get", resource, namespace, name)
    except ApiError as exc:
        raise KubectlError(
            f"Error from server ({exc.reason}): error when retrieving current configuration of:\n"
            f'Resource: "{resource.api_version}, Resource={resource.name}", GroupVersionKind: "{resource.api_version}, Kind={resource.kind}"\n'
            f'Name: "{name}", Namespace: "{namespace}"\n'
            f'from server for: "{manifest.source}": {exc.message}\n',
            raw=True,
        ) from None
    live = store.get(resource, namespace, name)
    config = _with_last_applied(obj)
    if live is None:
        if dry_run == "client":
            report(ctx, flags, resource, config, "created", dry_run)
            return
        created = store.create(config, user=ctx.user, dry_run=dry_run == "server")
        report(ctx, flags, resource, created, "created", dry_run)
        return
    annotations = (live.get("metadata") or {}).get("annotations") or {}
    last_text = annotations.get(LAST_APPLIED)
    if last_text is None:
        ctx.warn(
            f"Warning: resource {resource.name}/{name} is missing the {LAST_APPLIED} annotation "
            "which is required by kubectl apply. kubectl apply should only be used on resources "
            "created declaratively by either kubectl create --save-config or kubectl apply. The "
            "missing annotation will be patched automatically.\n"
        )
    try:
        last = json.loads(last_text) if last_text else {}
    except ValueError:
        last = {}
    merged = _merge(copy.deepcopy(dict(live)), config, last)
    merged["metadata"]["resourceVersion"] = live["metadata"].get("resourceVersion")
    if dry_run == "client":
        verb = "unchanged" if merged == live else "configured"
        report(ctx, flags, resource, merged, verb, dry_run)
        return
    updated = ctx.patch(merged, dry_run=dry_run == "server")
    same = (
        updated.get("metadata", {}).get("resourceVersion")
        == live["metadata"].get("resourceVersion")
        and updated == live
    )
    report(ctx, flags, resource, updated, "unchanged" if same else "configured", dry_run)


# --------------------------------------------------------------------------- create -f


def run_create_files(ctx: Ctx, flags: Parsed) -> None:
    dry_run = dry_run_of(flags)

    def handle(manifest: Manifest, resource: Resource, obj: dict[str, Any], namespace: str) -> None:
        create_object(
            ctx,
            flags,
            resource,
            _with_last_applied(obj) if flags.on("save-config") else obj,
            dry_run,
        )

    _each_manifest(ctx, flags, handle)


def create_object(
    ctx: Ctx, flags: Parsed, resource: Resource, obj: dict[str, Any], dry_run: str
) -> None:
    if dry_run == "client":
        report(ctx, flags, resource, obj, "created", dry_run)
        return
    created = ctx.store.create(obj, user=ctx.user, dry_run=dry_run == "server")
    report(ctx, flags, resource, created, "created", dry_run)


# --------------------------------------------------------------------------- delete

DELETE_FLAGS = [
    *FILE_FLAGS,
    DRY_RUN,
    Flag("output", "o"),
    Flag("selector", "l"),
    Flag("field-selector"),
    Flag("all", kind="bool"),
    Flag("all-namespaces", "A", kind="bool"),
    Flag("force", kind="bool"),
    Flag("now", kind="bool"),
    Flag("grace-period", kind="int", default=-1),
    Flag("wait", kind="bool", default=True),
    Flag("timeout"),
    Flag("cascade", default="background"),
    Flag("ignore-not-found", kind="bool"),
    Flag("interactive", "i", kind="bool", refused=True),
    Flag("raw", refused=True),
]

_NO_RESOURCES = (
    "error: You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n"
    "   '-f rsrc.yaml'\n"
    "   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n"
    "   '<resource>'\n"
)


def run_delete(ctx: Ctx, flags: Parsed) -> None:
    from learn.sim.kubectl.get import collect

    dry_run = dry_run_of(flags)
    cascade = flags.text("cascade")
    propagation = {
        "background": "Background",
        "foreground": "Foreground",
        "orphan": "Orphan",
        "true": "Background",
        "false": "Orphan",
    }.get(cascade)
    if propagation is None:
        raise KubectlError(
            f'invalid cascade value ({cascade}). Must be "background", "foreground", or "orphan".'
        )
    grace = int(flags.get("grace-period"))
    if flags.on("now"):
        grace = 1
    if flags.on("force") and grace < 0:
        grace = 0
    if flags.many("filename"):
        found: list[tuple[Resource, str, str, str]] = []
        for manifest in manifests(ctx, flags.many("filename"), recursive=flags.on("recursive")):
            resource, obj, namespace = _prepare(ctx, manifest)
            found.append((resource, namespace, _name(obj), manifest.source))
    else:
        if not flags.args:
            ctx.err.append(_NO_RESOURCES)
            ctx.code = 1
            return
        wanted = targets(flags.args, verb="delete")
        if any(t.name is None for t in wanted) and not (
            flags.on("all") or flags.text("selector") or flags.text("field-selector")
        ):
            raise KubectlError("resource(s) were provided, but no name was specified")
        objects, errors = collect(ctx, flags, wanted, "delete")
        found = [
            (r, (o.get("metadata") or {}).get("namespace", ""), _name(o), "") for r, o in objects
        ]
        if errors and not flags.on("ignore-not-found"):
            ctx.err.extend(errors)
            ctx.code = 1
        if not found and not errors:
            if any(t.name is None for t in wanted):
                ctx.print("No resources found\n")
            return
    if grace == 0 and dry_run == "none":
        ctx.warn(
            "Warning: Immediate deletion does not wait for confirmation that the running resource "
            "has been terminated. The resource may continue to run on the cluster indefinitely.\n"
        )
    deleted: list[tuple[Resource, str, str]] = []
    for resource, namespace, name, source in found:
        try:
            ctx.store.delete(
                resource,
                namespace,
                name,
                user=ctx.user,
                grace_seconds=None if grace < 0 else grace,
                propagation=propagation,
                dry_run=dry_run != "none",
            )
        except ApiError as exc:
            if exc.reason == "NotFound" and flags.on("ignore-not-found"):
                continue
            ctx.err.append(format_api_error(exc, source=source, operation="deleting"))
            ctx.code = 1
            continue
        kind = resource.kind_qualified
        if flags.text("output") == "name":
            ctx.print(f"{kind}/{name}\n")
        else:
            verb = "force deleted" if grace == 0 else "deleted"
            ctx.print(f'{kind} "{name}" {verb}{_suffix(dry_run)}\n')
        deleted.append((resource, namespace, name))
    if deleted and flags.on("wait") and dry_run == "none":
        _wait_gone(ctx, deleted)


def _wait_gone(ctx: Ctx, objects: list[tuple[Resource, str, str]]) -> None:
    """kubectl waits for what it deleted to be gone (Pods end their grace period first)."""
    store = ctx.store

    def gone(_world: Any) -> bool:
        return all(store.get(r, ns, n) is None for r, ns, n in objects)

    clock.advance(ctx.world, 120_000, until=gone)


# --------------------------------------------------------------------------- scale

SCALE_FLAGS = [
    *FILE_FLAGS,
    DRY_RUN,
    Flag("output", "o"),
    Flag("replicas", kind="int", default=-1),
    Flag("current-replicas", kind="int", default=-1),
    Flag("resource-version", refused=True),
    Flag("selector", "l"),
    Flag("all", kind="bool"),
    Flag("timeout"),
]

_SCALABLE = {"deployments", "replicasets", "statefulsets", "replicationcontrollers"}


def _objects_for(ctx: Ctx, flags: Parsed, verb: str) -> list[tuple[Resource, dict[str, Any]]]:
    from learn.sim.kubectl.get import collect

    if flags.many("filename"):
        out = []
        for manifest in manifests(ctx, flags.many("filename"), recursive=flags.on("recursive")):
            resource, obj, namespace = _prepare(ctx, manifest)
            live = ctx.store.get(resource, namespace, _name(obj))
            if live is None:
                raise ApiError("NotFound", f'{resource.qualified} "{_name(obj)}" not found')
            out.append((resource, dict(live)))
        return out
    if not flags.args:
        raise KubectlError(_NO_RESOURCES.removeprefix("error: ").rstrip("\n"))
    wanted = targets(flags.args, verb=verb)
    if any(t.name is None for t in wanted) and not (flags.on("all") or flags.text("selector")):
        raise KubectlError("resource(s) were provided, but no name was specified")
    objects, errors = collect(ctx, flags, wanted, verb)
    if errors:
        ctx.err.extend(errors)
        ctx.code = 1
    return objects


def run_scale(ctx: Ctx, flags: Parsed) -> None:
    replicas = int(flags.get("replicas"))
    if not flags.has("replicas"):
        raise KubectlError('required flag(s) "replicas" not set')
    if replicas < 0:
        raise KubectlError(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        )
    if replicas > MAX_REPLICAS:
        raise KubectlError(
            f"the sandbox runs at most {MAX_REPLICAS} replicas of one workload (asked for {replicas})"
        )
    dry_run = dry_run_of(flags)
    for resource, obj in _objects_for(ctx, flags, "scale"):
        if resource.name not in _SCALABLE:
            ctx.err.append(
                f"error: no scaler has been implemented for {{{resource.group} {resource.kind}}}\n"
            )
            ctx.code = 1
            continue
        current = int((obj.get("spec") or {}).get("replicas", 1))
        wanted_current = int(flags.get("current-replicas"))
        if wanted_current >= 0 and wanted_current != current:
            ctx.err.append(f"error: Expected replicas to be {wanted_current}, was {current}\n")
            ctx.code = 1
            continue
        new = copy.deepcopy(obj)
        new.setdefault("spec", {})["replicas"] = replicas
        try:
            if dry_run != "client":
                ctx.patch(new, subresource="scale", dry_run=dry_run == "server")
        except ApiError as exc:
            ctx.api_error(exc)
            continue
        if flags.text("output") == "name":
            ctx.print(output.name_of(resource, obj) + "\n")
        else:
            ctx.print(f"{output.name_of(resource, obj)} scaled{_suffix(dry_run)}\n")


# --------------------------------------------------------------------------- set image


def _patch_and_report(
    ctx: Ctx, flags: Parsed, resource: Resource, new: dict[str, Any], verb: str, dry_run: str
) -> None:
    """The end of every `kubectl set ...`: the PATCH (unless a client dry run), then the line."""
    try:
        if dry_run != "client":
            new = ctx.patch(new, dry_run=dry_run == "server")
    except ApiError as exc:
        ctx.api_error(exc)
        return
    report(ctx, flags, resource, new, verb, dry_run)


SET_IMAGE_FLAGS = [
    *FILE_FLAGS,
    DRY_RUN,
    Flag("output", "o"),
    Flag("selector", "l"),
    Flag("all", kind="bool"),
    Flag("local", kind="bool", refused=True),
]


def _pod_spec(resource: Resource, obj: dict[str, Any]) -> dict[str, Any] | None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return None
    if resource.name == "pods":
        return spec
    if resource.name == "cronjobs":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    template = spec.get("template")
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        return template["spec"]
    return None


def _pod_templates(
    ctx: Ctx, flags: Parsed, verb: str
) -> Iterator[tuple[Resource, dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """What every `kubectl set` walks: (resource, live object, its copy to change, the copy's
    pod spec) for each object named, with kubectl's error for one that has no pod template."""
    for resource, obj in _objects_for(ctx, flags, verb):
        new = copy.deepcopy(obj)
        pod_spec = _pod_spec(resource, new)
        if pod_spec is None:
            ctx.err.append(f"error: {output.name_of(resource, obj)} does not have a pod template\n")
            ctx.code = 1
            continue
        yield resource, obj, new, pod_spec


def run_set_image(ctx: Ctx, flags: Parsed) -> None:
    pairs = [a for a in flags.args if "=" in a]
    rest = [a for a in flags.args if "=" not in a]
    if not pairs:
        raise KubectlError("at least one image update is required")
    images: dict[str, str] = {}
    for pair in pairs:
        name, _, image = pair.partition("=")
        if not name or not image:
            raise KubectlError(f"invalid image {pair}")
        images[name] = image
    parsed = Parsed(args=rest, values=flags.values, given=flags.given)
    dry_run = dry_run_of(flags)
    for resource, _obj, new, pod_spec in _pod_templates(ctx, parsed, "set image"):
        all_containers = [
            *(pod_spec.get("initContainers") or []),
            *(pod_spec.get("containers") or []),
        ]
        for name, image in images.items():
            matched = [c for c in all_containers if name == "*" or c.get("name") == name]
            if not matched:
                ctx.err.append(f'error: unable to find container named "{name}"\n')
                ctx.code = 1
            for container in matched:
                container["image"] = image
        if ctx.code:
            continue
        _patch_and_report(ctx, flags, resource, new, "image updated", dry_run)


SET_ENV_FLAGS = [
    *SET_IMAGE_FLAGS,
    Flag("containers", "c", default="*"),
    Flag("env", "e", kind="array"),
    Flag("list", kind="bool"),
    Flag("from", refused=True),
    Flag("prefix"),
    Flag("keys", kind="list"),
    Flag("overwrite", kind="bool", default=True),
    Flag("resolve", kind="bool", refused=True),
]
SET_RESOURCES_FLAGS = [
    *SET_IMAGE_FLAGS,
    Flag("containers", "c", default="*"),
    Flag("limits"),
    Flag("requests"),
]


def _matching_containers(pod_spec: dict[str, Any], pattern: str) -> list[dict[str, Any]]:
    import fnmatch

    return [
        c
        for c in [*(pod_spec.get("initContainers") or []), *(pod_spec.get("containers") or [])]
        if fnmatch.fnmatchcase(str(c.get("name", "")), pattern)
    ]


def run_set_env(ctx: Ctx, flags: Parsed) -> None:
    """`kubectl set env TYPE/NAME KEY=VALUE ... KEY- [-c CONTAINER] [--list]` (set_env.go)."""
    pairs = [a for a in flags.args if "=" in a or (a.endswith("-") and "/" not in a and len(a) > 1)]
    rest = [a for a in flags.args if a not in pairs]
    sets: dict[str, str] = {}
    removes: list[str] = []
    for item in [*pairs, *flags.many("env")]:
        if "=" in item:
            key, _, value = item.partition("=")
            sets[key] = value
        else:
            removes.append(item[:-1])
    if not sets and not removes and not flags.on("list"):
        raise KubectlError("at least one environment variable must be provided")
    parsed = Parsed(args=rest, values=flags.values, given=flags.given)
    dry_run = dry_run_of(flags)
    for resource, obj, new, pod_spec in _pod_templates(ctx, parsed, "set env"):
        containers = _matching_containers(pod_spec, flags.text("containers"))
        if flags.on("list"):
            for c in containers:
                ctx.print(f"# {resource.singular} {_name(obj)}, container {c.get('name')}\n")
                for e in c.get("env") or []:
                    if e.get("valueFrom"):
                        ctx.print(f"# {e.get('name')} from: {next(iter(e['valueFrom']))}\n")
                    else:
                        ctx.print(f"{e.get('name')}={e.get('value', '')}\n")
            continue
        if not containers:
            ctx.err.append(
                f'warning: {resource.singular}/{_name(obj)} does not have any containers matching "{flags.text("containers")}"\n'
            )
            continue
        for c in containers:
            env = [e for e in c.get("env") or [] if e.get("name") not in removes]
            for key, value in sets.items():
                for e in env:
                    if e.get("name") == key:
                        e.pop("valueFrom", None)
                        e["value"] = value
                        break
                else:
                    env.append({"name": key, "value": value})
            if env:
                c["env"] = env
            else:
                c.pop("env", None)
        _patch_and_report(ctx, flags, resource, new, "env updated", dry_run)


def _requirements(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.split(","):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key or not value:
            raise KubectlError(f"invalid resource requirement: {part}")
        out[key] = value
    return out


def run_set_resources(ctx: Ctx, flags: Parsed) -> None:
    """`kubectl set resources TYPE/NAME [-c C] --limits=cpu=200m,memory=512Mi --requests=...`."""
    limits, requests = _requirements(flags.text("limits")), _requirements(flags.text("requests"))
    if not limits and not requests:
        raise KubectlError(
            "you must specify an update to requests or limits (in the form of --requests/--limits)"
        )
    dry_run = dry_run_of(flags)
    for resource, obj, new, pod_spec in _pod_templates(ctx, flags, "set resources"):
        containers = _matching_containers(pod_spec, flags.text("containers"))
        if not containers:
            ctx.err.append(
                f'warning: {resource.singular}/{_name(obj)} does not have any containers matching "{flags.text("containers")}"\n'
            )
            continue
        for c in containers:
            res = c.setdefault("resources", {})
            if limits:
                res.setdefault("limits", {}).update(limits)
            if requests:
                res.setdefault("requests", {}).update(requests)
        _patch_and_report(ctx, flags, resource, new, "resource requirements updated", dry_run)


# --------------------------------------------------------------------------- label / annotate

META_FLAGS = [
    *FILE_FLAGS,
    DRY_RUN,
    Flag("output", "o"),
    Flag("overwrite", kind="bool"),
    Flag("selector", "l"),
    Flag("all", kind="bool"),
    Flag("all-namespaces", "A", kind="bool"),
    Flag("list", kind="bool"),
    Flag("resource-version"),
    Flag("local", kind="bool", refused=True),
    Flag("field-selector"),
]


def _changes(args: list[str]) -> tuple[list[str], dict[str, str], list[str]]:
    plain, sets, removes = [], {}, []
    for arg in args:
        if "=" in arg:
            key, _, value = arg.partition("=")
            sets[key] = value
        elif arg.endswith("-") and len(arg) > 1:
            removes.append(arg[:-1])
        else:
            plain.append(arg)
    return plain, sets, removes


def run_label(ctx: Ctx, flags: Parsed, *, field: str) -> None:
    """`label` and `annotate`: the same rules for metadata.labels and metadata.annotations."""
    plain, sets, removes = _changes(flags.args)
    if not sets and not removes and not flags.on("list"):
        raise KubectlError(
            f"at least one {'label' if field == 'labels' else 'annotation'} update is required"
        )
    parsed = Parsed(args=plain, values=flags.values, given=flags.given)
    dry_run = dry_run_of(flags)
    for resource, obj in _objects_for(ctx, parsed, "label" if field == "labels" else "annotate"):
        current = dict((obj.get("metadata") or {}).get(field) or {})
        if flags.on("list"):
            for key in sorted(current):
                ctx.print(f"{key}={current[key]}\n")
            continue
        refused = False
        for key, value in sets.items():
            if key in current and current[key] != value and not flags.on("overwrite"):
                ctx.err.append(
                    f"error: '{key}' already has a value ({current[key]}), and --overwrite is false\n"
                )
                ctx.code = 1
                refused = True
        if refused:
            continue
        new = copy.deepcopy(obj)
        values = dict(current)
        values.update(sets)
        for key in removes:
            if key not in values and field == "labels":
                ctx.warn(f'label "{key}" not found.\n')
            values.pop(key, None)
        new["metadata"][field] = values
        if not values:
            new["metadata"].pop(field, None)
        changed = values != current
        try:
            if changed and dry_run != "client":
                new = ctx.patch(new, dry_run=dry_run == "server")
        except ApiError as exc:
            ctx.api_error(exc)
            continue
        if field == "labels":
            verb = (
                "not labeled"
                if not changed
                else ("unlabeled" if removes and not sets else "labeled")
            )
        else:
            verb = "annotated"
        report(ctx, flags, resource, new, verb, dry_run)


# --------------------------------------------------------------------------- expose

EXPOSE_FLAGS = [
    *FILE_FLAGS,
    DRY_RUN,
    Flag("output", "o"),
    Flag("port"),
    Flag("target-port"),
    Flag("protocol"),
    Flag("type"),
    Flag("name"),
    Flag("selector"),
    Flag("labels", "l"),
    Flag("cluster-ip"),
    Flag("external-ip"),
    Flag("load-balancer-ip"),
    Flag("session-affinity"),
    Flag("override-type", default="merge"),
    Flag("overrides", refused=True),
]


def _int_or_name(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def run_expose(ctx: Ctx, flags: Parsed) -> None:
    objects = _objects_for(ctx, flags, "expose")
    dry_run = dry_run_of(flags)
    for resource, obj in objects:
        spec = obj.get("spec") or {}
        if resource.name in {"deployments", "replicasets", "statefulsets", "daemonsets"}:
            sel = spec.get("selector") or {}
            if sel.get("matchExpressions"):
                ctx.err.append(
                    f'error: couldn\'t convert expressions - "{sel["matchExpressions"]}" to map-based selector format\n'
                )
                ctx.code = 1
                continue
            selector = dict(sel.get("matchLabels") or {})
        elif resource.name in {"pods", "services", "replicationcontrollers"}:
            selector = dict(
                ((obj.get("metadata") or {}).get("labels") or {})
                if resource.name == "pods"
                else (spec.get("selector") or {})
            )
        else:
            ctx.err.append(f"error: cannot expose a {resource.kind}\n")
            ctx.code = 1
            continue
        if flags.text("selector"):
            selector = dict(p.split("=", 1) for p in flags.text("selector").split(",") if "=" in p)
        if not selector:
            ctx.err.append(
                "error: couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed\n"
            )
            ctx.code = 1
            continue
        ports: list[dict[str, Any]] = []
        if flags.text("port"):
            for port_text in flags.text("port").split(","):
                item: dict[str, Any] = {
                    "port": int(port_text),
                    "protocol": flags.text("protocol") or "TCP",
                }
                ports.append(item)
        else:
            pod_spec = _pod_spec(resource, dict(obj)) or {}
            for container in pod_spec.get("containers") or []:
                for cp in container.get("ports") or []:
                    ports.append(
                        {
                            "port": int(cp.get("containerPort")),
                            "protocol": cp.get("protocol") or flags.text("protocol") or "TCP",
                        }
                    )
            if resource.name == "services":
                ports = [
                    {"port": p.get("port"), "protocol": p.get("protocol", "TCP")}
                    for p in spec.get("ports") or []
                ]
        if not ports:
            ctx.err.append(
                "error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples\n"
            )
            ctx.code = 1
            continue
        for i, entry in enumerate(ports):
            if len(ports) > 1:
                entry["name"] = f"port-{i + 1}"
            entry["targetPort"] = (
                _int_or_name(flags.text("target-port"))
                if flags.text("target-port")
                else entry["port"]
            )
        name = flags.text("name") or _name(obj)
        service: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": name,
                "namespace": (obj.get("metadata") or {}).get("namespace", ctx.namespace),
            },
            "spec": {"ports": ports, "selector": selector},
        }
        labels = (obj.get("metadata") or {}).get("labels")
        if flags.text("labels"):
            labels = dict(p.split("=", 1) for p in flags.text("labels").split(",") if "=" in p)
        if labels:
            service["metadata"]["labels"] = dict(labels)
        if flags.text("type"):
            service["spec"]["type"] = flags.text("type")
        if flags.text("cluster-ip"):
            service["spec"]["clusterIP"] = flags.text("cluster-ip")
        if flags.text("session-affinity"):
            service["spec"]["sessionAffinity"] = flags.text("session-affinity")
        if flags.text("external-ip"):
            service["spec"]["externalIPs"] = flags.text("external-ip").split(",")
        try:
            if dry_run == "client":
                created = service
            else:
                created = ctx.store.create(service, user=ctx.user, dry_run=dry_run == "server")
        except ApiError as exc:
            ctx.api_error(exc)
            continue
        report(ctx, flags, resolve("services"), created, "exposed", dry_run)


# --------------------------------------------------------------------------- nodes


def _node_targets(ctx: Ctx, flags: Parsed) -> list[dict[str, Any]]:
    if not flags.args and not flags.text("selector"):
        raise KubectlError(
            "USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples"
        )
    nodes = resolve("nodes")
    if flags.text("selector"):
        match = parse_labels(flags.text("selector"))
        return [
            dict(n)
            for n in ctx.store.list(nodes)
            if match((n.get("metadata") or {}).get("labels") or {})
        ]
    out = []
    for name in flags.args:
        node = ctx.store.get(nodes, "", name.removeprefix("node/").removeprefix("nodes/"))
        if node is None:
            raise ApiError("NotFound", f'nodes "{name}" not found')
        out.append(dict(node))
    return out


def run_cordon(ctx: Ctx, flags: Parsed, *, unschedulable: bool) -> None:
    dry_run = dry_run_of(flags)
    for node in _node_targets(ctx, flags):
        name = _name(node)
        if bool((node.get("spec") or {}).get("unschedulable")) == unschedulable:
            ctx.print(f"node/{name} already {'cordoned' if unschedulable else 'uncordoned'}\n")
            continue
        new = copy.deepcopy(node)
        if unschedulable:
            new.setdefault("spec", {})["unschedulable"] = True
        else:
            new.setdefault("spec", {}).pop("unschedulable", None)
        if dry_run != "client":
            ctx.patch(new, dry_run=dry_run == "server")
        ctx.print(
            f"node/{name} {'cordoned' if unschedulable else 'uncordoned'}{_suffix(dry_run)}\n"
        )


def run_drain(ctx: Ctx, flags: Parsed) -> None:
    """kubectl drain: cordon, then evict every Pod but DaemonSet-managed and mirror Pods
    (refusing unmanaged Pods without --force and Pods with emptyDir without
    --delete-emptydir-data, with kubectl's messages), then wait for them to go."""
    dry_run = dry_run_of(flags)
    pods = resolve("pods")
    for node in _node_targets(ctx, flags):
        name = _name(node)
        if not (node.get("spec") or {}).get("unschedulable"):
            new = copy.deepcopy(node)
            new.setdefault("spec", {})["unschedulable"] = True
            if dry_run != "client":
                ctx.patch(new, dry_run=dry_run == "server")
            ctx.print(f"node/{name} cordoned{_suffix(dry_run)}\n")
        else:
            ctx.print(f"node/{name} already cordoned\n")
        on_node = [p for p in ctx.store.list(pods) if (p.get("spec") or {}).get("nodeName") == name]
        if flags.text("pod-selector"):
            try:
                match = parse_labels(flags.text("pod-selector"))
            except SelectorError as exc:
                raise KubectlError(str(exc)) from None
            on_node = [p for p in on_node if match((p.get("metadata") or {}).get("labels") or {})]
        errors: list[tuple[str, str]] = []
        daemon: list[str] = []
        evict: list[dict[str, Any]] = []
        for pod in on_node:
            meta = pod.get("metadata") or {}
            ref = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
            key = f"{meta.get('namespace')}/{meta.get('name')}"
            if (pod.get("status") or {}).get("phase") in {"Succeeded", "Failed"}:
                evict.append(dict(pod))
                continue
            if ref is not None and ref.get("kind") == "DaemonSet":
                daemon.append(key)
                continue
            if ref is None and not flags.on("force"):
                errors.append(
                    ("cannot delete Pods that declare no controller (use --force to override)", key)
                )
                continue
            volumes = (pod.get("spec") or {}).get("volumes") or []
            if any("emptyDir" in v for v in volumes) and not flags.on("delete-emptydir-data"):
                errors.append(
                    (
                        "cannot delete Pods with local storage (use --delete-emptydir-data to override)",
                        key,
                    )
                )
                continue
            evict.append(dict(pod))
        if daemon and not flags.on("ignore-daemonsets"):
            errors.append(
                (
                    "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)",
                    ", ".join(daemon),
                )
            )
        if errors:
            by_reason: dict[str, list[str]] = {}
            for reason, key in errors:
                by_reason.setdefault(reason, []).append(key)
            text = ", ".join(f"{reason}: {', '.join(keys)}" for reason, keys in by_reason.items())
            ctx.err.append(
                f'error: unable to drain node "{name}" due to error: {text}, continuing command...\n'
            )
            ctx.err.append(f"There are pending nodes to be drained:\n {name}\nerror: {text}\n")
            ctx.code = 1
            continue
        if daemon:
            ctx.warn(f"Warning: ignoring DaemonSet-managed Pods: {', '.join(daemon)}\n")
        for pod in evict:
            ctx.print(f"evicting pod {pod['metadata'].get('namespace')}/{_name(pod)}\n")
        if dry_run == "none":
            for pod in evict:
                try:
                    grace = int(flags.get("grace-period"))
                    ctx.store.delete(
                        pods,
                        pod["metadata"].get("namespace", ""),
                        _name(pod),
                        user=ctx.user,
                        grace_seconds=None if grace < 0 else grace,
                    )
                except ApiError as exc:
                    ctx.api_error(exc)
            _wait_gone(ctx, [(pods, p["metadata"].get("namespace", ""), _name(p)) for p in evict])
            for pod in evict:
                ctx.print(f"pod/{_name(pod)} evicted\n")
        ctx.print(f"node/{name} drained{_suffix(dry_run)}\n")


def run_taint(ctx: Ctx, flags: Parsed) -> None:
    args = list(flags.args)
    if not args:
        raise KubectlError("at least one taint update is required")
    if args[0] in {"node", "nodes", "no"}:
        args = args[1:]
    if not args:
        raise KubectlError("at least one taint update is required")
    node_names: list[str] = []
    specs: list[str] = []
    if flags.on("all") or flags.text("selector"):
        match = parse_labels(flags.text("selector")) if flags.text("selector") else None
        node_names = [
            _name(n)
            for n in ctx.store.list("nodes")
            if match is None or match((n.get("metadata") or {}).get("labels") or {})
        ]
        specs = list(args)
    for arg in args if not specs else []:
        (
            specs if (":" in arg or "=" in arg or arg.endswith("-")) and node_names else node_names
        ).append(arg)
    if not specs:
        raise KubectlError("at least one taint update is required")
    adds: list[dict[str, Any]] = []
    removes: list[dict[str, Any]] = []
    for spec in specs:
        remove = spec.endswith("-")
        text = spec[:-1] if remove else spec
        key_value, _, effect = text.partition(":")
        key, _, value = key_value.partition("=")
        if not remove and effect not in {"NoSchedule", "PreferNoSchedule", "NoExecute"}:
            if not effect:
                raise KubectlError(f"invalid taint spec: {spec}, unknown taint spec format")
            raise KubectlError(f"invalid taint effect: {effect}, unsupported taint effect")
        taint: dict[str, Any] = {"key": key, "effect": effect}
        if value:
            taint["value"] = value
        (removes if remove else adds).append(taint)
    nodes = resolve("nodes")
    dry_run = dry_run_of(flags)
    for node_name in node_names:
        node = ctx.store.get(nodes, "", node_name)
        if node is None:
            raise ApiError("NotFound", f'nodes "{node_name}" not found')
        new = copy.deepcopy(dict(node))
        taints = list((new.get("spec") or {}).get("taints") or [])
        for taint in adds:
            same = [
                t
                for t in taints
                if t.get("key") == taint["key"] and t.get("effect") == taint["effect"]
            ]
            if same and not flags.on("overwrite"):
                raise KubectlError(
                    f"node {node_name} already has {taint['key']} taint(s) with same effect(s) and --overwrite is false"
                )
            taints = [t for t in taints if t not in same] + [taint]
        for taint in removes:
            before = len(taints)
            taints = [
                t
                for t in taints
                if not (
                    t.get("key") == taint["key"]
                    and (not taint["effect"] or t.get("effect") == taint["effect"])
                )
            ]
            if len(taints) == before:
                raise KubectlError(
                    f'taint "{taint["key"]}{":" + taint["effect"] if taint["effect"] else ""}" not found'
                )
        new.setdefault("spec", {})["taints"] = taints
        if not taints:
            new["spec"].pop("taints")
        if dry_run != "client":
            ctx.patch(new, dry_run=dry_run == "server")
        verb = (
            "untainted" if removes and not adds else ("modified" if adds and removes else "tainted")
        )
        ctx.print(f"node/{node_name} {verb}{_suffix(dry_run)}\n")


NODE_FLAGS = [DRY_RUN, Flag("selector", "l")]
DRAIN_FLAGS = [
    *NODE_FLAGS,
    Flag("force", kind="bool"),
    Flag("ignore-daemonsets", kind="bool"),
    Flag("delete-emptydir-data", kind="bool"),
    Flag("grace-period", kind="int", default=-1),
    Flag("timeout"),
    Flag("disable-eviction", kind="bool"),
    Flag("pod-selector"),
    Flag("skip-wait-for-delete-timeout", kind="int"),
]
TAINT_FLAGS = [
    *NODE_FLAGS,
    Flag("overwrite", kind="bool"),
    Flag("all", kind="bool"),
    Flag("output", "o"),
]


def refuse_edit(ctx: Ctx, flags: Parsed) -> None:
    raise not_simulated(
        "kubectl edit (it opens an editor): change the file in the Files panel and `kubectl apply -f` it"
    )


__all__ = ["Target"]
