"""kubectl's table cells, with the cases of the API server's own printer tests.

Source: kubernetes/kubernetes pkg/printers/internalversion/printers_test.go — TestPrintPod
(21 cases), TestPrintPodWithRestartableInitContainer (5), TestPrintPodwide (first case),
TestPrintServiceLoadBalancer (5), and the tabwriter layout kubectl prints them with
(printers.GetNewTabWriter: minwidth 6, padding 3; describe's tabbedString: padding 2).
Go structs are written as the JSON the API returns; `time.Now().Add(-10 * time.Second)` is
ten seconds before the simulated now.
"""

from __future__ import annotations

from typing import Any

import pytest

from learn.sim.kube.resources import lookup
from learn.sim.kubectl import printers
from learn.sim.world import World, new_state

NOW = 30 * 24 * 3600 * 1000  # a month into the simulation, so "5d ago" fits


def world() -> World:
    w = World(new_state(seed="printers"))
    w.state["now"] = NOW
    return w


def ago(seconds: int) -> str:
    return world().timestamp(NOW - seconds * 1000)


def cs(
    *,
    ready: bool = False,
    restarts: int = 0,
    state: dict[str, Any] | None = None,
    last_finished: int | None = None,
    name: str = "",
    started: bool | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"ready": ready, "restartCount": restarts, "state": state or {}}
    if name:
        out["name"] = name
    if last_finished is not None:
        out["lastState"] = {"terminated": {"finishedAt": ago(last_finished)}}
    if started is not None:
        out["started"] = started
    return out


RUNNING = {"running": {}}
WAITING = {"waiting": {}}
D = 24 * 3600


def pod(
    name: str,
    containers: int,
    status: dict[str, Any],
    *,
    init: list[dict[str, Any]] | int = 0,
    deleting: bool = False,
) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{} for _ in range(containers)]}
    if isinstance(init, int):
        if init:
            spec["initContainers"] = [{} for _ in range(init)]
    else:
        spec["initContainers"] = init
    meta: dict[str, Any] = {"name": name}
    if deleting:
        meta["deletionTimestamp"] = ago(10)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


# TestPrintPod
PRINT_POD = [
    (
        pod(
            "test1",
            2,
            {
                "phase": "podPhase",
                "containerStatuses": [cs(ready=True, restarts=3, state=RUNNING), cs(restarts=3)],
            },
        ),
        ["test1", "1/2", "podPhase", "6", "<unknown>"],
    ),
    (
        pod(
            "test2",
            2,
            {
                "phase": "podPhase",
                "containerStatuses": [
                    cs(ready=True, restarts=3, state=RUNNING),
                    cs(state={"waiting": {"reason": "ContainerWaitingReason"}}, restarts=3),
                ],
            },
        ),
        ["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"],
    ),
    (
        pod(
            "test3",
            2,
            {
                "phase": "podPhase",
                "containerStatuses": [
                    cs(state={"waiting": {"reason": "ContainerWaitingReason"}}, restarts=3),
                    cs(state={"terminated": {"reason": "ContainerTerminatedReason"}}, restarts=3),
                ],
            },
        ),
        ["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"],
    ),
    (
        pod(
            "test4",
            2,
            {
                "phase": "podPhase",
                "containerStatuses": [
                    cs(ready=True, restarts=3, state=RUNNING),
                    cs(ready=True, restarts=3),
                ],
            },
        ),
        ["test4", "1/2", "podPhase", "6", "<unknown>"],
    ),
    (
        pod(
            "test5",
            2,
            {
                "reason": "podReason",
                "phase": "podPhase",
                "containerStatuses": [
                    cs(ready=True, restarts=3, state=RUNNING),
                    cs(ready=True, restarts=3),
                ],
            },
        ),
        ["test5", "1/2", "podReason", "6", "<unknown>"],
    ),
    (
        pod(
            "test6",
            2,
            {
                "phase": "Running",
                "containerStatuses": [
                    cs(
                        ready=True,
                        restarts=3,
                        state={"terminated": {"reason": "Completed", "exitCode": 0}},
                    ),
                    cs(ready=True, restarts=3, state=RUNNING),
                ],
            },
        ),
        ["test6", "1/2", "NotReady", "6", "<unknown>"],
    ),
    (
        pod(
            "test6",
            2,
            {
                "phase": "Running",
                "containerStatuses": [
                    cs(
                        ready=True,
                        restarts=3,
                        state={"terminated": {"reason": "Completed", "exitCode": 0}},
                    ),
                    cs(ready=True, restarts=3, state=RUNNING),
                ],
                "conditions": [{"type": "Ready", "status": "True"}],
            },
        ),
        ["test6", "1/2", "Running", "6", "<unknown>"],
    ),
    (
        pod(
            "test7",
            1,
            {
                "phase": "podPhase",
                "initContainerStatuses": [cs(restarts=3, state=RUNNING, last_finished=10)],
                "containerStatuses": [cs(state=WAITING)],
            },
            init=1,
        ),
        ["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"],
    ),
    (
        pod(
            "test8",
            1,
            {
                "phase": "podPhase",
                "initContainerStatuses": [
                    cs(restarts=3, state=RUNNING, last_finished=10),
                    cs(state=WAITING),
                ],
                "containerStatuses": [cs(state=WAITING)],
            },
            init=2,
        ),
        ["test8", "0/1", "Init:0/2", "3 (10s ago)", "<unknown>"],
    ),
    (
        pod(
            "test9",
            1,
            {
                "phase": "podPhase",
                "initContainerStatuses": [
                    cs(state={"terminated": {}}),
                    cs(restarts=3, state=RUNNING, last_finished=10),
                ],
                "containerStatuses": [cs(state=WAITING)],
            },
            init=2,
        ),
        ["test9", "0/1", "Init:1/2", "3 (10s ago)", "<unknown>"],
    ),
    (
        pod(
            "test10",
            1,
            {
                "phase": "podPhase",
                "initContainerStatuses": [
                    cs(restarts=2, state={"terminated": {}}, last_finished=120),
                    cs(restarts=3, state=RUNNING, last_finished=10),
                ],
                "containerStatuses": [cs(state=WAITING)],
            },
            init=2,
        ),
        ["test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"],
    ),
    (
        pod(
            "test11",
            1,
            {
                "phase": "Running",
                "initContainerStatuses": [
                    cs(restarts=2, state={"terminated": {}}, last_finished=120)
                ],
                "containerStatuses": [cs(restarts=4, state=RUNNING, last_finished=20)],
            },
            init=1,
        ),
        ["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"],
    ),
    (
        pod(
            "test12",
            1,
            {
                "phase": "Running",
                "containerStatuses": [
                    cs(ready=True, restarts=3, state=RUNNING, last_finished=5 * D)
                ],
            },
        ),
        ["test12", "1/1", "Running", "3 (5d ago)", "<unknown>"],
    ),
    (
        pod(
            "test13",
            2,
            {
                "phase": "Running",
                "containerStatuses": [
                    cs(ready=True, state=RUNNING),
                    cs(ready=True, restarts=3, state=RUNNING, last_finished=10 * D),
                ],
            },
        ),
        ["test13", "2/2", "Running", "3 (10d ago)", "<unknown>"],
    ),
    (
        pod(
            "test14",
            2,
            {
                "phase": "Running",
                "containerStatuses": [
                    cs(ready=True, restarts=6, state=RUNNING, last_finished=5 * D),
                    cs(ready=True, restarts=3, state=RUNNING, last_finished=20 * D),
                ],
            },
        ),
        ["test14", "2/2", "Running", "9 (5d ago)", "<unknown>"],
    ),
    (
        pod(
            "test15",
            2,
            {
                "phase": "podPhase",
                "conditions": [
                    {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}
                ],
            },
        ),
        ["test15", "0/2", "SchedulingGated", "0", "<unknown>"],
    ),
    (
        pod(
            "test16",
            1,
            {
                "phase": "Succeeded",
                "containerStatuses": [
                    cs(state={"terminated": {"reason": "Completed", "exitCode": 0}})
                ],
            },
        ),
        ["test16", "0/1", "Completed", "0", "<unknown>"],
    ),
    (
        pod(
            "test17",
            1,
            {
                "phase": "Failed",
                "containerStatuses": [cs(state={"terminated": {"reason": "Error", "exitCode": 1}})],
            },
        ),
        ["test17", "0/1", "Error", "0", "<unknown>"],
    ),
    (
        pod(
            "test18",
            1,
            {
                "phase": "Succeeded",
                "containerStatuses": [
                    cs(state={"terminated": {"reason": "Completed", "exitCode": 0}})
                ],
            },
            deleting=True,
        ),
        ["test18", "0/1", "Completed", "0", "<unknown>"],
    ),
    (
        pod(
            "test19",
            1,
            {"phase": "Running", "containerStatuses": [cs(state=RUNNING)]},
            deleting=True,
        ),
        ["test19", "0/1", "Terminating", "0", "<unknown>"],
    ),
    (
        pod("test20", 1, {"phase": "Pending"}, deleting=True),
        ["test20", "0/1", "Terminating", "0", "<unknown>"],
    ),
]

_SIDECARS = [
    {"name": "restartable-init-1", "restartPolicy": "Always"},
    {"name": "restartable-init-2", "restartPolicy": "Always"},
]

# TestPrintPodWithRestartableInitContainer
RESTARTABLE = [
    (
        pod(
            "test1",
            1,
            {
                "phase": "Pending",
                "initContainerStatuses": [
                    cs(
                        name="restartable-init-1",
                        restarts=3,
                        state=RUNNING,
                        started=False,
                        last_finished=10,
                    ),
                    cs(name="restartable-init-2", state=WAITING, started=False),
                ],
                "containerStatuses": [cs(state=WAITING)],
                "conditions": [{"type": "Initialized", "status": "False"}],
            },
            init=_SIDECARS,
        ),
        ["test1", "0/3", "Init:0/2", "3 (10s ago)", "<unknown>"],
    ),
    (
        pod(
            "test1",
            1,
            {
                "phase": "Pending",
                "initContainerStatuses": [
                    cs(
                        name="restartable-init-1",
                        restarts=3,
                        state=RUNNING,
                        started=True,
                        last_finished=10,
                    ),
                    cs(name="restartable-init-2", state=RUNNING, started=False),
                ],
                "containerStatuses": [cs(state=WAITING)],
                "conditions": [{"type": "Initialized", "status": "False"}],
            },
            init=_SIDECARS,
        ),
        ["test1", "0/3", "Init:1/2", "3 (10s ago)", "<unknown>"],
    ),
    (
        pod(
            "test2",
            1,
            {
                "phase": "Running",
                "initContainerStatuses": [
                    cs(
                        name="restartable-init-1",
                        restarts=3,
                        state=RUNNING,
                        started=True,
                        last_finished=10,
                    ),
                    cs(name="restartable-init-2", state=RUNNING, started=True),
                ],
                "containerStatuses": [cs(ready=True, restarts=4, state=RUNNING, last_finished=20)],
                "conditions": [{"type": "Initialized", "status": "True"}],
            },
            init=_SIDECARS,
        ),
        ["test2", "1/3", "Running", "7 (10s ago)", "<unknown>"],
    ),
    (
        pod(
            "test3",
            1,
            {
                "phase": "Succeeded",
                "initContainerStatuses": [
                    cs(
                        name="restartable-init-1",
                        restarts=3,
                        state={"terminated": {"reason": "Error", "exitCode": 137}},
                        started=False,
                        last_finished=10,
                    ),
                    cs(
                        name="restartable-init-2",
                        state={"terminated": {"reason": "Error", "exitCode": 137}},
                        started=False,
                    ),
                ],
                "containerStatuses": [
                    cs(
                        restarts=4,
                        state={"terminated": {"reason": "Completed", "exitCode": 0}},
                        last_finished=20,
                    )
                ],
                "conditions": [{"type": "Initialized", "status": "True"}],
            },
            init=_SIDECARS,
        ),
        ["test3", "0/3", "Completed", "7 (10s ago)", "<unknown>"],
    ),
    (
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "test4"},
            "spec": {
                "initContainers": [
                    {"name": "init1", "image": "initimage"},
                    {"name": "sidecar1", "image": "sidecarimage", "restartPolicy": "Always"},
                ],
                "containers": [{"name": "container1", "image": "containerimage"}],
            },
            "status": {
                "phase": "Running",
                "initContainerStatuses": [
                    {"name": "initinvalid"},
                    {"name": "init1"},
                    {"name": "sidecar1"},
                ],
                "containerStatuses": [{"name": "containerinvalid"}, {"name": "container1"}],
            },
        },
        ["test4", "0/2", "Init:0/2", "0", "<unknown>"],
    ),
]


@pytest.mark.parametrize(("obj", "want"), PRINT_POD + RESTARTABLE)
def test_pod_row(obj: dict[str, Any], want: list[str]) -> None:
    pods = lookup("pods")
    assert pods is not None
    assert printers.row(world(), pods, obj, wide=False) == want


def test_pod_wide_row() -> None:
    # TestPrintPodwide, first case: IP, node, nominated node, readiness gates 1/3.
    obj = pod(
        "test1",
        2,
        {
            "conditions": [
                {"type": "condition1", "status": "False"},
                {"type": "condition2", "status": "True"},
            ],
            "phase": "podPhase",
            "podIPs": [{"ip": "1.1.1.1"}],
            "containerStatuses": [cs(ready=True, restarts=3, state=RUNNING), cs(restarts=3)],
            "nominatedNodeName": "node1",
        },
    )
    obj["spec"]["nodeName"] = "test1"
    obj["spec"]["readinessGates"] = [
        {"conditionType": "condition1"},
        {"conditionType": "condition2"},
        {"conditionType": "condition3"},
    ]
    pods = lookup("pods")
    assert pods is not None
    assert printers.row(world(), pods, obj, wide=True) == [
        "test1",
        "1/2",
        "podPhase",
        "6",
        "<unknown>",
        "1.1.1.1",
        "test1",
        "node1",
        "1/3",
    ]


def svc(
    name: str,
    ip: str,
    ports: list[tuple[int, str]],
    ingress: list[dict[str, str]] | None = None,
    selector: dict[str, str] | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "clusterIPs": [ip],
        "type": "LoadBalancer",
        "ports": [{"port": p, "protocol": proto} for p, proto in ports],
    }
    if selector:
        spec["selector"] = selector
    status = {"loadBalancer": {"ingress": ingress}} if ingress else {}
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": spec,
        "status": status,
    }


THREE = [(80, "TCP"), (8090, "UDP"), (8000, "TCP")]
LB_IPS = [{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}, {"ip": "5.6.7.8", "hostname": "host5678"}]

# TestPrintServiceLoadBalancer
SERVICES = [
    (
        svc("service1", "1.2.3.4", [(80, "TCP")], [{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}]),
        False,
        ["service1", "LoadBalancer", "1.2.3.4", "2.3.4.5,3.4.5.6", "80/TCP", "<unknown>"],
    ),
    (
        svc("service2", "1.3.4.5", [(80, "TCP"), (8090, "UDP"), (8000, "TCP"), (7777, "SCTP")]),
        False,
        [
            "service2",
            "LoadBalancer",
            "1.3.4.5",
            "<pending>",
            "80/TCP,8090/UDP,8000/TCP,7777/SCTP",
            "<unknown>",
        ],
    ),
    (
        svc("service3", "1.4.5.6", THREE, [{"ip": "2.3.4.5"}]),
        False,
        ["service3", "LoadBalancer", "1.4.5.6", "2.3.4.5", "80/TCP,8090/UDP,8000/TCP", "<unknown>"],
    ),
    (
        svc("service4", "1.5.6.7", THREE, LB_IPS),
        False,
        [
            "service4",
            "LoadBalancer",
            "1.5.6.7",
            "2.3.4.5,3.4.5...",
            "80/TCP,8090/UDP,8000/TCP",
            "<unknown>",
        ],
    ),
    (
        svc("service4", "1.5.6.7", THREE, LB_IPS, {"foo": "bar"}),
        True,
        [
            "service4",
            "LoadBalancer",
            "1.5.6.7",
            "2.3.4.5,3.4.5.6,5.6.7.8",
            "80/TCP,8090/UDP,8000/TCP",
            "<unknown>",
            "foo=bar",
        ],
    ),
]


@pytest.mark.parametrize(("obj", "wide", "want"), SERVICES)
def test_service_row(obj: dict[str, Any], wide: bool, want: list[str]) -> None:
    services = lookup("services")
    assert services is not None
    assert printers.row(world(), services, obj, wide=wide) == want


def test_transcribed_case_counts() -> None:
    assert (len(PRINT_POD), len(RESTARTABLE), len(SERVICES)) == (21, 5, 5)


def test_table_layout_is_kubectls_tabwriter() -> None:
    # minwidth 6, padding 3, last column unpadded: `kubectl get ns` on a fresh kind cluster.
    text = printers.render(
        [
            ["NAME", "STATUS", "AGE"],
            ["default", "Active", "2m"],
            ["kube-node-lease", "Active", "2m"],
        ]
    )
    assert (
        text
        == "NAME              STATUS   AGE\ndefault           Active   2m\nkube-node-lease   Active   2m\n"
    )


def test_describe_tabwriter_aligns_column_blocks_of_adjacent_lines() -> None:
    # A line without a tab ends a block: describe pod's `IPs:` line splits the alignment.
    text = printers.tabwrite(
        "Name:\tweb\nService Account:\tdefault\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/x\n"
    )
    assert (
        text
        == "Name:             web\nService Account:  default\nIPs:\n  IP:           10.0.0.1\nControlled By:  ReplicaSet/x\n"
    )
