"""securityContext as the kubelet and the container runtime apply it: runAsNonRoot checked
against the image's user before a container is created, the user and groups a process runs
with (`id`), and a read-only root filesystem.

Sources of the expected values, upstream:
- kubernetes/kubernetes pkg/kubelet/kuberuntime/security_context_others.go (verifyRunAsNonRoot):
  "container has runAsNonRoot and image will run as root (pod: %q, container: %s)",
  "container has runAsNonRoot and image has non-numeric user (%s), cannot verify user is
  non-root (pod: %q, container: %s)", "container's runAsUser breaks non-root policy (pod: %q,
  container: %s)"; the pod is printed by pkg/kubelet/util/format (format.Pod:
  "NAME_NAMESPACE(UID)"); the kubelet's event is "Error: " + the message, reason Failed
  (kuberuntime_container.go startContainer), the waiting reason CreateContainerConfigError.
- kubernetes/kubernetes pkg/kubelet/kuberuntime/kuberuntime_image.go (getImageUser): an image
  with neither a uid nor a user name runs as uid 0.
- containerd pkg/oci/spec_opts.go (WithUser, WithUserID, WithAdditionalGIDs): a uid without
  a gid takes the passwd entry's group, or gid 0 without one; the primary gid is among the
  groups; the kernel keeps the group list sorted (setgroups).
- The images' users: nginx, postgres (root, then gosu to postgres inside its entrypoint) and
  busybox have no USER; distroless `nonroot` tags run as 65532; the course app's Dockerfile
  says USER 10001:10001 (Dockerfile at the top of this repository).
"""

from __future__ import annotations

from learn.sim import Sandbox
from learn.sim.images import learn_web_images, resolve
from learn.sim.kube.api import Store

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  securityContext: {pod_sc}
  containers:
    - name: c
      image: {image}
      securityContext: {sc}
"""


def _run(image: str, *, sc: str = "{}", pod_sc: str = "{}", name: str = "p") -> Sandbox:
    box = Sandbox.new(images=learn_web_images(("registry.example.org/learn/web",)))
    code, out = box.run(
        "kubectl apply -f -", stdin=POD.format(name=name, image=image, sc=sc, pod_sc=pod_sc)
    )
    assert code == 0, out
    box.run("sleep 20")
    return box


def _waiting(box: Sandbox, name: str = "p") -> dict[str, str]:
    pod = Store.of(box.world).require("pods", "default", name)
    state = pod["status"]["containerStatuses"][0]["state"]
    return state.get("waiting") or {}


def test_nginx_as_root_under_run_as_non_root_is_create_container_config_error() -> None:
    box = _run("nginx:1.28", pod_sc="{runAsNonRoot: true}")
    pod = Store.of(box.world).require("pods", "default", "p")
    uid = pod["metadata"]["uid"]
    expected = (
        f'container has runAsNonRoot and image will run as root (pod: "p_default({uid})", '
        "container: c)"
    )
    assert _waiting(box) == {"reason": "CreateContainerConfigError", "message": expected}
    code, out = box.run("kubectl get pod p")
    assert "CreateContainerConfigError" in out.splitlines()[1]
    code, out = box.run("kubectl describe pod p")
    assert f"Error: {expected}" in out


def test_postgres_and_busybox_run_as_root_too() -> None:
    for image in ("postgres:17", "busybox:1.36"):
        box = _run(image, sc="{runAsNonRoot: true}")
        assert "image will run as root" in _waiting(box)["message"], image


def test_a_non_numeric_image_user_cannot_be_verified() -> None:
    box = Sandbox.new(
        images={
            "registry.example.org/learn/named": {
                "program": "learn-web",
                "tags": {"1.0": {"user": "app"}},
            }
        }
    )
    box.run(
        "kubectl apply -f -",
        stdin=POD.format(
            name="p",
            image="registry.example.org/learn/named:1.0",
            sc="{}",
            pod_sc="{runAsNonRoot: true}",
        ),
    )
    box.run("sleep 20")
    message = _waiting(box)["message"]
    assert message.startswith(
        "container has runAsNonRoot and image has non-numeric user (app), cannot verify user is "
        'non-root (pod: "p_default('
    )


def test_run_as_user_zero_breaks_the_policy_and_a_numeric_user_passes() -> None:
    box = _run("nginx:1.28", sc="{runAsNonRoot: true, runAsUser: 0}")
    assert _waiting(box)["message"].startswith("container's runAsUser breaks non-root policy")
    box = _run("nginx:1.28", sc="{runAsNonRoot: true, runAsUser: 101}")
    code, out = box.run("kubectl get pod p")
    assert "Running" in out.splitlines()[1]


def test_the_course_app_and_distroless_nonroot_pass_run_as_non_root() -> None:
    box = _run("registry.example.org/learn/web:0.1.0", pod_sc="{runAsNonRoot: true}")
    assert _waiting(box) == {}
    assert resolve("gcr.io/distroless/static-debian12:nonroot").config.user == "65532"  # type: ignore[union-attr]
    assert resolve("gcr.io/distroless/static-debian12:latest").config.user == ""  # type: ignore[union-attr]


def _sleeper(sc: str, pod_sc: str = "{}") -> Sandbox:
    box = Sandbox.new()
    text = POD.format(name="q", image="busybox:1.36", sc=sc, pod_sc=pod_sc)
    text += "      command: [sleep, '3600']\n"
    code, out = box.run("kubectl apply -f -", stdin=text)
    assert code == 0, out
    box.run("sleep 20")
    return box


def test_id_as_root_names_root() -> None:
    box = _sleeper("{}")
    assert box.run("kubectl exec q -- id") == (0, "uid=0(root) gid=0(root) groups=0(root)\n")


def test_run_as_user_without_run_as_group_runs_with_gid_zero() -> None:
    box = _sleeper("{runAsUser: 10001}")
    assert box.run("kubectl exec q -- id") == (0, "uid=10001 gid=0(root) groups=0(root)\n")


def test_run_as_group_and_fs_group_are_the_groups() -> None:
    # kubernetes.io "Configure a Security Context for a Pod or Container": runAsUser 1000,
    # runAsGroup 3000, fsGroup 2000 -> uid=1000 gid=3000 groups=2000,3000
    box = _sleeper("{}", pod_sc="{runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000}")
    assert box.run("kubectl exec q -- id") == (0, "uid=1000 gid=3000 groups=2000,3000\n")


def test_read_only_root_filesystem_refuses_writes_but_not_to_an_empty_dir() -> None:
    box = Sandbox.new()
    text = POD.format(
        name="q", image="busybox:1.36", sc="{readOnlyRootFilesystem: true}", pod_sc="{}"
    )
    text += (
        "      command: [sleep, '3600']\n"
        "      volumeMounts: [{name: tmp, mountPath: /tmp}]\n"
        "  volumes: [{name: tmp, emptyDir: {}}]\n"
    )
    assert box.run("kubectl apply -f -", stdin=text)[0] == 0
    box.run("sleep 20")
    # kubectl exec adds its own line for a non-zero exit (kubectl's exec.go, CodeExitError).
    assert box.run("kubectl exec q -- touch /x") == (
        1,
        "touch: /x: Read-only file system\ncommand terminated with exit code 1\n",
    )
    assert box.run("kubectl exec q -- touch /tmp/x") == (0, "")
