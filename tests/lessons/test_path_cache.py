"""The path page is kept whole in the cache per learner and progress (learn/core/pagecache.py):
it never goes stale after the learner's own answer, never shows one learner's page to
another, never carries a CSRF token between visitors, and a warm page costs only the
queries that name its key."""

from __future__ import annotations

import re

from django.conf import settings
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from learn.core.pagecache import CSRF_PLACEHOLDER
from learn.progress.models import QuestionState
from tests.helpers import right_answer, wrong_answer

# Every page carries the token in the header htmx sends (base.html), forms or not.
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
WARM_PATH_BUDGET = 1  # the course version every 2 s: session, user and page come from caches


def secret(token: str) -> str:
    return _unmask_cipher_token(token)


def cookie_secret(client: Client) -> str:
    """The CSRF secret this client's cookie holds (the cookie stores it unmasked)."""
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def solved_line(page: str) -> str:
    """A lesson's "3 of 7 answered right" on the path, as "3/7"."""
    match = re.search(r"(\d+) of (\d+) answered right", page)
    return f"{match.group(1)}/{match.group(2)}" if match else ""


def test_the_learners_own_answer_shows_on_the_next_path_page(course, make_user) -> None:
    client = Client()
    client.force_login(make_user())
    before = client.get("/").content.decode()
    question = course["t-single"]
    client.post(f"/questions/{question.key}/answer/", right_answer(question))
    after = client.get("/").content.decode()
    assert QuestionState.objects.filter(solved_at__isnull=False).count() == 1
    assert before != after
    assert solved_line(after).startswith("1/")


def test_a_wrong_then_right_answer_each_change_the_page(course, make_user) -> None:
    client = Client()
    client.force_login(make_user())
    question = course["t-single"]
    client.post(f"/questions/{question.key}/answer/", wrong_answer(question))
    wrong = client.get("/").content.decode()
    client.post(f"/questions/{question.key}/answer/", right_answer(question))
    right = client.get("/").content.decode()
    assert "In progress" in wrong
    assert solved_line(wrong).startswith("0/") and solved_line(right).startswith("1/")


def test_no_learner_sees_another_learners_path(course, make_user) -> None:
    alice, bob = Client(), Client()
    alice.force_login(make_user("alice"))
    bob.force_login(make_user("bob"))
    question = course["t-single"]
    bob.get("/")  # bob's page is cached before alice answers
    alice.post(f"/questions/{question.key}/answer/", right_answer(question))
    alice_page = alice.get("/").content.decode()
    bob_page = bob.get("/").content.decode()
    assert "alice" in alice_page and "alice" not in bob_page
    assert "bob" in bob_page and "bob" not in alice_page
    assert solved_line(alice_page).startswith("1/")
    assert solved_line(bob_page).startswith("0/")


def test_anonymous_visitors_share_the_page_but_never_a_token(course) -> None:
    first, second = Client(), Client()
    one, two = first.get("/").content.decode(), second.get("/").content.decode()
    assert CSRF_PLACEHOLDER not in one + two
    assert {secret(t) for t in TOKEN.findall(one)} == {cookie_secret(first)}
    assert {secret(t) for t in TOKEN.findall(two)} == {cookie_secret(second)}
    assert cookie_secret(first) != cookie_secret(second)
    # The same page apart from the token.
    assert TOKEN.sub("", one) == TOKEN.sub("", two)


def test_an_anonymous_learners_answers_stay_theirs(course) -> None:
    learner, visitor = Client(), Client()
    question = course["t-single"]
    visitor.get("/")
    learner.post(f"/questions/{question.key}/answer/", right_answer(question))
    assert solved_line(learner.get("/").content.decode()).startswith("1/")
    assert solved_line(visitor.get("/").content.decode()).startswith("0/")


def test_warm_path_page_query_budget(
    client: Client, course, make_user, django_assert_max_num_queries
) -> None:
    client.force_login(make_user())
    client.get("/")
    with django_assert_max_num_queries(WARM_PATH_BUDGET):
        assert client.get("/").status_code == 200


def test_a_first_time_visitor_gets_the_kept_lesson_then_their_own_after_answering(course) -> None:
    question = course["t-single"]
    visitor, learner = Client(), Client()
    first = visitor.get("/lessons/first/").content.decode()
    learner.get("/lessons/first/")
    learner.post(f"/questions/{question.key}/answer/", wrong_answer(question))
    answered = learner.get("/lessons/first/").content.decode()
    again = visitor.get("/lessons/first/").content.decode()
    assert 'data-result="incorrect"' in answered
    assert "data-result" not in first and "data-result" not in again
    assert CSRF_PLACEHOLDER not in first + answered + again
    # Each page carries its own visitor's token (masked anew per response, as Django does).
    assert {secret(t) for t in TOKEN.findall(first + again)} == {cookie_secret(visitor)}
    assert {secret(t) for t in TOKEN.findall(answered)} == {cookie_secret(learner)}


def test_a_warm_lesson_page_for_a_visitor_needs_no_query(
    client: Client, course, django_assert_max_num_queries
) -> None:
    client.get("/lessons/first/")
    with django_assert_max_num_queries(1):  # at most the course version, every 2 s
        assert client.get("/lessons/first/").status_code == 200
