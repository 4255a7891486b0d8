from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from learn.progress.learner import BROWSER_MARK, SESSION_KEY, owns_anon_key, remember_login
from learn.progress.services import learner_merge
from learn.sandboxes.services import sandbox_merge


@receiver(user_logged_in)
def move_anonymous_answers(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Answers this browser gave before signing up or logging in follow it into the account;
    a key the browser did not make (a planted session) is left behind, never merged."""
    if request is None or not hasattr(request, "session"):
        return
    anon_key = owns_anon_key(request)
    request.session.pop(SESSION_KEY, "")
    request.session.pop(BROWSER_MARK, "")
    if anon_key:
        learner_merge(anon_key=anon_key, user_id=user.pk)
        sandbox_merge(anon_key=anon_key, user_id=user.pk)
    remember_login(
        request,
        old_session_key=request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
        anon_key=anon_key,
        user_id=user.pk,
    )
