"""The Job controller (pkg/controller/job/job_controller.go), order 120.

NonIndexed Jobs: Pods (`<job>-<5 chars>`) are created up to `parallelism` and no more than
the completions still needed; each Pod that ends is counted once into `status.succeeded` or
`status.failed` (upstream tracks this with the `batch.kubernetes.io/job-tracking` finalizer;
here the counted Pods' uids are kept in `state["job"]`). After a failure the next Pod waits
the controller's back-off (10 s doubling, capped at 6 min). The Job ends:

- Complete once `completions` Pods succeeded (with no completions set: once one succeeded
  and none is left active): conditions SuccessCriteriaMet then Complete, reason
  CompletionsReached, "Reached expected number of succeeded pods", event Completed;
- Failed when failures exceed `backoffLimit` (restartPolicy OnFailure counts the container
  restarts of active Pods too): FailureTarget then Failed, reason BackoffLimitExceeded,
  "Job has reached the specified backoff limit"; or when it ran longer than
  `activeDeadlineSeconds`: DeadlineExceeded, "Job was active longer than specified deadline".
  Its active Pods are deleted.

`suspend: true` deletes the active Pods and sets Suspended ("Job suspended");
`ttlSecondsAfterFinished` deletes a finished Job that long after it finished.
Indexed completion mode, pod failure policies and success policies are not simulated: such
a Job is left alone with a Warning event saying so.
"""

from __future__ import annotations

from typing import Any

from learn.sim import clock
from learn.sim.kube import api
from learn.sim.kube.api import ApiError, Store, copy_of
from learn.sim.kube.controllers import util
from learn.sim.world import World

COMPONENT = "job-controller"
BACKOFF_MS = 10_000
MAX_BACKOFF_MS = 360_000
COMPLETED = ("CompletionsReached", "Reached expected number of succeeded pods")
BACKOFF_LIMIT = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
DEADLINE = ("DeadlineExceeded", "Job was active longer than specified deadline")

Obj = dict[str, Any]


def _state(world: World) -> Obj:
    state: Obj = world.state.setdefault("job", {})
    return state


def _condition(kind: str, reason: str, message: str, at: str) -> Obj:
    return {
        "type": kind,
        "status": "True",
        "lastProbeTime": at,
        "lastTransitionTime": at,
        "reason": reason,
        "message": message,
    }


def _finished(job: util.Obj) -> bool:
    return any(
        c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
        for c in (job.get("status") or {}).get("conditions") or []
    )


def _restarts(pod: util.Obj) -> int:
    status = pod.get("status") or {}
    return sum(
        int(s.get("restartCount", 0))
        for s in (status.get("containerStatuses") or [])
        + (status.get("initContainerStatuses") or [])
    )


def _pod_from_template(job: util.Obj) -> Obj:
    template = (job.get("spec") or {}).get("template") or {}
    tmeta = template.get("metadata") or {}
    meta: Obj = {
        "generateName": f"{job['metadata']['name']}-",
        "namespace": job["metadata"].get("namespace", "default"),
        "ownerReferences": [api.owner_reference(job)],
    }
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": copy_of(template.get("spec") or {}),
    }


class _Sync:
    def __init__(self, store: Store, job: Obj, pods: list[Any]):
        self.store = store
        self.world = store.world
        self.now = store.world.now
        self.job = job
        self.pods = pods
        self.changed = False
        self.record = _state(self.world).setdefault(
            job["metadata"]["uid"], {"succeeded": [], "failed": [], "last_failure": None}
        )

    def event(self, reason: str, message: str, type: str = "Normal") -> None:
        self.store.event(self.job, type=type, reason=reason, message=message, component=COMPONENT)

    def delete_pods(self, pods: list[Any]) -> None:
        for pod in pods:
            meta = pod["metadata"]
            try:
                self.store.delete("pods", meta["namespace"], meta["name"])
            except ApiError:
                continue
            self.event("SuccessfulDelete", f"Deleted pod: {meta['name']}")
            self.changed = True

    def run(self) -> bool:
        job, spec = self.job, self.job.get("spec") or {}
        status: Obj = copy_of(job.get("status") or {})
        at = self.world.timestamp()
        if (
            spec.get("completionMode") == "Indexed"
            or spec.get("podFailurePolicy")
            or spec.get("successPolicy")
        ):
            if not status.get("conditions"):
                message = "Indexed Jobs, pod failure policies and success policies are not simulated in this sandbox"
                if not any(e["message"] == message for e in self.store.events_for(job)):
                    self.event("NotSimulated", message, "Warning")
                    self.changed = True
            return self.changed
        # Count the Pods that ended, once each.
        for pod in self.pods:
            uid = pod["metadata"]["uid"]
            phase = (pod.get("status") or {}).get("phase")
            if phase == "Succeeded" and uid not in self.record["succeeded"]:
                self.record["succeeded"].append(uid)
                self.changed = True
            elif phase == "Failed" and uid not in self.record["failed"]:
                self.record["failed"].append(uid)
                self.record["last_failure"] = self.now
                self.changed = True
        succeeded, failed = len(self.record["succeeded"]), len(self.record["failed"])
        active = [p for p in self.pods if util.is_pod_active(p)]
        terminating = [p for p in self.pods if util.is_pod_terminating(p)]
        if _finished(job):
            self._ttl(status)
            return self.changed
        if not status.get("startTime") and not spec.get("suspend"):
            status["startTime"] = at
        started = util.ts(status.get("startTime"))
        completions = spec.get("completions")
        parallelism = int(spec.get("parallelism", 1) or 0)
        backoff_limit = int(spec.get("backoffLimit", 6))
        restart_policy = ((spec.get("template") or {}).get("spec") or {}).get("restartPolicy")
        failure: tuple[str, str] | None = None
        if restart_policy == "OnFailure":
            total = failed + sum(_restarts(p) for p in active)
            if (backoff_limit == 0 and total > 0) or (backoff_limit > 0 and total >= backoff_limit):
                failure = BACKOFF_LIMIT
        elif failed > backoff_limit:
            failure = BACKOFF_LIMIT
        deadline = spec.get("activeDeadlineSeconds")
        if failure is None and isinstance(deadline, int) and started is not None:
            due = started + deadline * 1000
            if self.now >= due:
                failure = DEADLINE
            else:
                clock.schedule(
                    self.world,
                    at=due,
                    kind="controller-wake",
                    key=f"job-deadline/{job['metadata']['uid']}",
                )
        complete = False
        if failure is None:
            if completions is None:
                complete = succeeded > 0 and not active
            else:
                complete = succeeded >= int(completions)
        conditions = list(status.get("conditions") or [])
        if failure is not None:
            self.delete_pods(active)
            if not any(c["type"] == "FailureTarget" for c in conditions):
                conditions.append(_condition("FailureTarget", *failure, at))
            still = [p for p in self.pods if util.is_pod_active(self._fresh(p))]
            if not still and not any(c["type"] == "Failed" for c in conditions):
                conditions.append(_condition("Failed", *failure, at))
                self.event(failure[0], failure[1], "Warning")
            active = still
        elif complete:
            self.delete_pods(active)
            if not any(c["type"] == "SuccessCriteriaMet" for c in conditions):
                conditions.append(_condition("SuccessCriteriaMet", *COMPLETED, at))
            if not any(c["type"] == "Complete" for c in conditions):
                conditions.append(_condition("Complete", *COMPLETED, at))
                status["completionTime"] = at
                self.event("Completed", "Job completed")
            active = []
        elif spec.get("suspend"):
            self.delete_pods(active)
            active = []
            if not any(c["type"] == "Suspended" for c in conditions):
                conditions.append(_condition("Suspended", "JobSuspended", "Job suspended", at))
                self.event("Suspended", "Job suspended")
        else:
            if any(c["type"] == "Suspended" for c in conditions):
                conditions = [c for c in conditions if c["type"] != "Suspended"]
                self.event("Resumed", "Job resumed")
            want = parallelism
            if completions is not None:
                want = min(parallelism, int(completions) - succeeded)
            elif succeeded > 0:
                want = 0
            # podReplacementPolicy TerminatingOrFailed: a terminating Pod still counts.
            need = want - len(active) - len(terminating)
            if need > 0 and self._backoff_over():
                for _ in range(need):
                    try:
                        pod = self.store.create(_pod_from_template(job))
                    except ApiError as exc:
                        self.event("FailedCreate", f"Error creating: {exc.message}", "Warning")
                        break
                    active.append(pod)
                    self.event("SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")
                    self.changed = True
        new_status: Obj = {}
        if active:
            new_status["active"] = len(active)
        if status.get("completionTime"):
            new_status["completionTime"] = status["completionTime"]
        if conditions:
            new_status["conditions"] = conditions
        if failed:
            new_status["failed"] = failed
        new_status["ready"] = sum(1 for p in active if util.is_pod_ready(self._fresh(p)))
        if status.get("startTime"):
            new_status["startTime"] = status["startTime"]
        if succeeded:
            new_status["succeeded"] = succeeded
        new_status["terminating"] = len(
            [p for p in self.pods if util.is_pod_terminating(self._fresh(p))]
        )
        new_status["uncountedTerminatedPods"] = {}
        if new_status != job.get("status"):
            current = self.store.get("jobs", job["metadata"]["namespace"], job["metadata"]["name"])
            if current is not None:
                new = copy_of(current)
                new["status"] = new_status
                self.store.update_status(new)
                self.changed = True
        return self.changed

    def _fresh(self, pod: util.Obj) -> util.Obj:
        meta = pod["metadata"]
        current = self.store.get("pods", meta.get("namespace", "default"), meta["name"])
        return (
            current
            if current is not None
            else {"metadata": {"deletionTimestamp": "gone"}, "status": {"phase": "Failed"}}
        )

    def _backoff_over(self) -> bool:
        failures = len(self.record["failed"])
        last = self.record.get("last_failure")
        if not failures or last is None:
            return True
        wait = min(BACKOFF_MS * 2 ** (failures - 1), MAX_BACKOFF_MS)
        due = int(last) + wait
        if self.now >= due:
            return True
        clock.schedule(
            self.world,
            at=due,
            kind="controller-wake",
            key=f"job-backoff/{self.job['metadata']['uid']}",
        )
        return False

    def _ttl(self, status: Obj) -> None:
        ttl = (self.job.get("spec") or {}).get("ttlSecondsAfterFinished")
        if not isinstance(ttl, int):
            return
        finished = [
            util.ts(c.get("lastTransitionTime"))
            for c in status.get("conditions") or []
            if c.get("type") in ("Complete", "Failed")
        ]
        if not finished or finished[0] is None:
            return
        due = finished[0] + ttl * 1000
        if self.now >= due:
            meta = self.job["metadata"]
            self.store.delete("jobs", meta["namespace"], meta["name"], propagation="Background")
            self.changed = True
        else:
            clock.schedule(
                self.world,
                at=due,
                kind="controller-wake",
                key=f"job-ttl/{self.job['metadata']['uid']}",
            )


@clock.reconciler(120)
def reconcile(world: World) -> bool:
    store = Store.of(world)
    jobs = store.list("jobs")
    if not jobs:
        if world.state.get("job"):
            world.state["job"] = {}
            return False
        return False
    pods_by_owner: dict[str, list[Any]] = {}
    for pod in store.list("pods"):
        owner = util.controller_uid(pod)
        if owner is not None:
            pods_by_owner.setdefault(owner, []).append(pod)
    changed = False
    live = set()
    for job in jobs:
        uid = job["metadata"]["uid"]
        live.add(uid)
        if job["metadata"].get("deletionTimestamp"):
            continue
        if _Sync(store, copy_of(job), pods_by_owner.get(uid, [])).run():
            changed = True
    state = _state(world)
    for uid in [u for u in state if u not in live]:
        del state[uid]
    return changed
