"""`docker inspect`: containers, images, networks and volumes as the Engine API returns them
(the subset of fields the course reads: State, Config, HostConfig, NetworkSettings, Mounts)."""

from __future__ import annotations

from typing import Any

from learn.sim import images
from learn.sim.docker import engine
from learn.sim.world import World


def find(world: World, name: str, kind: str | None) -> dict[str, Any] | None:
    if kind in {None, "container"}:
        container = engine.find_container(world, name)
        if container is not None:
            return container_json(world, container)
    if kind in {None, "image"}:
        record = engine.find_image(world, name)
        if record is not None:
            return image_json(world, record)
    if kind in {None, "network"}:
        network = engine.find_network(world, name)
        if network is not None:
            return network_json(world, network)
    if kind in {None, "volume"}:
        volume = engine.state(world)["volumes"].get(name)
        if volume is not None:
            return volume_json(world, volume)
    return None


def _config(world: World, c: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    exposed: dict[str, Any] = {p: {} for p in record["config"].get("exposed") or []}
    for _ip, _host, port, proto in c["ports"]:
        exposed.setdefault(f"{port}/{proto}", {})
    config: dict[str, Any] = {
        "Hostname": c["hostname"],
        "User": c.get("user") or "",
        "Tty": bool(c.get("tty")),
        "ExposedPorts": exposed or None,
        "Env": [f"{k}={v}" for k, v in c["env"].items()],
        "Cmd": c["argv"][len(record["config"].get("entrypoint") or []) :] or None,
        "Image": c["image_ref"],
        "WorkingDir": c.get("workdir") or "",
        "Entrypoint": record["config"].get("entrypoint") or None,
        "Labels": dict(c.get("labels") or {}),
        "StopSignal": c.get("stop_signal") or "SIGTERM",
    }
    health = c.get("health_config")
    if health:
        config["Healthcheck"] = {
            "Test": health["test"],
            **{
                api: int(health[key]) * 1_000_000
                for key, api in (
                    ("interval", "Interval"),
                    ("timeout", "Timeout"),
                    ("start_period", "StartPeriod"),
                    ("start_interval", "StartInterval"),
                )
                if health.get(key)
            },
            **({"Retries": int(health["retries"])} if health.get("retries") else {}),
        }
    return config


def container_json(world: World, c: dict[str, Any]) -> dict[str, Any]:
    record = engine.state(world)["images"].get(c["image"]) or {"config": {}}
    st = c["state"]
    state: dict[str, Any] = {
        "Status": st["status"],
        "Running": st["status"] == "running",
        "Paused": False,
        "Restarting": st["status"] == "restarting",
        "OOMKilled": bool(st.get("oom")),
        "Dead": False,
        "Pid": 1000 + int(c["id"][:4], 16) % 30000 if st["status"] == "running" else 0,
        "ExitCode": int(st["exit_code"]),
        "Error": st.get("error") or "",
        "StartedAt": engine.timestamp(world, st.get("started")),
        "FinishedAt": engine.timestamp(world, st.get("finished")),
    }
    health = st.get("health")
    if health:
        state["Health"] = {
            "Status": health["status"],
            "FailingStreak": int(health["failing"]),
            "Log": [
                {
                    "Start": engine.timestamp(world, e["start"]),
                    "End": engine.timestamp(world, e["end"]),
                    "ExitCode": e["exit_code"],
                    "Output": e["output"],
                }
                for e in health["log"]
            ],
        }
    ports: dict[str, Any] = {}
    bindings: dict[str, Any] = {}
    for ip, host, port, proto in c["ports"]:
        key = f"{port}/{proto}"
        bindings.setdefault(key, []).append({"HostIp": ip, "HostPort": str(host or "")})
        if st["status"] == "running":
            ports.setdefault(key, []).extend(
                [{"HostIp": ip or "0.0.0.0", "HostPort": str(host)}]
                + ([] if ip else [{"HostIp": "::", "HostPort": str(host)}])
            )
    for exposed in record["config"].get("exposed") or []:
        ports.setdefault(exposed, None)
    networks = {}
    for name, endpoint in c["networks"].items():
        network = engine.state(world)["networks"].get(name) or {"id": "", "subnet": ""}
        ip = endpoint.get("ip") if st["status"] == "running" else ""
        networks[name] = {
            "Aliases": list(endpoint.get("aliases") or []) or None,
            "NetworkID": network["id"],
            "Gateway": network["subnet"].replace("0.0/16", "0.1") if ip else "",
            "IPAddress": ip or "",
            "IPPrefixLen": 16 if ip else 0,
            "DNSNames": (
                [c["name"], *(endpoint.get("aliases") or []), c["id"][:12]]
                if not network.get("builtin", True)
                else None
            ),
        }
    first_ip = next((n["IPAddress"] for n in networks.values()), "")
    return {
        "Id": c["id"],
        "Created": engine.timestamp(world, c["created"]),
        "Path": c["argv"][0] if c["argv"] else "",
        "Args": c["argv"][1:],
        "State": state,
        "Image": record.get("id", c["image"]),
        "Name": "/" + c["name"],
        "RestartCount": int(c.get("restart_count", 0)),
        "HostConfig": {
            "NetworkMode": next(iter(c["networks"]), "bridge"),
            "PortBindings": bindings,
            "RestartPolicy": {
                "Name": c["restart"]["name"],
                "MaximumRetryCount": int(c["restart"].get("max", 0)),
            },
            "AutoRemove": bool(c.get("auto_remove")),
            "Memory": int(c.get("memory") or 0),
            "Binds": [
                f"{m['source'] or '.'}:{m['destination']}{'' if m.get('rw', True) else ':ro'}"
                for m in c["mounts"]
                if m["type"] == "bind"
            ]
            or None,
        },
        "Mounts": [
            {
                "Type": m["type"],
                **({"Name": m["name"]} if m["type"] == "volume" else {}),
                "Source": f"/var/lib/docker/volumes/{m['name']}/_data"
                if m["type"] == "volume"
                else f"/home/learner/{m['source']}".rstrip("/"),
                "Destination": m["destination"],
                "Driver": "local" if m["type"] == "volume" else "",
                "RW": bool(m.get("rw", True)),
            }
            for m in c["mounts"]
        ],
        "Config": _config(world, c, record),
        "NetworkSettings": {
            "Ports": ports,
            "IPAddress": first_ip if "bridge" in c["networks"] else "",
            "Networks": networks,
        },
    }


def image_json(world: World, record: dict[str, Any]) -> dict[str, Any]:
    tags = engine.tags_of(world, record["id"])
    config = record["config"]
    repo_digests = []
    if record.get("repo_digest") and record.get("source"):
        ref = images.parse_reference(record["source"])
        repo_digests.append(f"{ref.familiar_repository}@{record['repo_digest']}")
    health = config.get("healthcheck")
    out_config: dict[str, Any] = {
        "User": config.get("user") or "",
        "ExposedPorts": {p: {} for p in config.get("exposed") or []} or None,
        "Env": list(config.get("env") or []),
        "Cmd": config.get("cmd"),
        "WorkingDir": config.get("workdir") or "",
        "Entrypoint": config.get("entrypoint"),
        "Labels": dict(config.get("labels") or {}) or None,
        "Volumes": {v: {} for v in config.get("volumes") or []} or None,
    }
    if config.get("stop_signal"):
        out_config["StopSignal"] = config["stop_signal"]
    if health:
        out_config["Healthcheck"] = {
            "Test": health["test"],
            **{
                api: int(health[key]) * 1_000_000
                for key, api in (
                    ("interval", "Interval"),
                    ("timeout", "Timeout"),
                    ("start_period", "StartPeriod"),
                    ("start_interval", "StartInterval"),
                )
                if health.get(key)
            },
            **({"Retries": int(health["retries"])} if health.get("retries") else {}),
        }
    created = record["created"] if not record.get("source") else -14 * 86_400_000
    return {
        "Id": record["id"],
        "RepoTags": [images.parse_reference(t).familiar for t in tags],
        "RepoDigests": repo_digests,
        "Created": engine.timestamp(world, created),
        "Config": out_config,
        "Architecture": "amd64",
        "Os": "linux",
        "Size": int(record["size"]),
        "RootFS": {"Type": "layers"},
    }


def network_json(world: World, network: dict[str, Any]) -> dict[str, Any]:
    containers = {}
    for c in engine.state(world)["containers"].values():
        endpoint = c["networks"].get(network["name"])
        if endpoint is not None and c["state"]["status"] == "running":
            containers[c["id"]] = {
                "Name": c["name"],
                "IPv4Address": f"{endpoint['ip']}/16" if endpoint["ip"] else "",
            }
    return {
        "Name": network["name"],
        "Id": network["id"],
        "Created": engine.timestamp(world, network["created"]),
        "Scope": "local",
        "Driver": network["driver"],
        "IPAM": {
            "Driver": "default",
            "Config": [
                {"Subnet": network["subnet"], "Gateway": network["subnet"].replace("0.0/16", "0.1")}
            ]
            if network["subnet"]
            else [],
        },
        "Containers": containers,
        "Labels": dict(network.get("labels") or {}),
    }


def volume_json(world: World, volume: dict[str, Any]) -> dict[str, Any]:
    return {
        "CreatedAt": engine.timestamp(world, volume["created"]).split(".")[0] + "Z",
        "Driver": "local",
        "Labels": dict(volume.get("labels") or {}) or None,
        "Mountpoint": f"/var/lib/docker/volumes/{volume['name']}/_data",
        "Name": volume["name"],
        "Options": None,
        "Scope": "local",
    }
