"""Each goal kind, on a sandbox whose objects are written straight into its API store."""

from __future__ import annotations

import pytest

from learn.sandboxes import goals
from learn.sim import Sandbox, clock
from tests.sandboxes.objects import (
    deployment,
    docker_container,
    pod,
    service_with_endpoints,
    set_endpoints,
)


def met(box: Sandbox, goal: dict) -> bool:
    assert list(goals.spec_problems(goal)) == []
    (result,) = goals.evaluate(box, [goal])
    return result.met


def test_field_goal_compares_a_field_of_the_object() -> None:
    box = Sandbox.new()
    goal = {"object": "deployment/web", "field": "spec.replicas", "equals": 5}
    assert not met(box, goal)  # no such Deployment yet
    deployment(box, "web", image="nginx:1.28", replicas=3, status={})
    assert not met(box, goal)
    assert met(box, {**goal, "equals": 3})
    assert met(
        box, {"object": "node/kind-worker", "field": "metadata.name", "equals": "kind-worker"}
    )


def test_pods_ready_counts_only_ready_pods_with_the_label() -> None:
    box = Sandbox.new()
    goal = {"pods_ready": 2, "selector": "app=web"}
    pod(box, "web-1", node="kind-worker", labels={"app": "web"})
    pod(box, "web-2", node="kind-worker", labels={"app": "web"}, ready=False)
    pod(box, "db-1", node="kind-worker", labels={"app": "db"})
    assert not met(box, goal)
    pod(box, "web-3", node="kind-worker2", labels={"app": "web"})
    assert met(box, goal)


def test_deployment_goal_wants_the_image_and_a_complete_rollout() -> None:
    # DeploymentComplete (pkg/controller/deployment/util/deployment_util.go): updated ==
    # replicas == available and the newest generation observed.
    box = Sandbox.new()
    rolling = {"observedGeneration": 1, "replicas": 4, "updatedReplicas": 3, "availableReplicas": 3}
    deployment(box, "web", image="nginx:1.28", replicas=3, status=rolling)
    goal = {"deployment": "web", "image": "nginx:1.28", "available": 3}
    assert not met(box, goal)  # an old replica is still there
    box2 = Sandbox.new()
    done = {"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 3}
    deployment(box2, "web", image="nginx:1.28", replicas=3, status=done)
    assert met(box2, goal)
    assert not met(box2, {**goal, "image": "nginx:1.27"})
    assert met(box2, {"deployment": "web", "image": "nginx:1.28"})


def test_never_below_reads_the_history_of_ready_endpoints() -> None:
    box = Sandbox.new()
    goal = {"service": "web", "never_below": 2}
    service_with_endpoints(box, "web", {"web-1": True})
    clock.settle(box.world)
    assert not met(box, goal)  # never reached 2
    set_endpoints(box, "web", {"web-1": True, "web-2": True})
    clock.settle(box.world)
    set_endpoints(box, "web", {"web-1": True, "web-2": True, "web-3": False})
    clock.settle(box.world)
    assert met(box, goal)
    set_endpoints(box, "web", {"web-1": False, "web-2": True, "web-3": False})
    clock.settle(box.world)
    set_endpoints(box, "web", {"web-1": True, "web-2": True, "web-3": True})
    clock.settle(box.world)
    assert not met(box, goal)  # one moment had a single ready endpoint
    # The history survives dump and load: a goal over time is not lost between commands.
    assert not met(Sandbox.load(box.dump()), goal)


def test_ran_goal_reads_the_commands_and_their_exit_codes() -> None:
    box = Sandbox.new(files={"note.txt": "hi\n"})
    goal = {"ran": "cat note.txt", "exit_code": 0}
    assert not met(box, goal)
    assert box.run("cat nope.txt")[0] == 1
    assert not met(box, {"ran": "cat", "exit_code": 0})
    assert met(box, {"ran": "cat", "exit_code": 1})
    box.run("cat   note.txt")
    assert met(box, goal)
    assert not met(box, {"ran": "cat note", "exit_code": 0})  # whole words only


@pytest.mark.parametrize(
    ("goal", "message"),
    [
        ("nope", "a goal must be a mapping"),
        ({"text": "x"}, "a goal needs exactly one of"),
        ({"object": "deployment/web", "pods_ready": 1}, "a goal needs exactly one of"),
        ({"object": "web", "field": "spec.replicas", "equals": 1}, "object must be resource/name"),
        ({"object": "gizmo/web", "field": "a", "equals": 1}, "object must be resource/name"),
        ({"object": "deploy/web", "field": "spec..x", "equals": 1}, "field must be a dotted"),
        ({"object": "deploy/web", "field": "spec.replicas"}, "needs equals"),
        ({"pods_ready": 0, "selector": "app=web"}, "pods_ready must be a whole number"),
        ({"pods_ready": 2, "selector": "app in (web)"}, "selector must be label=value"),
        ({"deployment": "web"}, "needs image, available or both"),
        ({"deployment": "web", "available": "3"}, "available must be a whole number"),
        ({"never_below": 3}, "needs service"),
        ({"ran": "", "exit_code": 0}, "ran must be the start of a command"),
        ({"ran": "ls", "exit_code": True}, "exit_code must be a whole number"),
        ({"ran": "ls", "colour": "red"}, "unknown key 'colour'"),
        ({"ran": "ls", "namespace": "Not_A_Name"}, "namespace must be a Kubernetes name"),
    ],
)
def test_badly_written_goals_are_named(goal: object, message: str) -> None:
    problems = list(goals.spec_problems(goal))
    assert any(message in p for p in problems), problems


def test_goal_sentences_say_what_is_wanted() -> None:
    assert goals.describe({"pods_ready": 3, "selector": "app=web"}) == (
        "3 Pods labelled app=web are Ready"
    )
    assert goals.describe({"ran": "ls", "text": "You listed the files"}) == "You listed the files"


def test_container_goal_reads_the_engine_state_and_health() -> None:
    box = Sandbox.new()
    docker_container(box, "app-db-1", "postgres:17", health="starting")
    docker_container(box, "app-web-1", "nginx:1.28")
    docker_container(box, "app-old-1", "nginx:1.27", "exited", exit_code=137)
    assert met(box, {"container": "app-web-1"})
    assert met(box, {"container": "app-db-1", "state": "running"})
    assert not met(box, {"container": "app-db-1", "state": "healthy"})
    assert not met(box, {"container": "app-old-1"})
    assert not met(box, {"container": "nope"})
    docker_container(box, "app-db-1", "postgres:17", health="healthy")
    assert met(box, {"container": "app-db-1", "state": "healthy"})
    assert list(goals.spec_problems({"container": "x", "state": "asleep"})) == [
        "state must be one of running, healthy"
    ]


def test_container_goal_asks_for_the_image_and_network_docker_ps_and_inspect_show() -> None:
    # `docker run --network NET` attaches only to NET, the default `bridge` otherwise, and
    # IMAGE is the reference the container was run from (moby/moby daemon/create.go,
    # docker/cli cli/command/formatter/container.go).
    box = Sandbox.new()
    assert box.run("docker network create learn-net")[0] == 0
    assert box.run("docker run -d --name web --network learn-net nginx:1.28")[0] == 0
    assert box.run("docker run -d --name old nginx:1.27")[0] == 0
    assert met(box, {"container": "web", "network": "learn-net", "image": "nginx:1.28"})
    assert not met(box, {"container": "web", "network": "bridge"})
    assert not met(box, {"container": "web", "image": "nginx:1.27"})
    assert met(box, {"container": "old", "network": "bridge"})
    assert not met(box, {"container": "old", "network": "learn-net"})
    assert goals.describe({"container": "web", "network": "learn-net", "image": "nginx:1.28"}) == (
        "container web is running from nginx:1.28 on network learn-net"
    )
    assert list(goals.spec_problems({"container": "web", "network": ""})) == [
        "network must be a Docker network name, e.g. appnet"
    ]
