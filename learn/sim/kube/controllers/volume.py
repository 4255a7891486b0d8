"""Storage: kind's default StorageClass, the PersistentVolume controller and kind's
local-path provisioner, order 205 (after the scheduler has picked a node, before the kubelet
mounts).

- A fresh cluster has the StorageClass kind ships: `standard` (default), provisioner
  `rancher.io/local-path`, reclaimPolicy Delete, volumeBindingMode WaitForFirstConsumer.
- Admission, as the API server's plugins do: DefaultStorageClass writes the default class
  into a new claim that names none (`storageClassName: ""` means "no class" and is kept);
  StorageObjectInUseProtection adds the `kubernetes.io/pvc-protection` and
  `kubernetes.io/pv-protection` finalizers.
- Binding (pkg/controller/volume/persistentvolume/pv_controller.go syncUnboundClaim): a
  Pending claim first takes the smallest Available volume of its class whose capacity and
  access modes suffice (a hand-made PV); otherwise, for a class whose provisioner is
  `rancher.io/local-path`, a volume `pvc-<claim uid>` is provisioned: at once for
  Immediate, and for WaitForFirstConsumer once a Pod using the claim is bound to a node
  (before that: event WaitForFirstConsumer, "waiting for first consumer to be created before
  binding"). The volume is pinned to that node by its nodeAffinity, as local-path's is.
  Another provisioner: event ExternalProvisioning, the claim stays Pending; a class that does
  not exist: ProvisioningFailed.
- A volume whose claim is gone is Released; with reclaimPolicy Delete it is deleted (and its
  data with it), with Retain it stays Released.
- A claim being deleted waits, Terminating, while a Pod that has not ended uses it
  (pvc-protection); a volume being deleted waits while it is Bound (pv-protection).

The scheduler asks `volume_binding` (its VolumeBinding plugin): a Pod whose claim does not
exist, or whose claim of an Immediate class is still unbound, stays Pending; one whose claim
is bound to a local volume goes only to that volume's node. Not simulated: volume expansion,
snapshots, and any provisioner but local-path (learn/sim/README.md).
"""

from __future__ import annotations

from typing import Any

from learn.sim import clock
from learn.sim.kube import api, bootstrap, quantity
from learn.sim.kube.api import ApiError, Object, Store, copy_of
from learn.sim.kube.controllers import util
from learn.sim.world import World

COMPONENT = "persistentvolume-controller"
LOCAL_PATH = "rancher.io/local-path"
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
WAIT_MESSAGE = "waiting for first consumer to be created before binding"

Obj = dict[str, Any]


@bootstrap.builder(40)
def _default_storage_class(topology: Any) -> list[dict[str, Any]]:
    """kind's default StorageClass (kind's pkg/cluster/internal/create/actions/installstorage)."""
    return [
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {
                "name": "standard",
                "annotations": {DEFAULT_CLASS_ANNOTATION: "true"},
            },
            "provisioner": LOCAL_PATH,
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "WaitForFirstConsumer",
        }
    ]


def default_class(store: Store) -> Obj | None:
    """GetDefaultClass: of the classes marked default, the newest (then by name)."""
    marked = [
        sc
        for sc in store.list("storageclasses")
        if (sc["metadata"].get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION) == "true"
    ]
    if not marked:
        return None
    marked.sort(
        key=lambda sc: (sc["metadata"].get("creationTimestamp") or "", sc["metadata"]["name"])
    )
    return marked[-1]


@api.admission(20)
def _storage_admission(
    store: Store, operation: str, obj: Object, old: Object | None, user: api.User | None
) -> None:
    if operation != "CREATE":
        return
    kind = obj.get("kind")
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return
    if kind == "PersistentVolumeClaim":
        spec = obj.get("spec")
        if isinstance(spec, dict) and spec.get("storageClassName") is None:
            found = default_class(store)
            if found is not None:
                spec["storageClassName"] = found["metadata"]["name"]
        finalizer = PVC_PROTECTION
    elif kind == "PersistentVolume":
        finalizer = PV_PROTECTION
    else:
        return
    finalizers = meta.get("finalizers")
    if not isinstance(finalizers, list):
        finalizers = []
    if finalizer not in finalizers:
        meta["finalizers"] = [*finalizers, finalizer]


def _request(claim: util.Obj) -> str:
    requests = ((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}
    return str(requests.get("storage") or "0")


def _bytes(text: Any) -> int:
    try:
        return int(quantity.parse_value(str(text)))
    except (ValueError, ArithmeticError):
        return 0


def _claim_pods(pods: list[Any], namespace: str, claim: str) -> list[Any]:
    return [
        p
        for p in pods
        if p["metadata"].get("namespace") == namespace
        and any(
            ((v or {}).get("persistentVolumeClaim") or {}).get("claimName") == claim
            for v in (p.get("spec") or {}).get("volumes") or []
        )
    ]


# --------------------------------------------------------------------------- VolumeBinding

NODE_CONFLICT = "node(s) had volume node affinity conflict"
UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"


def volume_binding(store: Store, pod: util.Obj) -> tuple[str | None, list[Any]]:
    """The scheduler's VolumeBinding plugin (pkg/scheduler/framework/plugins/volumebinding):
    PreFilter's refusal for every node (a claim that does not exist, or an unbound claim of
    an Immediate class), else the required node affinities of the volumes the Pod's bound
    claims hold, which Filter checks on each node."""
    namespace = str(pod["metadata"].get("namespace", "default"))
    terms: list[Any] = []
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        source = (volume or {}).get("persistentVolumeClaim")
        if not isinstance(source, dict):
            continue
        name = str(source.get("claimName", ""))
        claim = store.get("persistentvolumeclaims", namespace, name)
        if claim is None:
            return f'persistentvolumeclaim "{name}" not found', []
        if claim["metadata"].get("deletionTimestamp"):
            return f'persistentvolumeclaim "{name}" is being deleted', []
        volume_name = (claim.get("spec") or {}).get("volumeName")
        if not volume_name:
            class_name = (claim.get("spec") or {}).get("storageClassName")
            sc = store.get("storageclasses", "", str(class_name)) if class_name else None
            if sc is None or (sc.get("volumeBindingMode") or "Immediate") != "WaitForFirstConsumer":
                return UNBOUND_IMMEDIATE, []
            continue
        pv = store.get("persistentvolumes", "", str(volume_name))
        required = (((pv or {}).get("spec") or {}).get("nodeAffinity") or {}).get("required")
        if required:
            terms.append(required)
    return None, terms


def volume_fits(terms: list[Any], node: util.Obj) -> bool:
    from learn.sim.kube import scheduler

    return all(
        scheduler.matches_node_selector(
            {
                "spec": {
                    "affinity": {
                        "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": t}
                    }
                }
            },
            node,
        )
        for t in terms
    )


class _Sync:
    def __init__(self, store: Store):
        self.store = store
        self.world = store.world
        self.changed = False
        self.pods = store.list("pods")
        self.classes = {sc["metadata"]["name"]: sc for sc in store.list("storageclasses")}

    def event(self, obj: util.Obj, reason: str, message: str, type: str = "Normal") -> None:
        if any(
            e["reason"] == reason and e["message"] == message for e in self.store.events_for(obj)
        ):
            return
        self.store.event(obj, type=type, reason=reason, message=message, component=COMPONENT)
        self.changed = True

    def run(self) -> bool:
        for claim in self.store.list("persistentvolumeclaims"):
            if claim["metadata"].get("deletionTimestamp"):
                self.release_claim(claim)
            elif not (claim.get("spec") or {}).get("volumeName"):
                self.bind_claim(claim)
        for volume in self.store.list("persistentvolumes"):
            self.sync_volume(volume)
        return self.changed

    # ------------------------------------------------------------------ claims

    def bind_claim(self, claim: util.Obj) -> None:
        spec = claim.get("spec") or {}
        class_name = str(spec.get("storageClassName") or "")
        volume = self.matching_volume(claim, class_name)
        if volume is None and class_name:
            sc = self.classes.get(class_name)
            if sc is None:
                self.event(
                    claim,
                    "ProvisioningFailed",
                    f'storageclass.storage.k8s.io "{class_name}" not found',
                    "Warning",
                )
                return
            volume = self.provision(claim, sc)
        if volume is not None:
            self.bind(claim, volume)
        elif not class_name:
            self.event(
                claim,
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
                "Warning",
            )

    def matching_volume(self, claim: util.Obj, class_name: str) -> util.Obj | None:
        """findBestMatchForClaim: the smallest Available volume that fits."""
        spec = claim.get("spec") or {}
        wanted = _bytes(_request(claim))
        modes = set(spec.get("accessModes") or [])
        best: util.Obj | None = None
        for pv in self.store.list("persistentvolumes"):
            pv_spec = pv.get("spec") or {}
            if (pv.get("status") or {}).get("phase", "Available") != "Available":
                continue
            if pv["metadata"].get("deletionTimestamp") or pv_spec.get("claimRef"):
                ref = pv_spec.get("claimRef") or {}
                if not (
                    ref.get("name") == claim["metadata"]["name"]
                    and ref.get("namespace") == claim["metadata"]["namespace"]
                ):
                    continue
            if str(pv_spec.get("storageClassName") or "") != class_name:
                continue
            if not modes <= set(pv_spec.get("accessModes") or []):
                continue
            size = _bytes((pv_spec.get("capacity") or {}).get("storage"))
            if size < wanted:
                continue
            if best is None or size < _bytes(best["spec"]["capacity"]["storage"]):
                best = pv
        return best

    def provision(self, claim: util.Obj, sc: util.Obj) -> util.Obj | None:
        meta = claim["metadata"]
        provisioner = str(sc.get("provisioner", ""))
        node = ""
        if (sc.get("volumeBindingMode") or "Immediate") == "WaitForFirstConsumer":
            consumers = [
                p
                for p in _claim_pods(self.pods, meta["namespace"], meta["name"])
                if util.is_pod_active(p) and (p.get("spec") or {}).get("nodeName")
            ]
            if not consumers:
                self.event(claim, "WaitForFirstConsumer", WAIT_MESSAGE)
                return None
            node = str(consumers[0]["spec"]["nodeName"])
        # provisionClaim is delayed until a node is selected; only then does the controller
        # hand the claim to an external provisioner.
        if provisioner != LOCAL_PATH:
            self.event(
                claim,
                "ExternalProvisioning",
                f"Waiting for a volume to be created either by the external provisioner "
                f"'{provisioner}' or manually by the system administrator. If volume creation "
                f"is delayed, please verify that the provisioner is running and correctly "
                f"registered.",
            )
            return None
        self.event(
            claim,
            "Provisioning",
            f'External provisioner is provisioning volume for claim "{meta["namespace"]}/{meta["name"]}"',
        )
        name = f"pvc-{meta['uid']}"
        pv_spec: Obj = {
            "accessModes": list((claim.get("spec") or {}).get("accessModes") or []),
            "capacity": {"storage": _request(claim)},
            "claimRef": {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "name": meta["name"],
                "namespace": meta["namespace"],
                "uid": meta["uid"],
            },
            "hostPath": {
                "path": f"/var/local-path-provisioner/{name}_{meta['namespace']}_{meta['name']}",
                "type": "DirectoryOrCreate",
            },
            "persistentVolumeReclaimPolicy": str(sc.get("reclaimPolicy") or "Delete"),
            "storageClassName": sc["metadata"]["name"],
            "volumeMode": str((claim.get("spec") or {}).get("volumeMode") or "Filesystem"),
        }
        annotations = {"pv.kubernetes.io/provisioned-by": LOCAL_PATH}
        if node:
            annotations["local.path.provisioner/selected-node"] = node
            pv_spec["nodeAffinity"] = {
                "required": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {
                                    "key": "kubernetes.io/hostname",
                                    "operator": "In",
                                    "values": [node],
                                }
                            ]
                        }
                    ]
                }
            }
        try:
            pv = self.store.create(
                {
                    "apiVersion": "v1",
                    "kind": "PersistentVolume",
                    "metadata": {"name": name, "annotations": annotations},
                    "spec": pv_spec,
                }
            )
        except ApiError as exc:
            self.event(claim, "ProvisioningFailed", exc.message, "Warning")
            return None
        self.event(
            claim,
            "ProvisioningSucceeded",
            f"Successfully provisioned volume {name}",
        )
        if node:
            fresh = self.store.get("persistentvolumeclaims", meta["namespace"], meta["name"])
            if fresh is not None:
                annotated = copy_of(fresh)
                annotated["metadata"].setdefault("annotations", {})[SELECTED_NODE] = node
                self.store.update(annotated)
        self.changed = True
        return pv

    def bind(self, claim: util.Obj, pv: util.Obj) -> None:
        meta = claim["metadata"]
        bound_pv = copy_of(pv)
        bound_pv["spec"]["claimRef"] = {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "name": meta["name"],
            "namespace": meta["namespace"],
            "uid": meta["uid"],
        }
        bound_pv = self.store.update(bound_pv)
        bound_pv = copy_of(bound_pv)
        bound_pv["status"] = {"phase": "Bound"}
        self.store.update_status(bound_pv)
        fresh = self.store.get("persistentvolumeclaims", meta["namespace"], meta["name"])
        if fresh is None:
            return
        new = copy_of(fresh)
        annotations = new["metadata"].setdefault("annotations", {})
        annotations["pv.kubernetes.io/bind-completed"] = "yes"
        annotations["pv.kubernetes.io/bound-by-controller"] = "yes"
        provisioned_by = (pv["metadata"].get("annotations") or {}).get(
            "pv.kubernetes.io/provisioned-by"
        )
        if provisioned_by:
            annotations["volume.beta.kubernetes.io/storage-provisioner"] = provisioned_by
            annotations["volume.kubernetes.io/storage-provisioner"] = provisioned_by
        new["spec"]["volumeName"] = pv["metadata"]["name"]
        new = copy_of(self.store.update(new))
        new["status"] = {
            "phase": "Bound",
            "accessModes": list(pv["spec"].get("accessModes") or []),
            "capacity": dict(pv["spec"].get("capacity") or {}),
        }
        self.store.update_status(new)
        self.changed = True

    def release_claim(self, claim: util.Obj) -> None:
        """The pvc-protection controller: drop the finalizer once no live Pod uses it."""
        meta = claim["metadata"]
        if PVC_PROTECTION not in (meta.get("finalizers") or []):
            return
        users = [
            p
            for p in _claim_pods(self.pods, meta["namespace"], meta["name"])
            if (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
        ]
        if users:
            return
        new = copy_of(claim)
        new["metadata"]["finalizers"] = [f for f in meta["finalizers"] if f != PVC_PROTECTION]
        self.store.update(new)
        self.changed = True

    # ------------------------------------------------------------------ volumes

    def sync_volume(self, pv: util.Obj) -> None:
        meta, spec = pv["metadata"], pv.get("spec") or {}
        phase = (pv.get("status") or {}).get("phase")
        if meta.get("deletionTimestamp"):
            if phase != "Bound" and PV_PROTECTION in (meta.get("finalizers") or []):
                new = copy_of(pv)
                new["metadata"]["finalizers"] = [
                    f for f in meta["finalizers"] if f != PV_PROTECTION
                ]
                self.store.update(new)
                self.changed = True
            return
        ref = spec.get("claimRef")
        if not ref:
            if phase is None:
                self.set_phase(pv, "Available")
            return
        claim = self.store.get(
            "persistentvolumeclaims", str(ref.get("namespace", "")), str(ref.get("name", ""))
        )
        if claim is not None and (not ref.get("uid") or claim["metadata"]["uid"] == ref["uid"]):
            if phase is None:
                # A PV made by hand for one claim (claimRef set): the claim picks it up.
                self.set_phase(pv, "Available")
            return
        if phase == "Bound" or phase is None:
            pv = self.set_phase(pv, "Released")
        if spec.get("persistentVolumeReclaimPolicy", "Retain") == "Delete":
            self.delete_volume(pv, ref)

    def set_phase(self, pv: util.Obj, phase: str) -> util.Obj:
        new = copy_of(pv)
        new["status"] = {"phase": phase}
        self.changed = True
        return self.store.update_status(new)

    def delete_volume(self, pv: util.Obj, ref: util.Obj) -> None:
        """The provisioner's Delete: the volume and the data on it go."""
        try:
            self.store.delete("persistentvolumes", "", pv["metadata"]["name"])
        except ApiError:
            return
        volumes = (self.world.state.get("kubelet") or {}).get("volumes") or {}
        volumes.pop(f"{ref.get('namespace', '')}/{ref.get('name', '')}", None)
        self.changed = True


@clock.reconciler(205)
@util.skip_when_idle("volume")
def reconcile(world: World) -> bool:
    store = Store.of(world)
    objects = store._state["objects"]
    # Cheap first look: claims and volumes are never baseline objects.
    if not any(k.startswith(("persistentvolumeclaims/", "persistentvolumes//")) for k in objects):
        return False
    return _Sync(store).run()
