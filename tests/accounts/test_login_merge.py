"""Issue 14.10 and 14.11: at log-in only what this browser answered moves to the account,
and nothing it sends around the switch is lost."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from learn.content.models import Question
from learn.content.services import course_sync
from learn.progress.models import Attempt
from tests.conftest import FIXTURE_COURSE
from tests.helpers import right_answer

PASSWORD = "correct-horse-battery-9"


def answer(client: Client, key: str) -> int:
    question = Question.objects.get(key=key)
    return client.post(f"/questions/{key}/answer/", right_answer(question)).status_code


def login(client: Client) -> int:
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    return response.status_code


@pytest.mark.django_db
def test_a_planted_session_gives_the_victim_none_of_the_attackers_answers(
    course: Any, make_user: Any
) -> None:
    user = make_user("ada", PASSWORD)
    attacker = Client()
    assert answer(attacker, "t-single") == 302
    victim = Client()
    victim.cookies["sessionid"] = attacker.cookies["sessionid"].value  # the planted cookie
    page = victim.get("/lessons/first/").content.decode()
    single = page.split('id="q-t-single"', 1)[1].split("</section>", 1)[0]
    assert "data-result" not in single  # the attacker's answer is not shown as the victim's
    assert answer(victim, "t-text") == 302
    assert login(victim) == 302
    mine = Attempt.objects.filter(user=user)
    assert list(mine.values_list("question__key", flat=True)) == ["t-text"]
    assert Attempt.objects.filter(user__isnull=True, question__key="t-single").count() == 1


def copy_of(client: Client) -> Client:
    other = Client()
    for name, morsel in client.cookies.items():
        other.cookies[name] = morsel.value
    return other


@pytest.mark.django_db(transaction=True)
def test_answers_sent_with_the_old_session_after_log_in_land_on_the_account(
    make_user: Any,
) -> None:
    course_sync(root=FIXTURE_COURSE)
    user = make_user("ada", PASSWORD)
    browser = Client()
    assert answer(browser, "t-single") == 302
    in_flight = [copy_of(browser) for _ in range(3)]  # requests that left before the log-in
    assert login(browser) == 302
    for client, key in zip(in_flight, ["t-text", "t-order", "t-multiple"], strict=True):
        assert answer(client, key) == 302
    assert Attempt.objects.filter(user__isnull=True).count() == 0
    assert Attempt.objects.filter(user=user).count() == 4
    # The log-in itself survives: the in-flight answers set no new session cookie.
    assert "ada" in browser.get("/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_answers_racing_the_log_in_are_never_lost(make_user: Any) -> None:
    course_sync(root=FIXTURE_COURSE)
    user = make_user("ada", PASSWORD)
    browser = Client()
    assert answer(browser, "t-single") == 302
    racers = [copy_of(browser) for _ in range(3)]
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run(work: Any) -> None:
        try:
            barrier.wait()
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    keys = ["t-text", "t-order", "t-multiple"]
    threads = [threading.Thread(target=run, args=(lambda: login(browser),))]
    threads += [
        threading.Thread(target=run, args=(lambda c=c, k=k: answer(c, k),))
        for c, k in zip(racers, keys, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    browser.get("/")  # the account's next request gathers any answer that raced the merge
    assert Attempt.objects.filter(user__isnull=True).count() == 0
    assert Attempt.objects.filter(user=user).count() == 4
