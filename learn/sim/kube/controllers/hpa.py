"""The HorizontalPodAutoscaler controller (pkg/controller/podautoscaler), order 130.

Every 15 s (its resync period) each autoscaling/v2 HPA with Resource metrics (cpu or memory,
target Utilization or AverageValue) reads its target's Pods and their usage (learn/sim/kube/
kubelet.py `usage_all`, what metrics-server would report; without metrics-server, as on a
fresh kind cluster, it fails as the real one does: FailedGetResourceMetric "... the server
could not find the requested resource (get pods.metrics.k8s.io)"), and computes a replica count as
upstream's ReplicaCalculator does (replica_calculator.go: unready and missing Pods, the 10 %
tolerance, the 5-minute CPU initialization period). The recommendation is stabilized (scale
down: the highest recommendation of the last 300 s; scale up: none) and rate-limited with
the default behavior (up: the larger of 4 Pods or 100 % per 15 s; down: 100 % per 15 s),
clamped to minReplicas / maxReplicas, and written to the target's `spec.replicas` with the
`SuccessfulRescale` event, the status (currentMetrics, desiredReplicas, lastScaleTime) and
the AbleToScale, ScalingActive and ScalingLimited conditions worded as upstream words them.

Not simulated: Pods, Object and External metrics, container resource metrics and custom
behavior policies (the defaults are used; a custom stabilization window is honoured); such
a metric is answered with a ScalingActive=False condition saying so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from learn.sim import clock
from learn.sim.kube.api import ApiError, Store, copy_of
from learn.sim.kube.controllers import util
from learn.sim.world import World

COMPONENT = "horizontal-pod-autoscaler"
TOLERANCE = 0.1
CPU_INITIALIZATION_MS = 5 * 60_000
INITIAL_READINESS_DELAY_MS = 30_000
SYNC_MS = 15_000
DOWN_STABILIZATION_S = 300
METRIC_WINDOW_MS = 30_000  # metrics-server's default resolution window

Obj = dict[str, Any]


class MetricError(Exception):
    pass


@dataclass
class PodMetric:
    value: int  # milli-units (millicores, or milli-bytes for memory as upstream keeps them)
    timestamp: int
    window: int


def _pod_phase(pod: Mapping[str, Any]) -> str:
    return str((pod.get("status") or {}).get("phase", ""))


def group_pods(
    pods: list[Any], metrics: Mapping[str, PodMetric], resource: str, now: int
) -> tuple[int, set[str], set[str], set[str]]:
    """groupPods: (ready count, unready, missing, ignored)."""
    ready = 0
    unready: set[str] = set()
    missing: set[str] = set()
    ignored: set[str] = set()
    for pod in pods:
        name = pod["metadata"]["name"]
        if pod["metadata"].get("deletionTimestamp") or _pod_phase(pod) == "Failed":
            ignored.add(name)
            continue
        if _pod_phase(pod) == "Pending":
            unready.add(name)
            continue
        metric = metrics.get(name)
        if metric is None:
            missing.add(name)
            continue
        if resource == "cpu":
            condition = util.pod_condition(pod, "Ready")
            start_text = (pod.get("status") or {}).get("startTime")
            if condition is None or start_text is None:
                is_unready = True
            else:
                start = util.ts(start_text) if start_text else ZERO
                start = ZERO if start is None else start
                transition = util.ts(condition.get("lastTransitionTime")) or ZERO
                if start + CPU_INITIALIZATION_MS > now:
                    is_unready = (
                        condition.get("status") == "False"
                        or metric.timestamp < transition + metric.window
                    )
                else:
                    is_unready = (
                        condition.get("status") == "False"
                        and start + INITIAL_READINESS_DELAY_MS > transition
                    )
            if is_unready:
                unready.add(name)
                continue
        ready += 1
    return ready, unready, missing, ignored


ZERO = util.ts("0001-01-01T00:00:00Z") or 0  # Go's zero time


def pod_requests(pods: list[Any], resource: str) -> dict[str, int]:
    """calculatePodRequests: the sum over containers (and restartable init containers)."""
    from learn.sim.kube import quantity

    out: dict[str, int] = {}
    for pod in pods:
        spec = pod.get("spec") or {}
        containers = list(spec.get("containers") or []) + [
            c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"
        ]
        total = 0
        for container in containers:
            text = ((container.get("resources") or {}).get("requests") or {}).get(resource)
            if text is None:
                raise MetricError(
                    f"missing request for {resource} in container {container.get('name', '')} "
                    f"of Pod {pod['metadata']['name']}"
                )
            total += quantity.parse(str(text)).milli()
        out[pod["metadata"]["name"]] = total
    return out


def utilization_ratio(
    metrics: Mapping[str, PodMetric], requests: Mapping[str, int], target: int
) -> tuple[float, int, int]:
    """GetResourceUtilizationRatio: (ratio, utilization %, raw average)."""
    total_metrics = total_requests = entries = 0
    for name, metric in metrics.items():
        if name not in requests:
            continue
        total_metrics += metric.value
        total_requests += requests[name]
        entries += 1
    if total_requests == 0:
        raise MetricError("no metrics returned matched known pods")
    utilization = (total_metrics * 100) // total_requests
    return utilization / target, utilization, total_metrics // entries


def resource_replicas(
    current: int,
    target: int,
    resource: str,
    pods: list[Any],
    metrics: dict[str, PodMetric],
    now: int,
    tolerance: float = TOLERANCE,
) -> tuple[int, int, int]:
    """GetResourceReplicas: (replicas, utilization %, raw average usage)."""
    if not metrics:
        raise MetricError(
            f"unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
        )
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    metrics = dict(metrics)
    ready, unready, missing, ignored = group_pods(pods, metrics, resource, now)
    for name in ignored | unready:
        metrics.pop(name, None)
    requests = pod_requests(pods, resource)
    if not metrics:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")
    ratio, utilization, raw = utilization_ratio(metrics, requests, target)
    scale_up_with_unready = bool(unready) and ratio > 1.0
    if not scale_up_with_unready and not missing:
        if abs(1.0 - ratio) <= tolerance:
            return current, utilization, raw
        return math.ceil(ratio * ready), utilization, raw
    if missing:
        if ratio < 1.0:
            fallback = max(100, target)
            for name in missing:
                metrics[name] = PodMetric(requests[name] * fallback // 100, 0, 0)
        elif ratio > 1.0:
            for name in missing:
                metrics[name] = PodMetric(0, 0, 0)
    if scale_up_with_unready:
        for name in unready:
            metrics[name] = PodMetric(0, 0, 0)
    new_ratio, _, _ = utilization_ratio(metrics, requests, target)
    if (
        abs(1.0 - new_ratio) <= tolerance
        or (ratio < 1.0 and new_ratio > 1.0)
        or (ratio > 1.0 and new_ratio < 1.0)
    ):
        return current, utilization, raw
    new = math.ceil(new_ratio * len(metrics))
    if (new_ratio < 1.0 and new > current) or (new_ratio > 1.0 and new < current):
        return current, utilization, raw
    return new, utilization, raw


# --------------------------------------------------------------------------- the controller

_TARGETS = {"Deployment": "deployments", "ReplicaSet": "replicasets", "StatefulSet": "statefulsets"}


def _condition(kind: str, status: str, reason: str, message: str, at: str, old: list[Any]) -> Obj:
    previous = next((c for c in old if c.get("type") == kind), None)
    when = previous["lastTransitionTime"] if previous and previous.get("status") == status else at
    return {
        "type": kind,
        "status": status,
        "lastTransitionTime": when,
        "reason": reason,
        "message": message,
    }


def _metrics_for(world: World, pods: list[Any], resource: str) -> dict[str, PodMetric]:
    from learn.sim.kube import kubelet

    if not kubelet.metrics_available(world):
        raise MetricError(
            f"unable to get metrics for resource {resource}: {kubelet.NO_METRICS_API}"
        )
    out = {}
    all_usage = kubelet.usage_all(world)
    for pod in pods:
        usage = all_usage.get(pod["metadata"].get("uid", ""))
        if usage is None:
            continue
        cpu = sum(c for _, c, _ in usage)
        memory = sum(m for _, _, m in usage)
        out[pod["metadata"]["name"]] = PodMetric(
            cpu if resource == "cpu" else memory * 1000, world.now, METRIC_WINDOW_MS
        )
    return out


def _sync(store: Store, hpa: Obj, record: Obj) -> bool:
    world = store.world
    now = world.now
    at = world.timestamp()
    spec = hpa.get("spec") or {}
    ref = spec.get("scaleTargetRef") or {}
    ns = hpa["metadata"]["namespace"]
    old_status = hpa.get("status") or {}
    old_conditions = old_status.get("conditions") or []
    status: Obj = {"currentReplicas": 0, "desiredReplicas": 0}
    if old_status.get("lastScaleTime"):
        status["lastScaleTime"] = old_status["lastScaleTime"]
    changed = False

    def finish(conditions: list[Obj]) -> bool:
        # setCondition: a condition replaces the one of its type, the others stay as they
        # were (a ScalingLimited from an earlier sync outlives a sync whose metrics failed).
        merged = [dict(c) for c in old_conditions]
        for condition in conditions:
            at_type = next(
                (i for i, c in enumerate(merged) if c.get("type") == condition["type"]), None
            )
            if at_type is None:
                merged.append(condition)
            else:
                merged[at_type] = condition
        status["conditions"] = merged
        if status != old_status:
            new = copy_of(hpa)
            new["status"] = status
            store.update_status(new)
            return True
        return changed

    resource_name = _TARGETS.get(str(ref.get("kind", "")))
    target = store.get(resource_name, ns, str(ref.get("name", ""))) if resource_name else None
    if target is None:
        qualified = f"{resource_name or str(ref.get('kind', '')).lower() + 's'}"
        if resource_name in ("deployments", "replicasets", "statefulsets"):
            qualified += ".apps"
        message = (
            "the HPA controller was unable to get the target's current scale: "
            f'{qualified} "{ref.get("name", "")}" not found'
        )
        store.event(
            hpa, type="Warning", reason="FailedGetScale", message=message, component=COMPONENT
        )
        return finish(
            [_condition("AbleToScale", "False", "FailedGetScale", message, at, old_conditions)]
        )
    current = util.replicas_of(target)
    status["currentReplicas"] = current
    # recordInitialRecommendation: a new HPA starts from the current size, so it does not
    # scale down before a full stabilization window has passed.
    record.setdefault("recommendations", [[now, current]])
    min_replicas = int(spec.get("minReplicas", 1))
    max_replicas = int(spec.get("maxReplicas", 1))
    selector = (target.get("spec") or {}).get("selector")
    pods = [
        p
        for p in store.list("pods", ns)
        if util.selector_matches(selector, p["metadata"].get("labels") or {})
    ]
    conditions: list[Obj] = []
    rescale_reason = ""
    if current == 0 and min_replicas != 0:
        status["desiredReplicas"] = 0
        return finish(
            [
                _condition("AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale", at, old_conditions),
                _condition("ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero", at, old_conditions),
            ]
        )  # fmt: skip
    desired = current
    metric_name = ""
    if current > max_replicas:
        rescale_reason, desired = "Current number of replicas above Spec.MaxReplicas", max_replicas
    elif current < min_replicas:
        rescale_reason, desired = "Current number of replicas below Spec.MinReplicas", min_replicas
    else:
        proposals = []
        current_metrics: list[Obj] = []
        invalid = 0
        first_error: str | None = None
        failed_condition: Obj | None = None
        for metric in spec.get("metrics") or []:
            if metric.get("type") != "Resource":
                message = f"{metric.get('type')} metrics are not simulated in this sandbox"
                return finish(
                    [
                        _condition(
                            "ScalingActive", "False", "FailedGetMetric", message, at, old_conditions
                        )
                    ]
                )
            res = metric.get("resource") or {}
            name = str(res.get("name", "cpu"))
            goal = res.get("target") or {}
            try:
                metrics = _metrics_for(world, pods, name)
                if goal.get("type") == "AverageValue":
                    from learn.sim.kube import quantity

                    value = quantity.parse(str(goal.get("averageValue", "0"))).milli()
                    usage = sum(m.value for m in metrics.values())
                    replicas = math.ceil(usage / value) if value else current
                    if abs(usage / max(1, value * max(1, len(metrics))) - 1.0) <= TOLERANCE:
                        replicas = current
                    current_metrics.append(
                        {
                            "type": "Resource",
                            "resource": {
                                "name": name,
                                "current": {
                                    "averageValue": _quantity(usage // max(1, len(metrics)), name)
                                },
                            },
                        }
                    )
                else:
                    replicas, utilization, raw = resource_replicas(
                        current,
                        int(goal.get("averageUtilization", 80)),
                        name,
                        pods,
                        metrics,
                        world.now,
                    )
                    current_metrics.append(
                        {
                            "type": "Resource",
                            "resource": {
                                "name": name,
                                "current": {
                                    "averageUtilization": utilization,
                                    "averageValue": _quantity(raw, name),
                                },
                            },
                        }
                    )
            except MetricError as exc:
                # computeStatusForResourceMetric: the event and the ScalingActive condition
                # of the first metric that failed; its status stays empty (`type: ""`).
                current_metrics.append({"type": ""})
                error = f"failed to get {name} utilization: {exc}"
                store.event(
                    hpa,
                    type="Warning",
                    reason="FailedGetResourceMetric",
                    message=error,
                    component=COMPONENT,
                )
                if first_error is None:
                    first_error = f"failed to get {name} resource metric value: {error}"
                    failed_condition = _condition(
                        "ScalingActive",
                        "False",
                        "FailedGetResourceMetric",
                        f"the HPA was unable to compute the replica count: {error}",
                        at,
                        old_conditions,
                    )
                invalid += 1
                continue
            proposals.append((replicas, f"{name} resource utilization (percentage of request)"))
        if current_metrics:
            status["currentMetrics"] = current_metrics
        # computeReplicasForMetrics: every metric failed, or some did and the others would
        # scale down: no scaling this time. The status keeps its last desiredReplicas
        # (setCurrentReplicasAndMetricsInStatus) and FailedComputeMetricsReplicas is recorded.
        specs = len(spec.get("metrics") or [])
        if failed_condition is not None and (
            invalid >= specs or max(r for r, _ in proposals) < current
        ):
            status["desiredReplicas"] = int(old_status.get("desiredReplicas", 0))
            store.event(
                hpa,
                type="Warning",
                reason="FailedComputeMetricsReplicas",
                message=f"invalid metrics ({invalid} invalid out of {specs}), first error is: {first_error}",
                component=COMPONENT,
            )
            return finish([
                _condition("AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale", at, old_conditions),
                failed_condition,
            ])  # fmt: skip
        if proposals:
            desired, metric_name = max(proposals)
        desired, limited = _normalize(
            spec, record, desired, current, min_replicas, max_replicas, now
        )
        conditions.append(
            _condition(
                "AbleToScale", "True", *_able(desired, current, record, now), at, old_conditions
            )
        )
        conditions.append(
            _condition(
                "ScalingActive",
                "True",
                "ValidMetricFound",
                f"the HPA was able to successfully calculate a replica count from {metric_name}",
                at,
                old_conditions,
            )
        )
        conditions.append(_condition("ScalingLimited", *limited, at, old_conditions))
        if desired > current:
            rescale_reason = f"{metric_name} above target"
        elif desired < current:
            rescale_reason = "All metrics below target"
    status["desiredReplicas"] = desired
    if desired != current:
        new_target = copy_of(target)
        new_target["spec"]["replicas"] = desired
        try:
            store.update(new_target)
        except ApiError as exc:
            store.event(
                hpa,
                type="Warning",
                reason="FailedRescale",
                message=f"New size: {desired}; reason: {rescale_reason}; error: {exc.message}",
                component=COMPONENT,
            )
            return finish(conditions)
        store.event(
            hpa,
            type="Normal",
            reason="SuccessfulRescale",
            message=f"New size: {desired}; reason: {rescale_reason}",
            component=COMPONENT,
        )
        record.setdefault("events", []).append([now, desired - current])
        status["lastScaleTime"] = at
        changed = True
        if not conditions:
            conditions = [
                _condition(
                    "AbleToScale",
                    "True",
                    "SucceededRescale",
                    f"the HPA controller was able to update the target scale to {desired}",
                    at,
                    old_conditions,
                )
            ]
    return finish(conditions)


def _quantity(milli: int, resource: str) -> str:
    from learn.sim.kube import quantity

    if resource == "cpu":
        return quantity.format_milli(milli)
    return quantity.format_bytes(milli // 1000)


def _able(desired: int, current: int, record: Obj, now: int) -> tuple[str, str]:
    stabilized = record.get("stabilized")
    if stabilized:
        return stabilized[0], stabilized[1]
    if desired == current:
        return "ReadyForNewScale", "recommended size matches current size"
    return (
        "SucceededRescale",
        f"the HPA controller was able to update the target scale to {desired}",
    )


def _normalize(
    spec: Obj,
    record: Obj,
    desired: int,
    current: int,
    min_replicas: int,
    max_replicas: int,
    now: int,
) -> tuple[int, tuple[str, str, str]]:
    """normalizeDesiredReplicas (no behavior) or normalizeDesiredReplicasWithBehaviors:
    stabilize, then rate-limit and clamp."""
    behavior = spec.get("behavior")
    if behavior is None:
        return _normalize_plain(record, desired, current, min_replicas, max_replicas, now)
    down_window = int(
        (behavior.get("scaleDown") or {}).get("stabilizationWindowSeconds", DOWN_STABILIZATION_S)
    )
    up_window = int((behavior.get("scaleUp") or {}).get("stabilizationWindowSeconds", 0))
    recs = record.setdefault("recommendations", [])
    up_rec, down_rec = desired, desired
    for at, value in recs:
        if at > now - up_window * 1000:
            up_rec = min(up_rec, value)
        if at > now - down_window * 1000:
            down_rec = max(down_rec, value)
    recommendation = current
    if recommendation < up_rec:
        recommendation = up_rec
    if recommendation > down_rec:
        recommendation = down_rec
    keep = max(up_window, down_window) * 1000
    record["recommendations"] = [[a, v] for a, v in recs if a > now - keep] + [[now, desired]]
    if recommendation != desired:
        record["stabilized"] = (
            ["ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation"]
            if desired >= current
            else ["ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation"]
        )  # fmt: skip
    else:
        record.pop("stabilized", None)
    desired = recommendation
    # The default policies over the last 15 s of scale events.
    events = [e for e in record.get("events") or [] if e[0] > now - SYNC_MS]
    record["events"] = events
    if desired > current:
        added = sum(d for _, d in events if d > 0)
        start = current - added
        limit = max(start + 4, math.ceil(start * 2.0))
        limit = max(limit, current)
        if max_replicas > limit:
            ceiling, reason = (
                limit,
                (
                    "True",
                    "ScaleUpLimit",
                    "the desired replica count is increasing faster than the maximum scale rate",
                ),
            )
        else:
            ceiling, reason = (
                max_replicas,
                (
                    "True",
                    "TooManyReplicas",
                    "the desired replica count is more than the maximum replica count",
                ),
            )
        if desired > ceiling:
            return ceiling, reason
    elif desired < current:
        removed = -sum(d for _, d in events if d < 0)
        start = current + removed
        limit = min(current, start - math.floor(start * 1.0))
        if min_replicas < limit:
            floor, reason = (
                limit,
                (
                    "True",
                    "ScaleDownLimit",
                    "the desired replica count is decreasing faster than the maximum scale rate",
                ),
            )
        else:
            floor, reason = (
                min_replicas,
                (
                    "True",
                    "TooFewReplicas",
                    "the desired replica count is less than the minimum replica count",
                ),
            )
        if desired < floor:
            return floor, reason
    return desired, (
        "False",
        "DesiredWithinRange",
        "the desired count is within the acceptable range",
    )


def _normalize_plain(
    record: Obj, desired: int, current: int, min_replicas: int, max_replicas: int, now: int
) -> tuple[int, tuple[str, str, str]]:
    """stabilizeRecommendation (the highest of the last 5 minutes) and
    convertDesiredReplicasWithRules (scale up at most to max(2 x current, 4))."""
    window = DOWN_STABILIZATION_S * 1000
    recs = [[a, v] for a, v in record.get("recommendations") or [] if a > now - window]
    stabilized = max([desired, *[v for _, v in recs]])
    record["recommendations"] = [*recs, [now, desired]]
    if stabilized != desired:
        record["stabilized"] = ["ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation"]  # fmt: skip
    else:
        record.pop("stabilized", None)
    scale_up_limit = max(2 * current, 4)
    if max_replicas > scale_up_limit:
        maximum, reason = scale_up_limit, ("True", "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")  # fmt: skip
    else:
        maximum, reason = max_replicas, ("True", "TooManyReplicas", "the desired replica count is more than the maximum replica count")  # fmt: skip
    if stabilized < min_replicas:
        return min_replicas, ("True", "TooFewReplicas", "the desired replica count is less than the minimum replica count")  # fmt: skip
    if stabilized > maximum:
        return maximum, reason
    return stabilized, (
        "False",
        "DesiredWithinRange",
        "the desired count is within the acceptable range",
    )


@clock.reconciler(130)
@util.skip_when_idle("hpa")
def reconcile(world: World) -> bool:
    store = Store.of(world)
    hpas = store.list("horizontalpodautoscalers")
    state: Obj = world.state.setdefault("hpa", {}) if hpas or world.state.get("hpa") else {}
    if not hpas:
        if state:
            world.state.pop("hpa", None)
        return False
    changed = False
    live = set()
    for hpa in hpas:
        uid = hpa["metadata"]["uid"]
        live.add(uid)
        record = state.setdefault(uid, {"last": None})
        last = record.get("last")
        if last is not None and world.now < int(last) + SYNC_MS:
            continue
        record["last"] = world.now
        clock.schedule(world, at=world.now + SYNC_MS, kind="controller-wake", key=f"hpa/{uid}")
        if _sync(store, copy_of(hpa), record):
            changed = True
    for uid in [u for u in state if u not in live]:
        del state[uid]
    return changed
