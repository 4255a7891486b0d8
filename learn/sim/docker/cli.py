"""Flags as the docker CLI (cobra/pflag) parses them, and its tables (tabwriter).

pflag rules: `--name value`, `--name=value`, `-p 80:80`, `-p80:80`, combined booleans
(`-dit`), `--` ends the flags; an unknown flag is `unknown flag: --x` and an unknown shorthand
`unknown shorthand flag: 'z' in -z`, both with `See 'docker <cmd> --help'.` and exit code 125
for `docker run`/`create`, 1 for the rest (docker/cli cli/cobra.go FlagErrorFunc + StatusError).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class FlagError(Exception):
    pass


@dataclass
class Flag:
    long: str
    short: str = ""
    kind: str = "bool"  # bool | value | multi | unsupported
    default: Any = None


@dataclass
class Parsed:
    values: dict[str, Any] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def parse(argv: list[str], flags: list[Flag], *, interspersed: bool = True) -> Parsed:
    """Parse argv; with interspersed=False the first positional ends the flags (docker run
    IMAGE COMMAND..., docker exec CONTAINER COMMAND...)."""
    by_long = {f.long: f for f in flags}
    by_short = {f.short: f for f in flags if f.short}
    by_long.setdefault("help", Flag("help"))
    parsed = Parsed()
    for flag in flags:
        if flag.kind == "multi":
            parsed.values[flag.long] = []
        elif flag.default is not None:
            parsed.values[flag.long] = flag.default
    i = 0

    def take(flag: Flag, value: str | None, name: str) -> None:
        nonlocal i
        if flag.kind == "unsupported":
            raise FlagError(f"unsupported:{name}")
        if flag.kind == "bool":
            if value is not None and value.lower() not in {"true", "false", "1", "0"}:
                raise FlagError(
                    f'invalid argument "{value}" for "{name}" flag: strconv.ParseBool: parsing "{value}": invalid syntax'
                )
            parsed.values[flag.long] = value is None or value.lower() in {"true", "1"}
            return
        if value is None:
            if i + 1 >= len(argv):
                raise FlagError(f"flag needs an argument: {name}")
            i += 1
            value = argv[i]
        if flag.kind == "multi":
            parsed.values[flag.long].append(value)
        else:
            parsed.values[flag.long] = value

    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            parsed.args.extend(argv[i + 1 :])
            break
        if arg.startswith("--") and len(arg) > 2:
            name, eq, value = arg[2:].partition("=")
            long_flag = by_long.get(name)
            if long_flag is None:
                raise FlagError(f"unknown flag: --{name}")
            take(long_flag, value if eq else None, f"--{name}")
        elif arg.startswith("-") and len(arg) > 1:
            letters = arg[1:]
            j = 0
            while j < len(letters):
                letter = letters[j]
                short = by_short.get(letter)
                if short is None:
                    if letter == "h":
                        parsed.values["help"] = True
                        j += 1
                        continue
                    raise FlagError(f"unknown shorthand flag: '{letter}' in -{letters}")
                rest = letters[j + 1 :]
                if short.kind in {"value", "multi", "unsupported"}:
                    take(short, rest.removeprefix("=") if rest else None, f"-{letter}")
                    break
                take(short, None, f"-{letter}")
                j += 1
        else:
            parsed.args.append(arg)
            if not interspersed:
                parsed.args.extend(argv[i + 1 :])
                break
        i += 1
    return parsed


def table(headers: list[str], rows: list[list[str]]) -> str:
    """docker/cli's tabwriter (minwidth 10, padding 3, spaces): every column but the last is
    padded to its widest cell plus 3, and to at least 10."""
    if not headers:
        return ""
    widths = [len(h) for h in headers]
    for row in rows:
        for k, cell in enumerate(row):
            widths[k] = max(widths[k], len(cell))
    out = []
    for row in [headers, *rows]:
        cells = []
        for k, cell in enumerate(row):
            if k == len(row) - 1:
                cells.append(cell)
            else:
                cells.append(cell.ljust(max(widths[k] + 3, 10)))
        out.append("".join(cells).rstrip())
    return "\n".join(out) + "\n"


def ellipsis(text: str, width: int) -> str:
    """docker/cli formatter.Ellipsis: cut to `width` characters, the last one `…`."""
    if len(text) <= width:
        return text
    return text[: width - 1] + "…"


def _ip_key(ip: str) -> tuple[int, int]:
    """netip.Addr.Less: the zero address first, then IPv4, then IPv6, by value."""
    import ipaddress

    if not ip:
        return (0, 0)
    addr = ipaddress.ip_address(ip)
    return (1 if addr.version == 4 else 2, int(addr))


def _join_host_port(ip: str, port: str) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def displayable_ports(ports: list[tuple[str, int, int, str]]) -> str:
    """docker/cli formatter.DisplayablePorts: (ip, public port, private port, proto) each;
    consecutive ports fold into ranges, mappings to another host port come last."""
    ordered = sorted(ports, key=lambda p: (p[2], _ip_key(p[0]), p[1], p[3]))
    groups: dict[str, list[int]] = {}
    keys: list[str] = []
    result: list[str] = []
    mappings: list[str] = []

    def form(key: str, first: int, last: int) -> str:
        parts = key.split("/")
        kind, ip = parts[0], ""
        if len(parts) > 1:
            ip, kind = parts[0], parts[1]
        group = str(first) if first == last else f"{first}-{last}"
        if ip:
            group = f"{_join_host_port(ip, group)}->{group}"
        return f"{group}/{kind}"

    for ip, public, private, kind in ordered:
        key = kind
        if ip:
            if public != private:
                mappings.append(f"{_join_host_port(ip, str(public))}->{private}/{kind}")
                continue
            key = f"{ip}/{kind}"
        group = groups.get(key)
        if group is None:
            groups[key] = [private, private]
            keys.append(key)
            continue
        if private == group[1] + 1:
            group[1] = private
            continue
        result.append(form(key, group[0], group[1]))
        groups[key] = [private, private]
    for key in keys:
        first, last = groups[key]
        result.append(form(key, first, last))
    return ", ".join(result + mappings)
