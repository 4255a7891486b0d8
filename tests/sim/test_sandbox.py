"""The facade contract (DESIGN.md, "The simulated Docker host and cluster"): new, put, run,
sleep, dump and load, and the answers for what the sandbox does not run."""

from __future__ import annotations

import json

import pytest

from learn.sim import Sandbox, SandboxError


def test_a_fresh_sandbox_starts_at_zero_with_a_kind_like_cluster() -> None:
    box = Sandbox.new()
    assert box.now == 0
    from learn.sim.kube.api import Store

    store = Store.of(box.world)
    nodes = [n["metadata"]["name"] for n in store.list("nodes")]
    assert nodes == ["kind-control-plane", "kind-worker", "kind-worker2"]
    namespaces = [n["metadata"]["name"] for n in store.list("namespaces")]
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= set(namespaces)


def test_sleep_moves_the_simulated_clock_and_only_that() -> None:
    box = Sandbox.new()
    assert box.run("sleep 30") == (0, "")
    assert box.now == 30
    assert box.run("sleep 1m 30s") == (0, "")
    assert box.now == 120


@pytest.mark.parametrize(
    ("line", "code", "needle"),
    [
        ("sleep", 1, "sleep: missing operand"),
        ("sleep soon", 1, "sleep: invalid time interval 'soon'"),
        ("sleep 100000000", 1, "at most 3600 seconds"),
        ("curl http://web", 127, "sh: curl: not available in this sandbox"),
        ("rm -rf /", 127, "sh: rm: not available in this sandbox"),
        ("echo a && echo b", 2, "`&&` is not available"),
        ("echo 'unterminated", 2, "syntax error"),
        ("echo $(whoami)", 2, "command substitution"),
        ("FOO=1 kubectl get pods", 2, "variables are not available"),
    ],
)
def test_what_the_sandbox_does_not_run_is_said_plainly(line: str, code: int, needle: str) -> None:
    box = Sandbox.new()
    got_code, out = box.run(line)
    assert got_code == code
    assert needle in out
    assert box.now == 0


def test_files_cat_ls_and_redirection() -> None:
    box = Sandbox.new(files={"web.yaml": "kind: Pod\n"})
    assert box.run("cat web.yaml") == (0, "kind: Pod\n")
    assert box.run("cat ./web.yaml") == (0, "kind: Pod\n")
    assert box.run("cat nope.yaml") == (1, "cat: nope.yaml: No such file or directory\n")
    assert box.run("echo hello > notes.txt") == (0, "")
    assert box.run("echo again >> notes.txt") == (0, "")
    assert box.file("notes.txt") == "hello\nagain\n"
    assert box.run("ls") == (0, "notes.txt\nweb.yaml\n")
    assert box.run("cat web.yaml | cat") == (0, "kind: Pod\n")


@pytest.mark.parametrize("path", ["/etc/passwd", "../up.yaml", "a/../b", "", "x" * 300, "bad name"])
def test_put_refuses_paths_outside_the_working_directory(path: str) -> None:
    box = Sandbox.new()
    with pytest.raises(SandboxError):
        box.put(path, "x")


def test_put_refuses_big_files_and_nul_bytes() -> None:
    box = Sandbox.new()
    with pytest.raises(SandboxError, match="too large"):
        box.put("big.yaml", "x" * (64 * 1024 + 1))
    with pytest.raises(SandboxError, match="NUL"):
        box.put("nul.yaml", "a\x00b")


def test_long_command_lines_are_refused_not_run() -> None:
    box = Sandbox.new()
    code, out = box.run("echo " + "x" * 5000)
    assert code == 2
    assert "command too long" in out


def test_dump_is_json_and_load_restores_exactly() -> None:
    box = Sandbox.new(files={"a.txt": "a\n"})
    box.run("sleep 5")
    box.run("echo hi > b.txt")
    state = box.dump()
    text = json.dumps(state)
    again = Sandbox.load(json.loads(text))
    assert again.dump() == state
    assert again.now == 5
    assert again.files == {"a.txt": "a\n", "b.txt": "hi\n"}
    assert again.run("cat b.txt") == box.run("cat b.txt")


def test_load_refuses_what_is_not_a_sandbox() -> None:
    with pytest.raises(SandboxError):
        Sandbox.load({"format": 999})
    with pytest.raises(SandboxError):
        Sandbox.load("nope")


def test_the_same_commands_give_the_same_output() -> None:
    def session() -> list[tuple[int, str]]:
        box = Sandbox.new(seed="same")
        return [box.run(line) for line in ("help", "sleep 3", "ls", "echo x > y", "cat y")]

    assert session() == session()
