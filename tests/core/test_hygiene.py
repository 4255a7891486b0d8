"""Issue 14.13, the cheap ones: confusable usernames, private caching of personal pages,
CSV formulas in disguise, and one log line per bad Host header."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from learn.classrooms.export import neutralise

PASSWORD = "Zq8!long-pass"


def signup(client: Client, username: str) -> Any:
    return client.post(
        "/accounts/signup/", {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    )


@pytest.mark.django_db
def test_a_name_mixing_alphabets_or_differing_only_in_case_is_refused(client: Client) -> None:
    assert signup(Client(), "demo-teacher").status_code == 302
    response = signup(client, "d\u0435mo-teacher")  # a Cyrillic е
    assert response.status_code == 200
    assert "one alphabet" in response.content.decode()
    response = signup(client, "Demo-Teacher")
    assert "already exists" in response.content.decode()
    # A name in one non-Latin alphabet is fine.
    assert signup(Client(), "\u0434\u0435\u043c\u043e").status_code == 302


@pytest.mark.django_db
def test_personal_pages_are_private_to_caches(client: Client, course: Any, make_user: Any) -> None:
    client.force_login(make_user())
    for url in ("/", "/lessons/first/", "/review/"):
        assert "private" in client.get(url)["Cache-Control"], url


@pytest.mark.parametrize(
    "value",
    ['\uff1dHYPERLINK("http://x")', "\u200b=1+1", "\ufeff@SUM(A1)", "\uff0b1", " =1"],
)
def test_disguised_formulas_are_neutralised(value: str) -> None:
    assert neutralise(value) == "'" + value


def test_ordinary_text_is_left_alone() -> None:
    assert neutralise("docker ps") == "docker ps"
    assert neutralise("3 = three") == "3 = three"


@pytest.mark.django_db
def test_a_bad_host_header_is_one_log_line(client: Client, caplog: Any) -> None:
    from learn.core.privacy import OneLineFormatter

    with caplog.at_level(logging.WARNING, logger="django.security.DisallowedHost"):
        response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    records = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert records
    line = OneLineFormatter().format(records[0])
    assert "\n" not in line and "Traceback" not in line and "evil.example" in line
    handler = logging.getLogger("django.security.DisallowedHost").handlers[0]
    assert isinstance(handler.formatter, OneLineFormatter)
