"""The HorizontalPodAutoscaler: upstream's ReplicaCalculator cases, then the controller in a
sandbox (scale-down stabilization, min/max, conditions and events)."""

from __future__ import annotations

from typing import Any

import pytest

from learn.sim import Sandbox
from learn.sim.kube import kubelet
from learn.sim.kube.api import Store
from learn.sim.kube.controllers import hpa, util

NOW = 3_600_000
ZERO = "0001-01-01T00:00:00Z"  # Go's zero time, as the test's pods have it
HOT = util.stamp(NOW - 10_000)  # hotCPUCreationTime: inside the CPU initialization period
COOL = util.stamp(NOW - 600_000)  # coolCPUCreationTime: well past it


def _case(
    current: int,
    requests: list[str],
    levels: list[int],
    target: int,
    *,
    readiness: list[str] | None = None,
    start: list[str] | None = None,
    phase: list[str] | None = None,
    deleting: list[bool] | None = None,
    names: list[str] | None = None,
) -> tuple[int, int, int]:
    """replicaCalcTestCase.runTest for a cpu resource: Pods test-pod-N with two containers
    requesting requests[N] each, metrics of levels[N] per container, a one-minute window."""
    count = max(current, len(phase or []))
    pods = []
    for i in range(count):
        containers: list[dict[str, Any]] = [{"name": "c0"}, {"name": "c1"}]
        if i < len(requests):
            for c in containers:
                c["resources"] = {"requests": {"cpu": requests[i]}}
        meta: dict[str, Any] = {"name": f"test-pod-{i}"}
        if deleting and deleting[i]:
            meta["deletionTimestamp"] = util.stamp(NOW)
        pods.append(
            {
                "metadata": meta,
                "spec": {"containers": containers},
                "status": {
                    "phase": (phase or [])[i] if phase else "Running",
                    "startTime": (start or [])[i] if start else ZERO,
                    "conditions": [
                        {
                            "type": "Ready",
                            "status": (readiness or [])[i]
                            if readiness and i < len(readiness)
                            else "True",
                        }
                    ],
                },
            }
        )
    zero = util.ts(ZERO) or 0
    metrics = {
        (names[i] if names and i < len(names) else f"test-pod-{i}"): hpa.PodMetric(
            level * 2, zero, 60_000
        )
        for i, level in enumerate(levels)
    }
    return hpa.resource_replicas(current, target, "cpu", pods, metrics, NOW)


ONE = "1.0"

# pkg/controller/podautoscaler/replica_calculator_test.go, the cpu resource cases (27):
# name, current, requests, levels, target, options -> replicas, utilization, raw value.
CASES: list[tuple[str, int, list[str], list[int], int, dict[str, Any], tuple[int, int, int]]] = [
    ("ScaleUp", 3, [ONE] * 3, [300, 500, 700], 30, {}, (5, 50, 1000)),
    ("ScaleUpUnreadyLessScale", 3, [ONE] * 3, [300, 500, 700], 30, {"readiness": ["False", "True", "True"]}, (4, 60, 1200)),
    ("ScaleUpHotCpuLessScale", 3, [ONE] * 3, [300, 500, 700], 30, {"start": [HOT, COOL, COOL]}, (4, 60, 1200)),
    ("ScaleUpUnreadyNoScale", 3, [ONE] * 3, [400, 500, 700], 30, {"readiness": ["True", "False", "False"]}, (3, 40, 800)),
    ("ScaleHotCpuNoScale", 3, [ONE] * 3, [400, 500, 700], 30, {"readiness": ["True", "False", "False"], "start": [COOL, HOT, HOT]}, (3, 40, 800)),
    ("ScaleUpIgnoresFailedPods", 2, [ONE] * 4, [500, 700], 30, {"readiness": ["True", "True", "False", "False"], "phase": ["Running", "Running", "Failed", "Failed"]}, (4, 60, 1200)),
    ("ScaleUpIgnoresDeletionPods", 2, [ONE] * 4, [500, 700], 30, {"readiness": ["True", "True", "False", "False"], "phase": ["Running"] * 4, "deleting": [False, False, True, True]}, (4, 60, 1200)),
    ("ScaleDown", 5, [ONE] * 5, [100, 300, 500, 250, 250], 50, {}, (3, 28, 560)),
    ("ScaleDownIncludeUnreadyPods", 5, [ONE] * 5, [100, 300, 500, 250, 250], 50, {"readiness": ["True", "True", "True", "False", "False"]}, (2, 30, 600)),
    ("ScaleDownExcludeUnscheduledPods", 5, [ONE] * 5, [100], 50, {"readiness": ["True"] + ["False"] * 4, "phase": ["Running"] + ["Pending"] * 4}, (1, 10, 200)),
    ("ScaleDownIgnoreHotCpuPods", 5, [ONE] * 5, [100, 300, 500, 250, 250], 50, {"start": [COOL, COOL, COOL, HOT, HOT]}, (2, 30, 600)),
    ("ScaleDownIgnoresFailedPods", 5, [ONE] * 7, [100, 300, 500, 250, 250], 50, {"readiness": ["True"] * 5 + ["False"] * 2, "phase": ["Running"] * 5 + ["Failed"] * 2}, (3, 28, 560)),
    ("ScaleDownIgnoresDeletionPods", 5, [ONE] * 7, [100, 300, 500, 250, 250], 50, {"readiness": ["True"] * 5 + ["False"] * 2, "phase": ["Running"] * 7, "deleting": [False] * 5 + [True] * 2}, (3, 28, 560)),
    ("Tolerance", 3, ["0.9", "1.0", "1.1"], [1010, 1030, 1020], 100, {}, (3, 102, 2040)),
    ("SuperfluousMetrics", 4, [ONE] * 4, [4000, 9500, 3000, 7000, 3200, 2000], 100, {}, (24, 587, 11750)),
    ("MissingMetrics", 4, [ONE] * 4, [400, 95], 100, {}, (3, 24, 495)),
    ("MissingMetricsNoChangeEq", 2, [ONE] * 2, [1000], 100, {}, (2, 100, 2000)),
    ("MissingMetricsNoChangeGt", 2, [ONE] * 2, [1900], 100, {}, (2, 190, 3800)),
    ("MissingMetricsNoChangeLt", 2, [ONE] * 2, [600], 100, {}, (2, 60, 1200)),
    ("MissingMetricsUnreadyChange", 3, [ONE] * 3, [100, 450], 50, {"readiness": ["False", "True", "True"]}, (3, 45, 900)),
    ("MissingMetricsHotCpuNoChange", 3, [ONE] * 3, [100, 450], 50, {"start": [HOT, COOL, COOL]}, (3, 45, 900)),
    ("MissingMetricsUnreadyScaleUp", 3, [ONE] * 3, [100, 2000], 50, {"readiness": ["False", "True", "True"]}, (4, 200, 4000)),
    ("MissingMetricsHotCpuScaleUp", 3, [ONE] * 3, [100, 2000], 50, {"readiness": ["False", "True", "True"], "start": [HOT, COOL, COOL]}, (4, 200, 4000)),
    ("MissingMetricsUnreadyScaleDown", 4, [ONE] * 4, [100, 100, 100], 50, {"readiness": ["False", "True", "True", "True"]}, (3, 10, 200)),
    ("DuringRollingUpdateWithMaxSurge", 2, [ONE] * 3, [100, 100], 50, {"phase": ["Running"] * 3}, (2, 10, 200)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "current", "requests", "levels", "target", "options", "expected"), CASES
)
def test_replica_calculator(
    name: str,
    current: int,
    requests: list[str],
    levels: list[int],
    target: int,
    options: dict[str, Any],
    expected: tuple[int, int, int],
) -> None:
    assert _case(current, requests, levels, target, **options) == expected


# The same file's error cases: DisjointResourcesMetrics, EmptyMetrics, EmptyCPURequest.
@pytest.mark.parametrize(
    ("current", "requests", "levels", "names", "message"),
    [
        (1, [ONE], [100], ["an-older-pod-name"], "no metrics returned matched known pods"),
        (4, [ONE] * 3, [], None, "unable to get metrics for resource cpu: no metrics returned from resource metrics API"),
        (1, [], [200], None, "missing request for"),
    ],
)  # fmt: skip
def test_replica_calculator_errors(
    current: int, requests: list[str], levels: list[int], names: list[str] | None, message: str
) -> None:
    with pytest.raises(hpa.MetricError, match=message):
        _case(current, requests, levels, 100, names=names)


WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 5
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources:
          requests: {cpu: 100m}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 50}
"""


def test_without_metrics_server_the_hpa_cannot_get_metrics_as_on_kind() -> None:
    box = Sandbox.new()
    store = Store.of(box.world)
    box.run("kubectl apply -f -", stdin=WEB)
    box.run("sleep 60")
    hpa_obj = store.require("horizontalpodautoscalers", "default", "web")
    active = next(c for c in hpa_obj["status"]["conditions"] if c["type"] == "ScalingActive")
    assert (active["status"], active["reason"]) == ("False", "FailedGetResourceMetric")
    reasons = {e["reason"]: e["message"] for e in store.events_for(hpa_obj)}
    assert reasons["FailedGetResourceMetric"] == (
        "failed to get cpu utilization: unable to get metrics for resource cpu: unable to "
        "fetch metrics from resource metrics API: the server could not find the requested "
        "resource (get pods.metrics.k8s.io)"
    )
    # horizontal.go reconcileAutoscaler, when computeReplicasForMetrics fails.
    assert reasons["FailedComputeMetricsReplicas"] == (
        "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource "
        "metric value: " + reasons["FailedGetResourceMetric"]
    )
    assert store.require("deployments", "default", "web")["spec"]["replicas"] == 5


def test_an_idle_deployment_scales_down_to_min_replicas_after_the_stabilization_window() -> None:
    box = Sandbox.new()
    kubelet.install_metrics_server(box.world)
    store = Store.of(box.world)
    code, out = box.run("kubectl apply -f -", stdin=WEB)
    assert code == 0, out
    box.run("sleep 60")
    status = store.require("horizontalpodautoscalers", "default", "web")["status"]
    assert status["currentMetrics"][0]["resource"]["current"]["averageUtilization"] == 1
    conditions = {c["type"]: (c["status"], c["reason"]) for c in status["conditions"]}
    assert conditions["AbleToScale"] == ("True", "ScaleDownStabilized")
    assert conditions["ScalingActive"] == ("True", "ValidMetricFound")
    assert store.require("deployments", "default", "web")["spec"]["replicas"] == 5
    # 300 s after the first recommendation (at the first sync after metrics existed).
    box.run("sleep 300")
    assert store.require("deployments", "default", "web")["spec"]["replicas"] == 2
    hpa_obj = store.require("horizontalpodautoscalers", "default", "web")
    events = [(e["type"], e["reason"], e["message"]) for e in store.events_for(hpa_obj)]
    # Before metrics-server has scraped the new Pods, as on a real cluster:
    assert events[0] == (
        "Warning",
        "FailedGetResourceMetric",
        "failed to get cpu utilization: unable to get metrics for resource cpu: "
        "no metrics returned from resource metrics API",
    )
    assert events[-1] == (
        "Normal",
        "SuccessfulRescale",
        "New size: 2; reason: All metrics below target",
    )
    conditions = {c["type"]: (c["status"], c["reason"]) for c in hpa_obj["status"]["conditions"]}
    assert conditions["ScalingLimited"] == ("True", "TooFewReplicas")


def test_an_hpa_whose_target_is_missing_says_so() -> None:
    box = Sandbox.new()
    store = Store.of(box.world)
    box.run("kubectl apply -f -", stdin=WEB.split("---\n")[1])
    box.run("sleep 20")
    status = store.require("horizontalpodautoscalers", "default", "web")["status"]
    cond = status["conditions"][0]
    assert (cond["type"], cond["status"], cond["reason"]) == (
        "AbleToScale",
        "False",
        "FailedGetScale",
    )
    assert cond["message"] == (
        "the HPA controller was unable to get the target's current scale: "
        'deployments.apps "web" not found'
    )


LOAD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: load
spec:
  replicas: 1
  selector:
    matchLabels: {app: load}
  template:
    metadata:
      labels: {app: load}
    spec:
      containers:
      - name: load
        image: busybox:1.36
        command: ["sh", "-c", "while sleep 0.01; do wget -q -O- http://web; done"]
"""


def test_a_load_generator_makes_the_hpa_scale_up_and_spread_the_load() -> None:
    box = Sandbox.new()
    kubelet.install_metrics_server(box.world)
    store = Store.of(box.world)
    web = WEB.replace("replicas: 5", "replicas: 2").replace("cpu: 100m", "cpu: 20m")
    box.run("kubectl apply -f -", stdin=web)
    box.run("kubectl expose deployment web --port 80")
    box.run("sleep 30")
    box.run("kubectl apply -f -", stdin=LOAD)
    box.run("sleep 120")
    hpa_obj = store.require("horizontalpodautoscalers", "default", "web")
    rescales = [
        e["message"] for e in store.events_for(hpa_obj) if e["reason"] == "SuccessfulRescale"
    ]
    # The loop sends 10 requests/s (a 0.01 s sleep makes it a busy loop, run every 100 ms):
    # 5m of CPU each, 50m over 2 Pods of 20m is 130 % -> ceil(2.6 x 2) = 6, limited to
    # max(2 x 2, 4) = 4 this time; then 65 % over 4 -> 6; then 45 %, inside the tolerance.
    above = "reason: cpu resource utilization (percentage of request) above target"
    assert rescales == [f"New size: 4; {above}", f"New size: 6; {above}"]
    assert store.require("deployments", "default", "web")["spec"]["replicas"] == 6
    current = hpa_obj["status"]["currentMetrics"][0]["resource"]["current"]
    assert current == {"averageUtilization": 45, "averageValue": "9m"}
    limited = {c["type"]: c["reason"] for c in hpa_obj["status"]["conditions"]}["ScalingLimited"]
    assert limited == "DesiredWithinRange"


def test_a_behavior_with_no_scale_down_window_scales_down_at_the_next_sync() -> None:
    box = Sandbox.new()
    kubelet.install_metrics_server(box.world)
    store = Store.of(box.world)
    text = WEB.replace(
        "  metrics:\n",
        "  behavior:\n    scaleDown: {stabilizationWindowSeconds: 0}\n  metrics:\n",
    )
    box.run("kubectl apply -f -", stdin=text)
    box.run("sleep 60")
    # Idle at 1 % of its request: down to minReplicas without the 300 s wait; the default
    # scale-down policy (100 % per 15 s) allows it in one step.
    assert store.require("deployments", "default", "web")["spec"]["replicas"] == 2
