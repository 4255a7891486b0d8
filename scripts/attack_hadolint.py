#!/usr/bin/env python3
"""Lesson page latency while anonymous clients send crafted Dockerfiles (issue 14.2).

Not a test: it measures. It starts gunicorn the way production runs it (3 workers x 2 threads
by default) on loopback with scripts/loadtest.py's helpers, has --attackers anonymous
clients post Dockerfiles that make hadolint slow (quoted `$(` nested 16 deep, and 200 lines
nested 4 deep), each one fresh so no cache absorbs it, and meanwhile times GETs of an
ordinary lesson page. It prints p50/p95/max of the page and what the attackers got back.

    python scripts/attack_hadolint.py                      # this checkout
    python scripts/attack_hadolint.py --root /work/main    # another checkout, same venv
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadtest  # noqa: E402

LAB_LESSON = "/lessons/writing-a-dockerfile/"
LAB_ANSWER = "/questions/m1-lab-cache-friendly/answer/"
PAGE = "/lessons/why-containers/"


def nested(depth: int, lines: int) -> str:
    line = 'RUN echo "' + '$(echo "' * depth + "x" + '")' * depth + '"'
    return "FROM debian:12\n" + "\n".join([line] * lines) + "\n"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", default=str(loadtest.ROOT), help="checkout to serve")
    p.add_argument("--attackers", type=int, default=6)
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--database-url", default="")
    args = p.parse_args()
    loadtest.ROOT = Path(args.root).resolve()
    args.settings = "learn.settings"
    args.lessons_dir = ""
    args.env = []
    args.startup_timeout = 60.0
    with tempfile.TemporaryDirectory(prefix="learn-attack-") as tmp:
        workdir = Path(tmp)
        env = loadtest.server_env(args, workdir)
        env["PYTHONPATH"] = str(loadtest.ROOT)
        loadtest.manage(env, "migrate", "--noinput")
        loadtest.manage(env, "lessons", "sync")
        loadtest.manage(env, "collectstatic", "--noinput")
        with loadtest.gunicorn(args, env, workdir) as port:
            return measure(port, args)


def measure(port: int, args: argparse.Namespace) -> int:
    stop = threading.Event()
    got: Counter[int] = Counter()
    bodies = [nested(16, 1), nested(4, 200)]

    def attacker(index: int) -> None:
        client = loadtest.Client(port, timeout=60)
        _, _, html = client.request("GET", LAB_LESSON)
        token = loadtest.csrf_from(html)
        n = 0
        while not stop.is_set():
            n += 1
            text = bodies[index % 2] + f"# {index}-{n}\n"
            try:
                status, _, _ = client.request(
                    "POST", LAB_ANSWER, {"source": text, "csrfmiddlewaretoken": token}
                )
            except OSError:
                status = 0
            got[status] += 1

    def page_times(seconds: float) -> list[float]:
        client = loadtest.Client(port, timeout=60)
        times = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            status, _, _ = client.request("GET", PAGE)
            client.close()  # a new connection each time, as new visitors come: any worker
            times.append(time.monotonic() - started)
            assert status == 200, status
            time.sleep(0.2)
        return times

    quiet = page_times(3)
    threads = [
        threading.Thread(target=attacker, args=(i,), daemon=True) for i in range(args.attackers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)
    attacked = page_times(args.seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=70)

    def stats(values: list[float]) -> str:
        ordered = sorted(values)
        p50 = ordered[len(ordered) // 2]
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        top = ordered[-1]
        return (
            f"n={len(values)} p50={p50 * 1e3:.0f} ms p95={p95 * 1e3:.0f} ms max={top * 1e3:.0f} ms"
        )

    print(
        f"root: {loadtest.ROOT}  gunicorn {args.workers}x{args.threads}, {args.attackers} attackers"
    )
    print(f"lesson page, quiet:    {stats(quiet)}")
    print(f"lesson page, attacked: {stats(attacked)}")
    print(f"attack answers: {dict(sorted(got.items()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
