"""Programs (learn/sim/programs.py, learn/sim/sh.py) on a minimal runtime: files in a dict,
a network of named peers. The kubelet and the Docker engine provide the real ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from learn.sim.images import resolve
from learn.sim.programs import Peer, Process, program_for


@dataclass
class DictFs:
    files: dict[str, str] = field(default_factory=dict)
    read_only: tuple[str, ...] = ()

    def read(self, path: str) -> str | None:
        return self.files.get(path)

    def write(self, path: str, text: str, *, append: bool = False) -> str | None:
        if path.startswith(self.read_only):
            return "Read-only file system"
        self.files[path] = (self.files.get(path, "") if append else "") + text
        return None

    def exists(self, path: str) -> bool:
        return path in self.files or self.is_dir(path)

    def is_dir(self, path: str) -> bool:
        return any(f.startswith(path.rstrip("/") + "/") for f in self.files)

    def listdir(self, path: str) -> list[str] | None:
        prefix = path.rstrip("/") + "/"
        names = {f[len(prefix) :].split("/")[0] for f in self.files if f.startswith(prefix)}
        return sorted(names) if names else None


@dataclass
class Hosts:
    peers: dict[tuple[str, int], Peer] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def resolve(self, host: str) -> str | None:
        return self.names.get(host)

    def connect(self, host: str, port: int) -> Peer | str:
        if host not in self.names:
            return "nxdomain"
        return self.peers.get((host, port), "refused")


def process(
    ref: str, argv: list[str] | None = None, env: dict[str, str] | None = None, **kw: Any
) -> Process:
    image = resolve(ref, kw.pop("images", None))
    assert not hasattr(image, "reason"), image
    full = argv if argv is not None else [*image.config.entrypoint, *image.config.cmd]
    return Process(
        image=image,  # type: ignore[arg-type]
        argv=full,
        env=dict(env or {}),
        fs=kw.pop("fs", DictFs()),
        net=kw.pop("net", Hosts()),
        data=kw.pop("data", {}),
        started=0,
        now=kw.pop("now", 0),
        hostname="web",
        **kw,
    )


def test_a_shell_loop_repeats_with_the_period_its_sleep_gives() -> None:
    p = process("busybox:1.37", ["sh", "-c", "while true; do echo hello; sleep 5; done"])
    run = program_for(p.image, p.argv).run(p)
    assert run.exits_after is None
    assert run.repeat == (5000, [(0, "hello")])
    assert run.term_exits_after is None  # sh as PID 1 ignores SIGTERM


def test_a_script_that_ends_exits_with_its_last_status() -> None:
    p = process("busybox:1.37", ["sh", "-c", "echo start; sleep 30; exit 3"])
    run = program_for(p.image, p.argv).run(p)
    assert run.exits_after == 30_000
    assert run.exit_code == 3
    assert run.lines == [(0, "start")]


def test_a_missing_command_is_not_found() -> None:
    p = process("busybox:1.37", ["sh", "-c", "curl http://web"])
    run = program_for(p.image, p.argv).run(p)
    assert run.exit_code == 127
    assert run.lines == [(0, "sh: curl: not found")]


def test_postgres_refuses_to_initialise_without_a_password() -> None:
    p = process("postgres:17")
    run = program_for(p.image, p.argv).run(p)
    assert run.exit_code == 1
    assert "superuser password is not specified" in run.lines[0][1]


def test_the_app_is_ready_only_when_its_database_is_reachable_and_migrated() -> None:
    images = {"registry.example.com/learn/web": {"program": "learn-web", "tags": {"0.1.0": {}}}}
    db = process("postgres:17", env={"POSTGRES_PASSWORD": "pw", "POSTGRES_USER": "learn"})
    program_for(db.image, db.argv).run(db)
    net = Hosts(names={"db": "10.0.0.2"})
    env = {"DJANGO_SECRET_KEY": "k", "DATABASE_URL": "postgres://learn:pw@db:5432/learn"}
    web = process("registry.example.com/learn/web:0.1.0", env=env, net=net, images=images)
    app = program_for(web.image, web.argv)
    assert app.run(web).listens == {8000: "http"}
    assert app.http(web, 8000, "/healthz").status == 200  # type: ignore[union-attr]
    assert app.http(web, 8000, "/readyz").status == 503  # type: ignore[union-attr]
    net.peers[("db", 5432)] = Peer(program_for(db.image, db.argv), db, "10.0.0.2")
    ready = app.http(web, 8000, "/readyz")
    assert ready is not None and ready.status == 503 and "pending_migrations" in ready.body
    migrate = process(
        "registry.example.com/learn/web:0.1.0",
        ["python", "manage.py", "migrate"],
        env=env,
        net=net,
        images=images,
    )
    job = program_for(migrate.image, migrate.argv)
    assert job.run(migrate).exit_code == 0
    job.on_exit(migrate, 0)
    assert app.http(web, 8000, "/readyz").status == 200  # type: ignore[union-attr]


def test_the_app_crashes_without_a_secret_key() -> None:
    images = {"registry.example.com/learn/web": {"program": "learn-web", "tags": {"0.1.0": {}}}}
    web = process("registry.example.com/learn/web:0.1.0", images=images)
    run = program_for(web.image, web.argv).run(web)
    assert run.exit_code == 1
    assert "DJANGO_SECRET_KEY is not set" in run.lines[-1][1]


def test_exec_probes_see_the_files_the_app_writes() -> None:
    fs = DictFs()
    images = {"docker.io/library/learn-web": {"program": "learn-web", "tags": {"0.1.0": {}}}}
    argv = [
        "gunicorn",
        "learn.wsgi:application",
        "--bind",
        "0.0.0.0:8000",
        "--access-logfile",
        "/var/log/learn/access.log",
    ]
    web = process("learn-web:0.1.0", argv, env={"DJANGO_DEBUG": "1"}, fs=fs, images=images)
    side = process("busybox:1.37", ["sh", "-c", "tail -n+1 -F /var/log/learn/access.log"], fs=fs)
    probe = ["test", "-f", "/var/log/learn/access.log"]
    assert program_for(side.image, side.argv).exec(side, probe)[0] == 1
    program_for(web.image, web.argv).run(web)
    assert program_for(side.image, side.argv).exec(side, probe)[0] == 0
    follow = program_for(side.image, side.argv).run(side)
    assert follow.follow == "/var/log/learn/access.log"


def test_distroless_has_no_shell_to_exec() -> None:
    p = process("gcr.io/distroless/static-debian12:nonroot", ["/app"])
    code, out = program_for(p.image, p.argv).exec(p, ["sh", "-c", "echo hi"])
    assert code == 126
    assert 'exec: "sh": executable file not found in $PATH' in out
