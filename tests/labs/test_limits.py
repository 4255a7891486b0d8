"""Submissions are bounded: size, depth, alias expansion; YAML errors carry a line."""

from __future__ import annotations

import time

import pytest

from learn.labs.checks import run
from learn.labs.limits import MAX_BYTES, LabInputError, safe_load_all

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

# The same bomb through merge keys, which PyYAML flattens by copying: exponential memory.
MERGE_BOMB = "a0: &a0 {k: v}\n" + "".join(
    f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 9)}]}}\n" for i in range(1, 10)
)


@pytest.mark.parametrize("text", [BILLION_LAUGHS, MERGE_BOMB], ids=["lists", "merge-keys"])
def test_billion_laughs_is_refused_quickly(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(LabInputError, match="billion laughs"):
        safe_load_all(text)
    assert time.perf_counter() - started < 1.0


def test_billion_laughs_through_a_check_is_one_failed_input_result() -> None:
    started = time.perf_counter()
    results = run("kubernetes", BILLION_LAUGHS, {"schema": True, "probes": True})
    assert time.perf_counter() - started < 1.0
    assert [(r.name, r.passed) for r in results] == [("input", False)]
    assert "billion laughs" in results[0].message


def test_oversize_is_refused_with_a_clear_message() -> None:
    text = "a: " + "x" * (70 * 1024) + "\n"
    with pytest.raises(LabInputError) as caught:
        safe_load_all(text)
    assert caught.value.message == "The file is 71 KB; the limit is 64 KB."
    results = run("compose", text, {"schema": True})
    assert [(r.name, r.passed) for r in results] == [("input", False)]
    assert "the limit is 64 KB" in results[0].message


def test_the_limit_itself_is_allowed() -> None:
    text = "a: " + "x" * (MAX_BYTES - 10) + "\n"
    assert safe_load_all(text) == [{"a": "x" * (MAX_BYTES - 10)}]


def test_size_counts_bytes_not_characters() -> None:
    with pytest.raises(LabInputError, match="limit is 64 KB"):
        safe_load_all("a: " + "\u00e9" * (40 * 1024))


@pytest.mark.parametrize(
    "text",
    [
        "[" * 30_000 + "]" * 30_000,
        "{a: " * 12_000 + "1" + "}" * 12_000,
        "".join("  " * i + "- \n" for i in range(200)),
    ],
    ids=["flow-lists", "flow-maps", "block"],
)
def test_deep_nesting_is_refused_without_crashing(text: str) -> None:
    # libyaml's composer is recursive C: 30 000 levels crash the interpreter, so this must be
    # caught before composing.
    started = time.perf_counter()
    with pytest.raises(LabInputError, match="nested more than"):
        safe_load_all(text)
    assert time.perf_counter() - started < 1.0


def test_depth_through_a_chain_of_aliases_is_refused() -> None:
    # Each anchor nests the previous one: shallow text, deep data.
    text = "a0: &a0 [[[[[x]]]]]\n" + "".join(
        f"a{i}: &a{i} [[[[[*a{i - 1}]]]]]\n" for i in range(1, 40)
    )
    with pytest.raises(LabInputError, match="counting what its aliases"):
        safe_load_all(text)


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(LabInputError, match="refers to itself"):
        safe_load_all("a: &a [*a]\n")


def test_yaml_syntax_error_has_its_line() -> None:
    with pytest.raises(LabInputError) as caught:
        safe_load_all("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n")
    assert caught.value.line == 5
    assert caught.value.message.startswith("YAML syntax error on line 5:")


def test_ordinary_anchors_and_merges_still_work() -> None:
    text = "x-base: &base {restart: always, image: app:1}\nservices:\n  web: {<<: *base}\n"
    assert safe_load_all(text)[0]["services"]["web"] == {"restart": "always", "image": "app:1"}


def test_values_load_the_way_the_api_server_reads_them() -> None:
    # Timestamps stay strings; keys become strings as in JSON; "=" is a string.
    (doc,) = safe_load_all("date: 2024-01-01\n80: http\ntrue: 1\nop: =\n")
    assert doc == {"date": "2024-01-01", "80": "http", "true": 1, "op": "="}


def test_only_safe_tags() -> None:
    with pytest.raises(LabInputError, match="YAML syntax error"):
        safe_load_all("!!python/object/apply:os.system ['true']\n")


def test_empty_documents_are_kept_as_none() -> None:
    assert safe_load_all("---\n---\na: 1\n") == [None, {"a": 1}]
