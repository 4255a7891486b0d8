"""Jobs in a sandbox: completions, parallelism, backoffLimit, deadlines, suspend, TTL.

Expected conditions, reasons and messages are upstream's (pkg/controller/job/
job_controller.go and pkg/controller/job/util): SuccessCriteriaMet and Complete with
CompletionsReached "Reached expected number of succeeded pods"; FailureTarget and Failed
with BackoffLimitExceeded "Job has reached the specified backoff limit" or DeadlineExceeded
"Job was active longer than specified deadline"; the Pod back-off starts at 10 s
(DefaultJobPodFailureBackOff) and doubles.
"""

from __future__ import annotations

from typing import Any

from learn.sim import Sandbox
from learn.sim.kube.api import Store


def _job(script: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "work"},
        "spec": {
            "template": {
                "spec": {
                    "restartPolicy": spec.pop("restartPolicy", "Never"),
                    "containers": [
                        {"name": "work", "image": "busybox:1.36", "command": ["sh", "-c", script]}
                    ],
                }
            },
            **spec,
        },
    }


def _setup(job: dict[str, Any]) -> tuple[Sandbox, Store]:
    box = Sandbox.new()
    store = Store.of(box.world)
    store.create(job)
    box.advance(0)
    return box, store


def _status(store: Store) -> dict[str, Any]:
    return dict(store.require("jobs", "default", "work").get("status") or {})


def _conditions(store: Store) -> list[tuple[str, str, str]]:
    return [(c["type"], c["reason"], c["message"]) for c in _status(store).get("conditions") or []]


def test_completions_run_parallelism_at_a_time_until_enough_succeeded() -> None:
    box, store = _setup(_job("sleep 5", completions=3, parallelism=2))
    assert _status(store)["active"] == 2
    pods = store.list("pods", "default")
    assert all(p["metadata"]["name"].startswith("work-") for p in pods)
    assert all(p["metadata"]["labels"]["batch.kubernetes.io/job-name"] == "work" for p in pods)
    box.advance(60)
    status = _status(store)
    assert status["succeeded"] == 3 and "active" not in status
    assert status["completionTime"] and status["uncountedTerminatedPods"] == {}
    assert _conditions(store) == [
        ("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
        ("Complete", "CompletionsReached", "Reached expected number of succeeded pods"),
    ]
    assert len(store.list("pods", "default")) == 3
    job = store.require("jobs", "default", "work")
    assert [e["reason"] for e in store.events_for(job)].count("SuccessfulCreate") == 3
    assert store.events_for(job)[-1]["message"] == "Job completed"


def test_failures_beyond_the_backoff_limit_fail_the_job() -> None:
    box, store = _setup(_job("exit 1", backoffLimit=2))
    moments = []
    seen: set[str] = set()
    for _ in range(60):
        box.advance(1)
        for pod in store.list("pods", "default"):
            if pod["metadata"]["name"] not in seen:
                seen.add(pod["metadata"]["name"])
                moments.append(box.now)
    assert len(seen) == 3  # the first Pod and two retries: backoffLimit 2
    # Each retry waits the back-off after the failure before it: 10 s, then 20 s.
    gaps = [round(b - a) for a, b in zip(moments, moments[1:], strict=False)]
    assert 10 <= gaps[0] <= 13 and 20 <= gaps[1] <= 23
    assert _conditions(store) == [
        ("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
        ("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
    ]
    assert _status(store)["failed"] == 3


def test_restart_policy_on_failure_counts_container_restarts() -> None:
    box, store = _setup(_job("exit 1", backoffLimit=2, restartPolicy="OnFailure"))
    box.advance(120)
    assert _conditions(store)[-1][:2] == ("Failed", "BackoffLimitExceeded")
    assert len(store.list("pods", "default")) <= 1


def test_a_job_over_its_active_deadline_fails_and_its_pods_are_deleted() -> None:
    box, store = _setup(_job("sleep 600", activeDeadlineSeconds=20))
    box.advance(19)
    assert _status(store)["active"] == 1
    box.advance(40)
    assert _conditions(store)[-1] == (
        "Failed",
        "DeadlineExceeded",
        "Job was active longer than specified deadline",
    )
    assert store.list("pods", "default") == []


def test_a_suspended_job_has_no_pods_until_resumed() -> None:
    box, store = _setup(_job("sleep 5", suspend=True))
    assert store.list("pods", "default") == []
    assert _conditions(store) == [("Suspended", "JobSuspended", "Job suspended")]
    job = dict(store.require("jobs", "default", "work"))
    job["spec"] = dict(job["spec"], suspend=False)
    store.update(job)
    box.advance(30)
    assert _conditions(store)[-1][0] == "Complete"


def test_ttl_after_finished_deletes_the_job_and_its_pods() -> None:
    box, store = _setup(_job("echo done", ttlSecondsAfterFinished=30))
    box.advance(20)
    assert _conditions(store)[-1][0] == "Complete"
    box.advance(40)
    assert store.get("jobs", "default", "work") is None
    assert store.list("pods", "default") == []
