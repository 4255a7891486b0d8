"""Labs graded by outcome: each lab's solution passes on the simulated cluster, and the wrong
answers that a shape check let through (issue 10) fail for the reason a real cluster gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from learn.content.parser import load_course
from learn.labs.checks import run, spec_problems
from learn.labs.outcomes import sentence
from learn.labs.outcomes import spec_problems as outcome_problems


def _labs() -> dict[str, dict[str, Any]]:
    modules, _ = load_course(settings.LESSONS_DIR)
    return {
        q.key: q.data
        for module in modules
        for lesson in module.lessons
        for q in lesson.questions
        if q.kind == "lab"
    }


LABS = _labs()
OUTCOME_LABS = sorted(k for k, v in LABS.items() if "outcomes" in v["checks"])


def _outcomes(lab_id: str, text: str) -> dict[str, Any]:
    lab = LABS[lab_id]
    results = run(lab["lab_kind"], text, {"outcomes": lab["checks"]["outcomes"]})
    return {r.name: r for r in results}


def test_every_lab_declares_outcomes() -> None:
    assert OUTCOME_LABS == [
        "m1-lab-cache-friendly",
        "m1-lab-multistage-nonroot",
        "m2-lab-compose-basics",
        "m2-lab-healthy-startup",
        "m3-lab-first-pod",
        "m3-lab-log-sidecar",
        "m4-lab-fix-deployment",
        "m4-lab-service-hpa",
        "m5-lab-ci-pod-reader",
        "m5-lab-fix-cluster-admin",
    ]


@pytest.mark.parametrize("lab_id", OUTCOME_LABS)
def test_solution_passes_by_outcome(lab_id: str) -> None:
    lab = LABS[lab_id]
    results = run(lab["lab_kind"], lab["solution"], lab["checks"])
    failed = [(r.name, r.message) for r in results if not r.passed]
    assert failed == []


def _sidecar_not_native() -> str:
    solution = LABS["m3-lab-log-sidecar"]["solution"]
    init, rest = solution.split("  containers:\n", 1)
    sidecar = init.split("  initContainers:\n", 1)[1].replace("      restartPolicy: Always\n", "")
    head = init.split("  initContainers:\n", 1)[0]
    return (
        head
        + "  containers:\n"
        + rest.split("  volumes:\n")[0]
        + sidecar
        + "  volumes:\n"
        + rest.split("  volumes:\n")[1]
    )


def _probe_port(text: str, probe: str, port: int) -> str:
    """The solution with `probe`'s port changed (the first `port:` after the probe's key)."""
    head, tail = text.split(f"{probe}:", 1)
    return f"{head}{probe}:" + tail.replace("port: 8000", f"port: {port}", 1)


WRONG = [
    # (lab, how the solution is spoiled, the outcome that fails, what its message names)
    (
        "m3-lab-first-pod",
        lambda s: _probe_port(s, "readinessProbe", 8080),
        "pod/web: running, probes answered",
        "connection refused",
    ),
    (
        "m3-lab-first-pod",
        lambda s: s.replace('cpu: "1"', "cpu: 100m"),
        "pod/web: running, probes answered",
        "must be less than or equal to cpu limit of 100m",
    ),
    (
        "m3-lab-first-pod",
        lambda s: s.replace("memory: 512Mi", "memory: 512mi"),
        "pod/web: running, probes answered",
        "unable to parse quantity's suffix",
    ),
    (
        "m4-lab-fix-deployment",
        lambda s: s.replace(
            "web:3f9c2a1\n",
            "web:3f9c2a1\n          volumeMounts:\n            - {name: data, mountPath: /data}\n",
        ),
        "deployment/web: 3 running, probes answered",
        'volumeMounts[0].name: Not found: "data"',
    ),
    (
        "m4-lab-fix-deployment",
        lambda s: _probe_port(s, "livenessProbe", 8080),
        "deployment/web: 3 running, probes answered",
        "Liveness probe failed",
    ),
    (
        "m4-lab-service-hpa",
        lambda s: _probe_port(s, "readinessProbe", 8080),
        "deployment/web: 1 running, probes answered",
        "connection refused",
    ),
    (
        "m3-lab-log-sidecar",
        lambda s: _sidecar_not_native(),
        "pod/web: access-log runs as a native sidecar",
        "runs as an ordinary container",
    ),
]


@pytest.mark.parametrize(("lab_id", "spoil", "outcome", "named"), WRONG)
def test_wrong_answer_fails_by_outcome(lab_id: str, spoil: Any, outcome: str, named: str) -> None:
    text = spoil(LABS[lab_id]["solution"])
    assert text != LABS[lab_id]["solution"]
    result = _outcomes(lab_id, text)[outcome]
    assert not result.passed
    assert named in result.message


def test_cluster_admin_deleted_from_the_file_still_exists_on_a_cluster() -> None:
    """The learner removes the built-in ClusterRole text and keeps the binding: the static
    evaluator sees no rules, but every real cluster has cluster-admin."""
    starter = LABS["m5-lab-fix-cluster-admin"]["starter"]
    docs = starter.split("---\n")
    binding_only = docs[-1]
    assert "ClusterRoleBinding" in binding_only
    results = _outcomes("m5-lab-fix-cluster-admin", binding_only)
    prod = results["can-i create deployments as dana@example.com -n prod: no"]
    assert not prod.passed
    assert prod.message.endswith("yes")
    assert "built-in roles" in prod.hint


def test_ci_starter_grants_secrets_by_outcome() -> None:
    results = _outcomes("m5-lab-ci-pod-reader", LABS["m5-lab-ci-pod-reader"]["starter"])
    secrets = results["can-i get secrets as system:serviceaccount:staging:ci -n staging: no"]
    assert not secrets.passed
    assert "kubectl auth can-i get secrets --as system:serviceaccount:staging:ci" in secrets.message


def test_sidecar_left_as_an_init_container_without_restart_policy_is_refused() -> None:
    """Probes are allowed only on native sidecars (pkg/apis/core/validation/validation.go)."""
    text = LABS["m3-lab-log-sidecar"]["solution"].replace("      restartPolicy: Always\n", "")
    result = _outcomes("m3-lab-log-sidecar", text)["pod/web: access-log runs as a native sidecar"]
    assert not result.passed
    assert "without restartPolicy=Always" in result.message
    assert result.line == 4  # metadata.name of the refused Pod


def test_yaml_spellings_of_an_outcome_read_back_as_the_sentence() -> None:
    assert sentence({"pod/web": "ready"}) == "pod/web: ready"
    assert sentence({"can-i get pods as bob -n dev": True}) == "can-i get pods as bob -n dev: yes"
    assert sentence(["x"]) is None


def test_spec_problems_name_the_bad_outcome() -> None:
    problems = spec_problems("kubernetes", {"outcomes": ["deployment/web: three available"]})
    assert len(problems) == 1
    assert "outcomes[0]" in problems[0]
    assert "N of N available" in problems[0]
    assert list(outcome_problems("dockerfile", ["builds"])) != []
    assert list(outcome_problems("kubernetes", [])) == [
        "outcomes must be a non-empty list of sentences"
    ]


HOSTILE = [
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"
    "    - {name: web, image: nginx:1.27, ports: [{containerPort: 99999999999999999999999}]}\n",
    "# " + "x" * (64 * 1024) + "\n",
    "apiVersion: v1\nkind: Pod\n" * 500,
    "\x00\x01 ::: [",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("lab_id", ["m3-lab-first-pod", "m5-lab-fix-cluster-admin"])
def test_hostile_files_fail_without_raising(lab_id: str, text: str) -> None:
    lab = LABS[lab_id]
    results = run(lab["lab_kind"], text, lab["checks"])
    assert results
    assert not all(r.passed for r in results)
