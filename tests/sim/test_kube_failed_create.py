"""A Deployment whose Pods admission refuses: the ReplicaSet records FailedCreate and the
cluster settles, instead of the controllers chasing a message that changes every round.

Expected text: plugin/pkg/admission/serviceaccount/admission.go (`error looking up service
account %s/%s: %v`) wrapped by admission.NewForbidden, with the resource name taken from the
request's generateName (staging/src/k8s.io/apiserver/pkg/admission/errors.go
extractResourceName), as a real cluster's events show: `Error creating: pods
"web-7966489d45-" is forbidden: ...`."""

from __future__ import annotations

import re

from learn.sim import Sandbox

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: deployer
      containers: [{name: web, image: nginx:1.27}]
"""


def test_a_missing_service_account_is_a_failed_create_that_settles() -> None:
    box = Sandbox.new()
    box.put("d.yaml", DEPLOYMENT)
    assert box.run("kubectl apply -f d.yaml") == (0, "deployment.apps/web created\n")
    code, _ = box.run("sleep 20")
    assert code == 0
    code, events = box.run("kubectl events")
    assert code == 0
    assert re.search(
        r'FailedCreate +replicaset/web-[a-z0-9]+ +Error creating: pods "web-[a-z0-9]+-" is '
        r"forbidden: error looking up service account default/deployer: "
        r'serviceaccount "deployer" not found',
        events,
    ), events
    # The Deployment repeats the ReplicaSet's failure as its own condition
    # (pkg/controller/deployment/progress.go syncRolloutStatus, getReplicaFailures); the
    # describe lines as kubectl prints them (staging/src/k8s.io/kubectl/pkg/describe).
    code, described = box.run("kubectl describe deployment web")
    assert "  Available        False   MinimumReplicasUnavailable\n" in described
    assert "  ReplicaFailure   True    FailedCreate\n" in described
    # Creating the ServiceAccount lets the ReplicaSet's next try through, and the
    # condition goes (RemoveDeploymentCondition when no ReplicaSet reports a failure).
    assert box.run("kubectl create serviceaccount deployer")[0] == 0
    box.run("sleep 30")
    code, pods = box.run("kubectl get pods")
    assert pods.count("Running") == 2, pods
    code, described = box.run("kubectl describe deployment web")
    assert "ReplicaFailure" not in described
    assert "  Available      True    MinimumReplicasAvailable\n" in described
