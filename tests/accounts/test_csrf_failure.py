"""Without JavaScript, a form whose CSRF token went stale gets a page that says what happened
and links back, not Django's bare 403."""

from __future__ import annotations

from django.test import Client


def test_a_stale_token_gets_a_friendly_page_that_links_back(course) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/lessons/first/")  # sets the CSRF cookie
    response = client.post(
        "/questions/t-single/answer/",
        {"answer": "a", "csrfmiddlewaretoken": "x" * 64},
        HTTP_REFERER="http://testserver/lessons/first/",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "That form had expired" in html
    assert "logged in or out in another tab" in html
    assert "Nothing was saved." in html
    assert 'href="http://testserver/lessons/first/" data-back' in html


def test_no_cookie_says_so_and_a_foreign_referer_is_not_linked(course) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/questions/t-single/answer/", {"answer": "a"}, HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "did not send this site's cookie" in html
    assert "evil.example" not in html
    assert 'href="/" data-back' in html
