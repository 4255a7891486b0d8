#!/usr/bin/env python3
"""Load benchmark: gunicorn on loopback, N signed-up learners, three scenarios, one table.

Not a test: it measures. Standard library only (threads + http.client). It

1. prepares the database: `migrate`, `lessons sync`, `collectstatic` (a throwaway SQLite
   file unless --database-url is given; PostgreSQL works the same way),
2. starts gunicorn (`--workers 2 --threads 4` by default) on 127.0.0.1 and a free port, with
   production settings (DEBUG off) and LEARN_BENCH=1, which adds the minimal view
   /bench/ceiling,
3. signs up --users learners through the real form (CSRF token and all),
4. finds a lesson and its single-choice questions by parsing the pages (or takes them from
   the flags),
5. runs each scenario for --seconds with --clients concurrent clients (keep-alive, one
   learner each) and prints requests/s, p50/p95/p99 and errors as a Markdown table, with the
   lesson page as a share of the ceiling,
6. checks that no answer was lost: every 302 of the answer scenario is one Attempt row and one
   `tries` increment in the database.

Everything is bounded: per-scenario time, a request cap, socket timeouts, and gunicorn is
stopped (SIGTERM, then SIGKILL of its own process group) whatever happens.

    python scripts/loadtest.py                                   # SQLite, 10 s per scenario
    python scripts/loadtest.py --database-url postgres://postgres:postgres@127.0.0.1:5432/bench
    python scripts/loadtest.py --seconds 5 --scenarios lesson,answer --out /tmp/bench.md
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.metadata
import itertools
import json
import os
import platform
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only, by construction: there is no flag to change it
PASSWORD = "Bench-" + secrets.token_urlsafe(12)


# --------------------------------------------------------------------------- HTTP client


class Client:
    """One learner: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.csrf_token = ""

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Send one request (retried once on a fresh connection if a kept-alive one died)."""
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "learn-loadtest"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError):
                self.close()
                if reused and attempt == 1:
                    continue  # the server closed an idle keep-alive connection: retry once
                raise
            for raw in response.headers.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(raw)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            if response.will_close:
                self.close()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        raise AssertionError("unreachable")


# --------------------------------------------------------------------------- HTML discovery


@dataclass
class Form:
    action: str
    inputs: list[dict[str, str]] = field(default_factory=list)

    def values(self, name: str, kind: str | None = None) -> list[str]:
        return [
            i.get("value", "")
            for i in self.inputs
            if i.get("name") == name and (kind is None or i.get("type") == kind)
        ]


class PageParser(HTMLParser):
    """Forms (with their inputs) and links of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._open: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._open = Form(action=a.get("action", ""))
            self.forms.append(self._open)
        elif tag in {"input", "select", "textarea"} and self._open is not None:
            self._open.inputs.append({"tag": tag, **a})
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def parse(html: bytes) -> PageParser:
    parser = PageParser()
    parser.feed(html.decode("utf-8", "replace"))
    return parser


def template_regex(template: str, name: str) -> re.Pattern[str]:
    """'/questions/{id}/answer/' -> a regex with a named group for {id}."""
    pattern = re.escape(template).replace(re.escape("{" + name + "}"), f"(?P<{name}>[^/?#]+)")
    return re.compile(f"^{pattern}$")


@dataclass
class Target:
    lesson_slug: str
    questions: list[tuple[str, str]]  # (question id, a choice key)


def discover(client: Client, args: argparse.Namespace) -> Target:
    """A lesson with single-choice questions, from the flags or by reading the pages."""
    lesson_re = template_regex(args.lesson_path, "slug")
    answer_re = template_regex(args.answer_path, "id")
    if args.lesson_slug:
        slugs = [args.lesson_slug]
    else:
        status, _, html = client.request("GET", "/")
        if status != 200:
            raise SystemExit(f"GET / answered {status}; pass --lesson-slug")
        slugs = []
        for href in parse(html).links:
            match = lesson_re.match(urllib.parse.urlsplit(href).path)
            if match and match["slug"] not in slugs:
                slugs.append(match["slug"])
        if not slugs:
            raise SystemExit("no lesson links on /; pass --lesson-slug")
    for slug in slugs[:50]:
        status, _, html = client.request("GET", args.lesson_path.format(slug=slug))
        if status != 200:
            continue
        questions = []
        for form in parse(html).forms:
            match = answer_re.match(form.action)
            radios = form.values("answer", "radio")
            if match and radios:
                questions.append((match["id"], radios[0]))
        if args.question_id:
            return Target(slug, [(args.question_id, args.choice or "a")])
        if questions:
            return Target(slug, questions)
    if args.question_id:
        return Target(slugs[0], [(args.question_id, args.choice or "a")])
    raise SystemExit(
        "no lesson with a single-choice question found; pass --lesson-slug/--question-id"
    )


# --------------------------------------------------------------------------- learners


def csrf_from(html: bytes) -> str:
    for form in parse(html).forms:
        tokens = form.values("csrfmiddlewaretoken")
        if tokens:
            return tokens[0]
    return ""


def sign_up(client: Client, args: argparse.Namespace, username: str) -> None:
    status, _, html = client.request("GET", args.signup_path)
    if status != 200:
        raise RuntimeError(f"GET {args.signup_path} answered {status}")
    form = {
        "csrfmiddlewaretoken": csrf_from(html),
        "username": username,
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    status, _, html = client.request("POST", args.signup_path, form)
    if status != 302 or "sessionid" not in client.cookies:
        text = re.sub(r"<[^>]+>", " ", html.decode("utf-8", "replace"))
        errors = re.findall(r"[^.]*(?:error|already|password)[^.]*\.", text, flags=re.I)
        raise RuntimeError(f"sign-up of {username} answered {status}: {' '.join(errors[:2])}")


def sign_up_all(port: int, args: argparse.Namespace, prefix: str) -> list[Client]:
    clients = [Client(port, args.timeout) for _ in range(args.users)]
    failures: list[str] = []

    def work(index: int) -> None:
        try:
            sign_up(clients[index], args, f"{prefix}{index:03d}")
        except (RuntimeError, OSError, http.client.HTTPException) as exc:
            failures.append(str(exc))

    run_threads(work, len(clients), parallel=min(len(clients), 16))
    if failures:
        raise SystemExit(f"{len(failures)} sign-up(s) failed, first: {failures[0]}")
    return clients


def run_threads(work: Callable[[int], None], count: int, parallel: int) -> None:
    indexes = iter(range(count))
    lock = threading.Lock()

    def loop() -> None:
        while True:
            with lock:
                index = next(indexes, None)
            if index is None:
                return
            work(index)

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --------------------------------------------------------------------------- scenarios


@dataclass
class Result:
    name: str
    endpoint: str
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # successful requests, seconds
    statuses: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    acked: int = 0  # expected answers, warm-up included (for the lost-attempt check)
    skipped: str = ""

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
        return ordered[rank - 1] * 1000


# One request of a scenario: returns the status code (or raises).
Request = Callable[[Client, int], int]


def run_scenario(
    name: str,
    endpoint: str,
    clients: list[Client],
    request: Request,
    expect: int,
    args: argparse.Namespace,
) -> Result:
    """Every client loops on `request` until the deadline (after an unrecorded warm-up)."""
    result = Result(name, endpoint, len(clients))
    lock = threading.Lock()
    budget = itertools.count()  # next() is atomic in CPython: a shared request cap
    start_at = time.perf_counter() + args.warmup
    stop_at = start_at + args.seconds

    def loop(index: int) -> None:
        client = clients[index]
        latencies: list[float] = []
        statuses: Counter[str] = Counter()
        errors = 0
        acked = 0
        step = 0
        while True:
            began = time.perf_counter()
            if began >= stop_at or (began >= start_at and next(budget) >= args.max_requests):
                break
            try:
                status = request(client, step)
                outcome = str(status)
            except (OSError, http.client.HTTPException) as exc:
                status, outcome = -1, type(exc).__name__
            elapsed = time.perf_counter() - began
            step += 1
            acked += status == expect
            if began < start_at:
                continue  # warm-up
            statuses[outcome] += 1
            if status == expect:
                latencies.append(elapsed)
            else:
                errors += 1
        with lock:
            result.latencies.extend(latencies)
            result.statuses.update(statuses)
            result.errors += errors
            result.acked += acked

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.warmup + args.seconds + args.timeout * 3 + 5)
    result.seconds = max(1e-9, min(time.perf_counter(), stop_at) - start_at)
    return result


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def gunicorn_version() -> tuple[int, ...]:
    try:
        text = importlib.metadata.version("gunicorn")
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit("gunicorn is not installed in this interpreter") from None
    return tuple(int(part) for part in re.findall(r"\d+", text)[:2])


def server_env(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONDONTWRITEBYTECODE="1",
        DJANGO_SETTINGS_MODULE=args.settings,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="loadtest-" + secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        # Plain HTTP on loopback: no TLS proxy in front, so no HTTPS redirect or secure cookies.
        DJANGO_HTTPS="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        LEARN_BENCH="1",
        XDG_RUNTIME_DIR=str(workdir),  # where gunicorn >= 25.1 puts its control socket
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    if args.lessons_dir:
        env["LESSONS_DIR"] = str(Path(args.lessons_dir).resolve())
    for item in args.env:
        key, _, value = item.partition("=")
        env[key] = value
    return env


def manage(env: dict[str, str], *command: str, timeout: float = 300) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        tail = "\n".join((completed.stderr or completed.stdout).strip().splitlines()[-15:])
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{tail}")
    return completed.stdout


@contextlib.contextmanager
def gunicorn(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> Iterator[int]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "learn.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "30",
        "--log-level",
        "warning",
    ]
    if gunicorn_version() >= (25, 1):
        command.append("--no-control-socket")
    log_path = workdir / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    args.gunicorn_command = command
    try:
        wait_ready(port, process, args.startup_timeout, log_path)
        yield port
    finally:
        stop(process)


def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    probe = Client(port, timeout=2)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}):\n{tail(log)}")
        try:
            status, _, _ = probe.request("GET", "/readyz")
            if status == 200:
                probe.close()
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn was not ready within {timeout:.0f} s:\n{tail(log)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM gunicorn (it stops its workers); SIGKILL its own process group if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the group start_new_session made for it
        process.wait(timeout=5)


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --------------------------------------------------------------------------- bookkeeping


COUNT_SNIPPET = """
import json
from django.db.models import Sum
from learn.progress.models import Attempt, QuestionState
prefix = {prefix!r}
attempts = Attempt.objects.filter(user__username__startswith=prefix).count()
tries = QuestionState.objects.filter(user__username__startswith=prefix).aggregate(
    n=Sum("tries"))["n"] or 0
print("LOADTEST_JSON=" + json.dumps({{"attempts": attempts, "tries": tries}}))
"""


def recorded(env: dict[str, str], prefix: str) -> dict[str, int] | None:
    """Attempts and `tries` stored for this run's learners (None if it cannot be read)."""
    try:
        out = manage(env, "shell", "-c", COUNT_SNIPPET.format(prefix=prefix), timeout=120)
    except (SystemExit, subprocess.TimeoutExpired) as exc:
        print(f"note: could not count the stored attempts: {exc}", file=sys.stderr)
        return None
    for line in out.splitlines():
        if line.startswith("LOADTEST_JSON="):
            data: dict[str, int] = json.loads(line.split("=", 1)[1])
            return data
    return None


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    versions = []
    for package in ("Django", "gunicorn", "psycopg"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions.append(f"{package} {importlib.metadata.version(package)}")
    return [
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs{memory}",
        f"Python {platform.python_version()}, " + ", ".join(versions),
    ]


def database_label(args: argparse.Namespace) -> str:
    if not args.database_url:
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (WAL, temporary file)"
    parts = urllib.parse.urlsplit(args.database_url)
    return f"{parts.scheme} on {parts.hostname}:{parts.port or ''}{parts.path}"


def fmt(value: float) -> str:
    return "n/a" if value != value else f"{value:.1f}"  # NaN check


def table(results: list[Result]) -> list[str]:
    ceiling = next((r for r in results if r.name == "ceiling" and r.ok), None)
    rows = [
        "| scenario | endpoint | clients | requests | errors | req/s | p50 ms | p95 ms "
        "| p99 ms | of ceiling |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        if r.skipped:
            rows.append(
                f"| {r.name} | `{r.endpoint}` | {r.clients} | skipped: {r.skipped} | | | | | | |"
            )
            continue
        share = f"{100 * r.rps / ceiling.rps:.0f}%" if ceiling and r is not ceiling else ""
        rows.append(
            f"| {r.name} | `{r.endpoint}` | {r.clients} | {r.ok + r.errors} | {r.errors} "
            f"| {r.rps:.0f} | {fmt(r.percentile(50))} | {fmt(r.percentile(95))} "
            f"| {fmt(r.percentile(99))} | {share} |"
        )
    return rows


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    p.add_argument("--settings", default="learn.settings", help="DJANGO_SETTINGS_MODULE")
    p.add_argument("--lessons-dir", default="", help="LESSONS_DIR to sync (default: lessons/)")
    p.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for manage.py and gunicorn (repeatable)",
    )
    p.add_argument(
        "--skip-prepare",
        action="store_true",
        help="do not run migrate / lessons sync / collectstatic first",
    )
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--clients", type=int, default=32, help="concurrent clients per scenario")
    p.add_argument("--users", type=int, default=0, help="learners to sign up (default: clients)")
    p.add_argument("--seconds", type=float, default=10.0, help="measured time per scenario")
    p.add_argument("--warmup", type=float, default=1.0, help="unrecorded seconds per scenario")
    p.add_argument("--max-requests", type=int, default=200_000, help="cap per scenario")
    p.add_argument("--timeout", type=float, default=10.0, help="socket timeout per request")
    p.add_argument("--startup-timeout", type=float, default=60.0)
    p.add_argument(
        "--scenarios",
        default="ceiling,lesson,answer",
        help="comma list of: ceiling, lesson, answer, sandbox",
    )
    p.add_argument("--ceiling-path", default="/bench/ceiling")
    p.add_argument("--lesson-path", default="/lessons/{slug}/", help="URL template")
    p.add_argument("--lesson-slug", default="", help="default: discovered from /")
    p.add_argument("--answer-path", default="/questions/{id}/answer/", help="URL template")
    p.add_argument("--question-id", default="", help="default: discovered from the lesson")
    p.add_argument("--choice", default="", help="choice key to answer with --question-id")
    p.add_argument("--signup-path", default="/accounts/signup/")
    p.add_argument("--out", default="", help="also write the Markdown report to this file")
    args = p.parse_args(argv)
    args.users = args.users or args.clients
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - {"ceiling", "lesson", "answer", "sandbox"}
    if unknown:
        p.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if not 1 <= args.clients <= 256 or not 1 <= args.users <= 1000:
        p.error("--clients must be 1-256 and --users 1-1000")
    if not 0 < args.seconds <= 300 or not 0 <= args.warmup <= 60:
        p.error("--seconds must be in (0, 300] and --warmup in [0, 60]")
    return args


def get(path: str) -> Request:
    return lambda client, _step: client.request("GET", path)[0]


def answer(args: argparse.Namespace, questions: list[tuple[str, str]]) -> Request:
    """POST a choice, cycling through the lesson's single-choice questions."""

    def request(client: Client, step: int) -> int:
        question_id, choice = questions[step % len(questions)]
        form = {"csrfmiddlewaretoken": client.csrf_token, "answer": choice}
        return client.request("POST", args.answer_path.format(id=question_id), form)[0]

    return request


SANDBOX_COMMANDS = ("kubectl get pods", "ls", "sleep 2", "docker ps", "echo hi > note.txt")


def sandbox(args: argparse.Namespace) -> Request:
    """A terminal round trip in each learner's own /playground/ sandbox: POST a command (load
    the sandbox under its row lock, run, store; 302) and GET the page that renders the terminal
    and the picture. Both requests count in one latency, so it bounds the htmx round trip (one
    request) from above. LEARN_BENCH=1 lifts the 5-commands-a-second limit per learner."""

    def request(client: Client, step: int) -> int:
        form = {
            "csrfmiddlewaretoken": client.csrf_token,
            "command": SANDBOX_COMMANDS[step % len(SANDBOX_COMMANDS)],
        }
        status = client.request("POST", "/sandboxes/playground/run/", form)[0]
        if status != 302:
            return status
        return client.request("GET", "/playground/")[0]

    return request


def run_all(args: argparse.Namespace, clients: list[Client], target: Target) -> list[Result]:
    results: list[Result] = []
    for name in args.scenarios:
        print(f"running {name} for {args.seconds:g} s ...", file=sys.stderr)
        if name == "ceiling":
            path = args.ceiling_path
            status, _, _ = clients[0].request("GET", path)
            if status != 200:
                skipped = f"GET answered {status} (is LEARN_BENCH=1 honoured?)"
                results.append(Result(name, path, len(clients), skipped=skipped))
                continue
            results.append(run_scenario(name, path, clients, get(path), 200, args))
        elif name == "lesson":
            path = args.lesson_path.format(slug=target.lesson_slug)
            results.append(run_scenario(name, path, clients, get(path), 200, args))
        elif name == "sandbox":
            endpoint = "POST /sandboxes/playground/run/ + GET /playground/"
            results.append(run_scenario(name, endpoint, clients, sandbox(args), 200, args))
        else:
            endpoint = "POST " + args.answer_path.format(id=target.questions[0][0])
            if len(target.questions) > 1:
                endpoint += f" (+{len(target.questions) - 1} more)"
            request = answer(args, target.questions)
            results.append(run_scenario(name, endpoint, clients, request, 302, args))
    return results


def report(
    args: argparse.Namespace,
    target: Target,
    results: list[Result],
    counts: tuple[dict[str, int] | None, dict[str, int] | None],
) -> tuple[str, bool]:
    """The Markdown report, and whether anything failed."""
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv])
    command = re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", command)  # no passwords in docs
    lines = [
        f"Load test: {args.clients} concurrent clients, {args.seconds:g} s per scenario "
        f"(after {args.warmup:g} s warm-up), {args.users} signed-up learners.",
        "",
        *[f"- {line}" for line in machine()],
        f"- Database: {database_label(args)}",
        f"- Server: `gunicorn learn.wsgi:application --workers {args.workers} "
        f"--threads {args.threads}` on {HOST} (DEBUG off); the client runs on the same machine",
        f"- Lesson: `{target.lesson_slug}`; questions answered: "
        + ", ".join(f"`{q}`" for q, _ in target.questions),
        f"- Command: `{command}`",
        "",
        *table(results),
        "",
    ]
    for r in results:
        unexpected = {k: v for k, v in r.statuses.items() if k not in {"200", "302"}}
        if unexpected:
            lines.append(f"- {r.name}: unexpected outcomes {dict(unexpected)}")
    mismatch = 0
    answered = next((r for r in results if r.name == "answer" and not r.skipped), None)
    before, after = counts
    if answered is not None and before is not None and after is not None:
        stored = after["attempts"] - before["attempts"]
        tries = after["tries"] - before["tries"]
        # Every acknowledged answer (302) is exactly one Attempt and one `tries` increment.
        mismatch = abs(answered.acked - stored) + abs(tries - stored)
        verdict = "no lost or duplicated attempts." if not mismatch else "**MISMATCH**."
        lines.append(
            f"- Answers: {answered.acked} acknowledged (302, warm-up included), {stored} "
            f"attempts stored, `tries` grew by {tries}: {verdict}"
        )
    elif answered is not None:
        lines.append("- Answers: the stored attempts could not be counted (see stderr).")
    failed = any(r.errors for r in results) or bool(mismatch)
    return "\n".join(lines), failed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    prefix = f"bench{secrets.token_hex(3)}-"
    with tempfile.TemporaryDirectory(prefix="learn-loadtest-") as tmp:
        workdir = Path(tmp)
        env = server_env(args, workdir)
        if not args.skip_prepare:
            print("preparing: migrate, lessons sync, collectstatic ...", file=sys.stderr)
            manage(env, "migrate", "--noinput")
            manage(env, "lessons", "sync")
            manage(env, "collectstatic", "--noinput")
        with gunicorn(args, env, workdir) as port:
            print(f"gunicorn on {HOST}:{port}; signing up {args.users} learners", file=sys.stderr)
            learners = sign_up_all(port, args, prefix)
            target = discover(learners[0], args)
            # One connection per client; with fewer learners than clients, learners are shared.
            clients = learners[: args.clients]
            for i in range(len(clients), args.clients):
                extra = Client(port, args.timeout)
                extra.cookies = dict(learners[i % len(learners)].cookies)
                clients.append(extra)
            lesson = args.lesson_path.format(slug=target.lesson_slug)
            for client in clients:
                status, _, html = client.request("GET", lesson)
                client.csrf_token = csrf_from(html) if status == 200 else ""
            counting = "answer" in args.scenarios
            before = recorded(env, prefix) if counting else None
            results = run_all(args, clients, target)
            after = recorded(env, prefix) if counting else None
            for client in clients + learners:
                client.close()
    text, failed = report(args, target, results, (before, after))
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
