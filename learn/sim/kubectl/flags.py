"""Command-line flags the way kubectl's cobra/pflag parse them.

`--name=value`, `--name value`, `-n value`, `-nvalue`, `-n=value`, grouped booleans (`-it`),
`--bool=false`, `--` ending the flags, flags anywhere among the arguments. Errors carry pflag's
own words (`unknown flag: --foo`, `unknown shorthand flag: 'z' in -z`, `flag needs an argument:
--namespace`), which kubectl prints as `error: ...` followed by `See 'kubectl CMD --help' for
usage.`
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Flag:
    name: str
    short: str = ""
    kind: str = "string"  # string | bool | int | list (repeatable or comma-separated)
    default: Any = None
    # What the sandbox does not simulate (the flag is known, its use is refused clearly).
    refused: bool = False
    # The refusal's text when it says more than `--NAME is not simulated in this sandbox`.
    refusal: str = ""


class FlagError(Exception):
    pass


@dataclass
class Parsed:
    args: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)
    dash: int = -1  # where `--` was among args (-1: none)

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return "" if value is None else str(value)

    def on(self, name: str) -> bool:
        return bool(self.values.get(name))

    def many(self, name: str) -> list[str]:
        value = self.values.get(name)
        return list(value or [])

    def has(self, name: str) -> bool:
        return name in self.given


_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


def _parse_bool(flag: Flag, text: str, shown: str) -> bool:
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FlagError(
        f'invalid argument "{text}" for "{shown}" flag: strconv.ParseBool: parsing "{text}": invalid syntax'
    )


def _set(parsed: Parsed, flag: Flag, text: str, shown: str) -> None:
    if flag.kind == "bool":
        parsed.values[flag.name] = _parse_bool(flag, text, shown)
    elif flag.kind == "int":
        try:
            parsed.values[flag.name] = int(text)
        except ValueError:
            raise FlagError(
                f'invalid argument "{text}" for "{shown}" flag: strconv.ParseInt: parsing "{text}": invalid syntax'
            ) from None
    elif flag.kind == "list":
        current = parsed.values.get(flag.name) or []
        parsed.values[flag.name] = [*current, *[p for p in text.split(",") if p != ""]]
    elif flag.kind == "array":
        current = parsed.values.get(flag.name) or []
        parsed.values[flag.name] = [*current, text]
    else:
        parsed.values[flag.name] = text
    parsed.given.add(flag.name)


def parse(argv: Sequence[str], flags: Iterable[Flag]) -> Parsed:
    by_name: dict[str, Flag] = {}
    by_short: dict[str, Flag] = {}
    for flag in flags:
        by_name[flag.name] = flag
        if flag.short:
            by_short[flag.short] = flag
    parsed = Parsed()
    for flag in by_name.values():
        if flag.default is not None:
            parsed.values[flag.name] = flag.default
    i = 0
    args = list(argv)
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            parsed.dash = len(parsed.args)
            parsed.args.extend(args[i:])
            break
        if arg.startswith("--") and len(arg) > 2:
            name, eq, value = arg[2:].partition("=")
            long_flag = by_name.get(name)
            if long_flag is None:
                raise FlagError(f"unknown flag: --{name}")
            if eq:
                _set(parsed, long_flag, value, f"--{name}")
            elif long_flag.kind == "bool":
                _set(parsed, long_flag, "true", f"--{name}")
            elif i < len(args):
                _set(parsed, long_flag, args[i], f"--{name}")
                i += 1
            else:
                raise FlagError(f"flag needs an argument: --{name}")
            continue
        if arg.startswith("-") and len(arg) > 1 and arg != "-":
            shorts = arg[1:]
            j = 0
            while j < len(shorts):
                char = shorts[j]
                short_flag = by_short.get(char)
                if short_flag is None:
                    raise FlagError(f"unknown shorthand flag: '{char}' in {arg}")
                rest = shorts[j + 1 :]
                if short_flag.kind == "bool":
                    if rest.startswith("="):
                        _set(parsed, short_flag, rest[1:], f"-{char}")
                        break
                    _set(parsed, short_flag, "true", f"-{char}")
                    j += 1
                    continue
                if rest:
                    _set(parsed, short_flag, rest.removeprefix("="), f"-{char}")
                elif i < len(args):
                    _set(parsed, short_flag, args[i], f"-{char}")
                    i += 1
                else:
                    raise FlagError(f"flag needs an argument: '{char}' in -{char}")
                break
            continue
        parsed.args.append(arg)
    return parsed


def takes_value(arg: str, flags: Iterable[Flag]) -> bool:
    """True when `arg` (a flag without `=`) consumes the next argument as its value."""
    for flag in flags:
        if flag.kind == "bool":
            continue
        if arg == f"--{flag.name}" or (flag.short and arg == f"-{flag.short}"):
            return True
    return False
