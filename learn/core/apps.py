from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _forget_shared(**kwargs: Any) -> None:
    """A migrated database may be a new one reusing ids: drop every session, user and
    generation token the shared cache kept for the old one."""
    from learn.core.freshness import shared

    shared().clear()


class CoreConfig(AppConfig):
    name = "learn.core"
    label = "core"

    def ready(self) -> None:
        from learn.core import auth, freshness

        auth.connect()
        freshness.connect()
        post_migrate.connect(_forget_shared, sender=self, dispatch_uid="learn-core-forget-shared")
