"""How big a sandbox's `dump()` is, and that `load()` takes it back exactly (issue 10, "Speed
and size": under 64 KB for the course's labs; a 60-Pod cluster comfortably loadable)."""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from learn.sim import Sandbox, SandboxError
from learn.sim.world import FORMAT, MAX_PACKED_BYTES, MAX_STATE_BYTES, World

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: %d
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
        resources: {requests: {cpu: 10m, memory: 16Mi}}
        readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5}
"""


def _size(dump: object) -> int:
    return len(json.dumps(dump, separators=(",", ":")))


def test_a_lab_sized_sandbox_after_a_rollout_dumps_under_64_kb() -> None:
    box = Sandbox.new()
    assert box.run("kubectl apply -f -", stdin=WEB % 3)[0] == 0
    assert box.run("kubectl expose deployment web --port 80")[0] == 0
    box.run("sleep 30")
    assert box.run("kubectl set image deployment/web web=nginx:1.28")[0] == 0
    box.run("sleep 60")
    dump = box.dump()
    assert _size(dump) < 64 * 1024
    again = Sandbox.load(json.loads(json.dumps(dump)))
    assert again.dump() == dump
    for line in ("kubectl get events", "kubectl describe deployment web", "kubectl get pods"):
        assert again.run(line) == box.run(line)


def test_sixty_pods_dump_small_and_load_back_exactly() -> None:
    box = Sandbox.new(seed="sixty")
    assert box.run("kubectl apply -f -", stdin=WEB % 60)[0] == 0
    box.run("sleep 60")
    code, out = box.run("kubectl get pods --no-headers")
    assert code == 0 and len(out.splitlines()) == 60
    dump = box.dump()
    # The plain state of 60 Pods is about 500 KB; packed it is a fraction of the load limit.
    assert _size(World.unpack(dump)) > 256 * 1024
    assert _size(dump) < MAX_PACKED_BYTES // 4
    again = Sandbox.load(json.loads(json.dumps(dump)))
    assert again.dump() == dump
    for line in (
        "kubectl scale deployment web --replicas=50",
        "sleep 20",
        "kubectl get pods -o wide",
    ):
        assert again.run(line) == box.run(line)
    assert again.dump() == box.dump()


def test_a_plain_state_from_before_packing_still_loads() -> None:
    box = Sandbox.new()
    box.run("echo hi > b.txt")
    plain = World.unpack(box.dump())
    assert plain["format"] == FORMAT
    again = Sandbox.load(plain)
    assert again.dump() == box.dump()
    assert again.run("cat b.txt") == (0, "hi\n")


def _packed(raw: bytes) -> dict[str, object]:
    return {"format": 2, "state": base64.b64encode(raw).decode()}


def test_load_refuses_a_state_that_inflates_past_the_limit() -> None:
    # A zip bomb: 2 KB packed, far over the limit unpacked; refused without inflating it all.
    bomb = zlib.compress(b'{"format":1,"x":"' + b"a" * (MAX_STATE_BYTES * 4) + b'"}', 9)
    assert len(bomb) < MAX_PACKED_BYTES
    with pytest.raises(SandboxError, match="too large"):
        Sandbox.load(_packed(bomb))


@pytest.mark.parametrize(
    "dump",
    [
        {"format": 2, "state": "not base64 !"},
        {"format": 2, "state": 7},
        _packed(b"not zlib"),
        _packed(zlib.compress(b"[1, 2]")),
        _packed(zlib.compress(b'{"format": 999}')),
        _packed(zlib.compress(b"\xff\xfe")),
    ],
)
def test_load_refuses_damaged_packed_states(dump: dict[str, object]) -> None:
    with pytest.raises(SandboxError, match="not a sandbox state"):
        Sandbox.load(dump)


def test_load_refuses_a_packed_text_over_its_limit() -> None:
    with pytest.raises(SandboxError, match="too large"):
        Sandbox.load({"format": 2, "state": "A" * (MAX_PACKED_BYTES + 4)})
