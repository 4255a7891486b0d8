"""`kubectl get`: tables, -o wide|yaml|json|name|jsonpath, -l, --field-selector, -A,
--show-labels, -L, and -w (watching while simulated time passes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from learn.sim import clock
from learn.sim.kube.api import ApiError
from learn.sim.kube.resources import Resource
from learn.sim.kubectl import output, printers
from learn.sim.kubectl.builder import (
    Target,
    manifest_name,
    manifests,
    mapping_of,
    namespace_for,
    targets,
)
from learn.sim.kubectl.context import Ctx, KubectlError, not_simulated
from learn.sim.kubectl.flags import Flag, Parsed
from learn.sim.kubectl.selectors import SelectorError, format_labels, parse_fields, parse_labels

OUTPUT_FLAGS = [
    Flag("output", "o"),
    Flag("show-labels", kind="bool"),
    Flag("label-columns", "L", kind="list"),
    Flag("no-headers", kind="bool"),
    Flag("show-kind", kind="bool"),
    Flag("show-managed-fields", kind="bool"),
    Flag("sort-by"),
    Flag("template"),
    Flag("allow-missing-template-keys", kind="bool", default=True),
]

SELECT_FLAGS = [
    Flag("selector", "l"),
    Flag("field-selector"),
    Flag("all-namespaces", "A", kind="bool"),
    Flag("filename", "f", kind="array"),
    Flag("recursive", "R", kind="bool"),
]

GET_FLAGS = [
    *OUTPUT_FLAGS,
    *SELECT_FLAGS,
    Flag("watch", "w", kind="bool"),
    Flag("watch-only", kind="bool"),
    Flag("output-watch-events", kind="bool", refused=True),
    Flag("ignore-not-found", kind="bool"),
    Flag("chunk-size", kind="int", default=500),
    Flag("raw", refused=True),
    Flag("subresource", refused=True),
]

WATCH_SECONDS = 30

NO_TYPE = (
    'You must specify the type of resource to get. Use "kubectl api-resources" for a complete '
    "list of supported resources.\n\n"
    "error: Required resource not specified.\n"
    'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\n'
    "See 'kubectl get -h' for help and examples\n"
)

FORMATS = (
    "json",
    "yaml",
    "name",
    "go-template",
    "go-template-file",
    "template",
    "templatefile",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "custom-columns",
    "custom-columns-file",
    "wide",
)


def check_output(fmt: str) -> None:
    kind = fmt.partition("=")[0]
    if fmt and kind not in FORMATS:
        raise KubectlError(
            f'unable to match a printer suitable for the output format "{fmt}", allowed formats '
            "are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
            "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
        )
    if kind in {
        "go-template",
        "go-template-file",
        "template",
        "templatefile",
        "jsonpath-file",
        "custom-columns-file",
    }:
        raise not_simulated(f"-o {kind}")


def _selectors(flags: Parsed, resource: Resource) -> tuple[Any, Any]:
    try:
        labels = parse_labels(flags.text("selector"))
        fields = parse_fields(flags.text("field-selector"), resource.name)
    except SelectorError as exc:
        raise KubectlError(str(exc)) from None
    return labels, fields


def collect(
    ctx: Ctx, flags: Parsed, found: list[Target], verb: str = "get"
) -> tuple[list[tuple[Resource, dict[str, Any]]], list[str]]:
    """The objects the targets name, in order; missing named objects are reported as the API
    server reports them (and kubectl carries on with the rest)."""
    all_ns = flags.on("all-namespaces")
    objects: list[tuple[Resource, dict[str, Any]]] = []
    errors: list[str] = []
    for target in found:
        resource = target.resource
        namespace = (
            None
            if (all_ns and resource.namespaced and target.name is None)
            else (target.namespace or ctx.namespace)
        )
        try:
            ctx.store.authorize(
                ctx.user,
                "get" if target.name else "list",
                resource,
                (namespace or "") if resource.namespaced else "",
                target.name or "",
            )
            if target.name is not None:
                if resource.name == "events" and resource.group == "":
                    obj = _event_named(ctx, target.name)
                else:
                    obj = ctx.store.get(
                        resource, (namespace or "") if resource.namespaced else "", target.name
                    )
                if obj is None:
                    if flags.on("ignore-not-found"):
                        continue
                    raise ApiError("NotFound", f'{resource.qualified} "{target.name}" not found')
                objects.append((resource, dict(obj)))
                continue
            labels, fields = _selectors(flags, resource)
            if resource.name == "events" and resource.group == "":
                # The API server lists events by name, and an event's name is its object's
                # name and the hex of the moment it was first recorded: so by object, then in
                # time (the sort is stable over the store's chronological order).
                items = list(ctx.store.all_events(namespace))
                items.sort(
                    key=lambda e: (
                        e["metadata"].get("namespace", ""),
                        (e.get("involvedObject") or {}).get("name", ""),
                        e.get("firstTimestamp") or "",
                    )
                )
            else:
                items = ctx.store.list(resource, namespace if resource.namespaced else None)
            for obj in items:
                if labels((obj.get("metadata") or {}).get("labels") or {}) and fields(obj):
                    objects.append((resource, dict(obj)))
        except ApiError as exc:
            errors.append(f"Error from server ({exc.reason}): {exc.message}\n")
    return objects, errors


def _event_named(ctx: Ctx, name: str) -> dict[str, Any] | None:
    for event in ctx.store.all_events(ctx.namespace):
        if event["metadata"]["name"] == name:
            return dict(event)
    return None


def _no_resources(ctx: Ctx, flags: Parsed, found: list[Target]) -> str:
    # kubectl's get.go names the namespace only when every listed kind is namespaced
    # (allResourcesNamespaced): `get storageclass` or `get pods,pv` answer without one.
    if flags.on("all-namespaces") or not all(t.resource.namespaced for t in found):
        return "No resources found\n"
    return f"No resources found in {ctx.namespace} namespace.\n"


def table(
    ctx: Ctx,
    flags: Parsed,
    objects: list[tuple[Resource, dict[str, Any]]],
    *,
    with_kind: bool,
    headers: bool = True,
    widths: dict[str, list[int]] | None = None,
) -> str:
    """One table per kind, separated by blank lines, as kubectl prints several kinds."""
    wide = flags.text("output") == "wide"
    all_ns = flags.on("all-namespaces")
    label_columns = flags.many("label-columns")
    groups: list[tuple[Resource, list[dict[str, Any]]]] = []
    for resource, obj in objects:
        if groups and groups[-1][0] == resource:
            groups[-1][1].append(obj)
        else:
            groups.append((resource, [obj]))
    chunks = []
    for resource, items in groups:
        head = printers.headers(resource, wide=wide)
        rows = []
        for obj in items:
            cells = printers.row(ctx.world, resource, obj, wide=wide)
            if with_kind or flags.on("show-kind"):
                name_at = 3 if resource.name == "events" else 0
                if resource.name != "events":
                    cells[name_at] = f"{resource.kind_qualified}/{cells[name_at]}"
            if all_ns and resource.namespaced:
                cells.insert(0, (obj.get("metadata") or {}).get("namespace", ""))
            labels = (obj.get("metadata") or {}).get("labels") or {}
            for key in label_columns:
                cells.append(labels.get(key, ""))
            if flags.on("show-labels"):
                cells.append(format_labels(labels))
            rows.append(cells)
        columns = list(head)
        if all_ns and resource.namespaced:
            columns.insert(0, "NAMESPACE")
        columns += [str(k).rpartition("/")[2].upper() for k in label_columns]
        if flags.on("show-labels"):
            columns.append("LABELS")
        if headers and not flags.on("no-headers"):
            rows.insert(0, columns)
        key = resource.qualified
        chunks.append(printers.render(rows, None if widths is None else widths.setdefault(key, [])))
    return "\n".join(chunks)


def _sort(ctx: Ctx, flags: Parsed, objects: list[tuple[Resource, dict[str, Any]]]) -> None:
    expr = flags.text("sort-by")
    if not expr:
        return

    def key(item: tuple[Resource, dict[str, Any]]) -> tuple[int, Any]:
        try:
            got = output.jsonpath("{" + expr.strip("{}") + "}", item[1])
        except output.JsonPathError:
            got = ""
        try:
            return (0, float(got))
        except ValueError:
            return (1, got)

    objects.sort(key=key)


def print_objects(
    ctx: Ctx,
    flags: Parsed,
    objects: list[tuple[Resource, dict[str, Any]]],
    *,
    single: bool,
    with_kind: bool,
) -> str:
    fmt = flags.text("output")
    kind, _, arg = fmt.partition("=")
    if kind in {"yaml", "json"}:
        data: Mapping[str, Any] = (
            objects[0][1]
            if single and len(objects) == 1
            else output.as_list([o for _, o in objects])
        )
        return output.to_yaml(data) if kind == "yaml" else output.to_json(data)
    if kind == "name":
        return "".join(output.name_of(r, o) + "\n" for r, o in objects)
    if kind in {"jsonpath", "jsonpath-as-json"}:
        data = (
            objects[0][1]
            if single and len(objects) == 1
            else output.as_list([o for _, o in objects])
        )
        try:
            text = output.jsonpath(arg.strip("'\""), data)
        except output.JsonPathError as exc:
            raise KubectlError(f"error executing jsonpath {arg!r}: {exc}") from None
        return text
    if kind == "custom-columns":
        return _custom_columns(arg, objects, flags)
    return table(ctx, flags, objects, with_kind=with_kind)


def _custom_columns(
    spec: str, objects: list[tuple[Resource, dict[str, Any]]], flags: Parsed
) -> str:
    columns = []
    for part in spec.split(","):
        head, sep, expr = part.partition(":")
        if not sep:
            raise KubectlError(
                f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )
        columns.append((head, expr))
    rows = [] if flags.on("no-headers") else [[h for h, _ in columns]]
    for _, obj in objects:
        cells = []
        for _, expr in columns:
            try:
                value = output.jsonpath("{" + expr.strip("{}") + "}", obj)
            except output.JsonPathError:
                value = ""
            cells.append(value if value != "" else "<none>")
        rows.append(cells)
    return printers.render(rows)


def run_get(ctx: Ctx, flags: Parsed) -> None:
    fmt = flags.text("output")
    check_output(fmt)
    if flags.many("filename"):
        found = []
        for manifest in manifests(ctx, flags.many("filename"), recursive=flags.on("recursive")):
            resource = mapping_of(manifest)
            if not manifest_name(manifest):
                raise KubectlError("resource name may not be empty")
            found.append(
                Target(resource, manifest_name(manifest), namespace_for(ctx, manifest, resource))
            )
        if flags.args:
            raise KubectlError(
                "when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well"
            )
    else:
        if not flags.args:
            ctx.err.append(NO_TYPE)
            ctx.code = 1
            return
        found = targets(flags.args)
        if flags.on("all-namespaces") and any(t.name is not None for t in found):
            raise KubectlError("a resource cannot be retrieved by name across all namespaces")
    single = len(found) == 1 and found[0].name is not None
    with_kind = len({t.resource.qualified for t in found}) > 1 or flags.args[:1] == ["all"]
    if flags.on("watch") or flags.on("watch-only"):
        _watch(ctx, flags, found, with_kind)
        return
    if any(t.resource.name == "endpoints" for t in found):
        # The API server's deprecation warning (KEP-4974), which kubectl prints as it arrives.
        ctx.warn(
            "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
        )
    objects, errors = collect(ctx, flags, found)
    _sort(ctx, flags, objects)
    if errors:
        ctx.err.extend(errors)
        ctx.code = 1
    if not objects:
        if not errors and not single and fmt.partition("=")[0] not in {"yaml", "json"}:
            ctx.err.append(_no_resources(ctx, flags, found))
        elif not errors and fmt.partition("=")[0] in {"yaml", "json"} and not single:
            ctx.print(print_objects(ctx, flags, [], single=False, with_kind=with_kind))
        return
    ctx.print(print_objects(ctx, flags, objects, single=single, with_kind=with_kind))


def parse_seconds(text: str) -> float:
    """A Go duration as kubectl's flags take it (`30s`, `2m`, `1m30s`, `90`), in seconds."""
    import re

    text = text.strip()
    if not text or text == "0":
        return 0.0
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", text)
    if not parts or "".join(a + b for a, b in parts) != text:
        raise KubectlError(f'invalid argument "{text}": time: invalid duration "{text}"')
    unit = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    return sum(float(a) * unit[b] for a, b in parts)


def _watch(ctx: Ctx, flags: Parsed, found: list[Target], with_kind: bool) -> None:
    """`get -w`: the table now, then a row for every change while time passes. A real watch
    never ends; here it ends after --request-timeout (default 30 simulated seconds)."""
    if len({t.resource.qualified for t in found}) > 1:
        raise KubectlError("you may only specify a single resource type")
    fmt = flags.text("output").partition("=")[0]
    seconds = parse_seconds(flags.text("request-timeout")) or WATCH_SECONDS
    objects, errors = collect(ctx, flags, found)
    if errors:
        ctx.err.extend(errors)
        ctx.code = 1
        return
    widths: dict[str, list[int]] = {}
    if not flags.on("watch-only"):
        if objects:
            ctx.print(_watch_chunk(ctx, flags, objects, with_kind, widths, headers=True, fmt=fmt))
        else:
            ctx.err.append(_no_resources(ctx, flags, found))
    printed_header = bool(objects) and not flags.on("watch-only")
    resource = found[0].resource
    wanted_name = found[0].name
    labels, fields = _selectors(flags, resource)
    all_ns = flags.on("all-namespaces")
    store = ctx.store

    def on_change(kind: str, obj: dict[str, Any]) -> None:
        nonlocal printed_header
        if obj.get("kind") != resource.kind:
            return
        meta = obj.get("metadata") or {}
        if resource.namespaced and not all_ns and meta.get("namespace") != ctx.namespace:
            return
        if wanted_name is not None and meta.get("name") != wanted_name:
            return
        if not (labels(meta.get("labels") or {}) and fields(obj)):
            return
        ctx.print(
            _watch_chunk(
                ctx,
                flags,
                [(resource, dict(obj))],
                with_kind,
                widths,
                headers=not printed_header,
                fmt=fmt,
            )
        )
        printed_header = True

    store.watchers.append(on_change)
    try:
        clock.advance(ctx.world, int(seconds * 1000))
    finally:
        store.watchers.remove(on_change)


def _watch_chunk(
    ctx: Ctx,
    flags: Parsed,
    objects: list[tuple[Resource, dict[str, Any]]],
    with_kind: bool,
    widths: dict[str, list[int]],
    *,
    headers: bool,
    fmt: str,
) -> str:
    if fmt in {"yaml", "json", "name", "jsonpath"}:
        out = ""
        for item in objects:
            text = print_objects(ctx, flags, [item], single=True, with_kind=with_kind)
            out += ("---\n" + text) if fmt == "yaml" and out else text
        return out
    return table(ctx, flags, objects, with_kind=with_kind, headers=headers, widths=widths)
