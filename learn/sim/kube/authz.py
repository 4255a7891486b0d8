"""Authorization as the API server of a kind cluster does it: privileged groups, then RBAC.

- The union authorizer (staging/src/k8s.io/apiserver/pkg/authorization/union): members of
  `system:masters` are always allowed (authorizerfactory.NewPrivilegedGroups), then RBAC
  decides. The Node authorizer has no opinion on anyone but kubelets, so it is left out.
- RBAC is learn/labs/rbac.py (a transcription of plugin/pkg/auth/authorizer/rbac), fed with
  the Roles, ClusterRoles and bindings in the store; ClusterRoles with an aggregationRule get
  the rules of the roles their selectors match, as the aggregation controller writes them.
- The bootstrap policy every cluster starts with is data copied from upstream
  (learn/sim/kube/data/cluster-roles.yaml and cluster-role-bindings.yaml, from
  plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata), plus what kubeadm adds on a kind
  cluster: the `kubeadm:cluster-admins` ClusterRoleBinding that makes the learner (the
  admin.conf user, group kubeadm:cluster-admins) a cluster admin.
- A denial is worded as responsewriters.ForbiddenStatusError words it:
  `pods "web" is forbidden: User "jane" cannot get resource "pods" in API group "" in the
  namespace "default"`, with `: RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`
  appended when a binding that applies to the user names a role that does not exist.

For `kubectl auth can-i`: `allowed(...)`, `decide(...)`, `path_allowed(...)` and
`rules_review(...)` (what a SelfSubjectRulesReview answers, for `--list`).
"""

from __future__ import annotations

import functools
import json
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from learn.labs import rbac
from learn.sim import clock
from learn.sim.kube import api, bootstrap
from learn.sim.kube.resources import Resource, lookup
from learn.sim.world import World

DATA = Path(__file__).with_name("data")
PRIVILEGED_GROUP = "system:masters"
_RBAC_RESOURCES = ("clusterroles", "clusterrolebindings", "roles", "rolebindings")
_RBAC_PREFIXES = tuple(f"{name}.{rbac.RBAC_GROUP}/" for name in _RBAC_RESOURCES)


# --------------------------------------------------------------------------- bootstrap policy


@functools.cache
def _upstream(name: str) -> tuple[dict[str, Any], ...]:
    with (DATA / name).open(encoding="utf-8") as fh:
        listing = yaml.safe_load(fh)
    items = []
    for item in listing["items"]:
        meta = item["metadata"]
        # The testdata is printed before the API server stores it: no timestamp yet.
        if meta.get("creationTimestamp") is None:
            meta.pop("creationTimestamp", None)
        items.append(item)
    return tuple(items)


def _kubeadm_bindings() -> list[dict[str, Any]]:
    """What kubeadm (and so kind) adds: the admin.conf user's group is a cluster admin."""
    return [
        {
            "apiVersion": f"{rbac.RBAC_GROUP}/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "kubeadm:cluster-admins"},
            "roleRef": {
                "apiGroup": rbac.RBAC_GROUP,
                "kind": "ClusterRole",
                "name": "cluster-admin",
            },
            "subjects": [
                {"apiGroup": rbac.RBAC_GROUP, "kind": "Group", "name": "kubeadm:cluster-admins"}
            ],
        }
    ]


@bootstrap.builder(20)
def bootstrap_policy(topology: Mapping[str, Any]) -> list[dict[str, Any]]:
    roles = [
        dict(item, metadata=dict(item["metadata"])) for item in _upstream("cluster-roles.yaml")
    ]
    # The aggregation controller fills the rules of admin, edit and view within a second of
    # the API server starting: a fresh cluster shows them filled.
    policy = rbac.Policy(roles)
    for role in roles:
        if role.get("aggregationRule") is not None:
            role["rules"] = [
                _rule_dict(rule) for rule in policy.cluster_roles[role["metadata"]["name"]]
            ]
    bindings = [
        dict(item, metadata=dict(item["metadata"]))
        for item in _upstream("cluster-role-bindings.yaml")
    ]
    return [*roles, *bindings, *_kubeadm_bindings()]


def _rule_dict(rule: rbac.Rule) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if rule.api_groups:
        out["apiGroups"] = list(rule.api_groups)
    if rule.non_resource_urls:
        out["nonResourceURLs"] = list(rule.non_resource_urls)
    if rule.resource_names:
        out["resourceNames"] = list(rule.resource_names)
    if rule.resources:
        out["resources"] = list(rule.resources)
    out["verbs"] = list(rule.verbs)
    return out


# --------------------------------------------------------------------------- the policy of a store

# Policies built from a store's RBAC objects, keyed by their keys and content (not their
# resourceVersions: every fresh sandbox numbers those alike, so two sandboxes holding different
# Roles of one name would share a policy). Derived, immutable data; never part of any state.
_POLICIES: OrderedDict[tuple[Any, ...], tuple[dict[str, Any], rbac.Policy]] = OrderedDict()
_MAX_POLICIES = 64


def policy_of(store: api.Store) -> rbac.Policy:
    baseline = store.baseline
    state = store._state
    changed = tuple(
        sorted(
            (key, json.dumps(obj, sort_keys=True, separators=(",", ":")))
            for key, obj in state["objects"].items()
            if key.startswith(_RBAC_PREFIXES)
        )
    )
    removed = tuple(sorted(k for k in state["removed"] if k.startswith(_RBAC_PREFIXES)))
    signature = (id(baseline), changed, removed)
    cached = _POLICIES.get(signature)
    if cached is not None and cached[0] is baseline:
        _POLICIES.move_to_end(signature)
        return cached[1]
    objects: list[api.Object] = []
    for name in _RBAC_RESOURCES:
        objects.extend(store.list(name))
    policy = rbac.Policy(objects)
    _POLICIES[signature] = (baseline, policy)
    while len(_POLICIES) > _MAX_POLICIES:
        _POLICIES.popitem(last=False)
    return policy


def _missing_roles(policy: rbac.Policy, user: api.User, namespace: str) -> list[str]:
    """The errors RBAC's rule visitor collects: bindings that apply but name no role."""
    errors = []
    groups = frozenset(user.groups)
    for binding in policy.bindings:
        if binding.kind == "ClusterRoleBinding":
            scope = ""
        elif namespace and binding.namespace == namespace:
            scope = namespace
        else:
            continue
        if not any(rbac.applies_to_user(user.name, groups, s, scope) for s in binding.subjects):
            continue
        if policy.role_reference_rules(binding.role_ref, scope) is None:
            kind = binding.role_ref.kind.lower()
            errors.append(f'{kind}.{rbac.RBAC_GROUP} "{binding.role_ref.name}" not found')
    return errors


def _reason(errors: list[str]) -> str:
    if not errors:
        return ""
    # utilerrors.NewAggregate: one error prints alone, several as a bracketed list.
    text = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    return f"RBAC: {text}"


# --------------------------------------------------------------------------- decisions


def decide(
    store: api.Store,
    user: api.User,
    verb: str,
    resource: Resource | str,
    namespace: str = "",
    name: str = "",
    subresource: str = "",
) -> tuple[bool, str]:
    """(allowed, reason): the reason is RBAC's note on a denial (missing roles), or ""."""
    res = _resolve(resource)
    group = res.group if isinstance(res, Resource) else ""
    plural = res.name if isinstance(res, Resource) else res
    if PRIVILEGED_GROUP in user.groups:
        return True, ""
    scope = namespace if not isinstance(res, Resource) or res.namespaced else ""
    request = rbac.Request(
        user=user.name,
        groups=tuple(user.groups),
        verb=verb,
        namespace=scope,
        api_group=group,
        resource=plural,
        subresource=subresource,
        name=name,
    )
    policy = policy_of(store)
    allowed, _why = policy.decide(request)
    if allowed:
        return True, ""
    return False, _reason(_missing_roles(policy, user, scope))


def allowed(
    store: api.Store,
    user: api.User,
    verb: str,
    resource: Resource | str,
    namespace: str = "",
    name: str = "",
    subresource: str = "",
) -> bool:
    """What `kubectl auth can-i VERB RESOURCE[/NAME] [-n NS] [--subresource S]` answers."""
    return decide(store, user, verb, resource, namespace, name, subresource)[0]


def path_allowed(store: api.Store, user: api.User, verb: str, path: str) -> bool:
    """`kubectl auth can-i get /healthz`: a non-resource URL."""
    if PRIVILEGED_GROUP in user.groups:
        return True
    request = rbac.Request(
        user=user.name, groups=tuple(user.groups), verb=verb, path=path, resource_request=False
    )
    return policy_of(store).decide(request)[0]


def forbidden_message(
    user: api.User,
    verb: str,
    resource: Resource,
    namespace: str,
    name: str = "",
    subresource: str = "",
    reason: str = "",
) -> str:
    """responsewriters.ForbiddenStatusError, then apierrors.NewForbidden's message."""
    target = f"{resource.name}/{subresource}" if subresource else resource.name
    scope = namespace if resource.namespaced else ""
    where = f'in the namespace "{scope}"' if scope else "at the cluster scope"
    text = (
        f'User "{user.name}" cannot {verb} resource "{target}" in API group '
        f'"{resource.group}" {where}'
    )
    if reason:
        text = f"{text}: {reason}"
    qualified = resource.qualified
    if name:
        return f'{qualified} "{name}" is forbidden: {text}'
    return f"{qualified} is forbidden: {text}"


@api.authorizer
def authorize(
    store: api.Store,
    user: api.User,
    verb: str,
    resource: Resource,
    namespace: str,
    name: str,
    subresource: str,
) -> str | None:
    ok, reason = decide(store, user, verb, resource, namespace, name, subresource)
    if ok:
        return None
    return forbidden_message(user, verb, resource, namespace, name, subresource, reason)


def rules_review(store: api.Store, user: api.User, namespace: str) -> dict[str, Any]:
    """The status of a SelfSubjectRulesReview (what `kubectl auth can-i --list` prints).

    Rules come in the order the rule resolver visits them: ClusterRoleBindings, then the
    namespace's RoleBindings; `evaluationError` names roles that bindings point at but that
    do not exist (the review is then `incomplete`)."""
    policy = policy_of(store)
    resource_rules: list[dict[str, Any]] = []
    non_resource_rules: list[dict[str, Any]] = []
    for _binding, _subject, rule in policy.visit_rules(user.name, user.groups, namespace):
        if rule.non_resource_urls:
            non_resource_rules.append(
                {"verbs": list(rule.verbs), "nonResourceURLs": list(rule.non_resource_urls)}
            )
        else:
            entry: dict[str, Any] = {
                "verbs": list(rule.verbs),
                "apiGroups": list(rule.api_groups),
                "resources": list(rule.resources),
            }
            if rule.resource_names:
                entry["resourceNames"] = list(rule.resource_names)
            resource_rules.append(entry)
    errors = _missing_roles(policy, user, namespace)
    status: dict[str, Any] = {
        "resourceRules": resource_rules,
        "nonResourceRules": non_resource_rules,
        "incomplete": bool(errors),
    }
    if errors:
        status["evaluationError"] = ", ".join(errors)
    return status


def _resolve(resource: Resource | str) -> Resource | str:
    if isinstance(resource, Resource):
        return resource
    found = lookup(resource)
    # `kubectl auth can-i get things` for a type the server does not serve still gets an
    # answer from RBAC (as the real one does, with a warning kubectl prints itself).
    return found if found is not None else resource


_CLUSTER_ROLES = f"clusterroles.{rbac.RBAC_GROUP}/"


@clock.reconciler(160)
def clusterrole_aggregation(world: World) -> bool:
    """The clusterrole-aggregation controller: a ClusterRole with an aggregationRule holds the
    rules of the ClusterRoles its selectors match (pkg/controller/clusterroleaggregation).
    The bootstrap data is aggregated already; only the learner's ClusterRoles change it."""
    store = api.Store.of(world)
    state = store._state
    if not any(k.startswith(_CLUSTER_ROLES) for k in state["objects"]) and not any(
        k.startswith(_CLUSTER_ROLES) for k in state["removed"]
    ):
        return False
    policy = policy_of(store)
    changed = False
    for role in store.list("clusterroles"):
        if role.get("aggregationRule") is None:
            continue
        name = role["metadata"]["name"]
        desired = [_rule_dict(rule) for rule in policy.cluster_roles.get(name, ())]
        if (role.get("rules") or []) == desired:
            continue
        new = api.copy_of(role)
        new["rules"] = desired
        store.update(new)
        changed = True
    return changed
