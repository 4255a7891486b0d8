"""Two small hygiene rules for every response (issue 14.13).

- PrivatePagesMiddleware: a page that depends on who asks (a logged-in user, or a session
  that was read) is marked `Cache-Control: private`, so no shared cache between the learner
  and us keeps one person's progress for the next. A view that set its own Cache-Control
  (the classroom pages: private, no-store) keeps it.
- OneLineFormatter: a request with a bad Host header is logged as one line, not a full
  traceback (anyone can send thousands of them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        personal = (user is not None and user.is_authenticated) or (
            session is not None and session.accessed
        )
        if personal:
            patch_cache_control(response, private=True)
        return response


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord(record.__dict__)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return super().format(record).splitlines()[0]
