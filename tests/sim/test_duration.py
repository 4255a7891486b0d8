"""AGE formatting, with the cases of apimachinery's own tests.

Source: kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/duration/duration_test.go
(TestHumanDuration, TestHumanDurationBoundaries, TestShortHumanDurationBoundaries), durations
converted from Go's time.Duration to milliseconds (`-2*time.Second + 1` — one nanosecond — is
written as -1999 ms, the closest a millisecond clock gets).
"""

from __future__ import annotations

import pytest

from learn.sim.kubectl.duration import human_duration, short_human_duration

S = 1000
M = 60 * S
H = 60 * M
D = 24 * H
Y = 365 * D

# TestHumanDuration
HUMAN = [
    (S, "1s"),
    (70 * S, "70s"),
    (190 * S, "3m10s"),
    (70 * M, "70m"),
    (47 * H, "47h"),
    (49 * H, "2d1h"),
    ((8 * 24 + 2) * H, "8d"),
    (367 * D, "367d"),
    ((365 * 2 * 24 + 25) * H, "2y1d"),
    ((365 * 8 * 24 + 2) * H, "8y"),
]

# TestHumanDurationBoundaries
HUMAN_BOUNDARIES = [
    (-2 * S, "<invalid>"),
    (-2 * S + 1, "0s"),
    (0, "0s"),
    (S - 1, "0s"),
    (2 * M - 1, "119s"),
    (2 * M, "2m"),
    (2 * M + S, "2m1s"),
    (10 * M - 1, "9m59s"),
    (10 * M, "10m"),
    (10 * M + S, "10m"),
    (3 * H - 1, "179m"),
    (3 * H, "3h"),
    (3 * H + M, "3h1m"),
    (8 * H - 1, "7h59m"),
    (8 * H, "8h"),
    (8 * H + 59 * M, "8h"),
    (2 * D - 1, "47h"),
    (2 * D, "2d"),
    (2 * D + H, "2d1h"),
    (8 * D - 1, "7d23h"),
    (8 * D, "8d"),
    (8 * D + 23 * H, "8d"),
    (2 * Y - 1, "729d"),
    (2 * Y, "2y"),
    (2 * Y + 23 * H, "2y"),
    (2 * Y + 23 * H + 59 * M, "2y"),
    (2 * Y + 24 * H - 1, "2y"),
    (2 * Y + 24 * H, "2y1d"),
    (3 * Y, "3y"),
    (4 * Y, "4y"),
    (5 * Y, "5y"),
    (6 * Y, "6y"),
    (7 * Y, "7y"),
    (8 * Y - 1, "7y364d"),
    (8 * Y, "8y"),
    (8 * Y + 364 * D, "8y"),
    (9 * Y, "9y"),
]

# TestShortHumanDurationBoundaries
SHORT_BOUNDARIES = [
    (-2 * S, "<invalid>"),
    (-2 * S + 1, "0s"),
    (0, "0s"),
    (S - 1, "0s"),
    (S, "1s"),
    (2 * S - 1, "1s"),
    (M - 1, "59s"),
    (M, "1m"),
    (2 * M - 1, "1m"),
    (H - 1, "59m"),
    (H, "1h"),
    (2 * H - 1, "1h"),
    (D - 1, "23h"),
    (D, "1d"),
    (2 * D - 1, "1d"),
    (Y - 1, "364d"),
    (Y, "1y"),
    (2 * Y - 1, "1y"),
    (2 * Y, "2y"),
]


@pytest.mark.parametrize(("ms", "want"), HUMAN + HUMAN_BOUNDARIES)
def test_human_duration(ms: int, want: str) -> None:
    assert human_duration(ms) == want


@pytest.mark.parametrize(("ms", "want"), SHORT_BOUNDARIES)
def test_short_human_duration(ms: int, want: str) -> None:
    assert short_human_duration(ms) == want


def test_case_counts_match_upstream() -> None:
    assert (len(HUMAN), len(HUMAN_BOUNDARIES), len(SHORT_BOUNDARIES)) == (10, 37, 19)
