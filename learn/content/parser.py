"""Read the course from lessons/ into plain data, reporting every problem as `path:line: message`.

Nothing here touches the database: `lessons check` runs this alone, `lessons sync` runs this and
then upserts. The format is documented in lessons/README.md.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from learn.content.render import render_block, render_body, render_inline

NUMBERED = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
STABLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}[a-z0-9]$")
CHOICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*?)\s*$")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

QUESTION_KINDS = ("single", "multiple", "text", "order")
LAB_KINDS = ("dockerfile", "compose", "kubernetes", "rbac")
SNIPPET_FLAGS = {"broken", "fragment", "compose"}
QUIZ_KEYS = {"id", "kind", "prompt", "choices", "answers", "steps", "explanation", "hint"}
LAB_KEYS = {"id", "kind", "title", "task", "starter", "solution", "checks", "explanation", "hint"}
SANDBOX_KEYS = {"id", "title", "task", "start", "goals", "explanation", "hint"}
CHOICE_KEYS = {"text", "correct", "id"}
FRONT_KEYS = {"title", "summary", "minutes", "objectives"}
MODULE_KEYS = {"title", "summary"}
MAX_TEXT_ANSWER = 200


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class CodeBlock:
    path: str
    line: int  # line of the first line of content
    lang: str
    flags: frozenset[str]
    text: str


@dataclass
class QuestionSpec:
    key: str
    kind: str  # single | multiple | text | order | lab | sandbox
    line: int
    prompt_html: str
    data: dict[str, Any]
    explanation_html: str
    hint_html: str


@dataclass
class LessonSpec:
    slug: str
    path: str
    title: str
    summary: str
    minutes: int
    objectives: list[str]
    parts: list[dict[str, str]]
    toc_html: str
    questions: list[QuestionSpec] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)


@dataclass
class ModuleSpec:
    slug: str
    path: str
    title: str
    summary: str
    lessons: list[LessonSpec] = field(default_factory=list)


def choice_key(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:10]


def normalise_text_answer(value: str) -> str:
    """Case and spacing never decide whether a short answer is right."""
    value = unicodedata.normalize("NFKC", value)
    return " ".join(value.split()).casefold()


class _Reporter:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))


def _key_lines(text: str) -> dict[str, int]:
    """0-based line of each top-level key of a YAML mapping (for messages that point at a key)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                lines[str(key_node.value)] = key_node.start_mark.line
    return lines


def _item_lines(text: str, key: str) -> list[int]:
    """0-based line of each item of a top-level list (choices, steps)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if getattr(key_node, "value", None) == key and isinstance(
                value_node, yaml.SequenceNode
            ):
                return [item.start_mark.line for item in value_node.value]
    return []


def _load_yaml(
    text: str, path: str, first_line: int, report: _Reporter
) -> tuple[Any, dict[str, int]] | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        report.add(path, line, f"bad YAML: {problem}")
        return None
    return data, _key_lines(text)


def _split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter text, body, line number where the body starts)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in {"---", "..."}:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    return None, text, 1


def iter_fences(body: str, first_line: int) -> Iterator[tuple[int, int, str, str, bool, int]]:
    """Yield (open line, content line, info, content, closed, line count) for each fence."""
    lines = body.splitlines()
    index = 0
    while index < len(lines):
        match = FENCE_OPEN.match(lines[index])
        if not match:
            index += 1
            continue
        fence, info = match.group("fence"), match.group("info")
        start = index
        index += 1
        content: list[str] = []
        closed = False
        while index < len(lines):
            stripped = lines[index].strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                closed = True
                break
            content.append(lines[index])
            index += 1
        text = "\n".join(content) + "\n" if content else ""
        yield first_line + start, first_line + start + 1, info, text, closed, len(content)
        index += 1


class CourseParser:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.report = _Reporter()
        self.seen_ids: dict[str, str] = {}
        self.seen_lessons: dict[str, str] = {}

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    # -- modules and lessons ------------------------------------------------------------
    def parse(self) -> list[ModuleSpec]:
        modules: list[ModuleSpec] = []
        if not self.root.is_dir():
            self.report.add(str(self.root), 1, "the lessons folder does not exist")
            return modules
        seen_modules: dict[str, str] = {}
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            if folder.name.startswith((".", "_")):
                continue
            match = NUMBERED.match(folder.name)
            if not match:
                self.report.add(
                    self.rel(folder), 1, "a module folder must be named NN-slug (e.g. 01-images)"
                )
                continue
            slug = match.group(2)
            if slug in seen_modules:
                self.report.add(
                    self.rel(folder),
                    1,
                    f"duplicate module slug {slug!r} (also {seen_modules[slug]})",
                )
                continue
            seen_modules[slug] = self.rel(folder)
            module = self.parse_module(folder, slug)
            if module:
                modules.append(module)
        if not modules and not self.report.problems:
            self.report.add(self.rel(self.root), 1, "the course has no modules")
        return modules

    def parse_module(self, folder: Path, slug: str) -> ModuleSpec | None:
        meta_path = folder / "module.yaml"
        rel = self.rel(meta_path)
        if not meta_path.exists():
            self.report.add(rel, 1, "module.yaml is missing (title and summary of the module)")
            return None
        loaded = _load_yaml(meta_path.read_text(encoding="utf-8"), rel, 1, self.report)
        if loaded is None:
            return None
        meta, key_lines = loaded
        if not isinstance(meta, dict):
            self.report.add(rel, 1, "module.yaml must be a mapping with title and summary")
            return None
        for key in meta:
            if key not in MODULE_KEYS:
                self.report.add(rel, key_lines.get(str(key), 0) + 1, f"unknown key {key!r}")
        title, summary = meta.get("title"), meta.get("summary", "")
        if not isinstance(title, str) or not title.strip():
            self.report.add(rel, 1, "module title is missing")
        module = ModuleSpec(slug, self.rel(folder), str(title or slug), str(summary or ""))
        lesson_files = sorted(p for p in folder.iterdir() if p.suffix == ".md")
        for lesson_path in lesson_files:
            match = NUMBERED.match(lesson_path.stem)
            if not match:
                self.report.add(self.rel(lesson_path), 1, "a lesson file must be named NN-slug.md")
                continue
            lesson = self.parse_lesson(lesson_path, match.group(2))
            if lesson:
                module.lessons.append(lesson)
        if not lesson_files:
            self.report.add(self.rel(folder), 1, "empty module: it has no lessons")
        return module

    def parse_lesson(self, path: Path, slug: str) -> LessonSpec | None:
        rel = self.rel(path)
        if slug in self.seen_lessons:
            self.report.add(
                rel, 1, f"duplicate lesson slug {slug!r} (also {self.seen_lessons[slug]})"
            )
            return None
        self.seen_lessons[slug] = rel
        text = path.read_text(encoding="utf-8")
        front_text, body, body_line = _split_front_matter(text)
        if front_text is None:
            self.report.add(rel, 1, "front matter is missing (--- title, summary, minutes ---)")
            return None
        loaded = _load_yaml(front_text, rel, 2, self.report)
        if loaded is None:
            return None
        front, key_lines = loaded
        if not isinstance(front, dict):
            self.report.add(rel, 2, "front matter must be a mapping")
            return None
        for key in front:
            if key not in FRONT_KEYS:
                self.report.add(rel, 2 + key_lines.get(str(key), 0), f"unknown key {key!r}")
        title = front.get("title")
        if not isinstance(title, str) or not title.strip():
            self.report.add(rel, 2, "title is missing")
        minutes = front.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 60:
            self.report.add(
                rel, 2 + key_lines.get("minutes", 0), "minutes must be a whole number from 1 to 60"
            )
            minutes = 10
        objectives = front.get("objectives", [])
        if not isinstance(objectives, list) or not all(isinstance(o, str) for o in objectives):
            self.report.add(
                rel, 2 + key_lines.get("objectives", 0), "objectives must be a list of sentences"
            )
            objectives = []

        lesson = LessonSpec(
            slug=slug,
            path=rel,
            title=str(title or slug),
            summary=str(front.get("summary") or ""),
            minutes=minutes,
            objectives=[render_inline(o) for o in objectives],
            parts=[],
            toc_html="",
        )
        self.parse_body(lesson, body, body_line)
        return lesson

    # -- the body: markdown, code blocks, quiz and lab blocks ------------------------------
    def parse_body(self, lesson: LessonSpec, body: str, body_line: int) -> None:
        lines = body.splitlines()
        out: list[str] = []
        cursor = 0
        placeholders: dict[str, str] = {}
        for open_line, content_line, info, content, closed, count in iter_fences(body, body_line):
            start = open_line - body_line
            out.extend(lines[cursor:start])
            cursor = start + count + 2
            words = info.split()
            lang = words[0].lower() if words else ""
            if not closed:
                self.report.add(lesson.path, open_line, "code fence is never closed")
            if lang in {"quiz", "lab", "sandbox"}:
                parse = {"quiz": self.parse_quiz, "lab": self.parse_lab}.get(
                    lang, self.parse_sandbox
                )
                spec = parse(lesson.path, content_line, content)
                if spec is not None:
                    token = f"QUESTIONSLOT{len(placeholders):04d}"
                    placeholders[token] = spec.key
                    lesson.questions.append(spec)
                    out.extend(["", token, ""])
                continue
            flags = frozenset(w.lower() for w in words[1:])
            unknown = flags - SNIPPET_FLAGS
            if unknown:
                self.report.add(
                    lesson.path,
                    open_line,
                    f"unknown code block flag(s) {', '.join(sorted(unknown))}; "
                    "use broken, fragment or compose",
                )
            lesson.code_blocks.append(CodeBlock(lesson.path, content_line, lang, flags, content))
            fence = "```" if "```" not in content else "~~~~"
            out.extend([fence + lang, *content.rstrip("\n").split("\n"), fence])
        out.extend(lines[cursor:])
        markdown_text = COMMENT.sub("", "\n".join(out))
        html, toc_html = render_body(markdown_text)
        lesson.toc_html = toc_html
        lesson.parts = []
        for piece in re.split(r"(<p>QUESTIONSLOT\d{4}</p>)", html):
            slot = re.fullmatch(r"<p>(QUESTIONSLOT\d{4})</p>", piece)
            if slot:
                lesson.parts.append({"question": placeholders[slot.group(1)]})
            elif piece.strip():
                lesson.parts.append({"html": piece})

    def _common(
        self, path: str, first_line: int, text: str, allowed: set[str], what: str
    ) -> tuple[dict[str, Any], Callable[[str], int]] | None:
        """Checks shared by quiz and lab blocks; returns the data and a key -> line lookup."""
        loaded = _load_yaml(text, path, first_line, self.report)
        if loaded is None:
            return None
        data, key_lines = loaded
        if not isinstance(data, dict):
            self.report.add(path, first_line, f"a {what} block must be a YAML mapping")
            return None

        def at(key: str) -> int:
            return first_line + key_lines.get(key, 0)

        before = len(self.report.problems)
        for key in data:
            if key not in allowed:
                self.report.add(path, at(str(key)), f"unknown key {key!r} in {what}")
        qid = data.get("id")
        if not isinstance(qid, str) or not STABLE_ID.match(qid):
            self.report.add(
                path,
                at("id"),
                f"{what} id must be 3-80 characters of a-z, 0-9 and '-' (got {qid!r})",
            )
        elif qid in self.seen_ids:
            self.report.add(path, at("id"), f"duplicate id {qid!r} (also {self.seen_ids[qid]})")
        else:
            self.seen_ids[qid] = f"{path}:{at('id')}"
        explanation = data.get("explanation")
        if not isinstance(explanation, str) or not explanation.strip():
            self.report.add(path, first_line, f"{what} {qid!r} has no explanation")
        hint = data.get("hint")
        if hint is not None and not isinstance(hint, str):
            self.report.add(path, at("hint"), "hint must be text")
        if len(self.report.problems) > before:
            return None
        return data, at

    def parse_quiz(self, path: str, first_line: int, text: str) -> QuestionSpec | None:
        common = self._common(path, first_line, text, QUIZ_KEYS, "quiz")
        if common is None:
            return None
        data, at = common

        qid, kind = data["id"], data.get("kind")
        problems_before = len(self.report.problems)
        if kind not in QUESTION_KINDS:
            self.report.add(
                path, at("kind"), f"unknown kind {kind!r}; use one of {', '.join(QUESTION_KINDS)}"
            )
            return None
        prompt = data.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            self.report.add(path, at("prompt"), f"quiz {qid!r} has no prompt")
        payload: dict[str, Any] = {}
        expected = {"single": "choices", "multiple": "choices", "text": "answers", "order": "steps"}
        for other in ("choices", "answers", "steps"):
            if other in data and other != expected[kind]:
                self.report.add(path, at(other), f"{other!r} does not belong in a {kind} question")
        if kind in {"single", "multiple"}:
            payload = self._choices(path, first_line, text, data, qid, kind, at)
        elif kind == "text":
            answers = data.get("answers")
            if (
                not isinstance(answers, list)
                or not answers
                or not all(isinstance(a, str | int | float) and str(a).strip() for a in answers)
            ):
                self.report.add(
                    path, at("answers"), f"quiz {qid!r} needs a list of accepted answers"
                )
            else:
                payload = {
                    "answers": sorted({normalise_text_answer(str(a)) for a in answers}),
                    "display": str(answers[0]),
                }
        else:
            payload = self._steps(path, at, data, qid)
        if len(self.report.problems) > problems_before:
            return None
        return QuestionSpec(
            key=qid,
            kind=kind,
            line=at("id"),
            prompt_html=render_inline(str(prompt)),
            data=payload,
            explanation_html=render_block(data["explanation"]),
            hint_html=render_block(data["hint"]) if data.get("hint") else "",
        )

    def _choices(self, path, first_line, text, data, qid, kind, at) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        choices = data.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            self.report.add(path, at("choices"), f"quiz {qid!r} needs at least two choices")
            return {}
        item_lines = _item_lines(text, "choices")
        rendered, correct, keys = [], [], set()
        for index, choice in enumerate(choices):
            line = first_line + (item_lines[index] if index < len(item_lines) else 0)
            if not isinstance(choice, dict) or not isinstance(
                choice.get("text"), str | int | float
            ):
                self.report.add(path, line, "a choice must be a mapping with text (and correct)")
                continue
            for key in choice:
                if key not in CHOICE_KEYS:
                    self.report.add(path, line, f"unknown key {key!r} in a choice")
            if not isinstance(choice.get("correct", False), bool):
                self.report.add(path, line, "correct must be true or false")
            cid = choice.get("id")
            if cid is not None and (not isinstance(cid, str) or not CHOICE_ID.match(cid)):
                self.report.add(path, line, f"choice id must be a-z, 0-9 and '-' (got {cid!r})")
                continue
            key = cid or choice_key(str(choice["text"]))
            if key in keys:
                self.report.add(path, line, "duplicate choice")
                continue
            keys.add(key)
            rendered.append({"key": key, "html": render_inline(str(choice["text"]))})
            if choice.get("correct") is True:
                correct.append(key)
        if not correct:
            self.report.add(path, at("choices"), f"quiz {qid!r} has no correct choice")
        elif kind == "single" and len(correct) > 1:
            self.report.add(
                path,
                at("choices"),
                f"single-choice quiz {qid!r} has {len(correct)} correct choices",
            )
        return {"choices": rendered, "correct": correct}

    def _steps(self, path, at, data, qid) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        steps = data.get("steps")
        if (
            not isinstance(steps, list)
            or len(steps) < 3
            or not all(isinstance(s, str | int | float) for s in steps)
        ):
            self.report.add(
                path, at("steps"), f"order quiz {qid!r} needs a list of 3 or more steps"
            )
            return {}
        keys = [choice_key(str(step)) for step in steps]
        if len(set(keys)) != len(keys):
            self.report.add(path, at("steps"), f"order quiz {qid!r} repeats a step")
            return {}
        html = {key: render_inline(str(step)) for key, step in zip(keys, steps, strict=True)}
        # Shown in a fixed order that depends only on the id and the text, never the right one.
        shown = sorted(keys, key=lambda k: hashlib.sha1(f"{qid}:{k}".encode()).hexdigest())  # noqa: S324
        if shown == keys:
            shown = shown[1:] + shown[:1]
        text = {key: str(step) for key, step in zip(keys, steps, strict=True)}
        return {
            "steps": [{"key": k, "html": html[k], "text": text[k]} for k in shown],
            "correct": keys,
        }

    def parse_lab(self, path: str, first_line: int, text: str) -> QuestionSpec | None:
        common = self._common(path, first_line, text, LAB_KEYS, "lab")
        if common is None:
            return None
        data, at = common

        qid, kind = data["id"], data.get("kind")
        before = len(self.report.problems)
        if kind not in LAB_KINDS:
            self.report.add(
                path, at("kind"), f"unknown lab kind {kind!r}; use one of {', '.join(LAB_KINDS)}"
            )
            return None
        for key in ("title", "task", "starter", "solution"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                self.report.add(path, at(key), f"lab {qid!r} needs {key}")
        checks = data.get("checks")
        if not isinstance(checks, dict) or not checks:
            self.report.add(path, at("checks"), f"lab {qid!r} needs a mapping of checks")
        else:
            for message in _lab_spec_problems(kind, checks):
                self.report.add(path, at("checks"), f"lab {qid!r}: {message}")
        if len(self.report.problems) > before:
            return None
        return QuestionSpec(
            key=qid,
            kind="lab",
            line=at("id"),
            prompt_html=render_inline(str(data["title"])),
            data={
                "lab_kind": kind,
                "title": data["title"],
                "task_html": render_block(data["task"]),
                "starter": data["starter"],
                "solution": data["solution"],
                "checks": checks,
            },
            explanation_html=render_block(data["explanation"]),
            hint_html=render_block(data["hint"]) if data.get("hint") else "",
        )

    def parse_sandbox(self, path: str, first_line: int, text: str) -> QuestionSpec | None:
        """A hands-on terminal task (learn/sandboxes/spec.py builds its start and goals)."""
        from learn.sandboxes.spec import PLAYGROUND, block_problems

        common = self._common(path, first_line, text, SANDBOX_KEYS, "sandbox")
        if common is None:
            return None
        data, at = common
        qid, before = data["id"], len(self.report.problems)
        if qid == PLAYGROUND:
            self.report.add(path, at("id"), f"the id {qid!r} is kept for /playground/")
        for key in ("title", "task"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                self.report.add(path, at(key), f"sandbox {qid!r} needs {key}")
        if len(self.report.problems) > before:
            return None
        goal_lines = _item_lines(text, "goals")
        for key, index, message in block_problems(qid, data.get("start"), data.get("goals")):
            line = first_line + goal_lines[index] if 0 <= index < len(goal_lines) else at(key)
            self.report.add(path, line, f"sandbox {qid!r}: {message}")
        if len(self.report.problems) > before:
            return None
        return QuestionSpec(
            key=qid,
            kind="sandbox",
            line=at("id"),
            prompt_html=render_inline(str(data["title"])),
            data={
                "title": data["title"],
                "task_html": render_block(data["task"]),
                "start": data.get("start") or {},
                "goals": data["goals"],
            },
            explanation_html=render_block(data["explanation"]),
            hint_html=render_block(data["hint"]) if data.get("hint") else "",
        )


def _lab_spec_problems(kind: str, checks: dict[str, Any]) -> list[str]:
    from learn.labs.checks import spec_problems

    return list(spec_problems(kind, checks))


def load_course(root: Path) -> tuple[list[ModuleSpec], list[Problem]]:
    parser = CourseParser(root)
    modules = parser.parse()
    return modules, sorted(set(parser.report.problems))
