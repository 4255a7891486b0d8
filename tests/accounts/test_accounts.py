"""Sign up, log in, log out (POST only), change password, and anonymous answers following
the learner into the account with nothing lost and nothing doubled."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from learn.progress.models import Attempt, QuestionState
from tests.helpers import right_answer, wrong_answer

PASSWORD = "correct-horse-battery-9"


def signup(client: Client, username: str = "grace", password: str = PASSWORD):
    return client.post(
        "/accounts/signup/",
        {"username": username, "password1": password, "password2": password},
    )


def test_signup_logs_in_and_shows_the_username(client: Client, course) -> None:
    response = signup(client)
    assert response.status_code == 302
    assert "grace" in client.get("/").content.decode()


def test_password_validators_are_on(client: Client, db) -> None:
    response = signup(client, password="12345678")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This password is too common" in html
    assert get_user_model().objects.count() == 0


def test_logout_is_post_only(client: Client, course, make_user) -> None:
    client.force_login(make_user())
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "ada" not in client.get("/").content.decode()


def test_change_password(client: Client, db, make_user) -> None:
    user = make_user()
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-phrase-42",
            "new_password2": "another-long-phrase-42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-phrase-42")


def test_anonymous_answers_move_to_a_new_account(client: Client, course) -> None:
    single, text = course["t-single"], course["t-text"]
    client.post(f"/questions/{single.key}/answer/", wrong_answer(single))
    client.post(f"/questions/{single.key}/answer/", right_answer(single))
    client.post(f"/questions/{text.key}/answer/", right_answer(text))
    assert Attempt.objects.filter(user__isnull=True).count() == 3
    signup(client)
    user = get_user_model().objects.get(username="grace")
    assert Attempt.objects.filter(user=user).count() == 3
    assert Attempt.objects.filter(user__isnull=True).count() == 0
    state = QuestionState.objects.get(user=user, question=single)
    assert (state.tries, state.correct_tries) == (2, 1)
    assert QuestionState.objects.filter(user__isnull=True).count() == 0


def test_anonymous_answers_merge_into_an_existing_account(client: Client, course, make_user):
    user = make_user()
    single = course["t-single"]
    logged_in = Client()
    logged_in.force_login(user)
    logged_in.post(f"/questions/{single.key}/answer/", wrong_answer(single))
    # The same person, anonymous on another device, answers the same question right.
    client.post(f"/questions/{single.key}/answer/", right_answer(single))
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    states = QuestionState.objects.filter(question=single)
    assert states.count() == 1
    state = states.get()
    assert state.user == user
    assert (state.tries, state.correct_tries, state.first_try_correct) == (2, 1, False)
    assert state.solved_at is not None
    assert Attempt.objects.filter(user=user).count() == 2
    # Logging in again later moves nothing twice.
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert Attempt.objects.count() == 2


def test_reading_pages_never_creates_a_session(client: Client, course) -> None:
    client.get("/")
    client.get("/lessons/first/")
    assert "sessionid" not in client.cookies
