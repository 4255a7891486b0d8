"""Commands run inside a container for a HEALTHCHECK or `docker exec`.

`CMD-SHELL` tests run through the container's `/bin/sh -c`, `CMD` tests directly, as moby's
daemon/health.go does. Most commands go to the container's program (learn/sim/sh.py: wget,
pg_isready, redis-cli, test...). Three HTTP clients that health checks use are answered here
against what really listens, because sh.py does not run them: `curl` (only where the image
ships curl: slim Python images and busybox do not), and Python's `urllib.request.urlopen`.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from learn.sim import programs, sh
from learn.sim.world import World

_URLOPEN = re.compile(r"urlopen\(\s*['\"](http://[^'\"]+)['\"]")
_URL = re.compile(r"^http://([^/:]+)(?::(\d+))?(/.*)?$")
# Images whose family ships curl (the full Debian-based language images do; slim, alpine and
# busybox do not).
_CURL_FAMILIES = {"debian", "golang", "node", "python", "interpreter"}


def _http(process: programs.Process, url: str) -> tuple[int | None, str]:
    match = _URL.match(url)
    if not match:
        return None, f"bad URL {url}"
    host, port_text, path = match.group(1), match.group(2), match.group(3) or "/"
    port = int(port_text or 80)
    peer = process.net.connect(host, port)
    if isinstance(peer, str):
        return None, {
            "nxdomain": f"Could not resolve host: {host}",
            "timeout": f"Failed to connect to {host} port {port}: Connection timed out",
        }.get(peer, f"Failed to connect to {host} port {port}: Connection refused")
    response = peer.program.http(peer.process, port, path, host=host)
    if response is None:
        return None, "Recv failure: Connection reset by peer"
    return response.status, response.body


def _has_curl(process: programs.Process) -> bool:
    image = process.image
    if not image.config.shell:
        return False
    version = image.version or ""
    if "slim" in version or "alpine" in version:
        return False
    return image.family in _CURL_FAMILIES


def _curl(process: programs.Process, args: list[str]) -> tuple[int, str]:
    if not _has_curl(process):
        return 127, "/bin/sh: 1: curl: not found\n"
    urls = [a for a in args if a.startswith("http://")]
    if not urls:
        return 2, "curl: no URL specified\n"
    fail = (
        any(a.startswith("-") and not a.startswith("--") and "f" in a for a in args)
        or "--fail" in args
    )
    status, body = _http(process, urls[0])
    if status is None:
        return 7, f"curl: (7) {body}\n"
    if status >= 400 and fail:
        return 22, f"curl: (22) The requested URL returned error: {status}\n"
    return 0, body


def _python(process: programs.Process, script: str) -> tuple[int, str] | None:
    match = _URLOPEN.search(script)
    if not match:
        return None
    status, body = _http(process, match.group(1))
    if status is None:
        return 1, (
            "Traceback (most recent call last):\n"
            f"urllib.error.URLError: <urlopen error [Errno 111] Connection refused> ({body})\n"
        )
    if status >= 400:
        return (
            1,
            f"Traceback (most recent call last):\nurllib.error.HTTPError: HTTP Error {status}\n",
        )
    return 0, ""


def exec_argv(
    process: programs.Process, program: programs.Program, argv: list[str]
) -> tuple[int, str]:
    """Run argv in the container: HTTP clients here, the rest in the program's shell."""
    if not argv:
        return 1, "no command\n"
    base = argv[0].rsplit("/", 1)[-1]
    if base in {"sh", "bash", "/bin/sh"} and len(argv) >= 3 and argv[1] == "-c":
        script = argv[2].strip()
        for tail in ("|| exit 1", "|| exit 2", "|| false"):
            if script.endswith(tail):
                script = script[: -len(tail)].strip()
                code, out = exec_argv(process, program, ["/bin/sh", "-c", script])
                return (1 if code else 0), out
        try:
            words = shlex.split(script)
        except ValueError:
            words = []
        if words and not any(w in {"&&", "||", ";", "|"} for w in words):
            return exec_argv(process, program, words)
        return _script(process, script)
    if base == "curl":
        return _curl(process, argv[1:])
    if base in {"python", "python3"} and len(argv) >= 3 and argv[1] == "-c":
        answered = _python(process, argv[2])
        if answered is not None:
            return answered
    return program.exec(process, argv)


def _script(process: programs.Process, script: str) -> tuple[int, str]:
    """A `sh -c` script with `&&`, `||`, `;`: run as learn/sim/sh.py runs a container's
    script, and answered with its exit code and output."""
    import dataclasses

    if not process.image.config.shell:
        return 126, (
            "OCI runtime exec failed: exec failed: unable to start container process: exec: "
            '"/bin/sh": stat /bin/sh: no such file or directory: unknown\n'
        )
    run = sh.run_script(dataclasses.replace(process, argv=["/bin/sh", "-c", script]))
    text = "".join(line + "\n" for _at, line in run.lines)
    if run.exits_after is None:
        return (
            0,
            text
            + "[the sandbox stops a command that never ends after it has printed what it has]\n",
        )
    return run.exit_code, text


def run_test(world: World, container: dict[str, Any], test: list[str]) -> tuple[int, str, int]:
    """(exit code, output, ms it took) of one health test."""
    from learn.sim.docker import engine

    if not test or test[0] == "NONE":
        return 0, "", 0
    if test[0] == "CMD-SHELL":
        argv = ["/bin/sh", "-c", " ".join(test[1:])]
    elif test[0] == "CMD":
        argv = test[1:]
    else:
        argv = test
    process = engine.make_process(world, container)
    code, out = exec_argv(process, engine.program_of(container), argv)
    return code, out, 50
