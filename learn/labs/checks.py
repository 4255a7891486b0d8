"""Run a lab's checks on a learner's submission.

`run(kind, text, checks)` never raises on learner input: a file that cannot be checked at all
(too big, broken YAML, a list where a mapping belongs) becomes a single failed result named
"input". Every other check reports passed or failed with a specific message, the line where
one exists, and a hint. The check names and their settings are the contract documented in
lessons/README.md ("Labs"); `spec_problems` validates a lab's `checks` mapping against it.
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import yaml

from learn.labs import rbac
from learn.labs.limits import LabInputError, check_size, load_with_nodes
from learn.labs.validators import (
    K8S_VERSION,
    Problem,
    compose_document_problems,
    format_path,
    hadolint_problems,
    kubernetes_document_problems,
    line_of,
)


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    message: str
    line: int | None = None
    hint: str = ""


# --------------------------------------------------------------------------- the contract

BOOL = "true"
PORT_OR_TRUE = "a port number or true"
NAMES = "a list of names"
NAME_MAP = "a mapping of service name to a list of service names"
NUMBER = "a number"
ROLLING = "a mapping with maxSurge and/or maxUnavailable"
REQUESTS = "a list of requests"
OUTCOMES = "a list of outcome sentences (learn/labs/outcomes.py)"

CHECKS: dict[str, dict[str, str]] = {
    "dockerfile": {
        "hadolint": BOOL,
        "pinned_base": BOOL,
        "multi_stage": BOOL,
        "non_root": BOOL,
        "deps_before_source": BOOL,
        "exec_form_cmd": BOOL,
        "expose": PORT_OR_TRUE,
        "outcomes": OUTCOMES,
    },
    "compose": {
        "schema": BOOL,
        "depends_on_exist": BOOL,
        "urls_name_services": BOOL,
        "healthy_needs_healthcheck": BOOL,
        "volumes_declared": BOOL,
        "services": NAMES,
        "healthcheck": NAMES,
        "depends_on_healthy": NAME_MAP,
        "no_latest": BOOL,
        "reachable": NAME_MAP,
        "isolated": NAME_MAP,
        "no_published_ports": NAMES,
        "outcomes": OUTCOMES,
    },
    "kubernetes": {
        "schema": BOOL,
        "kinds": NAMES,
        "selector_matches_template": BOOL,
        "service_matches_pods": BOOL,
        "resources": BOOL,
        "probes": BOOL,
        "no_latest": BOOL,
        "replicas": NUMBER,
        "rolling_update": ROLLING,
        "hpa_target": BOOL,
        "pod_security_restricted": BOOL,
        "read_only_root": BOOL,
        "stateful_storage": BOOL,
        "job_restart_policy": BOOL,
        "default_deny": BOOL,
        "service_routes_to": NAME_MAP,
        "pdb_covers": NAMES,
        "outcomes": OUTCOMES,
    },
    "rbac": {"schema": BOOL, "allow": REQUESTS, "deny": REQUESTS, "outcomes": OUTCOMES},
}

# What a learner reads for each check: plain language, not the identifier above.
CHECK_TITLES: dict[str, str] = {
    "hadolint": "The Dockerfile linter (hadolint) is happy",
    "pinned_base": "Base images have a fixed version",
    "multi_stage": "A separate build stage keeps tools out of the final image",
    "non_root": "The container does not run as root",
    "deps_before_source": "Dependencies install before the source is copied (build cache)",
    "exec_form_cmd": "CMD uses the exec form, so stop signals reach the app",
    "expose": "The app's port is documented with EXPOSE",
    "schema": "The file is valid",
    "depends_on_exist": "Every service waited on (depends on) exists",
    "urls_name_services": "Connection addresses name the other services, not localhost",
    "healthy_needs_healthcheck": "Services waited on as healthy have a healthcheck",
    "volumes_declared": "Named volumes are declared",
    "services": "The expected services are there",
    "healthcheck": "The right services have a healthcheck",
    "depends_on_healthy": "Services wait for their dependencies to be healthy",
    "no_latest": "No image uses the moving :latest tag",
    "kinds": "The expected kinds of object are there",
    "selector_matches_template": "The Deployment's selector matches its Pod labels",
    "service_matches_pods": "The Service finds the Pods and their port",
    "resources": "Containers set resource requests and limits",
    "probes": "Containers have readiness and liveness probes",
    "replicas": "The Deployment runs the right number of replicas",
    "rolling_update": "The rolling update settings are as asked",
    "hpa_target": "The autoscaler targets the Deployment",
    "allow": "The access that should be allowed is allowed",
    "deny": "The access that should be refused is refused",
    "input": "The file can be read",
    "reachable": "Each service reaches the services it needs",
    "isolated": "Services that must not meet are on separate networks",
    "no_published_ports": "Only the services meant for the outside publish ports",
    "pod_security_restricted": "The Pods meet the restricted Pod Security standard",
    "read_only_root": "Containers run with a read-only root file system",
    "stateful_storage": "Each replica keeps its own volume through a claim template",
    "job_restart_policy": "The Job's Pods restart on failure or never, not always",
    "default_deny": "Traffic is denied by default, then allowed where needed",
    "service_routes_to": "The Service sends traffic to the right Pods",
    "pdb_covers": "A disruption budget covers the Pods",
    "outcomes": "On a simulated cluster or Docker host, the file does what the task asks",
}


_REQUEST_KEYS = {
    "user",
    "groups",
    "verb",
    "namespace",
    "apiGroup",
    "resource",
    "subresource",
    "name",
    "path",
}
_PERCENT_OR_INT = re.compile(r"^\d+%?$")


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


def _request_problems(where: str, request: Any) -> list[str]:
    if not isinstance(request, Mapping):
        return [f"{where}: a request is a mapping (user, verb, resource or path, ...)"]
    out: list[str] = []
    unknown = sorted(str(k) for k in request if k not in _REQUEST_KEYS)
    if unknown:
        out.append(
            f"{where}: unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(_REQUEST_KEYS))}"
        )
    for key in ("user", "verb"):
        if not isinstance(request.get(key), str) or not request.get(key):
            out.append(f"{where}: {key} is required (a string)")
    groups = request.get("groups")
    if groups is not None and not (
        isinstance(groups, list) and all(isinstance(g, str) for g in groups)
    ):
        out.append(f"{where}: groups is a list of strings")
    for key in ("namespace", "apiGroup", "resource", "subresource", "name", "path"):
        if key in request and not isinstance(request[key], str):
            out.append(f'{where}: {key} must be a string (write "" for the core apiGroup)')
    if "path" in request:
        extra = sorted(
            k for k in ("namespace", "apiGroup", "resource", "subresource", "name") if k in request
        )
        if extra:
            out.append(
                f"{where}: a path (non-resource) request cannot also have {', '.join(extra)}"
            )
        if isinstance(request["path"], str) and not request["path"].startswith("/"):
            out.append(f"{where}: path must start with /")
    else:
        resource = request.get("resource")
        if not isinstance(resource, str) or not resource:
            out.append(f"{where}: resource (or path) is required")
        elif "/" in resource:
            out.append(
                f"{where}: write the subresource separately "
                f"(resource: {resource.split('/')[0]}, subresource: "
                f"{resource.split('/', 1)[1]})"
            )
    return out


def spec_problems(kind: str, checks: object) -> list[str]:
    """Why a lab's `checks` mapping is not valid for its kind (empty when it is)."""
    if kind not in CHECKS:
        return [f'unknown lab kind "{kind}"; use one of {", ".join(CHECKS)}']
    if not isinstance(checks, Mapping) or not checks:
        return ["checks must be a non-empty mapping of check name to its setting"]
    known = CHECKS[kind]
    problems: list[str] = []
    for name, value in checks.items():
        if name not in known:
            close = difflib.get_close_matches(str(name), list(known), n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            problems.append(
                f'unknown check "{name}" for a {kind} lab{hint}; known: {", ".join(known)}'
            )
            continue
        expected = known[name]
        ok = True
        if value is False:
            ok = True  # false switches a check off
        elif expected == BOOL:
            ok = value is True
        elif expected == PORT_OR_TRUE:
            ok = value is True or (
                isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536
            )
        elif expected == NAMES:
            ok = _is_str_list(value)
        elif expected == NAME_MAP:
            ok = (
                isinstance(value, Mapping)
                and bool(value)
                and all(isinstance(k, str) and _is_str_list(v) for k, v in value.items())
            )
        elif expected == NUMBER:
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        elif expected == ROLLING:
            ok = (
                isinstance(value, Mapping)
                and bool(value)
                and set(value) <= {"maxSurge", "maxUnavailable"}
                and all(
                    (isinstance(v, int) and not isinstance(v, bool) and v >= 0)
                    or (isinstance(v, str) and bool(_PERCENT_OR_INT.match(v)))
                    for v in value.values()
                )
            )
        elif expected == OUTCOMES:
            from learn.labs.outcomes import spec_problems as outcome_problems

            problems.extend(outcome_problems(kind, value))
        elif expected == REQUESTS:
            ok = isinstance(value, list) and bool(value)
            if ok:
                for i, request in enumerate(value):
                    problems.extend(_request_problems(f"{name}[{i}]", request))
        if not ok:
            problems.append(
                f'check "{name}" takes {expected}, not {json.dumps(value, default=str)}'
            )
    return problems


# --------------------------------------------------------------------------- helpers


def _at(line: int | None) -> str:
    return f"Line {line}: " if line else ""


def _listing(problems: list[Problem], limit: int = 12) -> str:
    lines = [f"- {_at(p.line).lower() if p.line else ''}{p.message}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"- ... and {len(problems) - limit} more")
    return "\n".join(lines)


def _split_image(image: str) -> tuple[str, str, str]:
    """(repository, tag, digest) of an image reference; a registry port is not a tag."""
    rest, _, digest = image.partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        return rest[:colon], rest[colon + 1 :], digest
    return rest, "", digest


def _image_problem(image: str) -> str | None:
    _repo, tag, digest = _split_image(image)
    if digest:
        return None
    if not tag:
        return f'"{image}" has no tag, so it means :latest'
    if tag == "latest":
        return f'"{image}" uses the moving tag :latest'
    return None


def _fail(name: str, message: str, line: int | None = None, hint: str = "") -> CheckResult:
    return CheckResult(name, False, message, line, hint)


def _ok(name: str, message: str, hint: str = "") -> CheckResult:
    return CheckResult(name, True, message, None, hint)


# --------------------------------------------------------------------------- Dockerfile


@dataclass
class _Instruction:
    name: str  # upper case
    value: str
    line: int  # 1-based
    flags: dict[str, str]
    args: list[str]


@dataclass
class _Stage:
    index: int
    image: str
    alias: str
    line: int
    instructions: list[_Instruction]


_DEP_MANIFESTS = re.compile(
    r"(^|/)(requirements[^/]*\.(txt|in)|constraints[^/]*\.txt|pyproject\.toml|poetry\.lock|"
    r"uv\.lock|pdm\.lock|Pipfile(\.lock)?|setup\.(py|cfg)|package(-lock)?\.json|yarn\.lock|"
    r"pnpm-lock\.yaml|npm-shrinkwrap\.json|\.npmrc|go\.(mod|sum)|Gemfile(\.lock)?|"
    r"pom\.xml|build\.gradle(\.kts)?|settings\.gradle(\.kts)?|gradle\.properties|"
    r"Cargo\.(toml|lock)|composer\.(json|lock)|mix\.(exs|lock)|\*\.csproj|[^/]*\.csproj|"
    r"packages\.lock\.json)$"
)
_INSTALL = re.compile(
    r"\b(pip3?\s+install|python3?\s+-m\s+pip\s+install|poetry\s+install|uv\s+(sync|pip\s+install)|"
    r"pipenv\s+install|pdm\s+install|npm\s+(ci|install|i)\b|yarn(\s+install)?\s*($|&&|;)|"
    r"yarn\s+install|pnpm\s+(install|i)\b|go\s+mod\s+download|bundle\s+install|"
    r"mvn\b.*dependency|gradle\b.*dependencies|cargo\s+(fetch|build)|composer\s+install|"
    r"mix\s+deps\.get|dotnet\s+restore)"
)


def _parse_flags(words: list[str]) -> tuple[dict[str, str], list[str]]:
    flags: dict[str, str] = {}
    args: list[str] = []
    for word in words:
        if word.startswith("--") and not args:
            key, _, value = word[2:].partition("=")
            flags[key.lower()] = value
        else:
            args.append(word)
    return flags, args


def _substitute(value: str, env: Mapping[str, str]) -> str:
    def repl(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return env.get(name, match.group(0))

    return re.sub(
        r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)", repl, value
    )


def _dockerfile_stages(text: str) -> list[_Stage]:
    from dockerfile_parse import DockerfileParser

    # fileobj keeps dockerfile-parse from reading or writing a Dockerfile on disk.
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")), env_replace=False)
    stages: list[_Stage] = []
    global_args: dict[str, str] = {}
    for item in parser.structure:
        name = str(item["instruction"]).upper()
        value = str(item["value"])
        line = int(item["startline"]) + 1
        if name == "COMMENT":
            continue
        words = value.split() if name not in {"CMD", "ENTRYPOINT", "RUN"} else [value]
        flags, args = _parse_flags(words) if name in {"FROM", "COPY", "ADD"} else ({}, words)
        instruction = _Instruction(name, value, line, flags, args)
        if name == "ARG" and not stages:
            key, _, default = value.partition("=")
            if default.strip():  # without a default the image stays unresolved ("$BASE")
                global_args[key.strip()] = default.strip().strip('"')
            continue
        if name == "FROM":
            image = _substitute(args[0], global_args) if args else ""
            alias = args[2] if len(args) >= 3 and args[1].lower() == "as" else ""
            stages.append(_Stage(len(stages), image, alias, line, []))
            continue
        if stages:
            stages[-1].instructions.append(instruction)
    return stages


def _stage_names(stages: list[_Stage]) -> set[str]:
    return {s.alias.lower() for s in stages if s.alias} | {str(s.index) for s in stages}


def _check_hadolint(text: str, findings: list[Problem] | None = None) -> CheckResult:
    hint = (
        "Each finding names a rule; look it up at https://github.com/hadolint/hadolint/wiki "
        "(e.g. DL3007). Fix it, or if it truly does not apply add `# hadolint ignore=DLxxxx` "
        "on the line above, with a comment saying why."
    )
    problems = hadolint_problems(text) if findings is None else findings
    if not problems:
        return _ok("hadolint", "hadolint finds nothing to fix.", hint)
    count = f"{len(problems)} finding" + ("s" if len(problems) > 1 else "")
    return _fail(
        "hadolint", f"hadolint reports {count}:\n{_listing(problems)}", problems[0].line, hint
    )


def _check_pinned_base(stages: list[_Stage]) -> CheckResult:
    hint = (
        "Name an exact version, such as `python:3.12-slim` or `node:22-alpine` (or pin a "
        "digest with @sha256:...). Without a tag, or with :latest, the next build can "
        "silently get a different image."
    )
    earlier: set[str] = set()
    for stage in stages:
        if stage.image.lower() in earlier or stage.image == "scratch":
            earlier.add(stage.alias.lower())
            continue
        if "$" in stage.image:
            return _fail(
                "pinned_base",
                f"{_at(stage.line)}the base image {stage.image} depends "
                "on a build argument without a default, so its version is unknown.",
                stage.line,
                hint,
            )
        problem = _image_problem(stage.image)
        if problem:
            return _fail(
                "pinned_base", f"{_at(stage.line)}the base image {problem}.", stage.line, hint
            )
        if stage.alias:
            earlier.add(stage.alias.lower())
    if not stages:
        return _fail("pinned_base", "There is no FROM instruction.", None, hint)
    images = ", ".join(s.image for s in stages)
    return _ok("pinned_base", f"Every base image is pinned ({images}).", hint)


def _check_multi_stage(stages: list[_Stage]) -> CheckResult:
    hint = (
        "Build in a first stage (`FROM python:3.12 AS build`), then start a second, smaller "
        "stage (`FROM python:3.12-slim`) and copy only what runs with "
        "`COPY --from=build ...`. Compilers and caches stay behind in the build stage."
    )
    if len(stages) < 2:
        line = stages[0].line if stages else None
        return _fail(
            "multi_stage",
            f"{_at(line)}there is a single stage (one FROM), so the "
            "build tools ship in the final image.",
            line,
            hint,
        )
    final = stages[-1]
    names = _stage_names(stages[:-1])
    copies = [
        i
        for i in final.instructions
        if i.name in {"COPY", "ADD"} and i.flags.get("from", "").lower() in names
    ]
    if not copies:
        return _fail(
            "multi_stage",
            f"{_at(final.line)}the final stage copies nothing from an "
            "earlier stage (no `COPY --from=<stage>`), so the build stage is wasted.",
            final.line,
            hint,
        )
    from learn.sim.docker.engine import COMPILER_PACKAGES, ships_compiler

    # The final stage may start from the same image as the build stage: what matters is that
    # the build tools stay behind, so it must neither start from an image that ships a
    # compiler nor install one itself.
    tools = next(
        (
            (i, word)
            for i in final.instructions
            if i.name == "RUN" and re.search(r"\b(apt-get|apt|apk|dnf|yum)\b", i.value)
            for word in re.split(r"[\s;&|]+", i.value)
            if word.split("=")[0] in COMPILER_PACKAGES
        ),
        None,
    )
    if tools:
        instruction, package = tools
        return _fail(
            "multi_stage",
            f"{_at(instruction.line)}the final stage installs {package} itself, so the build "
            "tools ship in the final image after all.",
            instruction.line,
            hint,
        )
    if ships_compiler(final.image):
        return _fail(
            "multi_stage",
            f"{_at(final.line)}the final stage starts from {final.image}, which ships gcc and "
            "the build headers (it is built on buildpack-deps), so the build tools are still "
            "in the final image. Start it from a -slim image.",
            final.line,
            hint,
        )
    sources = {i.flags["from"].lower() for i in copies}
    builders = [s for s in stages[:-1] if s.alias.lower() in sources or str(s.index) in sources]
    same = any(s.image == final.image for s in builders)
    return _ok(
        "multi_stage",
        f"{len(stages)} stages; the final one starts from {final.image}"
        + (" (the build stage's base too)" if same else "")
        + f", gets no compiler from its base, installs none itself and copies from "
        f"{', '.join(sorted(sources))}.",
        hint,
    )


def _check_non_root(stages: list[_Stage]) -> CheckResult:
    hint = (
        "Create an unprivileged account (`RUN useradd --create-home app` or "
        "`adduser -D app` on Alpine) and add `USER app` (or a numeric UID like "
        "`USER 10001`) after the steps that need root and before CMD."
    )
    if not stages:
        return _fail("non_root", "There is no FROM instruction.", None, hint)
    final = stages[-1]
    users = [i for i in final.instructions if i.name == "USER"]
    if not users:
        return _fail(
            "non_root",
            f"{_at(final.line)}the final stage has no USER instruction, so "
            "the container runs as root.",
            final.line,
            hint,
        )
    last = users[-1]
    who = last.value.strip().split(":", 1)[0]
    if who in {"root", "0"}:
        return _fail(
            "non_root", f"{_at(last.line)}USER {last.value.strip()} is still root.", last.line, hint
        )
    return _ok("non_root", f"The container runs as {last.value.strip()} (line {last.line}).", hint)


def _copy_sources(instruction: _Instruction) -> list[str]:
    """The source paths of a COPY/ADD, in either the shell or the JSON form."""
    rest = " ".join(instruction.args)
    if rest.startswith("["):
        try:
            parsed = json.loads(rest)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return [str(p) for p in parsed[:-1]]
    return instruction.args[:-1]


def _check_deps_before_source(stages: list[_Stage]) -> CheckResult:
    hint = (
        "Copy only the dependency manifests first (`COPY requirements.txt .` or "
        "`COPY package.json package-lock.json ./`), install, and only then `COPY . .`. "
        "Editing your code then reuses the cached install layer."
    )
    failure: CheckResult | None = None
    for stage in stages:
        install = next(
            (i for i in stage.instructions if i.name == "RUN" and _INSTALL.search(i.value)), None
        )
        if install is None:
            continue
        local = [
            i for i in stage.instructions if i.name in {"COPY", "ADD"} and "from" not in i.flags
        ]
        source = next(
            (
                i
                for i in local
                if any(not _DEP_MANIFESTS.search(s.rstrip("/")) for s in _copy_sources(i))
            ),
            None,
        )
        manifests = [
            i
            for i in local
            if i is not source
            and _copy_sources(i)
            and all(_DEP_MANIFESTS.search(s.rstrip("/")) for s in _copy_sources(i))
        ]
        if source is not None and source.line < install.line:
            failure = failure or _fail(
                "deps_before_source",
                f"{_at(source.line)}`{source.name} {source.value}` copies the source before the "
                f"dependency install on line {install.line}, so every code change reinstalls "
                "every dependency.",
                source.line,
                hint,
            )
            continue
        if not any(m.line < install.line for m in manifests):
            failure = failure or _fail(
                "deps_before_source",
                f"{_at(install.line)}the install step runs before any dependency manifest "
                "(requirements.txt, package.json, go.mod, ...) is copied in on its own.",
                install.line,
                hint,
            )
            continue
        return _ok(
            "deps_before_source",
            f"Dependencies install on line {install.line}, before "
            "the source is copied, so the layer is cached across code changes.",
            hint,
        )
    if failure:
        return failure
    return _fail(
        "deps_before_source",
        "No dependency install step (pip install, npm ci, go mod download, ...) was found.",
        None,
        hint,
    )


def _exec_form(value: str) -> bool:
    text = value.strip()
    if not text.startswith("["):
        return False
    try:
        parsed = json.loads(text)
    except ValueError:
        return False
    return isinstance(parsed, list) and bool(parsed) and all(isinstance(p, str) for p in parsed)


def _check_exec_form_cmd(stages: list[_Stage]) -> CheckResult:
    hint = (
        'Write `CMD ["python", "app.py"]` (a JSON array with double quotes). The shell form '
        "`CMD python app.py` runs under /bin/sh, which does not pass SIGTERM on, so "
        "`docker stop` waits and then kills the process."
    )
    if not stages:
        return _fail("exec_form_cmd", "There is no FROM instruction.", None, hint)
    final = stages[-1]
    commands = [i for i in final.instructions if i.name in {"CMD", "ENTRYPOINT"}]
    if not any(i.name == "CMD" for i in commands) and not any(
        i.name == "ENTRYPOINT" for i in commands
    ):
        return _fail(
            "exec_form_cmd",
            f"{_at(final.line)}the final stage has no CMD, so the "
            "container runs whatever the base image says.",
            final.line,
            hint,
        )
    for instruction in commands:
        if not _exec_form(instruction.value):
            looks_json = instruction.value.strip().startswith("[")
            why = (
                "is not valid JSON (use double quotes), so Docker runs it through a shell"
                if looks_json
                else "is in shell form"
            )
            return _fail(
                "exec_form_cmd",
                f"{_at(instruction.line)}`{instruction.name} {instruction.value.strip()}` {why}.",
                instruction.line,
                hint,
            )
    last = commands[-1]
    return _ok("exec_form_cmd", f"{last.name} on line {last.line} uses the exec form.", hint)


def _check_expose(stages: list[_Stage], setting: Any) -> CheckResult:
    hint = (
        "Add `EXPOSE <port>` for the port the app listens on. It does not publish anything, "
        "but documents the port for `docker run -P`, Compose and readers."
    )
    if not stages:
        return _fail("expose", "There is no FROM instruction.", None, hint)
    final = stages[-1]
    exposes = [i for i in final.instructions if i.name == "EXPOSE"]
    ports = {p.split("/")[0] for i in exposes for p in i.value.split()}
    if setting is True:
        if exposes:
            return _ok("expose", f"The image exposes {', '.join(sorted(ports))}.", hint)
        return _fail("expose", f"{_at(final.line)}the final stage has no EXPOSE.", final.line, hint)
    if str(setting) in ports:
        return _ok("expose", f"The image exposes port {setting}.", hint)
    if exposes:
        return _fail(
            "expose",
            f"{_at(exposes[0].line)}the image exposes {', '.join(sorted(ports))}, not {setting}.",
            exposes[0].line,
            hint,
        )
    return _fail(
        "expose", f"{_at(final.line)}the final stage has no `EXPOSE {setting}`.", final.line, hint
    )


def _run_dockerfile(
    text: str, checks: Mapping[str, Any], hadolint: list[Problem] | None = None
) -> list[CheckResult]:
    if not text.strip():
        return [_fail("input", "The Dockerfile is empty.", None, "Start from the starter file.")]
    stages = _dockerfile_stages(text)
    results: list[CheckResult] = []
    for name, setting in checks.items():
        if setting is False:
            continue
        if name == "hadolint":
            results.append(_check_hadolint(text, hadolint))
        elif name == "pinned_base":
            results.append(_check_pinned_base(stages))
        elif name == "multi_stage":
            results.append(_check_multi_stage(stages))
        elif name == "non_root":
            results.append(_check_non_root(stages))
        elif name == "deps_before_source":
            results.append(_check_deps_before_source(stages))
        elif name == "exec_form_cmd":
            results.append(_check_exec_form_cmd(stages))
        elif name == "expose":
            results.append(_check_expose(stages, setting))
        else:
            results.append(_unknown(name, "dockerfile"))
    return results


def _unknown(name: str, kind: str) -> CheckResult:
    return _fail(
        name,
        f'This lab asks for a check "{name}" that {kind} labs do not have.',
        None,
        "This is a mistake in the lab, not in your file.",
    )


# --------------------------------------------------------------------------- YAML documents


@dataclass
class _Doc:
    data: dict[str, Any]
    node: yaml.Node | None

    def line(self, *path: Any) -> int | None:
        return line_of(self.node, list(path))

    @property
    def kind(self) -> str:
        return str(self.data.get("kind") or "")

    @property
    def name(self) -> str:
        meta = self.data.get("metadata")
        return str(meta.get("name") or "") if isinstance(meta, dict) else ""

    @property
    def namespace(self) -> str:
        meta = self.data.get("metadata")
        ns = meta.get("namespace") if isinstance(meta, dict) else None
        return str(ns or rbac.DEFAULT_NAMESPACE)

    @property
    def title(self) -> str:
        return f"{self.kind} {self.name}".strip() if self.name else self.kind or "object"


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _load_documents(text: str, *, single: bool) -> tuple[list[_Doc], CheckResult | None]:
    hint = "Fix the file so it loads as YAML; the other checks run once it does."
    try:
        loaded = load_with_nodes(text)
    except LabInputError as exc:
        return [], _fail("input", exc.message, exc.line, hint)
    present = [(data, node) for data, node in loaded if data is not None]
    if not present:
        return [], _fail("input", "The file is empty.", None, "Start from the starter file.")
    if single and len(present) > 1:
        line = line_of(present[1][1], [])
        return [], _fail(
            "input",
            f"{_at(line)}a compose file is one YAML document; remove the `---` separator.",
            line,
            hint,
        )
    docs: list[_Doc] = []
    for index, (data, node) in enumerate(present):
        if not isinstance(data, dict):
            line = line_of(node, [])
            what = (
                "a list" if isinstance(data, list) else f"the value {json.dumps(data, default=str)}"
            )
            label = "The file" if single else f"Document {index + 1}"
            return [], _fail(
                "input",
                f"{_at(line)}{label} is {what}, not a mapping of keys to values.",
                line,
                hint,
            )
        docs.append(_Doc(data, node))
    return docs, None


# --------------------------------------------------------------------------- Compose


def _depends_on(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    value = service.get("depends_on")
    if isinstance(value, list):
        return {str(name): {} for name in value}
    if isinstance(value, dict):
        return {str(name): _mapping(spec) for name, spec in value.items()}
    return {}


def _has_healthcheck(service: dict[str, Any]) -> bool:
    check = service.get("healthcheck")
    if not isinstance(check, dict) or check.get("disable") in {True, "true"}:
        return False
    test = check.get("test")
    if isinstance(test, list) and test and test[0] == "NONE":
        return False
    return test not in (None, "", [])


def _named_volumes(service: dict[str, Any]) -> list[tuple[int, str]]:
    """(index, volume name) of every named volume a service mounts."""
    found: list[tuple[int, str]] = []
    for i, entry in enumerate(_list(service.get("volumes"))):
        if isinstance(entry, str):
            source = entry.split(":", 1)[0] if ":" in entry else ""
            if source and not source.startswith(("/", ".", "~", "$")) and "/" not in source:
                found.append((i, source))
        elif (
            isinstance(entry, dict)
            and entry.get("type", "volume") == "volume"
            and entry.get("source")
        ):
            found.append((i, str(entry["source"])))
    return found


def _run_compose(text: str, checks: Mapping[str, Any]) -> list[CheckResult]:
    docs, error = _load_documents(text, single=True)
    if error:
        return [error]
    doc = docs[0]
    services = _mapping(doc.data.get("services"))
    results: list[CheckResult] = []
    for name, setting in checks.items():
        if setting is False:
            continue
        check = _COMPOSE.get(name)
        if check is None:
            results.append(_unknown(name, "compose"))
        else:
            results.append(check(doc, services, setting))
    return results


def _compose_schema(doc: _Doc, services: dict[str, Any], setting: Any) -> CheckResult:
    hint = (
        "The message names the key path; compare it with the Compose file reference "
        "(https://docs.docker.com/reference/compose-file/). A misspelt key is reported as "
        '"not allowed".'
    )
    problems = compose_document_problems(doc.data, doc.node)
    if not problems:
        return _ok("schema", "The file is valid against the Compose specification.", hint)
    return _fail(
        "schema",
        f"The Compose specification rejects {len(problems)} thing"
        f"{'s' if len(problems) > 1 else ''}:\n{_listing(problems)}",
        problems[0].line,
        hint,
    )


def _compose_depends_on_exist(doc: _Doc, services: dict[str, Any], setting: Any) -> CheckResult:
    hint = "Each name under depends_on must be a key under `services:` (check the spelling)."
    for name, service in services.items():
        for target in _depends_on(_mapping(service)):
            if target not in services:
                line = doc.line("services", name, "depends_on")
                known = ", ".join(services)
                return _fail(
                    "depends_on_exist",
                    f"{_at(line)}service {name} depends on "
                    f'"{target}", which is not a service (services: {known}).',
                    line,
                    hint,
                )
    return _ok("depends_on_exist", "Every depends_on names an existing service.", hint)


_URL_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/\s]*@)?(\[[^\]]*\]|[^:/?#\s]+)", re.I)


# Hosts that inside a container mean the container itself (0.0.0.0 as a destination is
# the local host on Linux). A destination, not a bind address, hence the noqa.
SELF_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0"}  # noqa: S104


def _compose_urls_name_services(doc: _Doc, services: dict[str, Any], setting: Any) -> CheckResult:
    from learn.sim.docker.compose import environment_section

    hint = (
        "Inside a container, `localhost` is that container itself. Other services are reached "
        "by their service name on the Compose network: `db:5432`, not `localhost:5432`. A "
        "host outside the stack needs its full name (`db.example.com`)."
    )
    for name, service in services.items():
        for key, value in environment_section(_mapping(service)).items():
            match = _URL_HOST.match(value.strip())
            if match is None:
                continue
            host = match.group(1).lower()
            if "$" in host or "{" in host:
                continue  # filled in from .env when Compose runs: unknowable here
            if host != name and (host in services or ("." in host and host not in SELF_HOSTS)):
                continue  # another service, or a dotted name outside the stack (DNS resolves it)
            line = doc.line("services", name, "environment")
            if host in SELF_HOSTS or host == name:
                why = f"which inside {name} is {name} itself"
            else:
                close = difflib.get_close_matches(host, [s for s in services if s != name], n=1)
                why = (
                    f'which is not a service of this file (did you mean "{close[0]}"?)'
                    if close
                    else f"which is not a service of this file (services: {', '.join(services)})"
                )
            return _fail(
                "urls_name_services",
                f"{_at(line)}{name}'s {key} connects to {host}, {why}.",
                line,
                hint,
            )
    return _ok(
        "urls_name_services",
        "Every connection URL names another service of the file or a full host name.",
        hint,
    )


def _compose_healthy_needs_healthcheck(
    doc: _Doc, services: dict[str, Any], setting: Any
) -> CheckResult:
    hint = (
        "`condition: service_healthy` waits for the dependency's health status, which exists "
        "only if that service has a `healthcheck:` (test, interval, retries)."
    )
    for name, service in services.items():
        for target, spec in _depends_on(_mapping(service)).items():
            if spec.get("condition") != "service_healthy":
                continue
            if not _has_healthcheck(_mapping(services.get(target))):
                line = doc.line("services", name, "depends_on", target)
                return _fail(
                    "healthy_needs_healthcheck",
                    f"{_at(line)}{name} waits for "
                    f"{target} to be healthy, but {target} has no healthcheck, so it "
                    "never becomes healthy.",
                    line,
                    hint,
                )
    return _ok(
        "healthy_needs_healthcheck", "Every service_healthy dependency has a healthcheck.", hint
    )


def _compose_volumes_declared(doc: _Doc, services: dict[str, Any], setting: Any) -> CheckResult:
    hint = (
        "A named volume (`data:/var/lib/postgresql/data`) must also be listed under a "
        "top-level `volumes:` key (`volumes: {data: {}}`). Paths starting with ./ or / are "
        "bind mounts and need no declaration."
    )
    declared = _mapping(doc.data.get("volumes"))
    for name, service in services.items():
        for index, volume in _named_volumes(_mapping(service)):
            if volume not in declared:
                line = doc.line("services", name, "volumes", index)
                return _fail(
                    "volumes_declared",
                    f"{_at(line)}service {name} mounts the named "
                    f'volume "{volume}", which is not declared under top-level '
                    "volumes.",
                    line,
                    hint,
                )
    return _ok("volumes_declared", "Every named volume is declared.", hint)


def _compose_services(doc: _Doc, services: dict[str, Any], setting: Any) -> CheckResult:
    hint = "Add the missing service under `services:` with the name the task uses."
    missing = [s for s in setting if s not in services]
    if missing:
        line = doc.line("services")
        return _fail(
            "services", f"{_at(line)}missing service(s): {', '.join(missing)}.", line, hint
        )
    return _ok("services", f"Services present: {', '.join(setting)}.", hint)


def _compose_healthcheck(doc: _Doc, services: dict[str, Any], setting: Any) -> CheckResult:
    hint = (
        'Add `healthcheck:` with a `test:` (e.g. `["CMD", "pg_isready", "-U", "postgres"]`), '
        "an `interval:` and `retries:`."
    )
    for name in setting:
        if name not in services:
            return _fail(
                "healthcheck",
                f"There is no service {name} to give a healthcheck.",
                doc.line("services"),
                hint,
            )
        if not _has_healthcheck(_mapping(services[name])):
            line = doc.line("services", name)
            return _fail(
                "healthcheck", f"{_at(line)}service {name} has no healthcheck.", line, hint
            )
    return _ok("healthcheck", f"Healthchecks present on {', '.join(setting)}.", hint)


def _compose_depends_on_healthy(doc: _Doc, services: dict[str, Any], setting: Any) -> CheckResult:
    hint = (
        "Use the long form: `depends_on: {db: {condition: service_healthy}}`. The short list "
        "form only waits for the container to start, not for it to be ready."
    )
    for name, targets in setting.items():
        if name not in services:
            return _fail(
                "depends_on_healthy", f"There is no service {name}.", doc.line("services"), hint
            )
        deps = _depends_on(_mapping(services[name]))
        for target in targets:
            if target not in deps:
                line = doc.line("services", name)
                return _fail(
                    "depends_on_healthy",
                    f"{_at(line)}{name} does not depend on {target}.",
                    line,
                    hint,
                )
            if deps[target].get("condition") != "service_healthy":
                line = doc.line("services", name, "depends_on", target)
                return _fail(
                    "depends_on_healthy",
                    f"{_at(line)}{name} starts as soon as "
                    f"{target} has started; it should wait for "
                    "`condition: service_healthy`.",
                    line,
                    hint,
                )
    return _ok("depends_on_healthy", "Services wait for their dependencies to be healthy.", hint)


def _compose_no_latest(doc: _Doc, services: dict[str, Any], setting: Any) -> CheckResult:
    hint = "Pin every image to a version tag, such as `postgres:16` or `redis:7-alpine`."
    for name, service in services.items():
        image = _mapping(service).get("image")
        if not isinstance(image, str):
            continue
        problem = _image_problem(image)
        if problem:
            line = doc.line("services", name, "image")
            return _fail("no_latest", f"{_at(line)}service {name}: {problem}.", line, hint)
    return _ok("no_latest", "Every image is pinned to a version.", hint)


def _service_networks(service: dict[str, Any]) -> set[str]:
    """The networks a service joins; with none listed (and no network_mode) it is `default`."""
    if service.get("network_mode"):
        return set()
    value = service.get("networks")
    if isinstance(value, list):
        return {str(n) for n in value}
    if isinstance(value, dict):
        return {str(n) for n in value}
    return {"default"}


def _compose_network_pairs(
    services: dict[str, Any], setting: Any, *, want_shared: bool
) -> tuple[str, str, set[str]] | None:
    """The first (service, other, shared networks) pair that breaks the rule, if any."""
    for service, others in _mapping(setting).items():
        mine = _service_networks(_mapping(services.get(service)))
        for other in _list(others):
            shared = mine & _service_networks(_mapping(services.get(other)))
            if bool(shared) != want_shared or service not in services or other not in services:
                return str(service), str(other), shared
    return None


def _compose_reachable(doc: _Doc, services: dict[str, Any], setting: Any) -> CheckResult:
    hint = (
        "Two containers reach each other by service name only when they share a network. "
        "List the network under the service's `networks:` (and under the top-level "
        "`networks:`)."
    )
    declared = set(_mapping(doc.data.get("networks"))) | {"default"}
    for service in _mapping(setting):
        undefined = sorted(_service_networks(_mapping(services.get(service))) - declared)
        if undefined:
            line = doc.line("services", service, "networks")
            # compose-go's own message (loader/validate.go) for the same mistake
            return _fail(
                "reachable",
                f'{_at(line)}service "{service}" refers to undefined network '
                f"{undefined[0]}: invalid compose project",
                line,
                hint,
            )
    broken = _compose_network_pairs(services, setting, want_shared=True)
    if broken:
        service, other, _shared = broken
        missing = [s for s in (service, other) if s not in services]
        if missing:
            return _fail("reachable", f"There is no service {', '.join(missing)}.", None, hint)
        line = doc.line("services", service)
        return _fail(
            "reachable",
            f"{_at(line)}{service} and {other} share no network, so {service} cannot "
            f'resolve "{other}": the lookup fails with "Name or service not known".',
            line,
            hint,
        )
    pairs = ", ".join(f"{s} -> {', '.join(o)}" for s, o in _mapping(setting).items())
    return _ok("reachable", f"These services share a network: {pairs}.", hint)


def _compose_isolated(doc: _Doc, services: dict[str, Any], setting: Any) -> CheckResult:
    hint = (
        "Put the private services on their own network (for example `backend`) and leave "
        "the public-facing one off it; a service on no common network cannot even resolve "
        "the other's name."
    )
    broken = _compose_network_pairs(services, setting, want_shared=False)
    if broken:
        service, other, shared = broken
        missing = [s for s in (service, other) if s not in services]
        if missing:
            return _fail("isolated", f"There is no service {', '.join(missing)}.", None, hint)
        line = doc.line("services", service)
        return _fail(
            "isolated",
            f"{_at(line)}{service} can still reach {other}: both are on "
            f"{', '.join(sorted(shared))}.",
            line,
            hint,
        )
    pairs = ", ".join(f"{s} -/-> {', '.join(o)}" for s, o in _mapping(setting).items())
    return _ok("isolated", f"No shared network: {pairs}.", hint)


def _compose_no_published_ports(doc: _Doc, services: dict[str, Any], setting: Any) -> CheckResult:
    hint = (
        "Remove `ports:` from services only other containers use: they reach it over the "
        "Compose network by name, and a published port also opens it to the host's network "
        "(Docker's rules bypass a host firewall such as ufw)."
    )
    for name in _list(setting):
        service = services.get(name)
        if not isinstance(service, dict):
            return _fail("no_published_ports", f"There is no service {name}.", None, hint)
        if _list(service.get("ports")):
            line = doc.line("services", name, "ports")
            return _fail(
                "no_published_ports",
                f"{_at(line)}service {name} publishes ports on the host.",
                line,
                hint,
            )
    return _ok(
        "no_published_ports", f"Not published on the host: {', '.join(map(str, setting))}.", hint
    )


_COMPOSE: dict[str, Callable[[_Doc, dict[str, Any], Any], CheckResult]] = {
    "schema": _compose_schema,
    "depends_on_exist": _compose_depends_on_exist,
    "urls_name_services": _compose_urls_name_services,
    "healthy_needs_healthcheck": _compose_healthy_needs_healthcheck,
    "volumes_declared": _compose_volumes_declared,
    "services": _compose_services,
    "healthcheck": _compose_healthcheck,
    "depends_on_healthy": _compose_depends_on_healthy,
    "no_latest": _compose_no_latest,
    "reachable": _compose_reachable,
    "isolated": _compose_isolated,
    "no_published_ports": _compose_no_published_ports,
}


# --------------------------------------------------------------------------- Kubernetes

_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}


@dataclass
class _PodTemplate:
    doc: _Doc
    spec_path: list[Any]  # path of the PodSpec inside the document
    labels_path: list[Any]
    spec: dict[str, Any]
    labels: dict[str, str]

    def containers(self, *, init: bool = False) -> list[tuple[list[Any], dict[str, Any]]]:
        keys = ["containers", "initContainers"] if init else ["containers"]
        return [
            ([*self.spec_path, key, i], container)
            for key in keys
            for i, container in enumerate(_list(self.spec.get(key)))
            if isinstance(container, dict)
        ]


def _templates(docs: list[_Doc]) -> list[_PodTemplate]:
    out: list[_PodTemplate] = []
    for doc in docs:
        spec = _mapping(doc.data.get("spec"))
        if doc.kind in _WORKLOADS:
            base: list[Any] = ["spec", "template"]
            template = _mapping(spec.get("template"))
        elif doc.kind == "CronJob":
            base = ["spec", "jobTemplate", "spec", "template"]
            template = _mapping(
                _mapping(_mapping(spec.get("jobTemplate")).get("spec")).get("template")
            )
        elif doc.kind == "Pod":
            labels = _mapping(_mapping(doc.data.get("metadata")).get("labels"))
            out.append(
                _PodTemplate(
                    doc,
                    ["spec"],
                    ["metadata", "labels"],
                    spec,
                    {str(k): str(v) for k, v in labels.items()},
                )
            )
            continue
        else:
            continue
        labels = _mapping(_mapping(template.get("metadata")).get("labels"))
        out.append(
            _PodTemplate(
                doc,
                [*base, "spec"],
                [*base, "metadata", "labels"],
                _mapping(template.get("spec")),
                {str(k): str(v) for k, v in labels.items()},
            )
        )
    return out


def _where(doc: _Doc, path: list[Any]) -> str:
    return f"{doc.title}: {format_path(path)}"


def _k8s_schema(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        'Each message gives the key path inside the object. A key that is "not allowed" is '
        "usually misspelt or indented one level wrong; `kubectl explain deployment.spec` "
        "lists the valid fields."
    )
    problems = kubernetes_document_problems([(d.data, d.node) for d in docs])
    if not problems:
        count = len(docs)
        return _ok(
            "schema",
            f"{count} object{'s' if count > 1 else ''} valid against the "
            f"Kubernetes {K8S_VERSION} schemas (strict: no unknown fields).",
            hint,
        )
    return _fail(
        "schema",
        f"Kubernetes {K8S_VERSION} would reject {len(problems)} thing"
        f"{'s' if len(problems) > 1 else ''}:\n{_listing(problems)}",
        problems[0].line,
        hint,
    )


def _k8s_kinds(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = "Add each missing object as another YAML document, separated by a line with `---`."
    present = [d.kind for d in docs]
    missing = [k for k in setting if k not in present]
    if missing:
        have = ", ".join(present) or "nothing"
        return _fail("kinds", f"Missing {', '.join(missing)} (the file has {have}).", None, hint)
    return _ok("kinds", f"Objects present: {', '.join(setting)}.", hint)


def _selector_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        return False  # an empty selector is rejected by the API server for workloads
    return rbac.selector_matches(selector, labels)


def _k8s_selector_matches_template(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "`spec.selector.matchLabels` must be a subset of `spec.template.metadata.labels`: the "
        "controller finds its Pods by these labels, and the API server rejects a Deployment "
        "whose template would not be selected."
    )
    found = False
    for template in _templates(docs):
        doc = template.doc
        if doc.kind not in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}:
            continue
        found = True
        selector = _mapping(_mapping(doc.data.get("spec")).get("selector"))
        if not selector:
            line = doc.line("spec")
            return _fail(
                "selector_matches_template",
                f"{_at(line)}{doc.title} has no spec.selector.",
                line,
                hint,
            )
        if not _selector_matches(selector, template.labels):
            line = doc.line("spec", "selector")
            wanted = json.dumps(selector.get("matchLabels") or selector)
            have = json.dumps(template.labels)
            return _fail(
                "selector_matches_template",
                f"{_at(line)}{doc.title}: the selector "
                f"{wanted} does not match the template labels {have}.",
                line,
                hint,
            )
    if not found:
        return _fail("selector_matches_template", "There is no Deployment to check.", None, hint)
    return _ok("selector_matches_template", "Every selector matches its Pod template labels.", hint)


def _container_ports(template: _PodTemplate) -> tuple[set[int], set[str]]:
    numbers: set[int] = set()
    names: set[str] = set()
    for _path, container in template.containers():
        for port in _list(container.get("ports")):
            port = _mapping(port)
            if isinstance(port.get("containerPort"), int):
                numbers.add(port["containerPort"])
            if port.get("name"):
                names.add(str(port["name"]))
    return numbers, names


def _k8s_service_matches_pods(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "A Service sends traffic to Pods whose labels include every key/value of its "
        "`spec.selector`, on `targetPort`, which must be a `containerPort` number (or a "
        "port name) declared by those Pods. targetPort defaults to port."
    )
    services = [d for d in docs if d.kind == "Service"]
    if not services:
        return _fail("service_matches_pods", "There is no Service.", None, hint)
    templates = [t for t in _templates(docs) if t.doc.kind != "Job"]
    for svc in services:
        spec = _mapping(svc.data.get("spec"))
        selector = _mapping(spec.get("selector"))
        if not selector:
            line = svc.line("spec")
            return _fail(
                "service_matches_pods",
                f"{_at(line)}{svc.title} has no selector, so it sends traffic to no Pod.",
                line,
                hint,
            )
        selected = [
            t
            for t in templates
            if t.doc.namespace == svc.namespace
            and all(t.labels.get(str(k)) == str(v) for k, v in selector.items())
        ]
        if not selected:
            line = svc.line("spec", "selector")
            pods = "; ".join(f"{t.doc.title} has {json.dumps(t.labels)}" for t in templates)
            return _fail(
                "service_matches_pods",
                f"{_at(line)}{svc.title} selects "
                f"{json.dumps(selector)}, which matches no Pod template"
                f"{' (' + pods + ')' if pods else ''}.",
                line,
                hint,
            )
        for i, port in enumerate(_list(spec.get("ports"))):
            port = _mapping(port)
            target = port.get("targetPort", port.get("port"))
            ok = False
            for template in selected:
                numbers, names = _container_ports(template)
                if (isinstance(target, int) and target in numbers) or (
                    isinstance(target, str)
                    and (target in names or (target.isdigit() and int(target) in numbers))
                ):
                    ok = True
            if not ok:
                line = svc.line("spec", "ports", i)
                numbers, names = _container_ports(selected[0])
                declared = ", ".join([*map(str, sorted(numbers)), *sorted(names)]) or "none"
                return _fail(
                    "service_matches_pods",
                    f"{_at(line)}{svc.title} sends port "
                    f"{port.get('port')} to targetPort {target}, but "
                    f"{selected[0].doc.title} declares containerPort {declared}.",
                    line,
                    hint,
                )
    return _ok(
        "service_matches_pods", "Every Service selects Pods and targets a port they declare.", hint
    )


def _k8s_resources(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "Give every container `resources: {requests: {cpu: 100m, memory: 128Mi}, limits: "
        "{cpu: 500m, memory: 256Mi}}`. Requests drive scheduling (and HPA utilisation); "
        "limits stop one Pod starving the node."
    )
    templates = _templates(docs)
    if not templates:
        return _fail("resources", "There is no workload with containers to check.", None, hint)
    for template in templates:
        for path, container in template.containers(init=True):
            resources = _mapping(container.get("resources"))
            missing = [
                f"{section}.{res}"
                for section in ("requests", "limits")
                for res in ("cpu", "memory")
                if _mapping(resources.get(section)).get(res) in (None, "")
            ]
            if missing:
                doc = template.doc
                line = doc.line(*path)
                return _fail(
                    "resources",
                    f"{_at(line)}{doc.title}, container "
                    f"{container.get('name', '?')}: missing {', '.join(missing)}.",
                    line,
                    hint,
                )
    return _ok("resources", "Every container sets CPU and memory requests and limits.", hint)


def _probe_port_problem(probe: dict[str, Any], names: set[str]) -> str | None:
    for handler in ("httpGet", "tcpSocket", "grpc"):
        port = _mapping(probe.get(handler)).get("port")
        if isinstance(port, str) and not port.isdigit() and port not in names:
            return f'uses the port name "{port}", which no containerPort declares'
    return None


def _k8s_probes(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "Add a `readinessProbe` (when to send traffic) and a `livenessProbe` (when to "
        "restart), e.g. `httpGet: {path: /healthz, port: 8000}`."
    )
    templates = [t for t in _templates(docs) if t.doc.kind not in {"Job", "CronJob"}]
    if not templates:
        return _fail("probes", "There is no long-running workload to check.", None, hint)
    for template in templates:
        for path, container in template.containers():
            doc = template.doc
            missing = [p for p in ("readinessProbe", "livenessProbe") if not container.get(p)]
            if missing:
                line = doc.line(*path)
                return _fail(
                    "probes",
                    f"{_at(line)}{doc.title}, container "
                    f"{container.get('name', '?')}: no {' and no '.join(missing)}.",
                    line,
                    hint,
                )
            names = {str(_mapping(p).get("name")) for p in _list(container.get("ports"))}
            for probe in ("readinessProbe", "livenessProbe"):
                problem = _probe_port_problem(_mapping(container.get(probe)), names)
                if problem:
                    line = doc.line(*path, probe)
                    return _fail(
                        "probes", f"{_at(line)}{doc.title}: the {probe} {problem}.", line, hint
                    )
    return _ok("probes", "Every container has readiness and liveness probes.", hint)


def _k8s_no_latest(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "Use an exact tag such as `nginx:1.27` (or a digest). With :latest, two Pods of the "
        "same Deployment can run different code, and a rollback changes nothing."
    )
    for template in _templates(docs):
        for path, container in template.containers(init=True):
            image = container.get("image")
            problem = _image_problem(image) if isinstance(image, str) else "no image is set"
            if problem:
                doc = template.doc
                line = doc.line(*path, "image")
                return _fail(
                    "no_latest",
                    f"{_at(line)}{doc.title}, container {container.get('name', '?')}: {problem}.",
                    line,
                    hint,
                )
    return _ok("no_latest", "Every container image is pinned to a version.", hint)


def _deployments(docs: list[_Doc]) -> list[_Doc]:
    return [d for d in docs if d.kind == "Deployment"]


def _k8s_replicas(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = f"Set `spec.replicas: {setting}` on the Deployment (it defaults to 1)."
    deployments = _deployments(docs)
    if not deployments:
        return _fail("replicas", "There is no Deployment.", None, hint)
    for doc in deployments:
        replicas = _mapping(doc.data.get("spec")).get("replicas", 1)
        if replicas != setting:
            line = (
                doc.line("spec", "replicas")
                if "replicas" in _mapping(doc.data.get("spec"))
                else doc.line("spec")
            )
            return _fail(
                "replicas",
                f"{_at(line)}{doc.title} runs {replicas} replica"
                f"{'s' if replicas != 1 else ''}; the task asks for {setting}.",
                line,
                hint,
            )
    return _ok("replicas", f"The Deployment runs {setting} replicas.", hint)


def _k8s_rolling_update(docs: list[_Doc], setting: Any) -> CheckResult:
    wanted = ", ".join(f"{k}: {v}" for k, v in setting.items())
    hint = (
        f"Under `spec.strategy` set `type: RollingUpdate` and `rollingUpdate: {{{wanted}}}`. "
        "maxSurge is how many extra Pods may start; maxUnavailable how many may be missing "
        "(both default to 25%)."
    )
    deployments = _deployments(docs)
    if not deployments:
        return _fail("rolling_update", "There is no Deployment.", None, hint)
    for doc in deployments:
        strategy = _mapping(_mapping(doc.data.get("spec")).get("strategy"))
        if strategy.get("type", "RollingUpdate") != "RollingUpdate":
            line = doc.line("spec", "strategy", "type")
            return _fail(
                "rolling_update",
                f"{_at(line)}{doc.title} uses the "
                f"{strategy.get('type')} strategy, which stops every old Pod first.",
                line,
                hint,
            )
        rolling = _mapping(strategy.get("rollingUpdate"))
        for key, value in setting.items():
            actual = rolling.get(key, "25%")
            if str(actual) != str(value):
                line = (
                    doc.line("spec", "strategy", "rollingUpdate", key)
                    if key in rolling
                    else doc.line("spec", "strategy")
                    if strategy
                    else doc.line("spec")
                )
                where = "" if key in rolling else " (the default)"
                return _fail(
                    "rolling_update",
                    f"{_at(line)}{doc.title}: {key} is {actual}{where}; the task asks for {value}.",
                    line,
                    hint,
                )
    return _ok("rolling_update", f"The rollout uses {wanted}.", hint)


def _k8s_hpa_target(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "`spec.scaleTargetRef` needs `apiVersion: apps/v1`, `kind: Deployment` and the "
        "Deployment's exact `name`, in the same namespace. CPU utilisation targets need "
        "`resources.requests.cpu` on the containers, or the HPA cannot compute a percentage."
    )
    hpas = [d for d in docs if d.kind == "HorizontalPodAutoscaler"]
    if not hpas:
        return _fail("hpa_target", "There is no HorizontalPodAutoscaler.", None, hint)
    for hpa in hpas:
        spec = _mapping(hpa.data.get("spec"))
        ref = _mapping(spec.get("scaleTargetRef"))
        line = hpa.line("spec", "scaleTargetRef")
        targets = [
            d
            for d in docs
            if d.kind == ref.get("kind")
            and d.name == ref.get("name")
            and d.namespace == hpa.namespace
        ]
        if not targets:
            names = ", ".join(f"{d.kind} {d.name}" for d in _deployments(docs)) or "none"
            return _fail(
                "hpa_target",
                f"{_at(line)}{hpa.title} scales {ref.get('kind')} "
                f"{ref.get('name')}, which is not in the file (Deployments: {names}).",
                line,
                hint,
            )
        target = targets[0]
        api_version = str(target.data.get("apiVersion"))
        if ref.get("apiVersion") and ref.get("apiVersion") != api_version:
            return _fail(
                "hpa_target",
                f"{_at(line)}{hpa.title}: scaleTargetRef.apiVersion is "
                f"{ref.get('apiVersion')}, but {target.title} is {api_version}.",
                line,
                hint,
            )
        low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            line = hpa.line("spec", "minReplicas")
            return _fail(
                "hpa_target",
                f"{_at(line)}{hpa.title}: minReplicas {low} is above maxReplicas {high}.",
                line,
                hint,
            )
        uses_cpu = any(
            _mapping(_mapping(m).get("resource")).get("name") == "cpu"
            and _mapping(_mapping(_mapping(m).get("resource")).get("target")).get("type")
            == "Utilization"
            for m in _list(spec.get("metrics"))
        )
        if uses_cpu:
            for template in _templates([target]):
                for path, container in template.containers():
                    requests = _mapping(_mapping(container.get("resources")).get("requests"))
                    if not requests.get("cpu"):
                        line = target.line(*path)
                        return _fail(
                            "hpa_target",
                            f"{_at(line)}{hpa.title} scales on CPU "
                            f"utilisation, but container {container.get('name', '?')} "
                            "of its target has no resources.requests.cpu.",
                            line,
                            hint,
                        )
    return _ok(
        "hpa_target", "Every HorizontalPodAutoscaler targets a Deployment in the file.", hint
    )


# Pod Security Admission, profile "restricted" (which includes "baseline"): the simulated API
# server's own PodSecurity plugin decides and words it (learn/sim/kube/podsecurity.py, after
# kubernetes/staging/src/k8s.io/pod-security-admission/policy/), so the lab and the sandbox
# refuse the same Pods with the same message.
def psa_restricted_violations(spec: dict[str, Any]) -> list[str]:
    """What Pod Security Admission (restricted) would reject in one PodSpec, in its words."""
    from learn.sim.kube import podsecurity

    return podsecurity.violations("restricted", spec)


def _k8s_pod_security_restricted(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "Per container: `securityContext: {allowPrivilegeEscalation: false, capabilities: "
        "{drop: [ALL]}}`; for the Pod: `securityContext: {runAsNonRoot: true, "
        "seccompProfile: {type: RuntimeDefault}}`. The image must run as a numeric non-root "
        "USER (or set runAsUser), or the kubelet refuses to start it."
    )
    templates = _templates(docs)
    if not templates:
        return _fail(
            "pod_security_restricted", "There is no workload with containers to check.", None, hint
        )
    for template in templates:
        violations = psa_restricted_violations(template.spec)
        if violations:
            doc = template.doc
            line = doc.line(*template.spec_path)
            return _fail(
                "pod_security_restricted",
                f'{_at(line)}{doc.title} violates PodSecurity "restricted:latest": '
                f"{', '.join(violations)}. In a namespace labelled "
                "pod-security.kubernetes.io/enforce=restricted its Pods are refused.",
                line,
                hint,
            )
    return _ok(
        "pod_security_restricted",
        'Every Pod template meets the Pod Security "restricted" profile.',
        hint,
    )


def _k8s_read_only_root(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "Set `securityContext.readOnlyRootFilesystem: true` on each container and mount an "
        "`emptyDir` where the app must write (for example /tmp)."
    )
    templates = _templates(docs)
    if not templates:
        return _fail("read_only_root", "There is no workload with containers to check.", None, hint)
    for template in templates:
        for path, container in template.containers(init=True):
            context = _mapping(container.get("securityContext"))
            if context.get("readOnlyRootFilesystem") is not True:
                line = template.doc.line(*path)
                return _fail(
                    "read_only_root",
                    f"{_at(line)}{template.doc.title}, container {container.get('name', '?')}: "
                    "the root filesystem is writable.",
                    line,
                    hint,
                )
    return _ok("read_only_root", "Every container has a read-only root filesystem.", hint)


def _k8s_stateful_storage(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "A StatefulSet keeps each replica's data in a claim from `volumeClaimTemplates` "
        "(with `resources.requests.storage`), mounted by name in the container, and names a "
        "headless Service (`clusterIP: None`) in `serviceName` for its stable DNS names."
    )
    sets = [d for d in docs if d.kind == "StatefulSet"]
    if not sets:
        return _fail("stateful_storage", "There is no StatefulSet.", None, hint)
    headless = {
        d.name
        for d in docs
        if d.kind == "Service" and _mapping(d.data.get("spec")).get("clusterIP") == "None"
    }
    for doc in sets:
        spec = _mapping(doc.data.get("spec"))
        claims = [_mapping(c) for c in _list(spec.get("volumeClaimTemplates"))]
        if not claims:
            line = doc.line("spec")
            return _fail(
                "stateful_storage",
                f"{_at(line)}{doc.title} has no volumeClaimTemplates: its data lives in the "
                "container and is gone when the Pod is replaced.",
                line,
                hint,
            )
        for i, claim in enumerate(claims):
            size = _mapping(_mapping(claim.get("spec")).get("resources")).get("requests")
            if not _mapping(size).get("storage"):
                line = doc.line("spec", "volumeClaimTemplates", i)
                return _fail(
                    "stateful_storage",
                    f"{_at(line)}{doc.title}: claim template "
                    f"{_mapping(claim.get('metadata')).get('name', '?')} requests no storage "
                    "size (spec.resources.requests.storage).",
                    line,
                    hint,
                )
        claim_names = {str(_mapping(c.get("metadata")).get("name")) for c in claims}
        template = _templates([doc])[0]
        mounted = {
            str(_mapping(m).get("name"))
            for _p, c in template.containers()
            for m in _list(c.get("volumeMounts"))
        }
        unmounted = sorted(claim_names - mounted)
        if unmounted:
            line = doc.line(*template.spec_path, "containers")
            return _fail(
                "stateful_storage",
                f"{_at(line)}{doc.title}: no container mounts the claim "
                f"{', '.join(unmounted)}, so the data is written to the container's own "
                "filesystem instead.",
                line,
                hint,
            )
        service = spec.get("serviceName")
        if service not in headless:
            line = doc.line("spec", "serviceName") or doc.line("spec")
            what = f'"{service}"' if service else "no serviceName"
            return _fail(
                "stateful_storage",
                f"{_at(line)}{doc.title} names {what}, and the file has no headless Service "
                "(clusterIP: None) of that name, so its Pods get no stable DNS names.",
                line,
                hint,
            )
    return _ok(
        "stateful_storage",
        "Every StatefulSet mounts claims from volumeClaimTemplates and has a headless Service.",
        hint,
    )


def _k8s_job_restart_policy(docs: list[_Doc], setting: Any) -> CheckResult:
    # The API server's own rule (pkg/apis/batch/validation/validation.go): a Job's Pod
    # template must say restartPolicy OnFailure or Never; the default Always is refused.
    hint = (
        "Set `restartPolicy: Never` (the Job makes a new Pod per retry, so failed Pods stay "
        "for their logs) or `OnFailure` in the Pod template, and `backoffLimit` for how many "
        "retries are allowed."
    )
    jobs = [t for t in _templates(docs) if t.doc.kind in {"Job", "CronJob"}]
    if not jobs:
        return _fail("job_restart_policy", "There is no Job or CronJob.", None, hint)
    for template in jobs:
        policy = template.spec.get("restartPolicy")
        if policy not in {"Never", "OnFailure"}:
            line = template.doc.line(*template.spec_path)
            shown = f'"{policy}"' if policy else "unset (Always)"
            return _fail(
                "job_restart_policy",
                f'{_at(line)}The {template.doc.kind} "{template.doc.name}" is invalid: '
                f"{format_path(template.spec_path)}.restartPolicy: Required value: valid "
                f'values: "OnFailure", "Never" (it is {shown}).',
                line,
                hint,
            )
    return _ok("job_restart_policy", "Every Job's Pods restart Never or OnFailure.", hint)


def _k8s_default_deny(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "A default-deny policy selects every Pod (`podSelector: {}`), lists `Ingress` in "
        "`policyTypes` and has no `ingress` rules; allow the traffic you need in other "
        "policies."
    )
    policies = [d for d in docs if d.kind == "NetworkPolicy"]
    for doc in policies:
        spec = _mapping(doc.data.get("spec"))
        selector = spec.get("podSelector")
        if (
            isinstance(selector, dict)
            and not selector.get("matchLabels")
            and not selector.get("matchExpressions")
            and "Ingress" in _list(spec.get("policyTypes"))
            and not _list(spec.get("ingress"))
        ):
            return _ok("default_deny", f"{doc.title} denies all ingress by default.", hint)
    return _fail(
        "default_deny",
        "No NetworkPolicy selects every Pod and denies all ingress, so Pods that no policy "
        "selects still accept traffic from anywhere.",
        None,
        hint,
    )


def _selects(selector: dict[str, Any], template: _PodTemplate) -> bool:
    return bool(selector) and all(
        template.labels.get(str(k)) == str(v) for k, v in selector.items()
    )


def _k8s_service_routes_to(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "A Service sends traffic to every Pod whose labels include all of its selector, "
        "whichever Deployment made it. Give each version its own label (for example "
        "`version: green`) and put that label in the selector."
    )
    templates = [t for t in _templates(docs) if t.doc.kind not in {"Job", "CronJob"}]
    for service_name, wanted in _mapping(setting).items():
        svc = next((d for d in docs if d.kind == "Service" and d.name == service_name), None)
        if svc is None:
            return _fail("service_routes_to", f"There is no Service {service_name}.", None, hint)
        selector = _mapping(_mapping(svc.data.get("spec")).get("selector"))
        line = svc.line("spec", "selector") or svc.line("spec")
        selected = sorted(
            t.doc.name
            for t in templates
            if t.doc.namespace == svc.namespace and _selects(selector, t)
        )
        missing = [str(w) for w in _list(wanted) if str(w) not in selected]
        extra = [name for name in selected if name not in [str(w) for w in _list(wanted)]]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"it reaches no Pod of {', '.join(missing)}")
            if extra:
                parts.append(f"it also sends traffic to the Pods of {', '.join(extra)}")
            return _fail(
                "service_routes_to",
                f"{_at(line)}{svc.title} selects {json.dumps(selector)}: {'; '.join(parts)}.",
                line,
                hint,
            )
    routes = ", ".join(f"{s} -> {', '.join(map(str, w))}" for s, w in _mapping(setting).items())
    return _ok("service_routes_to", f"Traffic goes exactly where it should: {routes}.", hint)


def _k8s_pdb_covers(docs: list[_Doc], setting: Any) -> CheckResult:
    hint = (
        "A PodDisruptionBudget (policy/v1) selects the Pods by label and allows a drain to "
        "evict some of them: `maxUnavailable: 1`, or a `minAvailable` below the replica "
        "count. `minAvailable` equal to the replicas blocks every drain."
    )
    pdbs = [d for d in docs if d.kind == "PodDisruptionBudget"]
    for name in _list(setting):
        workload = next(
            (t for t in _templates(docs) if t.doc.name == name and t.doc.kind != "Pod"), None
        )
        if workload is None:
            return _fail("pdb_covers", f"There is no workload {name}.", None, hint)
        replicas = _mapping(workload.doc.data.get("spec")).get("replicas", 1)
        covering = [
            p
            for p in pdbs
            if p.namespace == workload.doc.namespace
            and _selector_matches(
                _mapping(_mapping(p.data.get("spec")).get("selector")), workload.labels
            )
        ]
        if not covering:
            return _fail(
                "pdb_covers",
                f"No PodDisruptionBudget selects the Pods of {workload.doc.title}, so a node "
                "drain may evict all of them at once.",
                None,
                hint,
            )
        spec = _mapping(covering[0].data.get("spec"))
        min_available = spec.get("minAvailable")
        if (
            isinstance(min_available, int)
            and isinstance(replicas, int)
            and min_available >= replicas
        ) or spec.get("maxUnavailable") in (0, "0%"):
            line = covering[0].line("spec")
            return _fail(
                "pdb_covers",
                f"{_at(line)}{covering[0].title} allows no disruption of {workload.doc.title} "
                f"({replicas} replicas): `kubectl drain` would wait forever with "
                '"Cannot evict pod as it would violate the pod\'s disruption budget".',
                line,
                hint,
            )
    return _ok(
        "pdb_covers",
        f"A PodDisruptionBudget covers {', '.join(map(str, setting))} and still allows drains.",
        hint,
    )


_KUBERNETES: dict[str, Callable[[list[_Doc], Any], CheckResult]] = {
    "schema": _k8s_schema,
    "kinds": _k8s_kinds,
    "selector_matches_template": _k8s_selector_matches_template,
    "service_matches_pods": _k8s_service_matches_pods,
    "resources": _k8s_resources,
    "probes": _k8s_probes,
    "no_latest": _k8s_no_latest,
    "replicas": _k8s_replicas,
    "rolling_update": _k8s_rolling_update,
    "hpa_target": _k8s_hpa_target,
    "pod_security_restricted": _k8s_pod_security_restricted,
    "read_only_root": _k8s_read_only_root,
    "stateful_storage": _k8s_stateful_storage,
    "job_restart_policy": _k8s_job_restart_policy,
    "default_deny": _k8s_default_deny,
    "service_routes_to": _k8s_service_routes_to,
    "pdb_covers": _k8s_pdb_covers,
}


def _run_kubernetes(text: str, checks: Mapping[str, Any]) -> list[CheckResult]:
    docs, error = _load_documents(text, single=False)
    if error:
        return [error]
    results: list[CheckResult] = []
    for name, setting in checks.items():
        if setting is False:
            continue
        check = _KUBERNETES.get(name)
        results.append(check(docs, setting) if check else _unknown(name, "kubernetes"))
    return results


# --------------------------------------------------------------------------- RBAC


def _rbac_schema(docs: list[_Doc]) -> CheckResult:
    hint = (
        "Roles and bindings live in apiVersion rbac.authorization.k8s.io/v1. A rule needs "
        'verbs, apiGroups ("" is the core group) and resources; a binding needs a roleRef '
        "(kind Role or ClusterRole, name) and subjects (kind User, Group or ServiceAccount)."
    )
    problems = kubernetes_document_problems([(d.data, d.node) for d in docs])
    for index, path, message in rbac.validation_problems([d.data for d in docs]):
        doc = docs[index]
        problems.append(Problem(doc.line(*path), f"{doc.title}: {message}"))
    problems.sort(key=lambda p: (p.line is None, p.line or 0))
    if not problems:
        return _ok("schema", f"The RBAC objects are valid for Kubernetes {K8S_VERSION}.", hint)
    return _fail(
        "schema",
        f"Kubernetes {K8S_VERSION} would reject {len(problems)} thing"
        f"{'s' if len(problems) > 1 else ''}:\n{_listing(problems)}",
        problems[0].line,
        hint,
    )


def _rbac_requests(
    name: str, requests: Any, policy: rbac.Policy, expected: bool
) -> list[CheckResult]:
    if not isinstance(requests, list) or not requests:
        return [_unknown_request(name, [f"{name} must be a non-empty list of requests"])]
    results: list[CheckResult] = []
    for i, raw in enumerate(requests):
        problems = _request_problems(f"{name}[{i}]", raw)
        if problems:
            results.append(_unknown_request(name, problems))
            continue
        question = rbac.Request.from_dict(raw)
        # Ask as `kubectl --as` would: a service account brings its groups and everyone
        # authenticated is in system:authenticated, unless the lab names the groups.
        effective = replace(
            question, groups=rbac.impersonated_groups(question.user, raw.get("groups"))
        )
        allowed, reason = policy.decide(effective)
        line = rbac.can_i_line(raw, allowed)
        if allowed == expected:
            why = f" ({reason.removeprefix('RBAC: ')})" if allowed else ""
            results.append(
                CheckResult(name, True, f"{line}, as required{why}.", None, _RBAC_HINTS[name])
            )
        elif expected:
            results.append(
                _fail(
                    name,
                    f"{line}, but this must be allowed. No rule bound to "
                    "this user, its groups or its service account grants it.",
                    None,
                    _RBAC_HINTS[name],
                )
            )
        else:
            results.append(
                _fail(
                    name,
                    f"{line}, but this must be denied (least privilege): "
                    f"{reason.removeprefix('RBAC: ')}.",
                    None,
                    _RBAC_HINTS[name],
                )
            )
    return results


def _unknown_request(name: str, problems: list[str]) -> CheckResult:
    return _fail(
        name,
        "This lab's request is malformed: " + "; ".join(problems),
        None,
        "This is a mistake in the lab, not in your file.",
    )


_RBAC_HINTS = {
    "allow": (
        'Check every field of the rule against the request: the verb, the apiGroup ("" for '
        'pods, services, configmaps; "apps" for deployments), the resource (plural, '
        "lower case; pods/log for logs), and that a binding in the right namespace names "
        "the subject (ServiceAccount subjects need the account's namespace)."
    ),
    "deny": (
        'Grant only what the task needs: list verbs instead of "*", name the resources, '
        "prefer a Role and RoleBinding in one namespace over a ClusterRoleBinding, and add "
        "resourceNames when only one object is meant."
    ),
}


def _run_rbac(text: str, checks: Mapping[str, Any]) -> list[CheckResult]:
    docs, error = _load_documents(text, single=False)
    if error:
        return [error]
    policy = rbac.Policy([d.data for d in docs])
    results: list[CheckResult] = []
    for name, setting in checks.items():
        if setting is False:
            continue
        if name == "schema":
            results.append(_rbac_schema(docs))
        elif name == "allow":
            results.extend(_rbac_requests("allow", setting, policy, expected=True))
        elif name == "deny":
            results.extend(_rbac_requests("deny", setting, policy, expected=False))
        else:
            results.append(_unknown(name, "rbac"))
    return results


# --------------------------------------------------------------------------- entry point

_RUNNERS: dict[str, Callable[[str, Mapping[str, Any]], list[CheckResult]]] = {
    "dockerfile": _run_dockerfile,
    "compose": _run_compose,
    "kubernetes": _run_kubernetes,
    "rbac": _run_rbac,
}


def run(kind: str, text: str, checks: dict[str, Any]) -> list[CheckResult]:
    """Check a submission; one CheckResult per check (RBAC: one per request)."""
    runner = _RUNNERS.get(kind)
    if runner is None:
        return [
            _fail(
                "input",
                f'Unknown lab kind "{kind}".',
                None,
                "This is a mistake in the lab, not in your file.",
            )
        ]
    if not isinstance(text, str):
        return [_fail("input", "The submission is not text.")]
    try:
        check_size(text)
    except LabInputError as exc:
        return [_fail("input", exc.message, None, "Submit just the one file the task asks for.")]
    if not isinstance(checks, Mapping):
        return [
            _fail(
                "input",
                "This lab has no checks.",
                None,
                "This is a mistake in the lab, not in your file.",
            )
        ]
    # Normalise line endings once so line numbers agree with what the editor shows.
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    static = {name: value for name, value in checks.items() if name != "outcomes"}
    outcomes = checks.get("outcomes")
    if kind == "dockerfile" and outcomes and static.get("hadolint") is True and text.strip():
        return _dockerfile_with_outcomes(text, static, outcomes)
    results = runner(text, static) if static else []
    if not outcomes or any(r.name == "input" for r in results):
        return results
    # The static checks teach; the outcomes show what the file would do on a cluster.
    return results + _outcome_results(kind, text, outcomes)


def _outcome_results(kind: str, text: str, outcomes: Any) -> list[CheckResult]:
    from learn.labs.outcomes import evaluate

    return [
        CheckResult(o.name, o.passed, o.message, o.line, o.hint)
        for o in evaluate(kind, text, outcomes)
    ]


def _dockerfile_with_outcomes(
    text: str, static: Mapping[str, Any], outcomes: Any
) -> list[CheckResult]:
    """hadolint is a separate process: it lints while the sandbox builds and runs the file,
    so a submission waits for the slower of the two, not for both one after the other."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        lint = pool.submit(hadolint_problems, text)
        built = _outcome_results("dockerfile", text, outcomes)
        findings = lint.result()
    return _run_dockerfile(text, static, findings) + built


def passed(results: Iterable[CheckResult]) -> bool:
    results = list(results)
    return bool(results) and all(r.passed for r in results)
