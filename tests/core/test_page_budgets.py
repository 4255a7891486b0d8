"""Every page has a fixed query budget; the big pages test theirs next to their features
(tests/lessons, tests/review, tests/classrooms). These are the small ones."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/accounts/signup/", 0),
        ("/accounts/login/", 0),
        ("/classrooms/join/", 0),
        ("/healthz", 0),
        ("/readyz", 2),
    ],
)
def test_anonymous_pages(client: Client, db, django_assert_max_num_queries, url, budget) -> None:
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/accounts/password/", 2),
        ("/classrooms/", 6),
        ("/classrooms/join/?code=ABCDEF", 4),
    ],
)
def test_logged_in_pages(
    client: Client, course, make_user, django_assert_max_num_queries, url, budget
) -> None:
    client.force_login(make_user())
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
