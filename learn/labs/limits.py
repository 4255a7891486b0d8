"""Bounded, safe YAML loading for lab submissions.

A submission is untrusted text from the browser. Before anything walks it we make sure that
it is small, shallow and cannot expand through anchors and aliases ("billion laughs"): PyYAML
shares aliased nodes by reference, so the bomb is cheap to *load* but every later walk
(jsonschema, our own checks) would visit each alias again and never finish.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml

MAX_BYTES = 64 * 1024
# Nesting deeper than this is refused before composing: libyaml composes recursively in C and
# crashes the process on a 30 000-deep "[[[[...", and real manifests stay well under 30.
MAX_DEPTH = 64
# Nodes after following every alias. A 64 KB manifest holds at most a few thousand nodes; a
# compose file with `<<: *defaults` merges multiplies that a little, a bomb by billions.
MAX_NODES = 50_000
MAX_ALIASES = 1_000
MAX_DOCUMENTS = 100
# Longest integer accepted. Python refuses to convert more than 4300 digits (a ValueError a
# plain loader lets escape as a 500); no Kubernetes or Compose field holds more than int64,
# 19 digits, so anything longer is an error in the file, reported with its line.
MAX_INT_DIGITS = 100

# hadolint is a subprocess that can run for minutes on a crafted file (quoted command
# substitutions nested 16 deep: over 30 s; 60 lines nested 4 deep: 2 s). It runs inside the
# request, so without bounds six anonymous clients held every gunicorn thread and an ordinary
# lesson page took 8 to 19 s. Bounds, each tested (tests/labs/test_hadolint_bounds.py):
# - a timeout well under gunicorn's 30 s (a real Dockerfile lints in well under 0.2 s),
# - at most HADOLINT_SLOTS runs at once per process; a check that cannot get a slot within
#   HADOLINT_WAIT seconds is answered "busy, try again" and nothing is stored,
# - results cached by content hash, so resending the same file costs nothing,
# - nesting of `$(` refused before hadolint runs (validators.substitution_depth),
# - and lab checks rate-limited per learner and per address (learn/core/ratelimit.py).
HADOLINT_TIMEOUT = 3.0
HADOLINT_SLOTS = 1
HADOLINT_WAIT = 0.25
_hadolint_slots = threading.BoundedSemaphore(HADOLINT_SLOTS)


class LabBusy(Exception):
    """The checker is at its concurrency limit; the learner should retry shortly."""

    message = (
        "The Dockerfile checker is busy with other learners' files right now. Nothing was "
        "saved: try again in a moment."
    )


@contextmanager
def hadolint_slot(wait: float = HADOLINT_WAIT) -> Iterator[None]:
    if not _hadolint_slots.acquire(timeout=wait):
        raise LabBusy(LabBusy.message)
    try:
        yield
    finally:
        _hadolint_slots.release()


_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LabInputError(ValueError):
    """The submission cannot be checked at all (too big, not YAML, a bomb)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _construct_str(loader: Any, node: yaml.ScalarNode) -> str:
    return str(node.value)


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    digits = sum(ch.isdigit() for ch in str(node.value))
    if digits > MAX_INT_DIGITS:
        line = _line(node.start_mark)
        raise LabInputError(
            f"The number on line {line} has {digits} digits; no field takes a number that "
            "long (Kubernetes and Compose numbers fit in 19 digits).",
            line=line,
        )
    return int(yaml.constructor.SafeConstructor.construct_yaml_int(loader, node))


def _key_str(key: Any) -> Any:
    # Kubernetes and Compose turn YAML into JSON, whose keys are strings: `80: http` becomes
    # "80". Doing the same keeps schema keywords (patternProperties) from meeting an int.
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, int | float):
        return str(key)
    return key


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe loader that reads YAML the way the Kubernetes and Compose tools see it."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        return {_key_str(key): value for key, value in mapping.items()}


# Timestamps stay strings: `date: 2024-01-01` is a string to the API server, not a date that
# would then fail a `type: string` schema check.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
# A bare `=` resolves to the YAML 1.1 "value" tag that SafeLoader cannot construct.
_Loader.add_constructor("tag:yaml.org,2002:value", _construct_str)


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


def _yaml_error(exc: yaml.YAMLError) -> LabInputError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    detail = f"{problem} ({context})" if context else problem
    where = f" on line {line}" if line else ""
    return LabInputError(f"YAML syntax error{where}: {detail}.", line=line)


def check_size(text: str) -> None:
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise LabInputError(
            f"The file is {math.ceil(size / 1024)} KB; the limit is {MAX_BYTES // 1024} KB."
        )


def _prescan(text: str) -> None:
    """Refuse deep nesting and alias floods from the event stream, before any node exists.

    The libyaml event parser keeps its stack on the heap, so this is safe on any input, and it
    stops at the first offending event.
    """
    depth = 0
    aliases = 0
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = _line(event.start_mark)
                    raise LabInputError(
                        f"The YAML is nested more than {MAX_DEPTH} levels deep (line {line}).",
                        line=line,
                    )
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    line = _line(event.start_mark)
                    raise LabInputError(
                        f"The YAML uses more than {MAX_ALIASES} aliases (*name); "
                        "write the values out instead.",
                        line=line,
                    )
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > MAX_DOCUMENTS:
                    raise LabInputError(
                        f"The file holds more than {MAX_DOCUMENTS} YAML documents.",
                        line=_line(event.start_mark),
                    )
    except yaml.YAMLError as exc:
        raise _yaml_error(exc) from None


def _expanded_size(root: yaml.Node) -> int:
    """Count nodes as a consumer would see them, with every alias expanded.

    Aliased nodes are the same Python object, so memoising by identity makes this linear in
    the composed graph even when the expansion is exponential. The depth is bounded here too,
    counting through aliases: a chain of anchors each nesting the previous one is shallow in
    the text but deep to every recursive walk that comes later (jsonschema, our checks). A
    node that contains itself (`&a [*a]`) would expand forever and is refused.
    """
    seen: dict[int, tuple[int, int]] = {}  # id -> (expanded size, height)
    in_progress: set[int] = set()

    def too_deep(node: yaml.Node) -> LabInputError:
        line = _line(node.start_mark)
        return LabInputError(
            f"The YAML is nested more than {MAX_DEPTH} levels deep, counting what its "
            f"aliases (*name) bring in (line {line}).",
            line=line,
        )

    def visit(node: yaml.Node, level: int) -> tuple[int, int]:
        key = id(node)
        if key in seen:
            size, height = seen[key]
            if level + height > MAX_DEPTH:
                raise too_deep(node)
            return size, height
        if key in in_progress:
            line = _line(node.start_mark)
            raise LabInputError(
                f"The YAML refers to itself through an alias (line {line}).", line=line
            )
        if level > MAX_DEPTH:
            raise too_deep(node)
        in_progress.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        total, height = 1, 0
        for child in children:
            child_size, child_height = visit(child, level + 1)
            total += child_size
            height = max(height, child_height + 1)
        in_progress.discard(key)
        # Saturate: once past the limit the exact figure no longer matters.
        seen[key] = (min(total, MAX_NODES + 1), height)
        return seen[key]

    return visit(root, 0)[0]


def load_with_nodes(text: str) -> list[tuple[Any, yaml.Node | None]]:
    """Every document of a YAML stream as (data, node); node keeps the line numbers.

    Raises LabInputError for anything that cannot be checked safely.
    """
    check_size(text)
    _prescan(text)
    loader = _Loader(text)
    documents: list[tuple[Any, yaml.Node | None]] = []
    total = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                documents.append((None, None))
                continue
            total += _expanded_size(node)
            if total > MAX_NODES:
                raise LabInputError(
                    f"The YAML expands to more than {MAX_NODES} values through anchors and "
                    "aliases; that is refused as a possible \u201cbillion laughs\u201d bomb.",
                    line=_line(node.start_mark),
                )
            documents.append((loader.construct_document(node), node))
    except yaml.YAMLError as exc:
        raise _yaml_error(exc) from None
    except RecursionError:
        # Belt and braces: _prescan bounds the depth, so this should not happen.
        raise LabInputError(f"The YAML is nested more than {MAX_DEPTH} levels deep.") from None
    finally:
        loader.dispose()
    return documents


def safe_load_all(text: str) -> list[Any]:
    """yaml.safe_load_all with a size limit, a depth limit and an alias-bomb guard."""
    return [data for data, _node in load_with_nodes(text)]


def iter_documents(text: str) -> Iterator[tuple[int, Any, yaml.Node | None]]:
    """(index, data, node) for every document; a convenience for the validators."""
    for index, (data, node) in enumerate(load_with_nodes(text)):
        yield index, data, node
