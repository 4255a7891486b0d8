"""What the API server does to an object between decoding it and storing it, besides validation.

In the order the real API server runs them (validation is learn/sim/kube/validation.py):

1. Scheme defaulting (order 10), as the generated defaulters call the SetDefaults_* functions
   of pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go and pkg/apis/batch/v1/
   defaults.go, plus the `+default=` markers of k8s.io/api (a container port's protocol):
   Pods, Pod templates, containers, probes, volumes, Services, Deployments, ReplicaSets,
   StatefulSets, DaemonSets, Jobs, Secrets, ConfigMaps, Namespaces. Resource quantities are
   rounded up to 1m and written in their canonical form (SetDefaults_ResourceList).
2. Mutating admission plugins, Pods only, on CREATE:
   - ServiceAccount (order 30): serviceAccountName `default`, the referenced ServiceAccount must
     exist (`error looking up service account ...`), the projected `kube-api-access-xxxxx` token
     volume mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount in every
     container, image pull secrets copied from the ServiceAccount;
   - DefaultTolerationSeconds (order 40): `node.kubernetes.io/not-ready` and `unreachable`
     NoExecute tolerations for 300 s unless the Pod tolerates them already (also on UPDATE);
   - Priority (order 50): priority from the PriorityClass (0 without one), preemptionPolicy.
3. The registry strategies' PrepareForCreate (order 60): a new Pod's status is `Pending` with
   its QoS class; Deployments, ReplicaSets, Jobs start with an empty status; a Job gets its
   generated selector and labels (`batch.kubernetes.io/controller-uid`); a Service gets a
   cluster IP from 10.96.0.0/16 and node ports from 30000-32767, kept on update
   (patchAllocatedValues).

The serviceaccounts controller and root-ca-cert-publisher also live here, because the
ServiceAccount plugin depends on them: every namespace gets a `default` ServiceAccount and the
`kube-root-ca.crt` ConfigMap (in the bootstrap data for the namespaces a cluster starts with,
by a reconciler for new ones).

4. PodSecurity (order 950, after validation, as a validating plugin): learn/sim/kube/podsecurity.py.

Not simulated: LimitRanger and ResourceQuota admission (LimitRange and ResourceQuota objects
are stored but not enforced), webhooks.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Any

from learn.sim import clock
from learn.sim.kube import api, bootstrap
from learn.sim.kube import quantity as q
from learn.sim.world import World

Object = dict[str, Any]

DEFAULT_SA = "default"
TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"  # noqa: S105
TOKEN_VOLUME_PREFIX = "kube-api-access-"  # noqa: S105
# serviceaccount.WarnOnlyBoundTokenExpirationSeconds: what the admission plugin requests.
TOKEN_EXPIRATION_SECONDS = 3607
ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
DEFAULT_TOLERATION_SECONDS = 300
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
# The priority classes every cluster has (pkg/apis/scheduling: SystemPriorityClasses).
SYSTEM_PRIORITY_CLASSES = {
    "system-node-critical": 2000001000,
    "system-cluster-critical": 2000000000,
}
CONTROLLER_UID = "batch.kubernetes.io/controller-uid"
JOB_NAME = "batch.kubernetes.io/job-name"
SERVICE_PREFIX = "10.96."
NODE_PORT_MIN, NODE_PORT_MAX = 30000, 32767

_TEMPLATED = {
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "ReplicationController",
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# --------------------------------------------------------------------------- 1. defaulting


def image_tag(image: str) -> str:
    """The tag parsers.ParseImageName finds: "latest" when none is given (digests aside)."""
    if "@" in image:
        return ""
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        return last.rsplit(":", 1)[1]
    return "latest"


def _resource_list(resources: Any) -> None:
    """SetDefaults_ResourceList: round every quantity up to 1m; the stored text is canonical."""
    if not isinstance(resources, dict):
        return
    for key in sorted(resources):
        value = resources[key]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            continue
        try:
            parsed = q.parse(str(value).strip())
        except q.QuantityError:
            continue  # the decoder refused it already (validation.py); never raise here
        milli = parsed.value * 1000
        if milli.denominator != 1:
            parsed = q.Quantity(Fraction(q._ceil(milli), 1000), parsed.format)
        resources[key] = str(parsed)


def _probe(probe: Any) -> None:
    """SetDefaults_Probe (a zero is as good as unset) and SetDefaults_HTTPGetAction."""
    if not isinstance(probe, dict):
        return
    for key, value in (
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ):
        if not probe.get(key):
            probe[key] = value
    _handler(probe)


def _handler(handler: Any) -> None:
    """SetDefaults_HTTPGetAction, for probes and lifecycle hooks."""
    if isinstance(handler, dict) and isinstance(handler.get("httpGet"), dict):
        http = handler["httpGet"]
        if not http.get("path"):
            http["path"] = "/"
        if not http.get("scheme"):
            http["scheme"] = "HTTP"


def _container(container: Any) -> None:
    if not isinstance(container, dict):
        return
    image = container.get("image")
    if not container.get("imagePullPolicy"):
        tag = image_tag(image) if isinstance(image, str) else ""
        container["imagePullPolicy"] = "Always" if tag == "latest" else "IfNotPresent"
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    if not container["terminationMessagePath"]:
        container["terminationMessagePath"] = "/dev/termination-log"
    if not container["terminationMessagePolicy"]:
        container["terminationMessagePolicy"] = "File"
    for port in _list(container.get("ports")):
        if isinstance(port, dict) and not port.get("protocol"):
            port["protocol"] = "TCP"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        _probe(container.get(probe))
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        _handler(lifecycle.get("postStart"))
        _handler(lifecycle.get("preStop"))
    resources = container.get("resources")
    if resources is None:
        container["resources"] = {}
    elif isinstance(resources, dict):
        _resource_list(resources.get("requests"))
        _resource_list(resources.get("limits"))
    for env in _list(container.get("env")):
        field = _dict(_dict(env).get("valueFrom")).get("fieldRef")
        if isinstance(field, dict):
            field.setdefault("apiVersion", "v1")


def _volume(volume: Any) -> None:
    if not isinstance(volume, dict):
        return
    sources = [k for k in volume if k != "name"]
    if not sources:
        volume["emptyDir"] = {}
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        source = volume.get(key)
        if isinstance(source, dict) and source.get("defaultMode") is None:
            source["defaultMode"] = 420  # 0644
    projected = volume.get("projected")
    if isinstance(projected, dict):
        for source in _list(projected.get("sources")):
            token = _dict(source).get("serviceAccountToken")
            if isinstance(token, dict):
                token.setdefault("expirationSeconds", 3600)
            for item in _list(_dict(_dict(source).get("downwardAPI")).get("items")):
                field = _dict(item).get("fieldRef")
                if isinstance(field, dict):
                    field.setdefault("apiVersion", "v1")
    for item in _list(_dict(volume.get("downwardAPI")).get("items")):
        field = _dict(item).get("fieldRef")
        if isinstance(field, dict):
            field.setdefault("apiVersion", "v1")
    host_path = volume.get("hostPath")
    if isinstance(host_path, dict):
        host_path.setdefault("type", "")
    claim = _dict(volume.get("ephemeral")).get("volumeClaimTemplate")
    if isinstance(claim, dict):
        _claim_spec(claim.get("spec"))


def _claim_spec(spec: Any) -> None:
    if isinstance(spec, dict):
        spec.setdefault("volumeMode", "Filesystem")
        _resource_list(_dict(spec.get("resources")).get("requests"))
        _resource_list(_dict(spec.get("resources")).get("limits"))


def pod_spec(spec: Any) -> None:
    """SetDefaults_PodSpec and everything inside a PodSpec (templates included)."""
    if not isinstance(spec, dict):
        return
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for container in _list(spec.get(key)):
            _container(container)
    for volume in _list(spec.get("volumes")):
        _volume(volume)


def pod(obj: Object) -> None:
    """SetDefaults_Pod: only a Pod, not a template, gets requests from limits and the rest."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    pod_spec(spec)
    for key in ("containers", "initContainers"):
        for container in _list(spec.get(key)):
            resources = _dict(_dict(container).get("resources"))
            limits = resources.get("limits")
            if isinstance(limits, dict) and limits:
                requests = resources.setdefault("requests", {})
                if isinstance(requests, dict):
                    for name in sorted(limits):
                        requests.setdefault(name, limits[name])
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        for key in ("containers", "initContainers"):
            for container in _list(spec.get(key)):
                for port in _list(_dict(container).get("ports")):
                    if isinstance(port, dict) and not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort")


def _template(spec: Mapping[str, Any]) -> dict[str, Any] | None:
    template = spec.get("template")
    if not isinstance(template, dict):
        return None
    # A Go PodTemplateSpec always has a PodSpec, so even an empty one gets its defaults.
    pod_spec(template.setdefault("spec", {}))
    return template


def _unset(values: dict[str, Any], defaults: Mapping[str, Any]) -> None:
    """SetDefaults_*'s `if obj.X == nil { obj.X = ... }`, in the given order."""
    for key, value in defaults.items():
        if values.get(key) is None:
            values[key] = value


def _rolling_update(spec: dict[str, Any], field: str, defaults: Mapping[str, Any]) -> None:
    """A strategy whose type defaults to RollingUpdate, with these rollingUpdate defaults."""
    strategy = spec.setdefault(field, {})
    if isinstance(strategy, dict):
        if not strategy.get("type"):
            strategy["type"] = "RollingUpdate"
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.get("rollingUpdate")
            if not isinstance(rolling, dict):
                rolling = strategy["rollingUpdate"] = {}
            _unset(rolling, defaults)


def deployment(obj: Object) -> None:
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    _unset(spec, {"replicas": 1})
    _rolling_update(spec, "strategy", {"maxUnavailable": "25%", "maxSurge": "25%"})
    _unset(spec, {"revisionHistoryLimit": 10, "progressDeadlineSeconds": 600})
    _template(spec)


def replica_set(obj: Object) -> None:
    spec = obj.setdefault("spec", {})
    if isinstance(spec, dict):
        _unset(spec, {"replicas": 1})
        _template(spec)


def stateful_set(obj: Object) -> None:
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    strategy = spec.setdefault("updateStrategy", {})
    if isinstance(strategy, dict):
        if not strategy.get("type"):
            strategy["type"] = "RollingUpdate"
            if strategy.get("rollingUpdate") is None:
                strategy["rollingUpdate"] = {}
        rolling = strategy.get("rollingUpdate")
        if strategy["type"] == "RollingUpdate" and isinstance(rolling, dict):
            rolling.setdefault("partition", 0)
    retention = spec.setdefault("persistentVolumeClaimRetentionPolicy", {})
    if isinstance(retention, dict):
        retention.setdefault("whenDeleted", "Retain")
        retention.setdefault("whenScaled", "Retain")
    _unset(spec, {"replicas": 1, "revisionHistoryLimit": 10})
    for claim in _list(spec.get("volumeClaimTemplates")):
        _claim_spec(_dict(claim).get("spec"))
    _template(spec)


def daemon_set(obj: Object) -> None:
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    _rolling_update(spec, "updateStrategy", {"maxUnavailable": 1, "maxSurge": 0})
    _unset(spec, {"revisionHistoryLimit": 10})
    _template(spec)


def job(obj: Object) -> None:
    """SetDefaults_Job (pkg/apis/batch/v1/defaults.go)."""
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2147483647 if spec.get("backoffLimitPerIndex") is not None else 6
    template = spec.get("template")
    labels = _dict(_dict(template).get("metadata")).get("labels")
    meta = obj.setdefault("metadata", {})
    if labels and not meta.get("labels"):
        meta["labels"] = dict(labels)
    if spec.get("completionMode") is None:
        spec["completionMode"] = "NonIndexed"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    policy = spec.get("podFailurePolicy")
    if isinstance(policy, dict):
        for rule in _list(policy.get("rules")):
            for pattern in _list(_dict(rule).get("onPodConditions")):
                if isinstance(pattern, dict) and not pattern.get("status"):
                    pattern["status"] = "True"
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = "Failed" if policy is not None else "TerminatingOrFailed"
    _template(spec)


def cron_job(obj: Object) -> None:
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    if not spec.get("concurrencyPolicy"):
        spec["concurrencyPolicy"] = "Allow"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("successfulJobsHistoryLimit") is None:
        spec["successfulJobsHistoryLimit"] = 3
    if spec.get("failedJobsHistoryLimit") is None:
        spec["failedJobsHistoryLimit"] = 1
    job_template = _dict(spec.get("jobTemplate"))
    job_spec = job_template.get("spec")
    if isinstance(job_spec, dict):
        # The job template's spec is defaulted as a Job's would be (its metadata is not).
        job({"metadata": {}, "spec": job_spec})


def service(obj: Object) -> None:
    """SetDefaults_Service."""
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    if spec["sessionAffinity"] == "ClientIP":
        config = _dict(spec.get("sessionAffinityConfig"))
        if _dict(config.get("clientIP")).get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for port in _list(spec.get("ports")):
        if not isinstance(port, dict):
            continue
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    kind = spec["type"]
    externally = kind in {"NodePort", "LoadBalancer"} or bool(spec.get("externalIPs"))
    if externally and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and kind in {
        "NodePort",
        "LoadBalancer",
        "ClusterIP",
    }:
        spec["internalTrafficPolicy"] = "Cluster"
    if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True


def namespace(obj: Object) -> None:
    meta = obj.setdefault("metadata", {})
    name = meta.get("name")
    if name:
        labels = meta.get("labels")
        if not isinstance(labels, dict):
            labels = meta["labels"] = {}
        labels["kubernetes.io/metadata.name"] = name
    spec = obj.setdefault("spec", {})
    if isinstance(spec, dict):
        spec.setdefault("finalizers", ["kubernetes"])


_DEFAULTERS = {
    "Pod": pod,
    "Deployment": deployment,
    "ReplicaSet": replica_set,
    "StatefulSet": stateful_set,
    "DaemonSet": daemon_set,
    "Job": job,
    "CronJob": cron_job,
    "Service": service,
    "Namespace": namespace,
}


def default(obj: Object) -> None:
    """The scheme's defaulting of one decoded object, in place."""
    kind = obj.get("kind")
    fn = _DEFAULTERS.get(kind) if isinstance(kind, str) else None
    if fn is not None:
        fn(obj)
    elif kind == "Secret":
        if not obj.get("type"):
            obj["type"] = "Opaque"
    elif kind == "ConfigMap":
        # SetDefaults_ConfigMap makes an empty map, which JSON then leaves out: no change.
        pass
    elif kind == "PodTemplate":
        template = obj.get("template")
        if isinstance(template, dict):
            pod_spec(template.get("spec"))
    elif kind == "PersistentVolumeClaim":
        _claim_spec(obj.get("spec"))
    elif kind == "HorizontalPodAutoscaler":
        # autoscaling/v2 SetDefaults_HorizontalPodAutoscaler: minReplicas 1, and no metrics
        # means CPU at 80 % of the requests (autoscaling.DefaultCPUUtilization).
        spec = obj.get("spec")
        if isinstance(spec, dict):
            if spec.get("minReplicas") is None:
                spec["minReplicas"] = 1
            if not spec.get("metrics"):
                spec["metrics"] = [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 80},
                        },
                    }
                ]
    elif kind == "ReplicationController":
        spec = obj.setdefault("spec", {})
        template = _template(spec) if isinstance(spec, dict) else None
        labels = _dict(_dict(template).get("metadata")).get("labels")
        if labels and isinstance(spec, dict):
            if not spec.get("selector"):
                spec["selector"] = dict(labels)
            meta = obj.setdefault("metadata", {})
            if not meta.get("labels"):
                meta["labels"] = dict(labels)
            if spec.get("replicas") is None:
                spec["replicas"] = 1


@api.admission(10)
def scheme_defaults(
    store: api.Store, operation: str, obj: Object, old: Object | None, user: api.User | None
) -> None:
    if operation == "CREATE":
        # The API server gives every new object its own uid, whatever the client sent
        # (FillObjectMetaSystemFields); a strategy below may need it (a Job's selector).
        _dict(obj.get("metadata")).pop("uid", None)
    if operation in {"CREATE", "UPDATE"}:
        default(obj)


# --------------------------------------------------------------------------- 2. admission plugins


def request_name(store: api.Store, meta: Mapping[str, Any]) -> str:
    """The name admission errors quote: the request's own, else its generateName (apiserver
    admission/errors.go extractResourceName). A Pod a controller creates asks for a
    generateName only, so its FailedCreate reads `pods "web-6f9c4b7d8d-" is forbidden`, the
    same message every retry."""
    requested = store.admission_name
    if requested is None:  # not inside an admission pass: the object's own name
        requested = str(meta.get("name") or "")
    return requested or str(meta.get("generateName") or "")


def _forbidden(store: api.Store, obj: Mapping[str, Any], message: str) -> api.ApiError:
    """admission.NewForbidden: `pods "web" is forbidden: <message>` (`pods is forbidden` when
    the request named nothing)."""
    name = request_name(store, _dict(obj.get("metadata")))
    target = f'pods "{name}"' if name else "pods"
    return api.ApiError("Forbidden", f"{target} is forbidden: {message}", kind="Pod", name=name)


def service_account_exists(store: api.Store, namespace: str, name: str) -> Object | None:
    found = store.get("serviceaccounts", namespace, name)
    if found is not None:
        return found
    if name == DEFAULT_SA:
        ns = store.get("namespaces", "", namespace)
        if ns is not None and not _dict(ns.get("metadata")).get("deletionTimestamp"):
            # The serviceaccounts controller creates it within milliseconds of the namespace
            # (below); a Pod in the same `kubectl apply` as its Namespace does not wait.
            return _default_service_account(namespace)
    return None


def _token_volume(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {
                    "serviceAccountToken": {
                        "expirationSeconds": TOKEN_EXPIRATION_SECONDS,
                        "path": "token",
                    }
                },
                {
                    "configMap": {
                        "name": ROOT_CA_CONFIGMAP,
                        "items": [{"key": "ca.crt", "path": "ca.crt"}],
                    }
                },
                {
                    "downwardAPI": {
                        "items": [
                            {
                                "path": "namespace",
                                "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                            }
                        ]
                    }
                },
            ],
        },
    }


def _automount(sa: Mapping[str, Any], spec: Mapping[str, Any]) -> bool:
    if spec.get("automountServiceAccountToken") is not None:
        return bool(spec["automountServiceAccountToken"])
    if sa.get("automountServiceAccountToken") is not None:
        return bool(sa["automountServiceAccountToken"])
    return True


@api.admission(30)
def service_account(
    store: api.Store, operation: str, obj: Object, old: Object | None, user: api.User | None
) -> None:
    """plugin/pkg/admission/serviceaccount: Pods on CREATE."""
    if operation != "CREATE" or obj.get("kind") != "Pod":
        return
    meta = _dict(obj.get("metadata"))
    if "kubernetes.io/config.mirror" in _dict(meta.get("annotations")):
        return
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    # v1 conversion: the deprecated serviceAccount field stands in for serviceAccountName.
    if not spec.get("serviceAccountName") and spec.get("serviceAccount"):
        spec["serviceAccountName"] = spec["serviceAccount"]
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = DEFAULT_SA
    name = str(spec["serviceAccountName"])
    namespace = str(meta.get("namespace") or "default")
    sa = service_account_exists(store, namespace, name)
    if sa is None:
        raise _forbidden(
            store,
            obj,
            f"error looking up service account {namespace}/{name}: "
            f'serviceaccount "{name}" not found',
        )
    spec["serviceAccount"] = name
    if _automount(sa, spec):
        _mount_token(store.world, spec)
    if not spec.get("imagePullSecrets") and sa.get("imagePullSecrets"):
        spec["imagePullSecrets"] = copy.deepcopy(sa["imagePullSecrets"])


def _mount_token(world: World, spec: dict[str, Any]) -> None:
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        volumes = []
    existing = next(
        (
            v["name"]
            for v in volumes
            if isinstance(v, dict) and str(v.get("name", "")).startswith(TOKEN_VOLUME_PREFIX)
        ),
        None,
    )
    volume_name = existing or f"{TOKEN_VOLUME_PREFIX}{world.suffix()}"
    mount = {"mountPath": TOKEN_MOUNT_PATH, "name": volume_name, "readOnly": True}
    needs_volume = False
    for key in ("initContainers", "containers"):
        for container in _list(spec.get(key)):
            if not isinstance(container, dict):
                continue
            mounts = container.get("volumeMounts")
            if not isinstance(mounts, list):
                mounts = []
            if any(_dict(m).get("mountPath") == TOKEN_MOUNT_PATH for m in mounts):
                continue
            container["volumeMounts"] = [*mounts, dict(mount)]
            needs_volume = True
    if existing is None and needs_volume:
        spec["volumes"] = [*volumes, _token_volume(volume_name)]


@api.admission(40)
def default_toleration_seconds(
    store: api.Store, operation: str, obj: Object, old: Object | None, user: api.User | None
) -> None:
    """plugin/pkg/admission/defaulttolerationseconds: Pods on CREATE and UPDATE."""
    if operation not in {"CREATE", "UPDATE"} or obj.get("kind") != "Pod":
        return
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    tolerations = spec.get("tolerations")
    if not isinstance(tolerations, list):
        tolerations = []
    not_ready = unreachable = False
    for toleration in tolerations:
        if not isinstance(toleration, dict):
            continue
        key, effect = toleration.get("key") or "", toleration.get("effect") or ""
        if key in {NOT_READY, ""} and effect in {"NoExecute", ""}:
            not_ready = True
        if key in {UNREACHABLE, ""} and effect in {"NoExecute", ""}:
            unreachable = True
    if not_ready and unreachable:
        return
    added = list(tolerations)
    for key, present in ((NOT_READY, not_ready), (UNREACHABLE, unreachable)):
        if not present:
            added.append(
                {
                    "key": key,
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": DEFAULT_TOLERATION_SECONDS,
                }
            )
    spec["tolerations"] = added


@api.admission(50)
def priority(
    store: api.Store, operation: str, obj: Object, old: Object | None, user: api.User | None
) -> None:
    """plugin/pkg/admission/priority: Pods on CREATE."""
    if operation != "CREATE" or obj.get("kind") != "Pod":
        return
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    class_name = spec.get("priorityClassName") or ""
    value, policy = 0, "PreemptLowerPriority"
    if class_name:
        if class_name in SYSTEM_PRIORITY_CLASSES:
            value = SYSTEM_PRIORITY_CLASSES[class_name]
        else:
            found = store.get("priorityclasses", "", class_name)
            if found is None:
                raise _forbidden(store, obj, f"no PriorityClass with name {class_name} was found")
            value = int(found.get("value") or 0)
            policy = found.get("preemptionPolicy") or policy
    else:
        for candidate in store.list("priorityclasses"):
            if candidate.get("globalDefault"):
                value = int(candidate.get("value") or 0)
                policy = candidate.get("preemptionPolicy") or policy
                spec["priorityClassName"] = candidate["metadata"]["name"]
                break
    if spec.get("priority") is not None and spec["priority"] != value:
        raise _forbidden(
            store,
            obj,
            "the integer value of priority "
            f"({spec['priority']}) must not be provided in pod spec; priority admission "
            "controller computed "
            f"{value} from the given PriorityClass name",
        )
    spec["priority"] = value
    if spec.get("preemptionPolicy") is None:
        spec["preemptionPolicy"] = policy


# --------------------------------------------------------------------------- 3. strategies


def qos_class(spec: Mapping[str, Any]) -> str:
    """qos.ComputePodQOS (pkg/apis/core/helper/qos): Guaranteed, Burstable or BestEffort."""
    requests: dict[str, Fraction] = {}
    limits: dict[str, Fraction] = {}
    guaranteed = True
    for container in [*_list(spec.get("containers")), *_list(spec.get("initContainers"))]:
        resources = _dict(_dict(container).get("resources"))
        for name, value in sorted(_dict(resources.get("requests")).items()):
            amount = _amount(value)
            if name in {"cpu", "memory"} and amount > 0:
                requests[name] = requests.get(name, Fraction(0)) + amount
        found = set()
        for name, value in sorted(_dict(resources.get("limits")).items()):
            amount = _amount(value)
            if name in {"cpu", "memory"} and amount > 0:
                found.add(name)
                limits[name] = limits.get(name, Fraction(0)) + amount
        if not {"cpu", "memory"} <= found:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if (
        guaranteed
        and all(limits.get(k) == v for k, v in requests.items())
        and len(requests) == len(limits)
    ):
        return "Guaranteed"
    return "Burstable"


def _amount(value: Any) -> Fraction:
    try:
        return q.parse(str(value).strip()).value
    except q.QuantityError:
        return Fraction(0)


def _cluster_ips(store: api.Store) -> set[str]:
    out = set()
    for svc in store.list("services"):
        spec = _dict(svc.get("spec"))
        for ip in [spec.get("clusterIP"), *_list(spec.get("clusterIPs"))]:
            if isinstance(ip, str):
                out.add(ip)
    return out


def _node_ports(store: api.Store) -> set[int]:
    out = set()
    for svc in store.list("services"):
        for port in _list(_dict(svc.get("spec")).get("ports")):
            value = _dict(port).get("nodePort")
            if isinstance(value, int):
                out.add(value)
    return out


def _allocate_ip(store: api.Store) -> str:
    taken = _cluster_ips(store) | {"10.96.0.1", "10.96.0.10"}
    world = store.world
    for attempt in range(65536):
        digest = world.digest("clusterIP", world.counter("clusterIP"), attempt)
        value = int(digest[:8], 16) % (256 * 256)
        # The allocator keeps the low band (the first 16 addresses here) for static IPs.
        if value < 16 or value % 256 in {0, 255}:
            continue
        ip = f"{SERVICE_PREFIX}{value // 256}.{value % 256}"
        if ip not in taken:
            return ip
    raise api.ApiError("InternalError", "failed to allocate a serviceIP: range is full")


def _allocate_node_port(store: api.Store, taken: set[int]) -> int:
    world = store.world
    span = NODE_PORT_MAX - NODE_PORT_MIN + 1
    for attempt in range(span):
        digest = world.digest("nodePort", world.counter("nodePort"), attempt)
        port = NODE_PORT_MIN + int(digest[:8], 16) % span
        if port not in taken:
            taken.add(port)
            return port
    raise api.ApiError("InternalError", "failed to allocate a nodePort: range is full")


def _service_allocations(store: api.Store, obj: Object, old: Object | None) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    old_spec = _dict(_dict(old).get("spec"))
    if old is not None:
        # patchAllocatedValues: what the learner left out keeps the values allocated before.
        if not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
            if old_spec.get("clusterIPs") and not spec.get("clusterIPs"):
                spec["clusterIPs"] = list(old_spec["clusterIPs"])
        for key in ("ipFamilies", "ipFamilyPolicy"):
            if spec.get(key) is None and old_spec.get(key) is not None:
                spec[key] = copy.deepcopy(old_spec[key])
        old_ports = {
            (_dict(p).get("port"), _dict(p).get("protocol")): _dict(p).get("nodePort")
            for p in _list(old_spec.get("ports"))
        }
        for port in _list(spec.get("ports")):
            if isinstance(port, dict) and not port.get("nodePort"):
                previous = old_ports.get((port.get("port"), port.get("protocol")))
                if previous and spec.get("type") in {"NodePort", "LoadBalancer"}:
                    port["nodePort"] = previous
    kind = spec.get("type")
    if kind == "ExternalName":
        return
    if spec.get("clusterIP") != "None":
        if not spec.get("clusterIP"):
            spec["clusterIP"] = _allocate_ip(store)
        if not spec.get("clusterIPs"):
            spec["clusterIPs"] = [spec["clusterIP"]]
    else:
        spec.setdefault("clusterIPs", ["None"])
    spec.setdefault("ipFamilies", ["IPv4"])
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    if kind in {"NodePort", "LoadBalancer"} and not (
        kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is False
    ):
        taken = _node_ports(store) - {
            p.get("nodePort") for p in _list(old_spec.get("ports")) if isinstance(p, dict)
        }
        # Ports the learner chose first (a clash is the allocator's Invalid), then the rest.
        for i, port in enumerate(_list(spec.get("ports"))):
            chosen = _dict(port).get("nodePort")
            if not chosen:
                continue
            if chosen in taken and NODE_PORT_MIN <= chosen <= NODE_PORT_MAX:
                name = _dict(obj.get("metadata")).get("name") or ""
                field = f"spec.ports[{i}].nodePort"
                body = f"Invalid value: {chosen}: provided port is already allocated"
                raise api.ApiError(
                    "Invalid",
                    f'Service "{name}" is invalid: {field}: {body}',
                    causes=[{"reason": "FieldValueInvalid", "message": body, "field": field}],
                    kind="Service",
                    name=name,
                )
            taken.add(chosen)
        for port in _list(spec.get("ports")):
            if isinstance(port, dict) and not port.get("nodePort"):
                port["nodePort"] = _allocate_node_port(store, taken)


@api.admission(60)
def prepare(
    store: api.Store, operation: str, obj: Object, old: Object | None, user: api.User | None
) -> None:
    """The registry strategies' PrepareForCreate / PrepareForUpdate and REST allocations."""
    kind = obj.get("kind")
    if operation == "CREATE":
        if kind == "Pod":
            spec = _dict(obj.get("spec"))
            obj["status"] = {"phase": "Pending", "qosClass": qos_class(spec)}
        elif kind in {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "CronJob"}:
            obj["status"] = {}
        elif kind == "Job":
            obj["status"] = {}
            _job_selector(store.world, obj)
        elif kind == "Service":
            obj["status"] = {"loadBalancer": {}}
        elif kind == "Namespace":
            obj["status"] = {"phase": "Active"}
        elif kind == "PersistentVolumeClaim":
            obj["status"] = {"phase": "Pending"}
    if kind == "Service" and operation in {"CREATE", "UPDATE"}:
        _service_allocations(store, obj, old)


def _job_selector(world: World, obj: Object) -> None:
    """generateSelectorIfNeeded: the Job's uid in its selector and its template's labels.

    The uid is the one the API server gives the Job (the store keeps an admission-set uid)."""
    spec = obj.get("spec")
    meta = obj.setdefault("metadata", {})
    if not isinstance(spec, dict) or spec.get("manualSelector"):
        return
    uid = meta.get("uid") or world.uid()
    meta["uid"] = uid
    name = meta.get("name") or ""
    template = spec.setdefault("template", {})
    if not isinstance(template, dict):
        return
    tmeta = template.setdefault("metadata", {})
    labels = tmeta.get("labels")
    if not isinstance(labels, dict):
        labels = tmeta["labels"] = {}
    labels.update({CONTROLLER_UID: uid, JOB_NAME: name, "controller-uid": uid, "job-name": name})
    spec["selector"] = {"matchLabels": {CONTROLLER_UID: uid}}
    spec["manualSelector"] = False
    # SetDefaults_Job runs again whenever the Job is read back: a Job without labels of its
    # own shows its template's.
    if not meta.get("labels"):
        meta["labels"] = dict(labels)


# --------------------------------------------------------------------------- SA controllers


def _default_service_account(namespace: str) -> Object:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": DEFAULT_SA, "namespace": namespace},
    }


def _root_ca(namespace: str) -> Object:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": ROOT_CA_CONFIGMAP,
            "namespace": namespace,
            "annotations": {
                "kubernetes.io/description": (
                    "Contains a CA bundle that can be used to verify the kube-apiserver when "
                    "using internal endpoints such as the internal service IP or "
                    "kubernetes.default.svc. No other usage is guaranteed across "
                    "distributions of Kubernetes clusters."
                )
            },
        },
        "data": {"ca.crt": CA_PEM},
    }


def _pem(seed: str) -> str:
    body = base64.b64encode(("sandbox cluster CA " + seed).encode() * 12).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


# The sandbox cluster's own CA (every sandbox's, as one kind cluster's): a certificate
# nothing in the sandbox verifies, shaped as kube-root-ca.crt holds one.
CA_PEM = _pem(bootstrap.CLUSTER_NAME)


@bootstrap.builder(15)
def service_accounts(topology: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for obj in bootstrap._namespaces():
        name = obj["metadata"]["name"]
        out.append(_default_service_account(name))
        out.append(_root_ca(name))
    return out


def _missing(store: api.Store) -> Iterator[Object]:
    # Only namespaces the sandbox created or changed can lack them (the bootstrap data has
    # both for its own), so look there first; this runs on every settle round.
    # (A learner who deletes one of the bootstrap ones gets it back, as on a real cluster.)
    names = {k.split("/", 2)[2] for k in store._state["objects"] if k.startswith("namespaces//")}
    if any(k.startswith(("serviceaccounts/", "configmaps/")) for k in store._state["removed"]):
        names |= {k.split("/", 2)[2] for k in store.baseline if k.startswith("namespaces//")}
    for name in sorted(names):
        ns = store.get("namespaces", "", name)
        if ns is None:
            continue
        meta = ns["metadata"]
        if meta.get("deletionTimestamp"):
            continue
        name = meta["name"]
        if store.get("serviceaccounts", name, DEFAULT_SA) is None:
            yield _default_service_account(name)
        if store.get("configmaps", name, ROOT_CA_CONFIGMAP) is None:
            yield _root_ca(name)


@clock.reconciler(110)
def serviceaccounts_controller(world: World) -> bool:
    """serviceaccounts-controller and root-ca-cert-publisher: every active namespace has a
    `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap."""
    store = api.Store.of(world)
    changed = False
    for obj in list(_missing(store)):
        try:
            store.create(obj)
        except api.ApiError:
            continue  # the namespace went away meanwhile, or the sandbox is full
        changed = True
    return changed


# The PodSecurity plugin registers itself on import.
from learn.sim.kube import podsecurity  # noqa: E402,F401
