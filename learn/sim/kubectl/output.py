"""`-o yaml`, `-o json`, `-o name` and `-o jsonpath=...` as kubectl prints them.

YAML and JSON come from the object as the API returns it, keys sorted (kubectl prints
unstructured objects, whose maps Go marshals in key order), `managedFields` left out as kubectl
does by default (`--show-managed-fields` shows them; this sandbox keeps none). Several objects
print as a `v1` `List`, as `kubectl get` does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from learn.sim.kube.resources import Resource


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    """Strings as go-yaml (sigs.k8s.io/yaml) writes them: double-quoted when plain would read
    back as another type ("9", "true", "2026-01-05T09:00:00Z", ""), single-quoted when plain
    is not allowed ('*', 'a: b'), literal blocks for multi-line text, plain otherwise."""
    if "\n" in data and data == data.rstrip(" "):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    implicit = dumper.resolve(yaml.ScalarNode, data, (True, False))
    if implicit not in {"tag:yaml.org,2002:str", "tag:yaml.org,2002:yaml"}:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str)


def _clean(obj: Mapping[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(obj))
    meta = out.get("metadata")
    if isinstance(meta, dict):
        meta.pop("managedFields", None)
    return dict(out)


def as_list(objects: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "items": [_clean(o) for o in objects],
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    }


def to_yaml(data: Mapping[str, Any]) -> str:
    return yaml.dump(
        _clean(data) if "items" not in data else dict(data),
        Dumper=_Dumper,
        default_flow_style=False,
        sort_keys=True,
        allow_unicode=True,
        width=10**6,
    )


def to_json(data: Mapping[str, Any]) -> str:
    return (
        json.dumps(
            _clean(data) if "items" not in data else data,
            indent=4,
            sort_keys=True,
            ensure_ascii=False,
        )
        + "\n"
    )


def name_of(resource: Resource, obj: Mapping[str, Any]) -> str:
    return f"{resource.kind_qualified}/{(obj.get('metadata') or {}).get('name', '')}"


# --------------------------------------------------------------------------- jsonpath


class JsonPathError(Exception):
    pass


_TOKEN = re.compile(r"\{(.*?)\}")


def _walk(values: list[Any], path: str) -> list[Any]:
    path = path.strip()
    if path.startswith("$"):
        path = path[1:]
    parts = re.findall(r"\.\.?[^.\[]+|\[[^\]]*\]", path)
    if "".join(parts) != path:
        raise JsonPathError(f"unrecognized identifier {path}")
    for part in parts:
        nxt: list[Any] = []
        if part.startswith("["):
            inner = part[1:-1].strip()
            for value in values:
                if not isinstance(value, list):
                    continue
                if inner == "*":
                    nxt.extend(value)
                elif re.fullmatch(r"-?\d+", inner):
                    index = int(inner)
                    if -len(value) <= index < len(value):
                        nxt.append(value[index])
                    else:
                        raise JsonPathError("array index out of bounds: index " + inner)
                elif re.fullmatch(r"-?\d*:-?\d*", inner):
                    start, _, stop = inner.partition(":")
                    nxt.extend(value[int(start) if start else None : int(stop) if stop else None])
                elif inner.startswith("?("):
                    match = re.fullmatch(r"\?\(@\.([\w.]+)\s*==\s*[\"']([^\"']*)[\"']\)", inner)
                    if not match:
                        raise JsonPathError(f"unsupported filter {inner}")
                    key_path, wanted = match.groups()
                    for item in value:
                        got = _walk([item], "." + key_path)
                        if got and str(got[0]) == wanted:
                            nxt.append(item)
                else:
                    raise JsonPathError(f"unsupported index {inner}")
        else:
            key = part.lstrip(".")
            for value in values:
                if isinstance(value, dict):
                    if key == "*":
                        nxt.extend(value[k] for k in sorted(value))
                    elif key in value:
                        nxt.append(value[key])
        values = nxt
    return values


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    if value is None:
        return ""
    return str(value)


def jsonpath(template: str, data: Any) -> str:
    """The subset of kubectl's JSONPath the course uses: fields, [n], [*], [a:b], filters on
    equality, `range ... end`, and quoted literals such as {"\\n"}."""
    template = template.strip()
    if template and "{" not in template:
        template = "{" + template + "}"
    tokens: list[tuple[str, str]] = []
    pos = 0
    for match in _TOKEN.finditer(template):
        if match.start() > pos:
            tokens.append(("text", template[pos : match.start()]))
        tokens.append(("expr", match.group(1)))
        pos = match.end()
    if pos < len(template):
        tokens.append(("text", template[pos:]))

    def run(items: list[tuple[str, str]], current: Any) -> str:
        out = ""
        i = 0
        while i < len(items):
            kind, text = items[i]
            if kind == "text":
                out += text
                i += 1
                continue
            expr = text.strip()
            if expr.startswith("range "):
                depth, j = 1, i + 1
                while j < len(items):
                    if items[j][0] == "expr" and items[j][1].strip().startswith("range "):
                        depth += 1
                    if items[j][0] == "expr" and items[j][1].strip() == "end":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                if j >= len(items):
                    raise JsonPathError("not in range, nothing to end")
                body = items[i + 1 : j]
                for value in _walk([current], expr[len("range ") :]):
                    out += run(body, value)
                i = j + 1
                continue
            if expr == "end":
                raise JsonPathError("not in range, nothing to end")
            if len(expr) >= 2 and expr[0] == expr[-1] and expr[0] in "\"'":
                out += expr[1:-1].encode().decode("unicode_escape")
            else:
                out += " ".join(_text(v) for v in _walk([current], expr))
            i += 1
        return out

    return run(tokens, data)
