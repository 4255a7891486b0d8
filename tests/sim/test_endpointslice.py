"""EndpointSlices: which Pods a Service sends traffic to, and how each endpoint's
conditions are set (pkg/controller/endpointslice)."""

from __future__ import annotations

from typing import Any

import pytest

from learn.sim import Sandbox
from learn.sim.kube.api import Store
from learn.sim.kube.controllers import endpointslice as eps


def _pod(ready: bool, terminating: bool) -> dict[str, Any]:
    """The test's newPod(1, ns, ready, 1, terminating)."""
    meta: dict[str, Any] = {"name": "pod1", "namespace": "test", "uid": "uid-1"}
    if terminating:
        meta["deletionTimestamp"] = "2026-01-05T09:00:00Z"
    return {
        "metadata": meta,
        "spec": {"nodeName": "node-1"},
        "status": {
            "phase": "Running",
            "podIP": "1.2.3.5",
            "podIPs": [{"ip": "1.2.3.5"}],
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


def _svc(name: str, publish: bool = False) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": "test"},
        "spec": {"selector": {"foo": "bar"}, "publishNotReadyAddresses": publish},
    }


NODE = {"metadata": {"name": "node-1", "labels": {"topology.kubernetes.io/zone": "us-central1-a"}}}

# pkg/controller/endpointslice/utils_test.go, TestPodToEndpoint (10 cases): pod (ready,
# terminating), publishNotReadyAddresses, node labels, hostname -> ready, serving,
# terminating, zone, hostname.
CASES = [
    ("Ready pod", (True, False), False, None, None, (True, True, False)),
    ("Ready pod + publishNotReadyAddresses", (True, False), True, None, None, (True, True, False)),
    ("Unready pod", (False, False), False, None, None, (False, False, False)),
    ("Unready pod + publishNotReadyAddresses", (False, False), True, None, None, (True, False, False)),
    ("Ready pod + node labels", (True, False), False, NODE, None, (True, True, False)),
    ("Multi IP Ready pod + node labels", (True, False), False, NODE, None, (True, True, False)),
    ("Ready pod + hostname", (True, False), False, NODE, "example-hostname", (True, True, False)),
    ("Ready pod (again)", (True, False), False, None, None, (True, True, False)),
    ("Ready terminating pod", (True, True), False, None, None, (False, True, True)),
    ("Not ready terminating pod", (False, True), False, None, None, (False, False, True)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "pod", "publish", "node", "hostname", "expected"), CASES)
def test_pod_to_endpoint(
    name: str,
    pod: tuple[bool, bool],
    publish: bool,
    node: dict[str, Any] | None,
    hostname: str | None,
    expected: tuple[bool, bool, bool],
) -> None:
    p = _pod(*pod)
    if name.startswith("Multi IP"):
        p["status"]["podIPs"] = [{"ip": "1.2.3.4"}, {"ip": "1234::5678:0000:0000:9abc:def0"}]
    if hostname:
        p["spec"].update({"hostname": hostname, "subdomain": "foo"})
    endpoint = eps.pod_to_endpoint(p, node, _svc("foo", publish))
    ready, serving, terminating = expected
    want: dict[str, Any] = {
        "addresses": ["1.2.3.4" if name.startswith("Multi IP") else "1.2.3.5"],
        "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
        "nodeName": "node-1",
        "targetRef": {"kind": "Pod", "name": "pod1", "namespace": "test", "uid": "uid-1"},
    }
    if node:
        want["zone"] = "us-central1-a"
    if hostname:
        want["hostname"] = hostname
    assert endpoint == want


def _deployment_like(store: Store, probe_port: int) -> None:
    for i in range(2):
        store.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"web-{i}", "labels": {"app": "web"}},
                "spec": {
                    "nodeName": "kind-worker" if i == 0 else "kind-worker2",
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.27",
                            "ports": [{"name": "http", "containerPort": 80}],
                            "readinessProbe": {
                                "tcpSocket": {"port": probe_port},
                                "periodSeconds": 2,
                            },
                        }
                    ],
                },
            }
        )
    store.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 8080, "targetPort": "http"}]},
        }
    )


def _web_slices(store: Store) -> list:
    # The `kubernetes` Service's own slice (kept by the API server) is there from the start.
    return [
        s
        for s in store.list("endpointslices", "default")
        if s["metadata"]["labels"].get("kubernetes.io/service-name") == "web"
    ]


def test_a_service_gets_one_slice_listing_its_pods_ready_once_they_are() -> None:
    box = Sandbox.new()
    store = Store.of(box.world)
    _deployment_like(store, 80)
    box.advance(2)
    (slice_,) = _web_slices(store)
    assert slice_["metadata"]["name"].startswith("web-")
    assert slice_["metadata"]["labels"] == {
        "app": "web",
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
        "kubernetes.io/service-name": "web",
    }
    assert slice_["metadata"]["ownerReferences"][0]["kind"] == "Service"
    assert slice_["addressType"] == "IPv4"
    assert slice_["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]
    assert [e["conditions"]["ready"] for e in slice_["endpoints"]] == [False, False]
    box.advance(30)
    (slice_,) = _web_slices(store)
    assert [e["conditions"]["ready"] for e in slice_["endpoints"]] == [True, True]
    assert [e["targetRef"]["name"] for e in slice_["endpoints"]] == ["web-0", "web-1"]
    # Both Pods pulled the same image at once and passed their first probe together (8 s:
    # the readiness tick after a 5.6 s pull), so the count went from 0 straight to 2.
    assert box.world.history_of("endpoints.ready/default/web") == [(0, 0), (8000, 2)]


def test_pods_failing_readiness_stay_listed_as_not_ready() -> None:
    box = Sandbox.new()
    store = Store.of(box.world)
    _deployment_like(store, 9999)
    box.advance(30)
    (slice_,) = _web_slices(store)
    assert [e["conditions"] for e in slice_["endpoints"]] == [
        {"ready": False, "serving": False, "terminating": False}
    ] * 2
    assert box.world.history_of("endpoints.ready/default/web")[-1][1] == 0


def test_a_deleted_service_takes_its_slice_with_it() -> None:
    box = Sandbox.new()
    store = Store.of(box.world)
    _deployment_like(store, 80)
    box.advance(5)
    store.delete("services", "default", "web")
    box.advance(0)
    assert _web_slices(store) == []


def test_a_pod_reaches_a_service_by_name_and_by_cluster_ip_once_an_endpoint_is_ready() -> None:
    from learn.sim.kube.kubelet import Kubelet, PodNet

    box = Sandbox.new()
    store = Store.of(box.world)
    _deployment_like(store, 80)
    box.advance(30)
    client = store.require("pods", "default", "web-0")
    net = PodNet(Kubelet(box.world), client)
    ip = store.require("services", "default", "web")["spec"]["clusterIP"]
    assert net.resolve("web") == ip
    assert net.resolve("web.default.svc.cluster.local") == ip
    assert net.resolve("nope") is None
    for host in ("web", "web.default", ip):
        peer = net.connect(host, 8080)
        assert not isinstance(peer, str), host
        assert peer.ip in {p["status"]["podIP"] for p in store.list("pods", "default")}
    assert net.connect("web", 9999) == "timeout"  # no such Service port: nothing answers
    assert net.connect("nope", 8080) == "nxdomain"
