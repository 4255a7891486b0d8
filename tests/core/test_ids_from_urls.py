"""Issue 14.8: an id from a URL that no row can have is a 404, never a 500. A 30-digit id
was an OverflowError on SQLite in /classrooms/<id>/live/ and the student URLs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from learn.core.converters import IdConverter

HUGE = "9" * 30


def patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(patterns(entry, route))
        else:
            found.append((route, entry))
    return found


OWN = [(r, p) for r, p in patterns(get_resolver()) if not r.startswith("admin/")]


def test_every_id_in_our_urls_is_bounded() -> None:
    with_ids = [r for r, p in OWN if p.pattern.converters]
    assert with_ids
    for route, pattern in OWN:
        for name, converter in pattern.pattern.converters.items():
            if name in ("pk", "user_id") or name.endswith("_id"):
                assert isinstance(converter, IdConverter), route


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r, p in OWN if "<id:" in r])
def test_a_30_digit_id_is_a_404(client: Client, django_user_model: Any, route: str) -> None:
    admin = django_user_model.objects.create_superuser("root", "r@example.com", "pw-root-123")
    client.force_login(admin)
    url = "/" + route
    for name in ("pk", "user_id", "slug", "key"):
        url = url.replace(f"<id:{name}>", HUGE).replace(f"<slug:{name}>", "x")
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in (404, 405), (url, response.status_code)
