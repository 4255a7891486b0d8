"""The course teaches the Kubernetes that is current (1.37 in December 2026): every Kubernetes
object in a lesson snippet and in a lab's reference solution passes the strict 1.37 schemas,
checked with `kubernetes_validate.validate` itself (the upstream library, not our wrapper), and
the labs' own validator is pinned to that same release."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import SchemaNotFoundError

from learn.labs.validators import K8S_VERSION
from tests.content.course import course_modules

CURRENT = "1.37.0"
MODULES = course_modules()


def k8s_documents() -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for module in MODULES:
        for lesson in module.lessons:
            texts = [
                (f"{b.path}:{b.line}", b.text)
                for b in lesson.code_blocks
                if b.lang in {"yaml", "yml"} and not {"broken", "fragment", "compose"} & b.flags
            ]
            texts += [
                (f"{lesson.path}:{q.line} (lab {q.key} solution)", q.data["solution"])
                for q in lesson.questions
                if q.kind == "lab" and q.data["lab_kind"] in {"kubernetes", "rbac"}
            ]
            for where, text in texts:
                for doc in yaml.safe_load_all(text):
                    if isinstance(doc, dict) and "apiVersion" in doc and "kind" in doc:
                        found.append((where, doc))
    return found


DOCS = k8s_documents()


def test_the_installed_validator_ships_the_current_schemas() -> None:
    schemas = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    assert (schemas / f"v{CURRENT}-local-strict").is_dir(), (
        f"kubernetes-validate {getattr(kubernetes_validate, '__version__', '?')} has no "
        f"strict schemas for {CURRENT}"
    )


def test_the_labs_validate_against_the_current_release() -> None:
    # kubernetes.io/releases: 1.37.0 released 2026-08-26 is the newest minor on 2026-12-04;
    # 1.34 reached end of life on 2026-10-27. A lab must not accept what 1.37 refuses.
    assert K8S_VERSION == CURRENT


def test_every_kubernetes_object_in_the_course_is_valid_on_the_current_release() -> None:
    assert len(DOCS) >= 30, f"only {len(DOCS)} Kubernetes objects found"
    failures = []
    for where, doc in DOCS:
        try:
            kubernetes_validate.validate(doc, CURRENT, strict=True)
        except kubernetes_validate.ValidationError as exc:
            failures.append(f"{where}: {doc['kind']}: {exc.message}")
        except (SchemaNotFoundError, kubernetes_validate.InvalidSchemaError):
            failures.append(f"{where}: {CURRENT} serves no {doc['apiVersion']} {doc['kind']}")
    assert failures == [], "\n".join(failures)


def test_the_current_schemas_reject_an_unknown_field() -> None:
    # A field 1.37 does not have must fail, or the test above would prove nothing.
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "x"},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.28", "imagee": "x"}]},
    }
    with pytest.raises(kubernetes_validate.ValidationError) as exc:
        kubernetes_validate.validate(pod, CURRENT, strict=True)
    assert "imagee" in exc.value.message


def test_the_current_release_has_no_removed_api() -> None:
    # extensions/v1beta1 Deployments were removed in 1.16.
    old = {"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "x"}}
    with pytest.raises(SchemaNotFoundError):
        kubernetes_validate.validate(old, CURRENT, strict=True)
