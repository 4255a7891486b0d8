"""`kubectl describe`, in the shapes of kubectl's describers.

Source: kubernetes/kubernetes staging/src/k8s.io/kubectl/pkg/describe/describe.go and
describe_test.go (TestDescribePodTolerations, TestDescribeContainers' probe and env lines,
TestDescribeDeployment's Replicas/StrategyType lines, TestDescribeService's Port/TargetPort/
Endpoints lines, DescribeEvents' `Type Reason Age From Message` table).
"""

from __future__ import annotations

import pytest

from learn.sim import Sandbox
from learn.sim.kubectl.describe import describe_probe, go_duration

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
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
        env:
        - name: MODE
          value: prod
        readinessProbe:
          httpGet: {path: /, port: 80}
          periodSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - name: http
    port: 80
    targetPort: 80
"""


@pytest.fixture
def box() -> Sandbox:
    box = Sandbox.new()
    assert box.run("kubectl apply -f -", stdin=WEB)[0] == 0
    box.run("sleep 20")
    return box


# describe_test.go TestDescribeContainers: "http-get http://:8080/healthz delay=... #failure=..."
@pytest.mark.parametrize(
    ("probe", "want"),
    [
        (
            {"httpGet": {"path": "/healthz", "port": 8080}},
            "http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3",
        ),
        (
            {"tcpSocket": {"port": 5432}, "initialDelaySeconds": 5, "periodSeconds": 90},
            "tcp-socket :5432 delay=5s timeout=1s period=1m30s #success=1 #failure=3",
        ),
        (
            {"exec": {"command": ["cat", "/tmp/healthy"]}, "failureThreshold": 6},
            "exec [cat /tmp/healthy] delay=0s timeout=1s period=10s #success=1 #failure=6",
        ),
        (
            {"httpGet": {"path": "/", "port": "http", "scheme": "HTTPS"}},
            "http-get https://:http/ delay=0s timeout=1s period=10s #success=1 #failure=3",
        ),
    ],
)
def test_probe_lines(probe: dict[str, object], want: str) -> None:
    assert describe_probe(probe) == want


def test_go_durations_as_time_duration_prints_them() -> None:
    assert [go_duration(s) for s in (0, 1, 60, 90, 3600, 3661)] == [
        "0s",
        "1s",
        "1m0s",
        "1m30s",
        "1h0m0s",
        "1h1m1s",
    ]


def test_describe_deployment(box: Sandbox) -> None:
    code, out = box.run("kubectl describe deployment web")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Name:                   web"
    assert lines[1] == "Namespace:              default"
    assert (
        "Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable"
        in lines
    )
    assert "StrategyType:           RollingUpdate" in lines
    assert "RollingUpdateStrategy:  25% max unavailable, 25% max surge" in lines
    assert "Pod Template:" in lines
    assert "   web:" in lines
    assert (
        "    Readiness:  http-get http://:80/ delay=0s timeout=1s period=5s #success=1 #failure=3"
        in lines
    )
    # `Environment:` has no tab, so it ends tabwriter's column block: the lines after it
    # align among themselves, as real describe output does.
    assert "    Environment:" in lines
    assert "      MODE:        prod" in lines
    assert "  Tolerations:     <none>" in lines
    assert lines[lines.index("Events:") + 1].split() == ["Type", "Reason", "Age", "From", "Message"]
    assert any("ScalingReplicaSet" in line and "deployment-controller" in line for line in lines)


def test_describe_service_lists_ready_endpoints(box: Sandbox) -> None:
    code, out = box.run("kubectl describe svc web")
    assert code == 0
    lines = out.splitlines()
    assert "Selector:                 app=web" in lines
    assert "Port:                     http  80/TCP" in lines
    assert "TargetPort:               80/TCP" in lines
    endpoints = next(line for line in lines if line.startswith("Endpoints:"))
    assert len(endpoints.split()[1].split(",")) == 2
    assert all(e.endswith(":80") for e in endpoints.split()[1].split(","))
    assert lines[-1] == "Events:                   <none>"


def test_describe_pod_shows_state_conditions_tolerations_and_events(box: Sandbox) -> None:
    code, out = box.run("kubectl describe pods -l app=web")
    assert code == 0
    first = out.split("\n\n\n")[0]
    lines = first.splitlines()
    assert lines[0].startswith("Name:             web-")
    assert "Status:           Running" in lines
    assert "    State:          Running" in lines
    assert "    Ready:          True" in lines
    assert "Conditions:" in lines
    assert lines[lines.index("Conditions:") + 1].split() == ["Type", "Status"]
    assert (
        "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s"
        in lines
    )
    assert any(line.split()[:2] == ["Normal", "Scheduled"] for line in lines)
    assert len(out.split("\n\n\n")) == 2  # two Pods, separated as kubectl separates them


def test_describe_by_name_prefix_and_not_found(box: Sandbox) -> None:
    code, out = box.run("kubectl describe pod web")
    assert code == 0
    assert out.count("\nControlled By:  ReplicaSet/web-") == 2
    assert box.run("kubectl describe pod zzz") == (
        1,
        'Error from server (NotFound): pods "zzz" not found\n',
    )


def test_describe_node(box: Sandbox) -> None:
    code, out = box.run("kubectl describe node kind-worker")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Name:               kind-worker"
    assert "Taints:             <none>" in lines
    assert "Unschedulable:      false" in lines
    assert lines[lines.index("Allocated resources:") + 2].split() == [
        "Resource",
        "Requests",
        "Limits",
    ]
