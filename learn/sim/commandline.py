"""The learner's command line: split it as a POSIX shell would, run the programs it names.

What a line may hold: one command (`kubectl get pods`), a pipeline whose later commands read
the earlier ones' output (`cat web.yaml | kubectl apply -f -`), and `> FILE` / `>> FILE` to
save output in the sandbox's working directory (`kubectl create deployment web --image=nginx
--dry-run=client -o yaml > web.yaml`). Quoting follows the shell (`'...'`, `"..."`, `\\`).

Programs: `kubectl`, `docker` (with `docker compose`), `sleep`, `cat`, `ls`, `echo`, `help`.
Anything else is answered with exit code 127 and what to do instead, never a fake success.
`&&`, `||`, `;`, `&`, `<`, `$(...)` and variables are refused with a clear message.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from learn.sim import clock
from learn.sim.world import MAX_FILE_BYTES, MAX_SLEEP_SECONDS, World


@dataclass
class Result:
    code: int = 0
    stdout: str = ""
    stderr: str = ""
    # Both streams in the order they were written, as a terminal shows them (a program that
    # knows its order sets it; otherwise stdout comes first).
    combined: str | None = None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr if self.combined is None else self.combined


Program = Callable[[World, list[str], str | None], Result]
PROGRAMS: dict[str, Program] = {}

# Commands a learner may try that the sandbox does not run, and what to use instead.
INSTEAD: dict[str, str] = {
    "curl": "use `kubectl exec POD -- wget -qO- URL` (busybox) or a probe; the sandbox has no host network",
    "wget": "use `kubectl exec POD -- wget -qO- URL` from a Pod that has wget (busybox)",
    "grep": "read the output as it is, or use `kubectl get -l KEY=VALUE` / `-o jsonpath=...`",
    "watch": "use `kubectl get pods -w` together with `sleep`, or run the command again",
    "vi": "edit files in the Files panel beside the terminal",
    "vim": "edit files in the Files panel beside the terminal",
    "nano": "edit files in the Files panel beside the terminal",
    "docker-compose": "Compose v2 is a Docker plugin: type `docker compose`",
    "minikube": "this sandbox is already a cluster: use `kubectl`",
    "kind": "this sandbox is already a cluster: use `kubectl`",
    "helm": "Helm is not simulated (nor is Kustomize's `kubectl apply -k`): apply the manifests with `kubectl apply -f FILE`",
    "k": "type `kubectl` in full",
    "sh": "the terminal runs one command at a time; `kubectl exec POD -- sh -c '...'` (or `docker exec CONTAINER sh -c '...'`) runs a script inside a container",
    "bash": "the terminal runs one command at a time; `kubectl exec POD -- sh -c '...'` (or `docker exec CONTAINER sh -c '...'`) runs a script inside a container",
    "cd": "the sandbox has one working directory; paths are relative to it",
    "rm": "delete files in the Files panel",
}


def program(name: str) -> Callable[[Program], Program]:
    def register(fn: Program) -> Program:
        PROGRAMS[name] = fn
        return fn

    return register


_OPERATORS = {"&&", "||", ";", "&", "<", "<<", ";;", "|&", "(", ")", ">&", "<&"}


class _Refused(Exception):
    pass


def _split(line: str) -> list[list[str]]:
    """Tokens of each pipeline stage; a final stage may be ['>' or '>>', FILE]."""
    if "$(" in line or "`" in line:
        raise _Refused("command substitution ($(...) and `...`) is not available in this sandbox")
    lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;<>()")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError as exc:  # No closing quotation, No escaped character
        raise _Refused(f"syntax error: {str(exc).lower()}") from None
    stages: list[list[str]] = [[]]
    for token in tokens:
        if token == "|":  # noqa: S105 (a shell token, not a password)
            if not stages[-1]:
                raise _Refused("syntax error near unexpected token `|'")
            stages.append([])
        elif token in _OPERATORS or (
            token and set(token) <= set("|&;<>()") and token not in {">", ">>"}
        ):
            raise _Refused(
                f"`{token}` is not available in this sandbox: run one command at a time "
                "(pipes `|` and `> FILE` work)"
            )
        else:
            stages[-1].append(token)
    if not stages[-1]:
        raise _Refused("syntax error: unexpected end of line")
    return stages


_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def run_line(world: World, line: str, stdin: str | None = None) -> Result:
    """Run one command line; returns the pipeline's last exit code and all it printed."""
    try:
        stages = _split(line)
    except _Refused as exc:
        return Result(2, "", f"sh: {exc}\n")
    if not stages[0]:
        return Result(0)
    redirect: tuple[str, str] | None = None
    last = stages[-1]
    for op in (">>", ">"):
        if op in last:
            at = last.index(op)
            target = last[at + 1 :]
            if len(target) != 1 or at == 0:
                return Result(
                    2, "", f"sh: syntax error near `{op}`: write `{op} FILE` at the end\n"
                )
            redirect = (op, target[0])
            stages[-1] = last[:at]
            break
    for stage in stages:
        if any(t in {">", ">>"} for t in stage):
            return Result(2, "", "sh: `>` is only available at the end of a line\n")
        if stage and _ASSIGNMENT.match(stage[0]):
            return Result(
                2, "", "sh: variables are not available in this sandbox; pass values as flags\n"
            )
    data = stdin
    stderr = ""
    shown = ""  # what the terminal showed of the stages before the last: their stderr
    result = Result()
    for at, stage in enumerate(stages):
        result = _run_one(world, stage, data)
        stderr += result.stderr
        if at < len(stages) - 1:
            shown += result.stderr
        data = result.stdout
    if redirect is not None:
        op, path = redirect
        from learn.sim.files import FileError, write_file

        try:
            previous = world.files().get(path, "") if op == ">>" else ""
            write_file(world, path, previous + result.stdout)
        except FileError as exc:
            return Result(1, "", stderr + f"sh: {path}: {exc}\n")
        return Result(result.code, "", stderr)
    return Result(result.code, result.stdout, stderr, combined=shown + result.output)


def _run_one(world: World, argv: list[str], stdin: str | None) -> Result:
    name = argv[0]
    fn = PROGRAMS.get(name)
    if fn is None:
        instead = INSTEAD.get(name)
        tail = (
            f"; {instead}"
            if instead
            else (
                "; this sandbox runs kubectl, docker, docker compose, sleep, cat, ls and echo "
                "(type `help`)"
            )
        )
        return Result(127, "", f"sh: {name}: not available in this sandbox{tail}\n")
    return fn(world, argv, stdin)


# --------------------------------------------------------------------------- small programs

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@program("sleep")
def sleep(world: World, argv: list[str], stdin: str | None) -> Result:
    """GNU sleep: the arguments add up (`sleep 1m 30s`); time passes in the simulation."""
    if len(argv) < 2:
        return Result(1, "", "sleep: missing operand\nTry 'sleep --help' for more information.\n")
    total = 0.0
    for arg in argv[1:]:
        match = _DURATION.match(arg)
        if not match:
            return Result(
                1,
                "",
                f"sleep: invalid time interval '{arg}'\nTry 'sleep --help' for more information.\n",
            )
        total += float(match.group(1)) * _UNIT[match.group(2)]
    if total > MAX_SLEEP_SECONDS:
        return Result(
            1,
            "",
            f"sleep: the sandbox lets at most {MAX_SLEEP_SECONDS} seconds pass at a time "
            f"(asked for {total:g}); sleep in steps\n",
        )
    clock.advance(world, round(total * 1000))
    return Result(0)


@program("cat")
def cat(world: World, argv: list[str], stdin: str | None) -> Result:
    paths = [a for a in argv[1:] if a != "-"]
    if not paths:
        return Result(0, stdin or "")
    out, err, code = "", "", 0
    files = world.files()
    for path in argv[1:]:
        if path == "-":
            out += stdin or ""
            continue
        key = path.removeprefix("./")
        if key in files:
            out += files[key]
        elif any(name.startswith(key.rstrip("/") + "/") for name in files):
            err += f"cat: {path}: Is a directory\n"
            code = 1
        else:
            err += f"cat: {path}: No such file or directory\n"
            code = 1
    return Result(code, out, err)


@program("ls")
def ls(world: World, argv: list[str], stdin: str | None) -> Result:
    files = sorted(world.files())
    args = [a for a in argv[1:] if not a.startswith("-")]
    long = any(a.startswith("-") and "l" in a for a in argv[1:])
    if args:
        wanted = []
        for arg in args:
            key = arg.removeprefix("./").rstrip("/")
            matches = [f for f in files if f == key or f.startswith(key + "/")]
            if not matches and key not in {"", "."}:
                return Result(2, "", f"ls: cannot access '{arg}': No such file or directory\n")
            wanted.extend(matches if key not in {"", "."} else files)
        files = sorted(set(wanted))
    if long:
        lines = [
            f"-rw-r--r-- 1 learner learner {len(world.files()[f].encode()):>6} {f}" for f in files
        ]
        return Result(0, "".join(line + "\n" for line in lines))
    return Result(0, "".join(f + "\n" for f in files))


@program("echo")
def echo(world: World, argv: list[str], stdin: str | None) -> Result:
    args = argv[1:]
    newline = True
    if args and args[0] == "-n":
        newline, args = False, args[1:]
    return Result(0, " ".join(args) + ("\n" if newline else ""))


HELP = """\
This sandbox is a simulated Kubernetes cluster and Docker host, yours alone.
  kubectl ...          talk to the cluster (get, describe, apply, delete, logs, rollout, ...)
  docker ...           build, run and push images; docker compose up/down/ps/logs
  sleep 30             let 30 simulated seconds pass (controllers act meanwhile)
  cat FILE, ls, echo   read the files in the working directory (edit them under Files)
  CMD > FILE           save a command's output as a file
  A | B                feed A's output to B (for example: cat web.yaml | kubectl apply -f -)
"""


@program("help")
def help_(world: World, argv: list[str], stdin: str | None) -> Result:
    return Result(0, HELP)


__all__ = ["MAX_FILE_BYTES", "PROGRAMS", "Result", "program", "run_line"]
