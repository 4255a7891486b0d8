"""An HPA without metrics still keeps its target inside [minReplicas, maxReplicas].

Sources (kubernetes/kubernetes):
- pkg/controller/podautoscaler/horizontal.go reconcileAutoscaler: before any metric is read,
  a target below minReplicas is scaled to minReplicas ("Current number of replicas below
  Spec.MinReplicas") and one above maxReplicas to maxReplicas ("Current number of replicas
  above Spec.MaxReplicas"), with the SuccessfulRescale event `New size: N; reason: ...`.
  When computeReplicasForMetrics fails for every metric, nothing scales, the status keeps
  its desiredReplicas (setCurrentReplicasAndMetricsInStatus), the metric's status is empty
  (`type: ""`) and FailedComputeMetricsReplicas is recorded: `invalid metrics (1 invalid out
  of 1), first error is: failed to get cpu resource metric value: ...`.
- computeStatusForResourceMetric / getUnableComputeReplicaCountCondition: the
  FailedGetResourceMetric event and ScalingActive=False condition.
- setCondition (horizontal.go): a condition replaces the one of its type; the others stay.
- pkg/apis/autoscaling/v2/defaults.go SetDefaults_HorizontalPodAutoscaler: minReplicas 1;
  no metrics means CPU at 80 % utilization.
- On kind there is no metrics-server: the metrics API answers `the server could not find
  the requested resource (get pods.metrics.k8s.io)`.
"""

from __future__ import annotations

import json

import pytest

from learn.sim import Sandbox

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources: {{requests: {{cpu: 100m}}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: web}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
  minReplicas: 2
  maxReplicas: 4
{metrics}"""

CPU_50 = """\
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
"""

NO_METRICS_API = (
    "failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch "
    "metrics from resource metrics API: the server could not find the requested resource "
    "(get pods.metrics.k8s.io)"
)


def _hpa(box: Sandbox) -> dict:
    return json.loads(box.run("kubectl get hpa web -o json")[1])


def _events(box: Sandbox) -> list[tuple[str, str]]:
    code, out = box.run(
        "kubectl get events --field-selector involvedObject.kind=HorizontalPodAutoscaler -o json"
    )
    assert code == 0, out
    return [(e["reason"], e["message"]) for e in json.loads(out)["items"]]


@pytest.mark.parametrize(
    ("replicas", "clamped", "reason"),
    [
        (1, 2, "Current number of replicas below Spec.MinReplicas"),
        (6, 4, "Current number of replicas above Spec.MaxReplicas"),
    ],
)
def test_a_target_outside_the_range_is_clamped_without_metrics(
    replicas: int, clamped: int, reason: str
) -> None:
    box = Sandbox.new()
    code, _ = box.run("kubectl apply -f -", stdin=DEPLOY.format(replicas=replicas, metrics=CPU_50))
    assert code == 0
    box.run("sleep 45")
    code, out = box.run("kubectl get deployment web -o jsonpath={.spec.replicas}")
    assert out == str(clamped)
    events = _events(box)
    assert ("SuccessfulRescale", f"New size: {clamped}; reason: {reason}") in events
    assert ("FailedGetResourceMetric", NO_METRICS_API) in events
    assert (
        "FailedComputeMetricsReplicas",
        "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource "
        "metric value: " + NO_METRICS_API,
    ) in events
    status = _hpa(box)["status"]
    # The syncs after the rescale fail on metrics; desiredReplicas stays what it was.
    assert (status["currentReplicas"], status["desiredReplicas"]) == (clamped, clamped)
    assert status["currentMetrics"] == [{"type": ""}]
    active = next(c for c in status["conditions"] if c["type"] == "ScalingActive")
    assert (active["status"], active["reason"]) == ("False", "FailedGetResourceMetric")
    assert active["message"] == "the HPA was unable to compute the replica count: " + NO_METRICS_API
    code, out = box.run("kubectl describe hpa web")
    assert (
        f"Deployment pods:                                       {clamped} current / {clamped} desired\n"
        in out
    )


def test_a_target_inside_the_range_stays_as_it_is_without_metrics() -> None:
    box = Sandbox.new()
    box.run("kubectl apply -f -", stdin=DEPLOY.format(replicas=3, metrics=CPU_50))
    box.run("sleep 45")
    assert box.run("kubectl get deployment web -o jsonpath={.spec.replicas}")[1] == "3"
    assert all(reason != "SuccessfulRescale" for reason, _ in _events(box))
    # No sync ever computed a count: desiredReplicas was never set.
    assert _hpa(box)["status"]["desiredReplicas"] == 0


def test_an_hpa_without_metrics_defaults_to_cpu_at_80_percent() -> None:
    box = Sandbox.new()
    box.run("kubectl apply -f -", stdin=DEPLOY.format(replicas=1, metrics=""))
    spec = _hpa(box)["spec"]
    assert spec["metrics"] == [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 80},
            },
        }
    ]
    box.run("sleep 20")
    code, out = box.run("kubectl get hpa web")
    assert out.splitlines()[1].split()[2:6] == ["cpu:", "<unknown>/80%", "2", "4"]


def test_min_replicas_defaults_to_one() -> None:
    box = Sandbox.new()
    text = DEPLOY.format(replicas=1, metrics=CPU_50).replace("  minReplicas: 2\n", "")
    box.run("kubectl apply -f -", stdin=text)
    assert _hpa(box)["spec"]["minReplicas"] == 1
