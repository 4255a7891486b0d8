""".dockerignore: which files of the build context BuildKit leaves out.

A transcription of moby/patternmatcher (patternmatcher.go: `New`, `Pattern.compile`,
`Pattern.match`, `MatchesOrParentMatches`) and its ignorefile/ignorefile.go (`ReadAll`):
patterns are cleaned like Go's `filepath.Clean`, a leading `/` is dropped, `#` starts a
comment only at the very beginning of a line, `!` re-includes, and the last matching pattern
wins. A pattern matches a file when it matches the file's path or any of its parent
directories (`docs` leaves out `docs/README.md`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass


class PatternError(ValueError):
    """A pattern Go's filepath.Match would call malformed (`syntax error in pattern`)."""


def clean(path: str) -> str:
    """Go's `path.Clean`: no trailing slash, no `.` parts, `..` resolved lexically."""
    if not path:
        return "."
    out = posixpath.normpath(path)
    if out.startswith("//"):
        out = "/" + out.lstrip("/")
    return out


def read_ignorefile(text: str) -> list[str]:
    """ignorefile.ReadAll: the patterns of a .dockerignore, in order."""
    patterns: list[str] = []
    for index, raw in enumerate(text.split("\n")):
        line = raw.removesuffix("\r")
        if index == 0:
            line = line.removeprefix("\ufeff")
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern[0] == "!"
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = clean(pattern)
            if len(pattern) > 1 and pattern[0] == "/":
                pattern = pattern[1:]
        patterns.append("!" + pattern if invert else pattern)
    return patterns


@dataclass
class _Pattern:
    text: str
    exclusion: bool
    kind: str  # exact | prefix | suffix | regexp
    regexp: re.Pattern[str] | None


_ESCAPE = set(".+()|{}$")


def _compile(pattern: str) -> tuple[str, re.Pattern[str] | None]:
    """Pattern.compile with the `/` separator: the match type and, for regexp, the regexp."""
    reg = "^"
    kind = "exact"
    i = 0
    n = len(pattern)
    index = 0
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                if i >= n:
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        reg += ".*"
                        kind = "regexp"
                else:
                    reg += "(.*/)?"
                    kind = "regexp"
                if index == 0:
                    kind = "suffix"
            else:
                reg += "[^/]*"
                kind = "regexp"
        elif ch == "?":
            reg += "[^/]"
            kind = "regexp"
        elif ch in _ESCAPE:
            reg += "\\" + ch
        elif ch == "\\":
            if i < n:
                reg += "\\" + pattern[i]
                i += 1
                kind = "regexp"
            else:
                reg += "\\\\"
        elif ch in "[]":
            reg += ch
            kind = "regexp"
        else:
            reg += ch
        index += 1
    if kind != "regexp":
        return kind, None
    try:
        return kind, re.compile(reg + r"\Z", re.DOTALL)
    except re.error:
        raise PatternError("syntax error in pattern") from None


def _get_esc(chunk: str, i: int) -> int:
    """Go's path/filepath getEsc: the index after one (possibly escaped) class character."""
    if i >= len(chunk) or chunk[i] in "-]":
        raise PatternError("syntax error in pattern")
    if chunk[i] == "\\":
        i += 1
        if i >= len(chunk):
            raise PatternError("syntax error in pattern")
    i += 1
    if i >= len(chunk):
        raise PatternError("syntax error in pattern")
    return i


def _check_match_syntax(pattern: str) -> None:
    """filepath.Match(pattern, ".") fails on a malformed pattern: a trailing `\\`, an
    unterminated `[`, an empty class, or a range with a bare `-` (Go's matchChunk rules)."""
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n:
                raise PatternError("syntax error in pattern")
            i += 2
            continue
        if ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            ranges = 0
            while True:
                if i < n and pattern[i] == "]" and ranges > 0:
                    i += 1
                    break
                i = _get_esc(pattern, i)
                if pattern[i] == "-":
                    i = _get_esc(pattern, i + 1)
                ranges += 1
            continue
        i += 1


class PatternMatcher:
    """patternmatcher.PatternMatcher: the cleaned patterns, in order."""

    def __init__(self, patterns: list[str]) -> None:
        self.patterns: list[_Pattern] = []
        for raw in patterns:
            p = raw.strip()
            if not p:
                continue
            p = clean(p)
            exclusion = False
            if p[0] == "!":
                if len(p) == 1:
                    raise PatternError('illegal exclusion pattern: "!"')
                exclusion = True
                p = p[1:]
            _check_match_syntax(p)
            kind, regexp = _compile(p)
            self.patterns.append(_Pattern(p, exclusion, kind, regexp))

    @staticmethod
    def _match(pattern: _Pattern, path: str) -> bool:
        if pattern.kind == "exact":
            return path == pattern.text
        if pattern.kind == "prefix":
            return path.startswith(pattern.text[:-2])
        if pattern.kind == "suffix":
            suffix = pattern.text[2:]
            if path.endswith(suffix):
                return True
            return suffix[:1] == "/" and path == suffix[1:]
        assert pattern.regexp is not None
        return pattern.regexp.match(path) is not None

    def matches(self, file: str) -> bool:
        """PatternMatcher.Matches: a parent is tried only at the pattern's own depth."""
        matched = False
        parent = posixpath.dirname(file) or "."
        parent_dirs = parent.split("/")
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            match = self._match(pattern, file)
            depth = len(pattern.text.split("/"))
            if not match and parent != "." and depth <= len(parent_dirs):
                match = self._match(pattern, "/".join(parent_dirs[:depth]))
            if match:
                matched = not pattern.exclusion
        return matched

    def matches_or_parent_matches(self, file: str) -> bool:
        matched = False
        parent = posixpath.dirname(file) or "."
        parent_dirs = parent.split("/")
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            match = self._match(pattern, file)
            if not match and parent != ".":
                for i in range(len(parent_dirs)):
                    if self._match(pattern, "/".join(parent_dirs[: i + 1])):
                        match = True
                        break
            if match:
                matched = not pattern.exclusion
        return matched


def matches(file: str, patterns: list[str]) -> bool:
    """patternmatcher.Matches(file, patterns)."""
    matcher = PatternMatcher(patterns)
    file = clean(file)
    return file != "." and matcher.matches(file)


def excluded(file: str, patterns: list[str]) -> bool:
    """patternmatcher.MatchesOrParentMatches(file, patterns): True when the file is left out
    (what BuildKit's context transfer uses)."""
    matcher = PatternMatcher(patterns)
    file = clean(file)
    return file != "." and matcher.matches_or_parent_matches(file)


def context_files(files: dict[str, str], ignore_text: str | None) -> dict[str, str]:
    """The build context as BuildKit receives it: the working directory minus .dockerignore.

    Raises PatternError for a malformed pattern (the build then fails as docker's does).
    """
    if not ignore_text:
        return dict(files)
    matcher = PatternMatcher(read_ignorefile(ignore_text))
    return {
        path: text
        for path, text in sorted(files.items())
        if not matcher.matches_or_parent_matches(clean(path))
    }
