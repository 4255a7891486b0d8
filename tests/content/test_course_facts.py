"""Facts the lessons state about this very app agree with the app: the versions it pins, the
environment variables it reads, the health endpoints it serves."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LESSONS = sorted(Path(settings.LESSONS_DIR).glob("*/*.md"))


def locked_version(package: str) -> str:
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == package:
            return version.strip()
    raise AssertionError(f"{package} is not pinned in requirements.lock")


def mentions(pattern: str) -> list[tuple[str, str]]:
    found = []
    for path in LESSONS:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in re.finditer(pattern, line):
                found.append((f"{path.relative_to(ROOT)}:{number}", match.group(1)))
    return found


def test_every_gunicorn_version_in_the_course_is_the_pinned_one() -> None:
    pinned = locked_version("gunicorn")
    seen = mentions(r"[Gg]unicorn (\d+(?:\.\d+)*)\b")
    assert seen, "the course names no gunicorn version; this test would check nothing"
    wrong = [
        f"{where}: gunicorn {v}, but requirements.lock pins {pinned}"
        for where, v in seen
        if not pinned.startswith(v)
    ]
    assert wrong == []


def test_the_log_level_variable_the_course_teaches_is_the_one_settings_read() -> None:
    source = (ROOT / "learn" / "settings.py").read_text()
    assert 'os.environ.get("DJANGO_LOG_LEVEL"' in source
    bare = [where for where, _ in mentions(r"(?<![A-Z_])(LOG_LEVEL)\b")]
    assert bare == [], "the app reads DJANGO_LOG_LEVEL, not LOG_LEVEL"


def test_probe_paths_in_the_course_are_the_apps_endpoints() -> None:
    served = {"/healthz", "/readyz"}
    paths = mentions(r"^\s*(?:-\s*)?path: (/\S*)\s*$")
    probes = [(w, p) for w, p in paths if "healthz" in p or "ready" in p or "live" in p]
    assert probes, "no probe paths found in the course"
    assert [f"{w}: {p}" for w, p in probes if p not in served] == []
