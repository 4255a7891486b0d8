"""Dockerfiles read as BuildKit's frontend reads them (frontend/dockerfile/instructions).

Lines are split by dockerfile-parse (continuations, comments, the escape directive), the same
parser learn/labs/ uses; this module turns them into stages of commands with BuildKit's rules:
ARGs before the first FROM are meta args usable in FROM, `${VAR}`/`$VAR`/`${VAR:-x}`/`${VAR:+x}`
are expanded in the instructions that expand them (not in RUN/CMD/ENTRYPOINT, where the shell
does), exec form is a JSON array of strings, and errors are worded as BuildKit words them.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

INSTRUCTIONS = (
    "add",
    "arg",
    "cmd",
    "copy",
    "entrypoint",
    "env",
    "expose",
    "from",
    "healthcheck",
    "label",
    "maintainer",
    "onbuild",
    "run",
    "shell",
    "stopsignal",
    "user",
    "volume",
    "workdir",
)


class DockerfileError(Exception):
    """A Dockerfile BuildKit refuses; `line` is 1-based (0: the file as a whole)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Command:
    name: str  # upper case: RUN, COPY, ...
    value: str  # the text after the instruction, continuations joined
    line: int  # 1-based
    end_line: int
    flags: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)  # words, or the exec-form list
    json_form: bool = False


@dataclass
class Stage:
    index: int
    base: str  # as written, meta args expanded
    name: str  # the AS name, lower case ("" when unnamed)
    line: int
    commands: list[Command] = field(default_factory=list)
    platform: str = ""
    base_raw: str = ""  # as written, before the meta args are expanded


@dataclass
class Dockerfile:
    stages: list[Stage]
    meta_args: dict[str, str]
    lines: list[str]

    def stage_named(self, name: str) -> Stage | None:
        wanted = name.lower()
        for stage in self.stages:
            if stage.name == wanted:
                return stage
        if wanted.isdigit() and int(wanted) < len(self.stages):
            return self.stages[int(wanted)]
        return None


def expand(text: str, env: dict[str, str]) -> str:
    """BuildKit's word processing (learn/sim/docker/lex.py): quotes removed, variables
    expanded. Raises DockerfileError with BuildKit's message."""
    from learn.sim.docker.lex import LexError, process_word

    try:
        return process_word(text, env)
    except LexError as exc:
        raise DockerfileError(str(exc)) from None


def _json_args(value: str) -> list[str] | None:
    text = value.strip()
    if not text.startswith("["):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, list) and all(isinstance(item, str) for item in data):
        return data
    return None


def _words(value: str) -> list[str]:
    """Words separated by blanks outside quotes, the quotes and escapes kept (BuildKit
    splits first and processes each word after)."""
    words: list[str] = []
    current = ""
    quote = ""
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and quote != "'" and i + 1 < len(value):
            current += ch + value[i + 1]
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
            current += ch
        elif ch in "'\"":
            quote = ch
            current += ch
        elif ch.isspace():
            if current:
                words.append(current)
                current = ""
        else:
            current += ch
        i += 1
    if current:
        words.append(current)
    return words


def _split_flags(words: list[str]) -> tuple[dict[str, str], list[str]]:
    flags: dict[str, str] = {}
    i = 0
    while i < len(words) and words[i].startswith("--"):
        key, _, val = words[i][2:].partition("=")
        flags[key.lower()] = val
        i += 1
    return flags, words[i:]


def _suggest(word: str, options: tuple[str, ...]) -> str:
    """util/suggest.Search: the closest option under Levenshtein distance 3, in word's case."""
    lower = word.lower()
    best, best_dist = "", 3
    for option in options:
        if lower == option:
            return ""
        dist = _levenshtein(lower, option)
        if dist < best_dist:
            best, best_dist = option, dist
    if not best:
        return ""
    if word == word.upper():
        return best.upper()
    return best


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _arg_pairs(value: str) -> list[tuple[str, str | None]]:
    pairs: list[tuple[str, str | None]] = []
    for word in _words(value):
        key, eq, default = word.partition("=")
        pairs.append((key, default if eq else None))
    return pairs


def env_pairs(value: str, line: int) -> list[tuple[str, str]]:
    """`ENV K=V K2="v 2"` or the legacy `ENV K some value`."""
    words = _words(value)
    if not words:
        raise DockerfileError("ENV requires at least one argument", line)
    if "=" not in words[0]:
        key, _, rest = value.strip().partition(" ")
        if not rest.strip():
            raise DockerfileError("ENV must have two arguments", line)
        return [(key, rest.strip())]
    pairs = []
    for word in words:
        key, eq, val = word.partition("=")
        if not eq or not key:
            raise DockerfileError(
                f"Syntax error - can't find = in {word!r}. Must be of the form: name=value", line
            )
        pairs.append((key, val))
    return pairs


def parse(text: str) -> Dockerfile:
    """Stages and meta args of a Dockerfile, or DockerfileError as BuildKit words it."""
    from dockerfile_parse import DockerfileParser

    # fileobj keeps dockerfile-parse from reading or writing a Dockerfile on disk.
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")), env_replace=False)
    stages: list[Stage] = []
    meta: dict[str, str] = {}
    for item in parser.structure:
        name = str(item["instruction"]).upper()
        if name == "COMMENT":
            continue
        value = str(item["value"])
        line = int(item["startline"]) + 1
        end_line = int(item["endline"]) + 1
        if name.lower() not in INSTRUCTIONS:
            written = str(item["content"]).split(None, 1)[0] if item["content"] else name
            suggestion = _suggest(written, INSTRUCTIONS)
            message = f"unknown instruction: {written}"
            if suggestion:
                message += f" (did you mean {suggestion}?)"
            raise DockerfileError(f"dockerfile parse error on line {line}: {message}", line)
        if name == "ARG" and not stages:
            for key, default in _arg_pairs(value):
                meta[key] = expand(default, meta) if default is not None else meta.get(key, "")
            continue
        if name == "FROM":
            flags, words = _split_flags(_words(value))
            if not words:
                raise DockerfileError("FROM requires either one or three arguments", line)
            if len(words) not in (1, 3) or (len(words) == 3 and words[1].lower() != "as"):
                raise DockerfileError("FROM requires either one or three arguments", line)
            try:
                base = expand(words[0], meta)
            except DockerfileError as exc:
                raise DockerfileError(str(exc), line) from None
            alias = words[2].lower() if len(words) == 3 else ""
            if alias and not re.fullmatch(r"[a-z][a-z0-9-_.]*", alias):
                raise DockerfileError(
                    f"invalid name for build stage: {words[2]!r}, name can't start with a number or contain symbols",
                    line,
                )
            stages.append(
                Stage(
                    len(stages),
                    base,
                    alias,
                    line,
                    platform=flags.get("platform", ""),
                    base_raw=words[0],
                )
            )
            continue
        if not stages:
            raise DockerfileError("no build stage in current context", line)
        command = Command(name, value, line, end_line)
        if name in {"RUN", "CMD", "ENTRYPOINT", "SHELL"}:
            exec_form = _json_args(value)
            if exec_form is not None:
                command.args, command.json_form = exec_form, True
            else:
                flags, after = _split_flags(value.split(" ")) if name == "RUN" else ({}, [])
                command.flags = flags
                command.args = [" ".join(after).strip() if flags else value.strip()]
            if name == "SHELL" and not command.json_form:
                raise DockerfileError("SHELL requires the arguments to be in JSON form", line)
        elif name in {"COPY", "ADD"}:
            flags, words = _split_flags(_words(value))
            body = value.strip()
            while body.startswith("--"):
                body = body.split(None, 1)[1] if " " in body else ""
            command.flags, command.args = flags, _json_args(body) or words
            if len(words) < 2:
                raise DockerfileError(f"{name} requires at least two arguments", line)
        elif name == "HEALTHCHECK":
            flags, words = _split_flags(value.split(" "))
            command.flags = flags
            command.args = [" ".join(words).strip()]
        else:
            command.args = _words(value)
        stages[-1].commands.append(command)
    if not stages:
        raise DockerfileError(
            "the Dockerfile (Dockerfile) cannot be empty"
            if not text.strip()
            else "no build stage in current context"
        )
    return Dockerfile(stages=stages, meta_args=meta, lines=text.split("\n"))
