"""kubectl apply's three-way merge on objects the API server has added to.

Sources:
- staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go (applyOneObject): the patch is computed
  from the last-applied configuration, the new file and the live object; an empty patch
  (`{}`) prints `unchanged`, anything else `configured`.
- staging/src/k8s.io/api/core/v1/types.go: `patchStrategy:"merge" patchMergeKey:"name"` on
  PodSpec.containers, .initContainers, .volumes and Container.env; `patchMergeKey:"mountPath"`
  on Container.volumeMounts; `patchMergeKey:"containerPort"` on Container.ports.
- plugin/pkg/admission/serviceaccount/admission.go: the token's projected volume
  `kube-api-access-<5 chars>` and its volumeMount at
  /var/run/secrets/kubernetes.io/serviceaccount, added on CREATE.
- pkg/apis/core/validation/validation.go ValidatePodUpdate: `spec: Forbidden: pod updates
  may not change fields other than ...`.
"""

from __future__ import annotations

import json

from learn.sim import Sandbox

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: app
    image: nginx:1.27
    env:
    - {name: A, value: "1"}
    - {name: B, value: "2"}
    volumeMounts:
    - {name: data, mountPath: /data}
  volumes:
  - name: data
    emptyDir: {}
"""

TOKEN_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"

FORBIDDEN = (
    'The Pod "x" is invalid: spec: Forbidden: pod updates may not change fields other than '
    "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
    "`spec.tolerations` (only additions to existing tolerations),"
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"
)


def _pod(box: Sandbox) -> dict:
    code, out = box.run("kubectl get pod x -o json")
    assert code == 0, out
    return json.loads(out)


def test_reapplying_an_unchanged_pod_is_unchanged_and_keeps_the_token_mount() -> None:
    box = Sandbox.new()
    box.put("pod.yaml", POD)
    assert box.run("kubectl apply -f pod.yaml") == (0, "pod/x created\n")
    before = _pod(box)
    mounts = [m["mountPath"] for m in before["spec"]["containers"][0]["volumeMounts"]]
    assert mounts == ["/data", TOKEN_MOUNT]
    assert [v["name"] for v in before["spec"]["volumes"]][1].startswith("kube-api-access-")

    assert box.run("kubectl apply -f pod.yaml") == (0, "pod/x unchanged\n")
    after = _pod(box)
    assert after["spec"] == before["spec"]
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]


def test_changing_a_pods_image_on_apply_is_allowed_and_keeps_what_the_server_added() -> None:
    box = Sandbox.new()
    box.put("pod.yaml", POD)
    box.run("kubectl apply -f pod.yaml")
    box.put("pod.yaml", POD.replace("nginx:1.27", "nginx:1.28"))
    assert box.run("kubectl apply -f pod.yaml") == (0, "pod/x configured\n")
    container = _pod(box)["spec"]["containers"][0]
    assert container["image"] == "nginx:1.28"
    # Defaulted fields stay, merged into the item of the same name.
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert [m["mountPath"] for m in container["volumeMounts"]] == ["/data", TOKEN_MOUNT]


def test_changing_an_immutable_pod_field_on_apply_is_forbidden() -> None:
    box = Sandbox.new()
    box.put("pod.yaml", POD)
    box.run("kubectl apply -f pod.yaml")
    before = _pod(box)
    # An env var is not among the fields a Pod update may change.
    box.put("pod.yaml", POD.replace('value: "2"', 'value: "3"'))
    assert box.run("kubectl apply -f pod.yaml") == (1, FORBIDDEN)
    # Renaming the container is no better (and must not reach the kubelet).
    box.put("pod.yaml", POD.replace("name: app", "name: web"))
    assert box.run("kubectl apply -f pod.yaml") == (1, FORBIDDEN)
    box.run("sleep 10")
    assert _pod(box)["spec"] == before["spec"]


def test_a_deployment_drops_an_env_var_the_file_no_longer_sets_and_keeps_the_others() -> None:
    deploy = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
"""
    box = Sandbox.new()
    box.put("web.yaml", deploy)
    assert box.run("kubectl apply -f web.yaml") == (0, "deployment.apps/web created\n")
    # Another writer (kubectl set env) adds C; the file never mentioned it.
    assert box.run("kubectl set env deployment/web C=3") == (
        0,
        "deployment.apps/web env updated\n",
    )
    box.put("web.yaml", deploy.replace('    - {name: B, value: "2"}\n', ""))
    assert box.run("kubectl apply -f web.yaml") == (0, "deployment.apps/web configured\n")
    code, out = box.run("kubectl get deployment web -o json")
    env = json.loads(out)["spec"]["template"]["spec"]["containers"][0]["env"]
    # B was in the last-applied configuration and is gone from the file: removed. C was
    # never in it: kept (strategic merge's three-way rule).
    assert env == [{"name": "A", "value": "1"}, {"name": "C", "value": "3"}]
