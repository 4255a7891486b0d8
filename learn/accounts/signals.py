from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from learn.progress.learner import SESSION_KEY
from learn.progress.services import learner_merge
from learn.sandboxes.services import sandbox_merge


@receiver(user_logged_in)
def move_anonymous_answers(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Answers given before signing up or logging in follow the learner into the account."""
    if request is None or not hasattr(request, "session"):
        return
    anon_key = request.session.pop(SESSION_KEY, "")
    if anon_key:
        learner_merge(anon_key=anon_key, user_id=user.pk)
        sandbox_merge(anon_key=anon_key, user_id=user.pk)
