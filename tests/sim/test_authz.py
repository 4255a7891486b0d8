"""Authorization in the simulated API server: the bootstrap policy and RBAC over the store.

The evaluator itself (learn/labs/rbac.py) is checked against rbac_test.go in
tests/labs/test_rbac.py; here the policy a fresh cluster starts with and the API server's
answers are checked.
"""

from __future__ import annotations

import itertools

import pytest

from learn.labs import rbac
from learn.sim import Sandbox
from learn.sim.kube import api, authz
from learn.sim.kube.resources import lookup

JANE = api.User("jane", ("system:authenticated",))


@pytest.fixture
def store() -> api.Store:
    return api.Store.of(Sandbox.new().world)


def _rules(store: api.Store, name: str) -> list[rbac.Rule]:
    role = store.require("clusterroles", "", name)
    return [rbac.Rule.from_dict(r) for r in role.get("rules") or []]


def _covers(owner: list[rbac.Rule], wanted: list[rbac.Rule]) -> list[tuple[str, ...]]:
    """rbacregistryvalidation.Covers, by enumeration: what `wanted` allows that `owner` does
    not (no wildcards appear in the roles compared)."""
    missing = []
    for rule in wanted:
        for group, resource, verb in itertools.product(rule.api_groups, rule.resources, rule.verbs):
            base, _, sub = resource.partition("/")
            request = rbac.Request(
                user="u", groups=(), verb=verb, api_group=group, resource=base, subresource=sub
            )
            if not any(rbac.rule_allows(request, mine) for mine in owner):
                missing.append((group, resource, verb))
    return missing


def test_bootstrap_policy_is_upstreams_data(store: api.Store) -> None:
    # testdata/cluster-roles.yaml has 31 ClusterRoles and cluster-role-bindings.yaml 12
    # bindings; kind's kubeadm adds kubeadm:cluster-admins.
    assert len(store.list("clusterroles")) == 31
    names = [b["metadata"]["name"] for b in store.list("clusterrolebindings")]
    assert len(names) == 13 and "kubeadm:cluster-admins" in names
    admin = store.require("clusterroles", "", "admin")
    assert admin["metadata"]["labels"] == {"kubernetes.io/bootstrapping": "rbac-defaults"}
    assert admin["rules"], "the aggregation controller fills admin's rules"


# bootstrappolicy/policy_test.go, TestCovers: admin covers edit and view, edit covers view.
@pytest.mark.parametrize(
    ("owner", "wanted"), [("admin", "edit"), ("admin", "view"), ("edit", "view")]
)
def test_covers(store: api.Store, owner: str, wanted: str) -> None:
    assert _covers(_rules(store, owner), _rules(store, wanted)) == []


# policy_test.go, additionalAdminPowers and TestAdminEditRelationship.
ADMIN_POWERS = [
    rbac.Rule(
        verbs=("create",),
        api_groups=("authorization.k8s.io",),
        resources=("localsubjectaccessreviews",),
    ),
    *(
        rbac.Rule(
            verbs=(
                "get",
                "list",
                "watch",
                "create",
                "update",
                "patch",
                "delete",
                "deletecollection",
            ),
            api_groups=("rbac.authorization.k8s.io",),
            resources=(resource,),
        )
        for resource in ("rolebindings", "roles")
    ),
]


def test_admin_is_edit_plus_rbac_powers(store: api.Store) -> None:
    edit, admin = _rules(store, "edit"), _rules(store, "admin")
    for power in ADMIN_POWERS:
        assert _covers(edit, [power]), f"edit has extra power {power}"
    assert _covers(edit + ADMIN_POWERS, admin) == []
    assert _covers(admin, edit + ADMIN_POWERS) == []


# policy_test.go, viewEscalatingNamespaceResources and TestEditViewRelationship. The stored
# policy_test.go predates edit's read-write rule on coordination.k8s.io leases, which the
# testdata has and view does not: it is listed here as the one extra difference.
READ = ("get", "list", "watch")
VIEW_ESCALATING = [
    *(
        rbac.Rule(verbs=READ, api_groups=("",), resources=(resource,))
        for resource in (
            "pods/attach",
            "pods/proxy",
            "pods/exec",
            "pods/portforward",
            "secrets",
            "services/proxy",
        )
    ),
    rbac.Rule(verbs=READ, api_groups=("coordination.k8s.io",), resources=("leases",)),
]


def test_view_is_edit_read_only_minus_escalating(store: api.Store) -> None:
    edit_read = [
        rbac.Rule(
            verbs=tuple(v for v in r.verbs if v in READ),
            api_groups=r.api_groups,
            resources=r.resources,
            resource_names=r.resource_names,
        )
        for r in _rules(store, "edit")
    ]
    view = _rules(store, "view")
    for rule in VIEW_ESCALATING:
        assert _covers(view, [rule]), f"view has extra power {rule}"
    assert _covers(edit_read, view + VIEW_ESCALATING) == []
    assert _covers(view + VIEW_ESCALATING, edit_read) == []


def test_the_learner_is_cluster_admin_through_kubeadm(store: api.Store) -> None:
    for verb, resource, ns in [
        ("create", "deployments", "default"),
        ("delete", "nodes", ""),
        ("create", "clusterrolebindings", ""),
        ("get", "secrets", "kube-system"),
    ]:
        assert authz.allowed(store, api.ADMIN, verb, resource, ns)
    assert authz.path_allowed(store, api.ADMIN, "get", "/metrics")


def test_system_masters_are_always_allowed(store: api.Store) -> None:
    root = api.User("root", ("system:masters",))
    assert authz.allowed(store, root, "delete", "namespaces", "")


def test_authenticated_users_get_discovery_and_basic_user(store: api.Store) -> None:
    assert authz.path_allowed(store, JANE, "get", "/healthz")
    assert authz.path_allowed(store, JANE, "get", "/version")
    assert not authz.path_allowed(store, JANE, "get", "/metrics")
    assert authz.allowed(store, JANE, "create", "selfsubjectaccessreviews")
    assert not authz.allowed(store, JANE, "list", "pods", "default")


def test_forbidden_messages_are_the_api_servers(store: api.Store) -> None:
    # responsewriters.ForbiddenStatusError wording, as `kubectl` prints after
    # "Error from server (Forbidden): ".
    pods, nodes, deployments = lookup("pods"), lookup("nodes"), lookup("deployments")
    assert pods and nodes and deployments
    assert authz.authorize(store, JANE, "list", pods, "default", "", "") == (
        'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"'
    )
    assert authz.authorize(store, JANE, "get", deployments, "web", "web", "") == (
        'deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments" in API group "apps" in the namespace "web"'
    )
    assert authz.authorize(store, JANE, "list", nodes, "", "", "") == (
        'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope'
    )
    assert authz.authorize(store, JANE, "create", pods, "default", "web", "exec") == (
        'pods "web" is forbidden: User "jane" cannot create resource "pods/exec" in API group "" in the namespace "default"'
    )


def _apply(store: api.Store, *objects: dict) -> None:
    for obj in objects:
        store.create(obj, user=api.ADMIN)


def _binding(kind: str, name: str, role_kind: str, role: str, subject: dict, ns: str = "") -> dict:
    meta = {"name": name, **({"namespace": ns} if ns else {})}
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": meta,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        "subjects": [subject],
    }


def test_a_rolebinding_to_view_grants_reading_in_its_namespace_only(store: api.Store) -> None:
    _apply(store, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "staging"}})
    _apply(
        store,
        _binding(
            "RoleBinding",
            "jane-view",
            "ClusterRole",
            "view",
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "jane"},
            "staging",
        ),
    )
    assert authz.allowed(store, JANE, "list", "pods", "staging")
    assert not authz.allowed(store, JANE, "list", "secrets", "staging")
    assert not authz.allowed(store, JANE, "create", "deployments", "staging")
    assert not authz.allowed(store, JANE, "list", "pods", "default")


def test_a_serviceaccount_subject_without_namespace_means_the_bindings(store: api.Store) -> None:
    _apply(store, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ci"}})
    _apply(
        store,
        _binding(
            "RoleBinding",
            "deployer",
            "ClusterRole",
            "edit",
            {"kind": "ServiceAccount", "name": "deployer"},
            "ci",
        ),
    )
    sa = api.User(
        "system:serviceaccount:ci:deployer",
        rbac.impersonated_groups("system:serviceaccount:ci:deployer", None),
    )
    assert authz.allowed(store, sa, "create", "deployments", "ci")
    assert not authz.allowed(store, sa, "create", "deployments", "default")


def test_a_binding_to_a_missing_role_is_named_in_the_denial(store: api.Store) -> None:
    # rbac.go Authorize: errors of the rule visitor become "RBAC: <aggregate>".
    _apply(
        store,
        _binding(
            "ClusterRoleBinding",
            "jane-admin",
            "ClusterRole",
            "jane-admin",
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "jane"},
        ),
    )
    pods = lookup("pods")
    assert pods
    with pytest.raises(api.ApiError) as denied:
        store.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "x"},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
            },
            user=JANE,
        )
    assert denied.value.reason == "Forbidden"
    assert denied.value.message == (
        'pods is forbidden: User "jane" cannot create resource "pods" in API group "" in the namespace "default": '
        'RBAC: clusterrole.rbac.authorization.k8s.io "jane-admin" not found'
    )


def test_deleting_cluster_admin_takes_the_power_away(store: api.Store) -> None:
    # The learner's own binding names cluster-admin: once the role is gone, so is the power.
    store.delete("clusterroles", "", "cluster-admin", user=api.ADMIN)
    assert not authz.allowed(store, api.ADMIN, "list", "pods", "default")
    ok, reason = authz.decide(store, api.ADMIN, "list", "pods", "default")
    assert (ok, reason) == (
        False,
        'RBAC: clusterrole.rbac.authorization.k8s.io "cluster-admin" not found',
    )


def test_rules_review_lists_what_can_i_list_prints(store: api.Store) -> None:
    status = authz.rules_review(store, JANE, "default")
    assert {
        "verbs": ["create"],
        "apiGroups": ["authorization.k8s.io"],
        "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
    } in status["resourceRules"]
    assert any("/healthz" in r["nonResourceURLs"] for r in status["nonResourceRules"])
    assert status["incomplete"] is False


def test_policy_follows_changes(store: api.Store) -> None:
    before = authz.policy_of(store)
    assert authz.policy_of(store) is before
    _apply(
        store,
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": "pod-reader"},
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}],
        },
    )
    assert authz.policy_of(store) is not before


def test_a_learners_clusterrole_aggregates_into_view() -> None:
    # pkg/controller/clusterroleaggregation: view's rules become the union of the roles
    # labelled aggregate-to-view, the learner's included.
    box = Sandbox.new()
    store = api.Store.of(box.world)
    store.create(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {
                "name": "widgets-view",
                "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"},
            },
            "rules": [{"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get"]}],
        },
        user=api.ADMIN,
    )
    box.advance(1)
    view = store.require("clusterroles", "", "view")
    assert {"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get"]} in view[
        "rules"
    ]
    # edit and admin aggregate view, so they gain it too.
    admin = store.require("clusterroles", "", "admin")
    assert {"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get"]} in admin[
        "rules"
    ]


def test_two_sandboxes_with_different_roles_of_one_name_never_share_a_policy() -> None:
    """Every fresh sandbox numbers resourceVersions alike; the policy cache must key on what
    the Roles say, or one learner's sandbox answers with another's rules."""
    from learn.sim import Sandbox

    def role(verbs: str) -> str:
        return (
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
            "metadata: {name: ci, namespace: default}\n"
            f"rules: [{{apiGroups: [''], resources: [secrets], verbs: [{verbs}]}}]\n"
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"
            "metadata: {name: ci, namespace: default}\n"
            "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ci}\n"
            "subjects: [{kind: ServiceAccount, name: default, namespace: default}]\n"
        )

    ask = "kubectl auth can-i get secrets --as system:serviceaccount:default:default"
    generous = Sandbox.new()
    generous.run("kubectl apply -f -", stdin=role("get, list"))
    assert generous.run(ask) == (0, "yes\n")
    strict = Sandbox.new()
    strict.run("kubectl apply -f -", stdin=role("list"))
    assert strict.run(ask)[0] == 1
