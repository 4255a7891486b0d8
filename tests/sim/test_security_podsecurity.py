"""Pod Security Admission in the simulated API server (learn/sim/kube/podsecurity.py).

The check cases are transcribed from kubernetes/kubernetes
staging/src/k8s.io/pod-security-admission/policy/:
- check_runAsNonRoot_test.go (TestRunAsNonRoot: 5 cases)
- check_capabilities_restricted_test.go (TestCapabilitiesRestricted: 1 case)
- check_seccompProfile_restricted_test.go (TestSeccompProfileRestricted: 4 cases)
- check_hostNamespaces_test.go (TestHostNamespaces: 1 case)
- check_allowPrivilegeEscalation_test.go (TestAllowPrivilegeEscalation: 1 case)
- check_privileged_test.go (TestPrivileged: 1 case, the one without field errors)
- check_hostPathVolumes_test.go (TestHostPathVolumes: 1 case)
- check_capabilities_baseline_test.go (TestCapabilitiesBaseline: 1 case)
The end-to-end messages (the order of the reasons, `violates PodSecurity "restricted:latest"`,
`would violate ...` warnings, `restricted volume types (volume "x" uses restricted volume type
"hostPath")`) follow policy/registry.go (EvaluatePod), policy/check_restrictedVolumes.go,
admission/admission.go and the API server's admission/errors.go (a generated name is refused
under its generateName), as real clusters print them.
"""

from __future__ import annotations

from typing import Any

import pytest

from learn.sim import Sandbox
from learn.sim.kube import podsecurity as psa


def _c(name: str, **sc: Any) -> dict[str, Any]:
    return {"name": name, "securityContext": sc} if sc else {"name": name}


def _cb(name: str) -> dict[str, Any]:
    return {"name": name, "securityContext": {}}  # SecurityContext: &corev1.SecurityContext{}


CASES = [
    # check_runAsNonRoot_test.go
    (
        psa.run_as_non_root,
        {"containers": [_c("a")]},
        ("runAsNonRoot != true", 'pod or container "a" must set securityContext.runAsNonRoot=true'),
    ),
    (
        psa.run_as_non_root,
        {"securityContext": {"runAsNonRoot": False}, "containers": [_c("a")]},
        ("runAsNonRoot != true", "pod must not set securityContext.runAsNonRoot=false"),
    ),
    (
        psa.run_as_non_root,
        {
            "securityContext": {"runAsNonRoot": True},
            "containers": [
                _c("a"),
                _cb("b"),
                _c("c", runAsNonRoot=False),
                _c("d", runAsNonRoot=False),
                _c("e", runAsNonRoot=True),
                _c("f", runAsNonRoot=True),
            ],
        },
        (
            "runAsNonRoot != true",
            'containers "c", "d" must not set securityContext.runAsNonRoot=false',
        ),
    ),
    (
        psa.run_as_non_root,
        {
            "containers": [
                _c("a"),
                _cb("b"),
                _c("d", runAsNonRoot=True),
                _c("e", runAsNonRoot=True),
            ]
        },
        (
            "runAsNonRoot != true",
            'pod or containers "a", "b" must set securityContext.runAsNonRoot=true',
        ),
    ),
    (psa.run_as_non_root, {"hostUsers": False}, None),
    # check_capabilities_restricted_test.go
    (
        psa.capabilities_restricted,
        {
            "containers": [
                _c("a", capabilities={"add": ["FOO", "BAR"]}),
                _c("b", capabilities={"add": ["BAR", "BAZ"]}),
                _c(
                    "c", capabilities={"add": ["NET_BIND_SERVICE", "CHOWN"], "drop": ["ALL", "FOO"]}
                ),
            ]
        },
        (
            "unrestricted capabilities",
            'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; '
            'containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in '
            "securityContext.capabilities.add",
        ),
    ),
    # check_seccompProfile_restricted_test.go
    (
        psa.seccomp_restricted,
        {"containers": [_c("a")]},
        (
            "seccompProfile",
            'pod or container "a" must set securityContext.seccompProfile.type to '
            '"RuntimeDefault" or "Localhost"',
        ),
    ),
    (
        psa.seccomp_restricted,
        {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [_c("a")]},
        ("seccompProfile", 'pod must not set securityContext.seccompProfile.type to "Unconfined"'),
    ),
    (
        psa.seccomp_restricted,
        {
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [
                _c("a"),
                _cb("b"),
                _c("c", seccompProfile={"type": "Unconfined"}),
                _c("d", seccompProfile={"type": "Unconfined"}),
                _c("e", seccompProfile={"type": "RuntimeDefault"}),
                _c("f", seccompProfile={"type": "RuntimeDefault"}),
            ],
        },
        (
            "seccompProfile",
            'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
        ),
    ),
    (
        psa.seccomp_restricted,
        {
            "containers": [
                _c("a"),
                _cb("b"),
                _c("d", seccompProfile={"type": "RuntimeDefault"}),
                _c("e", seccompProfile={"type": "RuntimeDefault"}),
            ]
        },
        (
            "seccompProfile",
            'pod or containers "a", "b" must set securityContext.seccompProfile.type to '
            '"RuntimeDefault" or "Localhost"',
        ),
    ),
    # check_hostNamespaces_test.go
    (
        psa.host_namespaces,
        {"hostNetwork": True, "hostIPC": True, "hostPID": True},
        ("host namespaces", "hostNetwork=true, hostPID=true, hostIPC=true"),
    ),
    # check_allowPrivilegeEscalation_test.go
    (
        psa.allow_privilege_escalation,
        {
            "containers": [
                _c("a"),
                _cb("b"),
                _c("c", allowPrivilegeEscalation=True),
                _c("d", allowPrivilegeEscalation=False),
            ]
        },
        (
            "allowPrivilegeEscalation != false",
            'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false',
        ),
    ),
    # check_privileged_test.go
    (
        psa.privileged,
        {
            "containers": [
                _c("a"),
                _cb("b"),
                _c("c", privileged=False),
                _c("d", privileged=True),
                _c("e", privileged=True),
            ]
        },
        ("privileged", 'containers "d", "e" must not set securityContext.privileged=true'),
    ),
    # check_hostPathVolumes_test.go
    (
        psa.host_path_volumes,
        {
            "volumes": [
                {"name": "a", "hostPath": {}},
                {"name": "b", "hostPath": {}},
                {"name": "c", "emptyDir": {}},
            ]
        },
        ("hostPath volumes", 'volumes "a", "b"'),
    ),
    # check_capabilities_baseline_test.go
    (
        psa.capabilities_baseline,
        {
            "containers": [
                _c("a", capabilities={"add": ["FOO", "BAR"]}),
                _c("b", capabilities={"add": ["BAR", "BAZ"]}),
            ]
        },
        (
            "non-default capabilities",
            'containers "a", "b" must not include "BAR", "BAZ", "FOO" in '
            "securityContext.capabilities.add",
        ),
    ),
]


@pytest.mark.parametrize(("check", "spec", "expected"), CASES)
def test_upstream_check_cases(check: psa.Check, spec: dict[str, Any], expected: Any) -> None:
    assert check(spec) == expected


LOCKED = """\
apiVersion: v1
kind: Pod
metadata:
  name: ok
  namespace: learn
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 101
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: c
      image: nginx:1.28
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
"""

NGINX_REASONS = (
    'allowPrivilegeEscalation != false (container "debug" must set '
    "securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "
    '"debug" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or '
    'container "debug" must set securityContext.runAsNonRoot=true), seccompProfile (pod or '
    'container "debug" must set securityContext.seccompProfile.type to "RuntimeDefault" or '
    '"Localhost")'
)


def _namespace(**labels: str) -> Sandbox:
    box = Sandbox.new()
    assert box.run("kubectl create namespace learn")[0] == 0
    text = " ".join(f"pod-security.kubernetes.io/{k}={v}" for k, v in labels.items())
    assert box.run(f"kubectl label namespace learn {text}")[0] == 0
    return box


def test_enforce_restricted_refuses_a_bare_nginx_pod() -> None:
    box = _namespace(enforce="restricted")
    assert box.run("kubectl -n learn run debug --image=nginx:1.28") == (
        1,
        'Error from server (Forbidden): pods "debug" is forbidden: violates PodSecurity '
        f'"restricted:latest": {NGINX_REASONS}\n',
    )
    assert box.run("kubectl -n learn get pods") == (0, "No resources found in learn namespace.\n")


def test_the_refusal_names_the_file_and_lists_baseline_reasons_first() -> None:
    box = _namespace(enforce="restricted")
    box.put(
        "x.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: learn}\nspec:\n"
        "  containers: [{name: c, image: nginx:1.28, securityContext: {privileged: true}}]\n"
        "  volumes: [{name: host, hostPath: {path: /}}]\n",
    )
    code, out = box.run("kubectl apply -f x.yaml")
    assert code == 1
    assert out.startswith(
        'Error from server (Forbidden): error when creating "x.yaml": pods "x" is forbidden: '
        'violates PodSecurity "restricted:latest": privileged (container "c" must not set '
        "securityContext.privileged=true), allowPrivilegeEscalation != false"
    )
    assert 'restricted volume types (volume "host" uses restricted volume type "hostPath")' in out


def test_baseline_allows_root_but_refuses_host_path_and_host_network() -> None:
    box = _namespace(enforce="baseline", **{"enforce-version": "v1.34"})
    assert box.run("kubectl -n learn run web --image=nginx:1.28")[0] == 0
    box.put(
        "h.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: h, namespace: learn}\nspec:\n"
        "  hostNetwork: true\n  containers: [{name: c, image: nginx:1.28}]\n"
        "  volumes: [{name: logs, hostPath: {path: /var/log}}]\n",
    )
    assert box.run("kubectl apply -f h.yaml") == (
        1,
        'Error from server (Forbidden): error when creating "h.yaml": pods "h" is forbidden: '
        'violates PodSecurity "baseline:v1.34": host namespaces (hostNetwork=true), '
        'hostPath volumes (volume "logs")\n',
    )


def test_a_compliant_pod_is_admitted_and_runs() -> None:
    box = _namespace(enforce="restricted", warn="restricted")
    assert box.run("kubectl apply -f -", stdin=LOCKED) == (0, "pod/ok created\n")
    box.run("sleep 20")
    assert "Running" in box.run("kubectl -n learn get pod ok")[1]


def test_warn_admits_with_the_warning_before_the_created_line() -> None:
    box = _namespace(warn="restricted")
    assert box.run("kubectl -n learn run debug --image=nginx:1.28") == (
        0,
        f'Warning: would violate PodSecurity "restricted:latest": {NGINX_REASONS}\n'
        "pod/debug created\n",
    )


def test_a_deployment_is_admitted_and_its_replicaset_fails_to_create_pods() -> None:
    box = _namespace(enforce="restricted", warn="restricted")
    code, out = box.run("kubectl -n learn create deployment web --image=nginx:1.28 --replicas=3")
    assert code == 0
    assert out.startswith('Warning: would violate PodSecurity "restricted:latest": ')
    assert out.endswith("deployment.apps/web created\n")
    box.run("sleep 30")
    assert box.run("kubectl -n learn get pods")[1] == "No resources found in learn namespace.\n"
    _, events = box.run("kubectl -n learn get events")
    failed = [line for line in events.splitlines() if "FailedCreate" in line]
    assert len(failed) == 1
    assert 'Error creating: pods "web-' in failed[0]
    assert '-" is forbidden: violates PodSecurity "restricted:latest": ' in failed[0]


def test_enforce_alone_gives_a_workload_no_warning() -> None:
    box = _namespace(enforce="restricted")
    code, out = box.run("kubectl -n learn create deployment web --image=nginx:1.28")
    assert (code, out) == (0, "deployment.apps/web created\n")


def test_an_unlabelled_or_privileged_namespace_allows_everything() -> None:
    box = _namespace(enforce="privileged")
    assert box.run("kubectl -n learn run debug --image=nginx:1.28") == (0, "pod/debug created\n")
    assert Sandbox.new().run("kubectl run debug --image=nginx:1.28") == (0, "pod/debug created\n")
