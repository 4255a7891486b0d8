"""Every sandbox task in the course can be solved in the simulation: its goals are not met at
the start, and a learner's plausible commands (below, per task) reach every goal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from learn.content.parser import load_course
from learn.sandboxes import goals
from learn.sandboxes.spec import start_sandbox

GPU_JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: train
spec:
  template:
    spec:
      restartPolicy: Never
      tolerations:
        - key: nvidia.com/gpu
          operator: Exists
          effect: NoSchedule
      nodeSelector:
        accelerator: nvidia
      containers:
        - name: train
          image: busybox:1.36
          command: ["sh", "-c", "echo training; sleep 5; echo done"]
          resources:
            limits:
              nvidia.com/gpu: 1
"""

HEALTHY_COMPOSE = """services:
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: example
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 5s
  web:
    image: nginx:1.28
    ports:
      - "8080:80"
    depends_on:
      db:
        condition: service_healthy
"""

AS = "--as=system:serviceaccount:staging:deployer -n staging"

# A task id -> what a learner does: a command line, or ("put", path, text) for the editor.
SOLUTIONS: dict[str, list[Any]] = {
    "m1-sandbox-build-cache": [
        "echo \"print('bye')\" >> app.py",
        "docker build -t web:0.2 .",
        "docker images",
    ],
    "m2-sandbox-compose-order": [
        ("put", "compose.yaml", HEALTHY_COMPOSE),
        "docker compose up -d",
        "sleep 15",
        "docker compose ps",
    ],
    "m3-sandbox-self-healing": [
        "kubectl get pods",
        "kubectl delete pod {pod}",
        "sleep 20",
        "kubectl get pods",
    ],
    "m4-sandbox-fix-image-pull": [
        "kubectl describe pod {pod}",
        "kubectl set image deployment/web web=nginx:1.28",
        "kubectl rollout status deployment/web",
        "sleep 10",
    ],
    "m4-sandbox-rollout-undo": [
        "kubectl set image deployment/web web=nginx:1.28",
        "kubectl rollout status deployment/web",
        "kubectl rollout undo deployment/web",
        "kubectl rollout status deployment/web",
        "sleep 5",
    ],
    "m4-sandbox-out-of-room": [
        "kubectl scale deployment web --replicas=10",
        "sleep 20",
        "kubectl describe pod {pending}",
        "kubectl scale deployment web --replicas=8",
        "sleep 20",
    ],
    "m4-sandbox-gpu-taint": [
        "kubectl taint nodes kind-worker2 nvidia.com/gpu=present:NoSchedule",
        ("put", "train.yaml", GPU_JOB),
        "kubectl apply -f train.yaml",
        "sleep 40",
        "kubectl get jobs",
    ],
    "m5-sandbox-can-i": [
        f"kubectl auth can-i update deployments {AS}",
        "kubectl create role deployer --verb=get,list,update,patch --resource=deployments "
        "-n staging",
        "kubectl create rolebinding deployer --role=deployer "
        "--serviceaccount=staging:deployer -n staging",
        f"kubectl auth can-i update deployments {AS}",
        f"kubectl auth can-i delete deployments {AS}",
    ],
}


def course_sandboxes() -> dict[str, Any]:
    modules, problems = load_course(Path(settings.LESSONS_DIR))
    assert problems == []
    return {
        q.key: (lesson.path, q)
        for module in modules
        for lesson in module.lessons
        for q in lesson.questions
        if q.kind == "sandbox"
    }


def test_the_course_has_eight_tasks_over_all_five_modules() -> None:
    found = course_sandboxes()
    assert set(found) == set(SOLUTIONS)
    assert {path.split("/")[1][:2] for path, _ in found.values()} == {"01", "02", "03", "04", "05"}


def _names(box: Any, phase: str | None = None) -> list[str]:
    from learn.sim.kube.api import Store

    pods = Store.of(box.world).list("pods", "default")
    return [
        p["metadata"]["name"]
        for p in pods
        if phase is None or (p.get("status") or {}).get("phase") == phase
    ]


@pytest.mark.parametrize("key", sorted(SOLUTIONS))
def test_each_task_is_solvable(key: str) -> None:
    path, question = course_sandboxes()[key]
    box = start_sandbox(key, question.data["start"])
    assert not goals.all_met(goals.evaluate(box, question.data["goals"])), path
    for step in SOLUTIONS[key]:
        if isinstance(step, tuple):
            box.put(step[1], step[2])
            continue
        pods, pending = _names(box), _names(box, "Pending")
        line = step.format(pod=pods[0] if pods else "", pending=pending[0] if pending else "")
        code, out = box.run(line)
        assert code in (0, 1), (line, code, out)
    results = goals.evaluate(box, question.data["goals"])
    assert [r.text for r in results if not r.met] == [], (path, box.run("kubectl get all")[1])


def _start(key: str) -> Any:
    _, question = course_sandboxes()[key]
    return start_sandbox(key, question.data["start"])


def test_out_of_room_fits_exactly_the_number_the_task_names() -> None:
    box = _start("m4-sandbox-out-of-room")
    box.run("kubectl scale deployment web --replicas=10")
    box.run("sleep 20")
    pending = _names(box, "Pending")
    assert len(pending) == 2  # 2 workers x 2 CPUs hold 8 Pods of 500m
    code, out = box.run(f"kubectl describe pod {pending[0]}")
    assert code == 0 and "Insufficient cpu" in out and "FailedScheduling" in out


def test_the_image_pull_task_shows_the_pull_failure_in_describe() -> None:
    box = _start("m4-sandbox-fix-image-pull")
    code, out = box.run(f"kubectl describe pod {_names(box)[0]}")
    assert code == 0 and "ngnix" in out and "BackOff" in out


def test_the_build_cache_task_caches_all_but_the_code_copy() -> None:
    box = _start("m1-sandbox-build-cache")
    box.run("echo \"print('bye')\" >> app.py")
    code, out = box.run("docker build -t web:0.2 .")
    assert code == 0
    assert out.count("CACHED") == 4  # FROM, WORKDIR, COPY requirements.txt, RUN pip install
    assert re.search(r"\[5/5\] COPY \. \.\n#\d+ DONE", out), out  # the code copy ran again
