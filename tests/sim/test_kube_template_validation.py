"""A workload's pod template is validated as a Pod is, on create and on every update.

Sources (kubernetes/kubernetes):
- pkg/apis/apps/validation/validation.go: ValidateDeployment/ReplicaSet/DaemonSet/
  StatefulSet (and their *Update functions, which validate the new spec again) call
  corevalidation.ValidatePodTemplateSpec on spec.template; pkg/apis/batch/validation/
  validation.go does the same for a Job's spec.template and a CronJob's
  spec.jobTemplate.spec.template.
- pkg/apis/core/validation/validation.go ValidateContainerResourceRequirements: `must be
  less than or equal to memory limit of 512Mi`; validateContainerPorts `must be between 1
  and 65535, inclusive`; ValidateVolumeMounts `Not found: "data"`; validateInitContainers
  `may not be set for init containers without restartPolicy=Always`.
- A PATCH (kubectl apply on an existing object, kubectl set resources) is validated like a
  PUT (staging/src/k8s.io/apiserver/pkg/registry/rest/update.go BeforeUpdate ->
  ValidateUpdate).
"""

from __future__ import annotations

import pytest

from learn.sim import Sandbox

CONTAINER = """\
      - name: web
        image: nginx:1.27
{extra}"""

TOO_MUCH = "        resources: {requests: {memory: 1Gi}, limits: {memory: 512Mi}}\n"
INVALID_REQUESTS = (
    'spec.template.spec.containers[0].resources.requests: Invalid value: "1Gi": '
    "must be less than or equal to memory limit of 512Mi"
)

HEADS = {
    "Deployment": "apps/v1", "ReplicaSet": "apps/v1", "DaemonSet": "apps/v1",
    "StatefulSet": "apps/v1", "Job": "batch/v1",
}  # fmt: skip


def _workload(kind: str, extra: str = "") -> str:
    spec = "  selector: {matchLabels: {app: web}}\n"
    if kind == "StatefulSet":
        spec += "  serviceName: web\n"
    if kind == "Job":
        spec = ""
    restart = "Never" if kind == "Job" else "Always"
    return (
        f"apiVersion: {HEADS[kind]}\nkind: {kind}\nmetadata: {{name: web}}\nspec:\n{spec}"
        "  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
        f"      restartPolicy: {restart}\n      containers:\n" + CONTAINER.format(extra=extra)
    )


@pytest.mark.parametrize("kind", sorted(HEADS))
def test_requests_over_limits_in_a_template_are_refused_at_create(kind: str) -> None:
    box = Sandbox.new()
    assert box.run("kubectl apply -f -", stdin=_workload(kind, TOO_MUCH)) == (
        1,
        f'The {kind} "web" is invalid: {INVALID_REQUESTS}\n',
    )
    assert box.world.state["kube"]["objects"] == {}


def test_a_cronjobs_job_template_is_validated_too() -> None:
    text = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: web}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: web
            image: busybox:1.36
            resources: {requests: {memory: 1Gi}, limits: {memory: 512Mi}}
"""
    box = Sandbox.new()
    assert box.run("kubectl apply -f -", stdin=text) == (
        1,
        f'The CronJob "web" is invalid: spec.jobTemplate.{INVALID_REQUESTS}\n',
    )


@pytest.mark.parametrize("kind", ["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet"])
def test_an_update_that_breaks_the_template_is_refused_and_changes_nothing(kind: str) -> None:
    box = Sandbox.new()
    code, out = box.run("kubectl apply -f -", stdin=_workload(kind))
    assert code == 0, out
    before = box.run(f"kubectl get {kind.lower()} web -o yaml")[1]
    assert box.run("kubectl apply -f -", stdin=_workload(kind, TOO_MUCH)) == (
        1,
        f'The {kind} "web" is invalid: {INVALID_REQUESTS}\n',
    )
    assert box.run(
        f"kubectl set resources {kind.lower()} web --requests=memory=1Gi --limits=memory=512Mi"
    ) == (1, f'The {kind} "web" is invalid: {INVALID_REQUESTS}\n')
    assert box.run(f"kubectl get {kind.lower()} web -o yaml")[1] == before


def test_the_other_pod_rules_apply_to_templates() -> None:
    box = Sandbox.new()
    extra = (
        "        ports: [{containerPort: 70000}]\n"
        "        volumeMounts: [{name: data, mountPath: /data}]\n"
    )
    assert box.run("kubectl apply -f -", stdin=_workload("Deployment", extra)) == (
        1,
        'The Deployment "web" is invalid: \n'
        "* spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: "
        "must be between 1 and 65535, inclusive\n"
        '* spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"\n',
    )
    init = _workload("Deployment").replace(
        "      containers:\n",
        "      initContainers:\n      - name: init\n        image: busybox:1.36\n"
        "        readinessProbe: {exec: {command: ['true']}}\n      containers:\n",
    )
    assert box.run("kubectl apply -f -", stdin=init) == (
        1,
        'The Deployment "web" is invalid: spec.template.spec.initContainers[0].readinessProbe: '
        "Forbidden: may not be set for init containers without restartPolicy=Always\n",
    )
