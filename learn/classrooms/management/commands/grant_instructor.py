from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from learn.classrooms.services import instructor_grant


class Command(BaseCommand):
    help = "Give a user the instructor role (membership of the 'instructors' group)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="take the role away instead")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}; they sign up first.")
        instructor_grant(user=user, revoke=options["revoke"])
        if options["revoke"]:
            self.stdout.write(f"{user.username} is no longer an instructor.")
        else:
            self.stdout.write(
                f"{user.username} is an instructor: they can create classes at /classrooms/."
            )
