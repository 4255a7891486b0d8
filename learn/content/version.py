"""The course version: a value that changes whenever a sync changes anything.

Pages pre-rendered from the course are cached under it. Each process re-reads it at most
every couple of seconds, so a sync shows on every server within that time and most
requests skip the query; the process that ran the sync forgets it at once.
"""

from __future__ import annotations

import time

from learn.content.models import CourseVersion

_TTL = 2.0
_cached: tuple[float, str] = (float("-inf"), "")


def course_version() -> str:
    global _cached
    now = time.monotonic()
    if now - _cached[0] > _TTL:
        digest = CourseVersion.objects.filter(pk=1).values_list("digest", flat=True).first()
        _cached = (now, digest or "")
    return _cached[1]


def forget_course_version() -> None:
    global _cached
    _cached = (float("-inf"), "")
