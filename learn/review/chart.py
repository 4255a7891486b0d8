"""A small accuracy-over-time chart as inline SVG, drawn on the server (no chart library,
no CDN). Every value is also given as text for screen readers and in the table beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Day:
    day: date
    attempts: int
    correct: int

    @property
    def accuracy(self) -> int:
        return round(100 * self.correct / self.attempts) if self.attempts else 0


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


WIDTH, HEIGHT, PAD = 320, 120, 18


def accuracy_bars(days: list[Day]) -> list[Bar]:
    if not days:
        return []
    slot = (WIDTH - PAD) / len(days)
    bars = []
    for index, day in enumerate(days):
        height = (HEIGHT - 2 * PAD) * day.accuracy / 100
        bars.append(
            Bar(
                x=round(PAD + index * slot + slot * 0.15, 1),
                y=round(HEIGHT - PAD - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label=f"{day.day:%b %d}: {day.accuracy}% right ({day.correct} of {day.attempts})",
            )
        )
    return bars
