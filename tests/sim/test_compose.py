"""`docker compose` on the sandbox: start order by depends_on conditions, health checks,
service-name DNS, `localhost` meaning the container itself, named and anonymous volumes,
and Compose v2's plain (non-TTY) output (docker/compose cmd/display/plain.go)."""

from __future__ import annotations

import re

from learn.sim import Sandbox, images

WEB = "registry.example.com/learn/web:0.1.0"

STACK = f"""\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
      POSTGRES_DB: learn
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 2s
      timeout: 3s
      retries: 5
    volumes:
      - db-data:/var/lib/postgresql/data
  migrate:
    image: {WEB}
    command: python manage.py migrate --noinput
    environment:
      DATABASE_URL: postgres://postgres:example@db:5432/learn
      DJANGO_SECRET_KEY: not-a-secret
    depends_on:
      db:
        condition: service_healthy
  web:
    image: {WEB}
    environment:
      DATABASE_URL: postgres://postgres:example@db:5432/learn
      DJANGO_SECRET_KEY: not-a-secret
      DJANGO_ALLOWED_HOSTS: localhost
    ports:
      - "8000:8000"
    depends_on:
      migrate:
        condition: service_completed_successfully
volumes:
  db-data:
"""


def box_with(compose: str, **files: str) -> Sandbox:
    return Sandbox.new(images=images.learn_web_images(), files={"compose.yaml": compose, **files})


def test_up_starts_in_dependency_order_and_prints_plain_progress() -> None:
    box = box_with(STACK)
    code, out = box.run("docker compose up -d")
    assert code == 0, out
    lines = [line for line in out.splitlines() if not line.startswith(" Image ")]
    # fmt.Fprintln(out, "", e.ID, e.Text, e.Details): a leading and a trailing space.
    assert lines == [
        " Network app_default Creating ",
        " Network app_default Created ",
        " Volume app_db-data Creating ",
        " Volume app_db-data Created ",
        " Container app-db-1 Creating ",
        " Container app-db-1 Created ",
        " Container app-migrate-1 Creating ",
        " Container app-migrate-1 Created ",
        " Container app-web-1 Creating ",
        " Container app-web-1 Created ",
        " Container app-db-1 Starting ",
        " Container app-db-1 Started ",
        " Container app-db-1 Waiting ",
        " Container app-db-1 Healthy ",
        " Container app-migrate-1 Starting ",
        " Container app-migrate-1 Started ",
        " Container app-migrate-1 Waiting ",
        " Container app-migrate-1 Exited ",
        " Container app-web-1 Starting ",
        " Container app-web-1 Started ",
    ]
    box.run("sleep 3")
    _, ps = box.run("docker compose ps")
    rows = ps.splitlines()
    assert re.split(r"\s{3,}", rows[0]) == [
        "NAME",
        "IMAGE",
        "COMMAND",
        "SERVICE",
        "CREATED",
        "STATUS",
        "PORTS",
    ]
    assert [r.split()[0] for r in rows[1:]] == ["app-db-1", "app-web-1"]
    assert "(healthy)" in rows[1]
    assert rows[2].endswith("0.0.0.0:8000->8000/tcp, [::]:8000->8000/tcp")
    _, logs = box.run("docker compose logs migrate")
    assert "migrate-1  |   Applying migration 0042... OK" in logs
    # The app is ready: its database is reachable by service name and migrated.
    code, out = box.run(
        "docker compose exec web python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')\""
    )
    assert code == 0, out


def test_localhost_inside_a_container_is_that_container() -> None:
    box = box_with(STACK.replace("@db:5432", "@localhost:5432"))
    code, out = box.run("docker compose up -d")
    assert code == 1
    assert out.splitlines()[-2:] == [
        ' Container app-migrate-1 Error service "migrate" didn\'t complete successfully: exit 1',
        'service "migrate" didn\'t complete successfully: exit 1',
    ]
    _, logs = box.run("docker compose logs migrate")
    assert (
        'connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused'
        in logs
    )


def test_unhealthy_dependency_and_missing_healthcheck() -> None:
    failing = STACK.replace('["CMD-SHELL", "pg_isready -U postgres"]', '["CMD-SHELL", "exit 1"]')
    box = box_with(failing)
    code, out = box.run("docker compose up -d")
    assert code == 1
    assert out.splitlines()[-2:] == [
        " Container app-db-1 Error dependency db failed to start",
        "dependency failed to start: container app-db-1 is unhealthy",
    ]
    # 5 retries 2 s apart: unhealthy at the fifth failure.
    _, ps = box.run("docker compose ps")
    assert "Up 10 seconds (unhealthy)" in ps

    no_check = re.sub(r"    healthcheck:\n(      .*\n)+", "", STACK)
    box = box_with(no_check)
    code, out = box.run("docker compose up -d")
    assert code == 1
    assert (
        out.splitlines()[-1]
        == "dependency failed to start: container app-db-1 has no healthcheck configured"
    )


def test_start_period_failures_do_not_count() -> None:
    # moby/moby daemon/health.go handleProbeResult: while starting and within start_period,
    # a failure does not increment the failing streak; probes run every start_interval then.
    compose = """\
services:
  cache:
    image: redis:7
    healthcheck:
      test: ["CMD-SHELL", "exit 1"]
      interval: 1s
      retries: 3
      start_period: 10s
      start_interval: 2s
"""
    box = box_with(compose)
    assert box.run("docker compose up -d")[0] == 0
    box.run("sleep 10")
    assert "(health: starting)" in box.run("docker compose ps")[1]
    box.run("sleep 3")
    assert "(unhealthy)" in box.run("docker compose ps")[1]


def test_named_volume_survives_down_and_goes_with_down_v() -> None:
    box = box_with(STACK)
    box.run("docker compose up -d")
    code, out = box.run("docker compose down")
    assert code == 0
    assert out.splitlines()[-2:] == [
        " Network app_default Removing ",
        " Network app_default Removed ",
    ]
    assert "app_db-data" in box.run("docker volume ls")[1]
    # Up again: postgres finds its data, the migrations are already applied.
    assert box.run("docker compose up -d")[0] == 0
    _, logs = box.run("docker compose logs db migrate")
    assert "Skipping initialization" in logs
    assert "No migrations to apply." in logs
    code, out = box.run("docker compose down -v")
    assert " Volume app_db-data Removed " in out.splitlines()
    assert "app_db-data" not in box.run("docker volume ls")[1]


def test_up_renews_anonymous_volumes_only_with_dash_v() -> None:
    compose = (
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: x\n"
    )
    box = box_with(compose)
    box.run("docker compose up -d")
    box.run("sleep 5")
    box.put("compose.yaml", compose + "      POSTGRES_DB: other\n")
    out = box.run("docker compose up -d")[1]
    assert " Container app-db-1 Recreate " in out.splitlines()
    box.run("sleep 3")
    assert "Skipping initialization" in box.run("docker compose logs db")[1]
    box.run("docker compose up -d -V")
    box.run("sleep 5")
    logs = box.run("docker compose logs db")[1]
    assert "Skipping initialization" not in logs and "PostgreSQL init process complete" in logs


def test_logs_prefix_width_and_config_interpolation() -> None:
    compose = """\
services:
  a:
    image: busybox:1.36
    command: sh -c "echo from-a; sleep 600"
  longer:
    image: busybox:${BUSYBOX_TAG}
    command: ["sh", "-c", "echo ${GREETING:-hello}; sleep 600"]
"""
    box = box_with(compose, **{".env": "BUSYBOX_TAG=1.36\n"})
    assert box.run("docker compose up -d")[0] == 0
    box.run("sleep 1")
    _, logs = box.run("docker compose logs")
    # cmd/formatter/logs.go: every name padded to the longest plus one, then " | ".
    assert logs.splitlines() == ["a-1       | from-a", "longer-1  | hello"]
    _, config = box.run("docker compose config")
    assert "image: busybox:1.36" in config
    box.put(".env", "")
    code, out = box.run("docker compose config")
    # The warning goes to stderr, which the sandbox shows after the command's stdout.
    assert out.endswith(
        'WARN[0000] The "BUSYBOX_TAG" variable is not set. Defaulting to a blank string.\n'
    )
    assert "image: 'busybox:'" in out


def test_compose_errors() -> None:
    box = Sandbox.new()
    assert box.run("docker compose up -d") == (1, "no configuration file provided: not found\n")
    box.put("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    depends_on: [dbb]\n")
    assert box.run("docker compose up -d") == (
        1,
        'service "web" depends on undefined service "dbb": invalid compose project\n',
    )
    box.put(
        "compose.yaml",
        "services:\n  db:\n    image: postgres:16\n    volumes: [data:/var/lib/postgresql/data]\n",
    )
    assert box.run("docker compose config") == (
        1,
        'service "db" refers to undefined volume data: invalid compose project\n',
    )
    box.put("compose.yaml", "services:\n  web:\n    imagee: nginx:1.27\n")
    code, out = box.run("docker compose config")
    assert code == 1 and out.startswith("validating compose.yaml")
    assert box.run("docker compose frob")[0] == 1
