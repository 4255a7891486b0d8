"""`-o yaml`, `-o json`, `-o name` and `-o jsonpath=...` as kubectl prints them.

YAML and JSON come from the object as the API returns it, keys sorted (kubectl prints
unstructured objects, whose maps Go marshals in key order), `managedFields` left out as kubectl
does by default (`--show-managed-fields` shows them; this sandbox keeps none). Several objects
print as a `v1` `List`, as `kubectl get` does.
"""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from learn.sim.kube.resources import Resource

_RESOLVER = yaml.resolver.Resolver()
_EMITTER = yaml.emitter.Emitter(io.StringIO())  # only its scalar analysis is used


@functools.lru_cache(maxsize=8192)
def _scalar(text: str) -> str:
    """A string as go-yaml (sigs.k8s.io/yaml) writes it: double-quoted when plain would read
    back as another type ("9", "true", "2026-01-05T09:00:00Z", ""), single-quoted when plain
    is not allowed ('*', 'a: b'), plain otherwise."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag not in {"tag:yaml.org,2002:str", "tag:yaml.org,2002:yaml"}:
        return json.dumps(text, ensure_ascii=False)
    analysis = _EMITTER.analyze_scalar(text)
    if not analysis.allow_block_plain or analysis.multiline:
        if analysis.allow_single_quoted and "\n" not in text:
            return "'" + text.replace("'", "''") + "'"
        return json.dumps(text, ensure_ascii=False)
    return text


def _literal(text: str, indent: str) -> str | None:
    """Multi-line text as a literal block (`|`, `|-` without a final newline)."""
    if (
        "\n" not in text
        or any(line != line.rstrip(" \t") for line in text.split("\n"))
        or text.startswith(" ")
    ):
        return None
    chomp = (
        ""
        if text.endswith("\n") and not text.endswith("\n\n")
        else ("-" if not text.endswith("\n") else "+")
    )
    body = text[:-1] if text.endswith("\n") else text
    return f"|{chomp}\n" + "\n".join(f"{indent}{line}" if line else "" for line in body.split("\n"))


def _value(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return _scalar(str(value))


def _emit(value: Any, indent: str, out: list[str]) -> None:
    """Block YAML as go-yaml emits it: keys sorted, two-space indent, sequences not indented
    under their key."""
    if isinstance(value, dict):
        for key in sorted(value):
            item = value[key]
            head = f"{indent}{_scalar(str(key))}:"
            if isinstance(item, dict) and item:
                out.append(head)
                _emit(item, indent + "  ", out)
            elif isinstance(item, list) and item:
                out.append(head)
                _emit(item, indent, out)
            elif isinstance(item, dict):
                out.append(head + " {}")
            elif isinstance(item, list):
                out.append(head + " []")
            elif isinstance(item, str) and (block := _literal(item, indent + "  ")) is not None:
                out.append(f"{head} {block}")
            else:
                out.append(f"{head} {_value(item)}")
        return
    for item in value:
        if isinstance(item, (dict, list)) and item:
            sub: list[str] = []
            _emit(item, indent + "  ", sub)
            first = sub[0][len(indent) + 2 :]
            out.append(f"{indent}- {first}")
            out.extend(sub[1:])
        elif isinstance(item, dict):
            out.append(f"{indent}- {{}}")
        elif isinstance(item, list):
            out.append(f"{indent}- []")
        elif isinstance(item, str) and (block := _literal(item, indent + "  ")) is not None:
            out.append(f"{indent}- {block}")
        else:
            out.append(f"{indent}- {_value(item)}")


def _clean(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The object as kubectl shows it by default: without metadata.managedFields. Shares the
    rest (printing never mutates)."""
    out = dict(obj)
    meta = out.get("metadata")
    if isinstance(meta, dict) and "managedFields" in meta:
        out["metadata"] = {k: v for k, v in meta.items() if k != "managedFields"}
    return out


def as_list(objects: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "items": [_clean(o) for o in objects],
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    }


def to_yaml(data: Mapping[str, Any]) -> str:
    out: list[str] = []
    _emit(_clean(data) if "items" not in data else dict(data), "", out)
    return "\n".join(out) + "\n"


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
                    match = re.fullmatch(
                        r"\?\(@\.([\w.]+)\s*(==|!=)\s*[\"']?([^\"')]*)[\"']?\)", inner
                    )
                    if not match:
                        raise JsonPathError(f"unsupported filter {inner}")
                    key_path, op, wanted = match.groups()
                    for item in value:
                        got = _walk([item], "." + key_path)
                        same = bool(got) and _text(got[0]) == wanted
                        if same == (op == "=="):
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
