"""The course's newer labs, answered as different learners would: right answers in other
styles (flow YAML, JSON, other order, other names where the task allows) must pass, and the
mistakes people really make must fail on the check that names that mistake."""

from __future__ import annotations

import json

import pytest
import yaml
from django.conf import settings

from learn.content.parser import load_course
from learn.labs.checks import CheckResult, passed, run

MODULES, _ = load_course(settings.LESSONS_DIR)
LABS = {
    q.key: q.data
    for module in MODULES
    for lesson in module.lessons
    for q in lesson.questions
    if q.kind == "lab"
}


def check(lab_id: str, text: str) -> list[CheckResult]:
    data = LABS[lab_id]
    return run(data["lab_kind"], text, data["checks"])


def failed(results: list[CheckResult]) -> dict[str, str]:
    return {r.name: r.message for r in results if not r.passed}


def solution(lab_id: str) -> str:
    return str(LABS[lab_id]["solution"])


def edit(lab_id: str, old: str, new: str) -> str:
    text = solution(lab_id)
    assert text.count(old) == 1, f"{lab_id}: the solution holds {old!r} {text.count(old)} times"
    return text.replace(old, new)


def as_json(text: str) -> str:
    """The same documents written as JSON (which is YAML): a learner's other style."""
    return "\n---\n".join(json.dumps(d) for d in yaml.safe_load_all(text) if d is not None)


# --------------------------------------------------------------------------- networks


NET = "m1-lab-split-networks"


@pytest.mark.parametrize(
    "text",
    [
        as_json(solution(NET)),
        # long syntax for networks, and other network names
        solution(NET)
        .replace("networks: [frontend]", "networks:\n      public: {}")
        .replace("networks: [frontend, backend]", "networks:\n      public: {}\n      private: {}")
        .replace("networks: [backend]", "networks:\n      private:\n        aliases: [database]")
        .replace("networks:\n  frontend:\n  backend:\n", "networks:\n  public:\n  private:\n"),
    ],
    ids=["json", "long-syntax-other-names"],
)
def test_networks_lab_right_answers_pass(text: str) -> None:
    results = check(NET, text)
    assert passed(results), failed(results)


@pytest.mark.parametrize(
    ("text", "check_name", "words"),
    [
        # the proxy joined backend too "so that everything works"
        (
            edit(NET, "networks: [frontend]\n", "networks: [frontend, backend]\n"),
            "isolated",
            "proxy can still reach db",
        ),
        # db kept its published port
        (
            edit(
                NET,
                "    networks: [backend]\n",
                '    ports: ["5432:5432"]\n    networks: [backend]\n',
            ),
            "no_published_ports",
            "db publishes ports",
        ),
        # web forgot the backend network
        (
            edit(NET, "networks: [frontend, backend]", "networks: [frontend]"),
            "reachable",
            "web and db share no network",
        ),
        # networks used but never declared: compose refuses the project
        (
            edit(NET, "networks:\n  frontend:\n  backend:\n", ""),
            "reachable",
            "refers to undefined network",
        ),
    ],
    ids=["proxy-on-backend", "db-published", "web-off-backend", "undeclared"],
)
def test_networks_lab_mistakes_fail_on_their_check(text: str, check_name: str, words: str) -> None:
    problems = failed(check(NET, text))
    assert check_name in problems, problems
    assert words in problems[check_name]


# --------------------------------------------------------------------------- StatefulSet


PG = "m6-lab-postgres-statefulset"


@pytest.mark.parametrize(
    "text",
    [
        as_json(solution(PG)),
        # the StatefulSet first, the Service after it
        "\n---\n".join(reversed(solution(PG).split("\n---\n"))),
    ],
    ids=["json", "other-order"],
)
def test_statefulset_lab_right_answers_pass(text: str) -> None:
    results = check(PG, text)
    assert passed(results), failed(results)


@pytest.mark.parametrize(
    ("text", "check_name", "words"),
    [
        # a plain ClusterIP Service: no per-Pod DNS names
        (edit(PG, "  clusterIP: None\n", ""), "stateful_storage", "no headless Service"),
        # the claim template is there, but the container still mounts another name
        (
            edit(PG, "            - name: data\n", "            - name: pgdata\n"),
            "stateful_storage",
            "no container mounts the claim data",
        ),
        # no size on the claim
        (
            edit(PG, "        resources:\n          requests:\n            storage: 20Gi\n", ""),
            "stateful_storage",
            "requests no storage size",
        ),
        # kept a Deployment with a PVC-less emptyDir: no StatefulSet at all
        (LABS[PG]["starter"], "stateful_storage", "There is no StatefulSet"),
    ],
    ids=["not-headless", "mount-name", "no-size", "starter"],
)
def test_statefulset_lab_mistakes_fail_on_their_check(
    text: str, check_name: str, words: str
) -> None:
    problems = failed(check(PG, text))
    assert check_name in problems, problems
    assert words in problems[check_name]


# --------------------------------------------------------------------------- Job


JOB = "m6-lab-migrate-job"


@pytest.mark.parametrize(
    "text",
    [
        as_json(solution(JOB)),
        edit(JOB, "restartPolicy: Never", "restartPolicy: OnFailure"),
    ],
    ids=["json", "on-failure"],
)
def test_job_lab_right_answers_pass(text: str) -> None:
    results = check(JOB, text)
    assert passed(results), failed(results)


@pytest.mark.parametrize(
    ("text", "check_name", "words"),
    [
        (LABS[JOB]["starter"], "job_restart_policy", 'valid values: "OnFailure", "Never"'),
        # restartPolicy left out: the Pod default Always applies, and the API server refuses
        (edit(JOB, "      restartPolicy: Never\n", ""), "job_restart_policy", "unset (Always)"),
        (edit(JOB, "web:0.1.0", "web:latest"), "no_latest", "latest"),
        (
            edit(JOB, "          resources:\n", "          resourcez:\n"),
            "schema",
            "resourcez",
        ),
    ],
    ids=["starter", "unset", "latest", "typo"],
)
def test_job_lab_mistakes_fail_on_their_check(text: str, check_name: str, words: str) -> None:
    problems = failed(check(JOB, text))
    assert check_name in problems, problems
    assert words in problems[check_name]


# --------------------------------------------------------------------------- restricted


SEC = "m6-lab-restricted-web"


@pytest.mark.parametrize(
    "text",
    [
        as_json(solution(SEC)),
        # everything on the container instead of the Pod
        edit(
            SEC,
            "      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n"
            "        seccompProfile: {type: RuntimeDefault}\n",
            "",
        ).replace(
            "            allowPrivilegeEscalation: false\n",
            "            allowPrivilegeEscalation: false\n            runAsNonRoot: true\n"
            "            runAsUser: 10001\n            seccompProfile: {type: RuntimeDefault}\n",
        ),
    ],
    ids=["json", "container-level"],
)
def test_restricted_lab_right_answers_pass(text: str) -> None:
    results = check(SEC, text)
    assert passed(results), failed(results)


@pytest.mark.parametrize(
    ("text", "check_name", "words"),
    [
        (LABS[SEC]["starter"], "pod_security_restricted", "allowPrivilegeEscalation != false"),
        (
            edit(SEC, 'capabilities: {drop: ["ALL"]}', "capabilities: {drop: [NET_RAW]}"),
            "pod_security_restricted",
            'must set securityContext.capabilities.drop=["ALL"]',
        ),
        (
            edit(SEC, "        seccompProfile: {type: RuntimeDefault}\n", ""),
            "pod_security_restricted",
            "seccompProfile (pod or container",
        ),
        (
            edit(SEC, "            readOnlyRootFilesystem: true\n", ""),
            "read_only_root",
            "root filesystem is writable",
        ),
        # a policy for the web Pods only is not a default for the namespace
        (
            edit(SEC, "  podSelector: {}\n", "  podSelector:\n    matchLabels: {app: web}\n"),
            "default_deny",
            "No NetworkPolicy selects every Pod",
        ),
    ],
    ids=["starter", "drop-one", "no-seccomp", "writable-root", "policy-for-web-only"],
)
def test_restricted_lab_mistakes_fail_on_their_check(
    text: str, check_name: str, words: str
) -> None:
    problems = failed(check(SEC, text))
    assert check_name in problems, problems
    assert words in problems[check_name]


# --------------------------------------------------------------------------- debugging


DBG = "m6-lab-debug-service"


@pytest.mark.parametrize(
    "text",
    [
        as_json(solution(DBG)),
        # numbers instead of names are just as right
        edit(DBG, "targetPort: http", "targetPort: 8000").replace(
            "httpGet: {path: /readyz, port: http}", "httpGet: {path: /readyz, port: 8000}"
        ),
    ],
    ids=["json", "port-numbers"],
)
def test_debug_lab_right_answers_pass(text: str) -> None:
    results = check(DBG, text)
    assert passed(results), failed(results)


@pytest.mark.parametrize(
    ("text", "check_name"),
    [
        # each bug left alone on its own still fails, on the check that names it
        (
            edit(DBG, "selector: {app: web}\n  ports", "selector: {app: learn-web}\n  ports"),
            "service_matches_pods",
        ),
        (edit(DBG, "targetPort: http", "targetPort: gunicorn"), "service_matches_pods"),
        (
            edit(
                DBG, "httpGet: {path: /readyz, port: http}", "httpGet: {path: /readyz, port: web}"
            ),
            "probes",
        ),
    ],
    ids=["selector", "target-port", "probe-port"],
)
def test_debug_lab_each_bug_alone_fails(text: str, check_name: str) -> None:
    problems = failed(check(DBG, text))
    assert list(problems) == [check_name], problems


# --------------------------------------------------------------------------- blue/green


BG = "m6-lab-blue-green"


@pytest.mark.parametrize(
    "text",
    [
        as_json(solution(BG)),
        # minAvailable below the replica count is as good as maxUnavailable: 1
        edit(BG, "  maxUnavailable: 1\n", "  minAvailable: 2\n"),
        # the budget selects green by its version label alone
        edit(
            BG,
            "  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web, version: green}\n",
            "  maxUnavailable: 1\n  selector:\n    matchLabels: {version: green}\n",
        ),
    ],
    ids=["json", "min-available", "version-label-only"],
)
def test_blue_green_lab_right_answers_pass(text: str) -> None:
    results = check(BG, text)
    assert passed(results), failed(results)


@pytest.mark.parametrize(
    ("text", "check_name", "words"),
    [
        (LABS[BG]["starter"], "service_routes_to", "also sends traffic to the Pods of web-blue"),
        # switched the wrong way
        (
            edit(
                BG,
                "selector: {app: web, version: green}\n  ports",
                "selector: {app: web, version: blue}\n  ports",
            ),
            "service_routes_to",
            "reaches no Pod of web-green",
        ),
        # a budget that never lets a drain evict anything
        (
            edit(BG, "  maxUnavailable: 1\n", "  minAvailable: 3\n"),
            "pdb_covers",
            "allows no disruption",
        ),
        # a budget for the old version
        (
            edit(
                BG,
                "  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web, version: green}\n",
                "  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web, version: blue}\n",
            ),
            "pdb_covers",
            "No PodDisruptionBudget selects the Pods of Deployment web-green",
        ),
    ],
    ids=["starter", "wrong-way", "blocks-drains", "budget-for-blue"],
)
def test_blue_green_lab_mistakes_fail_on_their_check(
    text: str, check_name: str, words: str
) -> None:
    problems = failed(check(BG, text))
    assert check_name in problems, problems
    assert words in problems[check_name]


# --------------------------------------------------------------------------- rollout


ROLL = "m4-lab-zero-downtime-rollout"


@pytest.mark.parametrize(
    "text",
    [
        as_json(solution(ROLL)),
        # RollingUpdate is the default strategy type, so leaving `type` out is right too
        edit(ROLL, "    type: RollingUpdate\n", ""),
        # a port name instead of the number
        edit(
            ROLL, "      - containerPort: 8000\n", "      - {name: http, containerPort: 8000}\n"
        ).replace("port: 8000}", "port: http}"),
    ],
    ids=["json", "default-type", "named-port"],
)
def test_rollout_lab_right_answers_pass(text: str) -> None:
    results = check(ROLL, text)
    assert passed(results), failed(results)


@pytest.mark.parametrize(
    ("text", "check_name"),
    [
        (edit(ROLL, "  replicas: 3\n", "  replicas: 2\n"), "replicas"),
        (edit(ROLL, "      maxUnavailable: 0\n", "      maxUnavailable: 1\n"), "rolling_update"),
        (
            edit(
                ROLL,
                "          readinessProbe:\n            httpGet: {path: /readyz, port: 8000}\n",
                "",
            ),
            "probes",
        ),
    ],
    ids=["two-replicas", "may-drop-one", "no-readiness"],
)
def test_rollout_lab_mistakes_fail_on_their_check(text: str, check_name: str) -> None:
    problems = failed(check(ROLL, text))
    assert check_name in problems, problems


# m2-lab-compose-basics asks for four fixes; the fourth (Django at localhost) had no check, so a
# learner who fixed three of them was told every check passes.
@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("@db:5432", "@localhost:5432", "connects to localhost, which inside web is web itself"),
        ("@db:5432", "@database:5432", "connects to database, which is not a service"),
        ("@db:5432", "@127.0.0.1:5432", "connects to 127.0.0.1"),
    ],
)
def test_compose_basics_lab_catches_a_database_url_that_misses_db(
    old: str, new: str, words: str
) -> None:
    results = failed(check("m2-lab-compose-basics", edit("m2-lab-compose-basics", old, new)))
    # The static check names the mistake; the outcome shows what the stack did with it.
    assert list(results) == ["urls_name_services", "web's DATABASE_URL reaches the db service"]
    assert words in results["urls_name_services"]


def test_compose_basics_lab_accepts_the_list_form_of_environment() -> None:
    text = edit(
        "m2-lab-compose-basics",
        "    environment:\n      DATABASE_URL: postgres://learn:${POSTGRES_PASSWORD}@db:5432/learn\n"
        "      REDIS_URL: redis://redis:6379/0\n",
        "    environment:\n      - DATABASE_URL=postgres://learn:${POSTGRES_PASSWORD}@db:5432/learn\n"
        "      - REDIS_URL=redis://redis:6379/0\n",
    )
    assert failed(check("m2-lab-compose-basics", text)) == {}
