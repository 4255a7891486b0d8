"""Who is answering: an account, or an anonymous visitor known by a key kept in the session.

Anonymous answers are stored like any other, keyed by that random key; when the visitor signs
up or logs in they move to the account (learn/progress/services.py: learner_merge).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

SESSION_KEY = "learner_anon_key"


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


def learner_from_request(request: HttpRequest, *, create: bool = False) -> Learner:
    """The learner behind a request. Only a POST creates an anonymous key (`create=True`):
    reading a page never writes a session."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Learner(user_id=user.pk)
    key = request.session.get(SESSION_KEY, "") if hasattr(request, "session") else ""
    if not key and create:
        key = secrets.token_hex(16)
        request.session[SESSION_KEY] = key
    return Learner(anon_key=key)
