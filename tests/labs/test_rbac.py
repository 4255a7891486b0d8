"""learn.labs.rbac decides like the Kubernetes RBAC authorizer.

Most cases are transcribed from Kubernetes' own tests, each table citing its source:

- plugin/pkg/auth/authorizer/rbac/rbac_test.go: TestAuthorizer, TestRuleMatches
- pkg/registry/rbac/validation/rule_test.go: TestDefaultRuleResolver, TestAppliesTo
- pkg/controller/clusterroleaggregation/clusterroleaggregation_controller_test.go:
  TestSyncClusterRole

The Go helpers are mirrored so the tables read the same: newRule("verbs", "groups",
"resources", "urls") splits each argument on commas (so "" becomes [""]), and the test
attributes split their comma-separated groups the same way.
"""

from __future__ import annotations

from typing import Any

import pytest

from learn.labs import rbac
from learn.labs.rbac import Policy, Request, Rule, Subject, authorize, can_i_line

GROUP = "rbac.authorization.k8s.io"
API = f"{GROUP}/v1"


# --------------------------------------------------------------------------- Go-style helpers


def new_rule(verbs: str, api_groups: str, resources: str, urls: str) -> dict[str, Any]:
    return {
        "verbs": verbs.split(","),
        "apiGroups": api_groups.split(","),
        "resources": resources.split(","),
        "nonResourceURLs": urls.split(","),
    }


def new_cluster_role(name: str, *rules: dict[str, Any], labels: Any = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if labels is not None:
        meta["labels"] = labels
    return {"apiVersion": API, "kind": "ClusterRole", "metadata": meta, "rules": list(rules)}


def new_role(name: str, namespace: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": API,
        "kind": "Role",
        "metadata": {"name": name, "namespace": namespace},
        "rules": list(rules),
    }


def _subjects(subjects: tuple[str, ...]) -> list[dict[str, str]]:
    out = []
    for subject in subjects:
        kind, name = subject.split(":", 1)
        item = {"kind": kind, "name": name}
        item["apiGroup"] = "" if kind == "ServiceAccount" else GROUP
        out.append(item)
    return out


def new_role_binding(namespace: str, role: str, to: str, *subjects: str) -> dict[str, Any]:
    return {
        "apiVersion": API,
        "kind": "RoleBinding",
        "metadata": {"namespace": namespace},
        "roleRef": {"apiGroup": GROUP, "kind": to, "name": role},
        "subjects": _subjects(subjects),
    }


def new_cluster_role_binding(role: str, *subjects: str) -> dict[str, Any]:
    return {
        "apiVersion": API,
        "kind": "ClusterRoleBinding",
        "metadata": {},
        "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": role},
        "subjects": _subjects(subjects),
    }


def attrs(
    user: str, groups: str, verb: str, resource: str, sub: str, ns: str, group: str
) -> dict[str, Any]:
    """defaultAttributes{user, groups, verb, resource, subresource, namespace, apiGroup}."""
    return {
        "user": user,
        "groups": groups.split(","),
        "verb": verb,
        "resource": resource,
        "subresource": sub,
        "namespace": ns,
        "apiGroup": group,
        "name": "",
    }


def nonresource(verb: str, path: str, user: str = "", groups: tuple[str, ...] = ()) -> dict:
    return {"user": user, "groups": list(groups), "verb": verb, "path": path}


# --------------------------------------------------------------------------- TestAuthorizer

# TestAuthorizer, case 0: a ClusterRole bound by a RoleBinding grants only in ns1.
ADMIN_IN_NS1 = [
    new_cluster_role("admin", new_rule("*", "*", "*", "*")),
    new_role_binding("ns1", "admin", "ClusterRole", "User:admin", "Group:admins"),
]
# TestAuthorizer, case 1: non-resource URLs.
NON_RESOURCE = [
    new_cluster_role("non-resource-url-getter", new_rule("get", "", "", "/apis")),
    new_cluster_role("non-resource-url", new_rule("*", "", "", "/apis")),
    new_cluster_role("non-resource-url-prefix", new_rule("get", "", "", "/apis/*")),
    new_cluster_role_binding("non-resource-url-getter", "User:foo", "Group:bar"),
    new_cluster_role_binding("non-resource-url", "User:admin", "Group:admin"),
    new_cluster_role_binding("non-resource-url-prefix", "User:prefixed", "Group:prefixed"),
]
# TestAuthorizer, case 2: "pods" does not cover a subresource.
PODS_ONLY = [
    new_cluster_role("admin", new_rule("*", "*", "pods", "*")),
    new_role_binding("ns1", "admin", "ClusterRole", "User:admin", "Group:admins"),
]
# TestAuthorizer, case 3: "pods/status" and "*/scale".
SUBRESOURCES = [
    new_cluster_role(
        "admin", new_rule("*", "*", "pods/status", "*"), new_rule("*", "*", "*/scale", "*")
    ),
    new_role_binding("ns1", "admin", "ClusterRole", "User:admin", "Group:admins"),
]

AUTHORIZER_CASES = [
    # case 0 shouldPass
    (ADMIN_IN_NS1, attrs("admin", "", "get", "Pods", "", "ns1", ""), True),
    (ADMIN_IN_NS1, attrs("admin", "", "watch", "Pods", "", "ns1", ""), True),
    (ADMIN_IN_NS1, attrs("admin", "group1", "watch", "Foobar", "", "ns1", ""), True),
    (ADMIN_IN_NS1, attrs("joe", "admins", "watch", "Foobar", "", "ns1", ""), True),
    (ADMIN_IN_NS1, attrs("joe", "group1,admins", "watch", "Foobar", "", "ns1", ""), True),
    # case 0 shouldFail
    (ADMIN_IN_NS1, attrs("admin", "", "GET", "Pods", "", "ns2", ""), False),
    (ADMIN_IN_NS1, attrs("admin", "", "GET", "Nodes", "", "", ""), False),
    (ADMIN_IN_NS1, attrs("admin", "admins", "GET", "Pods", "", "ns2", ""), False),
    (ADMIN_IN_NS1, attrs("admin", "admins", "GET", "Nodes", "", "", ""), False),
    # case 1 shouldPass
    (NON_RESOURCE, nonresource("get", "/apis", user="foo"), True),
    (NON_RESOURCE, nonresource("get", "/apis", groups=("bar",)), True),
    (NON_RESOURCE, nonresource("get", "/apis", user="admin"), True),
    (NON_RESOURCE, nonresource("get", "/apis", groups=("admin",)), True),
    (NON_RESOURCE, nonresource("watch", "/apis", user="admin"), True),
    (NON_RESOURCE, nonresource("watch", "/apis", groups=("admin",)), True),
    (NON_RESOURCE, nonresource("get", "/apis/v1", user="prefixed"), True),
    (NON_RESOURCE, nonresource("get", "/apis/v1", groups=("prefixed",)), True),
    (NON_RESOURCE, nonresource("get", "/apis/v1/foobar", user="prefixed"), True),
    (NON_RESOURCE, nonresource("get", "/apis/v1/foorbar", groups=("prefixed",)), True),
    # case 1 shouldFail: wrong verb
    (NON_RESOURCE, nonresource("watch", "/apis", user="foo"), False),
    (NON_RESOURCE, nonresource("watch", "/apis", groups=("bar",)), False),
    # case 1 shouldFail: wrong path
    (NON_RESOURCE, nonresource("get", "/api/v1", user="foo"), False),
    (NON_RESOURCE, nonresource("get", "/api/v1", groups=("bar",)), False),
    (NON_RESOURCE, nonresource("get", "/api/v1", user="admin"), False),
    (NON_RESOURCE, nonresource("get", "/api/v1", groups=("admin",)), False),
    # case 1 shouldFail: not covered by prefix
    (NON_RESOURCE, nonresource("get", "/api/v1", user="prefixed"), False),
    (NON_RESOURCE, nonresource("get", "/api/v1", groups=("prefixed",)), False),
    # case 2
    (PODS_ONLY, attrs("admin", "", "get", "pods", "", "ns1", ""), True),
    (PODS_ONLY, attrs("admin", "", "get", "pods", "status", "ns1", ""), False),
    # case 3
    (SUBRESOURCES, attrs("admin", "", "get", "pods", "status", "ns1", ""), True),
    (SUBRESOURCES, attrs("admin", "", "get", "pods", "scale", "ns1", ""), True),
    (SUBRESOURCES, attrs("admin", "", "get", "deployments", "scale", "ns1", ""), True),
    (SUBRESOURCES, attrs("admin", "", "get", "anything", "scale", "ns1", ""), True),
    (SUBRESOURCES, attrs("admin", "", "get", "pods", "", "ns1", ""), False),
]


@pytest.mark.parametrize(("objects", "request_", "expected"), AUTHORIZER_CASES)
def test_authorizer(objects: list[dict], request_: dict, expected: bool) -> None:
    """rbac_test.go TestAuthorizer (shouldPass / shouldFail)."""
    assert authorize(objects, request_) is expected


# --------------------------------------------------------------------------- TestRuleMatches


def rule_obj(
    verbs: list[str],
    groups: list[str] | None = None,
    resources: list[str] | None = None,
    urls: list[str] | None = None,
) -> dict[str, Any]:
    """rbacv1helpers.NewRule(verbs...).Groups(...).Resources(...).URLs(...)."""
    out: dict[str, Any] = {"verbs": verbs}
    if groups is not None:
        out["apiGroups"] = groups
    if resources is not None:
        out["resources"] = resources
    if urls is not None:
        out["nonResourceURLs"] = urls
    return out


def rreq(verb: str, group: str, resource: str, sub: str = "") -> dict[str, Any]:
    return {
        "user": "u",
        "verb": verb,
        "apiGroup": group,
        "resource": resource,
        "subresource": sub,
        "namespace": "",
    }


def ureq(verb: str, url: str) -> dict[str, Any]:
    return {"user": "u", "verb": verb, "path": url}


STAR_VERB = rule_obj(["*"], ["group1"], ["resource1"])
STAR_GROUP = rule_obj(["verb1"], ["*"], ["resource1"])
STAR_RESOURCE = rule_obj(["verb1"], ["group1"], ["*"])
TUPLES = rule_obj(["verb1", "verb2"], ["group1", "group2"], ["resource1", "resource2"])
SUB_EXPANSION = rule_obj(["*"], ["*"], ["resource1/subresource1"])
STAR_URL = rule_obj(["verb1"], urls=["*"])
URL_SUBPATH = rule_obj(["verb1"], urls=["/foo/*"])
EXACT_URLS = rule_obj(["*"], urls=["/foo", "/foo/bar/one"])

RULE_CASES = [
    # "star verb, exact match other"
    (STAR_VERB, rreq("verb1", "group1", "resource1"), True),
    (STAR_VERB, rreq("verb1", "group2", "resource1"), False),
    (STAR_VERB, rreq("verb1", "group1", "resource2"), False),
    (STAR_VERB, rreq("verb1", "group2", "resource2"), False),
    (STAR_VERB, rreq("verb2", "group1", "resource1"), True),
    (STAR_VERB, rreq("verb2", "group2", "resource1"), False),
    (STAR_VERB, rreq("verb2", "group1", "resource2"), False),
    (STAR_VERB, rreq("verb2", "group2", "resource2"), False),
    # "star group, exact match other"
    (STAR_GROUP, rreq("verb1", "group1", "resource1"), True),
    (STAR_GROUP, rreq("verb1", "group2", "resource1"), True),
    (STAR_GROUP, rreq("verb1", "group1", "resource2"), False),
    (STAR_GROUP, rreq("verb1", "group2", "resource2"), False),
    (STAR_GROUP, rreq("verb2", "group1", "resource1"), False),
    (STAR_GROUP, rreq("verb2", "group2", "resource1"), False),
    (STAR_GROUP, rreq("verb2", "group1", "resource2"), False),
    (STAR_GROUP, rreq("verb2", "group2", "resource2"), False),
    # "star resource, exact match other"
    (STAR_RESOURCE, rreq("verb1", "group1", "resource1"), True),
    (STAR_RESOURCE, rreq("verb1", "group2", "resource1"), False),
    (STAR_RESOURCE, rreq("verb1", "group1", "resource2"), True),
    (STAR_RESOURCE, rreq("verb1", "group2", "resource2"), False),
    (STAR_RESOURCE, rreq("verb2", "group1", "resource1"), False),
    (STAR_RESOURCE, rreq("verb2", "group2", "resource1"), False),
    (STAR_RESOURCE, rreq("verb2", "group1", "resource2"), False),
    (STAR_RESOURCE, rreq("verb2", "group2", "resource2"), False),
    # "tuple expansion"
    (TUPLES, rreq("verb1", "group1", "resource1"), True),
    (TUPLES, rreq("verb1", "group2", "resource1"), True),
    (TUPLES, rreq("verb1", "group1", "resource2"), True),
    (TUPLES, rreq("verb1", "group2", "resource2"), True),
    (TUPLES, rreq("verb2", "group1", "resource1"), True),
    (TUPLES, rreq("verb2", "group2", "resource1"), True),
    (TUPLES, rreq("verb2", "group1", "resource2"), True),
    (TUPLES, rreq("verb2", "group2", "resource2"), True),
    # "subresource expansion"
    (SUB_EXPANSION, rreq("verb1", "group1", "resource1", "subresource1"), True),
    (SUB_EXPANSION, rreq("verb1", "group2", "resource1", "subresource2"), False),
    (SUB_EXPANSION, rreq("verb1", "group1", "resource2", "subresource1"), False),
    (SUB_EXPANSION, rreq("verb1", "group2", "resource2", "subresource1"), False),
    (SUB_EXPANSION, rreq("verb2", "group1", "resource1", "subresource1"), True),
    (SUB_EXPANSION, rreq("verb2", "group2", "resource1", "subresource2"), False),
    (SUB_EXPANSION, rreq("verb2", "group1", "resource2", "subresource1"), False),
    (SUB_EXPANSION, rreq("verb2", "group2", "resource2", "subresource1"), False),
    # "star nonresource, exact match other"
    (STAR_URL, ureq("verb1", "/foo"), True),
    (STAR_URL, ureq("verb1", "/foo/bar"), True),
    (STAR_URL, ureq("verb1", "/foo/baz"), True),
    (STAR_URL, ureq("verb1", "/foo/bar/one"), True),
    (STAR_URL, ureq("verb1", "/foo/baz/one"), True),
    (STAR_URL, ureq("verb2", "/foo"), False),
    (STAR_URL, ureq("verb2", "/foo/bar"), False),
    (STAR_URL, ureq("verb2", "/foo/baz"), False),
    (STAR_URL, ureq("verb2", "/foo/bar/one"), False),
    (STAR_URL, ureq("verb2", "/foo/baz/one"), False),
    # "star nonresource subpath"
    (URL_SUBPATH, ureq("verb1", "/foo"), False),
    (URL_SUBPATH, ureq("verb1", "/foo/bar"), True),
    (URL_SUBPATH, ureq("verb1", "/foo/baz"), True),
    (URL_SUBPATH, ureq("verb1", "/foo/bar/one"), True),
    (URL_SUBPATH, ureq("verb1", "/foo/baz/one"), True),
    (URL_SUBPATH, ureq("verb1", "/notfoo"), False),
    (URL_SUBPATH, ureq("verb1", "/notfoo/bar"), False),
    (URL_SUBPATH, ureq("verb1", "/notfoo/baz"), False),
    (URL_SUBPATH, ureq("verb1", "/notfoo/bar/one"), False),
    (URL_SUBPATH, ureq("verb1", "/notfoo/baz/one"), False),
    # "star verb, exact nonresource"
    (EXACT_URLS, ureq("verb1", "/foo"), True),
    (EXACT_URLS, ureq("verb1", "/foo/bar"), False),
    (EXACT_URLS, ureq("verb1", "/foo/baz"), False),
    (EXACT_URLS, ureq("verb1", "/foo/bar/one"), True),
    (EXACT_URLS, ureq("verb1", "/foo/baz/one"), False),
    (EXACT_URLS, ureq("verb2", "/foo"), True),
    (EXACT_URLS, ureq("verb2", "/foo/bar"), False),
    (EXACT_URLS, ureq("verb2", "/foo/baz"), False),
    (EXACT_URLS, ureq("verb2", "/foo/bar/one"), True),
    (EXACT_URLS, ureq("verb2", "/foo/baz/one"), False),
]


@pytest.mark.parametrize(("rule", "request_", "expected"), RULE_CASES)
def test_rule_matches(rule: dict, request_: dict, expected: bool) -> None:
    """rbac_test.go TestRuleMatches: RuleAllows(request, rule), directly and end to end."""
    assert rbac.rule_allows(Request.from_dict(request_), Rule.from_dict(rule)) is expected
    # The same rule in a ClusterRole bound cluster-wide decides the same through authorize().
    objects = [new_cluster_role("r", rule), new_cluster_role_binding("r", "User:u")]
    assert authorize(objects, request_) is expected


# --------------------------------------------------------------------------- rule_test.go

READ_PODS = {"verbs": ["GET", "WATCH"], "apiGroups": ["v1"], "resources": ["pods"]}
READ_SERVICES = {"verbs": ["GET", "WATCH"], "apiGroups": ["v1"], "resources": ["services"]}
WRITE_NODES = {"verbs": ["PUT", "CREATE", "UPDATE"], "apiGroups": ["v1"], "resources": ["nodes"]}
ADMIN = {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}
STATIC_ROLES_1 = [
    new_role("readthings", "namespace1", READ_PODS, READ_SERVICES),
    new_cluster_role("cluster-admin", ADMIN),
    new_cluster_role("write-nodes", WRITE_NODES),
    {
        "apiVersion": API,
        "kind": "RoleBinding",
        "metadata": {"namespace": "namespace1"},
        "subjects": [{"kind": "User", "name": "foobar"}, {"kind": "Group", "name": "group1"}],
        "roleRef": {"apiGroup": GROUP, "kind": "Role", "name": "readthings"},
    },
    {
        "apiVersion": API,
        "kind": "ClusterRoleBinding",
        "metadata": {},
        "subjects": [{"kind": "User", "name": "admin"}, {"kind": "Group", "name": "admin"}],
        "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": "cluster-admin"},
    },
]


@pytest.mark.parametrize(
    ("user", "groups", "namespace", "effective"),
    [
        ("foobar", [], "namespace1", [READ_PODS, READ_SERVICES]),
        ("foobar", [], "namespace2", []),
        # Same as above but without a namespace. Only cluster rules should apply.
        ("foobar", ["admin"], "", [ADMIN]),
        ("", [], "", []),
    ],
)
def test_default_rule_resolver(user: str, groups: list, namespace: str, effective: list) -> None:
    """rule_test.go TestDefaultRuleResolver: the rules that apply to a user in a namespace."""
    rules = [rule for _b, _s, rule in Policy(STATIC_ROLES_1).visit_rules(user, groups, namespace)]
    assert sorted(rules, key=repr) == sorted((Rule.from_dict(r) for r in effective), key=repr)


def S(kind: str, name: str, namespace: str = "") -> Subject:
    return Subject(kind, name, namespace)


APPLIES_TO_CASES = [
    # (subjects, user, groups, namespace, appliesTo, index, testCase)
    ([S("User", "foobar")], "foobar", [], "", True, 0, "single subject that matches username"),
    (
        [S("User", "barfoo"), S("User", "foobar")],
        "foobar",
        [],
        "",
        True,
        1,
        "multiple subjects, one that matches username",
    ),
    (
        [S("User", "barfoo"), S("User", "foobar")],
        "zimzam",
        [],
        "",
        False,
        0,
        "multiple subjects, none that match username",
    ),
    (
        [S("User", "barfoo"), S("Group", "foobar")],
        "zimzam",
        ["foobar"],
        "",
        True,
        1,
        "multiple subjects, one that match group",
    ),
    (
        [S("User", "barfoo"), S("Group", "foobar")],
        "zimzam",
        ["foobar"],
        "namespace1",
        True,
        1,
        "multiple subjects, one that match group, should ignore namespace",
    ),
    (
        [S("User", "barfoo"), S("Group", "foobar"), S("ServiceAccount", "default", "kube-system")],
        "system:serviceaccount:kube-system:default",
        [],
        "default",
        True,
        2,
        "multiple subjects with a service account that matches",
    ),
    (
        [S("User", "*")],
        "foobar",
        [],
        "default",
        False,
        0,
        "* user subject name doesn't match all users",
    ),
    (
        [S("Group", "system:authenticated"), S("Group", "system:unauthenticated")],
        "foobar",
        ["system:authenticated"],
        "default",
        True,
        0,
        "binding to all authenticated and unauthenticated subjects matches authenticated user",
    ),
    (
        [S("Group", "system:authenticated"), S("Group", "system:unauthenticated")],
        "system:anonymous",
        ["system:unauthenticated"],
        "default",
        True,
        1,
        "binding to all authenticated and unauthenticated subjects matches anonymous user",
    ),
]


@pytest.mark.parametrize(
    ("subjects", "user", "groups", "namespace", "applies", "index", "case"),
    APPLIES_TO_CASES,
    ids=[c[-1] for c in APPLIES_TO_CASES],
)
def test_applies_to(
    subjects: list, user: str, groups: list, namespace: str, applies: bool, index: int, case: str
) -> None:
    """rule_test.go TestAppliesTo: whether, and through which subject, a binding applies."""
    matches = [
        i for i, s in enumerate(subjects) if rbac.applies_to_user(user, groups, s, namespace)
    ]
    assert bool(matches) is applies, case
    assert (matches[0] if matches else 0) == index, case


# --------------------------------------------------------------------------- aggregation

HAMMER = [
    {"verbs": ["hammer"], "resources": ["nails"]},
    {"verbs": ["hammer"], "resources": ["wedges"]},
]
CHISEL = [{"verbs": ["chisel"], "resources": ["mortises"]}]
SAW = [{"verbs": ["saw"], "resources": ["boards"]}]


def role(name: str, labels: dict[str, str], rules: list[dict]) -> dict[str, Any]:
    return new_cluster_role(name, *rules, labels=labels)


def combined(selectors: list[dict[str, str]], *rules: list[dict]) -> dict[str, Any]:
    obj = new_cluster_role("combined", *[r for group in rules for r in group])
    obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": s} for s in selectors]}
    return obj


AGGREGATION_CASES = [
    (
        "remove dead rules",
        [role("hammer", {"foo": "bar"}, HAMMER), combined([{"foo": "bar"}], SAW)],
        HAMMER,
    ),
    (
        "strip rules",
        [role("hammer", {"foo": "not-bar"}, HAMMER), combined([{"foo": "bar"}], HAMMER)],
        [],
    ),
    (
        "select properly and put in order",
        [
            role("hammer", {"foo": "bar"}, HAMMER),
            role("chisel", {"foo": "bar"}, CHISEL),
            role("saw", {"foo": "not-bar"}, SAW),
            combined([{"foo": "bar"}]),
        ],
        CHISEL + HAMMER,
    ),
    (
        "select properly with multiple selectors",
        [
            role("hammer", {"foo": "bar"}, HAMMER),
            role("chisel", {"foo": "bar"}, CHISEL),
            role("saw", {"foo": "not-bar"}, SAW),
            combined([{"foo": "bar"}, {"foo": "not-bar"}]),
        ],
        CHISEL + HAMMER + SAW,
    ),
    (
        "select properly remove duplicates",
        [
            role("hammer", {"foo": "bar"}, HAMMER),
            role("chisel", {"foo": "bar"}, CHISEL),
            role("saw", {"foo": "bar"}, SAW),
            role("other-saw", {"foo": "not-bar"}, SAW),
            combined([{"foo": "bar"}, {"foo": "not-bar"}]),
        ],
        CHISEL + HAMMER + SAW,
    ),
    (
        "no diff skip",
        [role("hammer", {"foo": "bar"}, HAMMER), combined([{"foo": "bar"}], HAMMER)],
        HAMMER,
    ),
]


@pytest.mark.parametrize(
    ("case", "objects", "expected"), AGGREGATION_CASES, ids=[c[0] for c in AGGREGATION_CASES]
)
def test_sync_cluster_role(case: str, objects: list[dict], expected: list[dict]) -> None:
    """clusterroleaggregation_controller_test.go TestSyncClusterRole: the combined rules."""
    assert list(Policy(objects).cluster_roles["combined"]) == [Rule.from_dict(r) for r in expected]


# --------------------------------------------------------------------------- semantics the
# issue names explicitly (RoleBinding scope, SA subjects, resourceNames, aggregation, kubectl)

SA_CI = "system:serviceaccount:staging:ci"


def req(verb: str, resource: str, ns: str = "staging", **extra: Any) -> dict[str, Any]:
    return {
        "user": SA_CI,
        "groups": [],
        "verb": verb,
        "namespace": ns,
        "apiGroup": "",
        "resource": resource,
        "subresource": "",
        "name": "",
        **extra,
    }


POD_READER = new_role(
    "pod-reader",
    "staging",
    {"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods", "pods/log"]},
)


def sa_binding(namespace: str, role_kind: str, role_name: str, subject_ns: str | None) -> dict:
    subject: dict[str, str] = {"kind": "ServiceAccount", "name": "ci"}
    if subject_ns is not None:
        subject["namespace"] = subject_ns
    return {
        "apiVersion": API,
        "kind": "RoleBinding",
        "metadata": {"name": "b", "namespace": namespace},
        "roleRef": {"apiGroup": GROUP, "kind": role_kind, "name": role_name},
        "subjects": [subject],
    }


def test_service_account_subject_defaults_to_the_binding_namespace() -> None:
    objects = [POD_READER, sa_binding("staging", "Role", "pod-reader", None)]
    assert authorize(objects, req("get", "pods"))
    assert authorize(objects, req("get", "pods", subresource="log"))
    assert not authorize(objects, req("get", "pods", subresource="exec"))
    assert not authorize(objects, req("delete", "pods"))
    # The same account name in another namespace is another user.
    assert not authorize(objects, {**req("get", "pods"), "user": "system:serviceaccount:dev:ci"})


def test_service_account_subject_of_a_cluster_role_binding_needs_a_namespace() -> None:
    reader = new_cluster_role(
        "reader", {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}
    )
    crb = new_cluster_role_binding("reader")
    crb["subjects"] = [{"kind": "ServiceAccount", "name": "ci"}]
    assert not authorize([reader, crb], req("get", "pods"))
    crb["subjects"][0]["namespace"] = "staging"
    assert authorize([reader, crb], req("get", "pods"))
    assert authorize([reader, crb], req("get", "pods", ns="prod"))  # cluster-wide


def test_role_binding_to_a_cluster_role_grants_only_in_its_namespace() -> None:
    reader = new_cluster_role(
        "reader", {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}
    )
    objects = [reader, sa_binding("staging", "ClusterRole", "reader", "staging")]
    assert authorize(objects, req("get", "pods"))
    assert not authorize(objects, req("get", "pods", ns="prod"))
    assert not authorize(objects, req("get", "pods", ns=""))  # cluster-scoped: no RoleBindings


def test_a_role_is_looked_up_in_the_binding_namespace() -> None:
    # A Role named pod-reader exists only in staging; a binding in prod finds nothing.
    objects = [POD_READER, sa_binding("prod", "Role", "pod-reader", "staging")]
    assert not authorize(objects, req("get", "pods", ns="prod"))
    assert not authorize(objects, req("get", "pods"))


def test_objects_without_a_namespace_live_in_default() -> None:
    role_ = new_role("r", "default", {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]})
    del role_["metadata"]["namespace"]
    binding = sa_binding("default", "Role", "r", "staging")
    del binding["metadata"]["namespace"]
    assert authorize([role_, binding], req("get", "pods", ns="default"))


def test_resource_names_never_match_a_request_without_a_name() -> None:
    one = new_role(
        "one",
        "staging",
        {
            "verbs": ["get", "list"],
            "apiGroups": [""],
            "resources": ["configmaps"],
            "resourceNames": ["app"],
        },
    )
    objects = [one, sa_binding("staging", "Role", "one", "staging")]
    assert authorize(objects, req("get", "configmaps", name="app"))
    assert not authorize(objects, req("get", "configmaps", name="other"))
    assert not authorize(objects, req("list", "configmaps"))


def test_pods_star_is_not_a_wildcard_but_star_slash_scale_is() -> None:
    # ResourceMatches only knows "*" and "*/subresource"; "pods/*" matches nothing else.
    rules = {"verbs": ["get"], "apiGroups": ["*"], "resources": ["pods/*", "*/scale"]}
    objects = [new_cluster_role("r", rules), new_cluster_role_binding("r", "User:u")]
    ask = {"user": "u", "verb": "get", "namespace": "x", "apiGroup": "apps"}
    assert not authorize(objects, {**ask, "resource": "pods", "subresource": "log"})
    assert authorize(objects, {**ask, "resource": "deployments", "subresource": "scale"})
    assert not authorize(objects, {**ask, "resource": "deployments"})


def test_core_group_is_the_empty_string_and_matching_is_case_sensitive() -> None:
    rules = {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}
    objects = [new_cluster_role("r", rules), new_cluster_role_binding("r", "User:u")]
    ask = {"user": "u", "verb": "get", "namespace": "x", "resource": "pods"}
    assert authorize(objects, {**ask, "apiGroup": ""})
    assert not authorize(objects, {**ask, "apiGroup": "apps"})
    assert not authorize(objects, {**ask, "apiGroup": "", "verb": "GET"})
    assert not authorize(objects, {**ask, "apiGroup": "", "resource": "Pods"})


def test_aggregation_with_match_expressions_and_nesting() -> None:
    view = new_cluster_role(
        "view",
        {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]},
        labels={"rbac.example.com/aggregate-to-edit": "true"},
    )
    extra = new_cluster_role(
        "extra",
        {"verbs": ["delete"], "apiGroups": [""], "resources": ["pods"]},
        labels={"tier": "gold"},
    )
    edit = new_cluster_role("edit", labels={"rbac.example.com/aggregate-to-admin": "true"})
    edit["aggregationRule"] = {
        "clusterRoleSelectors": [
            {
                "matchExpressions": [
                    {"key": "rbac.example.com/aggregate-to-edit", "operator": "Exists"}
                ]
            }
        ]
    }
    admin = new_cluster_role("admin", {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]})
    admin["aggregationRule"] = {
        "clusterRoleSelectors": [
            {"matchLabels": {"rbac.example.com/aggregate-to-admin": "true"}},
            {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["gold", "silver"]}]},
        ]
    }
    objects = [
        admin,
        edit,
        view,
        extra,
        new_cluster_role_binding("admin", "User:u"),
        new_cluster_role_binding("edit", "User:e"),
    ]
    ask = {"verb": "get", "namespace": "x", "apiGroup": "", "resource": "pods"}
    # admin aggregates edit (which aggregates view) and extra; its own "*" rule is replaced.
    assert authorize(objects, {**ask, "user": "u"})
    assert authorize(objects, {**ask, "user": "u", "verb": "delete"})
    assert not authorize(objects, {**ask, "user": "u", "resource": "secrets"})
    assert authorize(objects, {**ask, "user": "e"})
    assert not authorize(objects, {**ask, "user": "e", "verb": "delete"})


def test_selector_operators() -> None:
    labels = {"a": "1"}
    assert rbac.selector_matches({}, labels)  # empty selects everything
    assert rbac.selector_matches(
        {"matchExpressions": [{"key": "b", "operator": "NotIn", "values": ["1"]}]}, labels
    )
    assert rbac.selector_matches(
        {"matchExpressions": [{"key": "b", "operator": "DoesNotExist"}]}, labels
    )
    assert not rbac.selector_matches(
        {"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, labels
    )
    assert not rbac.selector_matches(
        {"matchExpressions": [{"key": "a", "operator": "In", "values": []}]}, labels
    )
    assert not rbac.selector_matches(
        {"matchExpressions": [{"key": "a", "operator": "Bogus"}]}, labels
    )


def test_groups_come_from_the_request() -> None:
    reader = new_cluster_role(
        "reader", {"verbs": ["list"], "apiGroups": [""], "resources": ["pods"]}
    )
    objects = [
        reader,
        new_role_binding(
            "staging", "reader", "ClusterRole", "Group:system:serviceaccounts:staging"
        ),
    ]
    assert not authorize(objects, req("list", "pods"))
    assert authorize(
        objects,
        {
            **req("list", "pods"),
            "groups": ["system:serviceaccounts", "system:serviceaccounts:staging"],
        },
    )


def test_impersonated_groups_like_kubectl_as() -> None:
    assert rbac.impersonated_groups(SA_CI, None) == (
        "system:serviceaccounts",
        "system:serviceaccounts:staging",
        "system:authenticated",
    )
    assert rbac.impersonated_groups("dana", None) == ("system:authenticated",)
    assert rbac.impersonated_groups("system:anonymous", None) == ()
    assert rbac.impersonated_groups("dana", ["devs"]) == ("devs",)


def test_reason_names_the_binding() -> None:
    objects = [POD_READER, sa_binding("staging", "Role", "pod-reader", None)]
    allowed, reason = Policy(objects).decide(Request.from_dict(req("get", "pods")))
    assert allowed
    assert reason == (
        'RBAC: allowed by RoleBinding "b/staging" of Role "pod-reader" to '
        'ServiceAccount "ci/staging"'
    )


@pytest.mark.parametrize(
    ("request_", "allowed", "line"),
    [
        (
            req("get", "pods", subresource="log"),
            True,
            "kubectl auth can-i get pods --subresource=log -n staging --as "
            "system:serviceaccount:staging:ci \u2192 yes",
        ),
        (
            req("delete", "pods", name="web-0"),
            False,
            "kubectl auth can-i delete pods/web-0 -n staging --as system:serviceaccount:staging:ci"
            " \u2192 no",
        ),
        (
            {
                "user": "dana",
                "verb": "patch",
                "namespace": "dev",
                "apiGroup": "apps",
                "resource": "deployments",
                "groups": ["devs"],
            },
            True,
            "kubectl auth can-i patch deployments.apps -n dev --as dana --as-group=devs \u2192 yes",
        ),
        (
            {"user": "dana", "verb": "list", "apiGroup": "", "resource": "nodes"},
            False,
            "kubectl auth can-i list nodes --as dana \u2192 no",
        ),
        (
            {"user": "dana", "verb": "list", "apiGroup": "", "resource": "pods"},
            False,
            "kubectl auth can-i list pods --all-namespaces --as dana \u2192 no",
        ),
        (
            {"user": "dana", "verb": "get", "path": "/healthz"},
            True,
            "kubectl auth can-i get /healthz --as dana \u2192 yes",
        ),
        (
            {"user": "dana", "verb": "*", "apiGroup": "*", "resource": "*", "namespace": "x"},
            True,
            "kubectl auth can-i '*' '*.*' -n x --as dana \u2192 yes",
        ),
    ],
)
def test_can_i_line(request_: dict, allowed: bool, line: str) -> None:
    assert can_i_line(request_, allowed) == line


def test_validation_problems_are_the_api_servers() -> None:
    objects = [
        new_role(
            "r",
            "ns",
            {"verbs": [], "apiGroups": [""], "resources": ["pods"]},
            {"verbs": ["get"], "nonResourceURLs": ["/healthz"]},
            {"verbs": ["get"], "resources": ["pods"]},
            {
                "verbs": ["get"],
                "apiGroups": [""],
                "resources": ["pods", "services"],
                "resourceNames": ["x"],
            },
        ),
        {
            "apiVersion": API,
            "kind": "ClusterRoleBinding",
            "metadata": {"name": "b"},
            "roleRef": {"kind": "Role", "name": "r"},
            "subjects": [
                {"kind": "ServiceAccount", "name": "ci"},
                {"kind": "Robot", "name": "x"},
                {"kind": "User", "name": "u", "apiGroup": "v1"},
            ],
        },
    ]
    messages = [m for _i, _p, m in rbac.validation_problems(objects)]
    assert messages == [
        "rules[0]: verbs must contain at least one value",
        "rules[1]: namespaced rules cannot apply to non-resource URLs",
        'rules[2]: resource rules must supply at least one api group ("" is core)',
        "rules[3]: resource names cannot apply to multiple resources",
        'roleRef.kind must be "ClusterRole" in a ClusterRoleBinding',
        "subjects[0].namespace is required for a ServiceAccount in a ClusterRoleBinding",
        'subjects[1].kind must be "ServiceAccount", "User" or "Group"',
        f'subjects[2].apiGroup must be "{GROUP}" for a User',
    ]
    # Defaults fill roleRef.apiGroup and a User's apiGroup, so leaving them out is fine.
    ok = {
        "apiVersion": API,
        "kind": "RoleBinding",
        "metadata": {"name": "b", "namespace": "n"},
        "roleRef": {"kind": "Role", "name": "r"},
        "subjects": [{"kind": "User", "name": "u"}],
    }
    assert rbac.validation_problems([ok]) == []
