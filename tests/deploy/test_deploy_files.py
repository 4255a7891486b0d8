"""The deployment files pass the validators the course uses, and keep the promises of the docs.

Dockerfile -> hadolint, compose.yaml -> the compose-spec schema, deploy/k8s/*.yaml ->
Kubernetes 1.37 strict schemas (all but the Traefik Middleware, a CRD, checked field by field):
the same `learn.labs.validators` functions that check the lessons' snippets and the learners'
labs. Then semantic checks a schema cannot make (probes on the right paths, the Service
selecting the pods, the HPA aiming at the Deployment...).

No database and no Docker engine are needed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from dockerfile_parse import DockerfileParser

from learn.labs.validators import (
    Problem,
    compose_problems,
    hadolint_problems,
    kubernetes_problems,
)

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "compose.yaml"
K8S = ROOT / "deploy" / "k8s"
INGRESS_LESSON = ROOT / "lessons" / "04-deployments-and-services" / "03-services-and-ingress.md"
# kustomization.yaml is kustomize's own file, not a Kubernetes object.
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
# Objects of the ingress controller's own API (Traefik's CRDs): no Kubernetes schema knows
# them, so they are checked field by field below instead of by kubernetes-validate.
TRAEFIK_API = "traefik.io/v1alpha1"
CONTROLLER_MANIFESTS = [K8S / "middleware.yaml"]
KUBERNETES_MANIFESTS = [p for p in MANIFESTS if p not in CONTROLLER_MANIFESTS]


def report(path: Path, problems: list[Problem]) -> str:
    """`path:line: message`, one per problem, as the lesson checker prints them."""
    name = path.relative_to(ROOT)
    return "\n".join(f"{name}:{p.line or '?'}: {p.message}" for p in problems)


# --------------------------------------------------------------------------- Dockerfile


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, value with continuations joined) in order, comments dropped."""
    parsed = DockerfileParser(path=str(DOCKERFILE)).structure
    return [
        (item["instruction"], " ".join(item["value"].split()))
        for item in parsed
        if item["instruction"] != "COMMENT"
    ]


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (name, _) in enumerate(steps) if name == "FROM")
    return steps[last_from:]


def test_dockerfile_passes_hadolint_with_zero_findings() -> None:
    problems = hadolint_problems(DOCKERFILE.read_text(encoding="utf-8"))
    assert problems == [], report(DOCKERFILE, problems)


def test_dockerfile_is_multi_stage_with_pinned_slim_bases() -> None:
    froms = [value for name, value in instructions() if name == "FROM"]
    assert len(froms) >= 2, "a builder stage and a slim final stage"
    for value in froms:
        image = value.split()[0]
        assert re.search(r":[\w.-]+(@sha256:[0-9a-f]{64})?$", image), f"{image}: pin a tag"
        assert ":latest" not in image, f"{image}: never :latest"
    assert "slim" in froms[-1].split()[0], "the final stage starts from a slim image"
    # The image lesson's rule: spell out the Debian release, the current stable one (Debian 13
    # trixie since 2025-08-09, debian.org/releases/trixie).
    for value in froms:
        assert value.split()[0].split("@")[0].endswith("-trixie"), f"{value}: a -trixie base"
    builder = froms[0].split()[-1]
    copies = [value for name, value in final_stage() if name == "COPY"]
    assert any(v.startswith(f"--from={builder} ") for v in copies), "copy the builder's venv"


def test_dockerfile_runs_gunicorn_as_a_numeric_non_root_user() -> None:
    stage = final_stage()
    users = [value for name, value in stage if name == "USER"]
    assert users, "the final stage sets USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "a numeric non-root uid (runAsNonRoot can verify)"

    cmd = json.loads(next(value for name, value in stage if name == "CMD"))
    assert cmd[:2] == ["gunicorn", "learn.wsgi:application"], "exec form, gunicorn"
    assert cmd[cmd.index("--bind") + 1] == "0.0.0.0:8000"
    assert ("EXPOSE", "8000") in stage

    env = " ".join(value for name, value in stage if name == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env and "PYTHONUNBUFFERED=1" in env


def test_dockerfile_healthcheck_uses_python_not_curl() -> None:
    checks = [value for name, value in final_stage() if name == "HEALTHCHECK"]
    assert len(checks) == 1
    command = json.loads(checks[0].split(" CMD ", 1)[1])
    assert command[:2] == ["python", "-c"], "exec form, python: slim images have no curl"
    assert "urlopen('http://127.0.0.1:8000/healthz'" in command[2], "/healthz needs no database"
    assert "timeout=" in command[2]


def test_static_files_are_collected_at_build_time_with_a_throwaway_key() -> None:
    stage = final_stage()
    runs = [value for name, value in stage if name == "RUN" and "collectstatic" in value]
    assert len(runs) == 1 and "--noinput" in runs[0]
    # The key is set for that one command only, never baked into the image's environment.
    assert runs[0].startswith("DJANGO_SECRET_KEY=")
    for name, value in instructions():
        if name in {"ENV", "ARG"}:
            assert "DJANGO_SECRET_KEY" not in value, f"{name} {value}"


def dockerignore_allowed() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert patterns[0] == "*", ".dockerignore is an allow-list: exclude everything first"
    return [p[1:].rstrip("/") for p in patterns if p.startswith("!")]


def test_build_context_holds_exactly_what_the_dockerfile_copies() -> None:
    allowed = dockerignore_allowed()
    for name, value in instructions():
        if name != "COPY" or value.startswith("--from="):
            continue
        *sources, _dest = [part for part in value.split() if not part.startswith("--")]
        for source in sources:
            source = source.rstrip("/")
            assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
            assert any(source == a or source.startswith(a + "/") for a in allowed), (
                f"COPY {source}: excluded by .dockerignore"
            )
    for private in (".git", ".venv", ".env", "db.sqlite3", "staticfiles", "tests", "deploy"):
        assert private not in allowed, f"{private} must stay out of the build context"


# --------------------------------------------------------------------------- compose.yaml


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def test_compose_file_passes_the_compose_spec() -> None:
    problems = compose_problems(COMPOSE.read_text(encoding="utf-8"))
    assert problems == [], report(COMPOSE, problems)


def test_compose_db_is_pinned_healthchecked_and_keeps_its_data() -> None:
    data = compose()
    db = data["services"]["db"]
    image = db["image"]
    assert image.startswith("postgres:") and not image.endswith(":latest")
    test = " ".join(db["healthcheck"]["test"])
    assert "pg_isready" in test and "-h 127.0.0.1" in test, "probe over TCP, as the lesson says"
    volume = next(v.split(":")[0] for v in db["volumes"] if v.endswith("/var/lib/postgresql/data"))
    assert volume in data["volumes"], "a named volume, declared at the top level"


def test_compose_web_waits_for_a_healthy_db_and_the_release_step() -> None:
    services = compose()["services"]
    web, migrate = services["web"], services["migrate"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    release = " ".join(migrate["command"])
    assert release.index("migrate --noinput") < release.index("lessons sync")
    assert migrate["restart"] == "no", "a one-off service must not be restarted"
    assert migrate["image"] == web["image"], "the release step runs the same image"
    assert "migrate" not in " ".join(web.get("command", [])), "never migrate in the web command"
    check = web["healthcheck"]["test"]
    assert check[:3] == ["CMD", "python", "-c"] and "127.0.0.1:8000/healthz" in check[3]


def test_compose_redis_is_optional_and_secrets_are_required() -> None:
    services = compose()["services"]
    assert services["redis"]["profiles"] == ["cache"]
    assert services["web"]["depends_on"]["redis"]["required"] is False
    env = services["web"]["environment"]
    assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?"), "fail without a key"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert services["migrate"]["environment"]["DATABASE_URL"] == env["DATABASE_URL"]


# --------------------------------------------------------------------------- Kubernetes


def objects() -> dict[tuple[str, str], dict[str, Any]]:
    """Every object in deploy/k8s/, keyed by (kind, name)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path in MANIFESTS:
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                key = (doc["kind"], doc["metadata"]["name"])
                assert key not in found, f"{path.name}: {key} defined twice"
                found[key] = doc
    return found


def one(kind: str) -> dict[str, Any]:
    matches = [obj for (k, _), obj in objects().items() if k == kind]
    assert len(matches) == 1, f"exactly one {kind}"
    return matches[0]


def pod_specs() -> dict[str, dict[str, Any]]:
    return {
        "Deployment": one("Deployment")["spec"]["template"]["spec"],
        "Job": one("Job")["spec"]["template"]["spec"],
    }


@pytest.mark.parametrize("path", KUBERNETES_MANIFESTS, ids=lambda p: p.name)
def test_every_manifest_is_strictly_valid_kubernetes(path: Path) -> None:
    problems = kubernetes_problems(path.read_text(encoding="utf-8"))
    assert problems == [], report(path, problems)


def test_the_body_limit_middleware_uses_only_traefik_s_buffering_options() -> None:
    # The options of Traefik's buffering middleware (doc.traefik.io, "Buffering"); an
    # unknown key would be ignored by Traefik as silently as a misspelt one.
    options = {
        "maxRequestBodyBytes",
        "memRequestBodyBytes",
        "maxResponseBodyBytes",
        "memResponseBodyBytes",
        "retryExpression",
    }
    middleware = one("Middleware")
    assert middleware["apiVersion"] == TRAEFIK_API
    assert set(middleware) == {"apiVersion", "kind", "metadata", "spec"}
    assert list(middleware["spec"]) == ["buffering"]
    buffering = middleware["spec"]["buffering"]
    assert set(buffering) <= options
    assert isinstance(buffering["maxRequestBodyBytes"], int)
    assert buffering["maxRequestBodyBytes"] > 0


def test_only_the_controller_manifests_hold_controller_objects() -> None:
    for path in MANIFESTS:
        versions = {
            doc["apiVersion"] for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        }
        if path in CONTROLLER_MANIFESTS:
            assert versions == {TRAEFIK_API}, path.name
        else:
            assert TRAEFIK_API not in versions, f"{path.name}: move it to a controller manifest"


def test_the_strict_validator_does_reject_an_unknown_field() -> None:
    text = (K8S / "deployment.yaml").read_text(encoding="utf-8")
    broken = text.replace("maxSurge: 1", "maxSurge: 1\n      maxSurprise: 1")
    assert broken != text
    assert any("maxSurprise" in p.message for p in kubernetes_problems(broken))


def test_kustomization_lists_every_manifest_except_the_secret_template() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in MANIFESTS} - {"secret.example.yaml"}
    namespace = one("Namespace")["metadata"]["name"]
    assert kustomization["namespace"] == namespace
    for (kind, name), obj in objects().items():
        if kind != "Namespace":
            assert obj["metadata"].get("namespace") == namespace, f"{kind}/{name}"


def test_kustomize_build_renders_valid_objects() -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed; the per-file checks above still ran")
    result = subprocess.run(
        [kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=60
    )
    if result.returncode != 0 and "unknown command" in result.stderr:
        pytest.skip("this kubectl has no kustomize")
    assert result.returncode == 0, result.stderr
    rendered = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    api_objects = [doc for doc in rendered if doc["apiVersion"] != TRAEFIK_API]
    assert kubernetes_problems(yaml.safe_dump_all(api_objects)) == []
    kinds = [doc["kind"] for doc in yaml.safe_load_all(result.stdout) if doc]
    assert "Secret" not in kinds, "the placeholder Secret is never applied"


def test_secret_template_holds_placeholders_only() -> None:
    secret = yaml.safe_load((K8S / "secret.example.yaml").read_text(encoding="utf-8"))
    assert secret["kind"] == "Secret" and "data" not in secret
    for key, value in secret["stringData"].items():
        assert value == "" or "CHANGE-ME" in value, f"{key} looks like a real value"


def test_deployment_keeps_three_replicas_during_rollouts() -> None:
    deployment = one("Deployment")
    assert deployment["spec"]["replicas"] == 3
    strategy = deployment["spec"]["strategy"]
    assert strategy["type"] == "RollingUpdate"
    assert strategy["rollingUpdate"]["maxUnavailable"] == 0
    assert strategy["rollingUpdate"]["maxSurge"] == 1


def test_probes_check_the_right_endpoints() -> None:
    container = pod_specs()["Deployment"]["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["http"] == 8000
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
        probe = container.get(kind)
        if probe is not None:
            assert probe["httpGet"]["port"] in {*ports, 8000}, kind
    # Liveness must not depend on the database: a slow database would restart every pod.
    startup = container.get("startupProbe", {}).get("httpGet", {}).get("path", "/healthz")
    assert startup == "/healthz"


def test_pods_run_non_root_read_only_with_requests_and_limits() -> None:
    dockerfile_uid = int(
        [value for name, value in final_stage() if name == "USER"][-1].split(":")[0]
    )
    for owner, spec in pod_specs().items():
        pod_security = spec["securityContext"]
        assert pod_security["runAsNonRoot"] is True, owner
        assert pod_security["runAsUser"] == dockerfile_uid, f"{owner}: the image's uid"
        assert spec["automountServiceAccountToken"] is False, owner
        tmp_volumes = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
        for container in spec["containers"]:
            where = f"{owner}/{container['name']}"
            for section in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][section]), where
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            assert security.get("runAsNonRoot", True) is True, where
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            assert mounts.get("/tmp") in tmp_volumes, f"{where}: a writable emptyDir at /tmp"


def test_pods_use_the_app_service_account_which_may_do_nothing() -> None:
    account = one("ServiceAccount")
    name = account["metadata"]["name"]
    assert name != "default" and account["automountServiceAccountToken"] is False
    for owner, spec in pod_specs().items():
        assert spec["serviceAccountName"] == name, owner
    kinds = {kind for kind, _ in objects()}
    assert not kinds & {"ClusterRole", "ClusterRoleBinding"}, "nothing cluster-wide"
    for (kind, _), obj in objects().items():
        if kind == "Role":
            assert not obj.get("rules"), "the app needs no Kubernetes API access"
        if kind == "RoleBinding":
            assert [s["name"] for s in obj["subjects"]] == [name]


def test_service_selects_the_web_pods() -> None:
    deployment, service = one("Deployment"), one("Service")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = service["spec"]["selector"]
    assert selector and selector.items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    ports = {p["name"] for p in deployment["spec"]["template"]["spec"]["containers"][0]["ports"]}
    for port in service["spec"]["ports"]:
        assert port["targetPort"] in ports | {8000}


def test_ingress_routes_to_the_service() -> None:
    ingress, service = one("Ingress"), one("Service")
    assert ingress["apiVersion"] == "networking.k8s.io/v1"
    assert ingress["spec"]["ingressClassName"]
    service_ports = {p["name"] for p in service["spec"]["ports"]} | {
        p["port"] for p in service["spec"]["ports"]
    }
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["name"] == service["metadata"]["name"]
            assert backend["port"].get("name", backend["port"].get("number")) in service_ports
    hosts = one("ConfigMap")["data"]["DJANGO_ALLOWED_HOSTS"].split(",")
    assert all(rule["host"] in hosts for rule in ingress["spec"]["rules"])


def test_ingress_uses_the_controller_the_course_teaches() -> None:
    # The app deploys the way its Ingress lesson teaches. Ingress NGINX was retired in March
    # 2026 (kubernetes.io blog, 2025-11-11), so neither may name its class "nginx".
    lesson = INGRESS_LESSON.read_text(encoding="utf-8")
    taught = set(re.findall(r"^\s*ingressClassName: (\S+)$", lesson, re.MULTILINE))
    ingress = one("Ingress")
    assert taught == {ingress["spec"]["ingressClassName"]} == {"traefik"}
    annotations = ingress["metadata"].get("annotations", {})
    assert not [a for a in annotations if a.startswith("nginx.ingress.kubernetes.io/")]
    # Every middleware the router names exists here, in Traefik's reference form for a CRD
    # in another provider namespace: <namespace>-<name>@kubernetescrd.
    middlewares = {
        f"{obj['metadata']['namespace']}-{name}@kubernetescrd"
        for (kind, name), obj in objects().items()
        if kind == "Middleware"
    }
    named = annotations["traefik.ingress.kubernetes.io/router.middlewares"].split(",")
    assert named and set(named) <= middlewares
    # Traefik's Ingress annotations (doc.traefik.io, "Traefik & Kubernetes with Ingress"):
    # the HTTPS entry point only, with TLS on the router.
    assert annotations["traefik.ingress.kubernetes.io/router.entrypoints"] == "websecure"
    assert annotations["traefik.ingress.kubernetes.io/router.tls"] == "true"
    assert ingress["spec"]["tls"][0]["hosts"] == [r["host"] for r in ingress["spec"]["rules"]]


def test_hpa_scales_the_deployment() -> None:
    hpa, deployment = one("HorizontalPodAutoscaler"), one("Deployment")
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"]) == ("apps/v1", "Deployment")
    assert target["name"] == deployment["metadata"]["name"]
    assert hpa["spec"]["minReplicas"] == deployment["spec"]["replicas"], "never below 3"
    assert hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
    # Utilization is relative to requests: the pods must request CPU.
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert "cpu" in container["resources"]["requests"]


def test_migrate_job_runs_the_release_step_with_the_web_image() -> None:
    job, web = pod_specs()["Job"], pod_specs()["Deployment"]
    assert job["restartPolicy"] in {"Never", "OnFailure"}
    container = job["containers"][0]
    script = " ".join(container.get("command", []) + container.get("args", []))
    assert script.index("migrate --noinput") < script.index("lessons sync")
    web_container = web["containers"][0]
    assert container["image"] == web_container["image"]
    assert container["envFrom"] == web_container["envFrom"], "the same configuration"
    web_command = " ".join(web_container.get("command", []) + web_container.get("args", []))
    assert "migrate" not in web_command and "lessons" not in web_command, "never in web pods"


def test_configuration_refers_to_objects_that_exist() -> None:
    configmap = one("ConfigMap")["metadata"]["name"]
    secret = yaml.safe_load((K8S / "secret.example.yaml").read_text(encoding="utf-8"))
    for owner, spec in pod_specs().items():
        for container in spec["containers"]:
            refs = container["envFrom"]
            assert {"configMapRef": {"name": configmap}} in refs, owner
            assert {"secretRef": {"name": secret["metadata"]["name"]}} in refs, owner
    required = {"DJANGO_SECRET_KEY", "DATABASE_URL"}
    assert required <= set(secret["stringData"]), "the template names every secret setting"
    assert not required & set(one("ConfigMap")["data"]), "secrets never go in the ConfigMap"
