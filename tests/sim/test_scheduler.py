"""The scheduler's filters, its FailedScheduling message and its binding, against the
upstream plugins' own test tables (each named above its table)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from learn.sim import Sandbox
from learn.sim.kube import api, scheduler

# --------------------------------------------------------------------------- NodeResourcesFit

# pkg/scheduler/framework/plugins/noderesources/fit_test.go: the node of TestEnoughRequests
# (makeAllocatableResources(10, 20, 32, 5, 20, 5): 10m cpu, 20 bytes of memory, 32 pods,
# 5 of example.com/aaa, 20 of ephemeral storage).
EXT_A, EXT_B = "example.com/aaa", "example.com/bbb"


def _node(used: dict[str, int]) -> scheduler.NodeInfo:
    node = {
        "metadata": {"name": "node"},
        "status": {
            "allocatable": {
                "cpu": "10m",
                "memory": "20",
                "pods": "32",
                EXT_A: "5",
                "ephemeral-storage": "20",
            }
        },
    }
    info = scheduler.node_info(node)
    if used:
        info.add(_resource_pod([used]))
    return info


def _quantities(req: dict[str, int]) -> dict[str, str]:
    return {name: (f"{value}m" if name == "cpu" else str(value)) for name, value in req.items()}


def _resource_pod(
    containers: list[dict[str, int]], init: list[dict[str, int]] | None = None
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "containers": [
            {"name": f"c{i}", "resources": {"requests": _quantities(r)}}
            for i, r in enumerate(containers)
        ]
    }
    if init:
        spec["initContainers"] = [
            {"name": f"i{i}", "resources": {"requests": _quantities(r)}} for i, r in enumerate(init)
        ]
    return {"metadata": {"name": "p"}, "spec": spec}


# (name, containers, init containers, used on the node, reasons, unresolvable)
FIT = [
    ("no resources requested always fits", [], None, {"cpu": 10, "memory": 20}, [], False),
    (
        "too many resources fails",
        [{"cpu": 1, "memory": 1}],
        None,
        {"cpu": 10, "memory": 20},
        ["Insufficient cpu", "Insufficient memory"],
        False,
    ),
    (
        "too many resources fails due to init container cpu",
        [{"cpu": 1, "memory": 1}],
        [{"cpu": 3, "memory": 1}],
        {"cpu": 8, "memory": 19},
        ["Insufficient cpu"],
        False,
    ),
    (
        "too many resources fails due to highest init container cpu",
        [{"cpu": 1, "memory": 1}],
        [{"cpu": 3, "memory": 1}, {"cpu": 2, "memory": 1}],
        {"cpu": 8, "memory": 19},
        ["Insufficient cpu"],
        False,
    ),
    (
        "too many resources fails due to init container memory",
        [{"cpu": 1, "memory": 1}],
        [{"cpu": 1, "memory": 3}],
        {"cpu": 9, "memory": 19},
        ["Insufficient memory"],
        False,
    ),
    (
        "too many resources fails due to highest init container memory",
        [{"cpu": 1, "memory": 1}],
        [{"cpu": 1, "memory": 3}, {"cpu": 1, "memory": 2}],
        {"cpu": 9, "memory": 19},
        ["Insufficient memory"],
        False,
    ),
    (
        "init container fits because it's the max, not sum, of containers and init containers",
        [{"cpu": 1, "memory": 1}],
        [{"cpu": 1, "memory": 1}],
        {"cpu": 9, "memory": 19},
        [],
        False,
    ),
    (
        "multiple init containers fit because it's the max, not sum, of containers and init containers",
        [{"cpu": 1, "memory": 1}],
        [{"cpu": 1, "memory": 1}, {"cpu": 1, "memory": 1}],
        {"cpu": 9, "memory": 19},
        [],
        False,
    ),
    ("both resources fit", [{"cpu": 1, "memory": 1}], None, {"cpu": 5, "memory": 5}, [], False),
    (
        "one resource memory fits",
        [{"cpu": 2, "memory": 1}],
        None,
        {"cpu": 9, "memory": 5},
        ["Insufficient cpu"],
        False,
    ),
    (
        "one resource cpu fits",
        [{"cpu": 1, "memory": 2}],
        None,
        {"cpu": 5, "memory": 19},
        ["Insufficient memory"],
        False,
    ),
    ("equal edge case", [{"cpu": 5, "memory": 1}], None, {"cpu": 5, "memory": 19}, [], False),
    (
        "equal edge case for init container",
        [{"cpu": 4, "memory": 1}],
        [{"cpu": 5, "memory": 1}],
        {"cpu": 5, "memory": 19},
        [],
        False,
    ),
    ("extended resource fits", [{EXT_A: 1}], None, {}, [], False),
    ("extended resource fits for init container", [{}], [{EXT_A: 1}], {}, [], False),
    (
        "extended resource capacity enforced",
        [{"cpu": 1, "memory": 1, EXT_A: 10}],
        None,
        {EXT_A: 0},
        [f"Insufficient {EXT_A}"],
        True,
    ),
    (
        "extended resource capacity enforced for init container",
        [{}],
        [{"cpu": 1, "memory": 1, EXT_A: 10}],
        {EXT_A: 0},
        [f"Insufficient {EXT_A}"],
        True,
    ),
    (
        "extended resource allocatable enforced",
        [{"cpu": 1, "memory": 1, EXT_A: 1}],
        None,
        {EXT_A: 5},
        [f"Insufficient {EXT_A}"],
        False,
    ),
    (
        "extended resource allocatable enforced for init container",
        [{}],
        [{"cpu": 1, "memory": 1, EXT_A: 1}],
        {EXT_A: 5},
        [f"Insufficient {EXT_A}"],
        False,
    ),
    (
        "extended resource allocatable enforced for multiple containers",
        [{"cpu": 1, "memory": 1, EXT_A: 3}, {"cpu": 1, "memory": 1, EXT_A: 3}],
        None,
        {EXT_A: 2},
        [f"Insufficient {EXT_A}"],
        True,
    ),
    (
        "extended resource allocatable admits multiple init containers",
        [{}],
        [{"cpu": 1, "memory": 1, EXT_A: 3}, {"cpu": 1, "memory": 1, EXT_A: 3}],
        {EXT_A: 2},
        [],
        False,
    ),
    (
        "extended resource allocatable enforced for multiple init containers",
        [{}],
        [{"cpu": 1, "memory": 1, EXT_A: 6}, {"cpu": 1, "memory": 1, EXT_A: 3}],
        {EXT_A: 2},
        [f"Insufficient {EXT_A}"],
        True,
    ),
    (
        "extended resource allocatable enforced for unknown resource",
        [{"cpu": 1, "memory": 1, EXT_B: 1}],
        None,
        {},
        [f"Insufficient {EXT_B}"],
        True,
    ),
    (
        "extended resource allocatable enforced for unknown resource for init container",
        [{}],
        [{"cpu": 1, "memory": 1, EXT_B: 1}],
        {},
        [f"Insufficient {EXT_B}"],
        True,
    ),
]


@pytest.mark.parametrize(
    ("name", "containers", "init", "used", "reasons", "unresolvable"), FIT, ids=[c[0] for c in FIT]
)
def test_fit(
    name: str,
    containers: list[dict[str, int]],
    init: list[dict[str, int]] | None,
    used: dict[str, int],
    reasons: list[str],
    unresolvable: bool,
) -> None:
    pod = _resource_pod(containers, init) if containers else {"metadata": {"name": "p"}, "spec": {}}
    status = scheduler.filter_resources(pod, _node(used))
    if not reasons:
        assert status is None
    else:
        assert status == scheduler.Status(tuple(reasons), unresolvable)


def test_too_many_pods() -> None:
    # fitsRequest: "Too many pods" when the node's pod count is reached.
    info = scheduler.node_info(
        {
            "metadata": {"name": "n"},
            "status": {"allocatable": {"cpu": "1", "memory": "1Gi", "pods": "1"}},
        }
    )
    info.add({"spec": {"containers": []}})
    assert scheduler.filter_resources({"spec": {"containers": []}}, info) == scheduler.Status(
        ("Too many pods",), False
    )


def test_native_sidecars_add_to_the_request() -> None:
    # resourcehelper.PodRequests: a restartable init container runs beside the others.
    pod = {
        "spec": {
            "initContainers": [
                {
                    "name": "log",
                    "restartPolicy": "Always",
                    "resources": {"requests": {"cpu": "200m"}},
                },
                {"name": "migrate", "resources": {"requests": {"cpu": "500m"}}},
            ],
            "containers": [
                {"name": "app", "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}}
            ],
        }
    }
    assert scheduler.pod_requests(pod) == {"cpu": 700, "memory": 64 * 1024 * 1024}


# --------------------------------------------------------------------------- TaintToleration

# pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go,
# TestTaintTolerationFilter: (tolerations, taints, expected reason or None).
TAINTS = [
    (
        [],
        [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}],
        "node(s) had untolerated taint {dedicated: user1}",
    ),
    (
        [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}],
        [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}],
        None,
    ),
    (
        [{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}],
        [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}],
        "node(s) had untolerated taint {dedicated: user1}",
    ),
    (
        [{"key": "foo", "operator": "Exists", "effect": "NoSchedule"}],
        [{"key": "foo", "value": "bar", "effect": "NoSchedule"}],
        None,
    ),
    (
        [
            {"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"},
            {"key": "foo", "operator": "Exists", "effect": "NoSchedule"},
        ],
        [
            {"key": "dedicated", "value": "user2", "effect": "NoSchedule"},
            {"key": "foo", "value": "bar", "effect": "NoSchedule"},
        ],
        None,
    ),
    (
        [{"key": "foo", "operator": "Equal", "value": "bar", "effect": "PreferNoSchedule"}],
        [{"key": "foo", "value": "bar", "effect": "NoSchedule"}],
        "node(s) had untolerated taint {foo: bar}",
    ),
    (
        [{"key": "foo", "operator": "Equal", "value": "bar"}],
        [{"key": "foo", "value": "bar", "effect": "NoSchedule"}],
        None,
    ),
    (
        [{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}],
        [{"key": "dedicated", "value": "user1", "effect": "PreferNoSchedule"}],
        None,
    ),
    ([], [{"key": "dedicated", "value": "user1", "effect": "PreferNoSchedule"}], None),
]


@pytest.mark.parametrize(("tolerations", "taints", "reason"), TAINTS)
def test_taint_toleration_filter(
    tolerations: list[dict[str, str]], taints: list[dict[str, str]], reason: str | None
) -> None:
    info = scheduler.node_info({"metadata": {"name": "nodeA"}, "spec": {"taints": taints}})
    status = scheduler.filter_taints({"spec": {"tolerations": tolerations}}, info)
    assert status == (None if reason is None else scheduler.Status((reason,), True))


# --------------------------------------------------------------------------- NodeUnschedulable


# nodeunschedulable/node_unschedulable_test.go, TestNodeUnschedulable.
@pytest.mark.parametrize(
    ("tolerations", "unschedulable", "refused"),
    [
        ([], True, True),
        ([], False, False),
        ([{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}], True, False),
    ],
)
def test_node_unschedulable(
    tolerations: list[dict[str, str]], unschedulable: bool, refused: bool
) -> None:
    info = scheduler.node_info(
        {"metadata": {"name": "n"}, "spec": {"unschedulable": unschedulable}}
    )
    status = scheduler.filter_unschedulable({"spec": {"tolerations": tolerations}}, info)
    assert status == (scheduler.Status(("node(s) were unschedulable",), True) if refused else None)


# --------------------------------------------------------------------------- NodeAffinity


def _required(*terms: dict[str, Any]) -> dict[str, Any]:
    return {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}
        }
    }


def _expr(key: str, operator: str, *values: str) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "operator": operator}
    if values:
        out["values"] = list(values)
    return out


# nodeaffinity/node_affinity_test.go, TestNodeAffinity: (pod spec, node labels, node name,
# whether the node matches).
AFFINITY = [
    ({"nodeSelector": {"foo": "bar"}}, {}, "node", False),
    ({"nodeSelector": {"foo": "bar"}}, {"foo": "bar"}, "node", True),
    ({"nodeSelector": {"foo": "bar"}}, {"foo": "bar", "baz": "blah"}, "node", True),
    ({"nodeSelector": {"foo": "bar", "baz": "blah"}}, {"foo": "bar"}, "node", False),
    (
        {"affinity": _required({"matchExpressions": [_expr("foo", "In", "bar", "value2")]})},
        {"foo": "bar"},
        "node",
        True,
    ),
    (
        {"affinity": _required({"matchExpressions": [_expr("kernel-version", "Gt", "0204")]})},
        {"kernel-version": "0206"},
        "node",
        True,
    ),
    (
        {"affinity": _required({"matchExpressions": [_expr("mem-type", "NotIn", "DDR", "DDR2")]})},
        {"mem-type": "DDR3"},
        "node",
        True,
    ),
    (
        {"affinity": _required({"matchExpressions": [_expr("GPU", "Exists")]})},
        {"GPU": "NVIDIA-GRID-K1"},
        "node",
        True,
    ),
    (
        {"affinity": _required({"matchExpressions": [_expr("foo", "In", "value1", "value2")]})},
        {"foo": "bar"},
        "node",
        False,
    ),
    ({"affinity": _required({"matchExpressions": []})}, {"foo": "bar"}, "node", False),
    ({}, {"foo": "bar"}, "node", True),
    ({"affinity": {"nodeAffinity": {}}}, {"foo": "bar"}, "node", True),
    (
        {
            "affinity": _required(
                {
                    "matchExpressions": [
                        _expr("GPU", "Exists"),
                        _expr("GPU", "NotIn", "AMD", "INTER"),
                    ]
                }
            )
        },
        {"GPU": "NVIDIA-GRID-K1"},
        "node",
        True,
    ),
    (
        {
            "affinity": _required(
                {"matchExpressions": [_expr("GPU", "Exists"), _expr("GPU", "In", "AMD", "INTER")]}
            )
        },
        {"GPU": "NVIDIA-GRID-K1"},
        "node",
        False,
    ),
    (
        {
            "affinity": _required(
                {"matchExpressions": [_expr("foo", "In", "bar", "value2")]},
                {"matchExpressions": [_expr("diffkey", "In", "wrong", "value2")]},
            )
        },
        {"foo": "bar"},
        "node",
        True,
    ),
    (
        {
            "nodeSelector": {"foo": "bar"},
            "affinity": _required({"matchExpressions": [_expr("foo", "Exists")]}),
        },
        {"foo": "bar"},
        "node",
        True,
    ),
    (
        {
            "nodeSelector": {"foo": "bar"},
            "affinity": _required({"matchExpressions": [_expr("foo", "Exists")]}),
        },
        {"foo": "barrrrrr"},
        "node",
        False,
    ),
    (
        {
            "affinity": _required(
                {"matchExpressions": [_expr("foo", "NotIn", "invalid value: ___@#$%^")]}
            )
        },
        {"foo": "bar"},
        "node",
        False,
    ),
    (
        {"affinity": _required({"matchFields": [_expr("metadata.name", "In", "node1")]})},
        {},
        "node1",
        True,
    ),
    (
        {"affinity": _required({"matchFields": [_expr("metadata.name", "In", "node1")]})},
        {},
        "node2",
        False,
    ),
    (
        {
            "affinity": _required(
                {
                    "matchFields": [
                        _expr("metadata.name", "In", "node1"),
                        _expr("metadata.name", "In", "node2"),
                    ]
                },
                {"matchExpressions": [_expr("foo", "In", "bar")]},
            )
        },
        {"foo": "bar"},
        "node2",
        True,
    ),
    (
        {
            "affinity": _required(
                {
                    "matchFields": [_expr("metadata.name", "In", "node1")],
                    "matchExpressions": [_expr("foo", "In", "bar")],
                }
            )
        },
        {"foo": "bar"},
        "node2",
        False,
    ),
]


@pytest.mark.parametrize(("spec", "labels", "node_name", "matches"), AFFINITY)
def test_node_affinity(
    spec: dict[str, Any], labels: dict[str, str], node_name: str, matches: bool
) -> None:
    info = scheduler.node_info({"metadata": {"name": node_name, "labels": labels}})
    status = scheduler.filter_node_affinity({"spec": spec}, info)
    assert status == (
        None
        if matches
        else scheduler.Status(("node(s) didn't match Pod's node affinity/selector",), True)
    )


# --------------------------------------------------------------------------- the whole cycle


def _pod(name: str, **spec: Any) -> dict[str, Any]:
    containers = spec.pop("containers", [{"name": "web", "image": "nginx:1.27"}])
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": containers, **spec},
    }


def _cpu(amount: str) -> list[dict[str, Any]]:
    return [{"name": "web", "image": "nginx:1.27", "resources": {"requests": {"cpu": amount}}}]


@pytest.fixture
def box() -> Sandbox:
    return Sandbox.new()


def _events(store: api.Store, pod: str, reason: str) -> list[str]:
    obj = store.require("pods", "default", pod)
    return [e["message"] for e in store.events_for(obj) if e["reason"] == reason]


def test_a_pod_is_bound_with_a_scheduled_event(box: Sandbox) -> None:
    store = api.Store.of(box.world)
    store.create(_pod("web"), user=api.ADMIN)
    box.advance(0)
    pod = store.require("pods", "default", "web")
    node = pod["spec"]["nodeName"]
    assert node in {"kind-worker", "kind-worker2"}
    assert _events(store, "web", "Scheduled") == [f"Successfully assigned default/web to {node}"]
    condition = next(c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled")
    assert condition["status"] == "True"


def test_replicas_spread_over_the_workers(box: Sandbox) -> None:
    store = api.Store.of(box.world)
    for i in range(4):
        store.create(_pod(f"web-{i}"), user=api.ADMIN)
    box.advance(0)
    nodes = sorted(p["spec"]["nodeName"] for p in store.list("pods", "default"))
    assert nodes == ["kind-worker", "kind-worker", "kind-worker2", "kind-worker2"]


def test_the_failed_scheduling_message_is_the_schedulers(box: Sandbox) -> None:
    # FitError.Error() (framework/types.go) with DefaultPreemption's PostFilter message; the
    # control-plane node's taint and two full workers, as in issue 10's example.
    store = api.Store.of(box.world)
    store.create(_pod("big-1", containers=_cpu("1500m")), user=api.ADMIN)
    store.create(_pod("big-2", containers=_cpu("1500m")), user=api.ADMIN)
    store.create(_pod("big-3", containers=_cpu("1500m")), user=api.ADMIN)
    box.advance(0)
    message = (
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
        "2 No preemption victims found for incoming pod."
    )
    assert _events(store, "big-3", "FailedScheduling") == [message]
    pod = store.require("pods", "default", "big-3")
    assert "nodeName" not in pod["spec"]
    condition = next(c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled")
    assert (condition["status"], condition["reason"], condition["message"]) == (
        "False",
        "Unschedulable",
        message,
    )
    # Nothing changed: no new event. A freed node: bound.
    box.advance(30)
    assert len(_events(store, "big-3", "FailedScheduling")) == 1
    store.delete("pods", "default", "big-1", grace_seconds=0)
    box.advance(1)
    assert store.require("pods", "default", "big-3")["spec"].get("nodeName")


def test_a_request_larger_than_any_node_cannot_be_helped_by_preemption(box: Sandbox) -> None:
    store = api.Store.of(box.world)
    store.create(_pod("huge", containers=_cpu("8")), user=api.ADMIN)
    box.advance(0)
    assert _events(store, "huge", "FailedScheduling") == [
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    ]


def test_node_selector_matching_nothing(box: Sandbox) -> None:
    store = api.Store.of(box.world)
    store.create(_pod("gpu", nodeSelector={"accelerator": "nvidia"}), user=api.ADMIN)
    box.advance(0)
    assert _events(store, "gpu", "FailedScheduling") == [
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling."
    ]


def test_cordoned_workers(box: Sandbox) -> None:
    store = api.Store.of(box.world)
    for name in ("kind-worker", "kind-worker2"):
        node = copy.deepcopy(store.require("nodes", "", name))
        node["spec"]["unschedulable"] = True
        store.update(node, user=api.ADMIN)
    store.create(_pod("web"), user=api.ADMIN)
    box.advance(0)
    assert _events(store, "web", "FailedScheduling") == [
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    ]


def test_a_toleration_lets_a_pod_onto_the_control_plane(box: Sandbox) -> None:
    store = api.Store.of(box.world)
    store.create(
        _pod(
            "cp",
            nodeName="",
            nodeSelector={"node-role.kubernetes.io/control-plane": ""},
            tolerations=[
                {
                    "key": "node-role.kubernetes.io/control-plane",
                    "operator": "Exists",
                    "effect": "NoSchedule",
                }
            ],
        ),
        user=api.ADMIN,
    )
    box.advance(0)
    assert store.require("pods", "default", "cp")["spec"]["nodeName"] == "kind-control-plane"


def test_preemption_policy_never(box: Sandbox) -> None:
    store = api.Store.of(box.world)
    store.create(_pod("huge", containers=_cpu("8"), preemptionPolicy="Never"), user=api.ADMIN)
    box.advance(0)
    assert _events(store, "huge", "FailedScheduling")[0].endswith(
        "2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."
    )
