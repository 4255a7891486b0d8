"""Storage in a sandbox: kind's default StorageClass, dynamic provisioning with
WaitForFirstConsumer, binding a hand-made PersistentVolume, reclaim, and the printers.

Expected values from:
- kind (kubernetes-sigs/kind, pkg/cluster/internal/create/actions/installstorage): the
  default class `standard`, provisioner rancher.io/local-path, reclaimPolicy Delete,
  volumeBindingMode WaitForFirstConsumer, annotation storageclass.kubernetes.io/is-default-class;
- kubernetes/kubernetes pkg/controller/volume/persistentvolume/pv_controller.go and its
  binder_test.go / provision_test.go (a claim binds to the smallest Available volume that
  fits, "1-1 - successful bind"; provisioning of a claim with a class; the volume of a
  deleted claim is Released, then deleted under reclaimPolicy Delete; the
  pv.kubernetes.io/bind-completed and bound-by-controller annotations);
- pkg/controller/volume/pvcprotection (kubernetes.io/pvc-protection keeps a claim in use);
- plugin/pkg/admission/storage/storageclass/setdefault/admission_test.go (a claim with no
  class gets the default one; `storageClassName: ""` keeps none);
- pkg/printers/internalversion/printers.go (printPersistentVolumeClaim,
  printPersistentVolume, printStorageClass columns).
"""

from __future__ import annotations

from typing import Any

import yaml

from learn.sim import Sandbox
from learn.sim.kube.api import Store


def _claim(name: str = "data", size: str = "1Gi", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": size}},
            **spec,
        },
    }


def _pod(claim: str = "data", name: str = "db") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {
            "containers": [
                {
                    "name": "db",
                    "image": "busybox:1.36",
                    "command": ["sleep", "3600"],
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                }
            ],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}],
        },
    }


def _apply(box: Sandbox, obj: dict[str, Any]) -> None:
    code, out = box.run("kubectl apply -f -", stdin=yaml.safe_dump(obj))
    assert code == 0, out


def _get(box: Sandbox, resource: str, name: str, namespace: str = "default") -> Any:
    return Store.of(box.world).get(resource, namespace, name)


def test_a_fresh_cluster_has_kinds_default_storage_class() -> None:
    box = Sandbox.new()
    code, out = box.run("kubectl get storageclass")
    assert code == 0
    assert out.splitlines() == [
        "NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE",
        "standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  2m",
    ]


def test_a_claim_waits_for_its_first_consumer_then_binds_to_a_new_volume() -> None:
    box = Sandbox.new()
    _apply(box, _claim())
    box.run("sleep 20")
    claim = _get(box, "persistentvolumeclaims", "data")
    assert claim["spec"]["storageClassName"] == "standard"
    assert claim["status"].get("phase") == "Pending"
    assert [(e["reason"], e["message"]) for e in Store.of(box.world).events_for(claim)] == [
        ("WaitForFirstConsumer", "waiting for first consumer to be created before binding")
    ]
    assert box.run("kubectl get pv") == (0, "No resources found\n")

    _apply(box, _pod())
    box.run("sleep 10")
    claim = _get(box, "persistentvolumeclaims", "data")
    pod = _get(box, "pods", "db")
    volume_name = f"pvc-{claim['metadata']['uid']}"
    assert claim["status"] == {
        "phase": "Bound",
        "accessModes": ["ReadWriteOnce"],
        "capacity": {"storage": "1Gi"},
    }
    assert claim["spec"]["volumeName"] == volume_name
    annotations = claim["metadata"]["annotations"]
    assert annotations["pv.kubernetes.io/bind-completed"] == "yes"
    assert annotations["volume.kubernetes.io/selected-node"] == pod["spec"]["nodeName"]
    assert annotations["volume.kubernetes.io/storage-provisioner"] == "rancher.io/local-path"
    pv = _get(box, "persistentvolumes", volume_name, "")
    assert pv["status"]["phase"] == "Bound"
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"] == [
        {"key": "kubernetes.io/hostname", "operator": "In", "values": [pod["spec"]["nodeName"]]}
    ]
    assert pod["status"]["phase"] == "Running"

    code, out = box.run("kubectl get pvc")
    assert out.splitlines() == [
        "NAME   STATUS   VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE",
        f"data   Bound    {volume_name}   1Gi        RWO            standard       <unset>                 30s",
    ]
    code, out = box.run("kubectl get pv")
    assert out.splitlines() == [
        "NAME                                       CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM          STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE",
        f"{volume_name}   1Gi        RWO            Delete           Bound    default/data   standard       <unset>                          10s",
    ]


def test_a_claim_in_use_stays_terminating_and_its_volume_goes_with_it() -> None:
    box = Sandbox.new()
    _apply(box, _claim())
    _apply(box, _pod())
    box.run("sleep 10")
    volume_name = _get(box, "persistentvolumeclaims", "data")["spec"]["volumeName"]
    box.run("kubectl delete pvc data --wait=false")
    box.run("sleep 5")
    claim = _get(box, "persistentvolumeclaims", "data")
    assert claim["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    assert box.run("kubectl get pvc")[1].splitlines()[1].split()[1] == "Terminating"
    box.run("kubectl delete pod db")
    box.run("sleep 40")
    assert _get(box, "persistentvolumeclaims", "data") is None
    # reclaimPolicy Delete: the provisioned volume (and the data on it) is gone too.
    assert _get(box, "persistentvolumes", volume_name, "") is None


def test_a_hand_made_volume_binds_the_smallest_that_fits_and_retain_keeps_it_released() -> None:
    box = Sandbox.new()
    for name, size in (("big", "10Gi"), ("small", "2Gi"), ("tiny", "500Mi")):
        _apply(
            box,
            {
                "apiVersion": "v1",
                "kind": "PersistentVolume",
                "metadata": {"name": name},
                "spec": {
                    "capacity": {"storage": size},
                    "accessModes": ["ReadWriteOnce"],
                    "persistentVolumeReclaimPolicy": "Retain",
                    "storageClassName": "manual",
                    "hostPath": {"path": f"/mnt/{name}"},
                },
            },
        )
    box.run("sleep 1")
    assert _get(box, "persistentvolumes", "small", "")["status"]["phase"] == "Available"
    _apply(box, _claim(size="1Gi", storageClassName="manual"))
    box.run("sleep 1")
    claim = _get(box, "persistentvolumeclaims", "data")
    assert claim["spec"]["volumeName"] == "small"
    # The claim reports the volume's capacity, not its own request.
    assert claim["status"]["capacity"] == {"storage": "2Gi"}
    box.run("kubectl delete pvc data")
    box.run("sleep 5")
    small = _get(box, "persistentvolumes", "small", "")
    assert small["status"]["phase"] == "Released"
    assert box.run("kubectl get pv small")[1].splitlines()[1].split()[4] == "Released"


def test_an_empty_class_name_keeps_no_class_and_waits_for_a_volume() -> None:
    box = Sandbox.new()
    _apply(box, _claim(storageClassName=""))
    box.run("sleep 5")
    claim = _get(box, "persistentvolumeclaims", "data")
    assert claim["spec"]["storageClassName"] == ""
    assert claim["status"]["phase"] == "Pending"


def test_a_missing_class_and_a_foreign_provisioner_leave_the_claim_pending() -> None:
    box = Sandbox.new()
    _apply(box, _claim("fast", storageClassName="fast"))
    _apply(
        box,
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "ebs"},
            "provisioner": "ebs.csi.aws.com",
            "volumeBindingMode": "Immediate",
        },
    )
    _apply(box, _claim("cloud", storageClassName="ebs"))
    box.run("sleep 5")
    store = Store.of(box.world)
    fast = _get(box, "persistentvolumeclaims", "fast")
    assert [(e["type"], e["reason"], e["message"]) for e in store.events_for(fast)] == [
        ("Warning", "ProvisioningFailed", 'storageclass.storage.k8s.io "fast" not found')
    ]
    cloud = _get(box, "persistentvolumeclaims", "cloud")
    assert cloud["status"]["phase"] == "Pending"
    assert [e["reason"] for e in store.events_for(cloud)] == ["ExternalProvisioning"]


def test_immediate_local_path_class_provisions_without_a_pod_and_round_trips() -> None:
    box = Sandbox.new()
    _apply(
        box,
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "now"},
            "provisioner": "rancher.io/local-path",
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "Immediate",
        },
    )
    _apply(box, _claim(storageClassName="now"))
    box.run("sleep 1")
    box = Sandbox.load(box.dump())
    assert _get(box, "persistentvolumeclaims", "data")["status"]["phase"] == "Bound"
    assert box.run("kubectl get sc now")[1].splitlines()[1].split()[:4] == [
        "now",
        "rancher.io/local-path",
        "Delete",
        "Immediate",
    ]


# pkg/scheduler/framework/plugins/volumebinding/volume_binding.go (PreFilter: a missing
# claim is UnschedulableAndUnresolvable; Filter: ErrReasonNodeConflict "node(s) had volume
# node affinity conflict") and pkg/scheduler/framework/types.go FitError.Error() (a PreFilter
# message is said once, then DefaultPreemption's).
def test_a_pod_whose_claim_does_not_exist_stays_pending_until_it_does() -> None:
    box = Sandbox.new()
    _apply(box, _pod())
    box.run("sleep 5")
    pod = _get(box, "pods", "db")
    assert not pod["spec"].get("nodeName")
    assert [e["message"] for e in Store.of(box.world).events_for(pod)] == [
        '0/3 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/3 '
        "nodes are available: 3 Preemption is not helpful for scheduling."
    ]
    _apply(box, _claim())
    box.run("sleep 10")
    assert _get(box, "pods", "db")["status"]["phase"] == "Running"
    assert _get(box, "persistentvolumeclaims", "data")["status"]["phase"] == "Bound"


def test_a_pod_of_a_bound_local_volume_goes_back_to_that_node() -> None:
    box = Sandbox.new()
    _apply(box, _claim())
    _apply(box, _pod())
    box.run("sleep 10")
    node = _get(box, "pods", "db")["spec"]["nodeName"]
    other = "kind-worker" if node == "kind-worker2" else "kind-worker2"
    box.run("kubectl delete pod db")
    box.run("sleep 35")
    box.run(f"kubectl cordon {node}")
    _apply(box, _pod())
    box.run("sleep 5")
    pod = _get(box, "pods", "db")
    assert not pod["spec"].get("nodeName")
    # The control plane's taint, the cordon, and the volume's node affinity on the other worker.
    assert (
        Store.of(box.world)
        .events_for(pod)[-1]["message"]
        .startswith(
            "0/3 nodes are available: 1 node(s) had untolerated taint "
            "{node-role.kubernetes.io/control-plane: }, 1 node(s) had volume node affinity "
            "conflict, 1 node(s) were unschedulable."
        )
    )
    assert other != node
    box.run(f"kubectl uncordon {node}")
    box.run("sleep 10")
    assert _get(box, "pods", "db")["spec"]["nodeName"] == node


def test_a_wait_for_first_consumer_class_waits_before_naming_its_external_provisioner() -> None:
    # pv_controller.go: provisionClaim is skipped until the claim has a selected node.
    box = Sandbox.new()
    _apply(
        box,
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "fast"},
            "provisioner": "ebs.csi.aws.com",
            "volumeBindingMode": "WaitForFirstConsumer",
        },
    )
    _apply(box, _claim(storageClassName="fast"))
    box.run("sleep 40")
    claim = _get(box, "persistentvolumeclaims", "data")
    assert [e["reason"] for e in Store.of(box.world).events_for(claim)] == ["WaitForFirstConsumer"]
    assert box.run("kubectl get pvc")[1].splitlines() == [
        "NAME   STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE",
        "data   Pending                                      fast           <unset>                 40s",
    ]
