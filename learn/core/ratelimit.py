"""Rate limits: how often one learner, one account or one address may do the things a script
would do by the thousand (issue 14.7). The counters live in the cache (django-ratelimit), so
with REDIS_URL set they hold across gunicorn workers and pods; with the default per-process
memory cache each worker counts on its own, which still bounds a single client.

Log-in failures are counted by django-axes (in the database, so across workers always):
AXES_* in learn/settings.py. Every refusal is a 429 with Retry-After and a sentence that
says what happened and when to try again; nothing is stored.

Where a school's pupils share one public address, the per-address limits are the loose ones:
they stop a script, not a class of 30 working at once.
"""

from __future__ import annotations

import contextlib
import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from learn.progress.learner import SESSION_KEY


@dataclass(frozen=True)
class Limit:
    rate: str  # django-ratelimit's "count/period", e.g. "30/m", "20/15m"
    per: str  # "learner" (account or anonymous key), "ip", or "user"
    wait: str  # for the message: how long until the learner may try again


LIMITS: dict[str, Limit] = {
    # Answers to quizzes: far above a person clicking, far below 255 per second.
    "answer": Limit("30/m", "learner", "a minute"),
    "answer-ip": Limit("600/m", "ip", "a minute"),
    # Lab checks run validators (hadolint is a subprocess): a person checks every few seconds.
    "lab": Limit("10/m", "learner", "a minute"),
    "lab-ip": Limit("120/m", "ip", "a minute"),
    # Join codes: 31^6 codes; 10 tries an hour per account and 60 per address make guessing
    # one a matter of centuries.
    "join": Limit("10/h", "user", "an hour"),
    "join-ip": Limit("60/h", "ip", "an hour"),
    "signup-ip": Limit("30/h", "ip", "an hour"),
    # Log-in POSTs per address (failures per account are django-axes's, AXES_FAILURE_LIMIT).
    "login-ip": Limit("60/15m", "ip", "15 minutes"),
}

# What one anonymous visitor may store before being asked to sign up: attempts in all, and lab
# files (each up to 64 KB), so a script without cookies still cannot fill the database fast
# (the per-address limits bound how many such visitors one address makes).
ANON_MAX_ATTEMPTS = 500
ANON_MAX_LAB_ATTEMPTS = 60


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind DJANGO_PROXY_COUNT trusted proxies the
    address the outermost of them saw (taken from the right of X-Forwarded-For, where a
    client cannot forge it)."""
    count = int(getattr(settings, "PROXY_COUNT", 0))
    if count > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= count:
            with contextlib.suppress(ValueError):
                return str(ipaddress.ip_address(hops[-count]))
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def axes_client_ip(request: HttpRequest) -> str | None:
    """client_ip for django-axes, which stores it in an IP address column: None if unknown."""
    ip = client_ip(request)
    return None if ip == "unknown" else ip


def _key(per: str) -> Any:
    def key(group: str, request: HttpRequest) -> str:
        if per == "ip":
            return client_ip(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        if per == "learner" and hasattr(request, "session"):
            anon = request.session.get(SESSION_KEY, "")
            if anon:
                return f"anon:{anon}"
        return f"ip:{client_ip(request)}"

    return key


def limited(request: HttpRequest, *names: str) -> Limit | None:
    """Count this request against each named limit; the first one exceeded, or None."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    if settings.BENCH_VIEWS:
        # The load benchmark (scripts/loadtest.py, LEARN_BENCH=1) answers back to back to
        # measure the server, not the limit (as learn/sandboxes/services.py does for commands).
        return None
    hit = None
    for name in names:
        limit = LIMITS[name]
        if is_ratelimited(
            request, group=name, key=_key(limit.per), rate=limit.rate, increment=True
        ):
            hit = hit or limit
    return hit


def too_many(request: HttpRequest, limit: Limit, what: str, *, fragment: str = "") -> HttpResponse:
    message = f"Too many {what} in a short time: try again in {limit.wait}."
    template = fragment or "error.html"
    response = render(request, template, {"message": message}, status=429)
    response["Retry-After"] = "60"
    return response


def locked_out(request: HttpRequest, credentials: dict[str, Any] | None = None) -> HttpResponse:
    """django-axes's answer once an account has had too many failed log-ins."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        "Too many failed log-ins for this account. For safety it is locked for "
        f"{minutes} minutes; try again then, or ask your instructor to set a new password."
    )
    response = render(request, "error.html", {"message": message}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
