"""`kubectl rollout status|history|undo|restart|pause|resume`.

Status lines are the status viewers' (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/
rollout_status.go), printed for every change of the object as the real watch prints them, while
simulated time passes until the rollout is done, its progress deadline passes, or --timeout.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from learn.sim import clock
from learn.sim.kube.api import ApiError
from learn.sim.kube.resources import Resource
from learn.sim.kubectl import printers
from learn.sim.kubectl.builder import targets
from learn.sim.kubectl.context import Ctx, KubectlError
from learn.sim.kubectl.flags import Flag, Parsed

REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
# A real `rollout status` waits as long as it takes; the sandbox stops after this much
# simulated time (a Deployment's default progress deadline, 600 s, plus a minute).
MAX_WAIT_MS = 660_000


class StatusError(Exception):
    pass


def deployment_status(obj: Mapping[str, Any], revision: int = 0) -> tuple[str, bool]:
    """DeploymentStatusViewer.Status."""
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    name = meta.get("name", "")
    if revision > 0:
        current = int((meta.get("annotations") or {}).get(REVISION, "0") or 0)
        if revision != current:
            raise StatusError(
                f"desired revision ({revision}) is different from the running revision ({current})"
            )
    if int(meta.get("generation") or 0) <= int(status.get("observedGeneration") or 0):
        for condition in status.get("conditions") or []:
            if (
                condition.get("type") == "Progressing"
                and condition.get("reason") == "ProgressDeadlineExceeded"
            ):
                raise StatusError(f'deployment "{name}" exceeded its progress deadline')
        replicas = spec.get("replicas")
        updated = int(status.get("updatedReplicas") or 0)
        if replicas is not None and updated < int(replicas):
            return (
                f'Waiting for deployment "{name}" rollout to finish: {updated} out of {replicas} new replicas have been updated...\n',
                False,
            )
        total = int(status.get("replicas") or 0)
        if total > updated:
            return (
                f'Waiting for deployment "{name}" rollout to finish: {total - updated} old replicas are pending termination...\n',
                False,
            )
        available = int(status.get("availableReplicas") or 0)
        if available < updated:
            return (
                f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated replicas are available...\n',
                False,
            )
        return f'deployment "{name}" successfully rolled out\n', True
    return "Waiting for deployment spec update to be observed...\n", False


def daemonset_status(obj: Mapping[str, Any], revision: int = 0) -> tuple[str, bool]:
    """DaemonSetStatusViewer.Status."""
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    strategy = (spec.get("updateStrategy") or {}).get("type") or "RollingUpdate"
    if strategy != "RollingUpdate":
        raise StatusError("rollout status is only available for RollingUpdate strategy type")
    name = meta.get("name", "")
    if int(meta.get("generation") or 0) <= int(status.get("observedGeneration") or 0):
        updated = int(status.get("updatedNumberScheduled") or 0)
        desired = int(status.get("desiredNumberScheduled") or 0)
        available = int(status.get("numberAvailable") or 0)
        if updated < desired:
            return (
                f'Waiting for daemon set "{name}" rollout to finish: {updated} out of {desired} new pods have been updated...\n',
                False,
            )
        if available < desired:
            return (
                f'Waiting for daemon set "{name}" rollout to finish: {available} of {desired} updated pods are available...\n',
                False,
            )
        return f'daemon set "{name}" successfully rolled out\n', True
    return "Waiting for daemon set spec update to be observed...\n", False


def statefulset_status(obj: Mapping[str, Any], revision: int = 0) -> tuple[str, bool]:
    """StatefulSetStatusViewer.Status."""
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    strategy = spec.get("updateStrategy") or {}
    if (strategy.get("type") or "RollingUpdate") != "RollingUpdate":
        raise StatusError("rollout status is only available for RollingUpdate strategy type")
    if int(status.get("observedGeneration") or 0) == 0 or int(meta.get("generation") or 0) > int(
        status.get("observedGeneration") or 0
    ):
        return "Waiting for statefulset spec update to be observed...\n", False
    replicas = int(spec.get("replicas", 1))
    ready = int(status.get("readyReplicas") or 0)
    if spec.get("replicas") is not None and ready < replicas:
        return f"Waiting for {replicas - ready} pods to be ready...\n", False
    partition = (strategy.get("rollingUpdate") or {}).get("partition")
    updated = int(status.get("updatedReplicas") or 0)
    if partition is not None and spec.get("replicas") is not None:
        if updated < replicas - int(partition):
            return (
                f"Waiting for partitioned roll out to finish: {updated} out of {replicas - int(partition)} new pods have been updated...\n",
                False,
            )
        return f"partitioned roll out complete: {updated} new pods have been updated...\n", True
    if status.get("updateRevision") != status.get("currentRevision"):
        return (
            f"waiting for statefulset rolling update to complete {updated} pods at revision {status.get('updateRevision')}...\n",
            False,
        )
    return (
        f"statefulset rolling update complete {status.get('currentReplicas', 0)} pods at revision {status.get('currentRevision')}...\n",
        True,
    )


VIEWERS = {
    "deployments": deployment_status,
    "daemonsets": daemonset_status,
    "statefulsets": statefulset_status,
}

ROLLOUT_FLAGS = [
    Flag("filename", "f", kind="array"),
    Flag("recursive", "R", kind="bool"),
    Flag("selector", "l"),
    Flag("output", "o"),
    Flag("dry-run", default="none"),
    Flag("watch", "w", kind="bool", default=True),
    Flag("timeout", default="0s"),
    Flag("revision", kind="int", default=0),
    Flag("to-revision", kind="int", default=0),
    Flag("field-manager"),
]


def _one(ctx: Ctx, flags: Parsed, verb: str) -> list[tuple[Resource, dict[str, Any]]]:
    from learn.sim.kubectl.mutate import _objects_for

    if not flags.args and not flags.many("filename"):
        raise KubectlError(
            "required resource not specified"
            if verb != "status"
            else "required resource not specified"
        )
    return _objects_for(ctx, flags, f"rollout {verb}")


def run_status(ctx: Ctx, flags: Parsed) -> None:
    from learn.sim.kubectl.get import parse_seconds

    timeout = parse_seconds(flags.text("timeout"))
    for resource, obj in _one(ctx, flags, "status"):
        viewer = VIEWERS.get(resource.name)
        if viewer is None:
            raise KubectlError(f"no status viewer has been implemented for {resource.kind}")
        _wait(ctx, flags, resource, obj, viewer, timeout)
        if ctx.code:
            return


def _wait(
    ctx: Ctx, flags: Parsed, resource: Resource, obj: dict[str, Any], viewer: Any, timeout: float
) -> None:
    revision = int(flags.get("revision"))
    meta = obj.get("metadata") or {}
    uid = meta.get("uid")
    state = {"done": False, "error": ""}

    def show(current: Mapping[str, Any]) -> None:
        try:
            text, done = viewer(current, revision)
        except StatusError as exc:
            state["error"] = str(exc)
            state["done"] = True
            return
        ctx.print(text)
        if done or not flags.on("watch"):
            state["done"] = True

    show(obj)
    if state["done"]:
        _finish(ctx, state)
        return

    def on_change(kind: str, changed: dict[str, Any]) -> None:
        if state["done"] or (changed.get("metadata") or {}).get("uid") != uid:
            return
        if kind == "DELETED":
            state["error"] = "object has been deleted"
            state["done"] = True
            return
        show(changed)

    store = ctx.store
    store.watchers.append(on_change)
    try:
        limit = int(timeout * 1000) if timeout > 0 else MAX_WAIT_MS
        clock.advance(ctx.world, limit, until=lambda _w: bool(state["done"]))
    finally:
        store.watchers.remove(on_change)
    if not state["done"]:
        if timeout > 0:
            ctx.err.append("error: timed out waiting for the condition\n")
        else:
            ctx.err.append(
                f"error: the sandbox stopped waiting after {MAX_WAIT_MS // 1000} simulated seconds "
                "(a real `kubectl rollout status` would go on waiting)\n"
            )
        ctx.code = 1
        return
    _finish(ctx, state)


def _finish(ctx: Ctx, state: dict[str, Any]) -> None:
    if state["error"]:
        ctx.err.append(f"error: {state['error']}\n")
        ctx.code = 1


def _replicasets_of(ctx: Ctx, deployment: Mapping[str, Any]) -> list[dict[str, Any]]:
    uid = (deployment.get("metadata") or {}).get("uid")
    namespace = (deployment.get("metadata") or {}).get("namespace")
    out = []
    for rs in ctx.store.list("replicasets", namespace):
        refs = (rs.get("metadata") or {}).get("ownerReferences") or []
        if any(r.get("uid") == uid and r.get("controller") for r in refs):
            out.append(dict(rs))
    return out


def _revision(rs: Mapping[str, Any]) -> int:
    try:
        return int(((rs.get("metadata") or {}).get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def _only_deployments(resource: Resource, verb: str) -> None:
    if resource.name not in {"deployments"}:
        raise KubectlError(
            f"{verb} of {resource.qualified} is not simulated in this sandbox (Deployments are)"
        )


def run_history(ctx: Ctx, flags: Parsed) -> None:
    for resource, obj in _one(ctx, flags, "history"):
        _only_deployments(resource, "rollout history")
        history = {_revision(rs): rs for rs in _replicasets_of(ctx, obj) if _revision(rs) > 0}
        name = f"{resource.kind_qualified}/{(obj.get('metadata') or {}).get('name')}"
        wanted = int(flags.get("revision"))
        if wanted:
            rs = history.get(wanted)
            if rs is None:
                raise KubectlError("unable to find the specified revision")
            from learn.sim.kubectl.describe import pod_template_text

            template = copy.deepcopy((rs.get("spec") or {}).get("template") or {})
            ctx.print(f"{name} with revision #{wanted}\n" + pod_template_text(ctx, template) + "\n")
            continue
        if not history:
            ctx.print("No rollout history found.\n")
            continue
        rows = [["REVISION", "CHANGE-CAUSE"]]
        for revision in sorted(history):
            cause = ((history[revision].get("metadata") or {}).get("annotations") or {}).get(
                CHANGE_CAUSE
            ) or "<none>"
            rows.append([str(revision), cause])
        widths = [max(len(r[0]) for r in rows) + 2, 0]
        body = "".join(r[0].ljust(widths[0]) + r[1] + "\n" for r in rows)
        ctx.print(f"{name} \n{body}\n")


def run_undo(ctx: Ctx, flags: Parsed) -> None:
    to_revision = int(flags.get("to-revision"))
    for resource, obj in _one(ctx, flags, "undo"):
        _only_deployments(resource, "rollout undo")
        meta = obj.get("metadata") or {}
        name = meta.get("name", "")
        if (obj.get("spec") or {}).get("paused"):
            raise KubectlError(
                f"you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{name}' and try again"
            )
        history = {_revision(rs): rs for rs in _replicasets_of(ctx, obj) if _revision(rs) > 0}
        if to_revision:
            target = history.get(to_revision)
            if target is None:
                raise KubectlError(f"unable to find specified revision {to_revision} in history")
        else:
            revisions = sorted(history)
            if len(revisions) < 2:
                raise KubectlError(f'no rollout history found for deployment "{name}"')
            target = history[revisions[-2]]
        template = copy.deepcopy((target.get("spec") or {}).get("template") or {})
        labels = dict((template.get("metadata") or {}).get("labels") or {})
        labels.pop("pod-template-hash", None)
        template.setdefault("metadata", {})["labels"] = labels
        current = (obj.get("spec") or {}).get("template") or {}
        if _same_template(current, template):
            ctx.print(
                f"{resource.kind_qualified}/{name} skipped rollback (current template already matches revision {_revision(target)})\n"
            )
            continue
        new = copy.deepcopy(obj)
        new["spec"]["template"] = template
        annotations = {
            k: v
            for k, v in ((target.get("metadata") or {}).get("annotations") or {}).items()
            if k == CHANGE_CAUSE
        }
        if annotations:
            new["metadata"].setdefault("annotations", {}).update(annotations)
        ctx.store.update(new, user=ctx.user)
        ctx.print(f"{resource.kind_qualified}/{name} rolled back\n")


def _same_template(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    import json

    def norm(t: Mapping[str, Any]) -> str:
        data = copy.deepcopy(dict(t))
        (data.get("metadata") or {}).get("labels", {}).pop("pod-template-hash", None)
        return json.dumps(data, sort_keys=True)

    return norm(a) == norm(b)


def run_restart(ctx: Ctx, flags: Parsed) -> None:
    for resource, obj in _one(ctx, flags, "restart"):
        if resource.name not in {"deployments", "daemonsets", "statefulsets"}:
            raise KubectlError(f"restarting is not supported for {resource.qualified}")
        name = (obj.get("metadata") or {}).get("name", "")
        if (obj.get("spec") or {}).get("paused"):
            raise KubectlError(
                f'{resource.qualified} "{name}" can\'t restart paused deployment (run rollout resume first)'
            )
        new = copy.deepcopy(obj)
        template = new.setdefault("spec", {}).setdefault("template", {})
        template.setdefault("metadata", {}).setdefault("annotations", {})[
            "kubectl.kubernetes.io/restartedAt"
        ] = ctx.world.timestamp()
        ctx.store.update(new, user=ctx.user)
        ctx.print(f"{resource.kind_qualified}/{name} restarted\n")


def run_pause(ctx: Ctx, flags: Parsed, *, paused: bool) -> None:
    for resource, obj in _one(ctx, flags, "pause" if paused else "resume"):
        _only_deployments(resource, "rollout pause" if paused else "rollout resume")
        name = (obj.get("metadata") or {}).get("name", "")
        if bool((obj.get("spec") or {}).get("paused")) == paused:
            raise KubectlError(
                f'{resource.qualified} "{name}" is {"already paused" if paused else "not paused"}'
            )
        new = copy.deepcopy(obj)
        if paused:
            new["spec"]["paused"] = True
        else:
            new["spec"].pop("paused", None)
        try:
            ctx.store.update(new, user=ctx.user)
        except ApiError as exc:
            ctx.api_error(exc)
            continue
        ctx.print(f"{resource.kind_qualified}/{name} {'paused' if paused else 'resumed'}\n")


__all__ = ["printers", "targets"]
