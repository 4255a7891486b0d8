"""`docker run`, `ps`, `logs`, `stop`, `rm`, `exec`, `inspect`, `tag`, `push`, networks and
volumes on the sandbox, with docker/cli's and moby's own tables where they have one."""

from __future__ import annotations

import json
import re

import pytest

from learn.sim import Sandbox, images
from learn.sim.docker import cli, engine

# docker/cli cli/command/formatter/container_test.go, TestDisplayablePorts: (ports as
# (IP, PublicPort, PrivatePort, Type), expected PORTS column).
PORT_CASES = [
    ([("", 0, 9988, "tcp")], "9988/tcp"),
    ([("", 0, 9988, "udp")], "9988/udp"),
    ([("0.0.0.0", 0, 9988, "tcp")], "0.0.0.0:0->9988/tcp"),  # noqa: S104 (data, not a socket)
    ([("::", 0, 9988, "tcp")], "[::]:0->9988/tcp"),
    ([("", 8899, 9988, "tcp")], "9988/tcp"),
    ([("4.3.2.1", 8899, 9988, "tcp")], "4.3.2.1:8899->9988/tcp"),
    ([("::1", 8899, 9988, "tcp")], "[::1]:8899->9988/tcp"),
    ([("4.3.2.1", 9988, 9988, "tcp")], "4.3.2.1:9988->9988/tcp"),
    ([("::1", 9988, 9988, "tcp")], "[::1]:9988->9988/tcp"),
    ([("", 0, 9988, "udp"), ("", 0, 9988, "udp")], "9988/udp, 9988/udp"),
    (
        [("1.2.3.4", 9998, 9998, "udp"), ("1.2.3.4", 9999, 9999, "udp")],
        "1.2.3.4:9998-9999->9998-9999/udp",
    ),
    ([("::1", 9998, 9998, "udp"), ("::1", 9999, 9999, "udp")], "[::1]:9998-9999->9998-9999/udp"),
    (
        [("1.2.3.4", 8887, 9998, "udp"), ("1.2.3.4", 8888, 9999, "udp")],
        "1.2.3.4:8887->9998/udp, 1.2.3.4:8888->9999/udp",
    ),
    (
        [("::1", 8887, 9998, "udp"), ("::1", 8888, 9999, "udp")],
        "[::1]:8887->9998/udp, [::1]:8888->9999/udp",
    ),
    ([("", 0, 9998, "udp"), ("", 0, 9999, "udp")], "9998-9999/udp"),
    ([("1.2.3.4", 7766, 6677, "tcp"), ("", 8899, 9988, "udp")], "9988/udp, 1.2.3.4:7766->6677/tcp"),
    (
        [
            ("1.2.3.4", 8899, 9988, "udp"),
            ("1.2.3.4", 8899, 9988, "tcp"),
            ("4.3.2.1", 3322, 2233, "tcp"),
            ("::1", 3322, 2233, "tcp"),
        ],
        "4.3.2.1:3322->2233/tcp, [::1]:3322->2233/tcp, 1.2.3.4:8899->9988/tcp, 1.2.3.4:8899->9988/udp",
    ),
    (
        [("", 8899, 9988, "udp"), ("1.2.3.4", 7766, 6677, "tcp"), ("4.3.2.1", 3322, 2233, "tcp")],
        "9988/udp, 4.3.2.1:3322->2233/tcp, 1.2.3.4:7766->6677/tcp",
    ),
    (
        [
            ("", 0, 80, "tcp"),
            ("", 0, 1024, "tcp"),
            ("", 0, 80, "udp"),
            ("", 0, 1024, "udp"),
            ("1.1.1.1", 80, 1024, "tcp"),
            ("1.1.1.1", 80, 1024, "udp"),
            ("1.1.1.1", 1024, 80, "tcp"),
            ("1.1.1.1", 1024, 80, "udp"),
            ("2.1.1.1", 80, 1024, "tcp"),
            ("2.1.1.1", 80, 1024, "udp"),
            ("2.1.1.1", 1024, 80, "tcp"),
            ("2.1.1.1", 1024, 80, "udp"),
            ("", 0, 12345, "sctp"),
        ],
        "80/tcp, 80/udp, 1024/tcp, 1024/udp, 12345/sctp, 1.1.1.1:1024->80/tcp, 1.1.1.1:1024->80/udp, 2.1.1.1:1024->80/tcp, 2.1.1.1:1024->80/udp, 1.1.1.1:80->1024/tcp, 1.1.1.1:80->1024/udp, 2.1.1.1:80->1024/tcp, 2.1.1.1:80->1024/udp",
    ),
    (
        [("10.0.0.2", 8080, 80, "tcp"), ("9.0.0.1", 8081, 80, "tcp")],
        "9.0.0.1:8081->80/tcp, 10.0.0.2:8080->80/tcp",
    ),
]


@pytest.mark.parametrize(("ports", "expected"), PORT_CASES)
def test_displayable_ports(ports: list[tuple[str, int, int, str]], expected: str) -> None:
    assert cli.displayable_ports(list(ports)) == expected


HOUR = 3_600_000


# moby/moby daemon/container/state_test.go, TestStateStateAndString: the cases of states the
# sandbox has (removal in progress, dead and paused are not simulated).
@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (
            {"status": "restarting", "exit_code": 1, "started": 0, "finished": -72 * HOUR},
            "Restarting (1) 3 days ago",
        ),
        (
            {"status": "running", "exit_code": 0, "started": -72 * HOUR, "finished": None},
            "Up 3 days",
        ),
        ({"status": "created", "exit_code": 0, "started": None, "finished": None}, "Created"),
        (
            {"status": "exited", "exit_code": 137, "started": -96 * HOUR, "finished": -72 * HOUR},
            "Exited (137) 3 days ago",
        ),
    ],
)
def test_state_string(state: dict[str, object], expected: str) -> None:
    box = Sandbox.new()
    box.advance(0)
    container = {"state": {**state, "health": None}}
    # the upstream cases are relative to now: shift them to the sandbox clock
    box.world.state["now"] = 100 * HOUR
    for key in ("started", "finished"):
        if isinstance(state[key], int):
            container["state"][key] = 100 * HOUR + int(state[key])  # type: ignore[call-overload]
    assert engine.status_text(box.world, container) == expected


def test_health_suffixes_as_health_string() -> None:
    # moby/moby daemon/container/health.go Health.String: "health: starting", else the status.
    box = Sandbox.new()
    box.world.state["now"] = 5000
    base = {"status": "running", "exit_code": 0, "started": 0, "finished": None}
    for status, text in (
        ("starting", "Up 5 seconds (health: starting)"),
        ("healthy", "Up 5 seconds (healthy)"),
        ("unhealthy", "Up 5 seconds (unhealthy)"),
    ):
        container = {"state": {**base, "health": {"status": status, "failing": 0, "log": []}}}
        assert engine.status_text(box.world, container) == text


def test_run_detached_ps_logs_stop_rm() -> None:
    box = Sandbox.new()
    code, out = box.run("docker run -d --name web -p 8080:80 nginx:1.27")
    assert code == 0
    assert out.startswith(
        "Unable to find image 'nginx:1.27' locally\n1.27: Pulling from library/nginx\n"
    )
    assert "Status: Downloaded newer image for nginx:1.27\n" in out
    cid = out.splitlines()[-1]
    assert len(cid) == 64
    box.run("sleep 5")
    _, ps = box.run("docker ps")
    header, row = ps.splitlines()
    assert re.split(r"\s{3,}", header) == [
        "CONTAINER ID",
        "IMAGE",
        "COMMAND",
        "CREATED",
        "STATUS",
        "PORTS",
        "NAMES",
    ]
    assert row.startswith(cid[:12] + '   nginx:1.27   "/docker-entrypoint.…"   ')
    assert "Up 5 seconds" in row and row.endswith("0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   web")
    _, logs = box.run("docker logs web")
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in logs
    code, out = box.run("docker rm web")
    assert code == 1
    assert (
        out
        == 'Error response from daemon: cannot remove container "web": container is running: stop the container before removing or force remove\n'
    )
    started = box.now
    assert box.run("docker stop web") == (0, "web\n")
    assert box.now - started < 1  # nginx exits on its stop signal at once
    _, ps = box.run("docker ps -a")
    assert "Exited (0) Less than a second ago" in ps
    assert box.run("docker rm web") == (0, "web\n")
    assert box.run("docker logs web") == (1, "Error response from daemon: No such container: web\n")


def test_stop_waits_ten_seconds_for_a_shell_that_ignores_sigterm() -> None:
    box = Sandbox.new(
        files={"Dockerfile": "FROM busybox:1.36\nCMD while true; do echo tick; sleep 5; done\n"}
    )
    assert box.run("docker build -t ticker .")[0] == 0
    box.run("docker run -d --name tk ticker")
    box.run("sleep 11")
    _, logs = box.run("docker logs tk")
    assert logs == "tick\ntick\ntick\n"
    started = box.now
    box.run("docker stop tk")
    assert 10 <= box.now - started < 11
    _, state = box.run("docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' tk")
    assert state == "exited 137\n"


def test_foreground_run_prints_output_and_returns_the_exit_code() -> None:
    box = Sandbox.new()
    code, out = box.run("docker run --rm busybox:1.36 sh -c 'echo hi; exit 3'")
    assert code == 3
    assert out.endswith("hi\n")
    assert box.run("docker ps -a -q") == (0, "")  # --rm removed it


def test_restart_policy_backs_off_as_the_restart_manager_does() -> None:
    # moby/moby daemon/internal/restartmanager: 100 ms, doubling, max 1 min (restartmanager.go;
    # restartmanager_test.go TestRestartManagerTimeout gives the first 100 ms).
    box = Sandbox.new()
    box.run("docker run -d --name crash --restart on-failure:3 busybox:1.36 sh -c 'exit 1'")
    box.run("sleep 5")
    _, out = box.run(
        "docker inspect -f '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}' crash"
    )
    assert out == "3 exited 1\n"
    box.run("docker run -d --name always --restart always busybox:1.36 sh -c 'exit 0'")
    container = engine.find_container(box.world, "always")
    assert container is not None
    delays = []
    for _ in range(4):
        box.advance(0.01)
        delays.append(container.get("restart_delay"))
        box.advance(container["restart_delay"] / 1000)
    assert delays == [100, 200, 400, 800]
    box.run("docker stop always")
    box.run("sleep 120")
    assert container["state"]["status"] == "exited"


def test_env_env_file_and_postgres_needs_a_password() -> None:
    box = Sandbox.new(files={"db.env": "POSTGRES_PASSWORD=example\n# comment\nPOSTGRES_DB=learn\n"})
    box.run("docker run -d --name bad postgres:16")
    box.run("sleep 2")
    _, logs = box.run("docker logs bad")
    assert logs.startswith(
        "Error: Database is uninitialized and superuser password is not specified."
    )
    assert "Exited (1)" in box.run("docker ps -a")[1]
    box.run("docker run -d --name db --env-file db.env postgres:16")
    box.run("sleep 5")
    assert box.run("docker exec db pg_isready") == (
        0,
        "/var/run/postgresql:5432 - accepting connections\n",
    )
    _, env = box.run("docker inspect -f '{{json .Config.Env}}' db")
    assert "POSTGRES_DB=learn" in json.loads(env)
    assert box.run("docker run --env-file nope.env busybox:1.36")[0] == 125


def test_user_defined_network_resolves_names_and_the_default_bridge_does_not() -> None:
    box = Sandbox.new()
    assert box.run("docker network create appnet")[0] == 0
    box.run("docker run -d --name db --network appnet -e POSTGRES_PASSWORD=x postgres:16")
    box.run("docker run -d --name shell --network appnet busybox:1.36 sleep 3600")
    box.run("docker run -d --name lonely busybox:1.36 sleep 3600")
    box.run("sleep 5")
    code, out = box.run("docker exec shell nslookup db")
    assert code == 0 and "Name:\tdb\nAddress: 172.18.0.2" in out
    code, out = box.run("docker exec lonely nslookup db")
    assert code == 1 and "can't find db: NXDOMAIN" in out
    _, ls = box.run("docker network ls")
    assert [line.split()[1] for line in ls.splitlines()[1:]] == ["appnet", "bridge", "host", "none"]
    assert box.run("docker network create appnet") == (
        1,
        "Error response from daemon: network with name appnet already exists\n",
    )


def test_named_volume_keeps_data_across_containers() -> None:
    box = Sandbox.new()
    box.run(
        "docker run -d --name db1 -v pgdata:/var/lib/postgresql/data -e POSTGRES_PASSWORD=x postgres:16"
    )
    box.run("sleep 5")
    box.run("docker rm -f db1")
    box.run("docker run -d --name db2 -v pgdata:/var/lib/postgresql/data postgres:16")
    box.run("sleep 3")
    _, logs = box.run("docker logs db2")
    assert "Skipping initialization" in logs  # no password needed: the data exists
    assert box.run("docker volume rm pgdata")[1].startswith(
        "Error response from daemon: remove pgdata: volume is in use - ["
    )
    assert "pgdata" in box.run("docker volume ls")[1]


def test_tag_push_and_the_cluster_can_pull_it() -> None:
    box = Sandbox.new(
        images=images.learn_web_images(),
        files={
            "Dockerfile": "FROM nginx:1.27\nCOPY index.html /usr/share/nginx/html/\n",
            "index.html": "<h1>hi</h1>\n",
        },
    )
    box.run("docker build -t site:1 .")
    assert box.run("docker tag site:1 registry.example.com/learn/site:1") == (0, "")
    code, out = box.run("docker push registry.example.com/learn/site:1")
    assert code == 0, out
    assert out.startswith("The push refers to repository [registry.example.com/learn/site]\n")
    assert out.splitlines()[-1].startswith("1: digest: sha256:")
    pulled = images.resolve("registry.example.com/learn/site:1", box.world.state["images"])
    assert not isinstance(pulled, images.PullError)
    assert pulled.program == "nginx"
    code, out = box.run("docker push site:1")
    assert code == 1 and out.endswith("denied: requested access to the resource is denied\n")
    assert box.run("docker push nowhere.example.org/x/site:1") == (
        1,
        "An image does not exist locally with the tag: nowhere.example.org/x/site\n",
    )
    box.run("docker tag site:1 nowhere.example.org/x/site:1")
    code, out = box.run("docker push nowhere.example.org/x/site:1")
    assert (
        code == 1
        and 'Get "https://nowhere.example.org/v2/": dial tcp: lookup nowhere.example.org: no such host'
        in out
    )
    assert box.run("docker login")[0] == 1
    # The built nginx serves the copied page.
    box.run("docker run -d --name site site:1")
    box.run("docker run -d --name probe busybox:1.36 sleep 600")
    box.run("sleep 2")
    ip = box.run("docker inspect -f '{{.NetworkSettings.IPAddress}}' site")[1].strip()
    assert box.run(f"docker exec probe wget -qO- http://{ip}/") == (0, "<h1>hi</h1>\n")


def test_errors_match_the_cli() -> None:
    box = Sandbox.new()
    assert box.run("docker frobnicate") == (
        1,
        "docker: 'frobnicate' is not a docker command.\nSee 'docker --help'\n",
    )
    assert box.run("docker run --frob busybox:1.36") == (
        125,
        "unknown flag: --frob\nSee 'docker run --help'.\n",
    )
    code, out = box.run("docker run nginx:99")
    assert (
        code == 125 and "manifest for nginx:99 not found: manifest unknown: manifest unknown" in out
    )
    box.run("docker run -d --name aa -p 8080:80 nginx:1.27")
    code, out = box.run("docker run -d --name aa nginx:1.27")
    assert (
        code == 125 and 'Conflict. The container name "/aa" is already in use by container' in out
    )
    code, out = box.run("docker run -d --name bb -p 8080:80 nginx:1.27")
    assert code == 125 and "Bind for 0.0.0.0:8080 failed: port is already allocated" in out
    assert box.run("docker inspect nope") == (1, "[]\nError: No such object: nope\n")
    assert (
        box.run("docker run --cpus 2 busybox:1.36")[1]
        == "docker run: --cpus is not simulated in this sandbox\n"
    )


def test_dump_load_round_trip_and_size() -> None:
    box = Sandbox.new(files={"Dockerfile": 'FROM busybox:1.36\nCMD ["sleep", "3600"]\n'})
    box.run("docker build -t s .")
    box.run("docker run -d --name s s")
    box.run("sleep 3")
    dump = box.dump()
    assert len(json.dumps(dump)) < 64 * 1024
    again = Sandbox.load(json.loads(json.dumps(dump)))
    assert again.run("docker ps") == box.run("docker ps")
    assert again.dump() == box.dump()
