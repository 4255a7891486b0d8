"""Fixtures the core tests borrow from other areas."""

from tests.classrooms.conftest import world  # noqa: F401 (a class with students)
