"""`kubectl create <generator>` and `kubectl run`: the objects kubectl's generators build
(staging/src/k8s.io/kubectl/pkg/cmd/create/*.go, run/run.go), then created as any other."""

from __future__ import annotations

import base64
import re
from typing import Any

from learn.sim.kube.resources import lookup
from learn.sim.kubectl.builder import resolve
from learn.sim.kubectl.context import Ctx, KubectlError, not_simulated
from learn.sim.kubectl.flags import Flag, Parsed
from learn.sim.kubectl.mutate import (
    DRY_RUN,
    FILE_FLAGS,
    PRINT_FLAGS,
    create_object,
    dry_run_of,
    run_create_files,
)

GENERATORS = (
    "clusterrole",
    "clusterrolebinding",
    "configmap",
    "cronjob",
    "deployment",
    "ingress",
    "job",
    "namespace",
    "poddisruptionbudget",
    "priorityclass",
    "quota",
    "role",
    "rolebinding",
    "secret",
    "service",
    "serviceaccount",
    "token",
)

CREATE_FLAGS = [
    *FILE_FLAGS,
    *PRINT_FLAGS,
    DRY_RUN,
    Flag("save-config", kind="bool"),
    Flag("validate", default="strict"),
    Flag("edit", kind="bool", refused=True),
    Flag("raw", refused=True),
    Flag("windows-line-endings", kind="bool"),
    Flag("field-manager", default="kubectl-create"),
    # generators
    Flag("image", kind="array"),
    Flag("replicas", "r", kind="int", default=1),
    Flag("port", kind="int", default=-1),
    Flag("tcp", kind="list"),
    Flag("clusterip"),
    Flag("node-port", kind="int", default=0),
    Flag("external-name"),
    Flag("from-literal", kind="array"),
    Flag("from-file", kind="array"),
    Flag("from-env-file", kind="array"),
    Flag("type"),
    Flag("append-hash", kind="bool"),
    Flag("docker-server", default="https://index.docker.io/v1/"),
    Flag("docker-username"),
    Flag("docker-password"),
    Flag("docker-email"),
    Flag("cert"),
    Flag("key"),
    Flag("verb", kind="list"),
    Flag("resource", kind="list"),
    Flag("resource-name", kind="array"),
    Flag("non-resource-url", kind="list"),
    Flag("aggregation-rule"),
    Flag("role"),
    Flag("clusterrole"),
    Flag("user", kind="array"),
    Flag("group", kind="array"),
    Flag("serviceaccount", kind="array"),
    Flag("schedule"),
    Flag("restart"),
    Flag("from"),
]


def _labels_app(name: str) -> dict[str, str]:
    return {"app": name}


def _container_name(image: str) -> str:
    name = image.split("/")[-1]
    name = name.split("@")[0].split(":")[0]
    return re.sub(r"[^a-z0-9-]", "-", name.lower()) or "container"


def _meta(name: str, namespace: str | None, labels: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if labels:
        meta["labels"] = labels
    if namespace is not None:
        meta["namespace"] = namespace
    return meta


def _one_name(flags: Parsed, what: str) -> str:
    if not flags.args:
        raise KubectlError(
            f"exactly one NAME is required, got 0\nSee 'kubectl create {what} -h' for help and examples",
            raw=False,
        )
    if len(flags.args) > 1:
        raise KubectlError(
            f"exactly one NAME is required, got {len(flags.args)}\nSee 'kubectl create {what} -h' for help and examples"
        )
    return flags.args[0]


def _command_after_dash(flags: Parsed, name: str) -> list[str]:
    return flags.args[1:] if len(flags.args) > 1 else []


def gen_deployment(ctx: Ctx, flags: Parsed) -> dict[str, Any]:
    name = flags.args[0] if flags.args else ""
    if not name:
        raise KubectlError(
            "exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples"
        )
    images = flags.many("image")
    if not images:
        raise KubectlError('required flag(s) "image" not set')
    command = flags.args[1:]
    if command and len(images) > 1:
        raise KubectlError("cannot specify multiple --image options and command")
    containers = []
    for image in images:
        container: dict[str, Any] = {
            "image": image,
            "name": _container_name(image),
            "resources": {},
        }
        if command:
            container["command"] = command
        if int(flags.get("port")) >= 0:
            container["ports"] = [{"containerPort": int(flags.get("port"))}]
        containers.append(container)
    labels = _labels_app(name)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "creationTimestamp": None,
            "labels": labels,
            "name": name,
            **({"namespace": ctx.namespace} if ctx.explicit_namespace else {}),
        },
        "spec": {
            "replicas": int(flags.get("replicas")),
            "selector": {"matchLabels": dict(labels)},
            "strategy": {},
            "template": {
                "metadata": {"creationTimestamp": None, "labels": dict(labels)},
                "spec": {"containers": containers},
            },
        },
        "status": {},
    }


def gen_service(ctx: Ctx, flags: Parsed, kind: str) -> dict[str, Any]:
    name = _one_name(flags, f"service {kind}")
    types = {
        "clusterip": "ClusterIP",
        "nodeport": "NodePort",
        "loadbalancer": "LoadBalancer",
        "externalname": "ExternalName",
    }
    spec: dict[str, Any] = {"type": types[kind]}
    if kind == "externalname":
        if not flags.text("external-name"):
            raise KubectlError("--external-name must be specified")
        spec["externalName"] = flags.text("external-name")
    else:
        tcp = flags.many("tcp")
        if not tcp and not (kind == "clusterip" and flags.text("clusterip") == "None"):
            raise KubectlError("at least one tcp port specifier must be provided")
        ports = []
        for item in tcp:
            port, _, target = item.partition(":")
            if not port.isdigit() or (
                target and not target.isdigit() and not re.fullmatch(r"[a-z0-9-]+", target)
            ):
                raise KubectlError(f"invalid port: {item}")
            entry: dict[str, Any] = {
                "name": f"{port}-{target or port}",
                "port": int(port),
                "protocol": "TCP",
                "targetPort": int(target) if target.isdigit() else (target or int(port)),
            }
            if kind == "nodeport" and int(flags.get("node-port")):
                entry["nodePort"] = int(flags.get("node-port"))
            ports.append(entry)
        spec["ports"] = ports
        spec["selector"] = _labels_app(name)
        if flags.text("clusterip"):
            spec["clusterIP"] = flags.text("clusterip")
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"creationTimestamp": None, "labels": _labels_app(name), "name": name},
        "spec": spec,
        "status": {"loadBalancer": {}},
    }


def _key_values(ctx: Ctx, flags: Parsed) -> dict[str, str]:
    data: dict[str, str] = {}
    for literal in flags.many("from-literal"):
        key, sep, value = literal.partition("=")
        if not sep or not key:
            raise KubectlError(f"invalid literal source {literal}, expected key=value")
        if key in data:
            raise KubectlError(
                f'cannot add key {key}, another key by that name already exists in Data for ConfigMap "..."'
            )
        data[key] = value
    files = ctx.world.files()
    for source in flags.many("from-file"):
        key, sep, path = source.partition("=")
        if not sep:
            path, key = source, source.rstrip("/").split("/")[-1]
        text = files.get(path.removeprefix("./"))
        if text is None:
            raise KubectlError(f"error reading {path}: no such file or directory")
        data[key] = text
    for path in flags.many("from-env-file"):
        text = files.get(path.removeprefix("./"))
        if text is None:
            raise KubectlError(f"error reading {path}: no such file or directory")
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("=")
            if not sep:
                raise KubectlError(f'"{line}" is not a valid key name: ...')
            data[key] = value
    return data


def gen_configmap(ctx: Ctx, flags: Parsed) -> dict[str, Any]:
    name = _one_name(flags, "configmap")
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"creationTimestamp": None, "name": name},
    }
    data = _key_values(ctx, flags)
    if data:
        obj["data"] = data
    return obj


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def gen_secret(ctx: Ctx, flags: Parsed, kind: str) -> dict[str, Any]:
    name = _one_name(flags, f"secret {kind}")
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"creationTimestamp": None, "name": name},
    }
    if kind == "generic":
        data = _key_values(ctx, flags)
        if data:
            obj["data"] = {k: _b64(v) for k, v in data.items()}
        obj["type"] = flags.text("type") or "Opaque"
    elif kind == "docker-registry":
        import json

        if not flags.text("docker-username") or not flags.text("docker-password"):
            raise KubectlError("missing username and password for docker-registry secret")
        auth = _b64(f"{flags.text('docker-username')}:{flags.text('docker-password')}")
        entry = {
            "username": flags.text("docker-username"),
            "password": flags.text("docker-password"),
            "auth": auth,
        }
        if flags.text("docker-email"):
            entry["email"] = flags.text("docker-email")
        config = json.dumps({"auths": {flags.text("docker-server"): entry}}, separators=(",", ":"))
        obj["data"] = {".dockerconfigjson": _b64(config)}
        obj["type"] = "kubernetes.io/dockerconfigjson"
    else:
        files = ctx.world.files()
        cert, key = files.get(flags.text("cert")), files.get(flags.text("key"))
        if cert is None or key is None:
            raise KubectlError(
                f"open {flags.text('cert') if cert is None else flags.text('key')}: no such file or directory"
            )
        obj["data"] = {"tls.crt": _b64(cert), "tls.key": _b64(key)}
        obj["type"] = "kubernetes.io/tls"
    return obj


def gen_namespace(ctx: Ctx, flags: Parsed) -> dict[str, Any]:
    name = _one_name(flags, "namespace")
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"creationTimestamp": None, "name": name},
        "spec": {},
        "status": {},
    }


def gen_serviceaccount(ctx: Ctx, flags: Parsed) -> dict[str, Any]:
    name = _one_name(flags, "serviceaccount")
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"creationTimestamp": None, "name": name},
    }


def _job_template(name: str, image: str, command: list[str]) -> dict[str, Any]:
    container: dict[str, Any] = {"image": image, "name": name, "resources": {}}
    if command:
        container["command"] = command
    return {
        "metadata": {"creationTimestamp": None},
        "spec": {"containers": [container], "restartPolicy": "Never"},
    }


def gen_job(ctx: Ctx, flags: Parsed) -> dict[str, Any]:
    if not flags.args:
        raise KubectlError(
            "exactly one NAME is required, got 0\nSee 'kubectl create job -h' for help and examples"
        )
    name = flags.args[0]
    if flags.text("from"):
        kind, _, source = flags.text("from").partition("/")
        if lookup(kind) is None or lookup(kind) != resolve("cronjobs"):
            raise KubectlError(f"from must be an existing cronjob: unknown object type {kind}")
        cron = ctx.store.get("cronjobs", ctx.namespace, source)
        if cron is None:
            from learn.sim.kube.api import ApiError

            raise ApiError("NotFound", f'cronjobs.batch "{source}" not found')
        spec = dict(((cron.get("spec") or {}).get("jobTemplate") or {}).get("spec") or {})
        return {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {
                "annotations": {"cronjob.kubernetes.io/instantiate": "manual"},
                "creationTimestamp": None,
                "name": name,
            },
            "spec": spec,
            "status": {},
        }
    images = flags.many("image")
    if not images:
        raise KubectlError("either --image or --from must be specified")
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"creationTimestamp": None, "name": name},
        "spec": {"template": _job_template(name, images[0], flags.args[1:])},
        "status": {},
    }


def gen_cronjob(ctx: Ctx, flags: Parsed) -> dict[str, Any]:
    if not flags.args:
        raise KubectlError(
            "exactly one NAME is required, got 0\nSee 'kubectl create cronjob -h' for help and examples"
        )
    name = flags.args[0]
    if not flags.many("image"):
        raise KubectlError(
            'required flag(s) "image", "schedule" not set'
            if not flags.text("schedule")
            else 'required flag(s) "image" not set'
        )
    if not flags.text("schedule"):
        raise KubectlError('required flag(s) "schedule" not set')
    template = _job_template(name, flags.many("image")[0], flags.args[1:])
    template["spec"]["restartPolicy"] = flags.text("restart") or "OnFailure"
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"creationTimestamp": None, "name": name},
        "spec": {
            "jobTemplate": {
                "metadata": {"creationTimestamp": None, "name": name},
                "spec": {"template": template},
            },
            "schedule": flags.text("schedule"),
        },
        "status": {},
    }


_VERBS = {
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
    "approve",
    "sign",
    "*",
    "proxy",
}


def gen_role(ctx: Ctx, flags: Parsed, *, cluster: bool) -> dict[str, Any]:
    name = _one_name(flags, "clusterrole" if cluster else "role")
    verbs = flags.many("verb")
    if not verbs:
        raise KubectlError("at least one verb must be specified")
    for verb in verbs:
        if verb not in _VERBS:
            raise KubectlError(f"invalid verb: '{verb}'")
    resources = flags.many("resource")
    urls = flags.many("non-resource-url")
    if not resources and not (cluster and urls):
        raise KubectlError("at least one resource must be specified")
    rules: list[dict[str, Any]] = []
    by_group: dict[str, list[str]] = {}
    for text in resources:
        base, _, sub = text.partition("/")
        res_name, _, group = base.partition(".")
        if res_name == "*":
            plural, grp = "*", group or ""
        else:
            found = lookup(base)
            if found is None:
                raise KubectlError(f'the server doesn\'t have a resource type "{res_name}"')
            plural, grp = found.name, found.group
        by_group.setdefault(grp, []).append(plural + (f"/{sub}" if sub else ""))
    for group, names in by_group.items():
        rule: dict[str, Any] = {"apiGroups": [group], "resources": names, "verbs": verbs}
        if flags.many("resource-name"):
            rule["resourceNames"] = flags.many("resource-name")
        rules.append(rule)
    if urls:
        rules.append({"nonResourceURLs": urls, "verbs": verbs})
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole" if cluster else "Role",
        "metadata": {"creationTimestamp": None, "name": name},
        "rules": rules,
    }


def gen_binding(ctx: Ctx, flags: Parsed, *, cluster: bool) -> dict[str, Any]:
    name = _one_name(flags, "clusterrolebinding" if cluster else "rolebinding")
    role, clusterrole = flags.text("role"), flags.text("clusterrole")
    if cluster and role:
        raise KubectlError("unknown flag: --role")
    if bool(role) == bool(clusterrole):
        raise KubectlError("exactly one of clusterrole or role must be specified")
    subjects: list[dict[str, Any]] = []
    for user in flags.many("user"):
        subjects.append({"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user})
    for group in flags.many("group"):
        subjects.append({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group})
    for sa in flags.many("serviceaccount"):
        namespace, sep, sa_name = sa.partition(":")
        if not sep or not namespace or not sa_name:
            raise KubectlError("serviceaccount must be <namespace>:<name>")
        subjects.append({"kind": "ServiceAccount", "name": sa_name, "namespace": namespace})
    obj: dict[str, Any] = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding" if cluster else "RoleBinding",
        "metadata": {"creationTimestamp": None, "name": name},
        "roleRef": {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "ClusterRole" if clusterrole else "Role",
            "name": clusterrole or role,
        },
    }
    if subjects:
        obj["subjects"] = subjects
    return obj


def run_create(ctx: Ctx, flags: Parsed) -> None:
    if flags.many("filename"):
        run_create_files(ctx, flags)
        return
    if not flags.args:
        raise KubectlError("must specify one of -f and -k")
    what = flags.args[0]
    rest = Parsed(args=flags.args[1:], values=flags.values, given=flags.given)
    if what in {"service", "svc", "secret"}:
        if not rest.args:
            kinds = (
                "clusterip, externalname, loadbalancer, nodeport"
                if what != "secret"
                else "docker-registry, generic, tls"
            )
            raise KubectlError(f"kubectl create {what} needs a type: {kinds}")
        kind = rest.args[0]
        sub = Parsed(args=rest.args[1:], values=flags.values, given=flags.given)
        valid = (
            {"clusterip", "nodeport", "loadbalancer", "externalname"}
            if what != "secret"
            else {"generic", "docker-registry", "tls"}
        )
        if kind not in valid:
            from learn.sim.kubectl.main import _unknown_command

            raise KubectlError(
                _unknown_command(kind, f"kubectl create {what}", sorted(valid)), raw=True
            )
        obj = gen_secret(ctx, sub, kind) if what == "secret" else gen_service(ctx, sub, kind)
    elif what in {"deployment", "deploy"}:
        obj = gen_deployment(ctx, rest)
    elif what in {"configmap", "cm"}:
        obj = gen_configmap(ctx, rest)
    elif what in {"namespace", "ns"}:
        obj = gen_namespace(ctx, rest)
    elif what in {"serviceaccount", "sa"}:
        obj = gen_serviceaccount(ctx, rest)
    elif what == "job":
        obj = gen_job(ctx, rest)
    elif what in {"cronjob", "cj"}:
        obj = gen_cronjob(ctx, rest)
    elif what in {"role", "clusterrole"}:
        obj = gen_role(ctx, rest, cluster=what == "clusterrole")
    elif what in {"rolebinding", "clusterrolebinding"}:
        obj = gen_binding(ctx, rest, cluster=what == "clusterrolebinding")
    elif what in GENERATORS:
        raise not_simulated(f"kubectl create {what}")
    else:
        from learn.sim.kubectl.main import _unknown_command

        raise KubectlError(_unknown_command(what, "kubectl create", list(GENERATORS)), raw=True)
    resource = resolve(
        obj["kind"].lower() if obj["kind"] != "ClusterRoleBinding" else "clusterrolebindings"
    )
    if resource.namespaced:
        obj["metadata"]["namespace"] = ctx.namespace
    dry_run = dry_run_of(flags)
    if dry_run == "client" and not ctx.explicit_namespace:
        obj["metadata"].pop("namespace", None)
    if dry_run != "client":
        _drop_nulls(obj)
    if flags.on("save-config"):
        from learn.sim.kubectl.mutate import _with_last_applied

        obj = _with_last_applied(obj)
    create_object(ctx, flags, resource, obj, dry_run)


def _drop_nulls(obj: Any) -> None:
    """What the API server stores never has `creationTimestamp: null` or empty status."""
    if isinstance(obj, dict):
        for key in [k for k, v in obj.items() if v is None]:
            del obj[key]
        if obj.get("status") == {} and "kind" in obj:
            del obj["status"]
        for value in obj.values():
            _drop_nulls(value)
    elif isinstance(obj, list):
        for value in obj:
            _drop_nulls(value)


# --------------------------------------------------------------------------- run

RUN_FLAGS = [
    *PRINT_FLAGS,
    DRY_RUN,
    Flag("image"),
    Flag("port"),
    Flag("labels", "l"),
    Flag("env", kind="array"),
    Flag("restart", default="Always"),
    Flag("command", kind="bool"),
    Flag("image-pull-policy"),
    Flag("annotations", kind="array"),
    Flag("expose", kind="bool"),
    Flag("stdin", "i", kind="bool"),
    Flag("tty", "t", kind="bool"),
    Flag("rm", kind="bool"),
    Flag("attach", kind="bool"),
    Flag("privileged", kind="bool"),
    Flag("overrides", refused=True),
    Flag("serviceaccount"),
]


def run_run(ctx: Ctx, flags: Parsed) -> None:
    if not flags.args:
        raise KubectlError("NAME is required for run\nSee 'kubectl run -h' for help and examples")
    name = flags.args[0]
    image = flags.text("image")
    if not image:
        raise KubectlError('required flag(s) "image" not set')
    if flags.on("stdin") or flags.on("tty") or flags.on("rm") or flags.on("attach"):
        raise not_simulated("kubectl run -i/-t/--rm (attaching to a Pod)")
    restart = flags.text("restart")
    if restart not in {"Always", "OnFailure", "Never"}:
        raise KubectlError(f"invalid restart policy: {restart}")
    labels = {"run": name}
    if flags.text("labels"):
        labels = {}
        for pair in flags.text("labels").split(","):
            key, sep, value = pair.partition("=")
            if not sep:
                raise KubectlError(f"invalid label spec: {pair}")
            labels[key] = value
    container: dict[str, Any] = {"image": image, "name": name, "resources": {}}
    extra = flags.args[1:]
    if extra:
        container["command" if flags.on("command") else "args"] = extra
    if flags.many("env"):
        container["env"] = [
            {"name": e.partition("=")[0], "value": e.partition("=")[2]} for e in flags.many("env")
        ]
    if flags.text("port"):
        container["ports"] = [{"containerPort": int(flags.text("port"))}]
    if flags.text("image-pull-policy"):
        container["imagePullPolicy"] = flags.text("image-pull-policy")
    pod: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"creationTimestamp": None, "labels": labels, "name": name},
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
        "status": {},
    }
    if flags.text("serviceaccount"):
        pod["spec"]["serviceAccountName"] = flags.text("serviceaccount")
    dry_run = dry_run_of(flags)
    if dry_run != "client":
        _drop_nulls(pod)
        pod["metadata"]["namespace"] = ctx.namespace
    create_object(ctx, flags, resolve("pods"), pod, dry_run)
