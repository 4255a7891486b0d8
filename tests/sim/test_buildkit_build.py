"""`docker build` on the sandbox: BuildKit's progress, its cache rule, stages, .dockerignore,
image config, and what the built image runs. Scenarios marked with an upstream file are
transcriptions of moby/buildkit's own integration tests."""

from __future__ import annotations

import json

from learn.sim import Sandbox
from learn.sim.docker import engine

APP_DOCKERFILE = """\
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 10001
EXPOSE 8000
CMD ["gunicorn", "learn.wsgi:application", "--bind", "0.0.0.0:8000"]
"""
APP_FILES = {
    "requirements.txt": "Django>=5.2,<5.3\ngunicorn>=23\n",
    "manage.py": "#!/usr/bin/env python\n",
    "learn/wsgi.py": "application = None\n",
    "learn/settings.py": "DEBUG = False\n",
}


def app_box(dockerfile: str = APP_DOCKERFILE) -> Sandbox:
    return Sandbox.new(files={"Dockerfile": dockerfile, **APP_FILES})


def steps(output: str) -> list[str]:
    """The vertex lines and their outcome (`#7 [3/5] COPY ...` + `CACHED`/`DONE`)."""
    lines = output.splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.startswith("#") and " [" in line and "[internal]" not in line:
            number = line.split(" ", 1)[0]
            status = next(
                (
                    x.split(" ", 1)[1].split(" ")[0]
                    for x in lines[i + 1 :]
                    if x.startswith(number + " ")
                    and x.split(" ", 1)[1].split(" ")[0] in {"CACHED", "DONE", "ERROR:"}
                ),
                "",
            )
            out.append(f"{line.split(' ', 1)[1]} {status}")
    return out


def test_first_build_prints_buildkit_plain_progress_and_names_the_image() -> None:
    box = app_box()
    code, out = box.run("docker build -t web:0.1.0 .")
    assert code == 0, out
    assert out.startswith('#0 building with "default" instance using docker driver\n\n')
    assert "#1 [internal] load build definition from Dockerfile\n" in out
    assert "#2 [internal] load metadata for docker.io/library/python:3.12-slim\n" in out
    assert "#3 [internal] load .dockerignore\n" in out
    assert "[internal] load build context\n" in out
    assert [s.split("] ", 1)[0] + "]" for s in steps(out)] == [
        "[1/5]",
        "[2/5]",
        "[3/5]",
        "[4/5]",
        "[5/5]",
    ]
    assert "[4/5] RUN pip install --no-cache-dir -r requirements.txt DONE" in steps(out)
    assert "Collecting django" in out and "Collecting gunicorn" in out
    assert "naming to docker.io/library/web:0.1.0 done\n" in out
    assert out.rstrip().endswith("DONE 0.1s")
    code, listing = box.run("docker images")
    assert listing.splitlines()[0].split() == [
        "REPOSITORY",
        "TAG",
        "IMAGE",
        "ID",
        "CREATED",
        "SIZE",
    ]
    assert listing.splitlines()[1].split()[:2] == ["web", "0.1.0"]


def test_cache_rule_parent_instruction_and_copied_content() -> None:
    box = app_box()
    box.run("docker build -t web:0.1.0 .")
    code, again = box.run("docker build -t web:0.1.0 .")
    assert code == 0
    assert all(s.endswith("CACHED") for s in steps(again)), steps(again)
    # Source changes: the dependency layer stays cached, only the last COPY runs again.
    box.put("learn/views.py", "def home(request): ...\n")
    _, changed = box.run("docker build -t web:0.1.0 .")
    assert [s.rsplit(" ", 1)[1] for s in steps(changed)] == [
        "CACHED",
        "CACHED",
        "CACHED",
        "CACHED",
        "DONE",
    ]
    # A changed requirements file invalidates its COPY and every step after it.
    box.put("requirements.txt", APP_FILES["requirements.txt"] + "whitenoise\n")
    _, deps = box.run("docker build -t web:0.1.0 .")
    assert [s.rsplit(" ", 1)[1] for s in steps(deps)] == [
        "CACHED",
        "CACHED",
        "DONE",
        "DONE",
        "DONE",
    ]
    # --no-cache runs every step.
    _, fresh = box.run("docker build --no-cache -t web:0.1.0 .")
    assert [s.rsplit(" ", 1)[1] for s in steps(fresh)][1:] == ["DONE"] * 4


def test_copy_everything_first_breaks_the_dependency_cache() -> None:
    box = app_box(APP_DOCKERFILE.replace("COPY requirements.txt .\n", "COPY . .\n", 1))
    box.run("docker build -t web:0.1.0 .")
    box.put("learn/views.py", "x = 1\n")
    _, out = box.run("docker build -t web:0.1.0 .")
    assert "[4/5] RUN pip install --no-cache-dir -r requirements.txt DONE" in steps(out)


# moby/buildkit frontend/dockerfile/dockerfile_dockerignore_test.go, testDockerignore.
def test_dockerignore_upstream_case() -> None:
    box = Sandbox.new(
        files={
            "Dockerfile": "FROM scratch\nCOPY . .\n",
            "foo": "foo-contents",
            "bar": "bar-contents",
            "baz": "baz-contents",
            "bay": "bay-contents",
            ".dockerignore": "\nba*\nDockerfile\n!bay\n.dockerignore\n",
        }
    )
    code, out = box.run("docker build -t ignored .")
    assert code == 0, out
    record = engine.find_image(box.world, "ignored")
    assert record is not None
    files = {path: engine.state(box.world)["blobs"][blob] for path, blob in record["fs"].items()}
    assert files == {"/foo": "foo-contents", "/bay": "bay-contents"}


# moby/buildkit frontend/dockerfile/dockerfile_cmd_test.go, testCmdShell: SHELL changes the
# shell form, and ENTRYPOINT resets a CMD inherited from the base image.
def test_cmd_shell_upstream_case() -> None:
    box = Sandbox.new(files={"base/Dockerfile": 'FROM scratch\nCMD ["test"]\n'})
    assert box.run("docker build -t docker.io/moby/cmdoverridetest:latest base")[0] == 0
    box.put(
        "Dockerfile",
        'FROM docker.io/moby/cmdoverridetest:latest\nSHELL ["ls"]\nENTRYPOINT my entrypoint\n',
    )
    assert box.run("docker build -t docker.io/moby/cmdoverridetest2:latest .")[0] == 0
    _, out = box.run(
        "docker inspect -f '{{json .Config.Cmd}} {{json .Config.Entrypoint}}' moby/cmdoverridetest2"
    )
    assert out == 'null ["ls","my entrypoint"]\n'


# moby/buildkit frontend/dockerfile/dockerfile_args_test.go, testDefaultEnvWithArgs: meta ARG
# in FROM with `${image#idle}`, `${my_arg:-def_val}` and `${my_arg%%e*}`, with and without a
# --build-arg: (build args, expected "my_arg my_trimmed_arg").
DEFAULT_ENV_WITH_ARGS = """\
ARG image=idlebox
FROM busy${image#idle} AS build
ARG my_arg
ENV my_arg "my_arg=${my_arg:-def_val}"
ENV my_trimmed_arg "${my_arg%%e*}"
"""


def test_default_env_with_args_upstream_cases() -> None:
    cases = [
        ("", "my_arg=def_val my_arg=d"),
        ("--build-arg my_arg=", "my_arg=def_val my_arg=d"),
        ("--build-arg my_arg=override", "my_arg=override my_arg=ov"),
    ]
    for flags, expected in cases:
        box = Sandbox.new(files={"Dockerfile": DEFAULT_ENV_WITH_ARGS})
        code, out = box.run(f"docker build {flags} -t args .")
        assert code == 0, out
        assert "load metadata for docker.io/library/busybox:latest" in out
        _, env = box.run("docker inspect -f '{{json .Config.Env}}' args")
        values = dict(item.split("=", 1) for item in json.loads(env))
        assert f"{values['my_arg']} {values['my_trimmed_arg']}" == expected


# moby/buildkit frontend/dockerfile/dockerfile_core_test.go, testTargetMistype.
def test_target_mistype_upstream_case() -> None:
    box = Sandbox.new(
        files={
            "Dockerfile": "FROM scratch AS build\nCOPY Dockerfile /out\nFROM scratch\nCOPY --from=build /out /\n"
        }
    )
    code, out = box.run("docker build --target bulid .")
    assert code == 1
    assert 'target stage "bulid" could not be found (did you mean build?)' in out


def test_multi_stage_builds_only_the_stages_the_target_needs() -> None:
    dockerfile = """\
FROM python:3.12-slim AS build
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN pip install -r requirements.txt
FROM node:22-alpine AS assets
RUN npm --version
FROM python:3.12-slim
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY . .
CMD ["gunicorn", "learn.wsgi:application", "--bind", "0.0.0.0:8000"]
"""
    box = app_box(dockerfile)
    code, out = box.run("docker build -t web:0.2.0 .")
    assert code == 0, out
    names = steps(out)
    assert not any("assets" in s for s in names), names
    assert "load metadata for docker.io/library/node:22-alpine" not in out
    assert names[0].startswith("[build 1/4] FROM docker.io/library/python:3.12-slim@sha256:")
    assert "[stage-2 2/4] COPY --from=build /opt/venv /opt/venv DONE" in names
    # The final image runs the course app: gunicorn from the venv on PATH.
    box.run("docker run -d --name web -e DJANGO_DEBUG=1 web:0.2.0")
    box.run("sleep 3")
    _, logs = box.run("docker logs web")
    assert "Listening at: http://0.0.0.0:8000 (1)" in logs
    code, _ = box.run(
        "docker exec web python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')\""
    )
    assert code == 0
    # /readyz needs a database: the SQLite file was never migrated.
    code, out = box.run(
        "docker exec web python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')\""
    )
    assert code == 1 and "HTTP Error 503" in out


def test_step_numbers_are_padded_as_prefix_command_pads_them() -> None:
    runs = "".join(f"RUN mkdir -p /d{i}\n" for i in range(10))
    box = Sandbox.new(files={"Dockerfile": "FROM busybox:1.36\n" + runs})
    code, out = box.run("docker build .")
    assert code == 0, out
    assert steps(out)[0].startswith("[ 1/11] FROM docker.io/library/busybox:1.36@sha256:")
    assert "[11/11] RUN mkdir -p /d9 DONE" in steps(out)
    assert "naming to" not in out


def test_errors_are_worded_as_buildkit_words_them() -> None:
    box = Sandbox.new(
        files={"Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"}
    )
    code, out = box.run("docker build .")
    assert code == 1
    assert '"/requirements.txt": not found' in out
    assert "Dockerfile:3\n--------------------\n" in out
    assert "   3 | >>> COPY requirements.txt ." in out
    assert out.splitlines()[-1].startswith(
        "ERROR: failed to build: failed to solve: failed to compute cache key: failed to calculate checksum of ref "
    )

    box.put("Dockerfile", "FORM python:3.12-slim\n")
    code, out = box.run("docker build .")
    assert code == 1
    assert out.splitlines()[-1] == (
        "ERROR: failed to build: failed to solve: dockerfile parse error on line 1: "
        "unknown instruction: FORM (did you mean FROM?)"
    )

    box.put("Dockerfile", "FROM python:3.12-slim\nRUN pip install -r requirements.txt\n")
    code, out = box.run("docker build .")
    assert code == 1
    assert (
        "ERROR: Could not open requirements file: [Errno 2] No such file or directory: 'requirements.txt'"
        in out
    )
    assert out.splitlines()[-1] == (
        'ERROR: failed to build: failed to solve: process "/bin/sh -c pip install -r requirements.txt" '
        "did not complete successfully: exit code: 1"
    )

    box.put("Dockerfile", "FROM python:3.12-alpine\nRUN apt-get update\n")
    code, out = box.run("docker build .")
    assert code == 1 and "/bin/sh: apt-get: not found" in out and "exit code: 127" in out

    box.put("Dockerfile", "FROM pyhton:3.12\n")
    code, out = box.run("docker build .")
    assert code == 1 and "pull access denied" in out

    code, out = box.run("docker build -f Nope.Dockerfile .")
    assert code == 1
    assert (
        out.splitlines()[-1]
        == "ERROR: failed to build: failed to solve: failed to read dockerfile: open Nope.Dockerfile: no such file or directory"
    )


def test_missing_packages_and_unknown_user_fail_as_at_runtime() -> None:
    box = app_box(
        APP_DOCKERFILE.replace("RUN pip install --no-cache-dir -r requirements.txt\n", "")
    )
    box.run("docker build -t web:0.1.0 .")
    code, out = box.run("docker run -d web:0.1.0")
    assert code == 127
    assert 'exec: "gunicorn": executable file not found in $PATH: unknown' in out

    box = app_box(APP_DOCKERFILE.replace("USER 10001", "USER app"))
    box.run("docker build -t web:0.1.0 .")
    code, out = box.run("docker run -d web:0.1.0")
    assert code == 126
    assert "unable to find user app: no matching entries in passwd file" in out
    box.put(
        "Dockerfile",
        APP_DOCKERFILE.replace("USER 10001", "RUN useradd --create-home app\nUSER app"),
    )
    box.run("docker build -t web:0.1.0 .")
    code, out = box.run("docker run -d -e DJANGO_DEBUG=1 web:0.1.0")
    assert code == 0, out
