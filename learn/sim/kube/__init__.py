"""The simulated Kubernetes cluster: API storage and admission, controllers, scheduler, kubelet.

Importing this package registers every part with the clock (learn/sim/clock.py) and the API
store (learn/sim/kube/api.py). See learn/sim/README.md.
"""

from learn.sim.kube import (  # noqa: F401
    admission,
    api,
    authz,
    bootstrap,
    controllers,
    kubelet,
    scheduler,
    validation,
)
