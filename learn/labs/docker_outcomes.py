"""Outcome checks of Dockerfile and Compose labs: what the learner's file does on a fresh
Docker host (learn.sim), not what it looks like.

A Dockerfile lab's file is built in the course app's source tree (`APP_CONTEXT`) and the image
is run; a Compose lab's file is started with `docker compose up -d` beside a `.env` and the
course app's Dockerfile, and time passes. Each outcome reads the engine's state as `docker ps`,
`docker inspect` and `docker compose ps` would show it. When one fails, the learner sees the
output they would have seen: the build with its CACHED lines, `docker compose ps` and the logs,
with the line of their file where there is one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from learn.labs.checks import SELF_HOSTS
from learn.labs.outcomes import LAB_IMAGES, Outcome, sentence
from learn.sim import Sandbox, SandboxError
from learn.sim.docker import engine

# The course app's source as a learner's checkout holds it: what `COPY . .` copies.
APP_CONTEXT = {
    "requirements.txt": "Django==5.2.8\ngunicorn==23.0.0\nwhitenoise==6.9.0\n",
    "manage.py": "#!/usr/bin/env python\nimport os\nimport sys\n",
    "learn/__init__.py": "",
    "learn/settings.py": "DEBUG = False\n",
    "learn/urls.py": "urlpatterns = []\n",
    "learn/wsgi.py": "application = None\n",
    "learn/views.py": "def home(request):\n    ...\n",
}
# The edit a rebuild is asked about: app code only, no dependency manifest.
APP_EDIT = ("learn/views.py", "def home(request):\n    return None\n")
# The lab world's secrets: the app refuses to start without a key, postgres without a password.
SECRET_KEY = "lab-world-secret-key"  # noqa: S105 (a simulated container's, never a real one)
COMPOSE_FILES = {
    ".env": "POSTGRES_PASSWORD=lab-world-password\n",
    # `build: .` builds the course app from its published base, as the course's own image is.
    "Dockerfile": "FROM registry.example.com/learn/web:0.1.0\n",
}
IMAGE = "lab-image:1"
CONTAINER = "lab"
PROJECT = "app"
RUN_SECONDS = 20  # the app boots in about 1 s; a crash loop has shown itself by then
SETTLE_SECONDS = 60  # health checks every 30 s by default (moby daemon/health.go)

_NAME = r"[a-z0-9][a-z0-9_.-]{0,62}"
BUILDS = re.compile(r"^the image builds$")
CACHE = re.compile(
    r"^a rebuild after changing only app code re-runs only the steps after COPY of the source$"
)
NON_ROOT = re.compile(r"^the container runs as a non-root user$")
NO_COMPILER = re.compile(r"^the final image has no compiler$")
ANSWERS = re.compile(r"^the container answers (?P<path>/[A-Za-z0-9_./-]*) on (?P<port>\d{1,5})$")
RUNNING = re.compile(rf"^(?P<svc>{_NAME}) is running$")
HEALTHY_AFTER = re.compile(rf"^(?P<svc>{_NAME}) healthy after (?P<dep>{_NAME})$")
REACHES = re.compile(
    rf"^(?P<svc>{_NAME})'s (?P<var>[A-Za-z_][A-Za-z0-9_]*) reaches the (?P<dep>{_NAME}) service$"
)
EXITS_BEFORE = re.compile(rf"^(?P<svc>{_NAME}) exits 0 before (?P<dep>{_NAME}) starts$")
RUNS_ONCE = re.compile(rf"^(?P<svc>{_NAME}) runs once$")
SURVIVES = re.compile(rf"^named volume (?P<volume>{_NAME}) survives down$")

FORMS = {
    "dockerfile": (BUILDS, CACHE, NON_ROOT, NO_COMPILER, ANSWERS),
    "compose": (RUNNING, HEALTHY_AFTER, REACHES, EXITS_BEFORE, RUNS_ONCE, SURVIVES),
}
SHAPES = {
    "dockerfile": (
        "the image builds, a rebuild after changing only app code re-runs only the steps after "
        "COPY of the source, the container runs as a non-root user, the final image has no "
        "compiler, the container answers /PATH on PORT"
    ),
    "compose": (
        "SERVICE is running, SERVICE healthy after SERVICE, SERVICE's VARIABLE reaches the "
        "SERVICE service, SERVICE exits 0 before SERVICE starts, SERVICE runs once, "
        "named volume NAME survives down"
    ),
}


def _box(files: dict[str, str]) -> Sandbox:
    return Sandbox.new(seed="lab-docker", images=LAB_IMAGES, files=files)


def _excerpt(out: str, keep: int = 14) -> str:
    lines = out.rstrip().splitlines()
    return "\n".join(lines if len(lines) <= keep else ["...", *lines[-keep:]])


def _error_line(out: str, name: str) -> int | None:
    """The line BuildKit or Compose names in its error (`Dockerfile:7`, `line 12`)."""
    m = re.search(rf"{re.escape(name)}:(\d+)", out) or re.search(r"\bline (\d+)\b", out)
    return int(m[1]) if m else None


# --------------------------------------------------------------------------- Dockerfile

_STEP = re.compile(r"^#(\d+) \[(?:[^\]]+ )?(\d+)/(\d+)\] (.*)$")


def _steps(out: str) -> list[tuple[str, str]]:
    """(instruction, CACHED|DONE|ERROR) of each build step in BuildKit's plain progress."""
    lines = out.splitlines()
    found: list[tuple[str, str]] = []
    for i, line in enumerate(lines):
        m = _STEP.match(line)
        if not m:
            continue
        status = next(
            (
                word
                for later in lines[i + 1 :]
                if later.startswith(f"#{m[1]} ")
                and (word := later.split(" ", 2)[1]) in {"CACHED", "DONE", "ERROR:", "ERROR"}
            ),
            "",
        )
        found.append((m[4], status.rstrip(":")))
    return found


def _instruction_line(text: str, instruction: str) -> int | None:
    wanted = " ".join(instruction.split())
    for number, line in enumerate(text.splitlines(), start=1):
        if " ".join(line.split()) == wanted:
            return number
    first = wanted.split(" ", 1)[0]
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().upper().startswith(first) and wanted[:30] in " ".join(line.split()):
            return number
    return None


def _cached_lines(steps: Sequence[tuple[str, str]]) -> str:
    return "\n".join(f"{status:<6} {instruction}" for instruction, status in steps)


def _check_cache(box: Sandbox, text: str, outcome: str) -> Outcome:
    path, edited = APP_EDIT
    box.put(path, edited)
    code, out = box.run(f"docker build -t {IMAGE} .")
    steps = _steps(out)
    if code != 0:
        return Outcome(outcome, False, f"The rebuild failed:\n{_excerpt(out)}")
    ran = [(i, s) for i, s in enumerate(steps) if s[1] != "CACHED"]
    cached = sum(1 for _, status in steps if status == "CACHED")
    shown = f"$ docker build -t {IMAGE} .   (after editing {path})\n{_cached_lines(steps)}"
    if not ran:
        return Outcome(
            outcome,
            False,
            f"After editing {path}, every step was CACHED: the source is never copied into "
            f"the image, so the image would run old code.\n\n{shown}",
            hint="Copy the source (`COPY . .`) after the dependency install.",
        )
    first, (instruction, _) = ran[0]
    word = instruction.split(" ", 1)[0].upper()
    line = _instruction_line(text, instruction)
    if word not in {"COPY", "ADD"} or "--from" in instruction:
        return Outcome(
            outcome,
            False,
            f"After editing only {path}, `{instruction}` ran again although no file it uses "
            f"changed.\n\n{shown}",
            line=line,
        )
    installs = [
        s
        for s in steps[first + 1 :]
        if s[0].startswith("RUN") and re.search(r"\b(pip3?|npm|yarn|poetry|uv)\b", s[0])
    ]
    if installs:
        return Outcome(
            outcome,
            False,
            f"After editing only {path}, `{instruction}` copied the changed source before "
            f"`{installs[0][0]}`, so every code change reinstalls every dependency "
            f"({cached} CACHED, {len(ran)} ran again).\n\n{shown}",
            line=line,
            hint="Copy requirements.txt alone, install, and only then copy the rest.",
        )
    after = f" and the {len(ran) - 1} step(s) after it" if len(ran) > 1 else " only"
    return Outcome(
        outcome,
        True,
        f"After editing only {path}, the rebuild re-ran `{instruction}` (line {line}){after}; "
        f"{cached} step(s) were CACHED, the dependency install among them.",
    )


def _start(box: Sandbox) -> tuple[dict[str, Any] | None, str]:
    command = f"docker run -d --name {CONTAINER} -p 8000:8000 -e DJANGO_SECRET_KEY={SECRET_KEY}"
    code, out = box.run(f"{command} {IMAGE}")
    box.advance(RUN_SECONDS)
    story = f"$ {command} {IMAGE}\n{out.rstrip()}"
    _, ps = box.run(f"docker ps -a --filter name={CONTAINER}")
    _, logs = box.run(f"docker logs --tail 5 {CONTAINER}")
    story += f"\n$ docker ps -a\n{ps.rstrip()}"
    if logs.strip():
        story += f"\n$ docker logs --tail 5 {CONTAINER}\n{logs.rstrip()}"
    return engine.find_container(box.world, CONTAINER), story


def _last_line(text: str, *instructions: str) -> int | None:
    """The line of the last of these instructions (what the final image keeps)."""
    lines = [
        n
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip().split(" ", 1)[0].upper() in instructions
    ]
    return lines[-1] if lines else None


def _final_user_line(text: str) -> int | None:
    return _last_line(text, "USER")


def _check_non_root(box: Sandbox, text: str, outcome: str, story: str) -> Outcome:
    container = engine.find_container(box.world, CONTAINER)
    if container is None or container["state"]["status"] != "running":
        return Outcome(
            outcome,
            False,
            f"The container is not running, so no process runs as anyone.\n\n{story}",
            line=_final_user_line(text),
        )
    code, out = box.run(f"docker exec {CONTAINER} id")
    uid = re.match(r"uid=(\d+)", out)
    shown = f"$ docker exec {CONTAINER} id\n{out.rstrip()}"
    if uid is None:
        return Outcome(outcome, False, shown)
    if uid[1] == "0":
        return Outcome(
            outcome,
            False,
            f"The container's process runs as root:\n{shown}",
            line=_final_user_line(text),
            hint="Add `USER` with an account the image has (or a numeric UID) before CMD.",
        )
    return Outcome(outcome, True, f"The running container's process has uid {uid[1]}:\n{shown}")


def _check_no_compiler(box: Sandbox, text: str, outcome: str) -> Outcome:
    record = engine.find_image(box.world, IMAGE)
    if record is None:
        return Outcome(outcome, False, "The image was not built.")
    found = engine.compilers(record)
    if found:
        return Outcome(
            outcome,
            False,
            f"The final image holds a compiler: {'; '.join(found)}.",
            line=_last_line(text, "FROM"),
            hint="Compile in a build stage, and start the final stage from a -slim image that "
            "only gets the build output with `COPY --from`.",
        )
    return Outcome(
        outcome, True, "The final image holds no C compiler (neither from its base nor a RUN)."
    )


def _check_answers(box: Sandbox, text: str, outcome: str, m: re.Match[str], story: str) -> Outcome:
    container = engine.find_container(box.world, CONTAINER)
    port, path = int(m["port"]), m["path"]
    curl = f"$ curl http://localhost:{port}{path}"
    if container is None:
        return Outcome(outcome, False, story)
    status, body = engine.http_from_host(box.world, container, port, path)
    if status == 200:
        return Outcome(
            outcome,
            True,
            f"Run with `-p {port}:{port}`, the container answered {path} with 200.",
        )
    got = body if status is None else f"HTTP {status}"
    return Outcome(
        outcome,
        False,
        f"{curl}\n{got}\n\n{story}",
        line=_last_line(text, "CMD", "ENTRYPOINT"),
        hint="The app must listen on 0.0.0.0 (not 127.0.0.1) inside the container, on the port "
        "you publish.",
    )


def evaluate_dockerfile(text: str, outcomes: Sequence[str]) -> list[Outcome]:
    try:
        box = _box({"Dockerfile": text, **APP_CONTEXT})
    except SandboxError as exc:
        return [Outcome(o, False, f"The file could not be used: {exc}") for o in outcomes]
    code, out = box.run(f"docker build -t {IMAGE} .")
    if code != 0:
        message = (
            f"$ docker build -t {IMAGE} .\n{_excerpt(out)}\n\nThe build failed, so no image exists."
        )
        line = _error_line(out, "Dockerfile")
        return [Outcome(o, False, message, line=line) for o in outcomes]
    results: dict[int, Outcome] = {}
    story = ""
    # The rebuild comes first: running the image changes nothing the cache sees.
    for index, outcome in enumerate(outcomes):
        if BUILDS.match(outcome):
            steps = _steps(out)
            results[index] = Outcome(
                outcome, True, f"`docker build` built the image in {len(steps)} steps."
            )
        elif CACHE.match(outcome):
            results[index] = _check_cache(box, text, outcome)
        elif NO_COMPILER.match(outcome):
            results[index] = _check_no_compiler(box, text, outcome)
    for index, outcome in enumerate(outcomes):
        if index in results:
            continue
        if not story:
            _, story = _start(box)
        if NON_ROOT.match(outcome):
            results[index] = _check_non_root(box, text, outcome, story)
        elif m := ANSWERS.match(outcome):
            results[index] = _check_answers(box, text, outcome, m, story)
        else:
            results[index] = Outcome(
                outcome, False, "This outcome cannot be checked.", hint=SHAPES["dockerfile"]
            )
    return [results[i] for i in range(len(outcomes))]


# --------------------------------------------------------------------------- Compose


def _container(box: Sandbox, service: str) -> dict[str, Any] | None:
    for c in sorted(engine.state(box.world)["containers"].values(), key=lambda c: c["name"]):
        if c["labels"].get("com.docker.compose.service") == service:
            return c
    return None


def _history(box: Sandbox, container: dict[str, Any] | None) -> list[tuple[int, str]]:
    if container is None:
        return []
    return [(at, str(v)) for at, v in box.world.history_of(f"docker.container/{container['name']}")]


def _first(history: list[tuple[int, str]], test: Callable[[str], bool]) -> int | None:
    return next((at for at, value in history if test(value)), None)


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.1f}s"


def _compose_story(box: Sandbox, *services: str) -> str:
    _, ps = box.run("docker compose ps -a")
    parts = [f"$ docker compose ps -a\n{ps.rstrip()}"]
    for service in services:
        _, logs = box.run(f"docker compose logs --tail 3 {service}")
        if logs.strip():
            parts.append(f"$ docker compose logs --tail 3 {service}\n{logs.rstrip()}")
    return "\n\n".join(parts)


def _service_line(text: str, service: str, key: str = "") -> int | None:
    lines = text.splitlines()
    start = next(
        (n for n, line in enumerate(lines, 1) if re.match(rf"^\s+{re.escape(service)}:\s*$", line)),
        None,
    )
    if start is None or not key:
        return start
    indent = len(lines[start - 1]) - len(lines[start - 1].lstrip())
    for n in range(start + 1, len(lines) + 1):
        line = lines[n - 1]
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        if re.match(rf"^\s+{re.escape(key)}\b", line):
            return n
    return start


def _mention_line(text: str, service: str, word: str) -> int | None:
    """The first line of a service's block that names `word` (a volume, a network)."""
    start = _service_line(text, service)
    if start is None:
        return None
    for number, line in enumerate(text.splitlines()[start:], start=start + 1):
        if re.search(rf"(^|[\s:\[,-]){re.escape(word)}($|[\s:\],])", line):
            return number
    return start


def _missing(box: Sandbox, service: str, outcome: str) -> Outcome:
    return Outcome(
        outcome,
        False,
        f"No container of service {service} was created.\n\n{_compose_story(box)}",
    )


def _check_running(box: Sandbox, text: str, outcome: str, m: re.Match[str]) -> Outcome:
    container = _container(box, m["svc"])
    if container is None:
        return _missing(box, m["svc"], outcome)
    if container["state"]["status"] == "running":
        return Outcome(
            outcome, True, f"After {SETTLE_SECONDS}s, the {m['svc']} container is running."
        )
    return Outcome(
        outcome,
        False,
        f"After {SETTLE_SECONDS}s, the {m['svc']} container is {container['state']['status']}."
        f"\n\n{_compose_story(box, m['svc'])}",
        line=_service_line(text, m["svc"]),
    )


def _check_healthy_after(box: Sandbox, text: str, outcome: str, m: re.Match[str]) -> Outcome:
    svc, dep = m["svc"], m["dep"]
    mine, theirs = _container(box, svc), _container(box, dep)
    if mine is None or theirs is None:
        return _missing(box, svc if mine is None else dep, outcome)
    started = _first(_history(box, mine), lambda v: v.startswith("running"))
    dep_healthy = _first(_history(box, theirs), lambda v: v == "running/healthy")
    health = (mine["state"].get("health") or {}).get("status")
    story = _compose_story(box, svc, dep)
    if dep_healthy is None:
        why = (
            f"{dep} has no health check, so Docker never reports it healthy"
            if not theirs.get("health_config")
            else f"{dep} never became healthy"
        )
        return Outcome(
            outcome,
            False,
            f"{why}.\n\n{story}",
            line=_service_line(text, dep, "healthcheck") or _service_line(text, dep),
            hint=f"Give {dep} a `healthcheck:` whose test passes once it accepts connections.",
        )
    if started is None or started < dep_healthy:
        when = "never started" if started is None else f"started at {_seconds(started)}"
        return Outcome(
            outcome,
            False,
            f"{svc} {when}, before {dep} was healthy at {_seconds(dep_healthy)}.\n\n{story}",
            line=_service_line(text, svc, "depends_on"),
            hint=f"Make {svc} wait with `depends_on: {{{dep}: {{condition: service_healthy}}}}`.",
        )
    if mine["state"]["status"] != "running" or health != "healthy":
        return Outcome(
            outcome,
            False,
            f"{svc} started after {dep} was healthy, but after {SETTLE_SECONDS}s it is "
            f"{mine['state']['status']}{f' ({health})' if health else ''}.\n\n{story}",
            line=_service_line(text, svc),
        )
    return Outcome(
        outcome,
        True,
        f"{dep} was healthy at {_seconds(dep_healthy)}; {svc} started at {_seconds(started)} "
        f"and is healthy after {SETTLE_SECONDS}s.",
    )


_DEFAULT_PORTS = {"postgres": 5432, "postgresql": 5432, "redis": 6379, "mysql": 3306, "http": 80}
_URL = re.compile(
    r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?:[^@/\s]*@)?(?P<host>\[[^\]]*\]|[^:/?#\s]+)(?::(?P<port>\d+))?"
)


def _check_reaches(box: Sandbox, text: str, outcome: str, m: re.Match[str]) -> Outcome:
    svc, var, dep = m["svc"], m["var"], m["dep"]
    mine, theirs = _container(box, svc), _container(box, dep)
    if mine is None:
        return _missing(box, svc, outcome)
    line = _service_line(text, svc, "environment")
    value = (mine.get("env") or {}).get(var)
    if value is None:
        return Outcome(outcome, False, f"{svc} has no {var} in its environment.", line=line)
    url = _URL.match(value)
    if url is None:
        return Outcome(outcome, False, f"{svc}'s {var} is {value!r}, not a URL.", line=line)
    host = url["host"].strip("[]")
    port = int(url["port"] or _DEFAULT_PORTS.get(url["scheme"], 0))
    net = engine.ContainerNet(box.world, mine)
    lookup = f"$ docker compose exec {svc} nslookup {host}"
    ip = net.resolve(host)
    if ip is None:
        return Outcome(
            outcome,
            False,
            f"{svc}'s {var} connects to {host}, which does not resolve inside {svc}:\n{lookup}\n"
            f"** server can't find {host}: NXDOMAIN",
            line=line,
            hint="On the Compose network a service's name is its host name.",
        )
    if host in SELF_HOSTS:
        return Outcome(
            outcome,
            False,
            f"{svc}'s {var} connects to {host}:{port}, which inside {svc} is {svc} itself: "
            f"nothing listens on {port} there (Connection refused).",
            line=line,
            hint=f"Use the service name: {dep}:{port}.",
        )
    their_ips = {str(e["ip"]) for e in (theirs or {}).get("networks", {}).values()}
    if theirs is None or ip not in their_ips:
        return Outcome(
            outcome,
            False,
            f"{svc}'s {var} connects to {host} ({ip}), which is not the {dep} service.",
            line=line,
        )
    peer = net.connect(host, port)
    if isinstance(peer, str):
        return Outcome(
            outcome,
            False,
            f"{svc}'s {var} reaches {dep} ({ip}), but nothing answers on port {port} there "
            f"({'Connection refused' if peer == 'refused' else peer}).\n\n"
            f"{_compose_story(box, dep)}",
            line=line,
        )
    return Outcome(
        outcome,
        True,
        f"Inside {svc}, {host} resolves to {ip} (the {dep} container) and port {port} answers.",
    )


def _check_exits_before(box: Sandbox, text: str, outcome: str, m: re.Match[str]) -> Outcome:
    svc, dep = m["svc"], m["dep"]
    mine, theirs = _container(box, svc), _container(box, dep)
    if mine is None or theirs is None:
        return _missing(box, svc if mine is None else dep, outcome)
    exited = _first(_history(box, mine), lambda v: v.startswith("exited"))
    started = _first(_history(box, theirs), lambda v: v.startswith("running"))
    code = int(mine["state"].get("exit_code") or 0) if exited is not None else None
    story = _compose_story(box, svc, dep)
    if exited is None or code != 0:
        what = "is still running" if exited is None else f"exited with code {code}"
        return Outcome(outcome, False, f"{svc} {what}.\n\n{story}", line=_service_line(text, svc))
    if started is not None and started < exited:
        return Outcome(
            outcome,
            False,
            f"{dep} started at {_seconds(started)}, before {svc} finished at "
            f"{_seconds(exited)}.\n\n{story}",
            line=_service_line(text, dep, "depends_on"),
            hint=f"`depends_on: {{{svc}: {{condition: service_completed_successfully}}}}`.",
        )
    return Outcome(
        outcome,
        True,
        f"{svc} exited 0 at {_seconds(exited)}; {dep} started after it"
        + (f", at {_seconds(started)}." if started is not None else "."),
    )


def _check_runs_once(box: Sandbox, text: str, outcome: str, m: re.Match[str]) -> Outcome:
    container = _container(box, m["svc"])
    if container is None:
        return _missing(box, m["svc"], outcome)
    restarts = int(container.get("restart_count", 0))
    status = container["state"]["status"]
    if restarts == 0 and status == "exited":
        return Outcome(
            outcome, True, f"{m['svc']} ran once and stayed exited for {SETTLE_SECONDS}s."
        )
    what = f"restarted {restarts} time(s)" if restarts else f"is {status}"
    return Outcome(
        outcome,
        False,
        f"After {SETTLE_SECONDS}s, {m['svc']} {what}.\n\n{_compose_story(box, m['svc'])}",
        line=_service_line(text, m["svc"], "restart") or _service_line(text, m["svc"]),
        hint='A one-off task needs `restart: "no"`: `always` and `unless-stopped` run it again '
        "each time it exits.",
    )


def _check_survives(box: Sandbox, text: str, outcome: str, m: re.Match[str]) -> Outcome:
    volume = f"{PROJECT}_{m['volume']}"
    mounted = [
        c["name"]
        for c in engine.state(box.world)["containers"].values()
        if any(mt.get("name") == volume for mt in c.get("mounts") or [])
    ]
    code, down = box.run("docker compose down")
    _, listing = box.run("docker volume ls")
    shown = f"$ docker compose down\n{_excerpt(down, 4)}\n$ docker volume ls\n{listing.rstrip()}"
    if not mounted:
        return Outcome(
            outcome,
            False,
            f"No container mounts the named volume {m['volume']} ({volume}), so its data lives "
            f"in the container and goes with it.\n\n{shown}",
            line=_service_line(text, "volumes"),
        )
    names = {line.split()[-1] for line in listing.splitlines()[1:] if line.split()}
    if volume not in names:
        return Outcome(outcome, False, shown)
    return Outcome(
        outcome,
        True,
        f"{', '.join(sorted(mounted))} mounted {volume}; after `docker compose down` it is "
        "still there (only `down -v` deletes it).",
    )


_COMPOSE_CHECKS: tuple[
    tuple[re.Pattern[str], Callable[[Sandbox, str, str, re.Match[str]], Outcome]], ...
] = (
    (RUNNING, _check_running),
    (HEALTHY_AFTER, _check_healthy_after),
    (REACHES, _check_reaches),
    (EXITS_BEFORE, _check_exits_before),
    (RUNS_ONCE, _check_runs_once),
)


def evaluate_compose(text: str, outcomes: Sequence[str]) -> list[Outcome]:
    try:
        box = _box({"compose.yaml": text, **COMPOSE_FILES})
    except SandboxError as exc:
        return [Outcome(o, False, f"The file could not be used: {exc}") for o in outcomes]
    code, out = box.run("docker compose up -d")
    started = any(
        c["labels"].get("com.docker.compose.project") == PROJECT
        for c in engine.state(box.world)["containers"].values()
    )
    if code != 0 and not started:
        message = (
            f"$ docker compose up -d\n{_excerpt(out)}\n\nCompose refused the project, so no "
            "container started."
        )
        refused = re.search(
            r'service "([^"]+)" refers to undefined (volume|network) ([^\s:]+)', out
        )
        line = (
            _mention_line(text, refused[1], refused[3])
            if refused
            else _error_line(out, "compose.yaml")
        )
        return [Outcome(o, False, message, line=line) for o in outcomes]
    box.advance(SETTLE_SECONDS)
    results: dict[int, Outcome] = {}
    for index, outcome in enumerate(outcomes):
        for form, check in _COMPOSE_CHECKS:
            if m := form.match(outcome):
                results[index] = check(box, text, outcome, m)
                break
    # `down` ends the stack: it comes after everything that reads the running one.
    for index, outcome in enumerate(outcomes):
        if index in results:
            continue
        if m := SURVIVES.match(outcome):
            results[index] = _check_survives(box, text, outcome, m)
        else:
            results[index] = Outcome(
                outcome, False, "This outcome cannot be checked.", hint=SHAPES["compose"]
            )
    if code != 0:
        # `up` gave up part way (a dependency failed), after starting what it could.
        tail = "\n".join(out.rstrip().splitlines()[-2:])
        for index, result in results.items():
            if not result.passed:
                results[index] = Outcome(
                    result.name,
                    False,
                    f"$ docker compose up -d\n...\n{tail}\n\n{result.message}",
                    result.line,
                    result.hint,
                )
    return [results[i] for i in range(len(outcomes))]


def evaluate(kind: str, text: str, items: Sequence[Any]) -> list[Outcome]:
    outcomes = [sentence(item) or str(item) for item in items]
    if kind == "dockerfile":
        return evaluate_dockerfile(text, outcomes)
    return evaluate_compose(text, outcomes)
