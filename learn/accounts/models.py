from django.contrib.auth.models import AbstractUser

# Membership of this group is the instructor role (grant it in /admin/ or with
# `python manage.py grant_instructor USERNAME`).
INSTRUCTORS_GROUP = "instructors"


class User(AbstractUser):
    """The project's own user model from day one, so fields can be added without a migration
    of Django's auth tables later."""

    @property
    def is_instructor(self) -> bool:
        return self.is_superuser or any(g.name == INSTRUCTORS_GROUP for g in self.groups.all())
