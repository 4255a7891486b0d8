"""The API server's decoding and validation, with expected values from upstream's tests.

Tables name their source above them: k8s.io/apimachinery/pkg/util/validation/validation_test.go,
pkg/apis/core/validation/validation_test.go, pkg/apis/apps/validation/validation_test.go, and
the messages of validation.go itself where a test only checks a substring of them.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from learn.sim import Sandbox
from learn.sim.kube import api
from learn.sim.kube import validation as v


def _errors(errs: list[v.FieldError]) -> list[str]:
    return [e.text for e in errs]


# --------------------------------------------------------------------------- names

# apimachinery validation_test.go, TestIsDNS1123Label.
LABEL_GOOD = [
    "a",
    "ab",
    "abc",
    "a1",
    "a-1",
    "a--1--2--b",
    "0",
    "01",
    "012",
    "1a",
    "1-a",
    "1--a--b--2",
    "a" * 63,
]
LABEL_BAD = [
    "",
    "A",
    "ABC",
    "aBc",
    "A1",
    "A-1",
    "1-A",
    "-",
    "a-",
    "-a",
    "1-",
    "-1",
    "_",
    "a_",
    "_a",
    "a_b",
    "1_",
    "_1",
    "1_2",
    ".",
    "a.",
    ".a",
    "a.b",
    "1.",
    ".1",
    "1.2",
    " ",
    "a ",
    " a",
    "a b",
    "1 ",
    " 1",
    "1 2",
    "a" * 64,
]

# apimachinery validation_test.go, TestIsDNS1123Subdomain.
SUBDOMAIN_GOOD = [
    "a",
    "ab",
    "abc",
    "a1",
    "a-1",
    "a--1--2--b",
    "0",
    "01",
    "012",
    "1a",
    "1-a",
    "1--a--b--2",
    "a.a",
    "ab.a",
    "abc.a",
    "a1.a",
    "a-1.a",
    "a--1--2--b.a",
    "a.1",
    "ab.1",
    "abc.1",
    "a1.1",
    "a-1.1",
    "a--1--2--b.1",
    "0.a",
    "01.a",
    "012.a",
    "1a.a",
    "1-a.a",
    "1--a--b--2",
    "0.1",
    "01.1",
    "012.1",
    "1a.1",
    "1-a.1",
    "1--a--b--2.1",
    "a.b.c.d.e",
    "aa.bb.cc.dd.ee",
    "1.2.3.4.5",
    "11.22.33.44.55",
    "a" * 253,
]
SUBDOMAIN_BAD = [
    "",
    "A",
    "ABC",
    "aBc",
    "A1",
    "A-1",
    "1-A",
    "-",
    "a-",
    "-a",
    "1-",
    "-1",
    "_",
    "a_",
    "_a",
    "a_b",
    "1_",
    "_1",
    "1_2",
    ".",
    "a.",
    ".a",
    "a..b",
    "1.",
    ".1",
    "1..2",
    " ",
    "a ",
    " a",
    "a b",
    "1 ",
    " 1",
    "1 2",
    "A.a",
    "aB.a",
    "ab.A",
    "A1.a",
    "a1.A",
    "A.1",
    "aB.1",
    "A1.1",
    "1A.1",
    "0.A",
    "01.A",
    "012.A",
    "1A.a",
    "1a.A",
    "A.B.C.D.E",
    "AA.BB.CC.DD.EE",
    "a.B.c.d.e",
    "aa.bB.cc.dd.ee",
    "a@b",
    "a,b",
    "a_b",
    "a;b",
    "a:b",
    "a%b",
    "a?b",
    "a$b",
    "a" * 254,
]

# apimachinery validation_test.go, TestIsDNS1035Label.
DNS1035_GOOD = ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "a" * 63]
DNS1035_BAD = [
    "0",
    "01",
    "012",
    "1a",
    "1-a",
    "1--a--b--2",
    "",
    "A",
    "ABC",
    "aBc",
    "A1",
    "A-1",
    "1-A",
    "-",
    "a-",
    "-a",
    "1-",
    "-1",
    "_",
    "a_",
    "_a",
    "a_b",
    "1_",
    "_1",
    "1_2",
    ".",
    "a.",
    ".a",
    "a.b",
    "1.",
    ".1",
    "1.2",
    " ",
    "a ",
    " a",
    "a b",
    "1 ",
    " 1",
    "1 2",
    "a" * 64,
]

# apimachinery validation_test.go, TestIsValidLabelValue.
LABEL_VALUE_GOOD = [
    "simple",
    "now-with-dashes",
    "1-starts-with-num",
    "end-with-num-1",
    "1234",
    "-".join("ab"),
    "a" * 63,
    "",
]
LABEL_VALUE_BAD = [
    "nospecialchars%^=@",
    "Tama-nui-te-rā.is.Māori.sun",
    "\\backslashes\\are\\bad",
    "-starts-with-dash",
    "ends-with-dash-",
    ".starts.with.dot",
    "ends.with.dot.",
    "a" * 64,
]

# apimachinery validation_test.go, TestIsValidPortName.
PORT_NAME_GOOD = ["telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3"]
PORT_NAME_BAD = [
    "longerthan15characters",
    "",
    "a" * 16,
    "12345",
    "1-2-3-4",
    "-begin",
    "end-",
    "two--hyphens",
    "whois++",
]


@pytest.mark.parametrize(
    ("fn", "good", "bad"),
    [
        (v.is_dns1123_label, LABEL_GOOD, LABEL_BAD),
        (v.is_dns1123_subdomain, SUBDOMAIN_GOOD, SUBDOMAIN_BAD),
        (v.is_dns1035_label, DNS1035_GOOD, DNS1035_BAD),
        (v.is_label_value, LABEL_VALUE_GOOD, LABEL_VALUE_BAD),
        (v.is_valid_port_name, PORT_NAME_GOOD, PORT_NAME_BAD),
    ],
    ids=["dns1123-label", "dns1123-subdomain", "dns1035-label", "label-value", "port-name"],
)
def test_name_rules(fn: Any, good: list[str], bad: list[str]) -> None:
    assert [g for g in good if fn(g)] == []
    assert [b for b in bad if not fn(b)] == []


def test_name_messages_are_the_api_servers() -> None:
    # validation.go's RegexError wording (note the two spaces before "or").
    assert v.is_dns1123_label("Web_1") == [
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
        "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    ]
    assert v.is_dns1123_subdomain("My.App") == [
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
        "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    ]


# --------------------------------------------------------------------------- containers


def _ports(*ports: dict[str, Any]) -> list[str]:
    spec = {
        "containers": [
            {
                "name": "c",
                "image": "x:1",
                "imagePullPolicy": "IfNotPresent",
                "terminationMessagePolicy": "File",
                "ports": list(ports),
            }
        ],
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst",
    }
    return _errors(v.validate_pod_spec(spec, "spec"))


P = "spec.containers[0].ports"

# validation_test.go, TestValidatePorts: the success cases, then (ports, expected errors)
# with the full texts validation.go gives (the Go test matches type, field and a substring).
PORT_OK = [
    {"name": "abc", "containerPort": 80, "hostPort": 80, "protocol": "TCP"},
    {"name": "easy", "containerPort": 82, "protocol": "TCP"},
    {"name": "as", "containerPort": 83, "protocol": "UDP"},
    {"name": "do-re-me", "containerPort": 84, "protocol": "SCTP"},
    {"containerPort": 85, "protocol": "TCP"},
]
PORT_ERRORS = [
    (
        [{"name": "a" * 16, "containerPort": 80, "protocol": "TCP"}],
        [f'{P}[0].name: Invalid value: "{"a" * 16}": must be no more than 15 characters'],
    ),
    (
        [{"name": "a.b.c", "containerPort": 80, "protocol": "TCP"}],
        [
            f'{P}[0].name: Invalid value: "a.b.c": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'
        ],
    ),
    (
        [{"name": "80", "containerPort": 80, "protocol": "TCP"}],
        [f'{P}[0].name: Invalid value: "80": must contain at least one letter (a-z)'],
    ),
    (
        [
            {"name": "abc", "containerPort": 80, "protocol": "TCP"},
            {"name": "abc", "containerPort": 81, "protocol": "TCP"},
        ],
        [f'{P}[1].name: Duplicate value: "abc"'],
    ),
    ([{"containerPort": 0, "protocol": "TCP"}], [f"{P}[0].containerPort: Required value"]),
    (
        [{"containerPort": 65536, "protocol": "TCP"}],
        [f"{P}[0].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive"],
    ),
    (
        [{"containerPort": 80, "hostPort": 65536, "protocol": "TCP"}],
        [f"{P}[0].hostPort: Invalid value: 65536: must be between 1 and 65535, inclusive"],
    ),
    (
        [{"containerPort": 80, "protocol": "tcp"}],
        [f'{P}[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"'],
    ),
    (
        [{"containerPort": 80, "protocol": "ICMP"}],
        [f'{P}[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'],
    ),
    ([{"name": "abc", "containerPort": 80}], [f"{P}[0].protocol: Required value"]),
]


def test_ports_ok() -> None:
    assert _ports(*PORT_OK) == []


@pytest.mark.parametrize(("ports", "expected"), PORT_ERRORS)
def test_port_errors(ports: list[dict[str, Any]], expected: list[str]) -> None:
    assert _ports(*ports) == expected


def _container(**fields: Any) -> dict[str, Any]:
    return {
        "name": "web",
        "image": "app:1",
        "imagePullPolicy": "IfNotPresent",
        "terminationMessagePolicy": "File",
        **fields,
    }


def _pod_spec(
    *containers: dict[str, Any], init: list[dict[str, Any]] | None = None, **spec: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "containers": list(containers),
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst",
        **spec,
    }
    if init is not None:
        out["initContainers"] = init
    return out


R = "spec.containers[0].resources"

# validation_test.go TestValidateResourceRequirements / the limits-and-requests messages of
# ValidateResourceRequirements (issue 10's example is the first).
RESOURCES = [
    (
        {"requests": {"memory": "1Gi"}, "limits": {"memory": "512Mi"}},
        [
            f'{R}.requests: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi'
        ],
    ),
    (
        {"requests": {"cpu": "2"}, "limits": {"cpu": "500m"}},
        [f'{R}.requests: Invalid value: "2": must be less than or equal to cpu limit of 500m'],
    ),
    (
        {"requests": {"cpu": "500m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "128Mi"}},
        [],
    ),
    (
        {"requests": {"cpu": "-1"}},
        [f'{R}.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0'],
    ),
    (
        {"limits": {"gpu": "1"}},
        [f'{R}.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers'],
    ),
    (
        {"requests": {"hugepages-2Mi": "2Mi"}, "limits": {"hugepages-2Mi": "4Mi"}},
        [f'{R}.requests: Invalid value: "2Mi": must be equal to hugepages-2Mi limit of 4Mi'],
    ),
    (
        {"requests": {"example.com/foo": "1"}},
        [f"{R}.limits: Required value: Limit must be set for non overcommitable resources"],
    ),
]


@pytest.mark.parametrize(("resources", "expected"), RESOURCES)
def test_resources(resources: dict[str, Any], expected: list[str]) -> None:
    assert (
        _errors(v.validate_pod_spec(_pod_spec(_container(resources=resources)), "spec")) == expected
    )


INIT_0 = "spec.initContainers[0]"
PROBE = {"exec": {"command": ["true"]}}

# validation_test.go TestValidateInitContainers: regular init containers may not have probes
# or lifecycle hooks; restartable ones (native sidecars) may, and nothing else than Always.
INIT = [
    (
        [_container(name="init", readinessProbe=dict(PROBE))],
        [
            f"{INIT_0}.readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"
        ],
    ),
    (
        [_container(name="init", livenessProbe=dict(PROBE), startupProbe=dict(PROBE))],
        [
            f"{INIT_0}.livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
            f"{INIT_0}.startupProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
        ],
    ),
    (
        [_container(name="init", lifecycle={"postStart": dict(PROBE)})],
        [
            f"{INIT_0}.lifecycle: Forbidden: may not be set for init containers without restartPolicy=Always"
        ],
    ),
    (
        [
            _container(
                name="log", restartPolicy="Always", readinessProbe={**PROBE, "successThreshold": 1}
            )
        ],
        [],
    ),
    (
        [_container(name="log", restartPolicy="OnFailure")],
        [f'{INIT_0}.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
    ),
    ([_container(name="web")], [f'{INIT_0}.name: Duplicate value: "web"']),
]


@pytest.mark.parametrize(("init", "expected"), INIT)
def test_init_containers_and_sidecars(init: list[dict[str, Any]], expected: list[str]) -> None:
    assert _errors(v.validate_pod_spec(_pod_spec(_container(), init=init), "spec")) == expected


C = "spec.containers[0]"

# validation_test.go TestValidateContainers error cases (probes, restartPolicy, names, image).
CONTAINERS = [
    (
        _container(restartPolicy="Always"),
        [f"{C}.restartPolicy: Forbidden: may not be set for non-init containers"],
    ),
    (
        _container(livenessProbe={**PROBE, "successThreshold": 2}),
        [f"{C}.livenessProbe.successThreshold: Invalid value: 2: must be 1"],
    ),
    (
        _container(readinessProbe={"periodSeconds": 5}),
        [f"{C}.readinessProbe: Required value: must specify a handler type"],
    ),
    (
        _container(
            readinessProbe={"tcpSocket": {"port": 8000}, "httpGet": {"path": "/", "port": 8000}}
        ),
        [f"{C}.readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"],
    ),
    (
        _container(readinessProbe={"httpGet": {"path": "/", "port": 0}}),
        [
            f"{C}.readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive"
        ],
    ),
    (_container(name=""), [f"{C}.name: Required value"]),
    (_container(image=""), [f"{C}.image: Required value"]),
    (
        _container(imagePullPolicy="Sometimes"),
        [
            f'{C}.imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'
        ],
    ),
    (
        _container(volumeMounts=[{"name": "data", "mountPath": "/data"}]),
        [f'{C}.volumeMounts[0].name: Not found: "data"'],
    ),
    (
        _container(
            volumeMounts=[
                {"name": "cache", "mountPath": "/c"},
                {"name": "cache", "mountPath": "/c"},
            ]
        ),
        [f'{C}.volumeMounts[1].mountPath: Invalid value: "/c": must be unique'],
    ),
    (_container(env=[{"name": ""}]), [f"{C}.env[0].name: Required value"]),
    (
        _container(env=[{"name": "abc", "valueFrom": {}}]),
        [
            f'{C}.env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'
        ],
    ),
    (
        _container(
            env=[
                {
                    "name": "abc",
                    "value": "foo",
                    "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}},
                }
            ]
        ),
        [
            f'{C}.env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty'
        ],
    ),
]


@pytest.mark.parametrize(("container", "expected"), CONTAINERS)
def test_container_errors(container: dict[str, Any], expected: list[str]) -> None:
    spec = _pod_spec(container, volumes=[{"name": "cache", "emptyDir": {}}])
    assert _errors(v.validate_pod_spec(spec, "spec")) == expected


def test_pod_spec_errors() -> None:
    # validation_test.go TestValidatePodSpec: restartPolicy, dnsPolicy, containers required,
    # duplicate volumes, a volume with two sources.
    spec = {
        "containers": [],
        "restartPolicy": "Sometimes",
        "dnsPolicy": "Local",
        "volumes": [
            {"name": "a", "emptyDir": {}},
            {"name": "a", "emptyDir": {}},
            {"name": "b", "emptyDir": {}, "configMap": {"name": "x"}},
        ],
    }
    assert _errors(v.validate_pod_spec(spec, "spec")) == [
        'spec.volumes[1].name: Duplicate value: "a"',
        "spec.volumes[2].configMap: Forbidden: may not specify more than 1 volume type",
        "spec.containers: Required value",
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
        'spec.dnsPolicy: Unsupported value: "Local": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]


# --------------------------------------------------------------------------- workloads


def _deployment(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
        },
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": _pod_spec(_container())},
        "progressDeadlineSeconds": 600,
        "revisionHistoryLimit": 10,
    }
    base.update(spec)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": base,
    }


# apps/validation/validation_test.go TestValidateDeployment error cases, with the messages
# ValidateDeploymentSpec / ValidateRollingUpdateDeployment give.
DEPLOYMENTS = [
    (
        {"selector": None},
        [
            "spec.selector: Required value",
            'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
        ],
    ),
    (
        {"selector": {"matchLabels": {"app": "api"}}},
        [
            'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'
        ],
    ),
    (
        {"selector": {"matchLabels": {}}},
        [
            "spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}: empty selector is invalid for deployment"
        ],
    ),
    ({"replicas": -1}, ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]),
    (
        {
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0},
            }
        },
        [
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"
        ],
    ),
    (
        {
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "20%", "maxUnavailable": "110%"},
            }
        },
        [
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 110%: must not be greater than 100%"
        ],
    ),
    (
        {
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "twenty", "maxUnavailable": 1},
            }
        },
        [
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: twenty: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
        ],
    ),
    (
        {"strategy": {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}},
        [
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"
        ],
    ),
    (
        {"progressDeadlineSeconds": 5, "minReadySeconds": 10},
        ["spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds"],
    ),
    (
        {
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": _pod_spec(_container(), restartPolicy="Never"),
            }
        },
        [
            'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'
        ],
    ),
]


@pytest.mark.parametrize(("spec", "expected"), DEPLOYMENTS)
def test_deployment_errors(spec: dict[str, Any], expected: list[str]) -> None:
    obj = _deployment(**spec)
    if spec.get("selector", 0) is None:
        obj["spec"].pop("selector")
    assert _errors(v.validate(obj)) == expected


def test_a_valid_deployment_has_no_errors() -> None:
    assert v.validate(_deployment()) == []


def test_job_restart_policy() -> None:
    # batch/validation: a Job's Pods may not restart Always.
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "pi", "namespace": "default"},
        "spec": {"template": {"spec": _pod_spec(_container())}},
    }
    assert _errors(v.validate(job)) == [
        'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'
    ]


def test_service_errors() -> None:
    # validation_test.go TestValidateServiceCreate: names are DNS-1035 labels, several ports
    # need names, port numbers in range, nodePort only with NodePort/LoadBalancer.
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "1web", "namespace": "default"},
        "spec": {
            "type": "ClusterIP",
            "ports": [
                {"port": 80, "protocol": "TCP", "targetPort": 80},
                {"port": 70000, "protocol": "TCP", "targetPort": 8000, "nodePort": 30001},
            ],
        },
    }
    assert _errors(v.validate(svc)) == [
        'metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters '
        "or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
        "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        "spec.ports[0].name: Required value",
        "spec.ports[1].name: Required value",
        "spec.ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
        "spec.ports[1].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]


def test_labels_and_config_keys() -> None:
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "default", "labels": {"tier": "front end"}},
        "data": {"bad key": "x", "good.key": "y"},
    }
    assert _errors(v.validate(cm)) == [
        'metadata.labels: Invalid value: "front end": a valid label must be an empty string or consist of '
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        'data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '
        "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
        "'[-._a-zA-Z0-9]+')",
    ]


# --------------------------------------------------------------------------- through the store


@pytest.fixture
def store() -> api.Store:
    return api.Store.of(Sandbox.new().world)


def _pod(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web"},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}], **spec},
    }


def test_issue_10s_invalid_message(store: api.Store) -> None:
    pod = _pod(
        containers=[
            {
                "name": "web",
                "image": "nginx:1.27",
                "resources": {"requests": {"memory": "1Gi"}, "limits": {"memory": "512Mi"}},
            }
        ]
    )
    with pytest.raises(api.ApiError) as refused:
        store.create(pod, user=api.ADMIN)
    error = refused.value
    assert (error.reason, error.code, error.kind, error.name) == ("Invalid", 422, "Pod", "web")
    assert error.causes == [
        {
            "reason": "FieldValueInvalid",
            "field": "spec.containers[0].resources.requests",
            "message": 'Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi',
        }
    ]
    assert error.message == (
        'Pod "web" is invalid: spec.containers[0].resources.requests: Invalid value: "1Gi": '
        "must be less than or equal to memory limit of 512Mi"
    )


@pytest.mark.parametrize(
    ("pod", "message"),
    [
        # The decoder: strict field validation, Go's type errors, quantities.
        (
            _pod(containers=[{"name": "web", "image": "nginx:1.27", "imagePullPolice": "Always"}]),
            'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolice"',
        ),
        (
            _pod(
                containers=[
                    {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": "80"}]}
                ]
            ),
            'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field '
            "ContainerPort.spec.containers.ports.containerPort of type int32",
        ),
        (
            _pod(
                containers=[
                    {"name": "web", "image": "nginx:1.27", "env": [{"name": "PORT", "value": 8000}]}
                ]
            ),
            'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field '
            "EnvVar.spec.containers.env.value of type string",
        ),
        (
            _pod(
                containers=[
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "resources": {"limits": {"memory": "512mi"}},
                    }
                ]
            ),
            'Pod in version "v1" cannot be handled as a Pod: unable to parse quantity\'s suffix',
        ),
        (
            _pod(
                containers=[
                    {"name": "web", "image": "nginx:1.27", "resources": {"limits": {"cpu": "half"}}}
                ]
            ),
            'Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression '
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        ),
    ],
)
def test_decoding_errors(store: api.Store, pod: dict[str, Any], message: str) -> None:
    with pytest.raises(api.ApiError) as refused:
        store.create(pod, user=api.ADMIN)
    assert (refused.value.reason, refused.value.message) == ("BadRequest", message)


def test_labels_must_be_strings_when_decoded(store: api.Store) -> None:
    # The error learners meet when a YAML label value is a number.
    pod = _pod()
    pod["metadata"]["labels"] = {"version": 2}
    with pytest.raises(api.ApiError) as refused:
        store.create(pod, user=api.ADMIN)
    assert refused.value.message.endswith(
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
    )


def test_the_selector_is_immutable(store: api.Store) -> None:
    deployment = _deployment()
    deployment["metadata"].pop("namespace")
    store.create(deployment, user=api.ADMIN)
    changed = copy.deepcopy(store.require("deployments", "default", "web"))
    changed["spec"]["selector"] = {"matchLabels": {"app": "web", "tier": "front"}}
    changed["spec"]["template"]["metadata"]["labels"]["tier"] = "front"
    with pytest.raises(api.ApiError) as refused:
        store.update(changed, user=api.ADMIN)
    assert list(v.field_errors(refused.value)) == [
        "spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{app: web,tier: front,},"
        "MatchExpressions:[]LabelSelectorRequirement{},}: field is immutable"
    ]


def test_a_pods_spec_is_immutable_but_its_image_is_not(store: api.Store) -> None:
    store.create(_pod(), user=api.ADMIN)
    new_image = copy.deepcopy(store.require("pods", "default", "web"))
    new_image["spec"]["containers"][0]["image"] = "nginx:1.28"
    store.update(new_image, user=api.ADMIN)
    new_env = copy.deepcopy(store.require("pods", "default", "web"))
    new_env["spec"]["containers"][0]["env"] = [{"name": "A", "value": "b"}]
    with pytest.raises(api.ApiError) as refused:
        store.update(new_env, user=api.ADMIN)
    assert list(v.field_errors(refused.value)) == [
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
        "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
        "previously negative)"
    ]


def test_the_system_is_not_validated(store: api.Store) -> None:
    # Our controllers' writes are built valid; upstream's fixtures may not be.
    obj = _deployment(
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}
    )
    obj["metadata"].pop("namespace")
    assert store.create(obj)["metadata"]["name"] == "web"


def test_kubectl_prints_the_invalid_answer() -> None:
    box = Sandbox.new()
    box.put(
        "web.yaml",
        """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
""",
    )
    assert box.run("kubectl apply -f web.yaml") == (
        1,
        'The Deployment "web" is invalid: \n'
        "* spec.selector: Required value\n"
        '* spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`\n',
    )
