"""The real course, parsed once per test process for the content tests that read it."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from learn.content.parser import ModuleSpec, load_course


@cache
def course_modules() -> tuple[ModuleSpec, ...]:
    modules, _problems = load_course(settings.LESSONS_DIR)
    return tuple(modules)
