"""A deterministic, in-process simulation of a Docker host and a Kubernetes cluster.

The one facade the labs, the terminal and outside checks use (a contract: keep it):

    from learn.sim import Sandbox
    box = Sandbox.new()                               # cluster + Docker host, clock at 0
    box.put("web.yaml", text)                         # a file in the working directory
    code, out = box.run("kubectl apply -f web.yaml")  # one command line -> (exit code, output)
    code, out = box.run("kubectl apply -f -", stdin=text)
    box.run("sleep 30")                               # time passes; controllers act meanwhile
    box = Sandbox.load(box.dump())                    # JSON-serialisable, exact round trip

learn/sim/README.md explains the parts and what is deliberately not simulated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from learn.sim import clock, commandline, files
from learn.sim.world import (
    MAX_COMMAND_BYTES,
    MAX_OUTPUT_BYTES,
    MAX_STDIN_BYTES,
    SandboxError,
    World,
    new_state,
)

__all__ = ["Sandbox", "SandboxError"]

MAX_LOG = 200


def _load_subsystems() -> None:
    """Import the parts that register programs, timers and controllers (once)."""
    from learn.sim import docker, kube, kubectl  # noqa: F401


class Sandbox:
    """One learner's cluster and Docker host. Cheap to create, dump and load."""

    def __init__(self, world: World) -> None:
        _load_subsystems()
        self.world = world

    # ------------------------------------------------------------------ creating

    @classmethod
    def new(
        cls,
        *,
        seed: str = "sandbox",
        nodes: Sequence[Mapping[str, Any]] | None = None,
        images: Mapping[str, Any] | None = None,
        files: Mapping[str, str] | None = None,
    ) -> Sandbox:
        """A fresh sandbox at simulated time 0.

        `nodes`: the cluster's worker nodes (see learn/sim/kube/bootstrap.py for the keys);
        by default a kind-like cluster of one control plane and two workers.
        `images`: the task's own images (learn/sim/images.py, "task images").
        `files`: the working directory's starting files.
        """
        _load_subsystems()
        from learn.sim.docker import bootstrap as docker_bootstrap
        from learn.sim.kube import bootstrap as kube_bootstrap

        world = World(new_state(seed=seed))
        world.state["images"] = json.loads(json.dumps(dict(images or {})))
        kube_bootstrap.bootstrap(world, nodes=nodes)
        docker_bootstrap.bootstrap(world)
        box = cls(world)
        for path, text in (files or {}).items():
            box.put(path, text)
        clock.settle(world)
        return box

    # ------------------------------------------------------------------ files

    def put(self, path: str, text: str) -> None:
        """Write a file in the working directory (raises SandboxError with the reason)."""
        try:
            files.write_file(self.world, path, text)
        except files.FileError as exc:
            raise SandboxError(str(exc)) from None

    def file(self, path: str) -> str | None:
        return files.read_file(self.world, path)

    @property
    def files(self) -> dict[str, str]:
        return dict(self.world.files())

    # ------------------------------------------------------------------ running

    def run(self, line: str, *, stdin: str | None = None) -> tuple[int, str]:
        """Run one command line as the cluster's admin; returns (exit code, output)."""
        if not isinstance(line, str):
            raise SandboxError("a command line is text")
        if len(line.encode()) > MAX_COMMAND_BYTES:
            return (
                2,
                f"sh: command too long (the sandbox takes at most {MAX_COMMAND_BYTES} bytes)\n",
            )
        if stdin is not None and len(stdin.encode()) > MAX_STDIN_BYTES:
            return 1, f"sh: input too large (the sandbox takes at most {MAX_STDIN_BYTES} bytes)\n"
        if "\x00" in line or (stdin is not None and "\x00" in stdin):
            return 2, "sh: NUL bytes are not allowed\n"
        line = line.strip()
        if not line or line.startswith("#"):
            return 0, ""
        started = self.world.now
        result = commandline.run_line(self.world, line, stdin)
        clock.settle(self.world)
        out = result.output
        if len(out.encode()) > MAX_OUTPUT_BYTES:
            out = out.encode()[:MAX_OUTPUT_BYTES].decode(errors="ignore")
            out = out[: out.rfind("\n") + 1]
            out += f"[output cut: the sandbox shows at most {MAX_OUTPUT_BYTES // 1024} KB per command]\n"
        log = self.world.state["log"]
        log.append([started, line, result.code])
        del log[:-MAX_LOG]
        return result.code, out

    def advance(self, seconds: float) -> None:
        """Let simulated time pass without a command (the terminal passes real time this way)."""
        clock.advance(self.world, round(max(0.0, float(seconds)) * 1000))

    @property
    def now(self) -> float:
        """Simulated seconds since the sandbox was created."""
        return self.world.now_seconds

    # ------------------------------------------------------------------ state

    def dump(self) -> dict[str, Any]:
        """The whole state, JSON-serialisable; `Sandbox.load(dump)` restores it exactly."""
        return self.world.dump()

    @classmethod
    def load(cls, state: Any) -> Sandbox:
        return cls(World.load(state))
