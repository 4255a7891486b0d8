"""Kubernetes RBAC, evaluated in-process the way the API server's authorizer does it.

This is a transcription of the Go code, not a model of it:

- matching: pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches,
  ResourceMatches, ResourceNameMatches, NonResourceURLMatches) and RuleAllows in
  plugin/pkg/auth/authorizer/rbac/rbac.go;
- rule resolution: VisitRulesFor, GetRoleReferenceRules and appliesToUser in
  pkg/registry/rbac/validation/rule.go;
- aggregation: syncClusterRole in pkg/controller/clusterroleaggregation;
- the API server's own validation of RBAC objects: pkg/apis/rbac/validation/validation.go,
  after the v1 defaulting in pkg/apis/rbac/v1/defaults.go.

Consequences worth knowing (all as in Kubernetes): matching is case-sensitive; there are no
deny rules; `pods/*` is NOT a wildcard (only `*` and `*/subresource` are); a request without
a name never matches a rule that lists resourceNames; a request with an empty namespace (a
cluster-scoped one) consults only ClusterRoleBindings; a RoleBinding's ServiceAccount subject
without a namespace means the binding's namespace.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

RBAC_GROUP = "rbac.authorization.k8s.io"
SA_PREFIX = "system:serviceaccount:"
ALL_AUTHENTICATED = "system:authenticated"
ALL_UNAUTHENTICATED = "system:unauthenticated"
ANONYMOUS = "system:anonymous"
# Namespace of objects that do not name one: where `kubectl apply` puts them by default.
DEFAULT_NAMESPACE = "default"

# Resources that live outside namespaces; `kubectl auth can-i` is written without -n for them.
CLUSTER_SCOPED = frozenset(
    {
        "nodes",
        "namespaces",
        "persistentvolumes",
        "storageclasses",
        "clusterroles",
        "clusterrolebindings",
        "customresourcedefinitions",
        "priorityclasses",
        "ingressclasses",
        "runtimeclasses",
        "csidrivers",
        "csinodes",
        "volumeattachments",
        "mutatingwebhookconfigurations",
        "validatingwebhookconfigurations",
        "apiservices",
        "certificatesigningrequests",
        "tokenreviews",
        "subjectaccessreviews",
        "selfsubjectaccessreviews",
        "selfsubjectrulesreviews",
        "users",
        "groups",
    }
)


# --------------------------------------------------------------------------- data


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(item) for item in value if item is not None)


@dataclass(frozen=True)
class Rule:
    verbs: tuple[str, ...] = ()
    api_groups: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    resource_names: tuple[str, ...] = ()
    non_resource_urls: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Any) -> Rule:
        if not isinstance(data, Mapping):
            return cls()
        return cls(
            verbs=_strings(data.get("verbs")),
            api_groups=_strings(data.get("apiGroups")),
            resources=_strings(data.get("resources")),
            resource_names=_strings(data.get("resourceNames")),
            non_resource_urls=_strings(data.get("nonResourceURLs")),
        )


@dataclass(frozen=True)
class Subject:
    kind: str
    name: str
    namespace: str = ""


@dataclass(frozen=True)
class RoleRef:
    kind: str
    name: str


@dataclass(frozen=True)
class Binding:
    kind: str  # RoleBinding or ClusterRoleBinding
    name: str
    namespace: str  # "" for a ClusterRoleBinding
    role_ref: RoleRef
    subjects: tuple[Subject, ...]

    def describe(self, subject: Subject) -> str:
        # Same wording as the Go describers, so reasons read like the API server's.
        who = f'{subject.kind} "{subject.name}"'
        if subject.kind == "ServiceAccount":
            who = f'{subject.kind} "{subject.name}/{subject.namespace or self.namespace}"'
        where = f"{self.name}/{self.namespace}" if self.kind == "RoleBinding" else self.name
        role = f'{self.role_ref.kind} "{self.role_ref.name}"'
        return f'{self.kind} "{where}" of {role} to {who}'


@dataclass(frozen=True)
class Request:
    """authorizer.Attributes: who asks to do what."""

    user: str
    groups: tuple[str, ...]
    verb: str
    namespace: str = ""
    api_group: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    path: str = ""
    resource_request: bool = True

    @classmethod
    def from_dict(cls, request: Mapping[str, Any]) -> Request:
        def text(key: str) -> str:
            value = request.get(key)
            return "" if value is None else str(value)

        groups = request.get("groups") or ()
        if isinstance(groups, str):
            groups = (groups,)
        is_path = request.get("path") is not None
        return cls(
            user=text("user"),
            groups=tuple(str(g) for g in groups),
            verb=text("verb"),
            namespace=text("namespace"),
            api_group=text("apiGroup"),
            resource=text("resource"),
            subresource=text("subresource"),
            name=text("name"),
            path=text("path"),
            resource_request=not is_path,
        )


# --------------------------------------------------------------------------- matching
# One function per Go helper, same order of checks.


def verb_matches(rule: Rule, verb: str) -> bool:
    return any(v == "*" or v == verb for v in rule.verbs)


def api_group_matches(rule: Rule, group: str) -> bool:
    return any(g == "*" or g == group for g in rule.api_groups)


def resource_matches(rule: Rule, combined: str, subresource: str) -> bool:
    for resource in rule.resources:
        if resource == "*" or resource == combined:
            return True
        # "*/scale" matches the scale subresource of anything; nothing else is a pattern.
        if (
            subresource
            and len(resource) == len(subresource) + 2
            and resource.startswith("*/")
            and resource.endswith(subresource)
        ):
            return True
    return False


def resource_name_matches(rule: Rule, name: str) -> bool:
    if not rule.resource_names:
        return True
    return any(n == name for n in rule.resource_names)


def non_resource_url_matches(rule: Rule, path: str) -> bool:
    for url in rule.non_resource_urls:
        if url == "*" or url == path:
            return True
        if url.endswith("*") and path.startswith(url.rstrip("*")):
            return True
    return False


def rule_allows(request: Request, rule: Rule) -> bool:
    if request.resource_request:
        combined = request.resource
        if request.subresource:
            combined = f"{request.resource}/{request.subresource}"
        return (
            verb_matches(rule, request.verb)
            and api_group_matches(rule, request.api_group)
            and resource_matches(rule, combined, request.subresource)
            and resource_name_matches(rule, request.name)
        )
    return verb_matches(rule, request.verb) and non_resource_url_matches(rule, request.path)


def applies_to_user(user: str, groups: Iterable[str], subject: Subject, namespace: str) -> bool:
    if subject.kind == "User":
        return user == subject.name
    if subject.kind == "Group":
        return subject.name in groups
    if subject.kind == "ServiceAccount":
        sa_namespace = subject.namespace or namespace
        if not sa_namespace:
            return False
        return user == f"{SA_PREFIX}{sa_namespace}:{subject.name}"
    return False


# --------------------------------------------------------------------------- label selectors


def selector_matches(selector: Any, labels: Mapping[str, str]) -> bool:
    """metav1.LabelSelectorAsSelector(selector).Matches(labels).

    An empty selector matches everything; an invalid one (unknown operator) matches nothing,
    as the controller then fails the sync and never copies rules.
    """
    if not isinstance(selector, Mapping):
        return False
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    if not isinstance(match_labels, Mapping) or not isinstance(expressions, list):
        return False
    for key, value in match_labels.items():
        if labels.get(str(key)) != ("" if value is None else str(value)):
            return False
    for expression in expressions:
        if not isinstance(expression, Mapping):
            return False
        key = str(expression.get("key", ""))
        operator = expression.get("operator")
        values = set(_strings(expression.get("values")))
        present = key in labels
        if operator == "In":
            if not values or not (present and labels[key] in values):
                return False
        elif operator == "NotIn":
            if not values or (present and labels[key] in values):
                return False
        elif operator == "Exists":
            if values or not present:
                return False
        elif operator == "DoesNotExist":
            if values or present:
                return False
        else:
            return False
    return True


# --------------------------------------------------------------------------- policy


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = obj.get("metadata")
    return meta if isinstance(meta, Mapping) else {}


def _is_rbac(obj: Mapping[str, Any]) -> bool:
    api_version = obj.get("apiVersion")
    return isinstance(api_version, str) and api_version.startswith(RBAC_GROUP + "/")


def _subjects(value: Any) -> tuple[Subject, ...]:
    if not isinstance(value, list):
        return ()
    subjects = []
    for item in value:
        if isinstance(item, Mapping):
            subjects.append(
                Subject(
                    kind=str(item.get("kind") or ""),
                    name=str(item.get("name") or ""),
                    namespace=str(item.get("namespace") or ""),
                )
            )
    return tuple(subjects)


class Policy:
    """The RBAC objects of a manifest stream, as the authorizer's informers would hold them."""

    def __init__(self, objects: Iterable[Any]) -> None:
        self.roles: dict[tuple[str, str], tuple[Rule, ...]] = {}
        self.cluster_roles: dict[str, tuple[Rule, ...]] = {}
        self.bindings: list[Binding] = []
        cluster_labels: dict[str, dict[str, str]] = {}
        aggregation: dict[str, list[Any]] = {}
        # Later objects replace earlier ones with the same identity, as `kubectl apply` would.
        # (Nameless ones, which the API server would refuse, are kept apart: Kubernetes' own
        # authorizer tests build bindings without names.)
        role_bindings: dict[tuple[str, str], Binding] = {}
        cluster_role_bindings: dict[str, Binding] = {}
        for position, obj in enumerate(objects):
            if not isinstance(obj, Mapping) or not _is_rbac(obj):
                continue
            kind = obj.get("kind")
            meta = _meta(obj)
            name = str(meta.get("name") or "")
            namespace = str(meta.get("namespace") or DEFAULT_NAMESPACE)
            rules = obj.get("rules")
            parsed = tuple(Rule.from_dict(r) for r in rules) if isinstance(rules, list) else ()
            if kind == "Role":
                self.roles[(namespace, name)] = parsed
            elif kind == "ClusterRole":
                self.cluster_roles[name] = parsed
                labels = meta.get("labels")
                cluster_labels[name] = (
                    {str(k): "" if v is None else str(v) for k, v in labels.items()}
                    if isinstance(labels, Mapping)
                    else {}
                )
                rule = obj.get("aggregationRule")
                if isinstance(rule, Mapping):
                    selectors = rule.get("clusterRoleSelectors")
                    aggregation[name] = selectors if isinstance(selectors, list) else []
                else:
                    aggregation.pop(name, None)
            elif kind in {"RoleBinding", "ClusterRoleBinding"}:
                ref = obj.get("roleRef")
                ref = ref if isinstance(ref, Mapping) else {}
                binding = Binding(
                    kind=kind,
                    name=name,
                    namespace=namespace if kind == "RoleBinding" else "",
                    role_ref=RoleRef(str(ref.get("kind") or ""), str(ref.get("name") or "")),
                    subjects=_subjects(obj.get("subjects")),
                )
                key = name or f"\0{position}"
                if kind == "RoleBinding":
                    role_bindings[(namespace, key)] = binding
                else:
                    cluster_role_bindings[key] = binding
        self.bindings = [*cluster_role_bindings.values(), *role_bindings.values()]
        self._aggregate(aggregation, cluster_labels)

    def _aggregate(
        self, aggregation: dict[str, list[Any]], labels: dict[str, dict[str, str]]
    ) -> None:
        """Run the aggregation controller to a fixed point.

        The controller *replaces* an aggregated role's rules with the union of the rules of
        the ClusterRoles its selectors match (itself excluded, by name order, duplicates
        dropped), so rules written by hand on an aggregated role do not count. Roles that
        aggregate other aggregated roles converge after a few passes.
        """
        if not aggregation:
            return
        for name in aggregation:
            self.cluster_roles[name] = ()
        names = sorted(self.cluster_roles)
        for _ in range(len(aggregation) + 1):
            changed = False
            for name in sorted(aggregation):
                combined: list[Rule] = []
                for selector in aggregation[name]:
                    for other in names:
                        if other == name or not selector_matches(selector, labels.get(other, {})):
                            continue
                        for rule in self.cluster_roles[other]:
                            if rule not in combined:
                                combined.append(rule)
                if tuple(combined) != self.cluster_roles[name]:
                    self.cluster_roles[name] = tuple(combined)
                    changed = True
            if not changed:
                break

    def role_reference_rules(self, ref: RoleRef, namespace: str) -> tuple[Rule, ...] | None:
        if ref.kind == "Role":
            if not namespace:
                return None  # "must provide namespace when getting role"
            return self.roles.get((namespace, ref.name))
        if ref.kind == "ClusterRole":
            return self.cluster_roles.get(ref.name)
        return None

    def visit_rules(
        self, user: str, groups: Iterable[str], namespace: str
    ) -> Iterator[tuple[Binding, Subject, Rule]]:
        """VisitRulesFor: ClusterRoleBindings always, RoleBindings of `namespace` if set."""
        group_set = frozenset(groups)
        for binding in self.bindings:
            if binding.kind == "ClusterRoleBinding":
                scope = ""
            elif namespace and binding.namespace == namespace:
                scope = namespace
            else:
                continue
            subject = next(
                (s for s in binding.subjects if applies_to_user(user, group_set, s, scope)), None
            )
            if subject is None:
                continue
            rules = self.role_reference_rules(binding.role_ref, scope)
            for rule in rules or ():
                yield binding, subject, rule

    def decide(self, request: Request) -> tuple[bool, str]:
        """(allowed, reason) with the API server's wording for the reason."""
        namespace = request.namespace if request.resource_request else ""
        for binding, subject, rule in self.visit_rules(request.user, request.groups, namespace):
            if rule_allows(request, rule):
                return True, f"RBAC: allowed by {binding.describe(subject)}"
        return False, ""

    def allows(self, request: Mapping[str, Any] | Request) -> bool:
        if not isinstance(request, Request):
            request = Request.from_dict(request)
        return self.decide(request)[0]


def authorize(objects: list[dict[str, Any]], request: dict[str, Any]) -> bool:
    """Would the API server allow `request` given the RBAC objects among `objects`?"""
    return Policy(objects).allows(request)


# --------------------------------------------------------------------------- kubectl


def impersonated_groups(user: str, groups: Iterable[str] | None) -> tuple[str, ...]:
    """The groups `kubectl --as USER` ends up with when no `--as-group` is given.

    Mirrors the API server's impersonation filter: a service account gets its fixed groups,
    and every non-anonymous user gets system:authenticated. Explicit groups are the whole
    truth, as they are for the filter.
    """
    if groups:
        return tuple(groups)
    result: list[str] = []
    if user.startswith(SA_PREFIX):
        namespace = user[len(SA_PREFIX) :].split(":", 1)[0]
        result = ["system:serviceaccounts", f"system:serviceaccounts:{namespace}"]
    if user and user != ANONYMOUS:
        result.append(ALL_AUTHENTICATED)
    return tuple(result)


def can_i_command(request: Mapping[str, Any]) -> str:
    """The `kubectl auth can-i` command line that asks this question.

    kubectl reads `TYPE/NAME` as a resource *name*, so a subresource is passed with
    `--subresource`, and a group with the `resource.group` form.
    """
    req = request if isinstance(request, Request) else Request.from_dict(request)
    parts = ["kubectl", "auth", "can-i", req.verb]
    if not req.resource_request:
        parts.append(req.path)
    else:
        target = req.resource or "*"
        if req.api_group:
            target = f"{target}.{req.api_group}"
        if req.name:
            target = f"{target}/{req.name}"
        parts.append(target)
        if req.subresource:
            parts.append(f"--subresource={req.subresource}")
        if req.namespace:
            parts += ["-n", req.namespace]
        elif req.resource not in CLUSTER_SCOPED:
            parts.append("--all-namespaces")
    if req.user:
        parts += ["--as", req.user]
    for group in req.groups:
        parts.append(f"--as-group={group}")
    return " ".join(shlex.quote(p) for p in parts)


def can_i_line(request: Mapping[str, Any], allowed: bool) -> str:
    """What the terminal would show: the command and its one-word answer."""
    return f"{can_i_command(request)} \u2192 {'yes' if allowed else 'no'}"


# --------------------------------------------------------------------------- validation


def _path_segment_problems(name: str) -> list[str]:
    # path.IsValidPathSegmentName: the name becomes a URL path segment.
    if name in {".", ".."}:
        return [f'may not be "{name}"']
    return [f'may not contain "{c}"' for c in ("/", "%") if c in name]


def validation_problems(objects: Iterable[Any]) -> list[tuple[int, list[Any], str]]:
    """What the API server would reject in RBAC objects the schema accepts.

    Returns (object index, path inside the object, message). Applies the v1 defaults first
    (a missing roleRef.apiGroup or subject apiGroup is filled in, not an error).
    """
    problems: list[tuple[int, list[Any], str]] = []
    for index, obj in enumerate(objects):
        if not isinstance(obj, Mapping) or not _is_rbac(obj):
            continue
        kind = obj.get("kind")
        name = str(_meta(obj).get("name") or "")
        if kind in {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}:
            if not name:
                problems.append((index, ["metadata"], "metadata.name is required"))
            for msg in _path_segment_problems(name):
                problems.append((index, ["metadata", "name"], f"metadata.name {msg}"))
        if kind in {"Role", "ClusterRole"}:
            rules = obj.get("rules")
            for i, rule in enumerate(rules if isinstance(rules, list) else []):
                for sub, msg in _rule_problems(Rule.from_dict(rule), kind == "Role"):
                    problems.append((index, ["rules", i, *sub], f"rules[{i}]: {msg}"))
        elif kind in {"RoleBinding", "ClusterRoleBinding"}:
            problems.extend((index, path, msg) for path, msg in _binding_problems(obj, kind))
    return problems


def _rule_problems(rule: Rule, namespaced: bool) -> list[tuple[list[Any], str]]:
    out: list[tuple[list[Any], str]] = []
    if not rule.verbs:
        out.append((["verbs"], "verbs must contain at least one value"))
    if rule.non_resource_urls:
        if namespaced:
            out.append((["nonResourceURLs"], "namespaced rules cannot apply to non-resource URLs"))
        if rule.api_groups or rule.resources or rule.resource_names:
            out.append(
                (
                    ["nonResourceURLs"],
                    "rules cannot apply to both regular resources and non-resource URLs",
                )
            )
        return out
    if not rule.api_groups:
        out.append(
            (["apiGroups"], 'resource rules must supply at least one api group ("" is core)')
        )
    if not rule.resources:
        out.append((["resources"], "resource rules must supply at least one resource"))
    if rule.resource_names and len(rule.resources) > 1:
        out.append((["resourceNames"], "resource names cannot apply to multiple resources"))
    return out


def _binding_problems(obj: Mapping[str, Any], kind: str) -> list[tuple[list[Any], str]]:
    out: list[tuple[list[Any], str]] = []
    ref = obj.get("roleRef")
    ref = ref if isinstance(ref, Mapping) else {}
    api_group = ref.get("apiGroup") or RBAC_GROUP
    if api_group != RBAC_GROUP:
        out.append((["roleRef", "apiGroup"], f'roleRef.apiGroup must be "{RBAC_GROUP}"'))
    allowed = ("Role", "ClusterRole") if kind == "RoleBinding" else ("ClusterRole",)
    if ref.get("kind") not in allowed:
        choices = " or ".join(f'"{k}"' for k in allowed)
        out.append((["roleRef", "kind"], f"roleRef.kind must be {choices} in a {kind}"))
    ref_name = str(ref.get("name") or "")
    if not ref_name:
        out.append((["roleRef"], "roleRef.name is required"))
    for msg in _path_segment_problems(ref_name):
        out.append((["roleRef", "name"], f"roleRef.name {msg}"))
    subjects = obj.get("subjects")
    for i, subject in enumerate(subjects if isinstance(subjects, list) else []):
        if not isinstance(subject, Mapping):
            continue
        where = f"subjects[{i}]"
        s_kind = subject.get("kind")
        s_group = subject.get("apiGroup") or ""
        if not subject.get("name"):
            out.append((["subjects", i], f"{where}.name is required"))
        if s_kind == "ServiceAccount":
            if s_group:
                out.append(
                    (
                        ["subjects", i, "apiGroup"],
                        f'{where}.apiGroup must be "" for a ServiceAccount',
                    )
                )
            if kind == "ClusterRoleBinding" and not subject.get("namespace"):
                out.append(
                    (
                        ["subjects", i],
                        f"{where}.namespace is required for a "
                        "ServiceAccount in a ClusterRoleBinding",
                    )
                )
        elif s_kind in {"User", "Group"}:
            if s_group and s_group != RBAC_GROUP:
                out.append(
                    (
                        ["subjects", i, "apiGroup"],
                        f'{where}.apiGroup must be "{RBAC_GROUP}" for a {s_kind}',
                    )
                )
        else:
            out.append(
                (
                    ["subjects", i, "kind"],
                    f'{where}.kind must be "ServiceAccount", "User" or "Group"',
                )
            )
    return out
