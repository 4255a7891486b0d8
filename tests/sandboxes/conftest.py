from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SANDBOX_COURSE = Path(__file__).parent / "course"


@pytest.fixture
def sandbox_course(db: Any) -> dict[str, Any]:
    """A one-lesson course with a sandbox block (sb-read-note) and a quiz, synced."""
    from learn.content.models import Question
    from learn.content.services import course_sync

    course_sync(root=SANDBOX_COURSE)
    return {q.key: q for q in Question.objects.all()}


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Rate-limit windows and cached starting states never leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
