"""Whole pages kept in the cache under everything they depend on.

A page that only changes when the course, the templates or the learner's own progress
change is rendered once and then served by joining bytes: the key names the course version,
a digest of every template and the page's own inputs (for a learner: who they are and the
generation tokens of learn/core/freshness.py, the day, the full path), and nothing is ever
invalidated by hand. A learner's own answer replaces their token, so the next page is
rendered anew; two learners never share a key, so nobody sees another's page.

The CSRF token is the one per-request value in such a page: it is rendered as a placeholder
and replaced on the way out, as learn/lessons/pages.py does for lesson skeletons. A request
with flash messages waiting is rendered normally (they are shown once and then gone).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from learn.content.version import course_version

CSRF_PLACEHOLDER = "csrf-placeholder-6b1f0e2d"
TIMEOUT = 60 * 60  # a bound on memory for learners who have gone away, not on freshness


def _templates_digest() -> str:
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR) / "templates"
    for path in sorted(root.rglob("*.html")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


TEMPLATES_DIGEST = _templates_digest()


def page_key(*parts: Hashable) -> str:
    text = repr((TEMPLATES_DIGEST, course_version(), *parts))
    return "page:" + hashlib.sha256(text.encode()).hexdigest()


def cached_page(
    request: HttpRequest, parts: tuple[Hashable, ...], render: Callable[[str], HttpResponse]
) -> HttpResponse:
    """The page under `parts`, or `render(csrf_token)` stored there first.

    `render` receives the token to put in the page's forms (a placeholder when the result
    is kept). Only a 200 is kept."""
    if len(messages.get_messages(request)):
        return render(get_token(request))
    key = page_key(*parts)
    body = cache.get(key)
    if body is None:
        response = render(CSRF_PLACEHOLDER)
        if response.status_code != 200 or response.streaming:
            return response
        body = response.content
        cache.set(key, body, timeout=TIMEOUT)
    else:
        response = HttpResponse(body)
    response.content = body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return response
