"""An image built FROM a pulled image keeps what that image runs, as the real engine does.

BuildKit starts a stage's image config from its base's config and each instruction only
changes the fields it names (moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go:
`d.image = clone(img)` for the base, then `dispatchCmd`, `dispatchEntrypoint`,
`dispatchExpose`, `dispatchHealthcheck` each set one field). The files of a pulled image are
opaque to the sandbox, but its program is there: a built image must not lose it.
"""

from __future__ import annotations

import json

from learn.sim import Sandbox, images

BASE = "registry.example.com/learn/web:0.1.0"
COMPOSE = """\
services:
  web:
    build: .
    image: mine:1
    environment:
      DJANGO_SECRET_KEY: not-a-secret
    ports: ["8000:8000"]
"""


def built(dockerfile: str) -> Sandbox:
    return Sandbox.new(
        images=images.learn_web_images(),
        files={"Dockerfile": dockerfile, "compose.yaml": COMPOSE},
    )


def test_compose_up_of_an_image_built_from_the_app_runs_the_app_and_turns_healthy() -> None:
    box = built(f"FROM {BASE}\nENV FEATURE_FLAG=1\n")
    code, out = box.run("docker compose up -d")
    assert code == 0, out
    box.run("sleep 40")
    _, ps = box.run("docker compose ps")
    # The base's HEALTHCHECK (interval 30s, the engine's default) came through the build.
    assert "(healthy)" in ps, ps
    _, logs = box.run("docker compose logs web")
    assert "Listening at: http://0.0.0.0:8000" in logs, logs
    probe = "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
    code, out = box.run(f'docker exec app-web-1 python -c "{probe}"')
    assert code == 0, out


def test_the_built_image_inherits_cmd_user_ports_and_healthcheck_unless_overridden() -> None:
    box = built(f"FROM {BASE}\nENV FEATURE_FLAG=1\n")
    assert box.run("docker build -t mine:1 .")[0] == 0
    _, out = box.run("docker inspect mine:1")
    config = json.loads(out)[0]["Config"]
    assert config["Cmd"][:2] == ["gunicorn", "learn.wsgi:application"]
    assert config["User"] == "10001:10001"
    assert config["ExposedPorts"] == {"8000/tcp": {}}
    assert config["Healthcheck"]["Test"][0] == "CMD"
    assert "FEATURE_FLAG=1" in config["Env"]
    # An override replaces only its own field (dispatchCmd sets Config.Cmd; the rest stays).
    box.put("Dockerfile", f'FROM {BASE}\nCMD ["python", "manage.py", "migrate", "--noinput"]\n')
    assert box.run("docker build -t mine:2 .")[0] == 0
    config = json.loads(box.run("docker inspect mine:2")[1])[0]["Config"]
    assert config["Cmd"] == ["python", "manage.py", "migrate", "--noinput"]
    assert config["ExposedPorts"] == {"8000/tcp": {}}


def test_a_stage_built_on_a_stage_keeps_the_pulled_base_program() -> None:
    box = built(f"FROM {BASE} AS base\nENV A=1\n\nFROM base\nENV B=2\n")
    code, out = box.run("docker compose up -d")
    assert code == 0, out
    box.run("sleep 5")
    _, logs = box.run("docker compose logs web")
    assert "Starting gunicorn" in logs, logs


def test_an_overriding_cmd_runs_that_command_instead() -> None:
    box = built(f'FROM {BASE}\nCMD ["python", "manage.py", "migrate", "--noinput"]\n')
    box.run("docker compose up -d")
    box.run("sleep 10")
    _, ps = box.run("docker compose ps -a")
    _, logs = box.run("docker compose logs web")
    assert "Starting gunicorn" not in logs, logs
    assert "Exited" in ps, ps
