"""What the sandbox refuses, said plainly, and the shells containers really have.

Sources:
- staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go AddFilenameOptionFlags
  (kubernetes/kubernetes): apply, delete, scale, set, label, ... all take -f, -R and
  -k/--kustomize. The sandbox has no Kustomize: -k is refused with exit code 1 (kubectl's
  error code), and nothing the sandbox prints claims it works.
- docker-library/busybox: the image's /bin/sh is busybox ash; there is no bash.
  docker-library/nginx, postgres, redis, python (-slim): Debian, /bin/sh is dash, bash is
  there. An exec of a missing binary fails as runc reports it
  (`exec: "bash": executable file not found in $PATH`), and kubectl adds
  `command terminated with exit code 127` (staging/src/k8s.io/kubectl/pkg/cmd/exec/exec.go).
"""

from __future__ import annotations

import pytest

from learn.sim import Sandbox

NO_KUSTOMIZE = (
    "error: -k (Kustomize) is not available in this sandbox: it does not render a "
    "kustomization.yaml; apply the manifests themselves with `kubectl apply -f FILE`\n"
)


@pytest.mark.parametrize(
    "line",
    [
        "kubectl apply -k deploy/overlays/prod",
        "kubectl apply --kustomize=deploy/overlays/prod",
        "kubectl delete -k deploy/overlays/prod",
        "kubectl scale -k . --replicas=2",
    ],
)
def test_kustomize_is_refused_clearly(line: str) -> None:
    box = Sandbox.new()
    assert box.run(line) == (1, NO_KUSTOMIZE)
    assert box.world.state["kube"]["objects"] == {}


def test_nothing_the_sandbox_says_claims_apply_k_works() -> None:
    box = Sandbox.new()
    code, out = box.run("helm install web ./chart")
    assert code == 127
    assert "not simulated" in out and "`kubectl apply -k`" in out
    assert "-f FILE" in out
    code, out = box.run("kubectl kustomize deploy/overlays/prod")
    assert code == 1
    assert out.startswith("error: kubectl kustomize") and "is not simulated in this sandbox" in out
    for line in ("help", "kubectl help"):
        _code, out = box.run(line)
        assert "-k" not in out and "kustomiz" not in out.lower()


def test_sh_at_the_prompt_is_not_a_fake_success() -> None:
    box = Sandbox.new()
    code, out = box.run("sh -c 'kubectl get pods'")
    assert code == 127
    assert out.startswith("sh: sh: not available in this sandbox; ")
    assert "kubectl exec POD -- sh -c" in out


@pytest.fixture
def bb() -> Sandbox:
    box = Sandbox.new()
    assert box.run("kubectl run bb --image=busybox:1.36 -- sleep 3600") == (0, "pod/bb created\n")
    assert box.run("kubectl run web --image=nginx:1.27") == (0, "pod/web created\n")
    box.run("sleep 30")
    return box


def test_exec_runs_sh_c_in_a_busybox_container(bb: Sandbox) -> None:
    assert bb.run("kubectl exec bb -- sh -c 'echo hi; echo there'") == (0, "hi\nthere\n")
    # A shell inside the script: its own `exit` ends only that shell.
    assert bb.run("""kubectl exec bb -- sh -c "sh -c 'echo in; exit 3'; echo out" """) == (
        0,
        "in\nout\n",
    )
    assert bb.run("kubectl exec bb -- sh -c 'exit 4'") == (
        4,
        "command terminated with exit code 4\n",
    )
    # No terminal, no script: the shell reads end of input and exits 0.
    assert bb.run("kubectl exec bb -- sh") == (0, "")


def test_busybox_has_no_bash_and_debian_images_do(bb: Sandbox) -> None:
    assert bb.run("kubectl exec bb -- bash -c 'echo hi'") == (
        127,
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": '
        "executable file not found in $PATH: unknown\n"
        "command terminated with exit code 127\n",
    )
    assert bb.run("kubectl exec web -- bash -c 'echo hi'") == (0, "hi\n")
    assert bb.run("kubectl exec bb -- ash -c 'echo hi'") == (0, "hi\n")
