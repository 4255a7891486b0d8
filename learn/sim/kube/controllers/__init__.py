"""The controllers of kube-controller-manager, as reconcilers on the simulated clock.

Orders (lower runs first within a round): deployment 100, replicaset 110, job 120, endpointslice
150, node lifecycle 170, namespace 180, garbage collector 190. Importing this package registers them
(learn/sim/kube/__init__.py does).
"""

from learn.sim.kube.controllers import (
    deployment,
    endpointslice,
    gc,
    job,
    namespace,
    node,
    replicaset,
)

__all__ = ["deployment", "endpointslice", "gc", "job", "namespace", "node", "replicaset"]
