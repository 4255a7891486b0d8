"""Sizes and durations the docker CLI prints, against docker/go-units' own tests."""

from __future__ import annotations

import pytest

from learn.sim.docker import engine

S = 1000
MINUTE = 60 * S
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY
MONTH = 30 * DAY
YEAR = 365 * DAY

# docker/go-units duration_test.go, TestHumanDuration (what `docker ps` shows as CREATED and
# in STATUS): (milliseconds, text).
DURATIONS = [
    (450, "Less than a second"),
    (1 * S, "1 second"),
    (45 * S, "45 seconds"),
    (46 * S, "46 seconds"),
    (59 * S, "59 seconds"),
    (60 * S, "About a minute"),
    (1 * MINUTE, "About a minute"),
    (3 * MINUTE, "3 minutes"),
    (35 * MINUTE, "35 minutes"),
    (35 * MINUTE + 40 * S, "35 minutes"),
    (45 * MINUTE, "45 minutes"),
    (45 * MINUTE + 40 * S, "45 minutes"),
    (46 * MINUTE, "46 minutes"),
    (59 * MINUTE, "59 minutes"),
    (1 * HOUR, "About an hour"),
    (1 * HOUR + 29 * MINUTE, "About an hour"),
    (1 * HOUR + 31 * MINUTE, "2 hours"),
    (1 * HOUR + 59 * MINUTE, "2 hours"),
    (3 * HOUR, "3 hours"),
    (3 * HOUR + 29 * MINUTE, "3 hours"),
    (3 * HOUR + 31 * MINUTE, "4 hours"),
    (3 * HOUR + 59 * MINUTE, "4 hours"),
    (3 * HOUR + 60 * MINUTE, "4 hours"),
    (24 * HOUR, "24 hours"),
    (1 * DAY + 12 * HOUR, "36 hours"),
    (2 * DAY, "2 days"),
    (7 * DAY, "7 days"),
    (13 * DAY + 5 * HOUR, "13 days"),
    (2 * WEEK, "2 weeks"),
    (2 * WEEK + 4 * DAY, "2 weeks"),
    (3 * WEEK, "3 weeks"),
    (4 * WEEK, "4 weeks"),
    (4 * WEEK + 3 * DAY, "4 weeks"),
    (1 * MONTH, "4 weeks"),
    (1 * MONTH + 2 * WEEK, "6 weeks"),
    (2 * MONTH, "2 months"),
    (2 * MONTH + 2 * WEEK, "2 months"),
    (3 * MONTH, "3 months"),
    (3 * MONTH + 1 * WEEK, "3 months"),
    (5 * MONTH + 2 * WEEK, "5 months"),
    (13 * MONTH, "13 months"),
    (23 * MONTH, "23 months"),
    (24 * MONTH, "24 months"),
    (24 * MONTH + 2 * WEEK, "2 years"),
    (3 * YEAR + 2 * MONTH, "3 years"),
]


@pytest.mark.parametrize(("ms", "text"), DURATIONS)
def test_human_duration(ms: int, text: str) -> None:
    assert engine.human_duration(ms) == text


KB, MB, GB, TB, PB = 1000, 1000**2, 1000**3, 1000**4, 1000**5

# docker/go-units size_test.go, TestHumanSize (HumanSize is precision 4).
SIZES = [
    (1000, "1kB"),
    (1024, "1.024kB"),
    (1000000, "1MB"),
    (1048576, "1.049MB"),
    (2 * MB, "2MB"),
    (3.42 * GB, "3.42GB"),
    (5.372 * TB, "5.372TB"),
    (2.22 * PB, "2.22PB"),
    (10000000000000 * PB, "1e+04YB"),
]


@pytest.mark.parametrize(("size", "text"), SIZES)
def test_human_size(size: float, text: str) -> None:
    assert engine.human_size(size, 4) == text


KiB, MiB, GiB, TiB, PiB = 1024, 1024**2, 1024**3, 1024**4, 1024**5

# docker/go-units size_test.go, TestRAMInBytes (how `docker run -m` reads a limit).
RAM = [
    ("32", 32),
    ("32b", 32),
    ("32B", 32),
    ("32k", 32 * KiB),
    ("32K", 32 * KiB),
    ("32kb", 32 * KiB),
    ("32Kb", 32 * KiB),
    ("32Kib", 32 * KiB),
    ("32KIB", 32 * KiB),
    ("32Mb", 32 * MiB),
    ("32Gb", 32 * GiB),
    ("32Tb", 32 * TiB),
    ("32Pb", 32 * PiB),
    ("32PB", 32 * PiB),
    ("32P", 32 * PiB),
    ("32.3", 32),
    ("32.3 mb", int(32.3 * MiB)),
    ("0.3MB", int(0.3 * MiB)),
]
RAM_ERRORS = ["", "hello", "-32", " 32 ", "32m b", "32bm"]


@pytest.mark.parametrize(("text", "value"), RAM)
def test_ram_in_bytes(text: str, value: int) -> None:
    assert engine.ram_in_bytes(text) == value


@pytest.mark.parametrize("text", RAM_ERRORS)
def test_ram_in_bytes_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        engine.ram_in_bytes(text)
