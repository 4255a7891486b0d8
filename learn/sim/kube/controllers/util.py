"""What the controllers share, transcribed from upstream's helpers:

- pkg/controller/controller_utils.go: ActivePods / ActivePodsWithRanks (which Pods a
  ReplicaSet deletes first), FilterActivePods, ComputeHash, the pod-template-hash label.
- pkg/api/v1/pod/util.go: IsPodReady, IsPodAvailable.
- staging/src/k8s.io/apimachinery/pkg/util/intstr: GetScaledValueFromIntOrPercent.
- staging/src/k8s.io/apimachinery/pkg/util/rand: SafeEncodeString.
- staging/src/k8s.io/apimachinery/pkg/labels: label selectors (matchLabels, matchExpressions).

Everything works on Kubernetes JSON (dicts), never on objects of its own. Times are the
milliseconds of learn/sim/world.py; a missing or empty timestamp is Go's zero time.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from learn.sim.world import ALPHANUMS, EPOCH, World

POD_TEMPLATE_HASH = "pod-template-hash"  # apps.DefaultDeploymentUniqueLabelKey
POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"

Obj = Mapping[str, Any]


# --------------------------------------------------------------------------- time


def ts(value: Any) -> int | None:
    """A metadata/status timestamp in ms, or None for Go's zero time."""
    if not value or not isinstance(value, str):
        return None
    return _parse(value)


@functools.lru_cache(maxsize=4096)
def _parse(value: str) -> int | None:
    try:
        return World.parse_timestamp(value)
    except ValueError:
        return None


def stamp(ms: int) -> str:
    """RFC 3339 at second precision, as metadata and condition times are written."""
    import datetime as dt

    return (EPOCH + dt.timedelta(milliseconds=ms)).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- label selectors


def selector_matches(selector: Obj | None, labels: Mapping[str, str]) -> bool:
    """metav1.LabelSelectorAsSelector(...).Matches: an empty selector matches everything
    (callers that must refuse an empty selector, as the controllers do, check first)."""
    if not selector:
        return True
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key = expr.get("key", "")
        op = expr.get("operator", "")
        values = expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def selector_is_empty(selector: Obj | None) -> bool:
    return not selector or (
        not selector.get("matchLabels") and not selector.get("matchExpressions")
    )


# --------------------------------------------------------------------------- intstr


class IntOrStringError(ValueError):
    pass


def scaled_value(value: Any, total: int, *, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise IntOrStringError("invalid type: neither int nor percentage")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if not value.endswith("%"):
            raise IntOrStringError("invalid type: string is not a percentage")
        text = value[:-1]
        try:
            percent = int(text)
        except ValueError:
            raise IntOrStringError(
                f'invalid value "{value}": strconv.Atoi: parsing "{text}": invalid syntax'
            ) from None
        scaled = percent * total / 100
        # Go computes math.Ceil/Floor(float64(v) * float64(total) / 100).
        return int(math.ceil(scaled)) if round_up else int(math.floor(scaled))
    raise IntOrStringError("invalid type: neither int nor percentage")


# --------------------------------------------------------------------------- pods


def pod_condition(pod: Obj, kind: str) -> Obj | None:
    for cond in (pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            return cond  # type: ignore[no-any-return]
    return None


def is_pod_ready(pod: Obj) -> bool:
    cond = pod_condition(pod, "Ready")
    return bool(cond and cond.get("status") == "True")


def pod_ready_since(pod: Obj) -> int | None:
    """podReadyTime: when the Ready condition turned True (None: zero time)."""
    if not is_pod_ready(pod):
        return None
    cond = pod_condition(pod, "Ready")
    return ts((cond or {}).get("lastTransitionTime"))


def is_pod_available(pod: Obj, min_ready_seconds: int, now: int) -> bool:
    """podutil.IsPodAvailable: ready for longer than minReadySeconds (strictly)."""
    if not is_pod_ready(pod):
        return False
    if min_ready_seconds == 0:
        return True
    since = pod_ready_since(pod)
    return since is not None and since + min_ready_seconds * 1000 < now


def is_pod_active(pod: Obj) -> bool:
    """controller.IsPodActive: not Succeeded, not Failed, not being deleted."""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not (pod.get("metadata") or {}).get(
        "deletionTimestamp"
    )


def is_pod_terminating(pod: Obj) -> bool:
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and bool(
        (pod.get("metadata") or {}).get("deletionTimestamp")
    )


_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}


def _deletion_cost(pod: Obj) -> int:
    text = ((pod.get("metadata") or {}).get("annotations") or {}).get(POD_DELETION_COST)
    try:
        return int(text) if text is not None else 0
    except ValueError:
        return 0


def _max_restarts(pod: Obj) -> tuple[int, int]:
    """maxContainerRestarts: (regular containers, restartable init containers)."""
    status = pod.get("status") or {}
    regular = max(
        [int(s.get("restartCount", 0)) for s in status.get("containerStatuses") or []] or [0]
    )
    sidecars = {
        c.get("name")
        for c in (pod.get("spec") or {}).get("initContainers") or []
        if c.get("restartPolicy") == "Always"
    }
    sidecar = max(
        [
            int(s.get("restartCount", 0))
            for s in status.get("initContainerStatuses") or []
            if s.get("name") in sidecars
        ]
        or [0]
    )
    return regular, sidecar


def _after_or_zero(t1: int | None, t2: int | None) -> bool:
    if t1 is None or t2 is None:
        return t1 is None
    return t1 > t2


def _log_rank_diff(t1: int, t2: int, now: int) -> int:
    """logarithmicRankDiff, on durations in nanoseconds as Go has them."""

    def rank(t: int) -> int:
        d = (now - t) * 1_000_000
        return int(math.log2(d)) if d > 0 else -1

    return rank(t1) - rank(t2)


def active_pods_less(
    pi: Obj,
    pj: Obj,
    *,
    rank_i: int = 0,
    rank_j: int = 0,
    now: int | None = None,
    deletion_cost: bool = True,
    logarithmic: bool = True,
) -> bool:
    """ActivePodsWithRanks.Less: True when `pi` should be deleted before `pj`.

    With `now` None this is ActivePods.Less (no ranks, no logarithmic buckets).
    """
    si, sj = pi.get("spec") or {}, pj.get("spec") or {}
    ni, nj = si.get("nodeName") or "", sj.get("nodeName") or ""
    # 1. Unassigned < assigned
    if ni != nj and (not ni or not nj):
        return not ni
    # 2. PodPending < PodUnknown < PodRunning
    oi = _PHASE_ORDINAL.get((pi.get("status") or {}).get("phase", ""), 0)
    oj = _PHASE_ORDINAL.get((pj.get("status") or {}).get("phase", ""), 0)
    if oi != oj:
        return oi < oj
    # 3. Not ready < ready
    ri, rj = is_pod_ready(pi), is_pod_ready(pj)
    if ri != rj:
        return not ri
    # 4. Lower pod-deletion-cost < higher
    if deletion_cost:
        ci, cj = _deletion_cost(pi), _deletion_cost(pj)
        if ci != cj:
            return ci < cj
    # 5. Doubled up < not doubled up
    if rank_i != rank_j:
        return rank_i > rank_j
    uid_i = (pi.get("metadata") or {}).get("uid", "")
    uid_j = (pj.get("metadata") or {}).get("uid", "")
    # 6. Been ready for empty time < less time < more time
    if ri and rj:
        t1, t2 = pod_ready_since(pi), pod_ready_since(pj)
        if t1 != t2:
            if not logarithmic or now is None or t1 is None or t2 is None:
                return _after_or_zero(t1, t2)
            diff = _log_rank_diff(t1, t2, now)
            if diff == 0:
                return bool(uid_i < uid_j)
            return diff < 0
    # 7. Higher restart counts < lower restart counts
    regular_i, sidecar_i = _max_restarts(pi)
    regular_j, sidecar_j = _max_restarts(pj)
    if regular_i != regular_j:
        return regular_i > regular_j
    if sidecar_i != sidecar_j:
        return sidecar_i > sidecar_j
    # 8. Empty creation time < newer < older
    c1 = ts((pi.get("metadata") or {}).get("creationTimestamp"))
    c2 = ts((pj.get("metadata") or {}).get("creationTimestamp"))
    if c1 != c2:
        if not logarithmic or now is None or c1 is None or c2 is None:
            return _after_or_zero(c1, c2)
        diff = _log_rank_diff(c1, c2, now)
        if diff == 0:
            return bool(uid_i < uid_j)
        return diff < 0
    return False


def sort_active_pods(
    pods: Sequence[Obj], *, ranks: Sequence[int] | None = None, now: int | None = None
) -> list[Obj]:
    """sort.Sort(ActivePodsWithRanks{...}) (a stable sort on the same Less)."""
    items = list(zip(pods, ranks or [0] * len(pods), strict=True))

    def compare(a: tuple[Obj, int], b: tuple[Obj, int]) -> int:
        if active_pods_less(a[0], b[0], rank_i=a[1], rank_j=b[1], now=now):
            return -1
        if active_pods_less(b[0], a[0], rank_i=b[1], rank_j=a[1], now=now):
            return 1
        return 0

    items.sort(key=functools.cmp_to_key(compare))
    return [pod for pod, _ in items]


# --------------------------------------------------------------------------- hashing


def fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for byte in data:
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode(text: str) -> str:
    """rand.SafeEncodeString: each byte mapped onto the vowel-free alphabet."""
    return "".join(ALPHANUMS[b % len(ALPHANUMS)] for b in text.encode())


def compute_hash(template: Obj, collision_count: int | None) -> str:
    """controller.ComputeHash: fnv32a of the template (plus the collision count, as 4
    little-endian bytes), printed in decimal and safe-encoded.

    Upstream hashes a spew dump of the Go struct, which has no JSON equivalent; this hashes
    the template's canonical JSON instead. The shape (digits mapped onto `bcdf...`,
    `5d8b6c7f9c`-like), the stability and the dependence on collisionCount are upstream's;
    the exact value for a given template differs from a real cluster's.
    """
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count is not None:
        # binary.LittleEndian.PutUint32 into an 8-byte slice: the count, then four zeros.
        data += int(collision_count & 0xFFFFFFFF).to_bytes(4, "little") + bytes(4)
    return safe_encode(str(fnv32a(data)))


def template_without_hash(template: Obj) -> dict[str, Any]:
    out = json.loads(json.dumps(template))
    labels = (out.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(POD_TEMPLATE_HASH, None)
    return out  # type: ignore[no-any-return]


def equal_ignore_hash(t1: Obj, t2: Obj) -> bool:
    """EqualIgnoreHash: templates equal once the pod-template-hash label is dropped.

    Called for every ReplicaSet of every Deployment in each pass: the label is dropped from
    shallow copies (nothing else is touched), and templates equal as they are need no
    canonical form."""
    a, b = _without_hash(t1), _without_hash(t2)
    return a == b or _canon(a) == _canon(b)


def _without_hash(template: Obj) -> Obj:
    meta = template.get("metadata")
    if not isinstance(meta, dict):
        return template
    labels = meta.get("labels")
    if not isinstance(labels, dict) or POD_TEMPLATE_HASH not in labels:
        return template
    rest = {k: v for k, v in labels.items() if k != POD_TEMPLATE_HASH}
    return {**template, "metadata": {**meta, "labels": rest}}


def _canon(obj: Any) -> Any:
    """Empty maps and lists are the same as absent ones (Go's omitempty)."""
    if isinstance(obj, dict):
        out = {k: _canon(v) for k, v in obj.items()}
        return {k: v for k, v in out.items() if v not in ({}, [], None)}
    if isinstance(obj, list):
        return [_canon(v) for v in obj]
    return obj


# --------------------------------------------------------------------------- owners


def controller_uid(obj: Obj) -> str | None:
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return str(ref.get("uid", ""))
    return None


def replicas_of(obj: Obj, default: int = 1) -> int:
    value = (obj.get("spec") or {}).get("replicas", default)
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else default


def status_int(obj: Obj, key: str) -> int:
    value = (obj.get("status") or {}).get(key, 0)
    return int(value) if isinstance(value, int) else 0


# --------------------------------------------------------------------------- idle passes


def _version(world: World) -> list[int]:
    """Changes to the cluster so far: every write bumps the resourceVersion counter, every
    removal shrinks the stored objects or grows the removed ones."""
    kube = world.state.get("kube") or {}
    return [
        int(world.state["counters"].get("resourceVersion", 0)),
        len(kube.get("objects") or {}),
        len(kube.get("removed") or []),
    ]


def forget_idle(world: World) -> None:
    """Something no write shows changed (time a controller waits for, a node stopping):
    every controller looks again."""
    world.state.pop("kctrl", None)


def skip_when_idle(name: str) -> Callable[[Callable[[World], bool]], Callable[[World], bool]]:
    """A reconciler that found nothing to do is not run again until the cluster changes or
    a controller's timer fires (`forget_idle`): what an informer-driven controller does, and
    what keeps a settled sandbox with many Pods quick."""

    def wrap(fn: Callable[[World], bool]) -> Callable[[World], bool]:
        @functools.wraps(fn)
        def run(world: World) -> bool:
            marks: dict[str, Any] = world.state.setdefault("kctrl", {})
            if marks.get(name) == _version(world):
                return False
            changed = fn(world)
            if changed:
                marks.pop(name, None)
            else:
                marks[name] = _version(world)
            return changed

        return run

    return wrap
