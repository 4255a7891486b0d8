"""`kubectl rollout status` lines, with the cases of kubectl's own tests.

Source: kubernetes/kubernetes staging/src/k8s.io/kubectl/pkg/polymorphichelpers/
rollout_status_test.go — TestDeploymentStatusViewerStatus (5 cases),
TestDaemonSetStatusViewerStatus (4), TestStatefulSetStatusViewerStatus (6),
TestDaemonSetStatusViewerStatusWithWrongUpdateStrategyType (1).
"""

from __future__ import annotations

from typing import Any

import pytest

from learn.sim import Sandbox
from learn.sim.kubectl.rollout import (
    StatusError,
    daemonset_status,
    deployment_status,
    statefulset_status,
)

# (generation, spec replicas, status, message, done)
DEPLOYMENTS = [
    (
        0,
        1,
        {
            "observedGeneration": 1,
            "replicas": 1,
            "updatedReplicas": 0,
            "availableReplicas": 1,
            "unavailableReplicas": 0,
        },
        'Waiting for deployment "foo" rollout to finish: 0 out of 1 new replicas have been updated...\n',
        False,
    ),
    (
        1,
        1,
        {
            "observedGeneration": 1,
            "replicas": 2,
            "updatedReplicas": 1,
            "availableReplicas": 2,
            "unavailableReplicas": 0,
        },
        'Waiting for deployment "foo" rollout to finish: 1 old replicas are pending termination...\n',
        False,
    ),
    (
        1,
        2,
        {
            "observedGeneration": 1,
            "replicas": 2,
            "updatedReplicas": 2,
            "availableReplicas": 1,
            "unavailableReplicas": 1,
        },
        'Waiting for deployment "foo" rollout to finish: 1 of 2 updated replicas are available...\n',
        False,
    ),
    (
        1,
        2,
        {
            "observedGeneration": 1,
            "replicas": 2,
            "updatedReplicas": 2,
            "availableReplicas": 2,
            "unavailableReplicas": 0,
        },
        'deployment "foo" successfully rolled out\n',
        True,
    ),
    (
        2,
        2,
        {
            "observedGeneration": 1,
            "replicas": 2,
            "updatedReplicas": 2,
            "availableReplicas": 2,
            "unavailableReplicas": 0,
        },
        "Waiting for deployment spec update to be observed...\n",
        False,
    ),
]


@pytest.mark.parametrize(("generation", "replicas", "status", "msg", "done"), DEPLOYMENTS)
def test_deployment_status(
    generation: int, replicas: int, status: dict[str, Any], msg: str, done: bool
) -> None:
    obj = {
        "metadata": {"namespace": "bar", "name": "foo", "generation": generation},
        "spec": {"replicas": replicas},
        "status": status,
    }
    assert deployment_status(obj) == (msg, done)


DAEMONSETS = [
    (
        0,
        {
            "observedGeneration": 1,
            "updatedNumberScheduled": 0,
            "desiredNumberScheduled": 1,
            "numberAvailable": 0,
        },
        'Waiting for daemon set "foo" rollout to finish: 0 out of 1 new pods have been updated...\n',
        False,
    ),
    (
        1,
        {
            "observedGeneration": 1,
            "updatedNumberScheduled": 2,
            "desiredNumberScheduled": 2,
            "numberAvailable": 1,
        },
        'Waiting for daemon set "foo" rollout to finish: 1 of 2 updated pods are available...\n',
        False,
    ),
    (
        1,
        {
            "observedGeneration": 1,
            "updatedNumberScheduled": 2,
            "desiredNumberScheduled": 2,
            "numberAvailable": 2,
        },
        'daemon set "foo" successfully rolled out\n',
        True,
    ),
    (
        2,
        {
            "observedGeneration": 1,
            "updatedNumberScheduled": 2,
            "desiredNumberScheduled": 2,
            "numberAvailable": 2,
        },
        "Waiting for daemon set spec update to be observed...\n",
        False,
    ),
]


@pytest.mark.parametrize(("generation", "status", "msg", "done"), DAEMONSETS)
def test_daemonset_status(generation: int, status: dict[str, Any], msg: str, done: bool) -> None:
    obj = {
        "metadata": {"name": "foo", "generation": generation},
        "spec": {"updateStrategy": {"type": "RollingUpdate"}},
        "status": status,
    }
    assert daemonset_status(obj) == (msg, done)


def test_daemonset_with_on_delete_strategy_is_refused() -> None:
    obj = {
        "metadata": {"name": "foo"},
        "spec": {"updateStrategy": {"type": "OnDelete"}},
        "status": {},
    }
    with pytest.raises(
        StatusError, match="^rollout status is only available for RollingUpdate strategy type$"
    ):
        daemonset_status(obj)


ROLLING = {"type": "RollingUpdate"}
PARTITION = {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}

# (generation, strategy, status, message or None for an error, done)
STATEFULSETS = [
    (
        1,
        {"type": "OnDelete"},
        {
            "observedGeneration": 1,
            "replicas": 0,
            "readyReplicas": 1,
            "currentReplicas": 0,
            "updatedReplicas": 0,
        },
        None,
        True,
    ),
    (
        2,
        ROLLING,
        {
            "observedGeneration": 1,
            "replicas": 3,
            "readyReplicas": 3,
            "currentReplicas": 3,
            "updatedReplicas": 0,
        },
        "Waiting for statefulset spec update to be observed...\n",
        False,
    ),
    (
        1,
        ROLLING,
        {
            "observedGeneration": 2,
            "replicas": 3,
            "readyReplicas": 2,
            "currentReplicas": 3,
            "updatedReplicas": 0,
        },
        "Waiting for 1 pods to be ready...\n",
        False,
    ),
    (
        1,
        PARTITION,
        {
            "observedGeneration": 2,
            "replicas": 3,
            "readyReplicas": 3,
            "currentReplicas": 2,
            "updatedReplicas": 1,
        },
        "partitioned roll out complete: 1 new pods have been updated...\n",
        True,
    ),
    (
        1,
        PARTITION,
        {
            "observedGeneration": 2,
            "replicas": 3,
            "readyReplicas": 3,
            "currentReplicas": 3,
            "updatedReplicas": 0,
        },
        "Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...\n",
        False,
    ),
    (
        1,
        ROLLING,
        {
            "observedGeneration": 2,
            "replicas": 3,
            "readyReplicas": 3,
            "currentReplicas": 3,
            "updatedReplicas": 3,
            "currentRevision": "foo",
            "updateRevision": "foo",
        },
        "statefulset rolling update complete 3 pods at revision foo...\n",
        True,
    ),
]


@pytest.mark.parametrize(("generation", "strategy", "status", "msg", "done"), STATEFULSETS)
def test_statefulset_status(
    generation: int, strategy: dict[str, Any], status: dict[str, Any], msg: str | None, done: bool
) -> None:
    obj = {
        "metadata": {"name": "foo", "generation": generation},
        "spec": {"replicas": 3, "updateStrategy": strategy},
        "status": status,
    }
    if msg is None:
        with pytest.raises(StatusError):
            statefulset_status(obj)
        return
    got_msg, got_done = statefulset_status(obj)
    assert got_msg == msg
    # upstream checks only that a case not done is not reported done
    assert not (got_done and not done)


def test_transcribed_case_counts() -> None:
    assert (len(DEPLOYMENTS), len(DAEMONSETS), len(STATEFULSETS)) == (5, 4, 6)


WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
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
        ports:
        - containerPort: 80
"""


def test_rollout_status_waits_in_simulated_time_and_prints_the_real_lines() -> None:
    box = Sandbox.new()
    assert box.run("kubectl apply -f -", stdin=WEB) == (0, "deployment.apps/web created\n")
    code, out = box.run("kubectl rollout status deployment/web")
    lines = out.splitlines()
    assert code == 0, out
    assert lines[-1] == 'deployment "web" successfully rolled out'
    assert all(
        line.startswith('Waiting for deployment "web" rollout to finish: ') for line in lines[:-1]
    ), out
    assert box.now > 0  # time passed while it waited
    # once done, it answers at once
    at = box.now
    assert box.run("kubectl rollout status deploy/web") == (
        0,
        'deployment "web" successfully rolled out\n',
    )
    assert box.now == at


def test_rollout_status_with_timeout_gives_up_as_kubectl_does() -> None:
    box = Sandbox.new()
    box.run("kubectl apply -f -", stdin=WEB)  # pulls and starts take longer than 5 s
    code, out = box.run("kubectl rollout status deployment/web --timeout=5s")
    assert code == 1
    assert out.endswith("error: timed out waiting for the condition\n")
