"""Pages kept per learner, and the generations that keep them fresh across workers.

A logged-in page used to cost the session, the user and a progress query per request before
anything was rendered. Now the session and the user come from the cache every worker of
this host shares (settings: CACHES["shared"], a directory of files without Redis, Redis
with it), and a learner's cached page is keyed by two generation tokens kept there:

- the learner's own (`gen:u:<id>` or `gen:a:<anonymous key>`), replaced after every unsafe
  request (POST, ...) that learner sends: an answer, a lesson marked done, a sandbox
  command, a log-in or log-out. It is replaced after the view has returned, so after its
  transaction committed, and before the response leaves: the learner's next page can only
  see the new token, so nothing goes stale after their own answer;
- the world's (`gen:world`), replaced after any unsafe request outside the learner-only
  areas (LEARNER_ONLY): an instructor's pacing, a live question pushed or revealed, a class
  joined or left, anything in the admin. Those change other people's pages (what is locked,
  which explanation is held back), so they invalidate every learner's page at once.

A missing token is made anew before the page is read from the database, so an eviction can
only cause a miss, never an old page. Pages themselves live in the per-process cache
(learn/core/pagecache.py) under a key holding both tokens, the account's id and join time
(a recreated database reusing an id never meets an old page) or the anonymous key, so two
learners never share a key.

Writes that are not requests (management commands) clear the shared cache when they migrate
(learn/core/apps.py); seed_demo and friends make new accounts, which meet no old keys.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Iterable
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from learn.core.pagecache import CSRF_PLACEHOLDER, cached_page
from learn.progress.learner import MERGED_INTO, PENDING, SESSION_KEY, Learner

# The generation keys that rows written during the current unsafe request belong to.
_written: ContextVar[set[str] | None] = ContextVar("learn_fresh_written", default=None)

SHARED = "shared"
WORLD = "gen:world"
GEN_TIMEOUT = 24 * 60 * 60  # tokens outlive the pages they key (pagecache.TIMEOUT)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Unsafe requests here change only the sender's own progress and sandboxes.
LEARNER_ONLY = (
    "/questions/",
    "/lessons/",
    "/review/",
    "/sandboxes/",
    "/playground/",
    "/labs/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/signup/",
)


def shared() -> BaseCache:
    return caches[SHARED]


def learner_gen_key(learner: Learner) -> str:
    if learner.user_id is not None:
        return f"gen:u:{learner.user_id}"
    return f"gen:a:{learner.anon_key}"


def _token() -> str:
    return secrets.token_hex(8)


def generations(keys: list[str]) -> dict[str, str]:
    """The current token of each key, making (and storing) the missing ones first."""
    cache = shared()
    found: dict[str, str] = cache.get_many(keys)
    missing = {key: _token() for key in keys if key not in found}
    if missing:
        cache.set_many(missing, timeout=GEN_TIMEOUT)
        found.update(missing)
    return found


def bump(keys: Iterable[str]) -> None:
    fresh = {key: _token() for key in keys}
    if fresh:
        shared().set_many(fresh, timeout=GEN_TIMEOUT)


def _owners(request: HttpRequest) -> set[str]:
    """The generation keys of everyone this request may act for."""
    keys: set[str] = set()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        keys.add(f"gen:u:{user.pk}")
    session = getattr(request, "session", None)
    if session is not None:
        anon = session.get(SESSION_KEY)
        if anon:
            keys.add(f"gen:a:{anon}")
        merged = session.get(MERGED_INTO)
        if merged:
            keys.add(f"gen:u:{merged[0]}")
        pending = session.get(PENDING)
        if pending:
            keys.add(f"gen:a:{pending[0]}")
    return keys


class FreshnessMiddleware:
    """After every unsafe request, new generation tokens for whoever it acted for (before
    and after the view: a log-in changes who that is), and for the world unless the request
    was in a learner-only area. Sits after the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        before = _owners(request)
        collect = _written.set(set())
        try:
            response = self.get_response(request)
        finally:
            written = _written.get() or set()
            _written.reset(collect)
        keys = before | _owners(request) | written
        if not request.path_info.startswith(LEARNER_ONLY):
            keys.add(WORLD)
        bump(keys)
        return response


def learner_parts(request: HttpRequest, learner: Learner, *parts: Hashable) -> tuple | None:
    """The cache key parts of a page that depends on the course, the learner's own progress,
    the classes they are in, their name and the day; None when it must not be cached (a
    log-in's merge window, when answers may still arrive under the old anonymous key)."""
    session = getattr(request, "session", None)
    if session is not None and session.get(PENDING):
        return None
    if learner.is_known and settings.SHARED_CACHE == "none":
        return None  # no tokens every process sees: nothing can be kept safely
    user: Any = getattr(request, "user", None)
    name = user.get_username() if user is not None and user.is_authenticated else ""
    joined = user.date_joined.isoformat() if name else ""
    today = timezone.localdate().isoformat()
    if not learner.is_known:
        # No progress and no classes: what every visitor without answers sees.
        return ("visitor", name, today, *parts)
    own = learner_gen_key(learner)
    tokens = generations([own, WORLD])
    return (own, joined, name, tokens[own], tokens[WORLD], today, *parts)


def csrf_placeholder(request: HttpRequest) -> dict[str, Any]:
    """Context processor: while a page is drawn for the cache, `{% csrf_token %}` writes the
    placeholder that cached_page swaps for each request's own token."""
    if getattr(request, "drawing_for_cache", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def learner_cached(learner_of: Callable[[HttpRequest], Learner]) -> Callable:
    """Keep a GET view's page per learner (learner_parts), keyed also by the full path and
    the htmx target it was asked for. The view itself is unchanged: it draws on a miss."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "GET":
                return view(request, *args, **kwargs)
            htmx = (request.headers.get("HX-Request", ""), request.headers.get("HX-Target", ""))
            parts = learner_parts(
                request, learner_of(request), view.__qualname__, htmx, request.get_full_path()
            )
            if parts is None:
                return view(request, *args, **kwargs)

            def draw(token: str) -> HttpResponse:
                if token != CSRF_PLACEHOLDER:
                    return view(request, *args, **kwargs)
                request.drawing_for_cache = True  # type: ignore[attr-defined]
                try:
                    return view(request, *args, **kwargs)
                finally:
                    request.drawing_for_cache = False  # type: ignore[attr-defined]

            response = cached_page(request, parts, draw)
            patch_vary_headers(response, ("HX-Request", "HX-Target"))
            return response

        return wrapper

    return decorate


def quiet_poll(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A class page's "nothing changed" poll answered from the shared cache.

    When the view has answered a member's poll with an empty 204 for `since`, that answer is
    kept under (class, member) with the world token it was computed under; the member's
    next poll with the same `since` gets the same 204 without loading the class or its live
    question, for as long as the world token stands. Anything that could change the answer
    (a question pushed, revealed or ended, a member removed, the class deleted) is an
    unsafe request outside LEARNER_ONLY, which replaces that token. The token is read
    before the view runs, so a change committed meanwhile leaves a stale pair unmatched."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        since = request.GET.get("since", "")
        user: Any = getattr(request, "user", None)
        htmx = request.headers.get("HX-Request") == "true"
        if request.method != "GET" or not since or not htmx or not user.is_authenticated:
            return view(request, pk, *args, **kwargs)
        key = f"poll204:{pk}:{user.pk}"
        found = shared().get_many([WORLD, key])
        world = found.get(WORLD)
        if world is not None and found.get(key) == (world, since):
            response = HttpResponse(status=204)
            patch_vary_headers(response, ("HX-Request",))
            patch_cache_control(response, private=True, no_store=True)
            return response
        world = world or generations([WORLD])[WORLD]
        response = view(request, pk, *args, **kwargs)
        if response.status_code == 204:
            shared().set(key, (world, since), timeout=GEN_TIMEOUT)
        return response

    return wrapper


def page_for_learner(
    request: HttpRequest,
    learner: Learner,
    parts: tuple[Hashable, ...],
    draw: Callable[[str], HttpResponse],
    *,
    cacheable: bool = True,
) -> HttpResponse:
    """`draw(csrf_token)` kept under learner_parts(request, learner, *parts), or drawn anew
    when the page must not be kept."""
    key = learner_parts(request, learner, *parts) if cacheable else None
    if key is None:
        return draw(get_token(request))
    return cached_page(request, key, draw)


# --- Writes outside a request ---------------------------------------------------------------
# Services called from a shell, a command or a test write without an unsafe request around
# them; the models' own signals replace the tokens as well, once the write has committed.
# (QuerySet.update sends none; the middleware covers those, which all run in requests.)


def _after_commit(keys: set[str]) -> None:
    from django.db import transaction

    written = _written.get()
    if written is not None:
        written.update(keys)  # inside an unsafe request: its middleware replaces them after
        return
    if keys:
        # Now (the writer's own next read in this transaction) and again once committed: a
        # page another request drew meanwhile from the old rows is then left under a dead
        # token.
        bump(keys)
        transaction.on_commit(lambda: bump(keys))


def _learner_row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    keys = set()
    if getattr(instance, "user_id", None) is not None:
        keys.add(f"gen:u:{instance.user_id}")
    if getattr(instance, "anon_key", ""):
        keys.add(f"gen:a:{instance.anon_key}")
    _after_commit(keys)


def _world_row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    _after_commit({WORLD})


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from learn.classrooms.models import Classroom, LiveQuestion, Membership
    from learn.progress.models import Attempt, LessonMark, QuestionState

    learners: tuple[type, ...] = (QuestionState, LessonMark, Attempt)
    world: tuple[type, ...] = (Classroom, Membership, LiveQuestion)
    for signal in (post_save, post_delete):
        for model in learners:
            signal.connect(_learner_row_changed, sender=model, dispatch_uid=f"fresh-{model}")
        for model in world:
            signal.connect(_world_row_changed, sender=model, dispatch_uid=f"fresh-{model}")
    # Granting or revoking the instructor group changes that person's header everywhere.
    groups = get_user_model().groups.through
    m2m_changed.connect(_world_row_changed, sender=groups, dispatch_uid="fresh-user-groups")
