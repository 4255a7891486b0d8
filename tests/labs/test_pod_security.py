"""The `pod_security_restricted` lab check decides, and words its refusal, as the API server's
Pod Security Admission does. Expected values come from upstream:
kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_*_test.go
(expectReason / expectDetail) and the refusals the API server prints, as shown in
kubernetes.io "Apply Pod Security Standards at the Namespace Level"."""

from __future__ import annotations

from typing import Any

import pytest

from learn.labs.checks import psa_restricted_violations

COMPLIANT_CONTAINER: dict[str, Any] = {
    "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
}
COMPLIANT_POD: dict[str, Any] = {
    "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
}


def container(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "image": "nginx:1.28", **extra}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # `kubectl run` of a bare Pod in a restricted namespace
        (
            {"containers": [container("debug")]},
            [
                'allowPrivilegeEscalation != false (container "debug" must set '
                "securityContext.allowPrivilegeEscalation=false)",
                'unrestricted capabilities (container "debug" must set '
                'securityContext.capabilities.drop=["ALL"])',
                'runAsNonRoot != true (pod or container "debug" must set '
                "securityContext.runAsNonRoot=true)",
                'seccompProfile (pod or container "debug" must set '
                'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
            ],
        ),
        # two containers are listed together, in the plural
        (
            {"containers": [container("web"), container("log")]},
            [
                'allowPrivilegeEscalation != false (containers "web", "log" must set '
                "securityContext.allowPrivilegeEscalation=false)",
                'unrestricted capabilities (containers "web", "log" must set '
                'securityContext.capabilities.drop=["ALL"])',
                'runAsNonRoot != true (pod or containers "web", "log" must set '
                "securityContext.runAsNonRoot=true)",
                'seccompProfile (pod or containers "web", "log" must set '
                'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
            ],
        ),
        # check_runAsNonRoot_test.go, "pod runAsNonRoot=false"
        (
            {
                "securityContext": {
                    "runAsNonRoot": False,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "containers": [container("a", **COMPLIANT_CONTAINER)],
            },
            ["runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)"],
        ),
        # host namespaces and a host port, everything else compliant
        (
            {
                **COMPLIANT_POD,
                "hostNetwork": True,
                "hostPID": True,
                "hostIPC": True,
                "containers": [
                    container("test", ports=[{"containerPort": 80, "hostPort": 8080}])
                    | COMPLIANT_CONTAINER
                ],
            },
            [
                "host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)",
                'hostPort (container "test" uses hostPort 8080)',
            ],
        ),
        # privileged, added capabilities, explicit root
        (
            {
                "securityContext": {"runAsUser": 0},
                "containers": [
                    container(
                        "api",
                        securityContext={
                            "privileged": True,
                            "runAsNonRoot": False,
                            "capabilities": {"add": ["NET_ADMIN", "SYS_TIME"]},
                        },
                    )
                ],
            },
            [
                'privileged (container "api" must not set securityContext.privileged=true)',
                'allowPrivilegeEscalation != false (container "api" must set '
                "securityContext.allowPrivilegeEscalation=false)",
                'unrestricted capabilities (container "api" must set '
                'securityContext.capabilities.drop=["ALL"]; container "api" must not include '
                '"NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add)',
                'runAsNonRoot != true (container "api" must not set '
                "securityContext.runAsNonRoot=false)",
                "runAsUser=0 (pod must not set runAsUser=0)",
                'seccompProfile (pod or container "api" must set '
                'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
            ],
        ),
        # hostPath is reported by the restricted volume check, after capabilities
        (
            {
                **COMPLIANT_POD,
                "containers": [container("agent") | COMPLIANT_CONTAINER],
                "volumes": [
                    {"name": "varlog", "hostPath": {"path": "/var/log"}},
                    {"name": "tmp", "emptyDir": {}},
                ],
            },
            ['restricted volume types (volume "varlog" uses restricted volume type "hostPath")'],
        ),
    ],
    ids=[
        "bare-pod",
        "two-containers",
        "pod-run-as-root",
        "host-namespaces",
        "everything",
        "hostpath",
    ],
)
def test_violations_match_the_api_server(spec: dict[str, Any], expected: list[str]) -> None:
    assert psa_restricted_violations(spec) == expected


def test_a_compliant_pod_passes_and_net_bind_service_may_be_added() -> None:
    spec = {
        **COMPLIANT_POD,
        "containers": [
            container(
                "web",
                securityContext={
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
                },
            )
        ],
        "initContainers": [container("init") | COMPLIANT_CONTAINER],
        "volumes": [{"name": "tmp", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "x"}}],
    }
    assert psa_restricted_violations(spec) == []


def test_a_container_seccomp_setting_overrides_a_missing_pod_one() -> None:
    spec = {
        "securityContext": {"runAsNonRoot": True},
        "containers": [
            container(
                "web",
                securityContext={
                    **COMPLIANT_CONTAINER["securityContext"],
                    "seccompProfile": {"type": "Localhost", "localhostProfile": "web.json"},
                },
            ),
            container("side") | COMPLIANT_CONTAINER,
        ],
    }
    assert psa_restricted_violations(spec) == [
        'seccompProfile (pod or container "side" must set '
        'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")'
    ]
