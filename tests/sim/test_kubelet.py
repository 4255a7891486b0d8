"""The kubelet in a sandbox: what a Pod bound to a node goes through, step by step, with
the events, reasons and messages a real kubelet (1.34, containerd 2) writes.

Sources of the expected values, upstream:
- pkg/kubelet/kuberuntime/kuberuntime_container.go: "Created container: %v",
  "Started container %v", "Stopping container %s", "Container %s failed %s probe, will be
  restarted".
- pkg/kubelet/images/image_manager.go: "Pulling image %q", "Successfully pulled image %q in
  %v (%v including waiting). Image size: %v bytes.", "Container image %q already present on
  machine", "Back-off pulling image %q", ErrImagePull / ImagePullBackOff.
- pkg/kubelet/kubelet_pods.go (makeEnvironmentVariables): `configmap "x" not found`,
  "couldn't find key %v in ConfigMap %v/%v".
- pkg/kubelet/kuberuntime/kuberuntime_manager.go (doBackOff): "back-off %s restarting failed
  container=%s pod=%s"; the back-off starts at 10 s and doubles to 300 s
  (pkg/kubelet/kubelet.go: backOffPeriod, MaxContainerBackOff; documented in
  content/en/docs/concepts/workloads/pods/pod-lifecycle.md, "Container restarts").
- pkg/probe/http/http.go: "HTTP probe failed with statuscode: %d".
"""

from __future__ import annotations

from typing import Any

from learn.sim import Sandbox
from learn.sim.images import learn_web_images
from learn.sim.kube import kubelet
from learn.sim.kube.api import Store


def _pod(name: str = "web", *, containers: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"nodeName": "kind-worker", "containers": containers, **spec},
    }


def _box(**kw: Any) -> tuple[Sandbox, Store]:
    box = Sandbox.new(**kw)
    return box, Store.of(box.world)


def _status(store: Store, name: str = "web") -> dict[str, Any]:
    return dict(store.require("pods", "default", name).get("status") or {})


def _state(store: Store, name: str = "web", index: int = 0) -> dict[str, Any]:
    return dict(_status(store, name)["containerStatuses"][index]["state"])


def _events(store: Store, name: str = "web") -> list[tuple[str, str, str]]:
    pod = store.require("pods", "default", name)
    return [(e["type"], e["reason"], e["message"]) for e in store.events_for(pod)]


def _conditions(store: Store, name: str = "web") -> dict[str, str]:
    return {c["type"]: c["status"] for c in _status(store, name).get("conditions") or []}


NGINX = {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}


def test_go_duration_prints_as_time_duration_string() -> None:
    # Go's time.Duration.String (src/time/time.go; its examples in time_test.go).
    assert kubelet.go_duration(450) == "450ms"
    assert kubelet.go_duration(5800) == "5.8s"
    assert kubelet.go_duration(10_000) == "10s"
    assert kubelet.go_duration(80_000) == "1m20s"
    assert kubelet.go_duration(300_000) == "5m0s"


def test_a_pod_is_pulled_created_started_and_becomes_ready() -> None:
    box, store = _box()
    probe = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5}
    store.create(_pod(containers=[{**NGINX, "readinessProbe": probe}]))
    box.advance(0)
    assert _status(store)["phase"] == "Pending"
    assert _state(store) == {"waiting": {"reason": "ContainerCreating"}}
    box.advance(30)
    status = _status(store)
    assert status["phase"] == "Running"
    assert [c["type"] for c in status["conditions"]] == [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    assert set(_conditions(store).values()) == {"True"}
    assert status["podIP"].startswith("10.244.1.") and status["hostIP"] == "172.18.0.3"
    cs = status["containerStatuses"][0]
    assert cs["ready"] and cs["started"] and cs["restartCount"] == 0
    assert cs["image"] == "docker.io/library/nginx:1.27"
    assert cs["imageID"].startswith("docker.io/library/nginx@sha256:")
    assert cs["containerID"].startswith("containerd://")
    reasons = [(t, r) for t, r, _ in _events(store)]
    assert reasons == [
        ("Normal", "Pulling"),
        ("Normal", "Pulled"),
        ("Normal", "Created"),
        ("Normal", "Started"),
    ]
    messages = [m for _, _, m in _events(store)]
    assert messages[0] == 'Pulling image "nginx:1.27"'
    assert messages[1].startswith('Successfully pulled image "nginx:1.27" in ')
    assert messages[1].endswith(" including waiting). Image size: 192000000 bytes.")
    assert messages[2:] == ["Created container: web", "Started container web"]


def test_an_image_already_on_the_node_is_not_pulled_again() -> None:
    box, store = _box()
    store.create(_pod("a", containers=[NGINX]))
    box.advance(30)
    store.create(_pod("b", containers=[NGINX]))
    box.advance(5)
    assert ("Normal", "Pulled", 'Container image "nginx:1.27" already present on machine') in (
        _events(store, "b")
    )
    assert _status(store, "b")["phase"] == "Running"


def test_a_tag_that_does_not_exist_is_err_image_pull_then_image_pull_backoff() -> None:
    box, store = _box()
    store.create(_pod(containers=[{**NGINX, "image": "nginx:lates"}]))
    box.advance(1.5)  # the sandbox (0.5 s), then the registry answers "not found" (0.8 s)
    waiting = _state(store)["waiting"]
    assert waiting["reason"] == "ErrImagePull"
    assert "docker.io/library/nginx:lates: not found" in waiting["message"]
    box.advance(3)
    waiting = _state(store)["waiting"]
    assert waiting["reason"] == "ImagePullBackOff"
    assert waiting["message"].startswith('Back-off pulling image "nginx:lates": ErrImagePull: ')
    events = _events(store)
    assert ("Warning", "Failed", "Error: ErrImagePull") in events
    assert ("Normal", "BackOff", 'Back-off pulling image "nginx:lates"') in events
    assert ("Warning", "Failed", "Error: ImagePullBackOff") in events
    failed = [m for t, r, m in events if r == "Failed" and m.startswith("Failed to pull")]
    assert failed == [
        'Failed to pull image "nginx:lates": rpc error: code = NotFound desc = failed to pull and '
        'unpack image "docker.io/library/nginx:lates": failed to resolve reference '
        '"docker.io/library/nginx:lates": docker.io/library/nginx:lates: not found'
    ]
    # The image back-off doubles: attempts at 0 s, ~10.8 s, ~31.6 s.
    box.advance(60)
    pulls = [
        e
        for e in store.events_for(store.require("pods", "default", "web"))
        if e["reason"] == "Pulling"
    ]
    assert pulls[0]["count"] == 3


def test_a_repository_that_does_not_exist_is_pull_access_denied() -> None:
    box, store = _box()
    store.create(_pod(containers=[{**NGINX, "image": "learner/nope:1.0"}]))
    box.advance(2)
    assert "pull access denied, repository does not exist" in _state(store)["waiting"]["message"]


def test_a_missing_configmap_or_key_is_create_container_config_error_until_it_exists() -> None:
    box, store = _box()
    env = [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode"}}}]
    store.create(_pod(containers=[{**NGINX, "env": env}]))
    box.advance(10)
    waiting = _state(store)["waiting"]
    assert waiting == {
        "reason": "CreateContainerConfigError",
        "message": 'configmap "cfg" not found',
    }
    assert ("Warning", "Failed", 'Error: configmap "cfg" not found') in _events(store)
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg"},
        "data": {"other": "x"},
    }
    store.create(cm)
    box.advance(10)  # the kubelet tries again after its 10 s back-off
    assert _state(store)["waiting"]["message"] == "couldn't find key mode in ConfigMap default/cfg"
    fixed = store.require("configmaps", "default", "cfg") | {"data": {"mode": "production"}}
    store.update(fixed)
    box.advance(12)
    assert "running" in _state(store)


def test_a_crashing_container_restarts_with_a_doubling_back_off_capped_at_five_minutes() -> None:
    box, store = _box()
    crash = {"name": "web", "image": "busybox:1.36", "command": ["sh", "-c", "exit 1"]}
    store.create(_pod(containers=[crash]))

    # Restart 1 at once, then 10 s, 20 s, 40 s, 80 s, 160 s, 300 s, 300 s after each exit
    # (each start takes the container's 0.2 s create time on top).
    def restarts() -> int:
        return int(_status(store)["containerStatuses"][0]["restartCount"])

    box.advance(3)
    assert restarts() == 1  # the first restart at once
    last = box.now
    for count, backoff in enumerate((10, 20, 40, 80, 160, 300, 300, 300), start=2):
        box.advance(backoff - 1.5)
        assert restarts() == count - 1
        for _ in range(6):
            box.advance(0.5)
            if restarts() == count:
                break
        assert restarts() == count
        assert backoff - 1.5 <= box.now - last <= backoff + 1.5
        last = box.now
    status = _status(store)
    cs = status["containerStatuses"][0]
    assert status["phase"] == "Running"
    if "waiting" in cs["state"]:
        assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
        assert cs["state"]["waiting"]["message"].startswith(
            "back-off 5m0s restarting failed container=web pod=web_default("
        )
    assert cs["lastState"]["terminated"]["exitCode"] == 1
    assert cs["lastState"]["terminated"]["reason"] == "Error"
    assert any(
        r == "BackOff"
        and m.startswith("Back-off restarting failed container web in pod web_default(")
        for _, r, m in _events(store)
    )


def test_a_process_over_its_memory_limit_is_oom_killed() -> None:
    images = learn_web_images()
    box, store = _box(images=images)
    app = {
        "name": "web",
        "image": "registry.example.com/learn/web:0.1.0",
        "env": [{"name": "DJANGO_DEBUG", "value": "1"}],
        "resources": {"limits": {"memory": "64Mi"}},
    }
    store.create(_pod(containers=[app]))
    box.advance(15)
    cs = _status(store)["containerStatuses"][0]
    terminated = cs["lastState"].get("terminated") or cs["state"].get("terminated")
    assert terminated["reason"] == "OOMKilled" and terminated["exitCode"] == 137


def test_a_liveness_probe_on_a_closed_port_kills_and_restarts_the_container() -> None:
    box, store = _box()
    probe = {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5}
    store.create(_pod(containers=[{**NGINX, "livenessProbe": probe}]))
    box.advance(40)
    ip = _status(store)["podIP"]
    unhealthy = [m for _, r, m in _events(store) if r == "Unhealthy"]
    assert unhealthy[0] == (
        f'Liveness probe failed: Get "http://{ip}:8080/healthz": dial tcp {ip}:8080: connect: connection refused'
    )
    assert (
        "Normal",
        "Killing",
        "Container web failed liveness probe, will be restarted",
    ) in _events(store)
    assert _status(store)["containerStatuses"][0]["restartCount"] >= 1


def test_a_readiness_probe_answered_503_keeps_the_pod_unready() -> None:
    images = learn_web_images()
    box, store = _box(images=images)
    app = {
        "name": "web",
        "image": "registry.example.com/learn/web:0.1.0",
        "env": [
            {"name": "DJANGO_DEBUG", "value": "1"},
            {"name": "DATABASE_URL", "value": "postgres://app:pw@db:5432/app"},
        ],
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": 8000}, "periodSeconds": 5},
    }
    store.create(_pod(containers=[app]))
    box.advance(30)
    assert _conditions(store)["Ready"] == "False"
    ready = next(c for c in _status(store)["conditions"] if c["type"] == "Ready")
    assert ready["reason"] == "ContainersNotReady"
    assert ready["message"] == "containers with unready status: [web]"
    assert (
        "Warning",
        "Unhealthy",
        "Readiness probe failed: HTTP probe failed with statuscode: 503",
    ) in _events(store)


def test_init_containers_run_to_completion_before_the_containers_start() -> None:
    box, store = _box()
    init = {"name": "wait", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 20"]}
    store.create(_pod(containers=[NGINX], initContainers=[init]))
    box.advance(15)
    status = _status(store)
    assert status["phase"] == "Pending"
    initialized = next(c for c in status["conditions"] if c["type"] == "Initialized")
    assert initialized["status"] == "False"
    assert initialized["message"] == "containers with incomplete status: [wait]"
    assert _state(store) == {"waiting": {"reason": "PodInitializing"}}
    box.advance(20)
    status = _status(store)
    assert status["initContainerStatuses"][0]["state"]["terminated"]["reason"] == "Completed"
    assert "running" in _state(store)


def test_a_native_sidecar_starts_first_and_keeps_running() -> None:
    box, store = _box()
    sidecar = {
        "name": "logs",
        "image": "fluent/fluent-bit:3.2",
        "restartPolicy": "Always",
    }
    store.create(_pod(containers=[NGINX], initContainers=[sidecar]))
    box.advance(40)
    status = _status(store)
    assert status["phase"] == "Running"
    assert "running" in status["initContainerStatuses"][0]["state"]
    assert "running" in _state(store)
    started = [m for _, r, m in _events(store) if r == "Started"]
    assert started == ["Started container logs", "Started container web"]


def test_deleting_a_pod_stops_its_containers_within_the_grace_period() -> None:
    box, store = _box()
    loop = {
        "name": "web",
        "image": "busybox:1.36",
        "command": ["sh", "-c", "while true; do sleep 1; done"],
    }
    store.create(_pod(containers=[loop], terminationGracePeriodSeconds=20))
    box.advance(10)
    store.delete("pods", "default", "web")
    box.advance(1)
    pod = store.require("pods", "default", "web")
    assert pod["metadata"]["deletionTimestamp"]
    assert ("Normal", "Killing", "Stopping container web") in _events(store)
    # sh as PID 1 ignores SIGTERM: the Pod goes when the 20 s grace period ends.
    box.advance(18)
    assert store.get("pods", "default", "web") is not None
    box.advance(2)
    assert store.get("pods", "default", "web") is None


def test_a_pod_that_exits_zero_with_restart_never_succeeds_and_nonzero_fails() -> None:
    box, store = _box()
    ok = {"name": "web", "image": "busybox:1.36", "command": ["sh", "-c", "echo done"]}
    bad = {"name": "web", "image": "busybox:1.36", "command": ["sh", "-c", "exit 3"]}
    store.create(_pod("ok", containers=[ok], restartPolicy="Never"))
    store.create(_pod("bad", containers=[bad], restartPolicy="Never"))
    box.advance(20)
    assert _status(store, "ok")["phase"] == "Succeeded"
    assert _state(store, "ok")["terminated"]["reason"] == "Completed"
    assert _status(store, "bad")["phase"] == "Failed"
    assert _state(store, "bad")["terminated"]["exitCode"] == 3
    ready = next(c for c in _status(store, "ok")["conditions"] if c["type"] == "Ready")
    assert ready["reason"] == "PodCompleted"
