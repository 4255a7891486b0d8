"""Password reset by e-mail through Django's views, an optional e-mail at signup, and a
signed-out visitor to a class page sent to log in and then back (issue 12, item 6)."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

NEW_PASSWORD = "a-brand-new-password-42"


def test_signup_takes_an_optional_email(client: Client, db) -> None:
    password = "correct-horse-battery-9"
    client.post(
        "/accounts/signup/", {"username": "noemail", "password1": password, "password2": password}
    )
    client.post("/accounts/logout/")
    client.post(
        "/accounts/signup/",
        {
            "username": "withemail",
            "email": "w@example.org",
            "password1": password,
            "password2": password,
        },
    )
    users = get_user_model().objects
    assert users.get(username="noemail").email == ""
    assert users.get(username="withemail").email == "w@example.org"


def test_reset_by_email_sets_a_new_password(client: Client, make_user) -> None:
    user = make_user("ada")
    user.email = "ada@example.org"
    user.save()
    assert "Forgot your password?" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    assert response.status_code == 302
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    [message] = mail.outbox
    assert '"ada"' in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Password set" in done.content.decode()
    assert Client().login(username="ada", password=NEW_PASSWORD)
    # The link works once.
    assert "no longer works" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_looks_the_same_and_sends_nothing(client: Client, db) -> None:
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_signed_out_visitor_to_a_class_page_logs_in_and_comes_back(
    client: Client, make_user
) -> None:
    make_user("ada")
    response = client.get("/classrooms/7/live/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/classrooms/7/live/"
    back = client.post(
        response["Location"],
        {"username": "ada", "password": "correct-horse-battery-9", "next": "/classrooms/7/live/"},
    )
    assert back["Location"] == "/classrooms/7/live/"
