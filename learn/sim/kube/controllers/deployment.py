"""The Deployment controller (pkg/controller/deployment/), order 100.

Transcribed from upstream's sync.go, rolling.go, recreate.go, progress.go and
util/deployment_util.go: a ReplicaSet per pod template (named `<deployment>-<pod-template-hash>`),
the revision annotations (copied to the newest ReplicaSet, a rolled-back one keeps its old
numbers in `deployment.kubernetes.io/revision-history`), RollingUpdate with maxSurge rounded up
and maxUnavailable rounded down (ResolveFenceposts), Recreate, paused, proportional scaling,
the Progressing and Available conditions with upstream's reasons and messages,
progressDeadlineSeconds, and revisionHistoryLimit cleanup.

`kubectl rollout undo` is client-side (kubectl copies an old ReplicaSet's template into the
Deployment); this controller then finds that ReplicaSet as the new one and gives it the next
revision, as the real one does.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any

from learn.sim import clock
from learn.sim.kube import api
from learn.sim.kube.api import ApiError, Store, copy_of
from learn.sim.kube.controllers import util
from learn.sim.world import World

COMPONENT = "deployment-controller"

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
ROLLBACK_TO = "deprecated.deployment.rollback.to"
_SKIP_COPY = {LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO}
MAX_REV_HISTORY_CHARS = 2000  # kube-controller-manager's default

# Condition reasons (deployment_util.go).
NEW_RS_CREATED = "NewReplicaSetCreated"
FOUND_NEW_RS = "FoundNewReplicaSet"
RS_UPDATED = "ReplicaSetUpdated"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"
MIN_AVAILABLE = "MinimumReplicasAvailable"
MIN_UNAVAILABLE = "MinimumReplicasUnavailable"

MAX_INT32 = 2**31 - 1

Obj = dict[str, Any]


# --------------------------------------------------------------------------- util


def _strategy(d: util.Obj) -> util.Obj:
    return (d.get("spec") or {}).get("strategy") or {}


def is_rolling(d: util.Obj) -> bool:
    return _strategy(d).get("type", "RollingUpdate") == "RollingUpdate"


def resolve_fenceposts(max_surge: Any, max_unavailable: Any, desired: int) -> tuple[int, int]:
    """ResolveFenceposts: surge rounded up, unavailable rounded down, never both 0."""
    surge = util.scaled_value(0 if max_surge is None else max_surge, desired, round_up=True)
    unavailable = util.scaled_value(
        0 if max_unavailable is None else max_unavailable, desired, round_up=False
    )
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def _fenceposts(d: util.Obj) -> tuple[int, int]:
    rolling = _strategy(d).get("rollingUpdate") or {}
    # The API server defaults both to 25%; a Deployment written straight to the store may
    # lack them.
    return resolve_fenceposts(
        rolling.get("maxSurge", "25%"), rolling.get("maxUnavailable", "25%"), util.replicas_of(d)
    )


def max_unavailable(d: util.Obj) -> int:
    """MaxUnavailable."""
    if not is_rolling(d) or util.replicas_of(d) == 0:
        return 0
    _, unavailable = _fenceposts(d)
    return min(unavailable, util.replicas_of(d))


def min_available(d: util.Obj) -> int:
    """MinAvailable."""
    if not is_rolling(d):
        return 0
    return util.replicas_of(d) - max_unavailable(d)


def max_surge(d: util.Obj) -> int:
    """MaxSurge."""
    if not is_rolling(d):
        return 0
    surge, _ = _fenceposts(d)
    return surge


def replica_count(rss: list[Any]) -> int:
    """GetReplicaCountForReplicaSets: the sum of spec.replicas."""
    return sum(util.replicas_of(rs, 0) for rs in rss if rs is not None)


def actual_count(rss: list[Any]) -> int:
    """GetActualReplicaCountForReplicaSets: the sum of status.replicas."""
    return sum(util.status_int(rs, "replicas") for rs in rss if rs is not None)


def ready_count(rss: list[Any]) -> int:
    return sum(util.status_int(rs, "readyReplicas") for rs in rss if rs is not None)


def available_count(rss: list[Any]) -> int:
    return sum(util.status_int(rs, "availableReplicas") for rs in rss if rs is not None)


def new_rs_new_replicas(d: util.Obj, all_rss: list[Any], new_rs: util.Obj) -> int:
    """NewRSNewReplicas: how many replicas the new ReplicaSet may have now."""
    replicas = util.replicas_of(d)
    if is_rolling(d):
        current = replica_count(all_rss)
        max_total = replicas + max_surge(d)
        if current >= max_total:
            return util.replicas_of(new_rs, 0)
        scale_up = min(max_total - current, replicas - util.replicas_of(new_rs, 0))
        return util.replicas_of(new_rs, 0) + scale_up
    return replicas


def has_progress_deadline(d: util.Obj) -> bool:
    pds = (d.get("spec") or {}).get("progressDeadlineSeconds")
    return isinstance(pds, int) and pds != MAX_INT32


def condition(status: util.Obj, kind: str) -> Obj | None:
    for cond in status.get("conditions") or []:
        if cond.get("type") == kind:
            return cond  # type: ignore[no-any-return]
    return None


def new_condition(kind: str, status: str, reason: str, message: str, now: int) -> Obj:
    at = util.stamp(now)
    return {
        "type": kind,
        "status": status,
        "lastUpdateTime": at,
        "lastTransitionTime": at,
        "reason": reason,
        "message": message,
    }


def replica_failure(all_rss: list[Any], new_rs: Any) -> Obj | None:
    """getReplicaFailures: the new ReplicaSet's ReplicaFailure condition when True, else the
    first old ReplicaSet's, as a Deployment condition."""
    ordered = ([new_rs] if new_rs is not None else []) + [rs for rs in all_rss if rs is not new_rs]
    for rs in ordered:
        for cond in (rs.get("status") or {}).get("conditions") or []:
            if cond.get("type") == "ReplicaFailure" and cond.get("status") == "True":
                copied = {k: cond[k] for k in ("type", "status", "reason", "message") if k in cond}
                copied["lastUpdateTime"] = cond.get("lastTransitionTime")
                copied["lastTransitionTime"] = cond.get("lastTransitionTime")
                return copied
    return None


def set_condition(status: Obj, cond: Obj) -> None:
    """SetDeploymentCondition: same status and reason is no change; the transition time
    stays while the status does."""
    current = condition(status, cond["type"])
    if current and current["status"] == cond["status"] and current.get("reason") == cond["reason"]:
        return
    cond = dict(cond)
    if current and current["status"] == cond["status"]:
        cond["lastTransitionTime"] = current.get("lastTransitionTime")
    rest = [c for c in status.get("conditions") or [] if c.get("type") != cond["type"]]
    status["conditions"] = [*rest, cond]


def remove_condition(status: Obj, kind: str) -> None:
    rest = [c for c in status.get("conditions") or [] if c.get("type") != kind]
    if rest:
        status["conditions"] = rest
    else:
        status.pop("conditions", None)


def deployment_complete(d: util.Obj, status: util.Obj) -> bool:
    """DeploymentComplete."""
    replicas = util.replicas_of(d)
    return (
        int(status.get("updatedReplicas", 0)) == replicas
        and int(status.get("replicas", 0)) == replicas
        and int(status.get("availableReplicas", 0)) == replicas
        and int(status.get("observedGeneration", 0))
        >= int((d.get("metadata") or {}).get("generation", 0))
    )


def deployment_progressing(d: util.Obj, new: util.Obj) -> bool:
    """DeploymentProgressing: more updated, fewer old, more ready or more available."""
    old = d.get("status") or {}

    def get(s: util.Obj, key: str) -> int:
        return int(s.get(key, 0))

    old_old = get(old, "replicas") - get(old, "updatedReplicas")
    new_old = get(new, "replicas") - get(new, "updatedReplicas")
    return (
        get(new, "updatedReplicas") > get(old, "updatedReplicas")
        or new_old < old_old
        or get(new, "readyReplicas") > get(old, "readyReplicas")
        or get(new, "availableReplicas") > get(old, "availableReplicas")
    )


def deployment_timed_out(d: util.Obj, status: util.Obj, now: int) -> bool:
    """DeploymentTimedOut: the Progressing condition last updated longer ago than the
    deadline (strictly)."""
    if not has_progress_deadline(d):
        return False
    cond = condition(status, "Progressing")
    if cond is None:
        return False
    if cond.get("reason") == NEW_RS_AVAILABLE:
        return False
    if cond.get("reason") == TIMED_OUT:
        return True
    since = util.ts(cond.get("lastUpdateTime"))
    pds = int((d.get("spec") or {}).get("progressDeadlineSeconds") or 0)
    return since is not None and since + pds * 1000 < now


def revision(rs: util.Obj) -> int:
    text = ((rs.get("metadata") or {}).get("annotations") or {}).get(REVISION)
    try:
        return int(text) if text is not None else 0
    except ValueError:
        return 0


def _by_creation(rs: util.Obj) -> tuple[int, str]:
    """ReplicaSetsByCreationTimestamp (ties by name)."""
    meta = rs.get("metadata") or {}
    return (util.ts(meta.get("creationTimestamp")) or 0, meta.get("name", ""))


def find_new_rs(d: util.Obj, rss: list[Any]) -> Any:
    """FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's."""
    template = (d.get("spec") or {}).get("template") or {}
    for rs in sorted(rss, key=_by_creation):
        if util.equal_ignore_hash((rs.get("spec") or {}).get("template") or {}, template):
            return rs
    return None


def find_old_rss(d: util.Obj, rss: list[Any]) -> tuple[list[Any], list[Any]]:
    """FindOldReplicaSets: (those with replicas, all of them)."""
    new = find_new_rs(d, rss)
    all_old = [rs for rs in rss if new is None or rs["metadata"]["uid"] != new["metadata"]["uid"]]
    return [rs for rs in all_old if util.replicas_of(rs, 0) != 0], all_old


def set_replicas_annotations(rs: Obj, desired: int, maximum: int) -> bool:
    annotations = rs["metadata"].setdefault("annotations", {})
    changed = False
    for key, value in ((DESIRED_REPLICAS, str(desired)), (MAX_REPLICAS, str(maximum))):
        if annotations.get(key) != value:
            annotations[key] = value
            changed = True
    return changed


def replicas_annotations_need_update(rs: util.Obj, desired: int, maximum: int) -> bool:
    annotations = (rs.get("metadata") or {}).get("annotations") or {}
    return annotations.get(DESIRED_REPLICAS) != str(desired) or annotations.get(
        MAX_REPLICAS
    ) != str(maximum)


def set_new_rs_annotations(
    d: util.Obj, rs: Obj, new_revision: str, exists: bool, max_chars: int = MAX_REV_HISTORY_CHARS
) -> bool:
    """SetNewReplicaSetAnnotations."""
    annotations = rs["metadata"].setdefault("annotations", {})
    changed = False
    for key, value in ((d.get("metadata") or {}).get("annotations") or {}).items():
        if key in _SKIP_COPY or annotations.get(key) == value:
            continue
        annotations[key] = value
        changed = True
    had = REVISION in annotations
    old_text = annotations.get(REVISION, "")
    try:
        old = int(old_text) if old_text else 0
    except ValueError:
        return False
    new = int(new_revision)
    if old < new:
        annotations[REVISION] = new_revision
        changed = True
    if had and old < new:
        history = annotations.get(REVISION_HISTORY, "")
        olds = history.split(",")
        if not olds[0]:
            annotations[REVISION_HISTORY] = old_text
        else:
            total = len(history) + len(old_text) + 1
            start = 0
            while total > max_chars and start < len(olds):
                total -= len(olds[start]) + 1
                start += 1
            if total <= max_chars:
                annotations[REVISION_HISTORY] = ",".join([*olds[start:], old_text])
    if not exists and set_replicas_annotations(
        rs, util.replicas_of(d), util.replicas_of(d) + max_surge(d)
    ):
        changed = True
    return changed


def is_saturated(d: util.Obj, rs: util.Obj | None) -> bool:
    if rs is None:
        return False
    desired = ((rs.get("metadata") or {}).get("annotations") or {}).get(DESIRED_REPLICAS)
    replicas = util.replicas_of(d)
    return (
        desired == str(replicas)
        and util.replicas_of(rs, 0) == replicas
        and util.status_int(rs, "availableReplicas") == replicas
    )


def _active(rss: list[Any]) -> list[Any]:
    """FilterActiveReplicaSets."""
    return [rs for rs in rss if rs is not None and util.replicas_of(rs, 0) > 0]


def find_active_or_latest(new_rs: Any, old_rss: list[Any]) -> Any:
    if new_rs is None and not old_rss:
        return None
    olds = sorted(old_rss, key=_by_creation, reverse=True)
    active = _active([*olds, new_rs])
    if not active:
        return new_rs if new_rs is not None else olds[0]
    if len(active) == 1:
        return active[0]
    return None


def _by_size_newer(rss: list[Any]) -> list[Any]:
    """ReplicaSetsBySizeNewer: larger first; equal sizes newest first."""

    def less(a: util.Obj, b: util.Obj) -> int:
        ra, rb = util.replicas_of(a, 0), util.replicas_of(b, 0)
        if ra != rb:
            return -1 if ra > rb else 1
        ka, kb = _by_creation(a), _by_creation(b)
        return -1 if ka > kb else (1 if ka < kb else 0)

    return sorted(rss, key=functools.cmp_to_key(less))


def rs_fraction(rs: util.Obj, d: util.Obj) -> int:
    """getReplicaSetFraction."""
    if util.replicas_of(d) == 0:
        return -util.replicas_of(rs, 0)
    deployment_replicas = util.replicas_of(d) + max_surge(d)
    text = ((rs.get("metadata") or {}).get("annotations") or {}).get(MAX_REPLICAS)
    try:
        annotated = int(text) if text is not None else 0
    except ValueError:
        annotated = 0
    if annotated <= 0:
        return 0
    size = util.replicas_of(rs, 0) * deployment_replicas / annotated
    rounded = int(size + 0.5) if size >= 0 else -int(-size + 0.5)  # math.Round
    return rounded - util.replicas_of(rs, 0)


def rs_proportion(rs: util.Obj | None, d: util.Obj, to_add: int, added: int) -> int:
    """GetReplicaSetProportion."""
    if rs is None or util.replicas_of(rs, 0) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = rs_fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


# --------------------------------------------------------------------------- the controller


class _Sync:
    """One pass of syncDeployment over one Deployment (transient, never stored)."""

    def __init__(self, store: Store, d: Obj, rss: list[Any], pods_by_rs: dict[str, list[Any]]):
        self.store = store
        self.now = store.world.now
        self.d = d
        self.rss = rss
        self.pods_by_rs = pods_by_rs
        self.changed = False

    # ------------------------------------------------------------------ writes

    def _event(self, reason: str, message: str, type: str = "Normal") -> None:
        self.store.event(self.d, type=type, reason=reason, message=message, component=COMPONENT)

    def _update_rs(self, rs: Obj) -> Obj:
        stored = self.store.update(rs)
        self.rss = [
            stored if r["metadata"]["uid"] == stored["metadata"]["uid"] else r for r in self.rss
        ]
        self.changed = True
        return stored

    def _update_deployment_status(self, status: Obj) -> None:
        """UpdateStatus: the status, and with it the revision annotation (the status
        strategy keeps only the spec and labels of the stored object)."""
        d = self.d
        stored = self.store.get("deployments", d["metadata"]["namespace"], d["metadata"]["name"])
        if stored is None:
            return
        want_rev = (d["metadata"].get("annotations") or {}).get(REVISION)
        have_rev = (stored["metadata"].get("annotations") or {}).get(REVISION)
        if want_rev is not None and want_rev != have_rev:
            meta_copy = copy_of(stored)
            meta_copy["metadata"].setdefault("annotations", {})[REVISION] = want_rev
            stored = self.store.update(meta_copy)
            self.changed = True
        if stored.get("status") != status:
            new = copy_of(stored)
            new["status"] = status
            stored = self.store.update_status(new)
            self.changed = True
        self.d = copy_of(stored)

    def scale_rs(self, rs: Obj, new_scale: int, operation: str | None = None) -> Obj:
        """scaleReplicaSetAndRecordEvent / scaleReplicaSet."""
        old_scale = util.replicas_of(rs, 0)
        if operation is None:
            if old_scale == new_scale:
                return rs
            operation = "up" if old_scale < new_scale else "down"
        replicas = util.replicas_of(self.d)
        size_changes = old_scale != new_scale
        annotations_change = replicas_annotations_need_update(
            rs, replicas, replicas + max_surge(self.d)
        )
        if not size_changes and not annotations_change:
            return rs
        new = copy_of(rs)
        new["spec"]["replicas"] = new_scale
        set_replicas_annotations(new, replicas, replicas + max_surge(self.d))
        stored = self._update_rs(new)
        if size_changes:
            self._event(
                "ScalingReplicaSet",
                f"Scaled {operation} replica set {rs['metadata']['name']} from {old_scale} to {new_scale}",
            )
        return stored

    # ------------------------------------------------------------------ replica sets

    def all_rss_and_sync_revision(self, create: bool) -> tuple[Any, list[Any]]:
        _, all_old = find_old_rss(self.d, self.rss)
        new_rs = self.get_new_rs(all_old, create)
        _, all_old = find_old_rss(self.d, self.rss)
        return new_rs, all_old

    def get_new_rs(self, old_rss: list[Any], create: bool) -> Any:
        d = self.d
        existing = find_new_rs(d, self.rss)
        max_old = max([revision(rs) for rs in old_rss] or [0])
        new_revision = str(max_old + 1)
        status = copy_of(d.get("status") or {})
        if existing is not None:
            rs_copy = copy_of(existing)
            updated = set_new_rs_annotations(d, rs_copy, new_revision, True)
            min_ready = int((d.get("spec") or {}).get("minReadySeconds") or 0)
            if updated or int(rs_copy["spec"].get("minReadySeconds") or 0) != min_ready:
                if min_ready:
                    rs_copy["spec"]["minReadySeconds"] = min_ready
                else:
                    rs_copy["spec"].pop("minReadySeconds", None)
                return self._update_rs(rs_copy)
            needs_update = self._set_revision(
                (rs_copy["metadata"].get("annotations") or {}).get(REVISION, "")
            )
            if has_progress_deadline(d) and condition(status, "Progressing") is None:
                set_condition(
                    status,
                    new_condition(
                        "Progressing",
                        "True",
                        FOUND_NEW_RS,
                        f'Found new replica set "{rs_copy["metadata"]["name"]}"',
                        self.now,
                    ),
                )
                needs_update = True
            if needs_update:
                self._update_deployment_status(status)
            return existing
        if not create:
            return None
        spec = d.get("spec") or {}
        collision = (d.get("status") or {}).get("collisionCount")
        template = copy_of(spec.get("template") or {})
        pod_hash = util.compute_hash(template, collision)
        template.setdefault("metadata", {}).setdefault("labels", {})[util.POD_TEMPLATE_HASH] = (
            pod_hash
        )
        selector = copy_of(spec.get("selector") or {})
        selector.setdefault("matchLabels", {})[util.POD_TEMPLATE_HASH] = pod_hash
        new_rs: Obj = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": f"{d['metadata']['name']}-{pod_hash}",
                "namespace": d["metadata"]["namespace"],
                "labels": dict(template["metadata"]["labels"]),
                "ownerReferences": [api.owner_reference(d)],
            },
            "spec": {"replicas": 0, "selector": selector, "template": template},
        }
        if spec.get("minReadySeconds"):
            new_rs["spec"]["minReadySeconds"] = int(spec["minReadySeconds"])
        new_rs["spec"]["replicas"] = new_rs_new_replicas(d, [*old_rss, new_rs], new_rs)
        set_new_rs_annotations(d, new_rs, new_revision, False)
        try:
            created = self.store.create(new_rs)
        except ApiError as exc:
            if exc.reason != "AlreadyExists":
                raise
            found = self.store.get(
                "replicasets", new_rs["metadata"]["namespace"], new_rs["metadata"]["name"]
            )
            if (
                found is not None
                and util.controller_uid(found) == d["metadata"]["uid"]
                and util.equal_ignore_hash(found["spec"]["template"], spec.get("template") or {})
            ):
                return found
            # A hash collision: count it, and the next sync hashes differently.
            status["collisionCount"] = int(collision or 0) + 1
            self._update_deployment_status(status)
            return None
        self.rss = [*self.rss, created]
        self.changed = True
        replicas = util.replicas_of(created, 0)
        if replicas > 0:
            self._event(
                "ScalingReplicaSet",
                f"Scaled up replica set {created['metadata']['name']} from 0 to {replicas}",
            )
        self._set_revision(new_revision)
        if has_progress_deadline(d):
            set_condition(
                status,
                new_condition(
                    "Progressing",
                    "True",
                    NEW_RS_CREATED,
                    f'Created new replica set "{created["metadata"]["name"]}"',
                    self.now,
                ),
            )
        self._update_deployment_status(status)
        return created

    def _set_revision(self, rev: str) -> bool:
        annotations = self.d["metadata"].setdefault("annotations", {})
        if annotations.get(REVISION) == rev:
            return False
        annotations[REVISION] = rev
        return True

    # ------------------------------------------------------------------ status

    def calculate_status(self, all_rss: list[Any], new_rs: Any) -> Obj:
        d = self.d
        available = available_count(all_rss)
        total = actual_count(all_rss)
        values = {
            "observedGeneration": int(d["metadata"].get("generation", 1)),
            "replicas": total,
            "updatedReplicas": actual_count([new_rs]),
            "readyReplicas": ready_count(all_rss),
            "availableReplicas": available,
            "unavailableReplicas": max(0, total - available),
            "collisionCount": (d.get("status") or {}).get("collisionCount"),
        }
        status: Obj = {k: v for k, v in values.items() if v}
        old_conditions = (d.get("status") or {}).get("conditions")
        if old_conditions:
            status["conditions"] = copy_of({"c": old_conditions})["c"]
        if available >= util.replicas_of(d) - max_unavailable(d):
            set_condition(
                status,
                new_condition(
                    "Available",
                    "True",
                    MIN_AVAILABLE,
                    "Deployment has minimum availability.",
                    self.now,
                ),
            )
        else:
            set_condition(
                status,
                new_condition(
                    "Available",
                    "False",
                    MIN_UNAVAILABLE,
                    "Deployment does not have minimum availability.",
                    self.now,
                ),
            )
        return status

    def sync_deployment_status(self, all_rss: list[Any], new_rs: Any) -> None:
        self._update_deployment_status(self.calculate_status(all_rss, new_rs))

    def sync_rollout_status(self, all_rss: list[Any], new_rs: Any) -> None:
        d = self.d
        status = self.calculate_status(all_rss, new_rs)
        if not has_progress_deadline(d):
            remove_condition(status, "Progressing")
        current = condition(d.get("status") or {}, "Progressing")
        complete = (
            status.get("replicas", 0) == status.get("updatedReplicas", 0)
            and current is not None
            and current.get("reason") == NEW_RS_AVAILABLE
        )
        name = d["metadata"]["name"]
        subject = f'ReplicaSet "{new_rs["metadata"]["name"]}"' if new_rs else f'Deployment "{name}"'
        if has_progress_deadline(d) and not complete:
            if deployment_complete(d, status):
                set_condition(
                    status,
                    new_condition(
                        "Progressing",
                        "True",
                        NEW_RS_AVAILABLE,
                        f"{subject} has successfully progressed.",
                        self.now,
                    ),
                )
            elif deployment_progressing(d, status):
                cond = new_condition(
                    "Progressing", "True", RS_UPDATED, f"{subject} is progressing.", self.now
                )
                if current is not None:
                    if current.get("status") == "True":
                        cond["lastTransitionTime"] = current.get("lastTransitionTime")
                    remove_condition(status, "Progressing")
                set_condition(status, cond)
            elif deployment_timed_out(d, status, self.now):
                set_condition(
                    status,
                    new_condition(
                        "Progressing",
                        "False",
                        TIMED_OUT,
                        f"{subject} has timed out progressing.",
                        self.now,
                    ),
                )
        # Move a ReplicaSet's failure into the Deployment's conditions, the new ReplicaSet's
        # first (progress.go syncRolloutStatus, getReplicaFailures; the condition is copied
        # as ReplicaSetToDeploymentCondition does: same type, status, reason and message).
        failure = replica_failure(all_rss, new_rs)
        if failure is not None:
            set_condition(status, failure)
        else:
            remove_condition(status, "ReplicaFailure")
        self._update_deployment_status(status)
        self._requeue_stuck(status)

    def _requeue_stuck(self, status: Obj) -> None:
        """requeueStuckDeployment: look again when the deadline passes."""
        d = self.d
        key = f"deployment-deadline/{d['metadata']['uid']}"
        cond = condition(status, "Progressing")
        if (
            not has_progress_deadline(d)
            or cond is None
            or cond.get("status") != "True"
            or cond.get("reason") == NEW_RS_AVAILABLE
            or deployment_complete(d, status)
        ):
            clock.cancel(self.store.world, key=key)
            return
        since = util.ts(cond.get("lastUpdateTime")) or 0
        pds = int(d["spec"]["progressDeadlineSeconds"])
        clock.schedule(
            self.store.world, at=since + pds * 1000 + 1000, kind="controller-wake", key=key
        )

    # ------------------------------------------------------------------ strategies

    def cleanup(self, old_rss: list[Any]) -> None:
        """cleanupDeployment: keep revisionHistoryLimit old ReplicaSets."""
        limit = (self.d.get("spec") or {}).get("revisionHistoryLimit", 10)
        if not isinstance(limit, int):
            return
        alive = [rs for rs in old_rss if not rs["metadata"].get("deletionTimestamp")]
        diff = len(alive) - limit
        if diff <= 0:
            return

        def by_revision(a: util.Obj, b: util.Obj) -> int:
            ra, rb = revision(a), revision(b)
            if ra == rb:
                ka, kb = _by_creation(a), _by_creation(b)
                return -1 if ka < kb else (1 if ka > kb else 0)
            return -1 if ra < rb else 1

        for rs in sorted(alive, key=functools.cmp_to_key(by_revision))[:diff]:
            if (
                util.status_int(rs, "replicas") != 0
                or util.replicas_of(rs, 0) != 0
                or int(rs["metadata"].get("generation", 1))
                > util.status_int(rs, "observedGeneration")
            ):
                continue
            self.store.delete("replicasets", rs["metadata"]["namespace"], rs["metadata"]["name"])
            self.rss = [r for r in self.rss if r["metadata"]["uid"] != rs["metadata"]["uid"]]
            self.changed = True

    def reconcile_new_rs(self, all_rss: list[Any], new_rs: Obj) -> bool:
        replicas = util.replicas_of(self.d)
        current = util.replicas_of(new_rs, 0)
        if current == replicas:
            return False
        if current > replicas:
            self.scale_rs(new_rs, replicas)
            return True
        target = new_rs_new_replicas(self.d, all_rss, new_rs)
        if target == current:
            return False
        self.scale_rs(new_rs, target)
        return True

    def reconcile_old_rss(self, all_rss: list[Any], old_rss: list[Any], new_rs: Obj) -> bool:
        if replica_count(old_rss) == 0:
            return False
        all_pods = replica_count(all_rss)
        min_avail = util.replicas_of(self.d) - max_unavailable(self.d)
        new_unavailable = util.replicas_of(new_rs, 0) - util.status_int(new_rs, "availableReplicas")
        max_scaled_down = all_pods - min_avail - new_unavailable
        if max_scaled_down <= 0:
            return False
        old_rss, cleaned = self.cleanup_unhealthy(old_rss, max_scaled_down)
        scaled = self.scale_down_old_for_rolling([*old_rss, new_rs], old_rss)
        return cleaned + scaled > 0

    def cleanup_unhealthy(self, old_rss: list[Any], max_cleanup: int) -> tuple[list[Any], int]:
        old_rss = sorted(old_rss, key=_by_creation)
        total = 0
        for i, rs in enumerate(old_rss):
            if total >= max_cleanup:
                break
            replicas = util.replicas_of(rs, 0)
            available = util.status_int(rs, "availableReplicas")
            if replicas == 0 or replicas == available:
                continue
            count = min(max_cleanup - total, replicas - available)
            old_rss[i] = self.scale_rs(rs, replicas - count)
            total += count
        return old_rss, total

    def scale_down_old_for_rolling(self, all_rss: list[Any], old_rss: list[Any]) -> int:
        min_avail = util.replicas_of(self.d) - max_unavailable(self.d)
        available = available_count(all_rss)
        if available <= min_avail:
            return 0
        total_to_scale = available - min_avail
        total = 0
        for rs in sorted(old_rss, key=_by_creation):
            if total >= total_to_scale:
                break
            replicas = util.replicas_of(rs, 0)
            if replicas == 0:
                continue
            count = min(replicas, total_to_scale - total)
            self.scale_rs(rs, replicas - count)
            total += count
        return total

    def rollout_rolling(self) -> None:
        new_rs, old_rss = self.all_rss_and_sync_revision(True)
        if new_rs is None:
            return
        new_rs = self._fresh(new_rs)
        all_rss = [*old_rss, new_rs]
        if self.reconcile_new_rs(all_rss, new_rs):
            self.sync_rollout_status(*self._current(new_rs, old_rss))
            return
        new_rs = self._fresh(new_rs)
        if self.reconcile_old_rss([*old_rss, new_rs], _active(old_rss), new_rs):
            self.sync_rollout_status(*self._current(new_rs, old_rss))
            return
        if deployment_complete(self.d, self.d.get("status") or {}):
            self.cleanup(old_rss)
        self.sync_rollout_status(*self._current(new_rs, old_rss))

    def rollout_recreate(self) -> None:
        new_rs, old_rss = self.all_rss_and_sync_revision(False)
        scaled_down = False
        for rs in _active(old_rss):
            self.scale_rs(rs, 0)
            scaled_down = True
        if scaled_down:
            self.sync_rollout_status(*self._current(new_rs, old_rss))
            return
        if self._old_pods_running(new_rs, old_rss):
            self.sync_rollout_status(*self._current(new_rs, old_rss))
            return
        if new_rs is None:
            new_rs, old_rss = self.all_rss_and_sync_revision(True)
            if new_rs is None:
                return
        new_rs = self._fresh(new_rs)
        self.scale_rs(new_rs, util.replicas_of(self.d))
        if deployment_complete(self.d, self.d.get("status") or {}):
            self.cleanup(old_rss)
        self.sync_rollout_status(*self._current(new_rs, old_rss))

    def _old_pods_running(self, new_rs: Any, old_rss: list[Any]) -> bool:
        """oldPodsRunning."""
        if actual_count(old_rss) > 0:
            return True
        new_uid = new_rs["metadata"]["uid"] if new_rs is not None else None
        for rs in old_rss:
            if rs["metadata"]["uid"] == new_uid:
                continue
            for pod in self.pods_by_rs.get(rs["metadata"]["uid"], []):
                if (pod.get("status") or {}).get("phase") not in ("Failed", "Succeeded"):
                    return True
        return False

    def scale(self, new_rs: Any, old_rss: list[Any]) -> None:
        """scale: a scaling event, proportionally across the active ReplicaSets."""
        d = self.d
        replicas = util.replicas_of(d)
        target = find_active_or_latest(new_rs, old_rss)
        if target is not None:
            if util.replicas_of(target, 0) != replicas:
                self.scale_rs(self._fresh(target), replicas)
            return
        if is_saturated(d, new_rs):
            for rs in _active(old_rss):
                self.scale_rs(self._fresh(rs), 0)
            return
        if not is_rolling(d):
            return
        all_rss = _active([*old_rss, new_rs])
        allowed = replicas + max_surge(d) if replicas > 0 else 0
        to_add = allowed - replica_count(all_rss)
        operation = ""
        if to_add > 0:
            # ReplicaSetsBySizeNewer: larger first, then newer first.
            all_rss.sort(key=lambda rs: (-util.replicas_of(rs, 0), _by_creation(rs)))
            all_rss = _by_size_newer(all_rss)
            operation = "up"
        elif to_add < 0:
            all_rss.sort(key=lambda rs: (-util.replicas_of(rs, 0), _by_creation(rs)))
            operation = "down"
        added = 0
        sizes: dict[str, int] = {}
        for rs in all_rss:
            if to_add != 0:
                proportion = rs_proportion(rs, d, to_add, added)
                sizes[rs["metadata"]["name"]] = util.replicas_of(rs, 0) + proportion
                added += proportion
            else:
                sizes[rs["metadata"]["name"]] = util.replicas_of(rs, 0)
        for i, rs in enumerate(all_rss):
            name = rs["metadata"]["name"]
            if i == 0 and to_add != 0:
                sizes[name] = max(0, sizes[name] + to_add - added)
            self.scale_rs(self._fresh(rs), sizes[name], operation or None)

    def sync(self) -> None:
        new_rs, old_rss = self.all_rss_and_sync_revision(False)
        self.scale(new_rs, old_rss)
        if (self.d.get("spec") or {}).get("paused"):
            all_rss, fresh_new = self._current(new_rs, old_rss)
            self.cleanup([r for r in all_rss if r is not fresh_new])
        self.sync_deployment_status(*self._current(new_rs, old_rss))

    def is_scaling_event(self) -> bool:
        new_rs, old_rss = self.all_rss_and_sync_revision(False)
        for rs in _active([*old_rss, new_rs]):
            desired = ((rs.get("metadata") or {}).get("annotations") or {}).get(DESIRED_REPLICAS)
            if desired is None:
                continue
            if desired != str(util.replicas_of(self.d)):
                return True
        return False

    def check_paused_conditions(self) -> None:
        d = self.d
        if not has_progress_deadline(d):
            return
        status = copy_of(d.get("status") or {})
        cond = condition(status, "Progressing")
        if cond is not None and cond.get("reason") == TIMED_OUT:
            return
        paused_exists = cond is not None and cond.get("reason") == PAUSED
        paused = bool((d.get("spec") or {}).get("paused"))
        if paused and not paused_exists:
            set_condition(
                status,
                new_condition("Progressing", "Unknown", PAUSED, "Deployment is paused", self.now),
            )
        elif not paused and paused_exists:
            set_condition(
                status,
                new_condition("Progressing", "Unknown", RESUMED, "Deployment is resumed", self.now),
            )
        else:
            return
        self._update_deployment_status(status)

    # ------------------------------------------------------------------ helpers

    def _fresh(self, rs: Obj) -> Obj:
        for r in self.rss:
            if r["metadata"]["uid"] == rs["metadata"]["uid"]:
                return r  # type: ignore[no-any-return]
        return rs

    def _current(self, new_rs: Any, old_rss: list[Any]) -> tuple[list[Any], Any]:
        """The ReplicaSets as they are now stored: (all, new)."""
        uids = {r["metadata"]["uid"]: r for r in self.rss}
        fresh_new = uids.get(new_rs["metadata"]["uid"]) if new_rs is not None else None
        fresh_old = [uids[rs["metadata"]["uid"]] for rs in old_rss if rs["metadata"]["uid"] in uids]
        return [*fresh_old, *([fresh_new] if fresh_new else [])], fresh_new

    def run(self) -> bool:
        d = self.d
        spec = d.get("spec") or {}
        if util.selector_is_empty(spec.get("selector")):
            self._event(
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.",
                "Warning",
            )
            return self.changed
        if d["metadata"].get("deletionTimestamp"):
            new_rs, old_rss = self.all_rss_and_sync_revision(False)
            self.sync_deployment_status([*old_rss, new_rs], new_rs)
            return self.changed
        self.check_paused_conditions()
        if spec.get("paused"):
            self.sync()
            return self.changed
        if self.is_scaling_event():
            self.sync()
            return self.changed
        if is_rolling(d):
            self.rollout_rolling()
        else:
            self.rollout_recreate()
        return self.changed


def _claim(store: Store, d: Obj, candidates: list[Any]) -> list[Any]:
    """ClaimReplicaSets: owned ones that still match, plus matching orphans (adopted)."""
    uid = d["metadata"]["uid"]
    selector = (d.get("spec") or {}).get("selector")
    out = []
    for rs in candidates:
        labels = rs["metadata"].get("labels") or {}
        owner = util.controller_uid(rs)
        if owner == uid:
            out.append(rs)
        elif owner is None and util.selector_matches(selector, labels):
            if d["metadata"].get("deletionTimestamp"):
                continue
            adopted = copy_of(rs)
            adopted["metadata"].setdefault("ownerReferences", []).append(api.owner_reference(d))
            out.append(store.update(adopted))
    return out


@clock.reconciler(100)
@util.skip_when_idle("deployment")
def reconcile(world: World) -> bool:
    store = Store.of(world)
    deployments = store.list("deployments")
    if not deployments:
        return False
    owned: dict[str, list[Any]] = defaultdict(list)
    orphans: dict[str, list[Any]] = defaultdict(list)
    for rs in store.list("replicasets"):
        owner = util.controller_uid(rs)
        if owner is None:
            orphans[rs["metadata"]["namespace"]].append(rs)
        else:
            owned[owner].append(rs)
    pods_by_rs: dict[str, list[Any]] = defaultdict(list)
    changed = False
    recreate = any(not is_rolling(d) for d in deployments)
    if recreate:
        for pod in store.list("pods"):
            owner = util.controller_uid(pod)
            if owner is not None:
                pods_by_rs[owner].append(pod)
    for d in deployments:
        if util.selector_is_empty((d.get("spec") or {}).get("selector")):
            continue
        ns = d["metadata"]["namespace"]
        rss = _claim(store, d, owned.get(d["metadata"]["uid"], []) + orphans.get(ns, []))
        taken = {rs["metadata"]["uid"] for rs in rss}
        orphans[ns] = [rs for rs in orphans.get(ns, []) if rs["metadata"]["uid"] not in taken]
        if _Sync(store, copy_of(d), rss, pods_by_rs).run():
            changed = True
    return changed
