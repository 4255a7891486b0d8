"""BuildKit's Dockerfile word processing (moby/buildkit frontend/dockerfile/shell/lex.go).

`process_word` is `Lex.ProcessWord` with the escape token `\\`: quotes are removed, `\\`
escapes, `$VAR`, `${VAR}`, `${VAR:-x}`, `${VAR-x}`, `${VAR:+x}`, `${VAR+x}`, `${VAR?msg}`,
`${VAR:?msg}`, `${VAR#pat}`, `${VAR##pat}`, `${VAR%pat}`, `${VAR%%pat}`, `${VAR/a/b}` and
`${VAR//a/b}` expand, positional and special parameters are empty, and what BuildKit refuses
raises LexError with its message. ENV, ARG, COPY, ADD, WORKDIR, USER, EXPOSE, LABEL, FROM and
the other non-shell instructions use it; RUN, CMD and ENTRYPOINT leave `$` to the shell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

EOF = ""


class LexError(ValueError):
    pass


class _Word:
    def __init__(self, text: str, env: Mapping[str, str], escape: str = "\\") -> None:
        self.text = text
        self.pos = 0
        self.env = env
        self.escape = escape
        self.raw_escapes = False

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else EOF

    def next(self) -> str:
        if self.pos >= len(self.text):
            return EOF
        ch = self.text[self.pos]
        self.pos += 1
        return ch

    # processStopOn
    def stop_on(self, stop: str, raw_escapes: bool) -> tuple[str, list[str]]:
        result: list[str] = []
        words = _Words()
        previous = self.raw_escapes
        self.raw_escapes = raw_escapes
        try:
            while self.peek() != EOF:
                ch = self.peek()
                if stop != EOF and ch == stop:
                    self.next()
                    return "".join(result), words.get()
                if ch in {"$", "'", '"', "<"}:
                    tmp = {
                        "$": self.dollar,
                        "'": self.single_quote,
                        '"': self.double_quote,
                        "<": self.possible_heredoc,
                    }[ch]()
                    result.append(tmp)
                    if ch == "$":
                        words.add_string(tmp)
                    else:
                        words.add_raw_string(tmp)
                    continue
                ch = self.next()
                if ch == self.escape:
                    if self.raw_escapes:
                        words.add_raw_char(ch)
                        result.append(ch)
                    ch = self.next()
                    if ch == EOF:
                        break
                    words.add_raw_char(ch)
                else:
                    words.add_char(ch)
                result.append(ch)
        finally:
            self.raw_escapes = previous
        if stop != EOF:
            raise LexError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(result), words.get()

    def single_quote(self) -> str:
        self.next()
        out: list[str] = []
        while True:
            ch = self.next()
            if ch == EOF:
                raise LexError(
                    "unexpected end of statement while looking for matching single-quote"
                )
            if ch == "'":
                return "".join(out)
            out.append(ch)

    def double_quote(self) -> str:
        self.next()
        out: list[str] = []
        while True:
            peek = self.peek()
            if peek == EOF:
                raise LexError(
                    "unexpected end of statement while looking for matching double-quote"
                )
            if peek == '"':
                self.next()
                return "".join(out)
            if peek == "$":
                out.append(self.dollar())
                continue
            ch = self.next()
            if ch == self.escape:
                if self.raw_escapes:
                    out.append(ch)
                following = self.peek()
                if following == EOF:
                    continue
                if following in {'"', "$", self.escape}:
                    ch = self.next()
            out.append(ch)

    def possible_heredoc(self) -> str:
        self.next()
        if self.peek() != "<":
            return "<"
        self.next()
        space = ""
        while self.peek() in {"\t", "\r", " "} and self.peek() != EOF:
            space += self.next()
        return "<<" + space

    def name(self) -> str:
        out = ""
        while self.peek() != EOF:
            ch = self.peek()
            if not out and ch.isdigit():
                while self.peek() != EOF and self.peek().isdigit():
                    out += self.next()
                return out
            if not out and ch in "@*#?-$!0":
                return self.next()
            if not (ch.isalpha() or ch.isdigit() or ch == "_"):
                break
            out += self.next()
        return out

    def get(self, name: str) -> tuple[str, bool]:
        if name in self.env:
            return self.env[name], True
        return "", False

    def dollar(self) -> str:
        self.next()
        if self.peek() != "{":
            name = self.name()
            if not name:
                return "$"
            return self.get(name)[0]
        self.next()
        if self.peek() == EOF:
            raise LexError("syntax error: missing '}'")
        if self.peek() in {"{", "}", ":"}:
            raise LexError("syntax error: bad substitution")
        name = self.name()
        ch = self.next()
        chs = ch
        null_is_unset = False
        if ch == "}":
            return self.get(name)[0]
        if ch == ":":
            null_is_unset = True
            ch = self.next()
            chs += ch
        if ch in {"+", "-", "?", "#", "%"}:
            raw = ch in {"#", "%"}
            if null_is_unset and raw:
                raise LexError(f"unsupported modifier ({chs}) in substitution")
            try:
                word, _ = self.stop_on("}", raw)
            except LexError:
                if self.peek() == EOF:
                    raise LexError("syntax error: missing '}'") from None
                raise
            value, is_set = self.get(name)
            if ch == "-":
                return word if not is_set or (null_is_unset and value == "") else value
            if ch == "+":
                return "" if not is_set or (null_is_unset and value == "") else word
            if ch == "?":
                if not is_set:
                    raise LexError(f"{name}: {word or 'is not allowed to be unset'}")
                if null_is_unset and value == "":
                    raise LexError(f"{name}: {word or 'is not allowed to be empty'}")
                return value
            greedy = bool(word) and word[0] == ch
            if greedy:
                word = word[1:]
            if ch == "%":
                return _trim_suffix(word, value, greedy)
            return _trim_prefix(word, value, greedy)
        if ch == "/" and not null_is_unset:
            replace_all = self.peek() == "/"
            if replace_all:
                self.next()
            try:
                pattern, _ = self.stop_on("/", True)
            except LexError:
                if self.peek() == EOF:
                    raise LexError("syntax error: missing '/' in ${}") from None
                raise
            try:
                replacement, _ = self.stop_on("}", True)
            except LexError:
                if self.peek() == EOF:
                    raise LexError("syntax error: missing '}'") from None
                raise
            value, _ = self.get(name)
            regex = _pattern(pattern, greedy=True, anchored=False)
            if replace_all:
                return regex.sub(lambda m: replacement, value)
            return regex.sub(lambda m: replacement, value, count=1)
        raise LexError(f"unsupported modifier ({chs}) in substitution")


class _Words:
    """wordsStruct: splitting the processed text into words where the shell would."""

    def __init__(self) -> None:
        self.buf = ""
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if ch.isspace() and self.in_word:
            if self.buf:
                self.words.append(self.buf)
                self.buf = ""
                self.in_word = False
        elif not ch.isspace():
            self.add_raw_char(ch)

    def add_raw_char(self, ch: str) -> None:
        self.buf += ch
        self.in_word = True

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def add_raw_string(self, text: str) -> None:
        self.buf += text
        self.in_word = True

    def get(self) -> list[str]:
        if self.buf:
            self.words.append(self.buf)
            self.buf = ""
            self.in_word = False
        return self.words


def _pattern(pattern: str, *, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """convertShellPatternToRegex."""
    out = "^" if anchored else ""
    star = ".*" if greedy else ".*?"
    i = 0
    while i < len(pattern):
        tok = pattern[i]
        i += 1
        if tok == "*":
            out += star
            continue
        if tok == "?":
            out += "."
            continue
        if tok == "\\":
            if i < len(pattern) and pattern[i] in "}/":
                continue
            nxt = pattern[i] if i < len(pattern) else ""
            i += 1
            if nxt not in {"*", "?", "\\"}:
                raise LexError(
                    f"invalid pattern ({pattern}) in substitution: invalid escape '\\{nxt}'"
                )
            out += "\\" + nxt
            continue
        out += re.escape(tok) if tok in "[]{}.+()|^$" else tok
    return re.compile(out, re.S)


def _trim_prefix(word: str, value: str, greedy: bool) -> str:
    match = _pattern(word, greedy=greedy, anchored=True).search(value)
    return value[match.end() :] if match else value


def _reverse_pattern(pattern: str) -> str:
    chars = list(pattern)
    out = [""] * len(chars)
    last = len(chars) - 1
    i = 0
    while i <= last:
        tok = chars[i]
        index = last - i
        if tok == "\\" and i != last:
            out[index - 1] = tok
            out[index] = chars[i + 1]
            i += 2
        else:
            out[index] = tok
            i += 1
    return "".join(out)


def _trim_suffix(pattern: str, word: str, greedy: bool) -> str:
    return _trim_prefix(_reverse_pattern(pattern), word[::-1], greedy)[::-1]


def process_word(word: str, env: Mapping[str, str]) -> str:
    """Lex.ProcessWord: the word with quotes removed and variables expanded."""
    try:
        return _Word(word, env).stop_on(EOF, False)[0]
    except LexError as exc:
        raise LexError(f'failed to process "{word}": {exc}') from None


def process_words(word: str, env: Mapping[str, str]) -> list[str]:
    """Lex.ProcessWords: the same, split into words (EXPOSE, VOLUME, ...)."""
    try:
        return _Word(word, env).stop_on(EOF, False)[1]
    except LexError as exc:
        raise LexError(f'failed to process "{word}": {exc}') from None
