"""The logged-in user read from the shared cache instead of the database on every request.

AuthenticationMiddleware loads the session's user on each request that looks at it; this
backend keeps that row in the cache every worker of the host shares (settings:
CACHES["shared"]) and forgets it whenever the row is saved or deleted, so a password change,
a deactivation or a deletion on one worker is seen by the next request on any worker.
Django still checks the session's password hash against the user it gets (auth.get_user),
and a changed password deletes the entry first, so an old session cannot outlive it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from learn.core.freshness import shared

TIMEOUT = 10 * 60


def user_key(pk: Any) -> str:
    return f"user:{pk}"


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        cache = shared()
        key = user_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(key, user, timeout=TIMEOUT)
        return user if self.user_can_authenticate(user) else None


def forget_user(sender: Any, instance: Any, **kwargs: Any) -> None:
    key = user_key(instance.pk)
    shared().delete(key)
    # Again once the write is visible: a request that read the old row meanwhile and cached
    # it would otherwise keep it until the timeout.
    transaction.on_commit(lambda: shared().delete(key))


def connect() -> None:
    model = get_user_model()
    post_save.connect(forget_user, sender=model, dispatch_uid="learn-core-forget-user-save")
    post_delete.connect(forget_user, sender=model, dispatch_uid="learn-core-forget-user-delete")
