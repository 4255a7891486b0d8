from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's own user model from day one, so fields can be added without a migration
    of Django's auth tables later."""

    @property
    def is_instructor(self) -> bool:
        return self.is_superuser or any(g.name == "instructors" for g in self.groups.all())
