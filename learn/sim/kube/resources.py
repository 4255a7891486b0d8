"""The API resources the simulated API server serves: what `kubectl api-resources` lists.

Names, short names, groups, versions and scope are those of Kubernetes 1.34 (the output of
`kubectl api-resources` on a kind cluster). A kind missing here is answered the way the API
server answers an unknown type (`error: the server doesn't have a resource type "x"`), never
silently accepted.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    name: str  # plural, as in the URL: deployments
    singular: str  # deployment
    kind: str  # Deployment
    group: str  # "" is the core group
    version: str  # v1
    namespaced: bool
    short: tuple[str, ...] = ()
    verbs: tuple[str, ...] = (
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch",
    )
    categories: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """`deployments.apps`, or `pods` for the core group: how errors name a resource."""
        return f"{self.name}.{self.group}" if self.group else self.name

    @property
    def kind_qualified(self) -> str:
        """`deployment.apps/web` uses this prefix: the lower-case kind with its group."""
        return f"{self.kind.lower()}.{self.group}" if self.group else self.kind.lower()


_ALL = ("all",)

RESOURCES: tuple[Resource, ...] = (
    Resource("bindings", "binding", "Binding", "", "v1", True, verbs=("create",)),
    Resource(
        "componentstatuses",
        "componentstatus",
        "ComponentStatus",
        "",
        "v1",
        False,
        ("cs",),
        ("get", "list"),
    ),
    Resource("configmaps", "configmap", "ConfigMap", "", "v1", True, ("cm",)),
    Resource("endpoints", "endpoints", "Endpoints", "", "v1", True, ("ep",)),
    Resource("events", "event", "Event", "", "v1", True, ("ev",)),
    Resource("limitranges", "limitrange", "LimitRange", "", "v1", True, ("limits",)),
    Resource(
        "namespaces",
        "namespace",
        "Namespace",
        "",
        "v1",
        False,
        ("ns",),
        ("create", "delete", "get", "list", "patch", "update", "watch"),
    ),
    Resource("nodes", "node", "Node", "", "v1", False, ("no",)),
    Resource(
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        "",
        "v1",
        True,
        ("pvc",),
    ),
    Resource("persistentvolumes", "persistentvolume", "PersistentVolume", "", "v1", False, ("pv",)),
    Resource("pods", "pod", "Pod", "", "v1", True, ("po",), categories=_ALL),
    Resource("podtemplates", "podtemplate", "PodTemplate", "", "v1", True),
    Resource(
        "replicationcontrollers",
        "replicationcontroller",
        "ReplicationController",
        "",
        "v1",
        True,
        ("rc",),
        categories=_ALL,
    ),
    Resource("resourcequotas", "resourcequota", "ResourceQuota", "", "v1", True, ("quota",)),
    Resource("secrets", "secret", "Secret", "", "v1", True),
    Resource("serviceaccounts", "serviceaccount", "ServiceAccount", "", "v1", True, ("sa",)),
    Resource("services", "service", "Service", "", "v1", True, ("svc",), categories=_ALL),
    Resource("controllerrevisions", "controllerrevision", "ControllerRevision", "apps", "v1", True),
    Resource("daemonsets", "daemonset", "DaemonSet", "apps", "v1", True, ("ds",), categories=_ALL),
    Resource(
        "deployments", "deployment", "Deployment", "apps", "v1", True, ("deploy",), categories=_ALL
    ),
    Resource(
        "replicasets", "replicaset", "ReplicaSet", "apps", "v1", True, ("rs",), categories=_ALL
    ),
    Resource(
        "statefulsets", "statefulset", "StatefulSet", "apps", "v1", True, ("sts",), categories=_ALL
    ),
    Resource(
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        "SelfSubjectAccessReview",
        "authorization.k8s.io",
        "v1",
        False,
        verbs=("create",),
    ),
    Resource(
        "subjectaccessreviews",
        "subjectaccessreview",
        "SubjectAccessReview",
        "authorization.k8s.io",
        "v1",
        False,
        verbs=("create",),
    ),
    Resource(
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        "autoscaling",
        "v2",
        True,
        ("hpa",),
        categories=_ALL,
    ),
    Resource("cronjobs", "cronjob", "CronJob", "batch", "v1", True, ("cj",), categories=_ALL),
    Resource("jobs", "job", "Job", "batch", "v1", True, categories=_ALL),
    Resource("leases", "lease", "Lease", "coordination.k8s.io", "v1", True),
    Resource("endpointslices", "endpointslice", "EndpointSlice", "discovery.k8s.io", "v1", True),
    Resource("events", "event", "Event", "events.k8s.io", "v1", True, ("ev",)),
    Resource("ingressclasses", "ingressclass", "IngressClass", "networking.k8s.io", "v1", False),
    Resource("ingresses", "ingress", "Ingress", "networking.k8s.io", "v1", True, ("ing",)),
    Resource(
        "networkpolicies",
        "networkpolicy",
        "NetworkPolicy",
        "networking.k8s.io",
        "v1",
        True,
        ("netpol",),
    ),
    Resource(
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "PodDisruptionBudget",
        "policy",
        "v1",
        True,
        ("pdb",),
    ),
    Resource(
        "clusterrolebindings",
        "clusterrolebinding",
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "v1",
        False,
    ),
    Resource(
        "clusterroles", "clusterrole", "ClusterRole", "rbac.authorization.k8s.io", "v1", False
    ),
    Resource("rolebindings", "rolebinding", "RoleBinding", "rbac.authorization.k8s.io", "v1", True),
    Resource("roles", "role", "Role", "rbac.authorization.k8s.io", "v1", True),
    Resource(
        "priorityclasses",
        "priorityclass",
        "PriorityClass",
        "scheduling.k8s.io",
        "v1",
        False,
        ("pc",),
    ),
    Resource(
        "storageclasses", "storageclass", "StorageClass", "storage.k8s.io", "v1", False, ("sc",)
    ),
    Resource("deviceclasses", "deviceclass", "DeviceClass", "resource.k8s.io", "v1", False),
    Resource("resourceclaims", "resourceclaim", "ResourceClaim", "resource.k8s.io", "v1", True),
    Resource(
        "resourceclaimtemplates",
        "resourceclaimtemplate",
        "ResourceClaimTemplate",
        "resource.k8s.io",
        "v1",
        True,
    ),
)

# The core group's `events` wins over events.k8s.io for plain `kubectl get events`, as in kubectl.
_BY_KIND: dict[tuple[str, str], Resource] = {}
for _r in RESOURCES:
    _BY_KIND.setdefault((_r.group, _r.kind), _r)


def by_kind(api_version: str, kind: str) -> Resource | None:
    """The resource an object of `apiVersion`/`kind` is stored as (None: not served)."""
    group, _, version = api_version.rpartition("/")
    resource = _BY_KIND.get((group, kind))
    if resource is None or resource.version != version:
        return None
    return resource


def kind_of(kind: str, group: str | None = None) -> Resource | None:
    for resource in RESOURCES:
        if resource.kind == kind and (group is None or resource.group == group):
            return resource
    return None


# Pure and asked on every store call that names a resource by string: cached (bounded, as
# the names can come from learner input).
@functools.lru_cache(maxsize=1024)
def lookup(name: str) -> Resource | None:
    """Resolve what a learner types after `kubectl get`: pods, pod, po, deploy, deployments.apps,
    Deployment, rs, svc, ... (case-insensitive, as kubectl's RESTMapper)."""
    text = name.strip().lower()
    if not text:
        return None
    group: str | None = None
    if "." in text:
        text, _, rest = text.partition(".")
        # deployments.apps, deployments.v1.apps, hpa.autoscaling
        parts = rest.split(".")
        if parts and parts[0].startswith("v") and parts[0][1:2].isdigit():
            parts = parts[1:]
        group = ".".join(parts)
    for resource in RESOURCES:
        if group is not None and resource.group != group:
            continue
        if text in {resource.name, resource.singular, resource.kind.lower(), *resource.short}:
            return resource
    return None
