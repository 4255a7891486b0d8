"""`kubectl explain`: fields and their documentation from the same OpenAPI schemas the labs
validate against (learn/labs/validators.py: kubernetes-validate's bundled definitions), in
kubectl's plaintext layout (GROUP/KIND/VERSION, FIELD, DESCRIPTION, FIELDS)."""

from __future__ import annotations

import textwrap
from typing import Any

from learn.sim.kube.resources import lookup
from learn.sim.kubectl.context import KubectlError


def _defs() -> dict[str, Any]:
    from learn.labs import validators

    return validators._k8s_definitions()


def _ref(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    if isinstance(ref, str) and "#/$defs/" in ref:
        return ref.split("#/$defs/", 1)[1]
    for item in node.get("allOf") or []:
        found = _ref(item)
        if found:
            return found
    return None


def _type_name(node: dict[str, Any]) -> str:
    ref = _ref(node)
    if ref:
        short = ref.rsplit(".", 1)[-1]
        if short == "IntOrString":
            return "IntOrString"
        if short == "Quantity":
            return "Quantity"
        if short in {"Time", "MicroTime"}:
            return "string"
        schema = _defs().get(ref) or {}
        if "properties" not in schema and schema.get("type"):
            return _type_name(schema)
        return short
    kinds = node.get("type")
    if isinstance(kinds, list):
        kinds = next((k for k in kinds if k != "null"), "string")
    if kinds == "array":
        return "[]" + _type_name(node.get("items") or {})
    if kinds == "object":
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            return "map[string]" + _type_name(extra)
        return "Object"
    return str(kinds or "Object")


def _target(node: dict[str, Any]) -> dict[str, Any]:
    """The schema a field's type points at (through arrays and maps)."""
    ref = _ref(node)
    if ref:
        return _defs().get(ref) or {}
    kinds = node.get("type")
    if (kinds == "array" or (isinstance(kinds, list) and "array" in kinds)) and isinstance(
        node.get("items"), dict
    ):
        return _target(node["items"])
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        return _target(extra)
    return node


def _wrap(text: str, indent: int) -> str:
    out = []
    for paragraph in (text or "").split("\n"):
        lines = textwrap.wrap(
            paragraph, width=80 - indent, break_long_words=False, break_on_hyphens=False
        ) or [""]
        out += [" " * indent + line for line in lines]
    return "\n".join(out) + "\n"


def explain(path: str, *, recursive: bool = False, api_version: str = "") -> str:
    kind_text, _, field_path = path.partition(".")
    resource = lookup(kind_text)
    # `kubectl explain deployments.apps.spec`: a group qualifier is part of the type.
    parts = [p for p in field_path.split(".") if p] if field_path else []
    if resource is None:
        raise KubectlError(f'the server doesn\'t have a resource type "{kind_text}"')
    if (
        parts
        and lookup(f"{kind_text}.{parts[0]}") is not None
        and "." not in resource.group
        and parts[0] == resource.group.split(".")[0]
    ):
        parts = parts[1:]
    group = resource.group
    version = api_version.rpartition("/")[2] if api_version else resource.version
    prefix = (
        "io.k8s.api."
        + (
            (group.split(".")[0] if group else "core")
            if group != "rbac.authorization.k8s.io"
            else "rbac"
        )
        + f".{version}."
    )
    if group == "networking.k8s.io":
        prefix = f"io.k8s.api.networking.{version}."
    name = prefix + resource.kind
    schema = _defs().get(name)
    if schema is None:
        raise KubectlError(
            f'couldn\'t find resource for "{resource.api_version}, Kind={resource.kind}"'
        )
    head = (
        f"GROUP:      {group}\n" if group else ""
    ) + f"KIND:       {resource.kind}\nVERSION:    {version}\n\n"
    node: dict[str, Any] = schema
    field_node: dict[str, Any] | None = None
    for part in parts:
        target = _target(node)
        props = target.get("properties") or {}
        if part not in props:
            raise KubectlError(f'field "{part}" does not exist')
        field_node = props[part]
        node = field_node
    out = head
    if field_node is not None:
        out += f"FIELD: {parts[-1]} <{_type_name(field_node)}>\n\n"
        description = field_node.get("description") or _target(field_node).get("description", "")
        out += "\nDESCRIPTION:\n" + _wrap(description, 4) + "    \n"
        target = _target(field_node)
    else:
        out += "DESCRIPTION:\n" + _wrap(schema.get("description", ""), 4) + "    \n"
        target = schema
    props = target.get("properties") or {}
    if props:
        out += "FIELDS:\n"
        out += _fields(target, 1, recursive, set())
    return out


def _fields(schema: dict[str, Any], level: int, recursive: bool, seen: set[int]) -> str:
    required = set(schema.get("required") or [])
    out = ""
    for name in sorted(schema.get("properties") or {}):
        field = schema["properties"][name]
        tag = " -required-" if name in required else ""
        indent = "  " * level
        if recursive:
            out += f"{indent}{name}\t<{_type_name(field)}>{tag}\n"
            target = _target(field)
            if target.get("properties") and id(target) not in seen and level < 12:
                out += _fields(target, level + 1, True, seen | {id(target)})
        else:
            out += f"{indent}{name}\t<{_type_name(field)}>{tag}\n"
            description = field.get("description") or _target(field).get("description", "")
            out += _wrap(description, 4) + "\n"
    return out
