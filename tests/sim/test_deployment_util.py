"""The Deployment controller's arithmetic against upstream's own tables.

Every table below is transcribed from pkg/controller/deployment/util/deployment_util_test.go
(kubernetes/kubernetes); the test function named above each one is upstream's.
"""

from __future__ import annotations

from typing import Any

import pytest

from learn.sim.kube.controllers import deployment as dep
from learn.sim.kube.controllers import util


def _d(
    replicas: int | None = None,
    *,
    max_surge: Any = None,
    max_unavailable: Any = None,
    strategy: str = "RollingUpdate",
    status: dict[str, Any] | None = None,
    pds: int | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {"strategy": {"type": strategy}}
    if replicas is not None:
        spec["replicas"] = replicas
    if strategy == "RollingUpdate":
        spec["strategy"]["rollingUpdate"] = {
            "maxSurge": max_surge,
            "maxUnavailable": max_unavailable,
        }
    if pds is not None:
        spec["progressDeadlineSeconds"] = pds
    return {"metadata": {"name": "foo", "generation": 0}, "spec": spec, "status": status or {}}


# TestResolveFenceposts (7 cases): maxSurge, maxUnavailable, desired -> surge, unavailable.
@pytest.mark.parametrize(
    ("surge", "unavailable", "desired", "want_surge", "want_unavailable", "error"),
    [
        ("0%", "0%", 0, 0, 1, False),
        ("39%", "39%", 10, 4, 3, False),
        ("oops", "39%", 10, 0, 0, True),
        ("55%", "urg", 10, 0, 0, True),
        (None, "39%", 10, 0, 3, False),
        ("39%", None, 10, 4, 0, False),
        (None, None, 10, 0, 1, False),
    ],
)
def test_resolve_fenceposts(
    surge: str | None,
    unavailable: str | None,
    desired: int,
    want_surge: int,
    want_unavailable: int,
    error: bool,
) -> None:
    if error:
        with pytest.raises(util.IntOrStringError):
            dep.resolve_fenceposts(surge, unavailable, desired)
        return
    assert dep.resolve_fenceposts(surge, unavailable, desired) == (want_surge, want_unavailable)


# TestNewRSNewReplicas (3 cases): strategy, deployment replicas, new RS replicas, maxSurge ->
# new RS replicas; another ReplicaSet of 5 replicas exists; maxUnavailable is 1.
@pytest.mark.parametrize(
    ("strategy", "replicas", "new_replicas", "surge", "expected"),
    [
        ("RollingUpdate", 1, 5, 1, 5),
        ("RollingUpdate", 6, 2, 10, 6),
        ("Recreate", 3, 1, 1, 3),
    ],
)
def test_new_rs_new_replicas(
    strategy: str, replicas: int, new_replicas: int, surge: int, expected: int
) -> None:
    d = _d(replicas, max_surge=surge, max_unavailable=1)
    d["spec"]["strategy"] = {
        "type": strategy,
        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": surge},
    }
    rs5 = {"spec": {"replicas": 5}}
    new_rs = {"spec": {"replicas": new_replicas}}
    assert dep.new_rs_new_replicas(d, [rs5], new_rs) == expected


# TestMaxUnavailable (8 cases, maxSurge 1).
@pytest.mark.parametrize(
    ("replicas", "unavailable", "strategy", "expected"),
    [
        (10, 5, "RollingUpdate", 5),
        (10, 10, "RollingUpdate", 10),
        (5, 10, "RollingUpdate", 5),
        (0, 10, "RollingUpdate", 0),
        (None, None, "Recreate", 0),
        (10, "50%", "RollingUpdate", 5),
        (10, "100%", "RollingUpdate", 10),
        (5, "100%", "RollingUpdate", 5),
    ],
)
def test_max_unavailable(
    replicas: int | None, unavailable: Any, strategy: str, expected: int
) -> None:
    d = _d(replicas, max_surge=1, max_unavailable=unavailable, strategy=strategy)
    assert dep.max_unavailable(d) == expected


# TestMinAvailable (8 cases, maxSurge 1).
@pytest.mark.parametrize(
    ("replicas", "unavailable", "strategy", "expected"),
    [
        (10, 5, "RollingUpdate", 5),
        (10, 10, "RollingUpdate", 0),
        (5, 10, "RollingUpdate", 0),
        (0, 10, "RollingUpdate", 0),
        (10, None, "Recreate", 0),
        (10, "60%", "RollingUpdate", 4),
        (10, "100%", "RollingUpdate", 0),
        (5, "100%", "RollingUpdate", 0),
    ],
)
def test_min_available(replicas: int, unavailable: Any, strategy: str, expected: int) -> None:
    d = _d(replicas, max_surge=1, max_unavailable=unavailable, strategy=strategy)
    assert dep.min_available(d) == expected


# TestDeploymentComplete (6 cases): desired, current, updated, available, maxUnavailable,
# maxSurge -> complete.
@pytest.mark.parametrize(
    ("desired", "current", "updated", "available", "unavailable", "surge", "expected"),
    [
        (5, 5, 5, 4, 1, 0, False),
        (5, 5, 5, 3, 1, 0, False),
        (5, 5, 5, 5, 0, 0, True),
        (5, 5, 4, 5, 0, 0, False),
        (1, 2, 1, 1, 0, 1, False),
        (1, 1, 1, 0, 1, 1, False),
    ],
)
def test_deployment_complete(
    desired: int,
    current: int,
    updated: int,
    available: int,
    unavailable: int,
    surge: int,
    expected: bool,
) -> None:
    status = {"replicas": current, "updatedReplicas": updated, "availableReplicas": available}
    d = _d(desired, max_surge=surge, max_unavailable=unavailable, status=status)
    assert dep.deployment_complete(d, status) is expected


# TestDeploymentProgressing (7 cases): old (current, updated, ready, available) -> new.
@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ((10, 4, 4, 4), (10, 6, 4, 4), True),
        ((10, 4, 4, 4), (10, 4, 4, 4), False),
        ((10, 4, 6, 6), (8, 4, 6, 6), True),
        ((10, 7, 3, 3), (10, 6, 3, 3), False),
        ((10, 4, 7, 7), (8, 8, 5, 5), True),
        ((10, 10, 9, 8), (10, 10, 10, 8), True),
        ((10, 10, 10, 9), (10, 10, 10, 10), True),
    ],
)
def test_deployment_progressing(
    old: tuple[int, int, int, int], new: tuple[int, int, int, int], expected: bool
) -> None:
    def status(v: tuple[int, int, int, int]) -> dict[str, int]:
        keys = ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas")
        return dict(zip(keys, v, strict=True))

    assert dep.deployment_progressing(_d(status=status(old)), status(new)) is expected


# TestDeploymentTimedOut (5 cases): the Progressing condition last updated at 00:01:09 or
# 00:01:11, now 00:01:20, progressDeadlineSeconds nil, MaxInt32 or 10.
T0 = 0  # 2016-01-01T00:00:00 in upstream; only differences matter


def _at(minutes: int, seconds: int) -> int:
    return T0 + (minutes * 60 + seconds) * 1000


@pytest.mark.parametrize(
    ("pds", "reason", "updated", "now", "expected"),
    [
        (None, "", _at(1, 9), _at(1, 20), False),
        (2**31 - 1, "", _at(1, 9), _at(1, 20), False),
        (10, "", _at(1, 9), _at(1, 20), True),
        (10, "", _at(1, 11), _at(1, 20), False),
        (None, dep.NEW_RS_AVAILABLE, None, _at(1, 20), False),
    ],
)
def test_deployment_timed_out(
    pds: int | None, reason: str, updated: int | None, now: int, expected: bool
) -> None:
    cond: dict[str, Any] = {"type": "Progressing", "status": "True", "reason": reason}
    if updated is not None:
        cond["lastUpdateTime"] = util.stamp(updated)
    status = {"conditions": [cond]}
    d = _d(status=status, pds=pds)
    assert dep.deployment_timed_out(d, status, now) is expected


# TestSetCondition (3 cases) and TestRemoveCondition (3 cases).
PROGRESSING = {"type": "Progressing", "status": "False", "reason": "ForSomeReason"}
PROGRESSING2 = {"type": "Progressing", "status": "True", "reason": "BecauseItIs"}
AVAILABLE = {"type": "Available", "status": "True", "reason": "AwesomeController"}


@pytest.mark.parametrize(
    ("before", "cond", "after"),
    [
        ([], AVAILABLE, [AVAILABLE]),
        ([PROGRESSING], AVAILABLE, [PROGRESSING, AVAILABLE]),
        ([PROGRESSING], PROGRESSING2, [PROGRESSING2]),
    ],
)
def test_set_condition(before: list[Any], cond: dict[str, Any], after: list[Any]) -> None:
    status: dict[str, Any] = {"conditions": [dict(c) for c in before]}
    dep.set_condition(status, dict(cond))
    assert [
        {k: c.get(k) for k in ("type", "status", "reason")} for c in status["conditions"]
    ] == after


@pytest.mark.parametrize(
    ("before", "kind", "after"),
    [
        ([], "Progressing", []),
        ([PROGRESSING], "Progressing", []),
        ([PROGRESSING, AVAILABLE], "ReplicaFailure", [PROGRESSING, AVAILABLE]),
    ],
)
def test_remove_condition(before: list[Any], kind: str, after: list[Any]) -> None:
    status: dict[str, Any] = {"conditions": [dict(c) for c in before]} if before else {}
    dep.remove_condition(status, kind)
    assert status.get("conditions", []) == after


# TestGetReplicaCountForReplicaSets (the counts of its 6 cases; terminating replicas are
# behind an alpha feature gate and not simulated).
RS1 = {"spec": {"replicas": 1}, "status": {"replicas": 2}}
RS2 = {"spec": {"replicas": 2}, "status": {"replicas": 3}}
RS3 = {"spec": {"replicas": 3}, "status": {"replicas": 0}}
RS4 = {"spec": {"replicas": 1}, "status": {"replicas": 1}}


@pytest.mark.parametrize(
    ("sets", "count", "actual"),
    [
        ([RS1], 1, 2),
        ([RS1, RS2], 3, 5),
        ([RS3], 3, 0),
        ([RS1, RS2, RS3], 6, 5),
        ([RS4], 1, 1),
        ([RS1, RS2, RS3, RS4], 7, 6),
    ],
)
def test_replica_counts(sets: list[Any], count: int, actual: int) -> None:
    assert dep.replica_count(sets) == count
    assert dep.actual_count(sets) == actual


# TestAnnotationUtils/SetNewReplicaSetAnnotations: revisions 11..20 with a history limit of
# 5 characters keep the last two old revisions.
def test_revision_history_keeps_what_fits() -> None:
    d = {"metadata": {"annotations": {dep.REVISION: "1"}}, "spec": {"replicas": 1}}
    rs: dict[str, Any] = {"metadata": {}}
    for i in range(10, 20):
        dep.set_new_rs_annotations(d, rs, str(i + 1), True, 5)
        if i >= 12:
            assert rs["metadata"]["annotations"][dep.REVISION_HISTORY] == f"{i - 1},{i}"
        assert rs["metadata"]["annotations"][dep.REVISION] == str(i + 1)


# TestAnnotationUtils/SetReplicasAnnotations and IsSaturated.
def test_replicas_annotations_and_saturation() -> None:
    rs: dict[str, Any] = {"metadata": {}, "spec": {"replicas": 1}, "status": {}}
    assert dep.set_replicas_annotations(rs, 10, 11)
    assert rs["metadata"]["annotations"][dep.DESIRED_REPLICAS] == "10"
    assert rs["metadata"]["annotations"][dep.MAX_REPLICAS] == "11"
    rs["metadata"]["annotations"][dep.DESIRED_REPLICAS] = "1"
    rs["status"]["availableReplicas"] = 1
    assert dep.is_saturated({"spec": {"replicas": 1}}, rs)


# TestReplicasAnnotationsNeedUpdate (4 cases), desired 10, max 20.
@pytest.mark.parametrize(
    ("annotations", "expected"),
    [
        (None, True),
        ({dep.DESIRED_REPLICAS: "8", dep.MAX_REPLICAS: "20"}, True),
        ({dep.DESIRED_REPLICAS: "10", dep.MAX_REPLICAS: "16"}, True),
        ({dep.DESIRED_REPLICAS: "10", dep.MAX_REPLICAS: "20"}, False),
    ],
)
def test_replicas_annotations_need_update(annotations: Any, expected: bool) -> None:
    rs = {"metadata": {"name": "hello", "namespace": "test", "annotations": annotations}}
    assert dep.replicas_annotations_need_update(rs, 10, 20) is expected


def _rs(uid: str, template_name: str, created: int, replicas: int = 0) -> dict[str, Any]:
    template = {
        "metadata": {"labels": {"name": "nginx"}},
        "spec": {"containers": [{"name": template_name, "image": "nginx"}]},
    }
    return {
        "metadata": {"uid": uid, "name": uid, "creationTimestamp": util.stamp(created)},
        "spec": {"replicas": replicas, "template": template},
    }  # fmt: skip


# TestFindNewReplicaSet (the 3 cases without API-server-dropped fields) and
# TestFindOldReplicaSets (4 cases).
NEW = _rs("new", "nginx", 60_000, 1)
NEW_DUP = _rs("new-dup", "nginx", 0)
OLD = _rs("old", "nginx-old-1", -60_000)  # generateRS: spec.replicas 0
DEPLOYMENT = {"spec": {"template": NEW["spec"]["template"]}}


@pytest.mark.parametrize(
    ("rss", "expected"),
    [([NEW, OLD], "new"), ([NEW, OLD, NEW_DUP], "new-dup"), ([OLD], None)],
)
def test_find_new_replica_set(rss: list[Any], expected: str | None) -> None:
    found = dep.find_new_rs(DEPLOYMENT, rss)
    assert (found["metadata"]["uid"] if found else None) == expected


@pytest.mark.parametrize(
    ("rss", "expected_all", "expected_required"),
    [
        ([NEW, OLD], ["old"], []),
        ([OLD], ["old"], []),
        ([OLD, NEW, NEW_DUP], ["old", "new"], ["new"]),
        ([NEW], [], []),
    ],
)
def test_find_old_replica_sets(
    rss: list[Any], expected_all: list[str], expected_required: list[str]
) -> None:
    required, all_old = dep.find_old_rss(DEPLOYMENT, rss)
    assert sorted(r["metadata"]["uid"] for r in all_old) == sorted(expected_all)
    assert sorted(r["metadata"]["uid"] for r in required) == sorted(expected_required)
