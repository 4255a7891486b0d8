from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Say which database the run uses, even under -q (report headers are hidden there)."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"database engine: {engine}")


@pytest.fixture
def course(db: Any) -> dict[str, Any]:
    """The small fixture course (every question kind), synced."""
    # Imported here so test folders that need no Django (tests/labs, tests/deploy) can run
    # with `-p no:django`.
    from learn.content.models import Question
    from learn.content.services import course_sync

    course_sync(root=FIXTURE_COURSE)
    return {q.key: q for q in Question.objects.all()}


@pytest.fixture
def make_user(django_user_model: Any) -> Any:
    def make(username: str = "ada", password: str = "correct-horse-battery-9") -> Any:
        return django_user_model.objects.create_user(username=username, password=password)

    return make
