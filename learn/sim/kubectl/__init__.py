"""kubectl: command parsing, the commands, and kubectl's printers (tables, describe, yaml/json).

Registers the `kubectl` program with learn/sim/commandline.py.
"""

from __future__ import annotations

from learn.sim.commandline import Result, program
from learn.sim.world import World


@program("kubectl")
def kubectl(world: World, argv: list[str], stdin: str | None) -> Result:
    from learn.sim.kubectl.main import main

    return main(world, argv[1:], stdin)
