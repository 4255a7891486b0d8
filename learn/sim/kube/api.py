"""The simulated API server's storage: objects as Kubernetes JSON, with metadata the way the API
server keeps it (uid, resourceVersion, generation, creationTimestamp, deletionTimestamp).

Every object is a plain dict shaped exactly like the JSON the real API server returns
(`kubectl get -o json`), stored in the sandbox state under `state["kube"]`:

    objects   {key: object}  objects this sandbox created or changed, key "<resource>/<ns>/<name>"
    removed   [key, ...]     bootstrap objects this sandbox deleted
    events    [Event, ...]   core/v1 Events, aggregated by (object, reason, message), capped

Bootstrap objects every cluster starts with (namespaces, nodes, the RBAC policy, the
`kubernetes` Service and its endpoints) are shared, immutable data derived from the cluster's topology (`BASELINE_OF`, installed
by learn/sim/kube/bootstrap.py and cached per topology) that a sandbox overlays: reading
falls through to them, writing copies them into `objects`. That keeps `dump()` small; the baseline is never written into the state and never mutated.

Objects returned by `get` and `list` are the stored ones: treat them as read-only and write
through `create`, `update`, `update_status` and `delete` with a modified copy (`copy_of`).

Requests carry a `user` (who is asking). Controllers and the kubelet pass None (the system),
commands the learner types pass the learner (the cluster's admin) or whoever `--as` names.
Admission (defaulting and validation) and authorization are plugged in by
learn/sim/kube/admission.py and learn/sim/kube/authz.py through `ADMISSION` and `AUTHORIZE`.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from learn.sim.kube.resources import Resource, by_kind, lookup
from learn.sim.world import World

MAX_OBJECTS = 1000
MAX_EVENTS = 300

Object = dict[str, Any]


@dataclass(frozen=True)
class User:
    name: str
    groups: tuple[str, ...] = ()

    @property
    def is_system(self) -> bool:
        return False


# The learner, as on a fresh kind cluster: kubeadm's admin.conf user, bound to cluster-admin
# through the ClusterRoleBinding `kubeadm:cluster-admins` (kubeadm 1.29 and later).
ADMIN = User("kubernetes-admin", ("kubeadm:cluster-admins", "system:authenticated"))


class ApiError(Exception):
    """A failed request, as the API server answers it (a metav1.Status).

    `reason` is the StatusReason (NotFound, AlreadyExists, Invalid, Forbidden, Conflict,
    BadRequest, MethodNotAllowed, ...), `code` the HTTP status, `message` the Status message
    (kubectl prints `Error from server (<reason>): <message>`, except for Invalid, which it
    prints as the message alone), `causes` the field errors of an Invalid.
    """

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        code: int = 0,
        causes: list[dict[str, str]] | None = None,
        kind: str = "",
        name: str = "",
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.code = code or _CODES.get(reason, 500)
        self.causes = causes or []
        self.kind = kind
        self.name = name


_CODES = {
    "BadRequest": 400,
    "Unauthorized": 401,
    "Forbidden": 403,
    "NotFound": 404,
    "MethodNotAllowed": 405,
    "AlreadyExists": 409,
    "Conflict": 409,
    "Gone": 410,
    "Invalid": 422,
    "TooManyRequests": 429,
    "InternalError": 500,
}


def not_found(resource: Resource, name: str) -> ApiError:
    return ApiError(
        "NotFound", f'{resource.qualified} "{name}" not found', kind=resource.kind, name=name
    )


def copy_of(obj: Mapping[str, Any]) -> Object:
    """A deep copy of a JSON object (dicts, lists and scalars only, as every stored object
    is): several times quicker than `copy.deepcopy`, which the controllers call per object."""
    return {k: _copy_json(v) for k, v in obj.items()}


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    return value


# --------------------------------------------------------------------------- plug points

Admission = Callable[["Store", str, Object, "Object | None", "User | None"], None]
"""`fn(store, operation, obj, old, user)`: default fields in `obj` in place, or raise ApiError.
operation is CREATE, UPDATE or DELETE; `old` is the stored object for UPDATE and DELETE."""

ADMISSION: list[tuple[int, str, Admission]] = []

Authorize = Callable[["Store", User, str, Resource, str, str, str], "str | None"]
"""`fn(store, user, verb, resource, namespace, name, subresource)` -> None when allowed, else the
reason text of the Forbidden answer."""

AUTHORIZE: list[Authorize] = []


def admission(order: int) -> Callable[[Admission], Admission]:
    def register(fn: Admission) -> Admission:
        name = f"{fn.__module__}.{fn.__qualname__}"
        if all(existing != name for _, existing, _ in ADMISSION):
            ADMISSION.append((order, name, fn))
            ADMISSION.sort(key=lambda item: (item[0], item[1]))
        return fn

    return register


def authorizer(fn: Authorize) -> Authorize:
    if fn not in AUTHORIZE:
        AUTHORIZE.append(fn)
    return fn


# The baseline of a world: every object a fresh cluster of that shape starts with (key ->
# object). bootstrap.py installs the function; it derives the objects from the topology in the
# state (the nodes and their sizes) and caches them per topology. Never mutated.
def _no_baseline(world: World) -> dict[str, Object]:
    return {}


BASELINE_OF: list[Callable[[World], dict[str, Object]]] = [_no_baseline]


def key_of(resource: Resource, namespace: str, name: str) -> str:
    return f"{resource.qualified}/{namespace if resource.namespaced else ''}/{name}"


# --------------------------------------------------------------------------- the store


@dataclass
class Store:
    world: World
    # Called after every write with (type, object): ADDED, MODIFIED, DELETED. Transient, never
    # part of the state: `kubectl get -w` listens while it lets time pass.
    watchers: list[Callable[[str, Object], None]] = field(default_factory=list)
    # Where the API server's warnings for the request being served go (the `Warning` headers
    # kubectl prints on stderr): set by the kubectl command running. Transient too.
    warn_to: Callable[[str], None] | None = None
    # The name the request being admitted carried (empty when it asked for a generateName):
    # admission errors quote it, as the API server builds its admission attributes from the
    # request before the registry generates a name. Transient, set only inside _admit.
    admission_name: str | None = None

    def warning(self, text: str) -> None:
        if self.warn_to is not None:
            self.warn_to(f"Warning: {text}\n")

    @classmethod
    def of(cls, world: World) -> Store:
        """The one store of a world (kept on the World object for the length of a command)."""
        store = getattr(world, "_kube_store", None)
        if store is None:
            store = cls(world)
            world._kube_store = store  # type: ignore[attr-defined]
        return store

    @property
    def baseline(self) -> dict[str, Object]:
        # Looked up on every read; the topology never changes in a world's life, so the
        # (shared, immutable) baseline is kept on this transient store once it is known.
        cached: dict[str, Object] | None = self.__dict__.get("_baseline")
        if cached is None:
            cached = BASELINE_OF[-1](self.world)
            if cached:
                self.__dict__["_baseline"] = cached
        return cached

    @property
    def _state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.world.state.setdefault(
            "kube", {"objects": {}, "removed": [], "events": []}
        )
        return state

    # ------------------------------------------------------------------ reads

    def _raw(self, key: str) -> Object | None:
        objects = self._state["objects"]
        if key in objects:
            obj: Object = objects[key]
            return obj
        baseline = self.baseline
        if key in baseline and key not in self._state["removed"]:
            return baseline[key]
        return None

    def get(self, resource: Resource | str, namespace: str, name: str) -> Object | None:
        res = _resource(resource)
        return self._raw(key_of(res, namespace, name))

    def require(self, resource: Resource | str, namespace: str, name: str) -> Object:
        res = _resource(resource)
        obj = self.get(res, namespace, name)
        if obj is None:
            raise not_found(res, name)
        return obj

    def _keys(self, prefix: str) -> Iterator[str]:
        removed = set(self._state["removed"])
        seen = set()
        for key in self._state["objects"]:
            if key.startswith(prefix):
                seen.add(key)
                yield key
        for key in self.baseline:
            if key.startswith(prefix) and key not in seen and key not in removed:
                yield key

    def list(
        self,
        resource: Resource | str,
        namespace: str | None = None,
        *,
        selector: Callable[[Mapping[str, str]], bool] | None = None,
    ) -> list[Object]:
        """Objects of a resource (in one namespace, or all with None), sorted by namespace and
        name as the API server lists them."""
        res = _resource(resource)
        prefix = f"{res.qualified}/"
        if res.namespaced and namespace is not None:
            prefix += f"{namespace}/"
        out = []
        for key in self._keys(prefix):
            obj = self._raw(key)
            if obj is None:
                continue
            if selector is not None and not selector(obj.get("metadata", {}).get("labels") or {}):
                continue
            out.append(obj)
        out.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        return out

    def count(self) -> int:
        return len(self._state["objects"])

    # ------------------------------------------------------------------ writes

    def _resource_for(self, obj: Mapping[str, Any]) -> Resource:
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if not isinstance(api_version, str) or not isinstance(kind, str):
            raise ApiError("BadRequest", "Object 'Kind' is missing in the object")
        res = by_kind(api_version, kind)
        if res is None:
            raise ApiError(
                "NotFound",
                f'no matches for kind "{kind}" in version "{api_version}"',
                kind=kind,
            )
        return res

    def _next_rv(self) -> str:
        return str(1000 + self.world.counter("resourceVersion"))

    def authorize(
        self,
        user: User | None,
        verb: str,
        resource: Resource,
        namespace: str,
        name: str = "",
        subresource: str = "",
    ) -> None:
        """Raise Forbidden unless `user` may do `verb` (no user: the system, always allowed)."""
        if user is None:
            return
        for fn in AUTHORIZE:
            denied = fn(self, user, verb, resource, namespace, name, subresource)
            if denied is not None:
                raise ApiError("Forbidden", denied, kind=resource.kind, name=name)
        if not AUTHORIZE:
            raise ApiError("Forbidden", "no authorizer is installed in this sandbox")

    def _admit(
        self,
        operation: str,
        obj: Object,
        old: Object | None,
        user: User | None,
        requested: str | None = None,
    ) -> None:
        self.admission_name = (
            requested if requested is not None else str(obj["metadata"].get("name") or "")
        )
        try:
            for _order, _name, fn in ADMISSION:
                fn(self, operation, obj, old, user)
        finally:
            self.admission_name = None

    def create(
        self, obj: Mapping[str, Any], *, user: User | None = None, dry_run: bool = False
    ) -> Object:
        """POST: default, validate, fill metadata, store. Returns the stored object."""
        res = self._resource_for(obj)
        new = copy_of(obj)
        meta = new.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise ApiError("BadRequest", "metadata must be an object")
        if res.namespaced:
            meta["namespace"] = meta.get("namespace") or "default"
        else:
            meta.pop("namespace", None)
        namespace = meta.get("namespace", "")
        requested = str(meta.get("name") or "")
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = f"{meta['generateName']}{self.world.suffix()}"
        name = meta.get("name") or ""
        self.authorize(user, "create", res, namespace, "")
        if res.namespaced:
            ns = self.get("namespaces", "", namespace)
            if ns is None:
                raise ApiError(
                    "NotFound",
                    f'namespaces "{namespace}" not found',
                    kind="Namespace",
                    name=namespace,
                )
            if ns.get("metadata", {}).get("deletionTimestamp"):
                raise ApiError(
                    "Forbidden",
                    f'{res.name} "{name}" is forbidden: unable to create new content in namespace '
                    f"{namespace} because it is being terminated",
                )
        self._admit("CREATE", new, None, user, requested)
        name = new["metadata"].get("name") or ""
        key = key_of(res, namespace, name)
        if name and self._raw(key) is not None:
            raise ApiError(
                "AlreadyExists",
                f'{res.qualified} "{name}" already exists',
                kind=res.kind,
                name=name,
            )
        if self.count() >= MAX_OBJECTS and not dry_run:
            raise ApiError(
                "Forbidden",
                f"the sandbox holds at most {MAX_OBJECTS} objects; delete some first",
            )
        meta = new["metadata"]
        meta.pop("resourceVersion", None)
        # A strategy may have given the object its uid already (a Job's selector names it).
        meta["uid"] = "" if dry_run else (meta.get("uid") or self.world.uid())
        meta["creationTimestamp"] = self.world.timestamp()
        meta.pop("deletionTimestamp", None)
        if _has_generation(res):
            meta["generation"] = 1
        if dry_run:
            meta.pop("uid", None)
            return new
        meta["resourceVersion"] = self._next_rv()
        self._state["objects"][key] = new
        self._notify("ADDED", new)
        return new

    def update(
        self,
        obj: Mapping[str, Any],
        *,
        user: User | None = None,
        dry_run: bool = False,
        authorized: bool = False,
    ) -> Object:
        """PUT on the main resource: spec and metadata change, status is kept as stored.
        `authorized`: the caller has asked RBAC already (a PATCH asks about `patch`), so only
        admission and validation run as `user`."""
        return self._put(obj, user=user, dry_run=dry_run, subresource="", authorized=authorized)

    def update_status(self, obj: Mapping[str, Any], *, user: User | None = None) -> Object:
        """PUT on /status: only status changes (controllers and the kubelet write here)."""
        return self._put(obj, user=user, dry_run=False, subresource="status")

    def _put(
        self,
        obj: Mapping[str, Any],
        *,
        user: User | None,
        dry_run: bool,
        subresource: str,
        authorized: bool = False,
    ) -> Object:
        res = self._resource_for(obj)
        meta = obj.get("metadata") or {}
        namespace = meta.get("namespace", "default") if res.namespaced else ""
        name = meta.get("name", "")
        key = key_of(res, namespace, name)
        old = self._raw(key)
        if old is None:
            raise not_found(res, name)
        if not authorized:
            self.authorize(user, "update", res, namespace, name, subresource)
        new = copy_of(obj)
        new_meta = new.setdefault("metadata", {})
        old_meta = old["metadata"]
        for fixed in ("uid", "creationTimestamp", "namespace", "name"):
            if fixed in old_meta:
                new_meta[fixed] = old_meta[fixed]
        if "deletionTimestamp" in old_meta:
            new_meta["deletionTimestamp"] = old_meta["deletionTimestamp"]
            if "deletionGracePeriodSeconds" in old_meta:
                new_meta["deletionGracePeriodSeconds"] = old_meta["deletionGracePeriodSeconds"]
        if subresource == "status":
            status = new.get("status")
            new = copy_of(old)
            if status is None:
                new.pop("status", None)
            else:
                new["status"] = status
        else:
            if "status" in old:
                new["status"] = _copy_json(old["status"])
            else:
                new.pop("status", None)
            self._admit("UPDATE", new, old, user)
            if _has_generation(res):
                changed = _spec_of(new) != _spec_of(old)
                new["metadata"]["generation"] = int(old_meta.get("generation", 1)) + (
                    1 if changed else 0
                )
        if _same(new, old):
            return old
        if dry_run:
            return new
        new["metadata"]["resourceVersion"] = self._next_rv()
        # Finalizers gone from an object being deleted: the deletion completes now.
        # (Pods go when the kubelet says they are gone.)
        deleting = new["metadata"].get("deletionTimestamp")
        # (A Namespace goes when its spec.finalizers are gone too: the namespace controller
        # writes its status conditions while it empties it.)
        waiting = res.name == "pods" or (
            res.name == "namespaces" and bool((new.get("spec") or {}).get("finalizers"))
        )
        if deleting and not new["metadata"].get("finalizers") and not waiting:
            self._remove(key, new)
            return new
        self._state["objects"][key] = new
        self._notify("MODIFIED", new)
        return new

    def delete(
        self,
        resource: Resource | str,
        namespace: str,
        name: str,
        *,
        user: User | None = None,
        grace_seconds: int | None = None,
        propagation: str = "Background",
        dry_run: bool = False,
    ) -> Object:
        """DELETE: objects with finalizers (and Pods with a grace period) are marked with a
        deletionTimestamp and go later; everything else goes now. Dependents are the garbage
        collector's business (learn/sim/kube/controllers/gc.py), as in a real cluster."""
        res = _resource(resource)
        key = key_of(res, namespace, name)
        old = self._raw(key)
        if old is None:
            raise not_found(res, name)
        self.authorize(user, "delete", res, namespace, name)
        self._admit("DELETE", copy_of(old), old, user)
        if dry_run:
            return old
        meta = old["metadata"]
        if meta.get("deletionTimestamp"):
            if res.name == "pods" and grace_seconds == 0:
                self._remove(key, old)
            return old
        finalizers = list(meta.get("finalizers") or [])
        if propagation == "Foreground" and meta.get("uid"):
            finalizers.append("foregroundDeletion")
        elif propagation == "Orphan":
            finalizers.append("orphan")
        grace = grace_seconds
        if res.name == "pods":
            if grace is None:
                grace = int((old.get("spec") or {}).get("terminationGracePeriodSeconds", 30))
            # A Pod never bound to a node, or one forced with --grace-period=0 --force, goes now.
            unbound = not (old.get("spec") or {}).get("nodeName")
            if (grace == 0 or unbound) and not finalizers:
                self._remove(key, old)
                return old
        if not finalizers and res.name not in {"pods", "namespaces"}:
            self._remove(key, old)
            return old
        new = copy_of(old)
        new["metadata"]["deletionTimestamp"] = self.world.timestamp()
        if res.name == "pods":
            new["metadata"]["deletionGracePeriodSeconds"] = grace
        if finalizers:
            new["metadata"]["finalizers"] = finalizers
        if res.name == "namespaces":
            new.setdefault("spec", {})["finalizers"] = ["kubernetes"]
            new.setdefault("status", {})["phase"] = "Terminating"
        new["metadata"]["resourceVersion"] = self._next_rv()
        self._state["objects"][key] = new
        self._notify("MODIFIED", new)
        return new

    def remove(self, obj: Mapping[str, Any]) -> None:
        """Drop an object for good (the kubelet confirming a Pod is gone; the GC)."""
        res = self._resource_for(obj)
        meta = obj.get("metadata") or {}
        key = key_of(res, meta.get("namespace", ""), meta.get("name", ""))
        current = self._raw(key)
        if current is not None:
            self._remove(key, current)

    def _remove(self, key: str, obj: Object) -> None:
        self._state["objects"].pop(key, None)
        if key in self.baseline and key not in self._state["removed"]:
            self._state["removed"].append(key)
        self._notify("DELETED", obj)

    def _notify(self, kind: str, obj: Object) -> None:
        for watcher in list(self.watchers):
            watcher(kind, obj)

    # ------------------------------------------------------------------ events

    def event(
        self,
        involved: Mapping[str, Any],
        *,
        type: str,
        reason: str,
        message: str,
        component: str,
        host: str = "",
        field_path: str = "",
    ) -> None:
        """Record an Event about `involved`, aggregated as the event recorder does: the same
        object, reason, message and source bump `count` and `lastTimestamp`."""
        events: list[Object] = self._state["events"]
        meta = involved.get("metadata") or {}
        uid = meta.get("uid", "")
        now = self.world.timestamp()
        for event in reversed(events[-60:]):
            ref = event["involvedObject"]
            if (
                ref.get("uid") == uid
                and event["reason"] == reason
                and event["message"] == message
                and event["source"].get("component") == component
                and ref.get("fieldPath", "") == field_path
            ):
                event["count"] += 1
                event["lastTimestamp"] = now
                event["metadata"]["resourceVersion"] = self._next_rv()
                return
        namespace = meta.get("namespace") or "default"
        name = meta.get("name", "")
        involved_ref: dict[str, Any] = {
            "kind": involved.get("kind", ""),
            "namespace": meta.get("namespace", ""),
            "name": name,
            "uid": uid,
            "apiVersion": involved.get("apiVersion", ""),
            "resourceVersion": meta.get("resourceVersion", ""),
        }
        if field_path:
            involved_ref["fieldPath"] = field_path
        if not meta.get("namespace"):
            involved_ref.pop("namespace")
        source = {"component": component}
        if host:
            source["host"] = host
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": f"{name}.{self.world.digest('event', self.world.counter('event'))[:16]}",
                "namespace": namespace,
                "resourceVersion": self._next_rv(),
                "creationTimestamp": now,
            },
            "involvedObject": involved_ref,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "type": type,
            "reportingComponent": component,
            "reportingInstance": host,
        }
        events.append(event)
        if len(events) > MAX_EVENTS:
            del events[: len(events) - MAX_EVENTS]

    def events_for(self, obj: Mapping[str, Any]) -> builtins.list[Object]:
        uid = (obj.get("metadata") or {}).get("uid")
        return [e for e in self._state["events"] if e["involvedObject"].get("uid") == uid]

    def all_events(self, namespace: str | None = None) -> builtins.list[Object]:
        events: builtins.list[Object] = self._state["events"]
        if namespace is None:
            return list(events)
        return [e for e in events if e["metadata"]["namespace"] == namespace]


# --------------------------------------------------------------------------- helpers


def _resource(resource: Resource | str) -> Resource:
    if isinstance(resource, Resource):
        return resource
    found = lookup(resource)
    if found is None:
        raise ApiError("NotFound", f'the server doesn\'t have a resource type "{resource}"')
    return found


_NO_GENERATION = {
    "pods",
    "configmaps",
    "secrets",
    "serviceaccounts",
    "events",
    "endpoints",
    "endpointslices",
    "leases",
    "namespaces",
    "nodes",
    "services",
}


def _has_generation(resource: Resource) -> bool:
    """Objects with a spec the controllers observe count generations (Deployments, Jobs...)."""
    return resource.name not in _NO_GENERATION


def _spec_of(obj: Mapping[str, Any]) -> Any:
    return {k: v for k, v in obj.items() if k not in {"metadata", "status", "apiVersion", "kind"}}


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    def strip(o: Mapping[str, Any]) -> str:
        data = copy_of(o)
        data.get("metadata", {}).pop("resourceVersion", None)
        return json.dumps(data, sort_keys=True)

    return strip(a) == strip(b)


def owned_by(obj: Mapping[str, Any], owner: Mapping[str, Any]) -> bool:
    uid = (owner.get("metadata") or {}).get("uid")
    return any(
        ref.get("uid") == uid for ref in (obj.get("metadata") or {}).get("ownerReferences") or []
    )


def controller_of(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def owner_reference(owner: Mapping[str, Any], *, controller: bool = True) -> dict[str, Any]:
    meta = owner["metadata"]
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": meta["name"],
        "uid": meta["uid"],
        "controller": controller,
        "blockOwnerDeletion": True,
    }


def iter_all(store: Store, resources: Iterable[str]) -> Iterator[Object]:
    for name in resources:
        yield from store.list(name)
