"""A fresh Docker host: no images, no containers, the three default networks."""

from __future__ import annotations

from learn.sim.world import World


def bootstrap(world: World) -> None:
    world.state["docker"] = {}
