"""`kubectl get` of a kind with nothing in it: the message names a namespace only when every
listed kind is namespaced.

Expected text from staging/src/k8s.io/kubectl/pkg/cmd/get/get.go (allResourcesNamespaced:
"No resources found in %s namespace." versus "No resources found").
"""

from __future__ import annotations

from learn.sim import Sandbox


def test_cluster_scoped_kind_names_no_namespace() -> None:
    box = Sandbox.new()
    assert box.run("kubectl get pv") == (0, "No resources found\n")
    assert box.run("kubectl get persistentvolumes -n kube-system") == (0, "No resources found\n")


def test_namespaced_kind_names_the_namespace() -> None:
    box = Sandbox.new()
    assert box.run("kubectl get pvc") == (0, "No resources found in default namespace.\n")
    assert box.run("kubectl get ds -n kube-public") == (
        0,
        "No resources found in kube-public namespace.\n",
    )


def test_mixed_kinds_name_no_namespace() -> None:
    box = Sandbox.new()
    assert box.run("kubectl get pvc,pv") == (0, "No resources found\n")
