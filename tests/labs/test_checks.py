"""Every lab check passes on a good file and fails, specifically, on a bad one."""

from __future__ import annotations

from typing import Any

import pytest

from learn.labs.checks import CHECKS, CheckResult, passed, run, spec_problems


def one(kind: str, text: str, name: str, setting: Any = True) -> CheckResult:
    results = run(kind, text, {name: setting})
    assert len(results) == 1, results
    assert results[0].name == name, results
    assert results[0].hint, results
    return results[0]


# --------------------------------------------------------------------------- Dockerfile

DOCKERFILE = """\
FROM python:3.12-slim AS build
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt
COPY . .

FROM python:3.12-alpine
WORKDIR /app
COPY --from=build /install /usr/local
COPY --from=build /app /app
RUN adduser -D -u 10001 app
USER 10001
EXPOSE 8000/tcp
CMD ["python", "-m", "app"]
"""

DOCKER_ALL = {
    "hadolint": True,
    "pinned_base": True,
    "multi_stage": True,
    "non_root": True,
    "deps_before_source": True,
    "exec_form_cmd": True,
    "expose": 8000,
}


def test_multi_stage_accepts_a_final_stage_on_the_build_stage_base() -> None:
    # The build tools stay in the build stage; both start from python:3.12-slim.
    same = DOCKERFILE.replace("FROM python:3.12-alpine", "FROM python:3.12-slim").replace(
        "RUN adduser -D -u 10001 app", "RUN useradd --uid 10001 app"
    )
    result = one("dockerfile", same, "multi_stage", True)
    assert result.passed, result.message
    assert "the build stage's base too" in result.message


def test_good_dockerfile_passes_every_check() -> None:
    results = run("dockerfile", DOCKERFILE, DOCKER_ALL)
    assert [r.name for r in results] == list(DOCKER_ALL)
    assert [r for r in results if not r.passed] == []


@pytest.mark.parametrize(
    ("name", "setting", "old", "new", "line", "words"),
    [
        ("hadolint", True, "python:3.12-alpine", "python:latest", 7, "DL3007 warning"),
        ("pinned_base", True, "python:3.12-alpine", "python:latest", 7, "moving tag :latest"),
        ("pinned_base", True, "python:3.12-slim AS", "python AS", 1, "has no tag"),
        (
            "multi_stage",
            True,
            "COPY --from=build /install /usr/local\nCOPY --from=build /app /app\n",
            "",
            7,
            "copies nothing from an earlier stage",
        ),
        # The same base as the build stage is fine when the tools stay behind (below), not
        # when that base ships gcc (python:3.12 is FROM buildpack-deps, docker-library/python)
        ("multi_stage", True, "python:3.12-alpine", "python:3.12", 7, "ships gcc"),
        (
            "multi_stage",
            True,
            "RUN adduser -D -u 10001 app\n",
            "RUN apk add --no-cache gcc musl-dev && adduser -D -u 10001 app\n",
            11,
            "installs gcc itself",
        ),
        ("non_root", True, "USER 10001\n", "", 7, "no USER instruction"),
        ("non_root", True, "USER 10001", "USER root", 12, "still root"),
        (
            "deps_before_source",
            True,
            "COPY requirements.txt .\nRUN pip install --no-cache-dir --prefix=/install -r "
            "requirements.txt\nCOPY . .\n",
            "COPY . .\nRUN pip install --no-cache-dir --prefix=/install -r requirements.txt\n",
            3,
            "copies the source before the dependency install on line 4",
        ),
        (
            "exec_form_cmd",
            True,
            'CMD ["python", "-m", "app"]',
            "CMD python -m app",
            14,
            "shell form",
        ),
        (
            "exec_form_cmd",
            True,
            'CMD ["python", "-m", "app"]',
            "CMD ['python', '-m', 'app']",
            14,
            "not valid JSON",
        ),
        ("expose", 8000, "EXPOSE 8000/tcp", "EXPOSE 9000", 13, "exposes 9000, not 8000"),
        ("expose", True, "EXPOSE 8000/tcp\n", "", 7, "no EXPOSE"),
    ],
)
def test_dockerfile_check_fails_specifically(
    name: str, setting: Any, old: str, new: str, line: int, words: str
) -> None:
    assert old in DOCKERFILE
    result = one("dockerfile", DOCKERFILE.replace(old, new), name, setting)
    assert not result.passed
    assert result.line == line
    assert words in result.message
    assert f"Line {line}" in result.message or f"line {line}" in result.message


def test_single_stage_is_not_multi_stage() -> None:
    text = 'FROM python:3.12-slim\nUSER 10001\nCMD ["python"]\n'
    result = one("dockerfile", text, "multi_stage")
    assert not result.passed and "single stage" in result.message


def test_deps_before_source_needs_an_install_step() -> None:
    text = 'FROM python:3.12-slim\nCOPY . .\nCMD ["python", "app.py"]\n'
    result = one("dockerfile", text, "deps_before_source")
    assert not result.passed and "No dependency install step" in result.message


def test_deps_before_source_for_node() -> None:
    text = (
        "FROM node:22-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
        'RUN npm ci\nCOPY . .\nCMD ["node", "server.js"]\n'
    )
    assert one("dockerfile", text, "deps_before_source").passed


def test_base_image_from_a_build_arg_without_default() -> None:
    result = one("dockerfile", 'ARG BASE\nFROM ${BASE}\nCMD ["python"]\n', "pinned_base")
    assert not result.passed and "build argument without a default" in result.message


def test_a_byte_order_mark_does_not_hide_the_first_instruction() -> None:
    assert one("dockerfile", '\ufeffFROM python:3.12-slim\nCMD ["python"]\n', "pinned_base").passed


def test_base_image_from_a_build_arg() -> None:
    text = 'ARG BASE=python:3.12-slim\nFROM ${BASE}\nCMD ["python"]\n'
    assert one("dockerfile", text, "pinned_base").passed
    text = 'ARG BASE=python:latest\nFROM ${BASE}\nCMD ["python"]\n'
    assert not one("dockerfile", text, "pinned_base").passed


def test_empty_dockerfile_is_an_input_problem() -> None:
    assert [(r.name, r.passed) for r in run("dockerfile", "  \n", DOCKER_ALL)] == [("input", False)]


# --------------------------------------------------------------------------- Compose

COMPOSE = """\
services:
  web:
    image: registry.example.com:5000/web:1.4
    ports: ["8080:8000"]
    depends_on:
      db:
        condition: service_healthy
      cache:
        condition: service_started
    volumes:
      - ./static:/app/static
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
      interval: 5s
      retries: 5
    volumes:
      - pgdata:/var/lib/postgresql/data
  cache:
    image: redis:7-alpine
volumes:
  pgdata:
"""

COMPOSE_ALL = {
    "schema": True,
    "depends_on_exist": True,
    "urls_name_services": True,
    "healthy_needs_healthcheck": True,
    "volumes_declared": True,
    "services": ["web", "db", "cache"],
    "healthcheck": ["db"],
    "depends_on_healthy": {"web": ["db"]},
    "no_latest": True,
}


def test_good_compose_passes_every_check() -> None:
    results = run("compose", COMPOSE, COMPOSE_ALL)
    assert [r.name for r in results] == list(COMPOSE_ALL)
    assert [r for r in results if not r.passed] == []


@pytest.mark.parametrize(
    ("name", "setting", "old", "new", "line", "words"),
    [
        (
            "schema",
            True,
            "    depends_on:",
            "    dependsOn:",
            5,
            'additional property "dependsOn" is not allowed',
        ),
        (
            "depends_on_exist",
            True,
            "      cache:\n        condition: service_started",
            "      redis:\n        condition: service_started",
            5,
            'depends on "redis"',
        ),
        (
            "healthy_needs_healthcheck",
            True,
            "condition: service_started",
            "condition: service_healthy",
            8,
            "cache has no healthcheck",
        ),
        ("volumes_declared", True, "volumes:\n  pgdata:\n", "", 19, 'named volume "pgdata"'),
        ("services", ["web", "db", "worker"], "", "", 1, "missing service(s): worker"),
        ("healthcheck", ["db", "cache"], "", "", 20, "service cache has no healthcheck"),
        ("depends_on_healthy", {"web": ["cache"]}, "", "", 8, "should wait for"),
        ("depends_on_healthy", {"cache": ["db"]}, "", "", 20, "cache does not depend on db"),
        ("no_latest", True, "redis:7-alpine", "redis", 21, '"redis" has no tag'),
        ("no_latest", True, "postgres:16", "postgres:latest", 13, "moving tag :latest"),
    ],
)
def test_compose_check_fails_specifically(
    name: str, setting: Any, old: str, new: str, line: int, words: str
) -> None:
    assert old in COMPOSE
    result = one("compose", COMPOSE.replace(old, new) if old else COMPOSE, name, setting)
    assert not result.passed, result
    assert result.line == line, result
    assert words in result.message


def test_compose_short_depends_on_and_long_volume_syntax() -> None:
    text = (
        "services:\n  web:\n    image: app:1\n    depends_on: [db]\n    volumes:\n"
        "      - type: volume\n        source: data\n        target: /data\n"
        "  db:\n    image: postgres:16\n"
    )
    assert one("compose", text, "depends_on_exist").passed
    result = one("compose", text, "volumes_declared")
    assert not result.passed and result.line == 6
    result = one("compose", text, "depends_on_healthy", {"web": ["db"]})
    assert not result.passed and "service_healthy" in result.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "The file is empty."),
        ("- web\n- db\n", "The file is a list, not a mapping"),
        ("services:\n  web: {image: a:1}\n---\nservices: {}\n", "one YAML document"),
        ("services:\n  web: [\n", "YAML syntax error"),
    ],
)
def test_compose_input_problems(text: str, words: str) -> None:
    results = run("compose", text, COMPOSE_ALL)
    assert [(r.name, r.passed) for r in results] == [("input", False)]
    assert words in results[0].message


# --------------------------------------------------------------------------- Kubernetes

MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: frontend}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports:
            - {name: http, containerPort: 8000}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi}
          readinessProbe:
            httpGet: {path: /healthz, port: http}
          livenessProbe:
            httpGet: {path: /healthz, port: 8000}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: http
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {type: Utilization, averageUtilization: 70}
"""

K8S_ALL = {
    "schema": True,
    "kinds": ["Deployment", "Service", "HorizontalPodAutoscaler"],
    "selector_matches_template": True,
    "service_matches_pods": True,
    "resources": True,
    "probes": True,
    "no_latest": True,
    "replicas": 3,
    "rolling_update": {"maxSurge": 1, "maxUnavailable": 0},
    "hpa_target": True,
}


def test_good_manifests_pass_every_check() -> None:
    results = run("kubernetes", MANIFESTS, K8S_ALL)
    assert [r.name for r in results] == list(K8S_ALL)
    assert [r for r in results if not r.passed] == []


@pytest.mark.parametrize(
    ("name", "setting", "old", "new", "line", "words"),
    [
        (
            "schema",
            True,
            "  replicas: 3",
            "  replica: 3",
            6,
            'spec: additional property "replica" is not allowed',
        ),
        ("kinds", ["Deployment", "Ingress"], "", "", None, "Missing Ingress"),
        (
            "selector_matches_template",
            True,
            "matchLabels: {app: web}",
            "matchLabels: {app: webapp}",
            10,
            'the selector {"app": "webapp"} does not match',
        ),
        (
            "service_matches_pods",
            True,
            "  selector: {app: web}\n  ports:",
            "  selector: {app: api}\n  ports:",
            34,
            "matches no Pod template",
        ),
        (
            "service_matches_pods",
            True,
            "targetPort: http",
            "targetPort: 9000",
            36,
            "targetPort 9000",
        ),
        (
            "resources",
            True,
            "            limits: {cpu: 500m, memory: 256Mi}\n",
            "",
            17,
            "missing limits.cpu, limits.memory",
        ),
        (
            "probes",
            True,
            "          livenessProbe:\n            httpGet: {path: /healthz, port: 8000}\n",
            "",
            17,
            "no livenessProbe",
        ),
        ("probes", True, "port: http}", "port: web}", 24, 'port name "web"'),
        ("no_latest", True, "web:1.4.2", "web:latest", 18, "moving tag :latest"),
        (
            "no_latest",
            True,
            "registry.example.com/web:1.4.2",
            "registry.example.com:5000/web",
            18,
            "has no tag",
        ),
        ("replicas", 3, "  replicas: 3\n", "", 5, "runs 1 replica; the task asks for 3"),
        (
            "rolling_update",
            {"maxSurge": 1, "maxUnavailable": 0},
            "maxUnavailable: 0",
            "maxUnavailable: 1",
            9,
            "maxUnavailable is 1; the task asks for 0",
        ),
        (
            "rolling_update",
            {"maxSurge": 1, "maxUnavailable": 0},
            "    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}\n",
            "",
            7,
            "maxSurge is 25% (the default)",
        ),
        (
            "rolling_update",
            {"maxUnavailable": 0},
            "type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}",
            "type: Recreate",
            8,
            "Recreate strategy",
        ),
        (
            "hpa_target",
            True,
            "kind: Deployment, name: web}",
            "kind: Deployment, name: webapp}",
            44,
            "Deployment webapp, which is not in the file",
        ),
        (
            "hpa_target",
            True,
            "  minReplicas: 3",
            "  minReplicas: 30",
            45,
            "minReplicas 30 is above maxReplicas 10",
        ),
        (
            "hpa_target",
            True,
            "            requests: {cpu: 100m, memory: 128Mi}\n",
            "",
            17,
            "has no resources.requests.cpu",
        ),
    ],
)
def test_kubernetes_check_fails_specifically(
    name: str, setting: Any, old: str, new: str, line: int | None, words: str
) -> None:
    assert old in MANIFESTS
    result = one("kubernetes", MANIFESTS.replace(old, new) if old else MANIFESTS, name, setting)
    assert not result.passed, result
    assert result.line == line, result
    assert words in result.message, result.message


def test_schema_reports_every_problem_of_every_document() -> None:
    text = MANIFESTS.replace("  replicas: 3", "  replica: 3").replace(
        "    - port: 80", '    - port: "80"'
    )
    result = one("kubernetes", text, "schema")
    assert not result.passed
    assert "would reject 2 things" in result.message
    assert "- line 6: spec: additional property" in result.message
    assert '- line 36: spec.ports[0].port: expected an integer, got a string "80"' in (
        result.message
    )


def test_service_in_another_namespace_does_not_select_the_pods() -> None:
    text = MANIFESTS.replace(
        "kind: Service\nmetadata:\n  name: web\n",
        "kind: Service\nmetadata:\n  name: web\n  namespace: other\n",
    )
    assert not one("kubernetes", text, "service_matches_pods").passed


def test_missing_objects_fail_their_checks() -> None:
    only_service = MANIFESTS.split("---\n")[1]
    for name in ("selector_matches_template", "replicas", "rolling_update", "hpa_target"):
        setting = K8S_ALL[name]
        assert not one("kubernetes", only_service, name, setting).passed, name


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "The file is empty."),
        ("apiVersion: v1\n---\n- a\n", "Document 2 is a list"),
        ("apiVersion: v1\nkind: Pod\n  metadata: x\n", "YAML syntax error on line 3"),
    ],
)
def test_kubernetes_input_problems(text: str, words: str) -> None:
    results = run("kubernetes", text, K8S_ALL)
    assert [(r.name, r.passed) for r in results] == [("input", False)]
    assert words in results[0].message


# --------------------------------------------------------------------------- RBAC

RBAC = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: ci, namespace: staging}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: staging}
rules:
  - apiGroups: [""]
    resources: [pods, pods/log]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-pod-reader, namespace: staging}
subjects:
  - {kind: ServiceAccount, name: ci, namespace: staging}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
"""

CI = "system:serviceaccount:staging:ci"
ALLOW = [
    {"user": CI, "verb": "list", "namespace": "staging", "apiGroup": "", "resource": "pods"},
    {
        "user": CI,
        "verb": "get",
        "namespace": "staging",
        "apiGroup": "",
        "resource": "pods",
        "subresource": "log",
        "name": "web-0",
    },
]
DENY = [
    {
        "user": CI,
        "verb": "delete",
        "namespace": "staging",
        "apiGroup": "",
        "resource": "pods",
        "name": "web-0",
    },
    {"user": CI, "verb": "list", "namespace": "prod", "apiGroup": "", "resource": "pods"},
    {"user": CI, "verb": "get", "path": "/metrics"},
]
RBAC_ALL = {"schema": True, "allow": ALLOW, "deny": DENY}


def test_good_rbac_passes_and_shows_kubectl_answers() -> None:
    results = run("rbac", RBAC, RBAC_ALL)
    assert [r.name for r in results] == ["schema", "allow", "allow", "deny", "deny", "deny"]
    assert passed(results)
    assert results[2].message.startswith(
        "kubectl auth can-i get pods/web-0 --subresource=log -n staging --as "
        "system:serviceaccount:staging:ci \u2192 yes, as required"
    )
    assert results[5].message.startswith(
        "kubectl auth can-i get /metrics --as system:serviceaccount:staging:ci \u2192 no"
    )


def test_rbac_too_much_is_a_failed_deny_naming_the_binding() -> None:
    text = RBAC.replace("verbs: [get, list, watch]", 'verbs: ["*"]')
    results = run("rbac", text, RBAC_ALL)
    failed = [r for r in results if not r.passed]
    assert [r.name for r in failed] == ["deny"]
    assert "delete pods/web-0" in failed[0].message
    assert 'allowed by RoleBinding "ci-pod-reader/staging" of Role "pod-reader"' in (
        failed[0].message
    )


def test_rbac_too_little_is_a_failed_allow() -> None:
    text = RBAC.replace("resources: [pods, pods/log]", "resources: [pods]")
    failed = [r for r in run("rbac", text, RBAC_ALL) if not r.passed]
    assert [r.name for r in failed] == ["allow"]
    assert "\u2192 no, but this must be allowed" in failed[0].message


def test_rbac_binding_in_the_wrong_namespace() -> None:
    text = RBAC.replace(
        "metadata: {name: ci-pod-reader, namespace: staging}", "metadata: {name: ci-pod-reader}"
    )
    failed = [r for r in run("rbac", text, RBAC_ALL) if not r.passed]
    assert [r.name for r in failed] == ["allow", "allow"]


def test_rbac_schema_includes_the_api_servers_validation() -> None:
    text = RBAC.replace('  - apiGroups: [""]\n    resources:', "  - resources:").replace(
        "kind: Role, name", "kind: Roles, name"
    )
    result = one("rbac", text, "schema")
    assert not result.passed
    assert "Role pod-reader: rules[0]: resource rules must supply at least one api group" in (
        result.message
    )
    assert 'RoleBinding ci-pod-reader: roleRef.kind must be "Role" or "ClusterRole"' in (
        result.message
    )
    assert result.line == 9


def test_rbac_schema_catches_typos() -> None:
    result = one("rbac", RBAC.replace("verbs:", "verb:"), "schema")
    assert not result.passed and 'additional property "verb"' in result.message


def test_rbac_groups_come_from_impersonation_unless_given() -> None:
    text = RBAC.replace(
        "  - {kind: ServiceAccount, name: ci, namespace: staging}",
        "  - {kind: Group, name: system:serviceaccounts:staging, "
        "apiGroup: rbac.authorization.k8s.io}",
    )
    assert passed(run("rbac", text, {"allow": ALLOW}))
    explicit = [{**ALLOW[0], "groups": ["devs"]}]
    result = one("rbac", text, "allow", explicit)
    assert not result.passed and "--as-group=devs" in result.message


def test_malformed_request_in_a_lab_is_reported_not_raised() -> None:
    result = one("rbac", RBAC, "allow", [{"user": CI, "verb": "get", "resource": "pods/log"}])
    assert not result.passed and "write the subresource separately" in result.message
    result = one("rbac", RBAC, "deny", {"user": CI})
    assert not result.passed and "non-empty list of requests" in result.message


# --------------------------------------------------------------------------- robustness

ODD_TEXTS = [
    "a: 1\n",
    "5\n",
    '"just a string"\n',
    "spec: 5\nkind: Deployment\napiVersion: apps/v1\n",
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: x\n",
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template: {spec: {containers: [5, {}]}}\n"
    "  strategy: 5\n  selector: [1]\n",
    "apiVersion: v1\nkind: Service\nspec: {selector: 5, ports: [5, {targetPort: {}}]}\n",
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec: {metrics: [5], "
    "scaleTargetRef: 5}\n",
    "services:\n  web: 5\n  db: {depends_on: 5, volumes: 5, healthcheck: 5, image: 5}\n"
    "volumes: 5\n",
    "services: [1, 2]\n",
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nroleRef: 5\nsubjects: [5, {}]\n",
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nrules: [5, {verbs: 5}]\n"
    "aggregationRule: {clusterRoleSelectors: [5, {matchExpressions: [5]}]}\n",
    "FROM\nCOPY\nUSER\nCMD\nEXPOSE\nRUN pip install\n",
    '\ufeffFROM scratch\r\nCMD ["/app"]\r\n',
    "\x00\x01binary",
]
# Checks written for single labs (their right and wrong answers are in test_course_labs.py);
# here they only join the contract and the odd-input sweep.
COMPOSE_LAB_CHECKS = {
    "reachable": {"web": ["db"]},
    "isolated": {"proxy": ["db"]},
    "no_published_ports": ["db"],
}
K8S_LAB_CHECKS = {
    "pod_security_restricted": True,
    "read_only_root": True,
    "stateful_storage": True,
    "job_restart_policy": True,
    "default_deny": True,
    "service_routes_to": {"web": ["web"]},
    "pdb_covers": ["web"],
}
ALL_SETTINGS = {
    "dockerfile": DOCKER_ALL,
    "compose": {**COMPOSE_ALL, **COMPOSE_LAB_CHECKS},
    "kubernetes": {**K8S_ALL, **K8S_LAB_CHECKS},
    "rbac": RBAC_ALL,
}


@pytest.mark.parametrize("kind", list(ALL_SETTINGS))
@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_input_never_raises(kind: str, text: str) -> None:
    checks = {k: v for k, v in ALL_SETTINGS[kind].items() if k != "hadolint"}
    results = run(kind, text, checks)
    assert results and all(isinstance(r, CheckResult) for r in results)


def test_unknown_kind_and_check_are_reported() -> None:
    assert [(r.name, r.passed) for r in run("helm", "x", {"schema": True})] == [("input", False)]
    (result,) = run("compose", COMPOSE, {"bogus": True})
    assert not result.passed and "mistake in the lab" in result.hint


def test_false_switches_a_check_off() -> None:
    assert [r.name for r in run("compose", COMPOSE, {"schema": True, "no_latest": False})] == [
        "schema"
    ]


# --------------------------------------------------------------------------- spec_problems


def test_every_documented_check_has_a_spec() -> None:
    assert set(CHECKS) == {"dockerfile", "compose", "kubernetes", "rbac"}
    for kind, settings in ALL_SETTINGS.items():
        # Outcomes run a sandbox; tests/labs/test_outcomes.py covers them.
        assert set(settings) == set(CHECKS[kind]) - {"outcomes"}, kind
        assert spec_problems(kind, settings) == [], kind


@pytest.mark.parametrize(
    ("kind", "checks", "words"),
    [
        ("helm", {"schema": True}, 'unknown lab kind "helm"'),
        ("compose", {}, "non-empty mapping"),
        ("compose", ["schema"], "non-empty mapping"),
        (
            "compose",
            {"shema": True},
            'unknown check "shema" for a compose lab (did you mean "schema"?)',
        ),
        ("dockerfile", {"hadolint": "yes"}, 'check "hadolint" takes true, not "yes"'),
        ("dockerfile", {"expose": 70000}, "takes a port number or true"),
        ("compose", {"services": "web"}, "takes a list of names"),
        ("compose", {"depends_on_healthy": {"web": "db"}}, "takes a mapping of service name"),
        ("kubernetes", {"replicas": True}, "takes a number"),
        ("kubernetes", {"rolling_update": {"maxSurge": "lots"}}, "maxSurge and/or"),
        ("kubernetes", {"rolling_update": {"surge": 1}}, "maxSurge and/or"),
        ("rbac", {"allow": []}, "takes a list of requests"),
        (
            "rbac",
            {"allow": [{"user": "u", "verb": "get"}]},
            "allow[0]: resource (or path) is required",
        ),
        (
            "rbac",
            {"deny": [{"user": "u", "verb": "get", "path": "healthz", "resource": "x"}]},
            "cannot also have resource",
        ),
        (
            "rbac",
            {"deny": [{"verb": "get", "resource": "pods", "grups": []}]},
            "unknown key(s) grups",
        ),
        (
            "rbac",
            {"allow": [{"user": "u", "verb": "get", "resource": "pods", "apiGroup": None}]},
            'write "" for the core apiGroup',
        ),
    ],
)
def test_spec_problems(kind: str, checks: Any, words: str) -> None:
    problems = spec_problems(kind, checks)
    assert any(words in p for p in problems), problems
