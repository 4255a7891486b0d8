"""Garbage collection through ownerReferences, and deleting a namespace.

Behaviour as documented in content/en/docs/concepts/architecture/garbage-collection.md
(kubernetes/website): background deletion removes the owner at once and its dependents
after; foreground deletion keeps the owner (deletionTimestamp set, the `foregroundDeletion`
finalizer) until the dependents that block it are gone; orphan deletion leaves the dependents
without the owner reference. The namespace controller's conditions are those of
pkg/controller/namespace/deletion/namespaced_resources_deleter.go.
"""

from __future__ import annotations

from typing import Any

from learn.sim import Sandbox
from learn.sim.kube.api import Store


def _deployment(ns: str = "default") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": ns},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "nodeName": "kind-worker",
                    "containers": [{"name": "web", "image": "nginx:1.27"}],
                },
            },
        },
    }


def _setup(ns: str = "default") -> tuple[Sandbox, Store]:
    box = Sandbox.new()
    store = Store.of(box.world)
    if ns != "default":
        store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    store.create(_deployment(ns))
    box.advance(20)
    assert len(store.list("replicasets", ns)) == 1
    assert len(store.list("pods", ns)) == 2
    return box, store


def test_background_deletion_takes_the_replicaset_and_its_pods_after_the_deployment() -> None:
    box, store = _setup()
    store.delete("deployments", "default", "web")
    assert store.get("deployments", "default", "web") is None
    box.advance(0)
    assert store.list("replicasets", "default") == []
    assert all(p["metadata"].get("deletionTimestamp") for p in store.list("pods", "default"))
    box.advance(5)
    assert store.list("pods", "default") == []


def test_foreground_deletion_keeps_the_owner_until_its_dependents_are_gone() -> None:
    box, store = _setup()
    store.delete("deployments", "default", "web", propagation="Foreground")
    box.advance(0)
    d = store.require("deployments", "default", "web")
    assert d["metadata"]["deletionTimestamp"]
    assert d["metadata"]["finalizers"] == ["foregroundDeletion"]
    rs = store.list("replicasets", "default")
    assert rs and rs[0]["metadata"]["finalizers"] == ["foregroundDeletion"]
    box.advance(5)
    assert store.list("pods", "default") == []
    assert store.list("replicasets", "default") == []
    assert store.get("deployments", "default", "web") is None


def test_orphan_deletion_leaves_the_replicaset_and_pods_without_an_owner() -> None:
    box, store = _setup()
    store.delete("deployments", "default", "web", propagation="Orphan")
    box.advance(1)
    assert store.get("deployments", "default", "web") is None
    (rs,) = store.list("replicasets", "default")
    assert "ownerReferences" not in rs["metadata"]
    assert len(store.list("pods", "default")) == 2


def test_deleting_a_namespace_deletes_what_is_in_it_then_the_namespace() -> None:
    box, store = _setup("team")
    store.delete("namespaces", "", "team")
    box.advance(0)
    ns = store.require("namespaces", "", "team")
    assert ns["status"]["phase"] == "Terminating"
    remaining = {c["type"]: c for c in ns["status"]["conditions"]}["NamespaceContentRemaining"]
    assert remaining["status"] == "True" and remaining["reason"] == "SomeResourcesRemain"
    assert remaining["message"] == "Some resources are remaining: pods has 2 resource instances"
    box.advance(5)
    assert store.get("namespaces", "", "team") is None
    assert store.list("pods", "team") == []
    assert all(e["metadata"]["namespace"] != "team" for e in store.all_events())
