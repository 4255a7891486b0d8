"""kubectl end to end through the Sandbox facade, the way a learner types it: parsing, errors,
get and its output formats, apply/create/delete, RBAC through --as, logs, events.

Expected texts are kubectl 1.34's: its messages (staging/src/k8s.io/kubectl/pkg/cmd/get/get.go,
apply/apply.go, delete/delete.go, cmd/util/helpers.go CheckErr), cobra/pflag's flag errors,
and the columns of pkg/printers/internalversion/printers.go.
"""

from __future__ import annotations

import json

import pytest
import yaml

from learn.sim import Sandbox

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
"""

SVC = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
"""


@pytest.fixture
def box() -> Sandbox:
    return Sandbox.new()


@pytest.mark.parametrize(
    ("line", "want"),
    [
        (
            "kubectl gte pods",
            'error: unknown command "gte" for "kubectl"\n\nDid you mean this?\n\tget\n',
        ),
        (
            "kubectl get pods --wat",
            "error: unknown flag: --wat\nSee 'kubectl get --help' for usage.\n",
        ),
        (
            "kubectl get pods -z",
            "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage.\n",
        ),
        (
            "kubectl get pods -n",
            "error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage.\n",
        ),
        (
            "kubectl get pods --namespace",
            "error: flag needs an argument: --namespace\nSee 'kubectl get --help' for usage.\n",
        ),
        ("kubectl get widgets", 'error: the server doesn\'t have a resource type "widgets"\n'),
        (
            "kubectl get deploy nope",
            'Error from server (NotFound): deployments.apps "nope" not found\n',
        ),
        ("kubectl get pod/nope", 'Error from server (NotFound): pods "nope" not found\n'),
        (
            "kubectl get deploy deploy/web",
            "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n",
        ),
        ("kubectl delete deploy", "error: resource(s) were provided, but no name was specified\n"),
        ("kubectl scale deploy/web", 'error: required flag(s) "replicas" not set\n'),
        (
            "kubectl port-forward svc/web 8080:80",
            "error: kubectl port-forward (the sandbox has no network to forward to; use a Service and `kubectl exec`) is not simulated in this sandbox\n",
        ),
        ("kubectl rollout wat deploy/web", 'error: unknown command "wat" for "kubectl rollout"\n'),
        (
            "kubectl get pods -o wat",
            'error: unable to match a printer suitable for the output format "wat", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n',
        ),
    ],
)
def test_errors_are_kubectls_own_words_and_exit_1(box: Sandbox, line: str, want: str) -> None:
    assert box.run(line) == (1, want)


def test_get_with_nothing_to_show_says_so_on_a_fresh_cluster(box: Sandbox) -> None:
    assert box.run("kubectl get pods") == (0, "No resources found in default namespace.\n")
    assert box.run("kubectl get pods -n kube-public") == (
        0,
        "No resources found in kube-public namespace.\n",
    )
    assert box.run("kubectl get deploy -A") == (0, "No resources found\n")


def test_get_nodes_and_namespaces_of_a_fresh_kind_cluster(box: Sandbox) -> None:
    code, out = box.run("kubectl get nodes")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert lines[1].split()[:3] == ["kind-control-plane", "Ready", "control-plane"]
    assert lines[2].split()[:3] == ["kind-worker", "Ready", "<none>"]
    code, out = box.run("kubectl get ns")
    assert out.startswith("NAME                 STATUS   AGE\ndefault              Active   2m\n")


def test_apply_creates_then_is_unchanged_then_configured(box: Sandbox) -> None:
    box.put("web.yaml", WEB)
    assert box.run("kubectl apply -f web.yaml") == (0, "deployment.apps/web created\n")
    assert box.run("kubectl apply -f web.yaml") == (0, "deployment.apps/web unchanged\n")
    box.put("web.yaml", WEB.replace("replicas: 2", "replicas: 3"))
    assert box.run("kubectl apply -f web.yaml") == (0, "deployment.apps/web configured\n")
    code, out = box.run("kubectl get deploy web -o jsonpath={.spec.replicas}")
    assert (code, out) == (0, "3")


def test_apply_several_documents_from_stdin_and_several_files(box: Sandbox) -> None:
    code, out = box.run("kubectl apply -f -", stdin=WEB + "---\n" + SVC)
    assert (code, out) == (0, "deployment.apps/web created\nservice/web created\n")
    box.put("a.yaml", WEB)
    box.put("b.yaml", SVC)
    assert box.run("kubectl apply -f a.yaml -f b.yaml") == (
        0,
        "deployment.apps/web unchanged\nservice/web unchanged\n",
    )


def test_apply_refuses_what_kubectl_refuses(box: Sandbox) -> None:
    code, out = box.run(
        "kubectl apply -f -", stdin=WEB.replace("kind: Deployment", "kind: Deploymnt")
    )
    assert code == 1
    assert out == (
        'error: resource mapping not found for name: "web" namespace: "" from "STDIN": no matches for kind '
        '"Deploymnt" in version "apps/v1"\nensure CRDs are installed first\n'
    )
    code, out = box.run("kubectl apply -f nope.yaml")
    assert (code, out) == (1, 'error: the path "nope.yaml" does not exist\n')
    code, out = box.run("kubectl apply -f -", stdin="a: [b\n")
    assert code == 1
    assert out.startswith("error: error parsing STDIN: error converting YAML to JSON: yaml: line ")
    code, out = box.run(
        "kubectl apply -n other -f -",
        stdin=WEB.replace("name: web\n", "name: web\n  namespace: default\n", 1),
    )
    assert (
        out
        == 'error: the namespace from the provided object "default" does not match the namespace "other". You must pass \'--namespace=default\' to perform this operation.\n'
    )


def test_create_twice_is_already_exists_with_the_file_named(box: Sandbox) -> None:
    box.put("web.yaml", WEB)
    assert box.run("kubectl create -f web.yaml") == (0, "deployment.apps/web created\n")
    assert box.run("kubectl create -f web.yaml") == (
        1,
        'Error from server (AlreadyExists): error when creating "web.yaml": deployments.apps "web" already exists\n',
    )


def test_create_generators_dry_run_yaml_is_what_kubectl_generates(box: Sandbox) -> None:
    code, out = box.run("kubectl create deployment web --image=nginx:1.27 --dry-run=client -o yaml")
    assert code == 0
    assert yaml.safe_load(out) == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"creationTimestamp": None, "labels": {"app": "web"}, "name": "web"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {},
            "template": {
                "metadata": {"creationTimestamp": None, "labels": {"app": "web"}},
                "spec": {"containers": [{"image": "nginx:1.27", "name": "nginx", "resources": {}}]},
            },
        },
        "status": {},
    }
    assert box.run("kubectl get deploy") == (0, "No resources found in default namespace.\n")
    code, out = box.run(
        "kubectl create deployment web --image=nginx:1.27 --dry-run=client -o yaml > web.yaml"
    )
    assert box.run("kubectl apply -f web.yaml") == (0, "deployment.apps/web created\n")


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("kubectl create namespace staging", "namespace/staging created\n"),
        ("kubectl create configmap app --from-literal=MODE=prod", "configmap/app created\n"),
        ("kubectl create secret generic db --from-literal=password=s3cret", "secret/db created\n"),
        ("kubectl create serviceaccount deployer", "serviceaccount/deployer created\n"),
        ("kubectl create service clusterip web --tcp=80:8000", "service/web created\n"),
        ("kubectl create job once --image=busybox:1.36 -- echo hi", "job.batch/once created\n"),
        (
            "kubectl create role reader --verb=get,list --resource=pods",
            "role.rbac.authorization.k8s.io/reader created\n",
        ),
        (
            "kubectl create rolebinding reader --role=reader --user=jane",
            "rolebinding.rbac.authorization.k8s.io/reader created\n",
        ),
        (
            "kubectl create clusterrolebinding ci --clusterrole=view --serviceaccount=ci:deployer",
            "clusterrolebinding.rbac.authorization.k8s.io/ci created\n",
        ),
    ],
)
def test_create_generators(box: Sandbox, line: str, want: str) -> None:
    assert box.run(line) == (0, want)


def test_secret_data_is_base64_and_counted(box: Sandbox) -> None:
    box.run(
        "kubectl create secret generic db --from-literal=password=s3cret --from-literal=user=app"
    )
    code, out = box.run("kubectl get secret db -o json")
    assert json.loads(out)["data"] == {"password": "czNjcmV0", "user": "YXBw"}
    code, out = box.run("kubectl get secret db")
    assert out.splitlines()[1].split()[:3] == ["db", "Opaque", "2"]


def test_rbac_through_as_answers_as_the_cluster_would(box: Sandbox) -> None:
    assert box.run("kubectl auth can-i create deployments") == (0, "yes\n")
    assert box.run("kubectl auth can-i list pods --as=jane") == (1, "no\n")
    assert box.run("kubectl get pods --as=jane") == (
        1,
        'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"\n',
    )
    box.run("kubectl create role reader --verb=get,list --resource=pods")
    box.run("kubectl create rolebinding reader --role=reader --user=jane")
    assert box.run("kubectl auth can-i list pods --as=jane") == (0, "yes\n")
    assert box.run("kubectl auth can-i list pods --as=jane -n kube-system") == (1, "no\n")
    assert box.run("kubectl get pods --as=jane") == (
        0,
        "No resources found in default namespace.\n",
    )
    assert box.run(
        "kubectl auth can-i create deployments --as=system:serviceaccount:ci:deployer -n staging"
    ) == (1, "no\n")


def test_delete_prints_the_kind_and_name_and_waits_for_pods_to_go(box: Sandbox) -> None:
    box.run("kubectl apply -f -", stdin=WEB)
    box.run("kubectl rollout status deploy/web")
    assert box.run("kubectl delete deployment web") == (0, 'deployment.apps "web" deleted\n')
    assert box.run("kubectl delete deployment web") == (
        1,
        'Error from server (NotFound): deployments.apps "web" not found\n',
    )
    box.run("kubectl run one --image=busybox:1.36 -- sleep 3600")
    box.run("sleep 10")
    at = box.now
    assert box.run("kubectl delete pod one") == (0, 'pod "one" deleted\n')
    assert box.now > at  # it waited for the kubelet to stop the Pod
    assert box.run("kubectl get pod one") == (
        1,
        'Error from server (NotFound): pods "one" not found\n',
    )


def test_a_deployment_comes_up_and_its_pods_show_as_kubectl_shows_them(box: Sandbox) -> None:
    box.run("kubectl apply -f -", stdin=WEB)
    code, out = box.run("kubectl get pods")
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert {tuple(r[1:3]) for r in rows[1:]} <= {("0/1", "Pending"), ("0/1", "ContainerCreating")}
    box.run("sleep 30")
    code, out = box.run("kubectl get pods -o wide")
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == [
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "IP",
        "NODE",
        "NOMINATED",
        "NODE",
        "READINESS",
        "GATES",
    ]
    assert [r[1:5] for r in rows[1:]] == [["1/1", "Running", "0", "30s"]] * 2
    assert {r[6] for r in rows[1:]} <= {"kind-worker", "kind-worker2"}
    code, out = box.run("kubectl get deploy web")
    assert out.splitlines()[1].split() == ["web", "2/2", "2", "2", "30s"]
    code, out = box.run("kubectl get deploy,rs -l app=web -o name")
    names = out.splitlines()
    assert names[0] == "deployment.apps/web"
    assert names[1].startswith("replicaset.apps/web-")


def test_an_image_that_does_not_exist_shows_errimagepull_then_backoff(box: Sandbox) -> None:
    box.run("kubectl run bad --image=nosuchorg/nosuchimage:1.0")
    box.run("sleep 15")
    code, out = box.run("kubectl get pod bad")
    status = out.splitlines()[1].split()[2]
    assert status in {"ErrImagePull", "ImagePullBackOff"}
    code, out = box.run("kubectl logs bad")
    assert code == 1
    assert out.startswith(
        'Error from server (BadRequest): container "bad" in pod "bad" is waiting to start: '
    )


def test_output_yaml_json_of_one_object_and_of_a_list(box: Sandbox) -> None:
    code, out = box.run("kubectl get svc kubernetes -o yaml")
    data = yaml.safe_load(out)
    assert data["kind"] == "Service"
    assert 'resourceVersion: "' in out  # quoted as go-yaml quotes a numeric string
    code, out = box.run("kubectl get ns -o json")
    data = json.loads(out)
    assert data["kind"] == "List"
    assert data["apiVersion"] == "v1"
    assert "default" in [i["metadata"]["name"] for i in data["items"]]
    assert out.startswith('{\n    "apiVersion": "v1",\n    "items": [')


def test_label_selectors_equality_and_set_based(box: Sandbox) -> None:
    for name, tier in (("a", "front"), ("b", "back"), ("c", "db")):
        box.run(f"kubectl run {name} --image=busybox:1.36 --labels=tier={tier} -- sleep 3600")

    def names(selector: str) -> list[str]:
        code, out = box.run(f"kubectl get pods -l '{selector}' -o name")
        assert code == 0
        return [n for n in out.split() if n.startswith("pod/")]

    assert names("tier=front") == ["pod/a"]
    assert names("tier!=front") == ["pod/b", "pod/c"]
    assert names("tier in (back,db)") == ["pod/b", "pod/c"]
    assert names("tier notin (back)") == ["pod/a", "pod/c"]
    assert names("!tier") == []
    assert box.run("kubectl get pods -l '!tier'") == (
        0,
        "No resources found in default namespace.\n",
    )


def test_label_and_annotate(box: Sandbox) -> None:
    box.run("kubectl run a --image=busybox:1.36 -- sleep 3600")
    assert box.run("kubectl label pod a tier=front") == (0, "pod/a labeled\n")
    assert box.run("kubectl label pod a tier=back") == (
        1,
        "error: 'tier' already has a value (front), and --overwrite is false\n",
    )
    assert box.run("kubectl label pod a tier=back --overwrite") == (0, "pod/a labeled\n")
    assert box.run("kubectl label pod a tier-") == (0, "pod/a unlabeled\n")
    assert box.run("kubectl annotate pod a note=hi") == (0, "pod/a annotated\n")
    code, out = box.run("kubectl get pod a --show-labels")
    assert out.splitlines()[0].split()[-1] == "LABELS"
    assert out.splitlines()[1].split()[-1] == "run=a"


def test_explain_reads_the_schema(box: Sandbox) -> None:
    code, out = box.run("kubectl explain deployment.spec.replicas")
    assert code == 0
    assert out.startswith(
        "GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: replicas <integer>\n"
    )
    assert "Defaults to 1." in out
    assert box.run("kubectl explain pod.spec.nope") == (1, 'error: field "nope" does not exist\n')


def test_top_answers_as_a_fresh_kind_cluster_without_metrics_server(box: Sandbox) -> None:
    assert box.run("kubectl top pods") == (1, "error: Metrics API not available\n")


def test_top_with_metrics_server_installed_reports_the_programs_usage(box: Sandbox) -> None:
    from learn.sim.kube import kubelet

    box.run("kubectl apply -f -", stdin=WEB)
    kubelet.install_metrics_server(box.world)
    assert box.run("kubectl top pods") == (1, "error: metrics not available yet\n")
    box.run("sleep 30")
    code, out = box.run("kubectl top pods")
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    assert len(lines) == 3
    for line in lines[1:]:
        name, cpu, memory = line.split()
        assert name.startswith("web-") and cpu.endswith("m") and memory.endswith("Mi")
    code, out = box.run("kubectl top nodes")
    assert out.splitlines()[0].split() == [
        "NAME",
        "CPU(cores)",
        "CPU(%)",
        "MEMORY(bytes)",
        "MEMORY(%)",
    ]


def test_edit_is_refused_clearly(box: Sandbox) -> None:
    code, out = box.run("kubectl edit deploy/web")
    assert code == 1
    assert "is not simulated in this sandbox" in out


def test_version_reports_the_courses_current_kubernetes(box: Sandbox) -> None:
    code, out = box.run("kubectl version")
    assert code == 0
    assert out.startswith("Client Version: v1.37.0\nKustomize Version: ")
    assert "Server Version: v1.37" in out


def test_the_same_session_gives_the_same_output_and_survives_dump_and_load() -> None:
    def session(box: Sandbox) -> list[tuple[int, str]]:
        return [
            box.run(line, stdin=WEB)
            for line in (
                "kubectl apply -f -",
                "sleep 20",
                "kubectl get pods -o wide",
                "kubectl describe deploy web",
            )
        ]

    first = session(Sandbox.new(seed="same"))
    assert first == session(Sandbox.new(seed="same"))
    box = Sandbox.new(seed="same")
    box.run("kubectl apply -f -", stdin=WEB)
    again = Sandbox.load(box.dump())
    assert again.run("sleep 20") == box.run("sleep 20")
    assert again.run("kubectl get pods -o wide") == box.run("kubectl get pods -o wide")


def test_scale_and_its_limits(box: Sandbox) -> None:
    box.run("kubectl apply -f -", stdin=WEB)
    assert box.run("kubectl scale deploy/web --replicas=3") == (0, "deployment.apps/web scaled\n")
    code, out = box.run("kubectl get deploy web -o jsonpath={.spec.replicas}")
    assert out == "3"
    assert box.run("kubectl scale deploy/web --replicas=-1") == (
        1,
        "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n",
    )
    code, out = box.run("kubectl scale deploy/web --replicas=100000")
    assert code == 1
    assert (
        out == "error: the sandbox runs at most 200 replicas of one workload (asked for 100000)\n"
    )
    assert box.run("kubectl scale deploy/web --replicas=1 --current-replicas=2") == (
        1,
        "error: Expected replicas to be 2, was 3\n",
    )


def test_set_image_and_rollout_history_undo(box: Sandbox) -> None:
    box.run("kubectl apply -f -", stdin=WEB)
    box.run("kubectl rollout status deploy/web")
    assert box.run("kubectl set image deployment/web web=nginx:1.28") == (
        0,
        "deployment.apps/web image updated\n",
    )
    assert box.run("kubectl set image deployment/web nope=nginx:1.28") == (
        1,
        'error: unable to find container named "nope"\n',
    )
    box.run("kubectl rollout status deploy/web")
    assert box.run("kubectl rollout history deployment/web") == (
        0,
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n",
    )
    assert box.run("kubectl rollout undo deployment/web") == (
        0,
        "deployment.apps/web rolled back\n",
    )
    code, out = box.run(
        "kubectl get deploy web -o jsonpath={.spec.template.spec.containers[0].image}"
    )
    assert out == "nginx:1.27"
    assert box.run("kubectl rollout undo deployment/web --to-revision=9") == (
        1,
        "error: unable to find specified revision 9 in history\n",
    )


def test_rollout_pause_resume_restart(box: Sandbox) -> None:
    box.run("kubectl apply -f -", stdin=WEB)
    assert box.run("kubectl rollout pause deploy/web") == (0, "deployment.apps/web paused\n")
    assert box.run("kubectl rollout pause deploy/web") == (
        1,
        'error: deployments.apps "web" is already paused\n',
    )
    assert box.run("kubectl rollout restart deploy/web") == (
        1,
        'error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)\n',
    )
    assert box.run("kubectl rollout resume deploy/web") == (0, "deployment.apps/web resumed\n")
    assert box.run("kubectl rollout restart deploy/web") == (0, "deployment.apps/web restarted\n")
    code, out = box.run("kubectl get deploy web -o jsonpath={.spec.template.metadata.annotations}")
    assert json.loads(out) == {"kubectl.kubernetes.io/restartedAt": "2026-01-05T09:00:00Z"}


def test_logs_and_exec_follow_what_the_program_does(box: Sandbox) -> None:
    box.run("kubectl run web --image=nginx:1.27")
    code, out = box.run("kubectl exec web -- ls /")
    assert (code, out) == (1, 'error: unable to upgrade connection: container not found ("web")\n')
    box.run("sleep 15")
    code, out = box.run("kubectl logs web")
    assert code == 0
    assert "ready for start up" in out
    code, out = box.run("kubectl logs web --tail=1")
    assert len(out.splitlines()) == 1
    code, out = box.run("kubectl exec web -- false")
    assert (code, out) == (1, "command terminated with exit code 1\n")
    code, out = box.run("kubectl exec -it web -- sh")
    assert code == 1
    assert "interactive shells" in out
    assert box.run("kubectl logs nope") == (
        1,
        'Error from server (NotFound): pods "nope" not found\n',
    )
    code, out = box.run("kubectl logs web --previous")
    assert (code, out) == (
        1,
        'Error from server (BadRequest): previous terminated container "web" in pod "web" not found\n',
    )


def test_get_watch_prints_changes_while_simulated_time_passes(box: Sandbox) -> None:
    box.run("kubectl run web --image=nginx:1.27")
    code, out = box.run("kubectl get pods -w --request-timeout=20s")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert lines.count(lines[0]) == 1  # one header
    assert lines[-1].split()[:3] == ["web", "1/1", "Running"]
    assert box.now == 20


def test_nodes_cordon_taint_drain(box: Sandbox) -> None:
    assert box.run("kubectl cordon kind-worker") == (0, "node/kind-worker cordoned\n")
    assert box.run("kubectl cordon kind-worker") == (0, "node/kind-worker already cordoned\n")
    code, out = box.run("kubectl get node kind-worker")
    assert out.splitlines()[1].split()[1] == "Ready,SchedulingDisabled"
    assert box.run("kubectl uncordon kind-worker") == (0, "node/kind-worker uncordoned\n")
    assert box.run("kubectl taint nodes kind-worker gpu=yes:NoSchedule") == (
        0,
        "node/kind-worker tainted\n",
    )
    assert box.run("kubectl taint nodes kind-worker gpu=yes:NoSchedule") == (
        1,
        "error: node kind-worker already has gpu taint(s) with same effect(s) and --overwrite is false\n",
    )
    assert box.run("kubectl taint nodes kind-worker gpu:NoSchedule-") == (
        0,
        "node/kind-worker untainted\n",
    )
    assert box.run("kubectl taint nodes kind-worker gpu=yes:Sometimes") == (
        1,
        "error: invalid taint effect: Sometimes, unsupported taint effect\n",
    )
    box.run("kubectl run lone --image=busybox:1.36 -- sleep 3600")
    box.run("sleep 10")
    code, out = box.run("kubectl get pod lone -o jsonpath={.spec.nodeName}")
    node = out
    code, out = box.run(f"kubectl drain {node}")
    assert code == 1
    assert (
        "cannot delete Pods that declare no controller (use --force to override): default/lone"
        in out
    )
    code, out = box.run(f"kubectl drain {node} --force")
    assert code == 0, out
    assert out.endswith(f"node/{node} drained\n")
    assert box.run("kubectl get pod lone") == (
        1,
        'Error from server (NotFound): pods "lone" not found\n',
    )


def test_events_and_can_i_list(box: Sandbox) -> None:
    box.run("kubectl run web --image=nginx:1.27")
    box.run("sleep 10")
    code, out = box.run("kubectl events")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert any(line.split()[1:4] == ["Normal", "Scheduled", "pod/web"] for line in lines)
    assert box.run("kubectl events --types=Warning") == (
        0,
        "No events found in default namespace.\n",
    )
    code, out = box.run("kubectl auth can-i --list --as=jane")
    assert out.splitlines()[0].split() == [
        "Resources",
        "Non-Resource",
        "URLs",
        "Resource",
        "Names",
        "Verbs",
    ]
    assert any(
        line.startswith("selfsubjectaccessreviews.authorization.k8s.io")
        for line in out.splitlines()
    )


def test_wait_for_condition_lets_time_pass(box: Sandbox) -> None:
    box.run("kubectl run web --image=nginx:1.27")
    assert box.run("kubectl wait --for=condition=Ready pod/web --timeout=60s") == (
        0,
        "pod/web condition met\n",
    )
    assert 0 < box.now < 60
    assert box.run("kubectl wait --for=condition=Ready pod/nope") == (
        1,
        'Error from server (NotFound): pods "nope" not found\n',
    )


def test_expose_makes_a_service_from_the_deployment(box: Sandbox) -> None:
    box.run("kubectl apply -f -", stdin=WEB)
    assert box.run("kubectl expose deployment web --port=80 --target-port=80") == (
        0,
        "service/web exposed\n",
    )
    code, out = box.run("kubectl get svc web -o json")
    spec = json.loads(out)["spec"]
    assert spec["selector"] == {"app": "web"}
    assert spec["ports"][0]["port"] == 80
    assert spec["ports"][0]["targetPort"] == 80
    assert spec["type"] == "ClusterIP"


@pytest.mark.parametrize(
    "line",
    [
        "kubectl get deployments.apps web",
        "kubectl get deployment.v1.apps web",
        "kubectl get deploy/web",
        "kubectl get Deployment web",
        "kubectl -n default get deploy web",
        "kubectl get deploy web --namespace=default",
        "kubectl get deploy web -ndefault",
    ],
)
def test_resource_and_namespace_forms_name_the_same_object(box: Sandbox, line: str) -> None:
    box.run("kubectl apply -f -", stdin=WEB)
    code, out = box.run(line)
    assert code == 0
    assert out.splitlines()[1].split()[0] == "web"


def test_output_flag_forms(box: Sandbox) -> None:
    box.run("kubectl apply -f -", stdin=WEB)
    assert box.run("kubectl get deploy web -o=name") == (0, "deployment.apps/web\n")
    assert box.run("kubectl get deploy web --output name") == (0, "deployment.apps/web\n")
    code, out = box.run("kubectl get deploy web -owide")
    assert out.splitlines()[0].split()[-3:] == ["CONTAINERS", "IMAGES", "SELECTOR"]
    code, out = box.run("kubectl get deploy/web svc/kubernetes")
    chunks = out.split("\n\n")
    assert chunks[0].splitlines()[1].startswith("deployment.apps/web ")
    assert chunks[1].splitlines()[1].startswith("service/kubernetes ")


def test_a_directory_applies_its_manifests_in_name_order_and_deletes_them(box: Sandbox) -> None:
    box.put("app/web.yaml", WEB)
    box.put("app/svc.yaml", SVC)
    box.put("app/README.txt", "not a manifest")
    assert box.run("kubectl apply -f app/") == (
        0,
        "service/web created\ndeployment.apps/web created\n",
    )
    assert box.run("kubectl delete -f app/") == (
        0,
        'service "web" deleted\ndeployment.apps "web" deleted\n',
    )


def test_delete_by_selector_and_all(box: Sandbox) -> None:
    for name in ("a", "b"):
        box.run(f"kubectl run {name} --image=busybox:1.36 -l tier=x -- sleep 3600")
    box.run("kubectl run c --image=busybox:1.36 -- sleep 3600")
    assert box.run("kubectl delete pods -l tier=x") == (0, 'pod "a" deleted\npod "b" deleted\n')
    assert box.run("kubectl delete pods --all") == (0, 'pod "c" deleted\n')
    assert box.run("kubectl delete pods --all") == (0, "No resources found\n")


def test_label_columns(box: Sandbox) -> None:
    box.run("kubectl run a --image=busybox:1.36 -l tier=x -- sleep 3600")
    code, out = box.run("kubectl get pods -L tier,missing")
    head, row = out.splitlines()
    assert head.split()[-2:] == ["TIER", "MISSING"]
    assert row.split()[-1] == "x"


def test_the_api_servers_validation_reaches_the_learner_as_kubectl_prints_it(box: Sandbox) -> None:
    code, out = box.run("kubectl create deployment Web --image=nginx:1.27")
    assert code == 1
    assert out.startswith('The Deployment "Web" is invalid: metadata.name: Invalid value: "Web": ')


def test_what_the_kubelet_does_shows_in_the_status_column(box: Sandbox) -> None:
    box.run("kubectl run crash --image=busybox:1.36 -- false")
    box.run("kubectl run once --image=busybox:1.36 --restart=Never -- echo hi")
    box.run("sleep 60")
    code, out = box.run("kubectl get pods")
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert rows["crash"][2] == "CrashLoopBackOff"
    assert rows["crash"][4].startswith("(") and rows["crash"][5] == "ago)"  # "3 (28s ago)"
    assert rows["once"][1:4] == ["0/1", "Completed", "0"]
    assert box.run("kubectl logs once") == (0, "hi\n")


def test_jsonpath_custom_columns_and_field_selectors(box: Sandbox) -> None:
    box.run("kubectl apply -f -", stdin=WEB)
    box.run("sleep 20")
    code, out = box.run(
        """kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}'"""
    )
    assert code == 0
    assert [line.split("\t")[1] for line in out.splitlines()] == ["Running", "Running"]
    code, out = box.run(
        """kubectl get deploy web -o jsonpath='{.status.conditions[?(@.type=="Available")].status}'"""
    )
    assert (code, out) == (0, "True")
    code, out = box.run(
        "kubectl get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName"
    )
    assert out.splitlines()[0].split() == ["NAME", "NODE"]
    code, out = box.run("kubectl get pods --field-selector=status.phase=Running -o name")
    assert len(out.split()) == 2
    code, out = box.run("kubectl get pods --field-selector=status.phase=Pending")
    assert (code, out) == (0, "No resources found in default namespace.\n")


def test_the_contexts_namespace_is_the_default_for_later_commands(box: Sandbox) -> None:
    box.run("kubectl create namespace staging")
    assert box.run("kubectl config set-context --current --namespace=staging") == (
        0,
        'Context "kind-kind" modified.\n',
    )
    assert box.run("kubectl config view --minify -o jsonpath={..namespace}") == (0, "staging")
    assert box.run("kubectl create deployment web --image=nginx:1.27") == (
        0,
        "deployment.apps/web created\n",
    )
    assert box.run("kubectl get deploy -n default") == (
        0,
        "No resources found in default namespace.\n",
    )
    code, out = box.run("kubectl get deploy web -o jsonpath={.metadata.namespace}")
    assert out == "staging"
    again = Sandbox.load(box.dump())
    assert again.run("kubectl get deploy -o name") == (0, "deployment.apps/web\n")
    assert box.run("kubectl config current-context") == (0, "kind-kind\n")


def test_delete_edge_cases(box: Sandbox) -> None:
    assert box.run("kubectl delete pod nope --ignore-not-found") == (0, "")
    assert box.run("kubectl delete") == (
        1,
        "error: You must provide one or more resources by argument or filename.\n"
        "Example resource specifications include:\n"
        "   '-f rsrc.yaml'\n"
        "   '--filename=rsrc.json'\n"
        "   '<resource> <name>'\n"
        "   '<resource>'\n",
    )
    box.run("kubectl create namespace staging")
    box.run("kubectl create deployment web --image=nginx:1.27 -n staging")
    box.run("sleep 10")
    assert box.run("kubectl delete namespace staging") == (0, 'namespace "staging" deleted\n')
    assert box.run("kubectl get ns staging") == (
        1,
        'Error from server (NotFound): namespaces "staging" not found\n',
    )


def test_dry_runs_change_nothing(box: Sandbox) -> None:
    assert box.run("kubectl create deployment web --image=nginx:1.27 --dry-run=server") == (
        0,
        "deployment.apps/web created (server dry run)\n",
    )
    assert box.run("kubectl apply -f - --dry-run=client", stdin=WEB) == (
        0,
        "deployment.apps/web created (dry run)\n",
    )
    assert box.run("kubectl get deploy") == (0, "No resources found in default namespace.\n")
    assert box.run("kubectl apply -f -", stdin="") == (1, "error: no objects passed to apply\n")
    assert box.run("kubectl create deployment web --image=nginx:1.27 --dry-run=maybe") == (
        1,
        'error: Invalid dry-run value (maybe). Must be "none", "server", or "client".\n',
    )


BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{c}: &{c} [{','.join(['*' + p] * 9)}]"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata: {name: bomb}",
    ]
)


def test_bad_input_is_refused_quickly_and_stores_nothing(box: Sandbox) -> None:
    # go-yaml refuses documents whose aliases expand too far; a billion laughs must not hang.
    assert box.run("kubectl apply -f -", stdin=BOMB) == (
        1,
        "error: error parsing STDIN: error converting YAML to JSON: yaml: document contains excessive aliasing\n",
    )
    assert box.run("kubectl apply -f -", stdin="a: " + "[" * 3000 + "]" * 3000) == (
        1,
        "error: error parsing STDIN: the document nests too deeply\n",
    )
    many = "".join(
        f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n" for i in range(101)
    )
    code, out = box.run("kubectl apply -f -", stdin=many)
    assert (code, out) == (1, "error: STDIN: the sandbox takes at most 100 objects per command\n")
    assert box.run("kubectl get cm bomb c0 -o name") == (
        1,
        'Error from server (NotFound): configmaps "bomb" not found\n'
        'Error from server (NotFound): configmaps "c0" not found\n',
    )


def test_flags_that_would_change_the_answer_are_done_or_refused_never_ignored(box: Sandbox) -> None:
    assert box.run("kubectl run web --image=nginx:1.27 --port=80 --expose") == (
        0,
        "service/web created\npod/web created\n",
    )
    code, out = box.run("kubectl get svc web -o jsonpath={.spec.selector}")
    assert json.loads(out) == {"run": "web"}
    for line, flag in (
        ("kubectl get deploy --subresource=scale", "--subresource"),
        ("kubectl get pods -w --output-watch-events", "--output-watch-events"),
        ("kubectl create configmap c --from-literal=a=b --append-hash", "--append-hash"),
        ("kubectl scale deploy/web --replicas=2 --resource-version=9", "--resource-version"),
        ("kubectl events -w", "--watch"),
        ("kubectl get --raw /api", "--raw"),
    ):
        assert box.run(line) == (1, f"error: {flag} is not simulated in this sandbox\n"), line
    assert box.run("kubectl taint nodes --all x=y:NoSchedule") == (
        0,
        "node/kind-control-plane tainted\nnode/kind-worker tainted\nnode/kind-worker2 tainted\n",
    )


def test_get_and_describe_dash_f_look_where_the_manifest_says(box: Sandbox) -> None:
    box.run("kubectl create namespace staging")
    manifest = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: staging}\ndata: {a: b}\n"
    )
    box.put("cm.yaml", manifest)
    assert box.run("kubectl apply -f cm.yaml") == (0, "configmap/app created\n")
    code, out = box.run("kubectl get -f cm.yaml -o name")
    assert (code, out) == (0, "configmap/app\n")
    code, out = box.run("kubectl describe -f cm.yaml")
    assert code == 0
    assert out.splitlines()[1].split() == ["Namespace:", "staging"]
    box.put("noname.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n")
    assert box.run("kubectl get -f noname.yaml") == (1, "error: resource name may not be empty\n")


def test_kubectl_patches_so_rbac_is_asked_about_patch(box: Sandbox) -> None:
    # label, annotate, scale, set image, rollout and apply (on a live object) send PATCH.
    box.run("kubectl apply -f -", stdin=WEB)
    box.run("kubectl create role patcher --verb=get,patch --resource=deployments,deployments/scale")
    box.run("kubectl create rolebinding patcher --role=patcher --user=jane")
    box.run("kubectl create role updater --verb=get,update --resource=deployments")
    box.run("kubectl create rolebinding updater --role=updater --user=bob")
    assert box.run("kubectl label deploy web a=b --as=jane") == (0, "deployment.apps/web labeled\n")
    assert box.run("kubectl scale deploy web --replicas=3 --as=jane") == (
        0,
        "deployment.apps/web scaled\n",
    )
    assert box.run("kubectl label deploy web c=d --as=bob") == (
        1,
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User "bob" cannot patch resource "deployments" in API group "apps" in the namespace "default"\n',
    )
    code, out = box.run("kubectl apply -f - --as=eve", stdin=WEB)
    assert code == 1
    assert out.startswith(
        "Error from server (Forbidden): error when retrieving current configuration of:\n"
    )
    assert out.endswith(
        'from server for: "STDIN": deployments.apps "web" is forbidden: User "eve" cannot get resource "deployments" in API group "apps" in the namespace "default"\n'
    )


def test_create_role_groups_rules_by_api_group_and_warns_on_unknown_verbs(box: Sandbox) -> None:
    # staging/src/k8s.io/kubectl/pkg/cmd/create/create_role.go: one rule per API group, in
    # the order the resources came; a verb outside validResourceVerbs is only a warning,
    # written to stderr by Validate, before the Role is printed.
    code, out = box.run(
        "kubectl create role leitor2 --verb get,watch,list,jobs --resource secrets,pods,jobs --dry-run=client -o yaml"
    )
    assert code == 0
    warning, body = out.split("\n", 1)
    assert warning == "Warning: 'jobs' is not a standard resource verb"
    assert yaml.safe_load(body)["rules"] == [
        {
            "apiGroups": [""],
            "resources": ["secrets", "pods"],
            "verbs": ["get", "watch", "list", "jobs"],
        },
        {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get", "watch", "list", "jobs"]},
    ]


def test_set_env_and_set_resources(box: Sandbox) -> None:
    box.run("kubectl apply -f -", stdin=WEB)
    assert box.run("kubectl set env deployment/web MODE=prod LEVEL=debug") == (
        0,
        "deployment.apps/web env updated\n",
    )
    assert box.run("kubectl set env deployment/web --list") == (
        0,
        "# deployment web, container web\nMODE=prod\nLEVEL=debug\n",
    )
    assert box.run("kubectl set env deployment/web LEVEL-") == (
        0,
        "deployment.apps/web env updated\n",
    )
    code, out = box.run(
        "kubectl get deploy web -o jsonpath={.spec.template.spec.containers[0].env}"
    )
    assert json.loads(out) == [{"name": "MODE", "value": "prod"}]
    assert box.run(
        "kubectl set resources deployment web -c=web --limits=cpu=200m,memory=512Mi --requests=cpu=100m"
    ) == (
        0,
        "deployment.apps/web resource requirements updated\n",
    )
    code, out = box.run(
        "kubectl get deploy web -o jsonpath={.spec.template.spec.containers[0].resources}"
    )
    assert json.loads(out) == {
        "limits": {"cpu": "200m", "memory": "512Mi"},
        "requests": {"cpu": "100m"},
    }
    assert box.run("kubectl set resources deployment web") == (
        1,
        "error: you must specify an update to requests or limits (in the form of --requests/--limits)\n",
    )


def test_endpoints_carry_the_api_servers_deprecation_warning(box: Sandbox) -> None:
    code, out = box.run("kubectl get endpoints")
    assert code == 0
    assert out.startswith(
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    )
