from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from learn.content.parser import load_course
from learn.content.services import CourseInvalid, course_sync


class Command(BaseCommand):
    help = "Validate (check) or compile into the database (sync) the course in lessons/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check", "sync"])
        parser.add_argument("--dir", type=Path, default=None, help="lessons folder")

    def handle(self, *args: Any, **options: Any) -> None:
        root: Path = options["dir"] or settings.LESSONS_DIR
        if options["action"] == "check":
            modules, problems = load_course(root)
            for problem in problems:
                self.stderr.write(str(problem))
            if problems:
                raise CommandError(f"{len(problems)} problem(s) found")
            lessons = sum(len(m.lessons) for m in modules)
            questions = sum(len(lesson.questions) for m in modules for lesson in m.lessons)
            self.stdout.write(
                f"ok: {len(modules)} modules, {lessons} lessons, {questions} questions and labs"
            )
            return
        try:
            report = course_sync(root=root)
        except CourseInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)} problem(s) found; nothing was synced")
        self.stdout.write(("synced: " if report.changed else "up to date: ") + str(report))
