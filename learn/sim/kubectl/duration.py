"""AGE columns: apimachinery's duration.HumanDuration and ShortHumanDuration.

Transcribed from staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go (Go's
`int(d.Seconds())` truncates toward zero, as `int(ms / 1000)` does here for the values kubectl
sees). Durations are in milliseconds of simulated time.
"""

from __future__ import annotations

_SECOND = 1000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE


def _trunc(ms: int, unit: int) -> int:
    # Go's integer division truncates toward zero; Python's // floors.
    return int(ms / unit) if ms < 0 else ms // unit


def short_human_duration(ms: int) -> str:
    seconds = _trunc(ms, _SECOND)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60:
        return f"{seconds}s"
    minutes = ms // _MINUTE
    if minutes < 60:
        return f"{minutes}m"
    hours = ms // _HOUR
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{hours // 24 // 365}y"


def human_duration(ms: int) -> str:
    seconds = _trunc(ms, _SECOND)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = ms // _MINUTE
    if minutes < 10:
        s = (ms // _SECOND) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = ms // _HOUR
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"
