"""The lesson linter: every problem is reported as path:line: message, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from learn.content.parser import load_course, normalise_text_answer
from tests.conftest import FIXTURE_COURSE


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


MODULE = "title: Broken\nsummary: A module with mistakes.\n"

BROKEN_LESSON = """
---
title: Broken lesson
summary: Mistakes on purpose.
minutes: 10
objectives: [Find mistakes]
---

## Text

```quiz
id: b-no-correct
kind: single
prompt: Which one?
choices:
  - text: A
  - text: B
explanation: Neither.
```

```quiz
id: b-unknown-kind
kind: essay
prompt: Write.
explanation: Free text.
```

```quiz
id: b-no-explanation
kind: text
prompt: Type it.
answers: [it]
```

```quiz
id: b-no-correct
kind: text
prompt: Duplicate id.
answers: [x]
explanation: Dup.
colour: red
```

```quiz
id: b-bad-yaml
kind: single
prompt: [unclosed
```
"""


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "lessons"
    write(root, "01-broken/module.yaml", MODULE)
    write(root, "01-broken/01-mistakes.md", BROKEN_LESSON)
    write(root, "02-empty/module.yaml", "title: Empty\nsummary: No lessons.\n")
    return root


def test_every_problem_is_reported_with_path_and_line(broken: Path) -> None:
    _, problems = load_course(broken)
    lines = [str(p) for p in problems]
    assert lines == [
        "lessons/01-broken/01-mistakes.md:14: quiz 'b-no-correct' has no correct choice",
        "lessons/01-broken/01-mistakes.md:22: unknown kind 'essay'; use one of "
        "single, multiple, text, order",
        "lessons/01-broken/01-mistakes.md:28: quiz 'b-no-explanation' has no explanation",
        "lessons/01-broken/01-mistakes.md:35: duplicate id 'b-no-correct' "
        "(also lessons/01-broken/01-mistakes.md:11)",
        "lessons/01-broken/01-mistakes.md:40: unknown key 'colour' in quiz",
        "lessons/01-broken/01-mistakes.md:47: bad YAML: "
        "expected ',' or ']', but got '<stream end>'",
        "lessons/02-empty:1: empty module: it has no lessons",
    ]


def test_lessons_check_exits_non_zero_and_prints_each_problem(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CommandError, match="7 problem"):
        call_command("lessons", "check", "--dir", str(broken))
    err = capsys.readouterr().err
    assert "lessons/01-broken/01-mistakes.md:22: unknown kind 'essay'" in err


def test_lessons_check_passes_on_the_fixture_course(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("lessons", "check", "--dir", str(FIXTURE_COURSE))
    assert "ok: 2 modules, 3 lessons, 5 questions" in capsys.readouterr().out


def test_front_matter_and_naming_problems(tmp_path: Path) -> None:
    root = tmp_path / "lessons"
    write(root, "01-m/module.yaml", "title: M\nsummary: S\nauthor: me\n")
    write(root, "01-m/intro.md", "---\ntitle: T\nminutes: 5\n---\nBody\n")
    write(root, "01-m/01-no-front.md", "Just text\n")
    write(root, "01-m/02-bad-minutes.md", "---\ntitle: T\nminutes: lots\n---\nBody\n")
    write(root, "no-number/module.yaml", MODULE)
    _, problems = load_course(root)
    assert [str(p) for p in problems] == [
        "lessons/01-m/01-no-front.md:1: front matter is missing (--- title, summary, minutes ---)",
        "lessons/01-m/02-bad-minutes.md:3: minutes must be a whole number from 1 to 60",
        "lessons/01-m/intro.md:1: a lesson file must be named NN-slug.md",
        "lessons/01-m/module.yaml:3: unknown key 'author'",
        "lessons/no-number:1: a module folder must be named NN-slug (e.g. 01-images)",
    ]


def test_choice_problems_point_at_the_choice(tmp_path: Path) -> None:
    root = tmp_path / "lessons"
    write(root, "01-m/module.yaml", MODULE)
    write(
        root,
        "01-m/01-l.md",
        """
        ---
        title: T
        minutes: 5
        ---
        ```quiz
        id: c-two-right
        kind: single
        prompt: One?
        choices:
          - text: A
            correct: true
          - text: B
            correct: yes please
          - text: A
        explanation: E
        ```
        """,
    )
    _, problems = load_course(root)
    assert [str(p) for p in problems] == [
        "lessons/01-m/01-l.md:12: correct must be true or false",
        "lessons/01-m/01-l.md:14: duplicate choice",
    ]


def test_order_steps_are_never_shown_in_the_right_order() -> None:
    modules, problems = load_course(FIXTURE_COURSE)
    assert problems == []
    question = next(
        q for m in modules for lesson in m.lessons for q in lesson.questions if q.kind == "order"
    )
    shown = [s["key"] for s in question.data["steps"]]
    assert shown != question.data["correct"]
    assert sorted(shown) == sorted(question.data["correct"])


def test_text_answers_are_normalised() -> None:
    assert normalise_text_answer("  Kubectl   ROLLOUT undo\n") == "kubectl rollout undo"


def test_the_real_course_passes_the_linter() -> None:
    from django.conf import settings

    modules, problems = load_course(settings.LESSONS_DIR)
    assert [str(p) for p in problems] == []
    assert len(modules) >= 5
