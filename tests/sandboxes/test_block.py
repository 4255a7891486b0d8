"""The `sandbox` block in a lesson: parsed into a question of kind sandbox, and every mistake in
one reported by `lessons check` as path:line: message."""

from __future__ import annotations

import textwrap
from pathlib import Path

from learn.content.parser import load_course
from tests.sandboxes.conftest import SANDBOX_COURSE

HEAD = """---
title: Broken
summary: Mistakes on purpose.
minutes: 5
---

"""


def lesson(tmp_path: Path, body: str) -> Path:
    root = tmp_path / "lessons"
    (root / "01-m").mkdir(parents=True)
    (root / "01-m" / "module.yaml").write_text("title: M\nsummary: S\n")
    (root / "01-m" / "01-l.md").write_text(HEAD + textwrap.dedent(body).lstrip("\n"))
    return root


def problems(tmp_path: Path, body: str) -> list[str]:
    _, found = load_course(lesson(tmp_path, body))
    return [str(p) for p in found]


def test_the_fixture_block_becomes_a_sandbox_question() -> None:
    modules, found = load_course(SANDBOX_COURSE)
    assert found == []
    (question, quiz) = modules[0].lessons[0].questions
    assert (question.key, question.kind, quiz.kind) == ("sb-read-note", "sandbox", "single")
    assert question.data["start"]["files"] == {"note.txt": "hello from the sandbox\n"}
    assert question.data["goals"][0]["ran"] == "cat note.txt"
    assert "<code>cat</code>" in question.explanation_html
    assert "note.txt" in question.data["task_html"]


def test_mistakes_are_reported_at_their_line(tmp_path: Path) -> None:
    body = """
    ```sandbox
    id: sb-bad
    title: Broken
    task: Do it.
    start:
      colour: red
    goals:
      - pods_ready: 0
        selector: app=web
    explanation: Because.
    ```
    """
    found = problems(tmp_path, body)
    assert found == [
        "lessons/01-m/01-l.md:11: sandbox 'sb-bad': unknown key 'colour' in start "
        "(use commands, files, images, nodes, time)",
        "lessons/01-m/01-l.md:14: sandbox 'sb-bad': goal 1: pods_ready must be a whole number "
        "of Pods, 1 or more",
    ], found


def test_missing_parts_are_named(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
        ```sandbox
        id: sb-empty
        task: Do it.
        explanation: Because.
        ```
        """,
    )
    assert found == ["lessons/01-m/01-l.md:8: sandbox 'sb-empty' needs title"], found
    found = problems(
        tmp_path / "2",
        """
        ```sandbox
        id: sb-nogoals
        title: T
        task: Do it.
        explanation: Because.
        ```
        """,
    )
    assert found == [
        "lessons/01-m/01-l.md:8: sandbox 'sb-nogoals': a sandbox needs a list of goals"
    ]


def test_a_failing_start_command_is_reported(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
        ```sandbox
        id: sb-fails
        title: T
        task: Do it.
        start:
          commands: [cat missing.txt]
        goals:
          - ran: ls
        explanation: Because.
        ```
        """,
    )
    assert len(found) == 1, found
    assert found[0].startswith(
        "lessons/01-m/01-l.md:11: sandbox 'sb-fails': start command 'cat missing.txt' failed "
        "with exit code 1"
    ), found


def test_goals_already_met_at_the_start_are_reported(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
        ```sandbox
        id: sb-done
        title: T
        task: Do it.
        goals:
          - object: node/kind-worker
            field: metadata.name
            equals: kind-worker
        explanation: Because.
        ```
        """,
    )
    assert found == [
        "lessons/01-m/01-l.md:11: sandbox 'sb-done': every goal is already met before the "
        "learner types anything"
    ], found


def test_the_playground_slot_is_not_a_block_id(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
        ```sandbox
        id: playground
        title: T
        task: Do it.
        goals:
          - ran: ls
        explanation: Because.
        ```
        """,
    )
    assert found == ["lessons/01-m/01-l.md:8: the id 'playground' is kept for /playground/"], found
