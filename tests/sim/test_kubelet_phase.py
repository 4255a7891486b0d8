"""A Pod's phase from its container statuses, as the kubelet's getPhase computes it.

Every case below is transcribed from pkg/kubelet/kubelet_pods_test.go (kubernetes/kubernetes):
TestPodPhaseWithRestartAlways (9), TestPodPhaseWithRestartAlwaysInitContainers (7),
TestPodPhaseWithRestartAlwaysRestartableInitContainers (13),
TestPodPhaseWithRestartAlwaysAndPodHasRun (4) and the first four of TestPodPhaseWithRestartNever.
"""

from __future__ import annotations

from typing import Any

import pytest

from learn.sim.kube.kubelet import get_phase


def running(name: str) -> dict[str, Any]:
    return {"name": name, "state": {"running": {}}}


def started(name: str) -> dict[str, Any]:
    return {"name": name, "state": {"running": {}}, "started": True}


def stopped(name: str) -> dict[str, Any]:
    return {"name": name, "state": {"terminated": {"exitCode": 0}}}


succeeded = stopped


def failed(name: str) -> dict[str, Any]:
    return {"name": name, "state": {"terminated": {"exitCode": -1}}}


def waiting(name: str) -> dict[str, Any]:
    return {"name": name, "state": {"waiting": {"reason": "ContainerCreating"}}}


def waiting_after_zero(name: str) -> dict[str, Any]:
    """waitingStateWithLastTermination."""
    return {**waiting(name), "lastState": {"terminated": {"exitCode": 0}}}


def waiting_after_nonzero(name: str) -> dict[str, Any]:
    """waitingStateWithNonZeroTermination."""
    return {**waiting(name), "lastState": {"terminated": {"exitCode": -1}}}


AB = [{"name": "containerA"}, {"name": "containerB"}]
ALWAYS = {"containers": AB, "restartPolicy": "Always"}
ALWAYS_INIT = {**ALWAYS, "initContainers": [{"name": "containerX"}]}
ALWAYS_SIDECAR = {**ALWAYS, "initContainers": [{"name": "containerX", "restartPolicy": "Always"}]}
HAS_RUN = {
    "containers": [{"name": "containerA"}],
    "initContainers": [{"name": "containerX"}, {"name": "containerY", "restartPolicy": "Always"}],
    "restartPolicy": "Always",
}
NEVER = {"containers": AB, "restartPolicy": "Never"}
A, B, X, Y = "containerA", "containerB", "containerX", "containerY"

CASES = [
    # TestPodPhaseWithRestartAlways
    (ALWAYS, [], False, "Pending", "waiting"),
    (ALWAYS, [running(A), running(B)], False, "Running", "all running"),
    (ALWAYS, [stopped(A), stopped(B)], False, "Running", "all stopped with restart always"),
    (ALWAYS, [succeeded(A), succeeded(B)], True, "Succeeded", "all succeeded, pod terminal"),
    (ALWAYS, [succeeded(A), failed(B)], True, "Failed", "all stopped, pod terminal"),
    (ALWAYS, [running(A), stopped(B)], False, "Running", "mixed state #1"),
    (ALWAYS, [running(A)], False, "Pending", "mixed state #2"),
    (ALWAYS, [running(A), waiting(B)], False, "Pending", "mixed state #3"),
    (ALWAYS, [running(A), waiting_after_zero(B)], False, "Running", "backoff crashloop container"),
    # TestPodPhaseWithRestartAlwaysInitContainers
    (ALWAYS_INIT, [], False, "Pending", "empty, waiting"),
    (ALWAYS_INIT, [running(X)], False, "Pending", "init container running"),
    (ALWAYS_INIT, [failed(X)], False, "Pending", "init container terminated non-zero"),
    (ALWAYS_INIT, [waiting_after_zero(X)], False, "Pending", "init waiting, terminated zero"),
    (ALWAYS_INIT, [waiting_after_nonzero(X)], False, "Pending", "init waiting, terminated non-zero"),
    (ALWAYS_INIT, [waiting(X)], False, "Pending", "init container waiting, not terminated"),
    (ALWAYS_INIT, [succeeded(X), running(A), running(B)], False, "Running", "init container succeeded"),
    # TestPodPhaseWithRestartAlwaysRestartableInitContainers
    (ALWAYS_SIDECAR, [], False, "Pending", "empty, waiting"),
    (ALWAYS_SIDECAR, [running(X)], False, "Pending", "restartable init container running"),
    (ALWAYS_SIDECAR, [stopped(X)], False, "Pending", "restartable init container stopped"),
    (ALWAYS_SIDECAR, [waiting_after_zero(X)], False, "Pending", "restartable init waiting, terminated zero"),
    (ALWAYS_SIDECAR, [waiting_after_nonzero(X)], False, "Pending", "restartable init waiting, terminated non-zero"),
    (ALWAYS_SIDECAR, [waiting(X)], False, "Pending", "restartable init waiting, not terminated"),
    (ALWAYS_SIDECAR, [started(X), running(A)], False, "Pending", "sidecar started, 1/2 running"),
    (ALWAYS_SIDECAR, [started(X), running(A), running(B)], False, "Running", "sidecar started, all running"),
    (ALWAYS_SIDECAR, [running(X), running(A), running(B)], False, "Running", "sidecar running, all running"),
    (ALWAYS_SIDECAR, [stopped(X), running(A), running(B)], False, "Running", "sidecar stopped, all running"),
    (ALWAYS_SIDECAR, [waiting_after_zero(X), running(A), running(B)], False, "Running", "sidecar crashloop, all running"),
    (ALWAYS_SIDECAR, [failed(X), succeeded(A), succeeded(B)], True, "Succeeded", "sidecar failed, regular succeeded, terminal"),
    (ALWAYS_SIDECAR, [succeeded(X), succeeded(A), succeeded(B)], True, "Succeeded", "sidecar succeeded, terminal"),
    # TestPodPhaseWithRestartAlwaysAndPodHasRun
    (HAS_RUN, [running(X), running(Y), running(A)], False, "Pending", "all running, init not done"),
    (HAS_RUN, [running(X), running(Y), stopped(A)], False, "Pending", "regular stopped, inits running"),
    (HAS_RUN, [succeeded(X), running(Y), stopped(A)], False, "Running", "init succeeded, sidecar running, regular stopped"),
    (HAS_RUN, [succeeded(X), running(Y), running(A)], False, "Running", "init succeeded, all running"),
    # TestPodPhaseWithRestartNever (first four)
    (NEVER, [], False, "Pending", "waiting"),
    (NEVER, [running(A), running(B)], False, "Running", "all running with restart never"),
    (NEVER, [succeeded(A), succeeded(B)], False, "Succeeded", "all succeeded with restart never"),
    (NEVER, [failed(A), failed(B)], False, "Failed", "all failed with restart never"),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "statuses", "terminal", "phase", "name"), CASES)
def test_get_phase(
    spec: dict[str, Any], statuses: list[dict[str, Any]], terminal: bool, phase: str, name: str
) -> None:
    assert get_phase(spec, statuses, terminal) == phase, name
