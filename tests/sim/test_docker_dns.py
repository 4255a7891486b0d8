"""Name resolution inside Docker and Compose containers is the engine's embedded DNS, not the
cluster's: the nameserver is 127.0.0.11 on a user-defined (Compose) network (moby
libnetwork/resolver.go, `resolverIPSandbox = "127.0.0.11"`), and its answers carry no AA bit
(resolver.go createRespMsg sets only RecursionAvailable), so busybox nslookup prints
"Non-authoritative answer:". Compose puts every service on `<project>_default` with the
service name as an alias (docker/compose pkg/compose/create.go, `getAliases`)."""

from __future__ import annotations

from learn.sim import Sandbox

COMPOSE = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
  tools:
    image: busybox:1.36
    command: ["sleep", "3600"]
"""


def test_compose_service_names_resolve_through_the_embedded_dns_server() -> None:
    box = Sandbox.new(files={"compose.yaml": COMPOSE})
    assert box.run("docker compose up -d")[0] == 0
    box.run("sleep 5")
    code, out = box.run("docker compose exec tools nslookup db")
    assert code == 0, out
    assert out.startswith("Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n"), out
    assert "Non-authoritative answer:\nName:\tdb\nAddress: 172.18.0." in out
    assert "10.96.0.10" not in out
    code, out = box.run("docker compose exec tools nslookup nope")
    assert code == 1
    assert "Server:\t\t127.0.0.11" in out and "** server can't find nope: NXDOMAIN" in out


def test_the_cluster_keeps_kube_dns() -> None:
    box = Sandbox.new()
    box.run("kubectl run shell --image=busybox:1.36 -- sleep 3600")
    box.run("sleep 10")
    code, out = box.run("kubectl exec shell -- nslookup kubernetes")
    assert out.startswith("Server:\t\t10.96.0.10\n"), out
    assert "Non-authoritative" not in out
