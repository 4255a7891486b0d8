"""Issue 14.7: what a script does by the thousand is limited, with a 429 that says why.

The limits are in learn/core/ratelimit.py (LIMITS) and, for failed log-ins per account, in
learn/settings.py (AXES_*). The suite runs with them off; each test here turns them on."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from learn.classrooms.models import Classroom
from learn.content.models import Question
from learn.core.ratelimit import ANON_MAX_ATTEMPTS, LIMITS, Limit
from learn.progress.models import Attempt
from tests.helpers import right_answer, wrong_answer

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def limits_on(settings: Any) -> None:
    settings.RATELIMIT_ENABLE = True
    settings.AXES_ENABLED = True
    cache.clear()


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The same limit at 5 requests: the per-address ones are counts of dozens, and a longer
    period keeps a per-minute window from rolling over in the middle of a test (the windows
    are fixed, not sliding)."""

    def shrink(name: str, period: str = "") -> None:
        limit = LIMITS[name]
        period = period or limit.rate.split("/")[1]
        monkeypatch.setitem(LIMITS, name, Limit(f"5/{period}", limit.per, limit.wait))

    return shrink


def count(name: str) -> int:
    return int(LIMITS[name].rate.split("/")[0])


@pytest.mark.django_db
def test_ten_wrong_passwords_lock_the_account_even_for_the_right_one(make_user: Any) -> None:
    make_user("ada", "correct-horse-battery-9")
    for n in range(10):
        # From ten different addresses: the lock is per account, not per address.
        client = Client(REMOTE_ADDR=f"10.0.0.{n + 1}")
        response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})
        assert response.status_code in (200, 429)
    client = Client(REMOTE_ADDR="10.0.1.1")
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": "correct-horse-battery-9"}
    )
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "locked for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account is not affected.
    make_user("bob", "correct-horse-battery-9")
    response = client.post(
        "/accounts/login/", {"username": "bob", "password": "correct-horse-battery-9"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_one_address_cannot_try_many_accounts(client: Client, small: Any) -> None:
    small("login-ip")
    for n in range(count("login-ip")):
        response = client.post("/accounts/login/", {"username": f"u{n}", "password": "x"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"username": "last", "password": "x"})
    assert response.status_code == 429
    assert "log-in attempts" in response.content.decode()


@pytest.mark.django_db
def test_join_codes_cannot_be_guessed(client: Client, make_user: Any) -> None:
    client.force_login(make_user("stu"))
    teacher = make_user("teach")
    classroom = Classroom.objects.create(name="C", code="ABCDEF")
    assert teacher  # the class needs no instructor for joining
    for n in range(count("join")):
        response = client.post("/classrooms/join/", {"code": f"ZZZZ{n:02d}"})
        assert response.status_code == 400
    response = client.post("/classrooms/join/", {"code": classroom.code})
    assert response.status_code == 429
    assert "join codes" in response.content.decode()
    assert not classroom.memberships.exists()


@pytest.mark.django_db
def test_answers_per_learner_are_limited_and_the_refusal_stores_nothing(
    client: Client, course: dict[str, Question], small: Any
) -> None:
    small("answer", period="h")
    question = course["t-single"]
    url = f"/questions/{question.key}/answer/"
    for _ in range(count("answer")):
        assert client.post(url, wrong_answer(question), **HTMX).status_code == 200
    response = client.post(url, right_answer(question), **HTMX)
    assert response.status_code == 429
    html = response.content.decode()
    assert 'role="alert"' in html and "Too many answers" in html
    assert Attempt.objects.count() == count("answer")
    # Without JavaScript the same refusal is a page.
    response = client.post(url, right_answer(question))
    assert response.status_code == 429
    assert "<html" in response.content.decode()


@pytest.mark.django_db
def test_signups_per_address_are_limited(client: Client, small: Any) -> None:
    small("signup-ip")
    for n in range(count("signup-ip")):
        response = Client().post(
            "/accounts/signup/",
            {"username": f"new{n}", "password1": "Zq8!long-pass", "password2": "Zq8!long-pass"},
        )
        assert response.status_code == 302
    response = client.post(
        "/accounts/signup/",
        {"username": "onemore", "password1": "Zq8!long-pass", "password2": "Zq8!long-pass"},
    )
    assert response.status_code == 429
    assert not get_user_model().objects.filter(username="onemore").exists()


@pytest.mark.django_db
def test_an_anonymous_visitor_can_store_only_so_much(
    client: Client, course: dict[str, Question]
) -> None:
    question = course["t-single"]
    url = f"/questions/{question.key}/answer/"
    assert client.post(url, wrong_answer(question)).status_code == 302
    key = Attempt.objects.get().anon_key
    Attempt.objects.bulk_create(
        Attempt(anon_key=key, question=question, answer={"choices": []}, is_correct=False)
        for _ in range(ANON_MAX_ATTEMPTS)
    )
    response = client.post(url, right_answer(question), **HTMX)
    assert response.status_code == 429
    assert "Sign up" in response.content.decode()
    assert Attempt.objects.count() == ANON_MAX_ATTEMPTS + 1


def test_the_client_address_behind_proxies(settings: Any) -> None:
    from django.test import RequestFactory

    from learn.core.ratelimit import client_ip

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    assert client_ip(request) == "10.1.1.1"  # no proxy trusted: the header is ignored
    settings.PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what the one proxy saw, not the forged hop
    request.META["HTTP_X_FORWARDED_FOR"] = "not-an-address"
    assert client_ip(request) == "10.1.1.1"


@pytest.mark.django_db
def test_lab_checks_per_learner_are_limited(
    client: Client, course: dict[str, Question], small: Any
) -> None:
    small("lab", period="h")
    lab = Question.objects.create(
        key="t-lab",
        lesson=course["t-single"].lesson,
        kind=Question.LAB,
        prompt_html="<p>Lab</p>",
        explanation_html="<p>Why</p>",
        data={"lab_kind": "kubernetes", "checks": {"schema": True}, "starter": "", "task_html": ""},
    )
    source = {"source": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n"}
    for _ in range(5):
        assert client.post(f"/questions/{lab.key}/answer/", source, **HTMX).status_code == 200
    response = client.post(f"/questions/{lab.key}/answer/", source, **HTMX)
    assert response.status_code == 429
    assert "Too many lab checks" in response.content.decode()
    assert Attempt.objects.count() == 5
