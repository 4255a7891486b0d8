"""What a fresh kind cluster answers before the learner does anything.

Sources:
- pkg/controlplane/reconcilers/lease.go and endpointsadapter.go (kubernetes/kubernetes): the
  API server keeps the `kubernetes` Service's Endpoints and EndpointSlice itself, one address
  per API server (kind: the control-plane node, 172.18.0.2) on port 6443 named `https`, the
  Endpoints labelled `endpointslice.kubernetes.io/skip-mirror: "true"`.
- staging/src/k8s.io/kubectl/pkg/cmd/get and pkg/printers/internalversion/printers.go
  (formatEndpoints, printEndpointSlice): the ENDPOINTS column.
- kind's control-plane node is the first container on the `kind` network: 172.18.0.2.
"""

from __future__ import annotations

from learn.sim import Sandbox

DEPRECATED = (
    "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
)


def test_get_endpoints_lists_the_api_server_behind_the_kubernetes_service() -> None:
    box = Sandbox.new()
    assert box.run("kubectl get endpoints -A") == (
        0,
        DEPRECATED
        + "NAMESPACE   NAME         ENDPOINTS         AGE\n"
        + "default     kubernetes   172.18.0.2:6443   2m\n",
    )
    assert box.run("kubectl get endpointslices") == (
        0,
        "NAME         ADDRESSTYPE   PORTS   ENDPOINTS    AGE\n"
        "kubernetes   IPv4          6443    172.18.0.2   2m\n",
    )


def test_describe_service_kubernetes_shows_its_endpoint() -> None:
    box = Sandbox.new()
    code, out = box.run("kubectl describe service kubernetes")
    assert code == 0
    assert "Endpoints:                172.18.0.2:6443\n" in out


def test_the_api_servers_objects_cost_the_dump_nothing() -> None:
    # They are part of the shared baseline, derived from the topology, not stored per sandbox.
    box = Sandbox.new()
    box.run("kubectl get endpoints")
    assert "kubernetes" not in str(box.world.state["kube"]["objects"])
