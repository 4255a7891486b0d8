"""The whole state of one sandbox, as plain JSON data, and the few services every part shares.

Everything a sandbox knows lives in `World.state`: a dict of dicts, lists, strings, numbers,
booleans and None, nothing else. Code never keeps state of its own between commands (no caches
that outlive a call, no objects hidden in module globals), so `dump()` is a copy of the dict and
`load()` restores a sandbox that behaves exactly as the original would have. Derived data that is
expensive to build (the bootstrap RBAC policy, the image catalogue) is immutable, shared by all
sandboxes, and never written into the state; a sandbox stores only what differs from it.

Determinism: names, uids and hashes come from `World.counter` and the sandbox's `seed`, never
from `random`, `uuid4` or the wall clock. The same commands on the same state give the same
output, byte for byte.
"""

from __future__ import annotations

import base64
import binascii
import copy
import datetime as dt
import hashlib
import json
import zlib
from typing import Any

FORMAT = 1
# `dump()` packs the state: {"format": PACKED, "state": base64 of zlib-compressed compact JSON}.
# The state repeats itself a lot (every Pod carries the same defaulted fields, events the same
# keys), so it packs about tenfold: a lab-sized sandbox dumps a few KB, 60 Pods about 50 KB.
# `load()` still accepts a plain FORMAT state (a dump written before packing existed).
PACKED = 2

# Simulated time 0 is this instant (UTC). Timestamps in `-o yaml`, `docker inspect` and events
# are this plus the clock; AGE columns are differences, so the epoch never shows in them.
EPOCH = dt.datetime(2026, 1, 5, 9, 0, 0, tzinfo=dt.UTC)

# Limits that keep one sandbox small and quick. Each is documented in learn/sim/README.md and
# answered with a clear message where a learner can reach it.
MAX_FILE_BYTES = 64 * 1024
MAX_FILES = 64
MAX_COMMAND_BYTES = 4 * 1024
MAX_STDIN_BYTES = 64 * 1024
MAX_SLEEP_SECONDS = 3600
MAX_OUTPUT_BYTES = 64 * 1024
MAX_HISTORY = 1500
MAX_STATE_BYTES = 2 * 1024 * 1024  # a state whose JSON is larger than this is refused by load()
MAX_PACKED_BYTES = 512 * 1024  # a packed dump() larger than this is refused by load()

# Kubernetes' own alphabet for generated name suffixes and pod-template-hash values: no vowels
# (so no words) and no 0/1/3 (confusable). apimachinery/pkg/util/rand/rand.go, `alphanums`.
ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


class SandboxError(Exception):
    """Bad use of the facade by our own code or a learner (too big, bad path, bad state)."""


def new_state(*, seed: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "seed": seed,
        "now": 0,  # milliseconds of simulated time since EPOCH
        "counters": {},
        "timers": [],  # [at_ms, seq, kind, key, payload], kept sorted
        "files": {},
        "history": [],  # [at_ms, key, value], appended when a value changes
        "history_last": {},
        "history_truncated": False,
        "log": [],  # the commands run: [at_ms, command line, exit code]
    }


class World:
    """One sandbox's state plus the helpers every subsystem uses on it."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state

    # ------------------------------------------------------------------ time

    @property
    def now(self) -> int:
        """Milliseconds since EPOCH."""
        return int(self.state["now"])

    @property
    def now_seconds(self) -> float:
        return self.state["now"] / 1000

    def timestamp(self, at_ms: int | None = None) -> str:
        """RFC 3339 in UTC with second precision, as the API server writes metadata times."""
        at = self.now if at_ms is None else at_ms
        moment = EPOCH + dt.timedelta(milliseconds=at)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    @staticmethod
    def parse_timestamp(value: str) -> int:
        """The inverse of `timestamp`: milliseconds since EPOCH."""
        moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        return int((moment - EPOCH).total_seconds() * 1000)

    # ------------------------------------------------------------------ determinism

    def counter(self, name: str) -> int:
        """The next value of a named counter, starting at 1."""
        counters = self.state["counters"]
        counters[name] = counters.get(name, 0) + 1
        return int(counters[name])

    def digest(self, *parts: object) -> str:
        """A stable hex digest of the seed and the parts."""
        text = json.dumps([self.state["seed"], *parts], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def suffix(self, length: int = 5, *, scope: str = "name") -> str:
        """A random-looking suffix from Kubernetes' alphabet (generateName's `xxxxx`)."""
        raw = bytes.fromhex(self.digest(scope, self.counter(f"suffix:{scope}")))
        return "".join(ALPHANUMS[b % len(ALPHANUMS)] for b in raw[:length])

    def uid(self) -> str:
        """A UUID-shaped id (version 4 layout) derived from the seed and a counter."""
        h = self.digest("uid", self.counter("uid"))
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"

    def hex_id(self, length: int = 64) -> str:
        """A Docker-style hex id (containers, images, networks)."""
        return self.digest("hex", self.counter("hex"))[:length]

    # ------------------------------------------------------------------ history

    def record(self, key: str, value: Any) -> None:
        """Remember that `key` has `value` from now on (only changes are stored).

        Goals read this to ask questions about the past, such as "was there a moment in the
        rollout with fewer than 3 ready endpoints". Keys are dotted paths, e.g.
        `endpoints.ready/default/web`.
        """
        last = self.state["history_last"]
        if key in last and last[key] == value:
            return
        last[key] = value
        history = self.state["history"]
        history.append([self.now, key, value])
        if len(history) > MAX_HISTORY:
            del history[: len(history) - MAX_HISTORY]
            self.state["history_truncated"] = True

    def history_of(self, key: str) -> list[tuple[int, Any]]:
        """[(at_ms, value), ...] for one key, oldest first."""
        return [(at, value) for at, k, value in self.state["history"] if k == key]

    # ------------------------------------------------------------------ files

    def files(self) -> dict[str, str]:
        files: dict[str, str] = self.state["files"]
        return files

    # ------------------------------------------------------------------ dump / load

    def dump(self) -> dict[str, Any]:
        """The state packed into JSON-serialisable data (key order kept, so the same state
        always packs to the same text and `load(dump())` behaves exactly as the original)."""
        text = json.dumps(self.state, separators=(",", ":"), ensure_ascii=False).encode()
        packed = base64.b64encode(zlib.compress(text, 6)).decode("ascii")
        return {"format": PACKED, "state": packed}

    @staticmethod
    def unpack(dump: Any) -> dict[str, Any]:
        """The plain state inside a `dump()` (or a plain state itself), size-checked."""
        if isinstance(dump, dict) and dump.get("format") == PACKED:
            packed = dump.get("state")
            if not isinstance(packed, str):
                raise SandboxError("not a sandbox state of this version")
            if len(packed) > MAX_PACKED_BYTES:
                raise SandboxError(f"sandbox state too large ({len(packed)} bytes packed)")
            try:
                raw = base64.b64decode(packed.encode("ascii"), validate=True)
                inflater = zlib.decompressobj()
                # Bounded: a small packed text cannot inflate past the limit (a zip bomb).
                text = inflater.decompress(raw, MAX_STATE_BYTES + 1)
                if len(text) > MAX_STATE_BYTES or inflater.unconsumed_tail:
                    raise SandboxError(f"sandbox state too large (over {MAX_STATE_BYTES} bytes)")
                state = json.loads(text)
            except (binascii.Error, zlib.error, UnicodeError, ValueError):
                raise SandboxError("not a sandbox state of this version") from None
            if not isinstance(state, dict) or state.get("format") != FORMAT:
                raise SandboxError("not a sandbox state of this version")
            return state
        if not isinstance(dump, dict) or dump.get("format") != FORMAT:
            raise SandboxError("not a sandbox state of this version")
        size = len(json.dumps(dump, separators=(",", ":")))
        if size > MAX_STATE_BYTES:
            raise SandboxError(f"sandbox state too large ({size} bytes)")
        return copy.deepcopy(dump)

    @classmethod
    def load(cls, state: Any) -> World:
        return cls(cls.unpack(state))
