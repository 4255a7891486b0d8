"""Solutions and wrong approaches for the storage and DaemonSet sandbox tasks of module 06
(lessons/06-running-apps/01-persistent-storage.md, 02-jobs-and-daemonsets.md); test_tasks.py
plays them with the other tasks'."""

from __future__ import annotations

from typing import Any

SHIPPER_DS = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-shipper
spec:
  selector:
    matchLabels:
      app: log-shipper
  template:
    metadata:
      labels:
        app: log-shipper
    spec:
      containers:
        - name: shipper
          image: fluent/fluent-bit:4.0.3
          resources:
            requests:
              cpu: 50m
              memory: 64Mi
"""

SHIPPER_TOLERATING = SHIPPER_DS.replace(
    "    spec:\n      containers:",
    "    spec:\n      tolerations:\n        - key: node-role.kubernetes.io/control-plane\n"
    "          operator: Exists\n          effect: NoSchedule\n      containers:",
)

SOLUTIONS: dict[str, list[Any]] = {
    # WaitForFirstConsumer: the claim binds once a Pod using it is scheduled, to a volume
    # pvc-<uid> the provisioner makes on that node (kubernetes/kubernetes
    # pkg/controller/volume/persistentvolume/pv_controller.go; kind's standard StorageClass).
    "m6-sandbox-claim-binds": [
        "kubectl get pvc",
        "kubectl get events",
        "kubectl apply -f db.yaml",
        "sleep 15",
        "kubectl get pvc,pv",
    ],
    # NodeShouldRunDaemonPod: a Pod that does not tolerate the control-plane taint is not
    # wanted there (kubernetes/kubernetes pkg/controller/daemon/daemon_controller.go).
    "m6-sandbox-daemonset-nodes": [
        "kubectl get ds",
        "kubectl get pods -o wide",
        "kubectl describe node kind-control-plane",
        ("put", "shipper.yaml", SHIPPER_TOLERATING),
        "kubectl apply -f shipper.yaml",
        "kubectl rollout status ds/log-shipper",
    ],
}

WRONG: dict[str, tuple[str, list[Any]]] = {
    # Recreating the claim does not bind it: it still waits for a consumer.
    "m6-sandbox-claim-binds": (
        "The claim data is Bound to a volume",
        [
            "kubectl delete pvc data",
            "kubectl apply -f claim.yaml",
            "sleep 60",
        ],
    ),
    # Cordoning or uncordoning changes nothing: the taint, not a cordon, keeps it off.
    "m6-sandbox-daemonset-nodes": (
        "The DaemonSet wants a Pod on all three nodes",
        [
            "kubectl uncordon kind-control-plane",
            "kubectl apply -f shipper.yaml",
            "sleep 30",
        ],
    ),
}
