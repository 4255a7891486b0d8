"""The picture: nodes with what their Pods request, Pods in their node coloured by state,
unscheduled Pods outside with the scheduler's reason, Services with arrows to ready endpoints,
and the same facts as tables. Objects are written straight into the store."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from learn.sandboxes.picture import cpu_text, memory_text, quantity, scene
from learn.sandboxes.selectors import sandbox_view
from learn.sim import Sandbox
from tests.sandboxes.objects import docker_container, owner, pod, put, service_with_endpoints

# Worded as kube-scheduler words it (the issue quotes the real message).
REASON = (
    "0/3 nodes are available: 1 node(s) had untolerated taint "
    "{node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu."
)


def cluster() -> Sandbox:
    box = Sandbox.new()
    put(
        box,
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": "web-7c9d8f6b5",
                "namespace": "default",
                "ownerReferences": owner("Deployment", "web"),
            },
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.28"}]},
                },
            },
        },
    )
    rs = "web-7c9d8f6b5"
    pod(
        box,
        "web-7c9d8f6b5-x2k4q",
        node="kind-worker",
        labels={"app": "web"},
        replicaset=rs,
        cpu="500m",
        memory="256Mi",
    )
    pod(
        box,
        "web-7c9d8f6b5-b8n4z",
        node="kind-worker2",
        labels={"app": "web"},
        replicaset=rs,
        ready=False,
        waiting="CrashLoopBackOff",
    )
    pod(box, "big", labels={"app": "big"}, cpu="3", unschedulable=REASON)
    service_with_endpoints(box, "web", {"web-7c9d8f6b5-x2k4q": True, "web-7c9d8f6b5-b8n4z": False})
    return box


# Cases from k8s.io/apimachinery/pkg/api/resource/quantity_test.go, TestQuantityParse.
QUANTITIES = [
    ("0", 0), ("0m", 0), ("0Ki", 0), ("1", 1),
    ("1Ki", 1024), ("8Ki", 8 * 1024), ("7Mi", 7 * 1024**2), ("6Gi", 6 * 1024**3),
    ("5Ti", 5 * 1024**4), ("4Pi", 4 * 1024**5), ("3Ei", 3 * 1024**6), ("10Ti", 10 * 1024**4),
    ("3m", Decimal("0.003")), ("9", 9), ("8k", 8000), ("7M", 7 * 10**6), ("6G", 6 * 10**9),
    ("5T", 5 * 10**12), ("40T", 4 * 10**13),
]  # fmt: skip


@pytest.mark.parametrize(("text", "value"), QUANTITIES)
def test_quantities_read_as_kubernetes_parses_them(text: str, value: object) -> None:
    assert quantity(text) == value


def test_quantities_shown_as_kubectl_writes_them() -> None:
    assert quantity("nonsense") == 0
    assert memory_text(quantity("256Mi")) == "256Mi"
    assert cpu_text(quantity("500m")) == "500m"
    assert cpu_text(quantity("2")) == "2"


def test_scene_places_pods_in_nodes_and_unscheduled_ones_outside() -> None:
    picture = scene(cluster())
    nodes = {n.name: n for n in picture.nodes}
    assert set(nodes) == {"kind-control-plane", "kind-worker", "kind-worker2"}
    worker = nodes["kind-worker"]
    assert [p.name for p in worker.pods] == ["web-7c9d8f6b5-x2k4q"]
    assert (worker.cpu_used, worker.cpu_total, worker.memory_used) == ("500m", "2", "256Mi")
    assert worker.cpu_percent == 25
    (ready,) = worker.pods
    assert (ready.tone, ready.status, ready.replicaset, ready.deployment) == (
        "ready",
        "Running",
        "web-7c9d8f6b5",
        "web",
    )
    (crashing,) = nodes["kind-worker2"].pods
    assert (crashing.tone, crashing.status, crashing.ready) == ("failed", "CrashLoopBackOff", "0/1")
    (pending,) = picture.pending
    assert (pending.name, pending.tone, pending.reason) == ("big", "pending", REASON)
    (web,) = picture.services
    assert web.endpoints == ["web-7c9d8f6b5-x2k4q"]  # the crashing Pod is not ready
    assert web.arrows == [ready.centre]


def test_svg_and_tables_hold_the_same_facts() -> None:
    box = cluster()
    html = render_to_string(
        "sandboxes/_picture.html",
        {"scene": scene(box), "view": sandbox_view(question=None, session=None, box=box)},
    )
    assert '<svg class="cluster-svg"' in html and 'role="img"' in html
    assert 'data-pod="web-7c9d8f6b5-x2k4q" data-tone="ready"' in html
    assert 'data-pod="big" data-tone="pending"' in html
    assert html.count('class="endpoint"') == 1
    table = html[html.index("<details") :]
    for fact in (
        "web-7c9d8f6b5-x2k4q",
        "CrashLoopBackOff",
        "Insufficient cpu",
        "500m of 2",
        "web-7c9d8f6b5",
        "kind-worker2",
    ):
        assert fact in table, fact


def test_learner_text_in_the_picture_is_escaped() -> None:
    box = Sandbox.new()
    pod(box, "web", node="kind-worker", labels={"app": "web"}, unschedulable="")
    put(
        box,
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "x", "namespace": "default", "annotations": {"a": "<script>"}},
            "spec": {"type": "<b>NodePort</b>"},
        },
    )
    html = render_to_string(
        "sandboxes/_picture.html",
        {"scene": scene(box), "view": sandbox_view(question=None, session=None, box=box)},
    )
    assert "<b>NodePort" not in html and "&lt;b&gt;NodePort" in html


def test_the_docker_host_is_drawn_with_containers_images_and_networks() -> None:
    box = Sandbox.new()
    assert not scene(box).has_docker  # a fresh host draws nothing
    docker_container(box, "app-db-1", "postgres:17", health="healthy")
    docker_container(box, "app-web-1", "nginx:1.28", health="starting")
    docker_container(box, "app-job-1", "busybox:1.36", "exited", exit_code=1)
    picture = scene(box)
    shapes = {c.name: (c.image, c.status, c.tone) for c in picture.containers}
    assert shapes == {
        "app-db-1": ("postgres:17", "running (healthy)", "ready"),
        "app-web-1": ("nginx:1.28", "running (starting)", "starting"),
        "app-job-1": ("busybox:1.36", "exited (1)", "failed"),
    }
    assert picture.images == ["busybox:1.36", "nginx:1.28", "postgres:17"]
    assert picture.networks == ["app_default"]
    view = sandbox_view(question=None, session=None, box=box)
    html = render_to_string("sandboxes/_picture.html", {"scene": picture, "view": view})
    assert 'data-container="app-db-1" data-tone="ready"' in html
    table = html[html.index("<details") :]
    assert '<th scope="row">app-job-1</th><td>busybox:1.36</td><td>exited (1)</td>' in table
    assert "Networks of your own: app_default." in table
