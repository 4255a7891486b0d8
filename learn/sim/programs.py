"""What the process in a container does: the behaviour behind each image.

The kubelet (learn/sim/kube/kubelet.py) and the Docker engine (learn/sim/docker/) run every
container the same way: they resolve the image (learn/sim/images.py), build a `Process` (the
container as the program sees it: its command line, environment, files, network), and ask the
image's `Program`:

- `run(p)`: at start, what the process will do: which ports it opens and when, whether and when
  it exits and with which code, what it prints, how much memory and CPU it uses, how it takes
  SIGTERM. The runtime stores the answer in the container's state and acts on it over time
  (probes, restarts, OOMKilled, `docker stop`'s 10 s).
- `http(p, port, path, host)` / `tcp(p, port)`: a request reaching an open port (probes,
  Services, health checks, another container's client), answered as the real program would,
  at the moment it is asked (the course app's /readyz looks at its database *now*).
- `exec(p, argv)`: a command run inside the container (exec probes, `kubectl exec`,
  `docker exec`, `docker compose exec`, a HEALTHCHECK).
- `on_exit(p, code)`: side effects of a clean exit (a migration marks the database migrated).

Programs keep no state of their own. What must persist (a database's data, a log file) lives
in the world's state, reached through `p.data` (the program's data directory: a volume's data
when one is mounted there, else the container's own layer) and `p.fs` (files by absolute path,
resolved through the container's mounts).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from learn.sim.images import Image

MiB = 1024 * 1024


class Fs(Protocol):
    """The container's filesystem as the runtime resolves it through its mounts."""

    def read(self, path: str) -> str | None: ...

    def write(self, path: str, text: str, *, append: bool = False) -> str | None:
        """None on success, else the error (`Read-only file system`, `No such file or
        directory`)."""

    def exists(self, path: str) -> bool: ...

    def is_dir(self, path: str) -> bool: ...

    def listdir(self, path: str) -> list[str] | None: ...


@dataclass
class Peer:
    """Whatever answered a connection: the program there and its process."""

    program: Program
    process: Process
    ip: str


class Net(Protocol):
    """DNS and connections as seen from inside one container."""

    def resolve(self, host: str) -> str | None:
        """The IP `host` resolves to, or None (NXDOMAIN)."""

    def connect(self, host: str, port: int) -> Peer | str:
        """The peer listening there, or why not: `nxdomain`, `refused`, `timeout`."""


@dataclass
class Process:
    image: Image
    argv: list[str]  # entrypoint + cmd, after the Pod's command/args or docker run's overrides
    env: dict[str, str]
    fs: Fs
    net: Net
    data: dict[str, Any]  # the program's persistent data (see module docstring)
    started: int  # ms, when the process started
    now: int  # ms, the moment of the question
    hostname: str
    ip: str = ""
    memory_limit: int | None = None  # bytes
    cpu_limit: int | None = None  # millicores
    user: str = ""  # what runs the process ("" root, "10001:10001", "app")
    groups: tuple[int, ...] = ()  # supplementary groups (a Pod's fsGroup, supplementalGroups)
    tty: bool = False
    restarts: int = 0

    @property
    def uptime(self) -> int:
        return self.now - self.started

    def arg(self, flag: str) -> str | None:
        """The value of `--flag value` or `--flag=value` on the command line."""
        for i, item in enumerate(self.argv):
            if item == flag and i + 1 < len(self.argv):
                return self.argv[i + 1]
            if item.startswith(flag + "="):
                return item.split("=", 1)[1]
        return None


@dataclass
class Run:
    """What a process does once started, decided at its start."""

    listens: dict[int, str] = field(default_factory=dict)  # port -> "http" | "tcp"
    ready_after: int = 0  # ms from start until the ports accept connections
    exits_after: int | None = None  # ms from start until it exits by itself (None: runs on)
    exit_code: int = 0
    lines: list[tuple[int, str]] = field(default_factory=list)  # (ms from start, stdout line)
    # A loop that prints forever: (period ms, [(ms within the period, line)]), after `lines`.
    repeat: tuple[int, list[tuple[int, str]]] | None = None
    memory: int = 8 * MiB  # bytes in use once running
    cpu: int = 1  # millicores when idle
    # ms from SIGTERM until it exits; None: it ignores SIGTERM (a shell as PID 1) and is
    # killed when the grace period ends (exit code 137).
    term_exits_after: int | None = 100
    term_exit_code: int = 0
    # Requests per second it sends while running: (host, port, path, rate).
    load: list[tuple[str, int, str, float]] = field(default_factory=list)
    # `tail -f FILE`: after `lines`, its output is that file's new lines as they are written.
    follow: str | None = None


@dataclass
class Response:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class Program:
    """The base: a process that does nothing but can be exec'd into if the image has a shell."""

    name = "base"
    data_dir = ""  # where the program keeps its data (for volumes to matter)

    def run(self, p: Process) -> Run:
        return Run()

    def http(
        self, p: Process, port: int, path: str, *, host: str = "", method: str = "GET"
    ) -> Response | None:
        """None: nothing speaks HTTP there (the client sees a reset or a non-HTTP answer)."""
        return None

    def tcp(self, p: Process, port: int) -> bool:
        return port in self.run(p).listens

    def exec(self, p: Process, argv: list[str]) -> tuple[int, str]:
        from learn.sim import sh

        return sh.exec_in(p, argv)

    def on_exit(self, p: Process, code: int) -> None:
        return None


PROGRAMS: dict[str, Program] = {}


def register(cls: type[Program]) -> type[Program]:
    PROGRAMS[cls.name] = cls()
    return cls


def program_for(image: Image, argv: list[str]) -> Program:
    """The program that runs: the image's own, unless the command line runs something else
    (`busybox sh -c ...`, `python manage.py migrate`, `postgres` from a postgres image...)."""
    chosen = PROGRAMS.get(image.program, PROGRAMS["no-program"])
    return chosen.for_command(argv) if isinstance(chosen, Dispatching) else chosen


class Dispatching(Program):
    """A program whose behaviour depends on the command it is given."""

    def for_command(self, argv: list[str]) -> Program:
        return self


def program_named(name: str) -> Program:
    return PROGRAMS[name]


# --------------------------------------------------------------------------- helpers


def _gunicorn_lines(p: Process, bind: str, workers: int) -> list[tuple[int, str]]:
    def stamp(ms: int) -> str:
        import datetime as dt

        from learn.sim.world import EPOCH

        moment = EPOCH + dt.timedelta(milliseconds=p.started + ms)
        return moment.strftime("[%Y-%m-%d %H:%M:%S +0000]")

    lines = [
        (900, f"{stamp(900)} [1] [INFO] Starting gunicorn 23.0.0"),
        (920, f"{stamp(920)} [1] [INFO] Listening at: http://{bind} (1)"),
        (930, f"{stamp(930)} [1] [INFO] Using worker: gthread"),
    ]
    for i in range(workers):
        lines.append(
            (
                1000 + 40 * i,
                f"{stamp(1000 + 40 * i)} [{7 + i}] [INFO] Booting worker with pid: {7 + i}",
            )
        )
    return lines


@dataclass(frozen=True)
class DatabaseUrl:
    scheme: str
    user: str
    password: str
    host: str
    port: int
    name: str


def parse_database_url(url: str) -> DatabaseUrl | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"postgres", "postgresql", "pgsql", "postgis"} or not parts.hostname:
        return None
    return DatabaseUrl(
        scheme=parts.scheme,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
        host=parts.hostname,
        port=port or 5432,
        name=(parts.path or "/").lstrip("/") or unquote(parts.username or "postgres"),
    )


def connect_postgres(p: Process, url: DatabaseUrl) -> tuple[dict[str, Any] | None, str]:
    """Open a connection the way psycopg does: (the database's data, "") or (None, the error
    text libpq would print)."""
    peer = p.net.connect(url.host, url.port)
    if isinstance(peer, str):
        ip = p.net.resolve(url.host)
        if peer == "nxdomain":
            return (
                None,
                f'could not translate host name "{url.host}" to address: Name or service not known',
            )
        where = f'connection to server at "{url.host}" ({ip}), port {url.port} failed'
        if peer == "timeout":
            return (
                None,
                f"{where}: Connection timed out\n\tIs the server running on that host and accepting TCP/IP connections?",
            )
        return (
            None,
            f"{where}: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?",
        )
    where = f'connection to server at "{url.host}" ({peer.ip}), port {url.port} failed'
    if not isinstance(peer.program, Postgres):
        return None, f"{where}: server closed the connection unexpectedly"
    return peer.program.login(peer.process, url, where)


# --------------------------------------------------------------------------- the course app


@register
class LearnWeb(Dispatching):
    """The course's own Django app (learn-web): gunicorn on 8000, /healthz, /readyz.

    Mirrors learn/settings.py and learn/core/views.py: DJANGO_SECRET_KEY is required unless
    DJANGO_DEBUG is on; DATABASE_URL selects PostgreSQL, else SQLite at SQLITE_PATH; /healthz
    answers before host validation and needs no database; /readyz needs the database and every
    migration applied (503 otherwise); any other path is checked against DJANGO_ALLOWED_HOSTS
    (400 for an unknown Host).
    """

    name = "learn-web"
    data_dir = "/data"
    # Migrations each app version needs (0.2.0 adds one: roll it out before migrating and its
    # Pods never become ready).
    MIGRATIONS = {"0.1.0": 42, "0.2.0": 43}

    def for_command(self, argv: list[str]) -> Program:
        words = " ".join(argv)
        if "manage.py" in words and "migrate" in argv:
            return PROGRAMS["learn-web-migrate"]
        if "manage.py" in words and "lessons" in argv and "sync" in argv:
            return PROGRAMS["learn-web-sync"]
        if argv and argv[0] in {"sh", "bash", "/bin/sh", "/bin/bash", "sleep"}:
            return PROGRAMS["shell"]
        return self

    def migrations_needed(self, p: Process) -> int:
        return self.MIGRATIONS.get(p.image.version, self.MIGRATIONS["0.1.0"])

    def settings_error(self, p: Process) -> str | None:
        debug = p.env.get("DJANGO_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
        if not p.env.get("DJANGO_SECRET_KEY") and not debug:
            return (
                "django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY is not set. Set it "
                "to a long random string in production, or set DJANGO_DEBUG=1 for local "
                "development (make run does)."
            )
        return None

    def bind(self, p: Process) -> tuple[str, int]:
        bind = p.arg("--bind") or p.arg("-b") or "127.0.0.1:8000"
        host, _, port = bind.rpartition(":")
        try:
            return host or "0.0.0.0", int(port)
        except ValueError:
            return "0.0.0.0", 8000

    def workers(self, p: Process) -> int:
        text = p.arg("--workers") or p.arg("-w") or p.env.get("WEB_CONCURRENCY", "1")
        try:
            return max(1, min(int(text), 16))
        except ValueError:
            return 1

    def run(self, p: Process) -> Run:
        error = self.settings_error(p)
        if error:
            return Run(
                exits_after=1400,
                exit_code=1,
                lines=[
                    (1200, "Traceback (most recent call last):"),
                    (1201, '  File "/app/learn/settings.py", line 33, in <module>'),
                    (1390, error),
                ],
                memory=40 * MiB,
            )
        host, port = self.bind(p)
        workers = self.workers(p)
        logfile = p.arg("--access-logfile")
        if logfile and logfile != "-":
            problem = p.fs.write(logfile, "", append=True)
            if problem:
                return Run(
                    exits_after=1000,
                    exit_code=1,
                    lines=[(950, f"Error: Error: '{logfile}' isn't writable [{problem}]")],
                )
        listens = {port: "http"} if host in {"0.0.0.0", "::", "[::]", ""} else {}
        # Bound to 127.0.0.1 only: the port is open inside the container and nowhere else.
        self_only = {port: "http"} if not listens else {}
        return Run(
            listens=listens or self_only,
            ready_after=1500,
            lines=_gunicorn_lines(p, f"{host}:{port}", workers),
            memory=(70 + 45 * workers) * MiB,
            cpu=5,
            term_exits_after=800,
        )

    def database(self, p: Process) -> tuple[dict[str, Any] | None, str]:
        url_text = p.env.get("DATABASE_URL", "")
        if not url_text:
            # SQLite in the container's data directory: migrated only if migrate ran there.
            sqlite = p.data.setdefault("sqlite", {"migrations": 0})
            return sqlite, ""
        url = parse_database_url(url_text)
        if url is None:
            return None, f"ValueError: bad DATABASE_URL {url_text!r}"
        return connect_postgres(p, url)

    def http(
        self, p: Process, port: int, path: str, *, host: str = "", method: str = "GET"
    ) -> Response | None:
        route = path.split("?", 1)[0]
        if route == "/healthz":
            return Response(200, '{"status": "ok"}', {"Content-Type": "application/json"})
        if route == "/readyz":
            db, error = self.database(p)
            if db is None:
                return Response(503, '{"status": "unavailable", "error": "OperationalError"}')
            pending = self.migrations_needed(p) - int(db.get("migrations", 0))
            if pending > 0:
                return Response(
                    503, f'{{"status": "unavailable", "pending_migrations": {pending}}}'
                )
            return Response(200, '{"status": "ok"}')
        allowed = [h.strip() for h in p.env.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
        debug = p.env.get("DJANGO_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
        if debug and not allowed:
            allowed = ["127.0.0.1", "localhost"]
        name = (host or p.ip or "localhost").split(":")[0]
        if (
            "*" not in allowed
            and name not in allowed
            and not any(a.startswith(".") and (name.endswith(a) or name == a[1:]) for a in allowed)
        ):
            return Response(400, "<h1>Bad Request (400)</h1>")
        if route == "/" or route.startswith("/lessons/") or route.startswith("/static/"):
            db, _error = self.database(p)
            if db is None:
                return Response(500, "<h1>Server Error (500)</h1>")
            return Response(200, "<!doctype html><title>Learn containers</title>")
        return Response(404, "<h1>Not Found</h1>")


@register
class LearnWebMigrate(Program):
    """`python manage.py migrate`: applies the image version's migrations, then exits 0."""

    name = "learn-web-migrate"

    def run(self, p: Process) -> Run:
        app = PROGRAMS["learn-web"]
        assert isinstance(app, LearnWeb)
        error = app.settings_error(p)
        if error:
            return Run(exits_after=1400, exit_code=1, lines=[(1390, error)])
        db, problem = app.database(p)
        if db is None:
            return Run(
                exits_after=2500,
                exit_code=1,
                lines=[
                    (2400, "Traceback (most recent call last):"),
                    (2490, f"django.db.utils.OperationalError: {problem}"),
                ],
            )
        needed = app.migrations_needed(p)
        done = int(db.get("migrations", 0))
        if done >= needed:
            lines = [
                (1500, "Operations to perform:"),
                (
                    1510,
                    "  Apply all migrations: accounts, admin, auth, classrooms, content, contenttypes, progress, sessions",
                ),
                (1600, "Running migrations:"),
                (1610, "  No migrations to apply."),
            ]
            return Run(exits_after=1700, lines=lines, memory=90 * MiB)
        lines = [
            (1500, "Operations to perform:"),
            (
                1510,
                "  Apply all migrations: accounts, admin, auth, classrooms, content, contenttypes, progress, sessions",
            ),
            (1600, "Running migrations:"),
        ]
        for i in range(done, needed):
            lines.append((1700 + 60 * (i - done), f"  Applying migration {i + 1:04d}... OK"))
        return Run(exits_after=1800 + 60 * (needed - done), lines=lines, memory=90 * MiB)

    def on_exit(self, p: Process, code: int) -> None:
        if code != 0:
            return
        app = PROGRAMS["learn-web"]
        assert isinstance(app, LearnWeb)
        db, _ = app.database(p)
        if db is not None:
            db["migrations"] = max(int(db.get("migrations", 0)), app.migrations_needed(p))


@register
class LearnWebSync(Program):
    """`python manage.py lessons sync`: needs a migrated database, compiles the course."""

    name = "learn-web-sync"

    def run(self, p: Process) -> Run:
        app = PROGRAMS["learn-web"]
        assert isinstance(app, LearnWeb)
        db, problem = app.database(p)
        if db is None:
            return Run(
                exits_after=2500,
                exit_code=1,
                lines=[(2490, f"django.db.utils.OperationalError: {problem}")],
            )
        if int(db.get("migrations", 0)) < app.migrations_needed(p):
            return Run(
                exits_after=2000,
                exit_code=1,
                lines=[
                    (
                        1990,
                        'django.db.utils.ProgrammingError: relation "content_module" does not exist',
                    )
                ],
            )
        return Run(exits_after=3000, lines=[(2900, "synced: 5 modules, 25 lessons")])


# --------------------------------------------------------------------------- postgres


@register
class Postgres(Dispatching):
    """The official postgres image: initdb on first start (needs POSTGRES_PASSWORD, or
    POSTGRES_HOST_AUTH_METHOD=trust), then the server on 5432; `pg_isready` and `psql` inside."""

    name = "postgres"
    data_dir = "/var/lib/postgresql/data"

    def for_command(self, argv: list[str]) -> Program:
        if (
            argv
            and argv[-1] != "postgres"
            and argv[0] in {"sh", "bash", "/bin/sh", "sleep", "psql", "pg_isready"}
        ):
            return PROGRAMS["shell"]
        return self

    def run(self, p: Process) -> Run:
        initialised = bool(p.data.get("initialised"))
        if not initialised:
            password = p.env.get("POSTGRES_PASSWORD", "")
            trust = p.env.get("POSTGRES_HOST_AUTH_METHOD", "") == "trust"
            if not password and not trust:
                return Run(
                    exits_after=300,
                    exit_code=1,
                    lines=[
                        (
                            200,
                            "Error: Database is uninitialized and superuser password is not specified.",
                        ),
                        (
                            201,
                            "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
                        ),
                        (
                            202,
                            '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
                        ),
                        (203, ""),
                        (
                            204,
                            '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
                        ),
                        (205, "       connections without a password. This is *not* recommended."),
                    ],
                )
            user = p.env.get("POSTGRES_USER", "postgres")
            database = p.env.get("POSTGRES_DB", user)
            p.data.update(
                {
                    "initialised": True,
                    "users": {user: password if not trust else None},
                    "databases": {"postgres": {"migrations": 0}, database: {"migrations": 0}},
                }
            )
            lines = [
                (
                    100,
                    'The files belonging to this database system will be owned by user "postgres".',
                ),
                (2600, "PostgreSQL init process complete; ready for start up."),
                (3300, "LOG:  database system is ready to accept connections"),
            ]
            return Run(
                listens={5432: "tcp"},
                ready_after=3300,
                lines=lines,
                memory=60 * MiB,
                term_exits_after=400,
            )
        lines = [
            (
                100,
                "PostgreSQL Database directory appears to contain a database; Skipping initialization",
            ),
            (900, "LOG:  database system is ready to accept connections"),
        ]
        return Run(
            listens={5432: "tcp"},
            ready_after=900,
            lines=lines,
            memory=50 * MiB,
            term_exits_after=400,
        )

    def login(self, p: Process, url: DatabaseUrl, where: str) -> tuple[dict[str, Any] | None, str]:
        users: Mapping[str, Any] = p.data.get("users") or {}
        if url.user not in users:
            return None, f'{where}: FATAL:  password authentication failed for user "{url.user}"'
        expected = users[url.user]
        if expected is not None and expected != url.password:
            return None, f'{where}: FATAL:  password authentication failed for user "{url.user}"'
        databases: dict[str, Any] = p.data.setdefault("databases", {})
        if url.name not in databases:
            return None, f'{where}: FATAL:  database "{url.name}" does not exist'
        db: dict[str, Any] = databases[url.name]
        return db, ""


# --------------------------------------------------------------------------- redis, nginx


@register
class Redis(Dispatching):
    name = "redis"
    data_dir = "/data"

    def for_command(self, argv: list[str]) -> Program:
        if argv and argv[0] in {"sh", "bash", "/bin/sh", "sleep", "redis-cli"}:
            return PROGRAMS["shell"]
        return self

    def run(self, p: Process) -> Run:
        lines = [
            (10, "1:C 05 Jan 2026 09:00:00.000 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
            (300, "1:M 05 Jan 2026 09:00:00.300 * Ready to accept connections tcp"),
        ]
        return Run(
            listens={6379: "tcp"},
            ready_after=300,
            lines=lines,
            memory=4 * MiB,
            term_exits_after=200,
        )


@register
class Nginx(Dispatching):
    """nginx: / on 80 (the welcome page, or what a mounted /usr/share/nginx/html holds)."""

    name = "nginx"

    def for_command(self, argv: list[str]) -> Program:
        if argv and argv[0] in {"sh", "bash", "/bin/sh", "sleep"}:
            return PROGRAMS["shell"]
        return self

    def run(self, p: Process) -> Run:
        return Run(
            listens={80: "http"},
            ready_after=200,
            lines=[
                (50, "/docker-entrypoint.sh: Configuration complete; ready for start up"),
                (150, "2026/01/05 09:00:00 [notice] 1#1: start worker processes"),
            ],
            memory=12 * MiB,
            term_exits_after=100,
        )

    def http(
        self, p: Process, port: int, path: str, *, host: str = "", method: str = "GET"
    ) -> Response | None:
        if port != 80:
            return None
        route = path.split("?", 1)[0]
        if route.endswith("/"):
            route += "index.html"
        mounted = p.fs.read("/usr/share/nginx/html" + route)
        if mounted is not None:
            return Response(200, mounted)
        if route == "/index.html":
            return Response(
                200, "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>"
            )
        return Response(404, "<html>\r\n<head><title>404 Not Found</title></head>")


# --------------------------------------------------------------------------- generic programs


@register
class NoProgram(Program):
    """An image without a command to run (distroless, an unknown task image)."""

    name = "no-program"

    def run(self, p: Process) -> Run:
        if not p.argv:
            return Run(exits_after=0, exit_code=127, lines=[(0, "no command specified")])
        return PROGRAMS["shell"].run(p)


@register
class Sleeper(Program):
    """The pause container and friends: runs until stopped, does nothing."""

    name = "sleeper"

    def run(self, p: Process) -> Run:
        return Run(memory=1 * MiB, cpu=0)


@register
class Interpreter(Dispatching):
    """python, node, golang images: the default command is an interpreter or shell reading
    stdin; with no terminal it reads end-of-file at once and exits 0 (a Pod running it
    completes, then restarts into CrashLoopBackOff)."""

    name = "interpreter"

    def for_command(self, argv: list[str]) -> Program:
        if not argv:
            return self
        words = [w.rsplit("/", 1)[-1] for w in argv]
        if words[0] in {"python", "python3"} and words[1:3] == ["-m", "http.server"]:
            return PROGRAMS["http-server"]
        if words[0] in {"python", "python3", "node", "bash", "sh", "go"} and len(words) == 1:
            return self
        return PROGRAMS["shell"]

    def run(self, p: Process) -> Run:
        if p.tty:
            return Run(memory=10 * MiB)
        return Run(exits_after=30, exit_code=0)


@register
class HttpServer(Program):
    """`python -m http.server [PORT]`: a directory listing on 8000 (or PORT)."""

    name = "http-server"

    def _port(self, p: Process) -> int:
        for item in p.argv[3:]:
            if item.isdigit():
                return int(item)
        return 8000

    def run(self, p: Process) -> Run:
        port = self._port(p)
        return Run(
            listens={port: "http"},
            ready_after=300,
            lines=[(280, f"Serving HTTP on 0.0.0.0 port {port} (http://0.0.0.0:{port}/) ...")],
            memory=12 * MiB,
            term_exits_after=50,
            term_exit_code=0,
        )

    def http(
        self, p: Process, port: int, path: str, *, host: str = "", method: str = "GET"
    ) -> Response | None:
        if port != self._port(p):
            return None
        return Response(
            200, '<!DOCTYPE HTML>\n<html lang="en">\n<head><title>Directory listing for /</title>'
        )


@register
class LogShipper(Program):
    """fluent-bit: ships logs, answers /api/v1/health on 2020."""

    name = "log-shipper"

    def run(self, p: Process) -> Run:
        return Run(
            listens={2020: "http"},
            ready_after=400,
            lines=[(100, "Fluent Bit v3.2.4"), (390, "[ info] [sp] stream processor started")],
            memory=20 * MiB,
        )

    def http(
        self, p: Process, port: int, path: str, *, host: str = "", method: str = "GET"
    ) -> Response | None:
        if port == 2020 and path.startswith("/api/v1/health"):
            return Response(200, "ok")
        return None


@register
class Shell(Program):
    """A POSIX shell running a command or script (busybox, alpine, debian...): learn/sim/sh.py."""

    name = "shell"

    def run(self, p: Process) -> Run:
        from learn.sim import sh

        return sh.run_script(p)

    def http(
        self, p: Process, port: int, path: str, *, host: str = "", method: str = "GET"
    ) -> Response | None:
        from learn.sim import sh

        return sh.http(p, port, path)


def command_line(argv: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in argv)


_ENV_REF = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def expand_kube_env(value: str, env: Mapping[str, str]) -> str:
    """Kubernetes' `$(VAR)` expansion in command, args and env values ($$ escapes)."""

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        return env.get(name, match.group(0))

    return _ENV_REF.sub(sub, value.replace("$$(", "\0")).replace("\0", "$(")


Callback = Callable[[Process], None]
