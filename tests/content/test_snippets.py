"""Every snippet in the course passes the real validator, and every deliberately broken one
fails it. Failures name the lesson file and line."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml
from django.conf import settings

from learn.content.parser import CodeBlock, load_course
from learn.labs.validators import compose_problems, hadolint_problems, kubernetes_problems

MODULES, PROBLEMS = load_course(settings.LESSONS_DIR)
BLOCKS = [
    block
    for module in MODULES
    for lesson in module.lessons
    for block in lesson.code_blocks
    if block.lang in {"yaml", "yml", "dockerfile"}
]


def classify(block: CodeBlock) -> str:
    if block.lang == "dockerfile":
        return "dockerfile"
    if "fragment" in block.flags:
        return "fragment"
    docs = [d for d in yaml.safe_load_all(block.text) if d is not None]
    if "compose" in block.flags or (
        len(docs) == 1 and isinstance(docs[0], dict) and "services" in docs[0]
    ):
        return "compose"
    if docs and all(isinstance(d, dict) and "apiVersion" in d and "kind" in d for d in docs):
        return "kubernetes"
    return "unknown"


def problems_for(block: CodeBlock, kind: str) -> list[str]:
    if kind == "dockerfile":
        found = hadolint_problems(block.text)
    elif kind == "compose":
        found = compose_problems(block.text)
    elif kind == "kubernetes":
        found = kubernetes_problems(block.text)
    else:
        return []
    return [
        f"{block.path}:{block.line + (p.line - 1 if p.line else 0)}: {p.message}" for p in found
    ]


def block_id(block: CodeBlock) -> str:
    return f"{block.path}:{block.line}"


@pytest.mark.parametrize("block", BLOCKS, ids=block_id)
def test_snippet_passes_its_validator_or_is_a_marked_bug(block: CodeBlock) -> None:
    try:
        kind = classify(block)
    except yaml.YAMLError as exc:
        if "broken" in block.flags:
            return
        pytest.fail(f"{block.path}:{block.line}: the YAML does not parse: {exc}")
    assert kind != "unknown", (
        f"{block.path}:{block.line}: a yaml block must hold Kubernetes objects (apiVersion, "
        "kind) or a compose file (services:), or be marked `fragment`"
    )
    problems = problems_for(block, kind)
    if "broken" in block.flags:
        assert kind != "fragment", f"{block.path}:{block.line}: a broken block cannot be a fragment"
        assert problems, (
            f"{block.path}:{block.line}: marked broken, but the {kind} validator finds nothing "
            "wrong with it: the bug the lesson describes is not real"
        )
    else:
        assert problems == [], "\n".join(problems)


def test_the_course_has_snippets_of_every_kind() -> None:
    counts = Counter(classify(b) for b in BLOCKS if "broken" not in b.flags)
    print(f"\nvalidated snippets: {dict(counts)}")
    assert counts["kubernetes"] >= 10
    assert counts["compose"] >= 3
    assert counts["dockerfile"] >= 3
    assert any("broken" in b.flags for b in BLOCKS)
