"""The controllers of kube-controller-manager, as reconcilers on the simulated clock.

Orders (lower runs first within a round): deployment 100, replicaset 110, daemonset 115, statefulset
118, job 120, hpa 130, endpointslice 150, node lifecycle 170, namespace 180, garbage collector 190,
volume (PersistentVolume controller and local-path provisioner) 205, after the scheduler's
200. Importing this package registers them (learn/sim/kube/__init__.py does).
"""

from learn.sim.kube.controllers import (
    daemonset,
    deployment,
    endpointslice,
    gc,
    hpa,
    job,
    namespace,
    node,
    replicaset,
    statefulset,
    volume,
)

__all__ = [
    "daemonset",
    "deployment",
    "endpointslice",
    "gc",
    "hpa",
    "job",
    "namespace",
    "node",
    "replicaset",
    "statefulset",
    "volume",
]
