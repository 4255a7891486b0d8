"""Defaulting and mutating admission, as the API server applies them before storing.

Expected values come from upstream's defaulting code and tests, named above each case:
pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go, pkg/apis/batch/v1/defaults.go,
plugin/pkg/admission/serviceaccount, plugin/pkg/admission/defaulttolerationseconds and
pkg/apis/core/helper/qos.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from learn.sim import Sandbox
from learn.sim.kube import admission, api


@pytest.fixture
def store() -> api.Store:
    return api.Store.of(Sandbox.new().world)


def _pod(**spec: Any) -> dict[str, Any]:
    containers = spec.pop("containers", [{"name": "web", "image": "nginx:1.27"}])
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web"},
        "spec": {"containers": containers, **spec},
    }


DEFAULT_TEMPLATE_SPEC = {
    "dnsPolicy": "ClusterFirst",
    "restartPolicy": "Always",
    "securityContext": {},
    "terminationGracePeriodSeconds": 30,
    "schedulerName": "default-scheduler",
}

# pkg/apis/apps/v1beta2/defaults_test.go, TestSetDefaultDeployment (the same five cases and
# defaults as SetDefaults_Deployment in pkg/apis/apps/v1/defaults.go): original spec ->
# expected spec (the empty template gets the PodSpec defaults).
DEPLOYMENTS = [
    (
        {},
        {
            "replicas": 1,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
    ),
    (
        {"replicas": 5, "strategy": {"rollingUpdate": {"maxSurge": 5}}},
        {
            "replicas": 5,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 5, "maxUnavailable": "25%"},
            },
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
    ),
    (
        {"replicas": 3, "strategy": {"type": "RollingUpdate", "rollingUpdate": None}},
        {
            "replicas": 3,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
    ),
    (
        {"replicas": 5, "strategy": {"type": "Recreate"}, "revisionHistoryLimit": 0},
        {
            "replicas": 5,
            "strategy": {"type": "Recreate"},
            "revisionHistoryLimit": 0,
            "progressDeadlineSeconds": 600,
        },
    ),
    (
        {
            "replicas": 5,
            "strategy": {"type": "Recreate"},
            "progressDeadlineSeconds": 30,
            "revisionHistoryLimit": 2,
        },
        {
            "replicas": 5,
            "strategy": {"type": "Recreate"},
            "revisionHistoryLimit": 2,
            "progressDeadlineSeconds": 30,
        },
    ),
]


@pytest.mark.parametrize(("original", "expected"), DEPLOYMENTS)
def test_deployment_defaults(original: dict[str, Any], expected: dict[str, Any]) -> None:
    obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {**copy.deepcopy(original), "template": {}},
    }
    admission.default(obj)
    assert obj["spec"] == {**expected, "template": {"spec": DEFAULT_TEMPLATE_SPEC}}


# apps/v1beta2/defaults_test.go, TestSetDefaultReplicaSetReplicas: unset -> 1, 0 and 3 kept.
@pytest.mark.parametrize(("given", "expected"), [(None, 1), (0, 0), (3, 3)])
def test_replicaset_replicas(given: int | None, expected: int) -> None:
    spec: dict[str, Any] = {"template": {"metadata": {"labels": {"foo": "bar"}}}}
    if given is not None:
        spec["replicas"] = given
    obj = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"}, "spec": spec}
    admission.default(obj)
    assert obj["spec"]["replicas"] == expected


def test_requests_default_to_limits_on_a_pod_but_not_a_template() -> None:
    # defaults.go SetDefaults_Pod, and defaults_test.go TestDefaultRequestIsNotSetForReplicaSet.
    limits = {"cpu": "100m", "memory": "1024Mi"}
    pod = _pod(
        containers=[{"name": "c", "image": "busybox:1.36", "resources": {"limits": dict(limits)}}]
    )
    admission.default(pod)
    assert pod["spec"]["containers"][0]["resources"] == {
        "limits": {"cpu": "100m", "memory": "1Gi"},
        "requests": {"cpu": "100m", "memory": "1Gi"},
    }
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "r"},
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": "c", "image": "x:1", "resources": {"limits": dict(limits)}}
                    ]
                }
            }
        },
    }
    admission.default(rs)
    assert "requests" not in rs["spec"]["template"]["spec"]["containers"][0]["resources"]


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        # defaults.go SetDefaults_Container: Always for the latest tag (explicit or implied).
        ("busybox", "Always"),
        ("busybox:latest", "Always"),
        ("registry.example.com:5000/team/app", "Always"),
        ("busybox:1.36", "IfNotPresent"),
        ("registry.example.com:5000/team/app:0.2.0", "IfNotPresent"),
        ("busybox@sha256:" + "a" * 64, "IfNotPresent"),
    ],
)
def test_image_pull_policy(image: str, policy: str) -> None:
    pod = _pod(containers=[{"name": "c", "image": image}])
    admission.default(pod)
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_container_probe_and_port_defaults() -> None:
    # SetDefaults_Container, SetDefaults_Probe, SetDefaults_HTTPGetAction, ContainerPort's
    # `+default="TCP"`.
    pod = _pod(
        containers=[
            {
                "name": "c",
                "image": "app:1",
                "ports": [{"containerPort": 8000}],
                "readinessProbe": {"httpGet": {"port": 8000}},
                "livenessProbe": {"tcpSocket": {"port": 8000}, "periodSeconds": 5},
            }
        ]
    )
    admission.default(pod)
    c = pod["spec"]["containers"][0]
    assert c["ports"] == [{"containerPort": 8000, "protocol": "TCP"}]
    assert c["readinessProbe"] == {
        "httpGet": {"port": 8000, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    assert c["livenessProbe"]["periodSeconds"] == 5
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"
    assert pod["spec"]["enableServiceLinks"] is True


def test_volume_defaults() -> None:
    # SetDefaults_Volume (no source: emptyDir) and the 0644 default modes.
    pod = _pod(
        volumes=[
            {"name": "scratch"},
            {"name": "cfg", "configMap": {"name": "app"}},
            {"name": "s", "secret": {"secretName": "db"}},
        ]
    )
    admission.default(pod)
    assert pod["spec"]["volumes"] == [
        {"name": "scratch", "emptyDir": {}},
        {"name": "cfg", "configMap": {"name": "app", "defaultMode": 420}},
        {"name": "s", "secret": {"secretName": "db", "defaultMode": 420}},
    ]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        # SetDefaults_ResourceList rounds up to milli scale; the stored text is canonical.
        ("0.5", "500m"),
        ("1000m", "1"),
        ("1n", "1m"),
        ("2048Mi", "2Gi"),
        ("128974848", "128974848"),
        ("129e6", "129e6"),
        ("123Mi", "123Mi"),
    ],
)
def test_quantities_are_stored_canonically(given: str, stored: str) -> None:
    pod = _pod(
        containers=[{"name": "c", "image": "x:1", "resources": {"requests": {"cpu": given}}}]
    )
    admission.default(pod)
    assert pod["spec"]["containers"][0]["resources"]["requests"]["cpu"] == stored


def test_service_defaults() -> None:
    # SetDefaults_Service: ClusterIP, TCP, targetPort = port, None affinity, Cluster policy.
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"app": "web"},
            "ports": [{"port": 80}, {"port": 443, "targetPort": "https"}],
        },
    }
    admission.default(svc)
    assert svc["spec"] == {
        "selector": {"app": "web"},
        "ports": [
            {"port": 80, "protocol": "TCP", "targetPort": 80},
            {"port": 443, "targetPort": "https", "protocol": "TCP"},
        ],
        "sessionAffinity": "None",
        "type": "ClusterIP",
        "internalTrafficPolicy": "Cluster",
    }
    node_port = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "np"},
        "spec": {"type": "LoadBalancer", "ports": [{"port": 80}]},
    }
    admission.default(node_port)
    assert node_port["spec"]["externalTrafficPolicy"] == "Cluster"
    assert node_port["spec"]["allocateLoadBalancerNodePorts"] is True


def test_job_defaults() -> None:
    # pkg/apis/batch/v1/defaults.go SetDefaults_Job.
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "pi"},
        "spec": {
            "template": {
                "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "x:1"}]}
            }
        },
    }
    admission.default(job)
    spec = job["spec"]
    assert (spec["completions"], spec["parallelism"], spec["backoffLimit"]) == (1, 1, 6)
    assert (spec["completionMode"], spec["suspend"], spec["podReplacementPolicy"]) == (
        "NonIndexed",
        False,
        "TerminatingOrFailed",
    )
    only_completions = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "x"},
        "spec": {"completions": 5, "template": {}},
    }
    admission.default(only_completions)
    assert (only_completions["spec"]["completions"], only_completions["spec"]["parallelism"]) == (
        5,
        1,
    )


def test_namespace_gets_its_name_label() -> None:
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "staging"}}
    admission.default(ns)
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "staging"}


# pkg/apis/core/helper/qos: ComputePodQOS.
@pytest.mark.parametrize(
    ("containers", "qos"),
    [
        ([{}], "BestEffort"),
        ([{"requests": {"cpu": "100m"}}], "Burstable"),
        (
            [{"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}],
            "Guaranteed",
        ),
        (
            [
                {
                    "limits": {"cpu": "1", "memory": "1Gi"},
                    "requests": {"cpu": "500m", "memory": "1Gi"},
                }
            ],
            "Burstable",
        ),
        (
            [
                {
                    "limits": {"cpu": "1", "memory": "1Gi"},
                    "requests": {"cpu": "1", "memory": "1Gi"},
                },
                {},
            ],
            "Burstable",
        ),
        ([{"limits": {"memory": "1Gi"}, "requests": {"memory": "1Gi"}}], "Burstable"),
        ([{"requests": {"cpu": "0"}}], "BestEffort"),
    ],
)
def test_qos_class(containers: list[dict[str, Any]], qos: str) -> None:
    spec = {"containers": [{"name": f"c{i}", "resources": r} for i, r in enumerate(containers)]}
    assert admission.qos_class(spec) == qos


def test_a_created_pod_is_pending_with_a_token_volume_and_default_tolerations(
    store: api.Store,
) -> None:
    pod = store.create(
        _pod(
            containers=[
                {
                    "name": "web",
                    "image": "nginx:1.27",
                    "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}},
                }
            ]
        ),
        user=api.ADMIN,
    )
    spec = pod["spec"]
    assert pod["status"] == {"phase": "Pending", "qosClass": "Guaranteed"}
    assert (spec["serviceAccountName"], spec["serviceAccount"]) == ("default", "default")
    volume = spec["volumes"][-1]
    assert (
        volume["name"].startswith("kube-api-access-")
        and len(volume["name"]) == len("kube-api-access-") + 5
    )
    sources = volume["projected"]["sources"]
    assert sources[0] == {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}
    assert sources[1]["configMap"]["name"] == "kube-root-ca.crt"
    assert spec["containers"][0]["volumeMounts"] == [
        {
            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
            "name": volume["name"],
            "readOnly": True,
        }
    ]
    # defaulttolerationseconds/admission.go: 300 s for not-ready and unreachable.
    assert spec["tolerations"] == [
        {
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
    ]
    assert (spec["priority"], spec["preemptionPolicy"]) == (0, "PreemptLowerPriority")


@pytest.mark.parametrize(
    ("tolerations", "added"),
    [
        # defaulttolerationseconds admission_test.go: an existing toleration of the key (any
        # effect left empty, or NoExecute) or an empty key tolerating everything stops it.
        (
            [
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 60,
                }
            ],
            ["node.kubernetes.io/unreachable"],
        ),
        (
            [{"key": "node.kubernetes.io/unreachable", "operator": "Exists"}],
            ["node.kubernetes.io/not-ready"],
        ),
        ([{"operator": "Exists"}], []),
        (
            [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule"}],
            ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"],
        ),
    ],
)
def test_default_tolerations_respect_existing_ones(
    store: api.Store, tolerations: list[dict[str, Any]], added: list[str]
) -> None:
    pod = store.create(_pod(tolerations=copy.deepcopy(tolerations)), user=api.ADMIN)
    extra = pod["spec"]["tolerations"][len(tolerations) :]
    assert [t["key"] for t in extra] == added
    assert all(t["tolerationSeconds"] == 300 for t in extra)


def test_a_missing_service_account_is_refused(store: api.Store) -> None:
    with pytest.raises(api.ApiError) as refused:
        store.create(_pod(serviceAccountName="deployer"), user=api.ADMIN)
    assert refused.value.reason == "Forbidden"
    assert refused.value.message == (
        'pods "web" is forbidden: error looking up service account default/deployer: '
        'serviceaccount "deployer" not found'
    )


def test_automount_false_leaves_the_token_out(store: api.Store) -> None:
    store.create(
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "quiet"},
            "automountServiceAccountToken": False,
        },
        user=api.ADMIN,
    )
    pod = store.create(_pod(serviceAccountName="quiet"), user=api.ADMIN)
    assert "volumes" not in pod["spec"]
    assert "volumeMounts" not in pod["spec"]["containers"][0]


def test_a_new_namespace_gets_its_default_service_account() -> None:
    box = Sandbox.new()
    store = api.Store.of(box.world)
    store.create(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "staging"}}, user=api.ADMIN
    )
    box.advance(1)
    assert store.get("serviceaccounts", "staging", "default") is not None
    assert store.get("configmaps", "staging", "kube-root-ca.crt") is not None
    assert store.get("serviceaccounts", "kube-system", "default") is not None


def test_services_get_cluster_ips_and_node_ports_kept_on_update(store: api.Store) -> None:
    svc = store.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]},
        },
        user=api.ADMIN,
    )
    ip, node_port = svc["spec"]["clusterIP"], svc["spec"]["ports"][0]["nodePort"]
    assert ip.startswith("10.96.") and svc["spec"]["clusterIPs"] == [ip]
    assert 30000 <= node_port <= 32767
    assert (svc["spec"]["ipFamilies"], svc["spec"]["ipFamilyPolicy"]) == (["IPv4"], "SingleStack")
    assert svc["status"] == {"loadBalancer": {}}
    again = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "type": "NodePort",
            "selector": {"app": "web", "tier": "front"},
            "ports": [{"port": 80}],
        },
    }
    updated = store.update(again, user=api.ADMIN)
    assert (updated["spec"]["clusterIP"], updated["spec"]["ports"][0]["nodePort"]) == (
        ip,
        node_port,
    )
    other = store.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "db"},
            "spec": {"selector": {"app": "db"}, "ports": [{"port": 5432}]},
        },
        user=api.ADMIN,
    )
    assert other["spec"]["clusterIP"] != ip
    headless = store.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "h"},
            "spec": {"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"port": 5432}]},
        },
        user=api.ADMIN,
    )
    assert headless["spec"]["clusterIPs"] == ["None"]


def test_a_job_selects_its_pods_by_its_own_uid(store: api.Store) -> None:
    job = store.create(
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "pi"},
            "spec": {
                "template": {
                    "spec": {
                        "restartPolicy": "Never",
                        "containers": [{"name": "pi", "image": "busybox:1.36"}],
                    }
                }
            },
        },
        user=api.ADMIN,
    )
    uid = job["metadata"]["uid"]
    assert job["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    assert job["spec"]["template"]["metadata"]["labels"] == {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": "pi",
        "controller-uid": uid,
        "job-name": "pi",
    }
    assert job["metadata"]["labels"]["job-name"] == "pi"


def test_a_client_uid_is_replaced(store: api.Store) -> None:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "uid": "mine"}}
    assert store.create(obj, user=api.ADMIN)["metadata"]["uid"] != "mine"
