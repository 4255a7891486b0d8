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
from learn.sim.kube.api import Store
from tests.sandboxes import workload_tasks

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

COMPOSE_UP = """services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
  cache:
    image: redis:7
"""

MIGRATE_JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: busybox:1.36
          command: ["sh", "-c", "echo applying migrations; sleep 3; exti 0"]
"""

SERVICE_WEB = """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
    version: blue
  ports:
    - port: 80
      targetPort: 80
"""

# A task id -> what a learner does: a command line, or ("put", path, text) for the editor.
RESTRICTED_WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: learn
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
{pod}      containers:
        - name: web
          image: registry.example.org/learn/web:0.1.0
          env:
            - name: DJANGO_SECRET_KEY
              value: a-long-random-string-for-the-sandbox
          ports:
            - containerPort: 8000
{container}"""
RESTRICTED_POD = """      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
"""
RESTRICTED_CONTAINER = """          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
"""

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
    # Docker's embedded DNS answers container names on user-defined networks only
    # (moby/moby libnetwork/resolver.go; docs.docker.com "Bridge network driver").
    "m1-sandbox-network-dns": [
        "docker exec client wget -qO- -T 2 http://web",
        "docker rm -f web",
        "docker run -d --name web --network learn-net nginx:1.28",
        "sleep 2",
        "docker exec client wget -qO- -T 2 http://web",
    ],
    # Compose recreates only the services whose configuration hash changed
    # (docker/compose pkg/compose/convergence.go, mustRecreate).
    "m2-sandbox-compose-up": [
        "docker compose up -d",
        "docker compose ps",
        ("put", "compose.yaml", COMPOSE_UP.replace("nginx:1.27", "nginx:1.28")),
        "docker compose up -d",
    ],
    # The Job controller retries a failed Pod with back-off up to backoffLimit and then sets
    # Failed/BackoffLimitExceeded (kubernetes/kubernetes pkg/controller/job/job_controller.go).
    "m6-sandbox-job-backoff": [
        "kubectl get jobs",
        "kubectl logs job/migrate",
        ("put", "job.yaml", MIGRATE_JOB.replace("exti 0", "exit 0")),
        "kubectl delete job migrate",
        "kubectl apply -f job.yaml",
        "sleep 10",
    ],
    # The postgres image's docker-entrypoint.sh exits 1 without POSTGRES_PASSWORD; the kubelet
    # restarts it with back-off (kubernetes/kubernetes pkg/kubelet/kuberuntime).
    "m6-sandbox-debug-crashloop": [
        "kubectl get pods",
        "kubectl describe pod {pod}",
        "kubectl logs {pod} --previous",
        "kubectl set env deployment/db POSTGRES_PASSWORD=example",
        "sleep 30",
    ],
    # Pod Security Admission refuses the ReplicaSet's Pods until the template meets every
    # restricted check (kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy).
    "m6-sandbox-restricted-web": [
        "kubectl -n learn get deploy,rs",
        "kubectl -n learn describe rs",
        (
            "put",
            "web.yaml",
            RESTRICTED_WEB.format(pod=RESTRICTED_POD, container=RESTRICTED_CONTAINER),
        ),
        "kubectl apply -f web.yaml",
        "sleep 30",
    ],
    # The EndpointSlice controller lists the ready Pods the selector matches
    # (kubernetes/kubernetes pkg/controller/endpointslice/reconciler.go).
    "m6-sandbox-blue-green": [
        "kubectl get endpointslices",
        "kubectl scale deployment web-green --replicas=3",
        "kubectl rollout status deployment/web-green",
        ("put", "service.yaml", SERVICE_WEB.replace("version: blue", "version: green")),
        "kubectl apply -f service.yaml",
        "sleep 5",
        "kubectl get endpointslices",
    ],
}

# A task id -> a goal a learner who misses the point does not reach, and what they do.
WRONG: dict[str, tuple[str, list[Any]]] = {
    # wget by IP or from the default bridge: the name still does not resolve from client.
    "m1-sandbox-network-dns": (
        "client fetched http://web by name",
        [
            "docker rm -f web",
            "docker run -d --name web nginx:1.28",
            "sleep 2",
            "docker exec client wget -qO- -T 2 http://web",
        ],
    ),
    # restart keeps the containers (and their image); only up recreates from the new file.
    "m2-sandbox-compose-up": (
        "app-web-1 runs nginx:1.28",
        [
            "docker compose up -d",
            ("put", "compose.yaml", COMPOSE_UP.replace("nginx:1.27", "nginx:1.28")),
            "docker compose restart",
        ],
    ),
    # A failed Job does not start over when its file is applied again.
    "m6-sandbox-job-backoff": (
        "job/migrate has one succeeded Pod (Complete)",
        [
            "kubectl logs job/migrate",
            ("put", "job.yaml", MIGRATE_JOB.replace("exti 0", "exit 0")),
            "kubectl apply -f job.yaml",
            "sleep 30",
        ],
    ),
    # Deleting the Pod brings back the same crash: the template is unchanged.
    "m6-sandbox-debug-crashloop": (
        "A Pod labelled app=db is Ready",
        [
            "kubectl logs {pod} --previous",
            "kubectl delete pod {pod}",
            "sleep 30",
        ],
    ),
    # runAsNonRoot alone is one of the four restricted rules: the Pods are still refused.
    "m6-sandbox-restricted-web": (
        "deployment/web has 2 available Pods",
        [
            (
                "put",
                "web.yaml",
                RESTRICTED_WEB.format(
                    pod="      securityContext:\n        runAsNonRoot: true\n", container=""
                ),
            ),
            "kubectl apply -f web.yaml",
            "sleep 30",
        ],
    ),
    # Switching the selector before green is Ready leaves the Service with no endpoints.
    "m6-sandbox-blue-green": (
        "The web Service never had fewer than 3 ready endpoints",
        [
            ("put", "service.yaml", SERVICE_WEB.replace("version: blue", "version: green")),
            "kubectl apply -f service.yaml",
            "kubectl scale deployment web-green --replicas=3",
            "sleep 30",
        ],
    ),
}

SOLUTIONS.update(workload_tasks.SOLUTIONS)
WRONG.update(workload_tasks.WRONG)


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


def test_the_course_has_a_tested_task_in_every_module() -> None:
    found = course_sandboxes()
    assert set(found) == set(SOLUTIONS)
    assert {path.split("/")[1][:2] for path, _ in found.values()} == {
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
    }


def _names(box: Any, phase: str | None = None) -> list[str]:
    from learn.sim.kube.api import Store

    pods = Store.of(box.world).list("pods", "default")
    return [
        p["metadata"]["name"]
        for p in pods
        if phase is None or (p.get("status") or {}).get("phase") == phase
    ]


def _play(key: str, steps: list[Any]) -> tuple[str, Any, list[goals.GoalResult]]:
    path, question = course_sandboxes()[key]
    box = start_sandbox(key, question.data["start"])
    assert not goals.all_met(goals.evaluate(box, question.data["goals"])), path
    for step in steps:
        if isinstance(step, tuple):
            # The file the learner edits is the block's own starting file, changed.
            assert step[1] in question.data["start"]["files"] or step[1] == "train.yaml"
            if step[1] in question.data["start"]["files"]:
                assert question.data["start"]["files"][step[1]] != step[2]
            box.put(step[1], step[2])
            continue
        pods, pending = _names(box), _names(box, "Pending")
        line = step.format(pod=pods[0] if pods else "", pending=pending[0] if pending else "")
        code, out = box.run(line)
        assert code in (0, 1), (line, code, out)
    return path, box, goals.evaluate(box, question.data["goals"])


@pytest.mark.parametrize("key", sorted(SOLUTIONS))
def test_each_task_is_solvable(key: str) -> None:
    path, box, results = _play(key, SOLUTIONS[key])
    assert [r.text for r in results if not r.met] == [], (path, box.run("kubectl get all")[1])


@pytest.mark.parametrize("key", sorted(WRONG))
def test_a_wrong_approach_does_not_reach_the_goal(key: str) -> None:
    unmet, steps = WRONG[key]
    path, box, results = _play(key, steps)
    assert unmet in [r.text for r in results if not r.met], path


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


def test_the_crashloop_task_shows_the_reason_in_the_previous_logs() -> None:
    # kubelet restarts with back-off and the reason CrashLoopBackOff
    # (kubernetes/kubernetes pkg/kubelet/kuberuntime/kuberuntime_manager.go); the message is
    # docker-library/postgres docker-entrypoint.sh's.
    box = _start("m6-sandbox-debug-crashloop")
    code, out = box.run("kubectl get pods")
    assert code == 0 and "CrashLoopBackOff" in out
    pod = _names(box)[0]
    code, out = box.run(f"kubectl logs {pod} --previous")
    assert code == 0 and "superuser password is not specified" in out
    code, out = box.run(f"kubectl describe pod {pod}")
    assert code == 0 and "Last State:     Terminated" in out and "Back-off restarting" in out


def test_the_job_task_shows_the_back_off_and_the_failed_script() -> None:
    # BackoffLimitExceeded after backoffLimit retries, one Pod per try with restartPolicy
    # Never (kubernetes/kubernetes pkg/controller/job/job_controller.go).
    box = _start("m6-sandbox-job-backoff")
    code, out = box.run("kubectl get jobs")
    assert code == 0 and "Failed" in out and "0/1" in out
    assert len(_names(box)) == 3  # the first try and two retries
    code, out = box.run("kubectl describe job migrate")
    assert code == 0 and "BackoffLimitExceeded" in out and "3 Failed" in out
    code, out = box.run("kubectl logs job/migrate")
    assert code == 0 and "sh: exti: not found" in out


def test_the_network_task_fails_by_name_on_the_default_bridge() -> None:
    # busybox wget's message for a name that does not resolve (busybox networking/wget.c,
    # via xhost2sockaddr: "bad address").
    box = _start("m1-sandbox-network-dns")
    code, out = box.run("docker exec client wget -qO- -T 2 http://web")
    assert (code, out.strip()) == (1, "wget: bad address 'web:80'")


def test_the_compose_task_recreates_only_the_changed_service() -> None:
    # docker/compose pkg/compose/convergence.go: "Recreate" for a changed service, "Running"
    # for one left as it was.
    box = _start("m2-sandbox-compose-up")
    assert box.run("docker compose up -d")[0] == 0
    box.put("compose.yaml", COMPOSE_UP.replace("nginx:1.27", "nginx:1.28"))
    code, out = box.run("docker compose up -d")
    assert code == 0
    assert "Container app-web-1 Recreate" in out and "Container app-cache-1 Running" in out
    assert "app-cache-1 Recreate" not in out


def test_switching_before_green_is_ready_leaves_a_moment_with_no_endpoints() -> None:
    # The EndpointSlice holds only Pods matching the selector, ready once their probe passes
    # (kubernetes/kubernetes pkg/controller/endpointslice/reconciler.go).
    box = _start("m6-sandbox-blue-green")
    box.put("service.yaml", SERVICE_WEB.replace("version: blue", "version: green"))
    assert box.run("kubectl apply -f service.yaml")[0] == 0
    assert goals.ready_endpoints(Store.of(box.world), "default", "web") == 0


@pytest.mark.parametrize("key", sorted(SOLUTIONS))
def test_each_tasks_files_pass_the_real_validators(key: str) -> None:
    # The learner edits and applies these files: they are valid manifests and compose files
    # (kubernetes-validate strict, compose-spec), even where the task's bug is in what they do.
    from learn.labs.validators import compose_problems, kubernetes_problems

    path, question = course_sandboxes()[key]
    edits = {step[1]: step[2] for step in SOLUTIONS[key] if isinstance(step, tuple)}
    files = {**question.data["start"].get("files", {}), **edits}
    for name, text in files.items():
        if not name.endswith((".yaml", ".yml")):
            continue
        check = (
            compose_problems
            if name.startswith(("compose", "docker-compose"))
            else (kubernetes_problems)
        )
        assert [p.message for p in check(text)] == [], f"{path}: {name}"
