"""A small POSIX shell for what runs inside containers: `sh -c` scripts, exec probes,
`kubectl exec` and `docker exec` commands.

It understands what container commands in the course and the docs really look like:
sequences with `;`, `&&` and `||`; `while true; do ...; done` and `while sleep N; do ...;
done` loops; `for X in a b c; do ...; done`; `exec CMD`; `> FILE` and `>> FILE`. The commands
it runs are the ones busybox and a Debian base image have: echo, printf, sleep, true, false,
exit, cat, test / [ ], ls, touch, mkdir, env, printenv, hostname, id, whoami, date, tail,
wget (busybox), nslookup, pg_isready and psql (postgres images), redis-cli (redis images).

Anything else answers as a shell does (`sh: curl: not found`, exit 127) -- never a fake
success. Time passes as the script says (`sleep 5`), so a loop that prints every 5 s prints
every 5 simulated seconds.
"""

from __future__ import annotations

import contextlib
import re
import shlex
from dataclasses import dataclass, field

from learn.sim.programs import Process, Response, Run

# The shells an image family ships: busybox's `sh` is its ash (no bash); Debian's `sh` is
# dash, with bash beside it (docker-library's images are built on busybox, alpine or debian).
_SHELLS = {"sh", "bash", "ash"}
_C_FLAGS = {"-c", "-ec", "-ce", "-xc", "-euc"}

# What each image family ships (beyond the shell built-ins).
_BUSYBOX = {
    "sh",
    "ash",
    "wget",
    "nslookup",
    "tail",
    "ls",
    "cat",
    "touch",
    "mkdir",
    "env",
    "printenv",
    "hostname",
    "id",
    "whoami",
    "date",
    "ping",
    "nc",
    "head",
    "ps",
    "sleep",
    "test",
    "[",
}
_DEBIAN = {
    "sh",
    "bash",
    "tail",
    "ls",
    "cat",
    "touch",
    "mkdir",
    "env",
    "printenv",
    "hostname",
    "id",
    "whoami",
    "date",
    "head",
    "sleep",
    "test",
    "[",
}
_EXTRA = {
    "postgres": {"pg_isready", "psql"},
    "redis": {"redis-cli"},
    "python": {"python", "python3", "pip"},
    "interpreter": {"python", "python3", "node", "npm", "go"},
    "learn-web": {"python", "python3", "gunicorn"},
}
_BUILTINS = {
    "echo",
    "printf",
    "true",
    "false",
    "exit",
    "exec",
    ":",
    "cd",
    "export",
    "set",
    "test",
    "[",
    "sleep",
}


def _tools(p: Process) -> set[str]:
    if not p.image.config.shell:
        return set()
    family = p.image.family
    tools = set(
        _BUSYBOX
        if family in {"busybox", "alpine"} or "alpine" in (p.image.version or "")
        else _DEBIAN
    )
    tools |= _EXTRA.get(family, set()) | _EXTRA.get(p.image.program, set())
    return tools | _BUILTINS


@dataclass
class _Out:
    lines: list[tuple[int, str]] = field(default_factory=list)
    t: int = 0  # ms since start
    code: int = 0
    exited: bool = False
    forever: bool = False
    follow: str | None = None
    partial: str = ""
    repeat: tuple[int, list[tuple[int, str]]] | None = None
    # Requests a loop sends for ever: (host, port, path, per second), for the cluster's
    # usage model (the HPA, `kubectl top`).
    load: list[tuple[str, int, str, float]] = field(default_factory=list)

    def emit(self, text: str) -> None:
        self.partial += text
        while "\n" in self.partial:
            line, self.partial = self.partial.split("\n", 1)
            self.lines.append((self.t, line))

    def flush(self) -> None:
        if self.partial:
            self.lines.append((self.t, self.partial))
            self.partial = ""


class _Unsupported(Exception):
    pass


_SEPARATORS = {";", "&&", "||", "\n"}


def _tokens(script: str) -> list[str]:
    lexer = shlex.shlex(script.replace("\n", " ; "), posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    return list(lexer)


def _statements(tokens: list[str]) -> list[tuple[str, list[str]]]:
    """[(separator before it, words)], keeping loops as one statement."""
    out: list[tuple[str, list[str]]] = []
    current: list[str] = []
    sep = ";"
    depth = 0
    for token in tokens:
        if token in {"while", "until", "for", "if"} and not current:
            depth += 1
        elif token in {"done", "fi"}:
            depth -= 1
        if depth == 0 and token in _SEPARATORS:
            if current:
                out.append((sep, current))
            current, sep = [], token
            continue
        current.append(token)
    if current:
        out.append((sep, current))
    return out


def _duration(text: str) -> int | None:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", text)
    if not match:
        return None
    return round(
        float(match.group(1))
        * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
        * 1000
    )


def _expand(word: str, p: Process) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return p.env.get(name, "")

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", sub, word)


MAX_STEPS = 2000


def _run_statements(
    p: Process, statements: list[tuple[str, list[str]]], out: _Out, budget: list[int]
) -> None:
    for sep, words in statements:
        if out.exited or out.forever:
            return
        if sep == "&&" and out.code != 0:
            continue
        if sep == "||" and out.code == 0:
            continue
        budget[0] -= 1
        if budget[0] <= 0:
            raise _Unsupported("script too long to simulate")
        _run_statement(p, words, out, budget)


def _split_loop(words: list[str]) -> tuple[list[str], list[str]]:
    """`while COND ; do BODY ; done` -> (COND tokens, BODY tokens)."""
    try:
        do = words.index("do")
    except ValueError:
        raise _Unsupported("a loop without `do`") from None
    if words[-1] != "done":
        raise _Unsupported("a loop without `done`")
    cond = [w for w in words[1:do] if w != ";"]
    body = words[do + 1 : -1]
    return cond, body


def _run_statement(p: Process, words: list[str], out: _Out, budget: list[int]) -> None:
    head = words[0]
    if head in {"while", "until"}:
        cond, body = _split_loop(words)
        body_statements = _statements(body)
        forever_cond = cond in (["true"], [":"]) or (len(cond) == 2 and cond[0] == "sleep")
        if head == "until" and cond in (["false"],):
            forever_cond = True
        if not forever_cond:
            raise _Unsupported(f"`{head} {' '.join(cond)}` loops")
        # Run one iteration to learn its period and its lines, then repeat it forever.
        start, first = out.t, len(out.lines)
        if len(cond) == 2:
            step = _duration(cond[1])
            if step is None:
                out.emit(f"sleep: invalid number '{cond[1]}'\n")
                out.code = 1
                return
            out.t += step
        _run_statements(p, body_statements, out, budget)
        if out.exited:
            return
        period = max(out.t - start, 1)
        if period < 100:
            # A busy loop with no sleep: real shells spin a CPU; the sandbox says so plainly.
            period = 100
        out.forever = True
        for _sep, statement in body_statements:
            if statement and statement[0].rsplit("/", 1)[-1] == "wget":
                target = _wget_target([w for w in statement[1:] if not w.startswith("-")])
                if target is not None:
                    out.load.append((*target, 1000 / period))
        out.repeat = (period, [(at - start, line) for at, line in out.lines[first:]])
        del out.lines[first:]
        return
    if head == "for":
        if len(words) < 4 or words[2] != "in":
            raise _Unsupported("this `for` loop")
        var = words[1]
        do = words.index("do") if "do" in words else -1
        items = [w for w in words[3:do] if w != ";"]
        _cond, body = _split_loop(["for", *words[1:]])
        for item in items:
            p.env[var] = item
            _run_statements(p, _statements(body), out, budget)
            if out.exited or out.forever:
                return
        return
    if head == "if":
        raise _Unsupported("`if` in container scripts")
    redirect: tuple[str, str] | None = None
    for op in (">>", ">"):
        if op in words:
            at = words.index(op)
            if at + 1 < len(words):
                redirect = (op, _expand(words[at + 1], p))
                words = words[:at] + words[at + 2 :]
            break
    if "|" in words or "<" in words or "&" in words:
        raise _Unsupported("pipes and background jobs in container scripts")
    argv = [_expand(w, p) for w in words]
    if argv and argv[0] == "exec":
        argv = argv[1:]
    if not argv:
        return
    code, text, took, block = _command(p, argv, out)
    out.t += took
    if redirect is not None and text:
        op, path = redirect
        problem = p.fs.write(path, text, append=op == ">>")
        if problem:
            text = f"sh: can't create {path}: {problem}\n"
            code = 1
        else:
            text = ""
    out.emit(text)
    out.code = code
    if block == "exit":
        out.exited = True
    elif block == "forever":
        out.forever = True
    elif block.startswith("follow:"):
        out.forever = True
        out.follow = block.split(":", 1)[1]


def _subshell(p: Process, args: list[str]) -> tuple[int, str, int, str]:
    """`sh -c SCRIPT` inside a script or an exec: the script runs in a shell of its own (its
    `exit` ends only that shell); `sh` with no script and no terminal reads end-of-input and
    exits 0."""
    if not args:
        return 0, "", 0, ""
    if args[0] not in _C_FLAGS or len(args) < 2:
        raise _Unsupported("shell script files")
    sub = _Out()
    _run_statements(p, _statements(_tokens(args[1])), sub, [MAX_STEPS])
    sub.flush()
    if sub.repeat is not None or sub.follow is not None or sub.load:
        raise _Unsupported("loops inside a nested `sh -c`")
    return (
        sub.code,
        "".join(line + "\n" for _, line in sub.lines),
        sub.t,
        ("forever" if sub.forever else ""),
    )


def _command(p: Process, argv: list[str], out: _Out | None = None) -> tuple[int, str, int, str]:
    """(exit code, output, ms it took, how it ends: "" | "exit" | "forever" | "follow:PATH")."""
    name = argv[0]
    base = name.rsplit("/", 1)[-1]
    tools = _tools(p)
    if base not in tools:
        return 127, f"sh: {name}: not found\n", 0, ""
    args = argv[1:]
    if base in _SHELLS:
        return _subshell(p, args)
    if base in {"true", ":"}:
        return 0, "", 0, ""
    if base == "false":
        return 1, "", 0, ""
    if base == "exit":
        try:
            code = int(args[0]) if args else (out.code if out else 0)
        except ValueError:
            code = 2
        return code & 0xFF, "", 0, "exit"
    if base == "echo":
        newline = True
        if args and args[0] == "-n":
            newline, args = False, args[1:]
        return 0, " ".join(args) + ("\n" if newline else ""), 0, ""
    if base == "printf":
        if not args:
            return 1, "printf: usage: printf FORMAT [ARGUMENT]...\n", 0, ""
        text = args[0].replace("\\n", "\n").replace("\\t", "\t")
        with contextlib.suppress(TypeError, ValueError):
            text = text % tuple(args[1:]) if "%" in text else text
        return 0, text, 0, ""
    if base == "sleep":
        if not args:
            return 1, "sleep: missing operand\n", 0, ""
        if args[0] == "infinity":
            return 0, "", 0, "forever"
        ms = _duration(args[0])
        if ms is None:
            return 1, f"sleep: invalid number '{args[0]}'\n", 0, ""
        return 0, "", ms, ""
    if base in {"cd", "export", "set"}:
        for arg in args:
            if base == "export" and "=" in arg:
                key, value = arg.split("=", 1)
                p.env[key] = value
        return 0, "", 0, ""
    if base in {"test", "["}:
        items = args[:-1] if base == "[" and args and args[-1] == "]" else args
        return (0 if _test(p, items) else 1), "", 0, ""
    if base == "cat":
        text, err, code = "", "", 0
        for path in args:
            content = p.fs.read(path)
            if content is None:
                err += f"cat: can't open '{path}': No such file or directory\n"
                code = 1
            else:
                text += content
        return code, text + err, 0, ""
    if base == "head":
        path = args[-1] if args else ""
        content = p.fs.read(path)
        if content is None:
            return 1, f"head: {path}: No such file or directory\n", 0, ""
        return 0, "".join(content.splitlines(keepends=True)[:10]), 0, ""
    if base == "tail":
        follow = any(
            a in {"-f", "-F"} or (a.startswith("-") and "f" in a.lower() and not a.startswith("-n"))
            for a in args
        )
        paths = [a for a in args if not a.startswith("-") and not re.fullmatch(r"\+?\d+", a)]
        every = any(a in {"-n+1", "+1"} or a.startswith("-n+") for a in args) or (
            "-n" in args and args[args.index("-n") + 1 : args.index("-n") + 2] == ["+1"]
        )
        if not paths:
            return 0, "", 0, "forever" if follow else ""
        path = paths[0]
        content = p.fs.read(path)
        if content is None:
            if follow and "-F" in args:
                return (
                    0,
                    f"tail: can't open '{path}': No such file or directory\n",
                    0,
                    f"follow:{path}",
                )
            return 1, f"tail: can't open '{path}': No such file or directory\n", 0, ""
        lines = content.splitlines(keepends=True)
        shown = "".join(lines if every else lines[-10:])
        return 0, shown, 0, f"follow:{path}" if follow else ""
    if base == "ls":
        paths = [a for a in args if not a.startswith("-")] or ["."]
        text, code = "", 0
        for path in paths:
            names = p.fs.listdir(path)
            if names is None:
                if p.fs.exists(path):
                    text += path + "\n"
                    continue
                text += f"ls: {path}: No such file or directory\n"
                code = 1
            else:
                text += "".join(n + "\n" for n in sorted(names))
        return code, text, 0, ""
    if base == "touch":
        for path in args:
            if p.fs.read(path) is None:
                problem = p.fs.write(path, "")
                if problem:
                    return 1, f"touch: {path}: {problem}\n", 0, ""
        return 0, "", 0, ""
    if base == "mkdir":
        return 0, "", 0, ""
    if base in {"env", "printenv"}:
        if base == "printenv" and args:
            found = p.env.get(args[0])
            return (0, found + "\n", 0, "") if found is not None else (1, "", 0, "")
        return 0, "".join(f"{k}={v}\n" for k, v in p.env.items()), 0, ""
    if base == "hostname":
        return 0, p.hostname + "\n", 0, ""
    if base in {"id", "whoami"}:
        uid = _uid_of(p.user)
        if base == "whoami":
            return (
                0,
                (
                    "root"
                    if uid == 0
                    else (
                        p.user.split(":")[0]
                        if not p.user.split(":")[0].isdigit()
                        else f"whoami: unknown uid {uid}"
                    )
                )
                + "\n",
                0,
                "",
            )
        return 0, _id_line(p) + "\n", 0, ""
    if base == "date":
        import datetime as dt

        from learn.sim.world import EPOCH

        moment = EPOCH + dt.timedelta(milliseconds=p.now + (out.t if out else 0))
        return 0, moment.strftime("%a %b %d %H:%M:%S UTC %Y") + "\n", 0, ""
    if base == "wget":
        return _wget(p, args)
    if base == "nslookup":
        if not args:
            return (
                1,
                "BusyBox v1.37.0 multi-call binary.\n\nUsage: nslookup HOST [DNS_SERVER]\n",
                0,
                "",
            )
        host = args[0]
        ip = p.net.resolve(host)
        # The container's nameserver: Docker's embedded DNS or the cluster's kube-dns Service.
        server = str(getattr(p.net, "dns_server", "10.96.0.10"))
        head = f"Server:\t\t{server}\nAddress:\t{server}:53\n\n"
        if ip is None:
            return 1, f"{head}** server can't find {host}: NXDOMAIN\n", 30, ""
        if not getattr(p.net, "authoritative", True):
            head += "Non-authoritative answer:\n"
        return 0, f"{head}Name:\t{host}\nAddress: {ip}\n", 30, ""
    if base == "pg_isready":
        return _pg_isready(p, args)
    if base == "redis-cli":
        if args and args[-1].lower() == "ping":
            host = args[args.index("-h") + 1] if "-h" in args else "127.0.0.1"
            peer = p.net.connect("localhost" if host == "127.0.0.1" else host, 6379)
            if isinstance(peer, str):
                return 1, f"Could not connect to Redis at {host}:6379: Connection refused\n", 5, ""
            return 0, "PONG\n", 2, ""
        return 1, "redis-cli: only `redis-cli [-h HOST] ping` is simulated in this sandbox\n", 0, ""
    return 126, f"sh: {name}: this command is not simulated in the sandbox\n", 0, ""


def _named(number: int) -> str:
    # The only passwd and group entry the simulated images are known to hold is root's.
    return f"{number}(root)" if number == 0 else str(number)


def _id_line(p: Process) -> str:
    """coreutils/busybox `id`: uid, primary gid, then every group the process holds, which
    the kernel keeps sorted (setgroups) and which include the primary gid (containerd
    WithAdditionalGIDs). A user given without a group runs with gid 0."""
    uid = _uid_of(p.user)
    _, _, group = (p.user or "").partition(":")
    gid = int(group) if group.isdigit() else 0
    groups = sorted({gid, *p.groups})
    return f"uid={_named(uid)} gid={_named(gid)} groups=" + ",".join(_named(g) for g in groups)


def _uid_of(user: str) -> int:
    name = (user or "").split(":")[0]
    if not name or name == "root":
        return 0
    return int(name) if name.isdigit() else 1000


def _test(p: Process, items: list[str]) -> bool:
    if not items:
        return False
    if items[0] == "!":
        return not _test(p, items[1:])
    if len(items) == 2 and items[0] in {"-f", "-e", "-d", "-s", "-r", "-w"}:
        path = items[1]
        if items[0] == "-d":
            return p.fs.is_dir(path)
        if items[0] == "-s":
            content = p.fs.read(path)
            return bool(content)
        if items[0] == "-w":
            return p.fs.exists(path) and p.fs.write(path, "", append=True) is None
        return p.fs.exists(path) and (items[0] != "-f" or not p.fs.is_dir(path))
    if len(items) == 2 and items[0] in {"-n", "-z"}:
        return bool(items[1]) == (items[0] == "-n")
    if len(items) == 3 and items[1] in {"=", "==", "!="}:
        return (items[0] == items[2]) == (items[1] != "!=")
    if len(items) == 1:
        return bool(items[0])
    return False


def _wget_target(urls: list[str]) -> tuple[str, int, str] | None:
    if not urls:
        return None
    url = urls[-1] if "://" in urls[-1] else "http://" + urls[-1]
    match = re.match(r"^http://([^/:]+)(?::(\d+))?(/.*)?$", url)
    if not match:
        return None
    return match.group(1), int(match.group(2) or 80), match.group(3) or "/"


def _wget(p: Process, args: list[str]) -> tuple[int, str, int, str]:
    urls = [
        a for a in args if "://" in a or (not a.startswith("-") and a not in {"-", "/dev/null"})
    ]
    quiet = any(a.startswith("-q") for a in args)
    if not urls:
        return 1, "wget: missing URL\n", 0, ""
    url = urls[-1] if "://" in urls[-1] else "http://" + urls[-1]
    match = re.match(r"^http://([^/:]+)(?::(\d+))?(/.*)?$", url)
    if not match:
        return 1, f"wget: not an http URL: {url}\n", 0, ""
    host, port_text, path = match.group(1), match.group(2), match.group(3) or "/"
    port = int(port_text or 80)
    peer = p.net.connect(host, port)
    if isinstance(peer, str):
        if peer == "nxdomain":
            return 1, f"wget: bad address '{host}:{port}'\n", 20, ""
        if peer == "timeout":
            return 1, "wget: download timed out\n", 10_000, ""
        return (
            1,
            f"wget: can't connect to remote host ({p.net.resolve(host) or host}): Connection refused\n",
            5,
            "",
        )
    response = peer.program.http(peer.process, port, path, host=host)
    if response is None:
        return 1, "wget: error getting response: Connection reset by peer\n", 5, ""
    if response.status >= 400:
        reason = {
            400: "Bad Request",
            404: "Not Found",
            500: "Internal Server Error",
            503: "Service Unavailable",
        }.get(response.status, "Error")
        return 1, f"wget: server returned error: HTTP/1.1 {response.status} {reason}\n", 10, ""
    body = response.body if response.body.endswith("\n") else response.body + "\n"
    to_stdout = (
        "-O-" in args
        or "-qO-" in args
        or ("-O" in args and args[args.index("-O") + 1 : args.index("-O") + 2] == ["-"])
    )
    if to_stdout:
        return 0, body, 10, ""
    return 0, "" if quiet else "saving to 'index.html'\n", 10, ""


def _pg_isready(p: Process, args: list[str]) -> tuple[int, str, int, str]:
    host = "/var/run/postgresql"
    port = 5432
    if "-h" in args and args.index("-h") + 1 < len(args):
        host = args[args.index("-h") + 1]
    if "-p" in args and args.index("-p") + 1 < len(args) and args[args.index("-p") + 1].isdigit():
        port = int(args[args.index("-p") + 1])
    target = "localhost" if host in {"/var/run/postgresql", "127.0.0.1"} else host
    peer = p.net.connect(target, port)
    shown = f"{host}:{port}"
    if isinstance(peer, str):
        if peer == "nxdomain":
            return 2, f"{shown} - no response\n", 10, ""
        return 2, f"{shown} - no response\n", 10, ""
    return 0, f"{shown} - accepting connections\n", 5, ""


# --------------------------------------------------------------------------- entry points


def run_script(p: Process) -> Run:
    """What the container's main process does when it is a shell or a plain command."""
    argv = list(p.argv)
    if not argv:
        return Run(exits_after=0, exit_code=127, lines=[(0, "no command specified")])
    base = argv[0].rsplit("/", 1)[-1]
    if (
        base in {"sh", "bash", "ash"}
        and len(argv) >= 3
        and argv[1] in {"-c", "-ec", "-ce", "-xc", "-euc"}
    ):
        script = argv[2]
    elif base in {"sh", "bash", "ash"} and len(argv) == 1:
        # An interactive shell with no terminal reads end-of-file and exits 0.
        return Run(exits_after=0 if not p.tty else None, exit_code=0, term_exits_after=None)
    else:
        script = " ".join(shlex.quote(a) for a in argv)
    out = _Out()
    try:
        _run_statements(p, _statements(_tokens(script)), out, [MAX_STEPS])
    except _Unsupported as exc:
        out.emit(f"sh: {exc} are not simulated by this sandbox\n")
        out.code = 2
        out.exited = True
    except ValueError as exc:  # unbalanced quotes
        out.emit(f"sh: syntax error: {exc}\n")
        out.code = 2
        out.exited = True
    out.flush()
    shell_pid1 = base in {"sh", "bash", "ash"}
    run = Run(
        lines=out.lines,
        memory=1 * 1024 * 1024,
        cpu=1,
        term_exits_after=None if shell_pid1 else 50,
        term_exit_code=143,
        follow=out.follow,
    )
    if out.repeat is not None:
        run.repeat = out.repeat
    run.load = list(out.load)
    if not out.forever:
        run.exits_after = out.t
        run.exit_code = out.code
    return run


def exec_in(p: Process, argv: list[str]) -> tuple[int, str]:
    """A command run in a running container: (exit code, output)."""
    if not argv:
        return 1, "error: you must specify at least one command for the container\n"
    base = argv[0].rsplit("/", 1)[-1]
    if not p.image.config.shell or base not in _tools(p):
        return 126 if not p.image.config.shell else 127, (
            "OCI runtime exec failed: exec failed: unable to start container process: exec: "
            f'"{argv[0]}": executable file not found in $PATH: unknown\n'
        )
    if base in {"sh", "bash", "ash"} and len(argv) >= 3 and argv[1] == "-c":
        out = _Out()
        try:
            _run_statements(p, _statements(_tokens(argv[2])), out, [MAX_STEPS])
        except (_Unsupported, ValueError) as exc:
            return 2, f"sh: {exc}\n"
        out.flush()
        if out.forever:
            return 0, "\n".join(
                line for _, line in out.lines
            ) + "\n[the sandbox stops a command that never ends after it has printed what it has]\n"
        return out.code, "".join(line + "\n" for _, line in out.lines)
    code, text, _took, block = _command(p, argv)
    if block == "forever" or block.startswith("follow:"):
        text += "[the sandbox stops a command that never ends after it has printed what it has]\n"
    return code, text


def http(p: Process, port: int, path: str) -> Response | None:
    return None
