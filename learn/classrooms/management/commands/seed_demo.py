from __future__ import annotations

import random
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from learn.classrooms.demo import simulate_progress
from learn.classrooms.models import Membership
from learn.classrooms.services import classroom_create, instructor_grant
from learn.content.models import Lesson
from learn.content.services import course_sync

TEACHER = "demo-teacher"
STUDENT_PREFIX = "demo-student-"


class Command(BaseCommand):
    help = (
        "Create a demo instructor and a class of students with varied progress, so the "
        "dashboard has something to show. Run again to start the demo over."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--students", type=int, default=30)
        parser.add_argument("--seed", type=int, default=5, help="random seed for the progress")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="where the app is served, for the links printed (make demo passes HOST:PORT)",
        )
        parser.add_argument(
            "--force", action="store_true", help="run even with DEBUG off (not in production!)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with known passwords: run it with DJANGO_DEBUG=1 "
                "(make run does), or pass --force if you really mean it."
            )
        if not Lesson.objects.active().exists():
            self.stdout.write("No lessons in the database yet: syncing the course first.")
            course_sync()
        users = get_user_model().objects
        teacher_password = secrets.token_urlsafe(9)
        student_password = secrets.token_urlsafe(9)
        with transaction.atomic():
            # Start over: the old demo students take their answers with them (CASCADE), and
            # the demo instructor's classes go too.
            users.filter(username__startswith=STUDENT_PREFIX).delete()
            teacher = users.filter(username=TEACHER).first()
            if teacher is None:
                teacher = users.create_user(TEACHER, first_name="Demo", last_name="Teacher")
            else:
                for membership in Membership.objects.filter(
                    user=teacher, role=Membership.INSTRUCTOR
                ).select_related("classroom"):
                    membership.classroom.delete()
            teacher.set_password(teacher_password)
            teacher.save()
            instructor_grant(user=teacher)
            classroom = classroom_create(
                instructor=teacher,
                name="Demo class",
                description="A class of made-up students at every stage of the course.",
            )
            # One hash for every student: hashing is deliberately slow, 30 of them take seconds.
            hashed = make_password(student_password)
            students = users.bulk_create(
                users.model(username=f"{STUDENT_PREFIX}{n:02d}", password=hashed)
                for n in range(1, options["students"] + 1)
            )
            Membership.objects.bulk_create(
                Membership(classroom=classroom, user=s, role=Membership.STUDENT) for s in students
            )
            attempts = simulate_progress(students, rng=random.Random(options["seed"]))
        self.stdout.write(
            self.style.SUCCESS(f"Demo class ready: {len(students)} students, {attempts} answers.")
        )
        base = options["base_url"].rstrip("/")
        self.stdout.write(
            f"\nLog in at {base}/accounts/login/:\n"
            f"  instructor: {TEACHER} / {teacher_password}\n"
            f"    dashboard: {base}/classrooms/{classroom.pk}/\n"
            f"  students:   {STUDENT_PREFIX}01 ... {STUDENT_PREFIX}{len(students):02d}"
            f" / {student_password}\n"
            f"    class page: {base}/classrooms/{classroom.pk}/live/\n"
            f"  join code:  {classroom.code}\n"
            "Passwords are new on every run; run it again to start the demo over."
        )
