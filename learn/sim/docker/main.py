"""Entry point of the simulated docker CLI (being built: see learn/sim/README.md)."""

from __future__ import annotations

from learn.sim.commandline import Result
from learn.sim.world import World


def main(world: World, args: list[str], stdin: str | None) -> Result:
    return Result(1, "", "docker: not simulated yet in this build\n")
