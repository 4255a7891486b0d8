#!/usr/bin/env python3
"""Load benchmark: gunicorn on loopback, the pages a learner opens, a live class, one table.

Not a test: it measures. It

1. prepares the database: `migrate`, `lessons sync`, `collectstatic` (a throwaway SQLite
   file unless --database-url is given; PostgreSQL works the same way),
2. makes its learners directly in the database, each with a real session as a log-in makes
   one: --users learners for the answer scenario, a learner who has attempted 50 questions
   (path, lesson and review pages), and a class of --class-size students with an instructor
   and a live question open,
3. starts gunicorn (`--workers 2 --threads 4` by default) on 127.0.0.1 and a free port, with
   production settings (DEBUG off) and LEARN_BENCH=1, which adds the minimal view
   /bench/ceiling,
4. runs the GET scenarios under wrk (1 thread, --clients connections; Debian's `wrk`, a C load
   generator that keeps the client off the server's CPU) or, without it, the Python client;
   every page's throughput is shown as a share of the minimal view measured in the same run,
5. runs the answer scenario (POSTs with CSRF tokens) and checks that every acknowledged answer
   is exactly one Attempt row and one `tries` increment,
6. replays a live class (`classroom`, open loop): every student polls every 3 s, the
   instructor's dashboard refreshes every 5 s, all students answer within 10 s, the
   instructor reveals; p50/p95/p99 per endpoint, and every acknowledged answer stored once.

Everything is bounded: per-scenario time, a request cap, socket timeouts, and gunicorn is
stopped (SIGTERM, then SIGKILL of its own process group) whatever happens.

    python scripts/loadtest.py                                   # SQLite, every scenario
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
import random
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only, by construction: there is no flag to change it


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
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """Send one request (retried once on a fresh connection if a kept-alive one died)."""
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "learn-loadtest", **(headers or {})}
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
            except TimeoutError:
                # The server has the request and is slow: sending it again would answer
                # twice (the classroom replay once stored 423 attempts for 300 answers).
                self.close()
                raise
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
    engine: str = "python"
    # wrk reports its own count and percentiles (ms) instead of every latency.
    count: int = 0
    fixed: dict[float, float] = field(default_factory=dict)
    counts: tuple[dict[str, int] | None, dict[str, int] | None] | None = None
    stored: int | None = None  # live attempts in the database after the classroom replay

    @property
    def ok(self) -> int:
        return self.count or len(self.latencies)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if p in self.fixed:
            return self.fixed[p]
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
    think: float = 0.0,
) -> Result:
    """Every client loops on `request` until the deadline (after an unrecorded warm-up).
    With `think`, each client pauses after every request for between 0.5 and 1.5 times
    `think` seconds (the same pauses in every run: a learner reading the output before
    typing the next command), so the load is a crowd's pace rather than saturation."""
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
            if think:
                time.sleep(think * (0.5 + ((index * 7919 + step * 104729) % 1000) / 1000))
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


# --------------------------------------------------------------------------- wrk

# wrk (a C load generator, Debian's package) keeps the client off the server's CPU. The script
# gives every request one of the sessions in LOADTEST_COOKIES (a file, one Cookie header per
# line), round robin, and prints the figures as one JSON line when done.
WRK_LUA = r"""
local cookies = {}
local file = io.open(os.getenv("LOADTEST_COOKIES") or "", "r")
if file then
  for line in file:lines() do if #line > 0 then cookies[#cookies + 1] = line end end
  file:close()
end
local path = os.getenv("LOADTEST_PATH")
local htmx = os.getenv("LOADTEST_HTMX") == "1"
local i = 0
request = function()
  i = i + 1
  local headers = {}
  if #cookies > 0 then headers["Cookie"] = cookies[(i % #cookies) + 1] end
  if htmx then headers["HX-Request"] = "true" end
  return wrk.format("GET", path, headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON={"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50":%d,"p95":%d,"p99":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk_path() -> str:
    import shutil

    return shutil.which("wrk") or ""


def run_wrk(
    name: str,
    path: str,
    cookies: list[str],
    args: argparse.Namespace,
    port: int,
    *,
    connections: int,
    htmx: bool = False,
) -> Result:
    """One GET scenario under wrk: a warm-up run, then the measured one."""
    result = Result(name, path, connections, engine="wrk")
    with tempfile.TemporaryDirectory(prefix="learn-wrk-") as tmp:
        script = Path(tmp) / "scenario.lua"
        script.write_text(WRK_LUA, encoding="utf-8")
        jar = Path(tmp) / "cookies.txt"
        jar.write_text("\n".join(cookies) + "\n", encoding="utf-8")
        env = dict(os.environ, LOADTEST_COOKIES=str(jar), LOADTEST_PATH=path)
        env["LOADTEST_HTMX"] = "1" if htmx else "0"
        data: dict[str, int] = {}
        for seconds in (args.warmup, args.seconds):
            if seconds <= 0:
                continue
            command = [
                wrk_path(),
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                f"--timeout={args.timeout:g}s",
                "-s",
                str(script),
                f"http://{HOST}:{port}/",
            ]
            out = subprocess.run(  # noqa: S603
                command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
            ).stdout
            line = next((x for x in out.splitlines() if x.startswith("WRK_JSON=")), "")
            if not line:
                result.skipped = f"wrk printed no figures: {out.strip()[-200:]}"
                return result
            data = json.loads(line.split("=", 1)[1])
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    result.seconds = data["duration_us"] / 1e6
    result.errors = errors
    result.count = max(0, data["requests"] - data["status"])
    result.fixed = {50: data["p50"] / 1000, 95: data["p95"] / 1000, 99: data["p99"] / 1000}
    result.statuses["ok"] = result.count
    if errors:
        result.statuses["errors"] = errors
    return result


# --------------------------------------------------------------------------- fixtures

# Made directly in the database (not through 300 sign-ups, which would spend minutes hashing
# passwords): a learner who has attempted 50 questions, and a class of --class-size students
# with an instructor and a live question open. Each gets a real session, as a log-in makes.
FIXTURE_SNIPPET = """
import json, random
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from learn.classrooms import services
from learn.classrooms.demo import answer_for
from learn.classrooms.models import Membership
from learn.content.models import Question
from learn.progress.learner import Learner
from learn.progress.services import attempt_submit
prefix, size = {prefix!r}, {size}
User = get_user_model()
backend = "learn.core.auth.CachedModelBackend"  # the one a log-in through the form records
def session_for(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return settings.SESSION_COOKIE_NAME + "=" + store.session_key
def make(name):
    user = User(username=name)
    user.set_unusable_password()
    return user
rng = random.Random(7)
reviewer = make(prefix + "reviewer"); reviewer.save()
questions = list(Question.objects.active().order_by("lesson__position", "position"))
single = [q for q in questions if q.kind == Question.SINGLE]
for index, question in enumerate(questions[:50]):
    right = index % 3 != 0
    answer = answer_for(question, right=right, rng=rng)
    attempt_submit(
        learner=Learner(user_id=reviewer.pk), question=question, answer=answer, is_correct=right
    )
teacher = make(prefix + "teacher"); teacher.save()
services.instructor_grant(user=teacher)
classroom = services.classroom_create(instructor=teacher, name="Load test class")
User.objects.bulk_create([make(f"{{prefix}}s{{i:03d}}") for i in range(size)], batch_size=500)
students = list(User.objects.filter(username__startswith=prefix + "s").order_by("username"))
User.objects.bulk_create([make(f"{{prefix}}u{{i:03d}}") for i in range({users})])
learners = list(User.objects.filter(username__startswith=prefix + "u").order_by("username"))
Membership.objects.bulk_create(
    [Membership(classroom=classroom, user=u, role=Membership.STUDENT) for u in students]
)
live_question = single[len(single) // 2]
live = services.live_push(classroom=classroom, question=live_question, by=teacher)
correct = set(live_question.data["correct"])
right = [c["key"] for c in live_question.data["choices"] if c["key"] in correct]
print("LOADTEST_JSON=" + json.dumps({{
    "reviewer": session_for(reviewer),
    "teacher": session_for(teacher),
    "students": [session_for(u) for u in students],
    "learners": [session_for(u) for u in learners],
    "classroom": classroom.pk,
    "version": live.version,
    "question": live_question.key,
    "choice": right[0],
    "attempted": min(50, len(questions)),
}}))
"""


def fixtures(env: dict[str, str], prefix: str, size: int, users: int) -> dict[str, Any]:
    snippet = FIXTURE_SNIPPET.format(prefix=prefix, size=size, users=users)
    out = manage(env, "shell", "-c", snippet, timeout=600)
    for line in out.splitlines():
        if line.startswith("LOADTEST_JSON="):
            data: dict[str, Any] = json.loads(line.split("=", 1)[1])
            return data
    raise SystemExit(f"the fixtures printed nothing usable:\n{out[-2000:]}")


def cookie_client(port: int, args: argparse.Namespace, cookie: str) -> Client:
    client = Client(port, args.timeout)
    name, _, value = cookie.partition("=")
    client.cookies[name] = value
    return client


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
        # One host serves it all, so the workers share sessions, users and page tokens
        # through files (learn/settings.py: LEARN_SHARED_CACHE), on SQLite and PostgreSQL.
        LEARN_SHARED_CACHE=args.shared_cache,
        SHARED_CACHE_DIR=str(workdir / "shared-cache"),
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
        f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average (1 min) "
        f"{STARTED_LOAD:.1f} before the run, {os.getloadavg()[0]:.1f} after it: the shares "
        "are only comparable when both are low (the client and the server share the CPUs)",
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
        # A paced (open-loop) scenario's rate is what it offered, not what the server could do.
        share = ""
        if ceiling is not None and r is not ceiling and r.engine != "paced":
            share = f"{100 * r.rps / ceiling.rps:.0f}%"
        rows.append(
            f"| {r.name} | `{r.endpoint}` | {r.clients} | {r.ok + r.errors} | {r.errors} "
            f"| {r.rps:.0f} | {fmt(r.percentile(50))} | {fmt(r.percentile(95))} "
            f"| {fmt(r.percentile(99))} | {share} |"
        )
    return rows


# Issue 15's goals: a page's share of the ceiling, and the class replay's p95 (ms).
SHARE_GOALS = {
    "lesson-anon": 70,
    "lesson": 50,
    "path-anon": 50,
    "path": 40,
    "review": 25,
}
P95_GOALS = {
    "classroom: poll": 150,
    "classroom: answer": 150,
    "classroom: dashboard": 400,
    # Issue 11: a terminal round trip at 32 learners typing at once.
    "sandbox-typing": 60,
}


def goals(results: list[Result]) -> list[str]:
    """Each goal of issue 15 with this run's figure and whether it was met."""
    by_name = {r.name: r for r in results if not r.skipped and r.ok}
    ceiling = by_name.get("ceiling")
    lines = []
    for name, goal in SHARE_GOALS.items():
        r = by_name.get(name)
        if r is not None and ceiling is not None:
            share = 100 * r.rps / ceiling.rps
            verdict = "met" if share >= goal else "NOT met"
            lines.append(f"- {name}: {share:.0f}% of the ceiling (goal >= {goal}%): {verdict}")
    for name, goal in P95_GOALS.items():
        r = by_name.get(name)
        if r is not None:
            p95 = r.percentile(95)
            verdict = "met" if p95 < goal and not r.errors else "NOT met"
            lines.append(
                f"- {name}: p95 {fmt(p95)} ms, {r.errors} errors (goal < {goal} ms, none): "
                f"{verdict}"
            )
    return lines


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
    p.add_argument("--clients", type=int, default=16, help="connections per page scenario")
    p.add_argument("--users", type=int, default=0, help="learners to sign up (default: clients)")
    p.add_argument("--seconds", type=float, default=10.0, help="measured time per scenario")
    p.add_argument("--warmup", type=float, default=1.0, help="unrecorded seconds per scenario")
    p.add_argument("--max-requests", type=int, default=200_000, help="cap per scenario")
    p.add_argument("--timeout", type=float, default=10.0, help="socket timeout per request")
    p.add_argument("--startup-timeout", type=float, default=60.0)
    p.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help="comma list of: " + ", ".join(SCENARIOS),
    )
    p.add_argument(
        "--engine",
        choices=("wrk", "python"),
        default="wrk" if wrk_path() else "python",
        help="load generator for GET scenarios (default: wrk when installed)",
    )
    p.add_argument(
        "--shared-cache",
        default="files",
        choices=("files", "redis", "none"),
        help="LEARN_SHARED_CACHE for the server (redis needs REDIS_URL)",
    )
    p.add_argument(
        "--sandbox-clients", type=int, default=32, help="learners in the sandbox scenario"
    )
    p.add_argument("--class-size", type=int, default=300, help="students in the class")
    p.add_argument("--class-clients", type=int, default=32, help="connections for poll/poll-render")
    p.add_argument("--class-quiet", type=float, default=15.0, help="s of polling before answers")
    p.add_argument("--class-after", type=float, default=6.0, help="s of polling after reveal")
    p.add_argument("--ceiling-path", default="/bench/ceiling")
    p.add_argument("--lesson-path", default="/lessons/{slug}/", help="URL template")
    p.add_argument("--lesson-slug", default="", help="default: discovered from /")
    p.add_argument("--answer-path", default="/questions/{id}/answer/", help="URL template")
    p.add_argument("--question-id", default="", help="default: discovered from the lesson")
    p.add_argument("--choice", default="", help="choice key to answer with --question-id")
    p.add_argument("--signup-path", default="/accounts/signup/")
    p.add_argument("--out", default="", help="also write the Markdown report to this file")
    args = p.parse_args(argv)
    args.users = args.users or max(args.clients, args.sandbox_clients)
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        p.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if not 1 <= args.clients <= 256 or not 1 <= args.users <= 1000:
        p.error("--clients must be 1-256 and --users 1-1000")
    if not 1 <= args.sandbox_clients <= args.users:
        p.error("--sandbox-clients must be between 1 and --users")
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


def sandbox(clients: list[Client]) -> Request:
    """A terminal round trip in each learner's own /playground/ sandbox, as htmx sends it:
    load the sandbox under its row lock, run the command, store, render the log entry, the
    goals and the picture (200). LEARN_BENCH=1 lifts the 5-commands-a-second limit per
    learner, so this measures the server at saturation, not learners' typing speed."""
    for client in clients:
        status, _, html = client.request("GET", "/playground/")
        client.csrf_token = csrf_from(html) if status == 200 else ""

    def request(client: Client, step: int) -> int:
        form = {
            "csrfmiddlewaretoken": client.csrf_token,
            "command": SANDBOX_COMMANDS[step % len(SANDBOX_COMMANDS)],
        }
        path = "/sandboxes/playground/run/"
        return client.request("POST", path, form, headers={"HX-Request": "true"})[0]

    return request


PAGE_SCENARIOS = ("ceiling", "static", "path-anon", "path", "lesson-anon", "lesson", "review")
CLASS_SCENARIOS = ("poll", "poll-render", "dashboard", "classroom")
SCENARIOS = (*PAGE_SCENARIOS, "answer", *CLASS_SCENARIOS, "sandbox", "sandbox-typing")


@dataclass
class Run:
    """What the scenarios share: the server, the learners and the fixtures."""

    args: argparse.Namespace
    port: int
    env: dict[str, str]
    prefix: str
    target: Target
    learners: list[Client]  # signed up through the form (the answer scenario)
    data: dict[str, Any]  # from FIXTURE_SNIPPET
    static_path: str


def get_scenario(
    run: Run,
    name: str,
    path: str,
    cookies: list[str],
    *,
    expect: int = 200,
    connections: int = 0,
    htmx: bool = False,
) -> Result:
    """A GET scenario: under wrk when it is installed (and not --engine python)."""
    args = run.args
    connections = connections or args.clients
    probe = cookie_client(run.port, args, cookies[0]) if cookies else Client(run.port, args.timeout)
    status, _, _ = probe.request("GET", path)  # htmx or not, a page must answer before we load it
    probe.close()
    if htmx:
        probe = cookie_client(run.port, args, cookies[0]) if cookies else Client(run.port, 5)
        conn = http.client.HTTPConnection(HOST, run.port, timeout=args.timeout)
        headers = {"Host": f"{HOST}:{run.port}", "HX-Request": "true"}
        if cookies:
            headers["Cookie"] = cookies[0]
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        status = response.status
        conn.close()
    if status != expect:
        return Result(name, path, connections, skipped=f"GET answered {status}, not {expect}")
    if args.engine == "wrk":
        return run_wrk(name, path, cookies, args, run.port, connections=connections, htmx=htmx)
    clients = [
        cookie_client(run.port, args, cookies[i % len(cookies)])
        if cookies
        else Client(run.port, args.timeout)
        for i in range(connections)
    ]
    extra = {"HX-Request": "true"} if htmx else {}
    result = run_scenario(
        name, path, clients, lambda c, _s: c.request("GET", path, headers=extra)[0], expect, args
    )
    for client in clients:
        client.close()
    return result


def classroom_replay(run: Run) -> list[Result]:
    """A live class on loopback: every student polls every 3 s and the instructor's dashboard
    refreshes every 5 s; after a quiet spell all students answer within 10 s (each at its own
    moment), then the instructor reveals and the polls go on. Open loop: requests are sent on
    schedule whatever the latency, as browsers would."""
    args, data = run.args, run.data
    pk, version = data["classroom"], data["version"]
    poll_path = f"/classrooms/{pk}/live/?since={version}"
    live_path = f"/classrooms/{pk}/live/"
    dash_path = f"/classrooms/{pk}/"
    answer_path = args.answer_path.format(id=data["question"])
    students = [cookie_client(run.port, args, c) for c in data["students"]]
    teacher = cookie_client(run.port, args, data["teacher"])
    for client in students + [teacher]:
        status, _, html = client.request("GET", live_path if client is not teacher else dash_path)
        client.csrf_token = csrf_from(html) if status == 200 else ""
    quiet, window, after = args.class_quiet, 10.0, args.class_after
    start = time.perf_counter() + 1.0
    answer_at = start + quiet
    reveal_at = answer_at + window
    stop_at = reveal_at + after
    results = {
        "poll": Result("classroom: poll", poll_path, len(students)),
        "answer": Result("classroom: answer", "POST " + answer_path, len(students)),
        "dashboard": Result("classroom: dashboard", dash_path, 1),
        "reveal": Result("classroom: reveal", f"POST /classrooms/{pk}/ask/reveal/", 1),
    }
    lock = threading.Lock()

    def note(key: str, began: float, status: int, expect: tuple[int, ...]) -> None:
        elapsed = time.perf_counter() - began
        with lock:
            result = results[key]
            result.statuses[str(status)] += 1
            if status in expect:
                result.latencies.append(elapsed)
                result.acked += key == "answer"
            else:
                result.errors += 1

    def timed(key: str, client: Client, method: str, path: str, form: Any, expect: Any) -> None:
        began = time.perf_counter()
        try:
            headers = {"HX-Request": "true"} if method == "GET" else {}
            status = client.request(method, path, form, headers=headers)[0]
        except (OSError, http.client.HTTPException):
            status = -1
        note(key, began, status, expect)

    def student(index: int) -> None:
        client = students[index]
        rng = random.Random(index)
        next_poll = start + rng.uniform(0, 3.0)
        answer_time = answer_at + rng.uniform(0, window)
        answered = False
        while True:
            now = time.perf_counter()
            if not answered and now >= answer_time:
                form = {
                    "csrfmiddlewaretoken": client.csrf_token,
                    "answer": data["choice"],
                    "source_page": "live",
                }
                timed("answer", client, "POST", answer_path, form, (200, 302))
                answered = True
                continue
            if now >= stop_at:
                return
            if now >= next_poll:
                timed("poll", client, "GET", poll_path, None, (200, 204))
                next_poll += 3.0
                continue
            wake = min(next_poll, stop_at, answer_time if not answered else stop_at)
            time.sleep(max(0.0, wake - time.perf_counter()))

    def instructor() -> None:
        next_refresh = start
        revealed = False
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                return
            if not revealed and now >= reveal_at:
                form = {"csrfmiddlewaretoken": teacher.csrf_token}
                path = f"/classrooms/{pk}/ask/reveal/"
                timed("reveal", teacher, "POST", path, form, (302,))
                revealed = True
                continue
            if now >= next_refresh:
                timed("dashboard", teacher, "GET", dash_path, None, (200,))
                next_refresh += 5.0
                continue
            wake = min(next_refresh, stop_at, reveal_at if not revealed else stop_at)
            time.sleep(max(0.0, wake - time.perf_counter()))

    threads = [
        threading.Thread(target=student, args=(i,), daemon=True) for i in range(len(students))
    ]
    threads.append(threading.Thread(target=instructor, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=stop_at - time.perf_counter() + args.timeout * 3 + 10)
    for client in students + [teacher]:
        client.close()
    span = stop_at - start
    for key, result in results.items():
        result.seconds = window if key == "answer" else span
        result.engine = "paced"
    results["answer"].stored = live_answers(run)
    return list(results.values())


def run_all(run: Run) -> list[Result]:
    args, data = run.args, run.data
    lesson = args.lesson_path.format(slug=run.target.lesson_slug)
    reviewer = [data["reviewer"]] if data else []
    results: list[Result] = []
    for name in args.scenarios:
        print(f"running {name} ...", file=sys.stderr)
        if name == "ceiling":
            results.append(get_scenario(run, name, args.ceiling_path, []))
        elif name == "static":
            results.append(get_scenario(run, name, run.static_path, []))
        elif name == "path-anon":
            results.append(get_scenario(run, name, "/", []))
        elif name == "path":
            results.append(get_scenario(run, name, "/", reviewer))
        elif name == "lesson-anon":
            results.append(get_scenario(run, name, lesson, []))
        elif name == "lesson":
            results.append(get_scenario(run, name, lesson, reviewer))
        elif name == "review":
            results.append(get_scenario(run, name, "/review/", reviewer))
        elif name == "poll":
            path = f"/classrooms/{data['classroom']}/live/?since={data['version']}"
            results.append(
                get_scenario(
                    run,
                    name,
                    path,
                    data["students"],
                    expect=204,
                    htmx=True,
                    connections=args.class_clients,
                )
            )
        elif name == "poll-render":
            path = f"/classrooms/{data['classroom']}/live/"
            results.append(
                get_scenario(
                    run, name, path, data["students"], htmx=True, connections=args.class_clients
                )
            )
        elif name == "dashboard":
            path = f"/classrooms/{data['classroom']}/"
            # One instructor (a few tabs at most): 4 connections, not a crowd.
            results.append(
                get_scenario(run, name, path, [data["teacher"]], htmx=True, connections=4)
            )
        elif name == "classroom":
            results.extend(classroom_replay(run))
        elif name == "sandbox":
            # Issue 11's measure: a terminal round trip with 32 learners at once.
            clients = run.learners[: args.sandbox_clients]
            request = sandbox(clients)
            endpoint = "POST /sandboxes/playground/run/ (htmx)"
            results.append(run_scenario(name, endpoint, clients, request, 200, args))
            for client in clients:
                client.close()
        elif name == "sandbox-typing":
            # The same round trip with 32 learners at a terminal, each sending a command
            # every 3 s on average (1.5 to 4.5 s: reading the output, typing the next one),
            # for three times the page scenarios' duration so each sends a dozen or more.
            clients = run.learners[: args.sandbox_clients]
            request = sandbox(clients)
            endpoint = "POST /sandboxes/playground/run/ (htmx), a command per learner every ~3 s"
            paced = argparse.Namespace(**{**vars(args), "seconds": args.seconds * 3})
            results.append(run_scenario(name, endpoint, clients, request, 200, paced, think=3.0))
            for client in clients:
                client.close()
        else:  # answer
            clients = run.learners[: args.clients]
            for i in range(len(clients), args.clients):
                extra = Client(run.port, args.timeout)
                extra.cookies = dict(run.learners[i % len(run.learners)].cookies)
                clients.append(extra)
            for client in clients:
                status, _, html = client.request("GET", lesson)
                client.csrf_token = csrf_from(html) if status == 200 else ""
            endpoint = "POST " + args.answer_path.format(id=run.target.questions[0][0])
            if len(run.target.questions) > 1:
                endpoint += f" (+{len(run.target.questions) - 1} more)"
            request = answer(args, run.target.questions)
            before = recorded(run.env, run.prefix)
            result = run_scenario(name, endpoint, clients, request, 302, args)
            result.counts = (before, recorded(run.env, run.prefix))
            results.append(result)
            for client in clients:
                client.close()
    return results


def report(args: argparse.Namespace, run: Run, results: list[Result]) -> tuple[str, bool]:
    """The Markdown report, and whether anything failed."""
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv])
    command = re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", command)  # no passwords in docs
    engine = "wrk (1 thread)" if args.engine == "wrk" else "the Python client"
    lines = [
        f"Load test: {args.clients} connections per page scenario ({engine}), "
        f"{args.seconds:g} s each after {args.warmup:g} s warm-up; shares are of the minimal "
        "view measured in the same run.",
        "",
        *[f"- {line}" for line in machine()],
        f"- Database: {database_label(args)}; shared cache: {args.shared_cache}",
        f"- Server: `gunicorn learn.wsgi:application --workers {args.workers} "
        f"--threads {args.threads}` on {HOST} (DEBUG off); the client runs on the same machine",
        f"- Lesson: `{run.target.lesson_slug}`; the logged-in learner of path, lesson and review "
        f"has attempted {run.data.get('attempted', 0)} questions; the class has "
        f"{len(run.data.get('students', []))} students with their own sessions",
        f"- Command: `{command}`",
        "",
        *table(results),
        "",
    ]
    ok = {"200", "204", "302", "ok"}
    for r in results:
        unexpected = {k: v for k, v in r.statuses.items() if k not in ok}
        if unexpected:
            lines.append(f"- {r.name}: unexpected outcomes {dict(unexpected)}")
    mismatch = 0
    for r in results:
        if r.name == "answer" and r.counts:
            before, after = r.counts
            if before is None or after is None:
                lines.append("- Answers: the stored attempts could not be counted (see stderr).")
                continue
            stored = after["attempts"] - before["attempts"]
            tries = after["tries"] - before["tries"]
            # Every acknowledged answer (302) is exactly one Attempt and one `tries` increment.
            mismatch += abs(r.acked - stored) + abs(tries - stored)
            verdict = "no lost or duplicated attempts." if not mismatch else "**MISMATCH**."
            lines.append(
                f"- Answers: {r.acked} acknowledged (302, warm-up included), {stored} "
                f"attempts stored, `tries` grew by {tries}: {verdict}"
            )
    live = next((r for r in results if r.name == "classroom: answer"), None)
    if live is not None:
        live_stored = live.stored
        lost = abs(live.acked - live_stored) if live_stored is not None else 0
        mismatch += lost
        verdict = (
            "every acknowledged answer is one stored attempt." if not lost else "**MISMATCH**."
        )
        lines.append(
            f"- Classroom: {live.acked} of {len(run.data['students'])} answers acknowledged, "
            f"{live_stored} live attempts stored: {verdict}"
        )
    verdicts = goals(results)
    if verdicts:
        lines += ["", "Goals (issue 15, and issue 11 for sandbox-typing), this run:", "", *verdicts]
    failed = any(r.errors for r in results) or bool(mismatch)
    return "\n".join(lines), failed


LIVE_COUNT_SNIPPET = """
from learn.progress.models import Attempt
print("LOADTEST_JSON=" + str(Attempt.objects.filter(
    user__username__startswith={prefix!r}, question__key={key!r}, source="live").count()))
"""


def live_answers(run: Run) -> int | None:
    snippet = LIVE_COUNT_SNIPPET.format(prefix=run.prefix + "s", key=run.data["question"])
    try:
        out = manage(run.env, "shell", "-c", snippet, timeout=120)
    except (SystemExit, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        if line.startswith("LOADTEST_JSON="):
            return int(line.split("=", 1)[1])
    return None


def static_path(client: Client) -> str:
    """The hashed stylesheet URL the pages link to (served by whitenoise)."""
    status, _, html = client.request("GET", "/")
    match = re.search(rb'href="(/static/[^"]+\.css)"', html) if status == 200 else None
    return match.group(1).decode() if match else "/static/css/app.css"


STARTED_LOAD = os.getloadavg()[0]


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
        print(
            f"fixtures: {args.users} learners, a reviewer and a class of {args.class_size}",
            file=sys.stderr,
        )
        data = fixtures(env, prefix, args.class_size, args.users)
        with gunicorn(args, env, workdir) as port:
            learners = [cookie_client(port, args, c) for c in data["learners"]]
            anonymous = Client(port, args.timeout)
            target = discover(anonymous, args)
            run = Run(args, port, env, prefix, target, learners, data, static_path(anonymous))
            anonymous.close()
            results = run_all(run)
            for client in learners:
                client.close()
    text, failed = report(args, run, results)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
