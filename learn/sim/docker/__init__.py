"""The simulated Docker host: engine (build cache, images, containers, networks, volumes),
registry push/pull, and Docker Compose v2.

Registers the `docker` program with learn/sim/commandline.py.
"""

from __future__ import annotations

from learn.sim.commandline import Result, program
from learn.sim.world import World


@program("docker")
def docker(world: World, argv: list[str], stdin: str | None) -> Result:
    from learn.sim.docker.main import main

    return main(world, argv[1:], stdin)
