"""Who is answering: an account, or an anonymous visitor known by a key kept in the session.

Anonymous answers are stored like any other, keyed by that random key; when the visitor signs
up or logs in they move to the account (learn/progress/services.py: learner_merge).

The key belongs to the browser that made it, not only to the session (issue 14.10): with it a
random token goes into the session and into an HttpOnly cookie of its own. A browser whose
session was planted by someone else (an attacker's pre-login session cookie) lacks the
token, so it neither sees nor inherits that key's answers: it gets a key of its own, and only
that one is merged at log-in.

Answers in flight while the learner logs in (issue 14.11) still reach the account: the
log-in leaves a short-lived note under the old session key saying which account it became
(`remember_login`), and for a couple of minutes the account's own requests merge the old key
again, catching an answer that was being written at the very moment of the merge.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import CreateError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string

SESSION_KEY = "learner_anon_key"
BROWSER_MARK = "learner_browser"  # in the session
BROWSER_COOKIE = "learner_browser"  # the same token, in the browser
MERGED_INTO = "learner_merged_into"  # in the old session left behind at log-in
PENDING = "learner_merge_pending"  # in the new session: [anon key, until (epoch seconds)]
LOGIN_GRACE_SECONDS = 120


@dataclass(frozen=True)
class Learner:
    user_id: int | None = None
    anon_key: str = ""

    @property
    def is_known(self) -> bool:
        return self.user_id is not None or bool(self.anon_key)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def owner(self) -> dict[str, Any]:
        """Field values that identify this learner's rows (for creating them)."""
        if self.user_id is not None:
            return {"user_id": self.user_id, "anon_key": ""}
        return {"user_id": None, "anon_key": self.anon_key}

    def q(self, prefix: str = "") -> Q:
        """A filter for this learner's rows (optionally through a relation prefix)."""
        if self.user_id is not None:
            return Q(**{f"{prefix}user_id": self.user_id})
        if self.anon_key:
            return Q(**{f"{prefix}user__isnull": True, f"{prefix}anon_key": self.anon_key})
        return Q(pk__in=[])


def _browser_token(request: HttpRequest) -> str:
    return str(request.COOKIES.get(BROWSER_COOKIE, ""))


def owns_anon_key(request: HttpRequest) -> str:
    """The session's anonymous key if this browser made it, else "". A session from before
    keys had tokens is adopted by the browser that has it."""
    session = request.session
    key = str(session.get(SESSION_KEY, ""))
    token = str(session.get(BROWSER_MARK, ""))
    if key and token and not constant_time_compare(token, _browser_token(request)):
        return ""
    return key


def learner_from_request(request: HttpRequest, *, create: bool = False) -> Learner:
    """The learner behind a request. Only a POST creates an anonymous key (`create=True`):
    reading a page never writes a session."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        _merge_stragglers(request, user.pk)
        return Learner(user_id=user.pk)
    if not hasattr(request, "session"):
        return Learner()
    merged = request.session.get(MERGED_INTO)
    if merged and constant_time_compare(str(merged[1]), _browser_token(request)):
        # Sent with the session this browser had just before it logged in.
        return Learner(user_id=int(merged[0]))
    key = owns_anon_key(request)
    if not key and create:
        token = _browser_token(request) or secrets.token_urlsafe(24)
        # The key follows from the browser's token: an answer sent with a session that the
        # log-in has just deleted gets the same key back, which the account's next requests
        # merge (_merge_stragglers), instead of a new key nobody would ever merge.
        key = salted_hmac("learner-anon-key", token).hexdigest()[:32]
        request.session[SESSION_KEY] = key
        request.session[BROWSER_MARK] = token
        request.learner_browser_token = token  # type: ignore[attr-defined]
    return Learner(anon_key=key)


def _merge_stragglers(request: HttpRequest, user_id: int) -> None:
    pending = request.session.get(PENDING) if hasattr(request, "session") else None
    if not pending:
        return
    key, until = pending
    if time.time() > until:
        del request.session[PENDING]
        return
    merge = import_string("learn.progress.services.learner_merge")
    merge(anon_key=key, user_id=user_id)


def remember_login(
    request: HttpRequest, *, old_session_key: str, anon_key: str, user_id: int
) -> None:
    """At log-in: note under the old session key which account it became, for requests sent
    with it that arrive after the switch, and keep merging the old key for a while."""
    token = _browser_token(request)
    if old_session_key and token:
        engine = import_string(settings.SESSION_ENGINE + ".SessionStore")
        old = engine(session_key=old_session_key)
        # Set the data without loading: loading a key that log-in has just deleted would
        # forget the key (as SessionBase.cycle_key does, assign the cache directly).
        old._session_cache = {MERGED_INTO: [user_id, token]}
        old.set_expiry(LOGIN_GRACE_SECONDS)
        # A key in use again cannot happen, but it must never fail a log-in.
        with contextlib.suppress(CreateError):
            old.save(must_create=True)
    if anon_key:
        request.session[PENDING] = [anon_key, time.time() + LOGIN_GRACE_SECONDS]


class LearnerCookieMiddleware:
    """Sets the browser token cookie when learner_from_request made a new anonymous key."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        token = getattr(request, "learner_browser_token", "")
        if token:
            response.set_cookie(
                BROWSER_COOKIE,
                token,
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
