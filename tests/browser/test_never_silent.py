"""An answer that cannot be sent says so in the question's live region, offers a retry, and
keeps focus on the button (issue 12, item 1)."""

from __future__ import annotations

import pytest

from learn.content.models import Question
from learn.content.services import course_sync
from learn.progress.models import Attempt
from tests.conftest import FIXTURE_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"


def _choose_and_submit(page, question: Question) -> None:
    page.check(f"#q-t-single-{question.data['correct'][0]}")
    page.focus("#q-t-single button[type=submit]")
    page.keyboard.press("Enter")


def test_a_network_error_and_a_server_error_are_shown_with_a_retry(live_server, page) -> None:
    course_sync(root=FIXTURE_COURSE)
    question = Question.objects.get(key="t-single")
    page.goto(f"{live_server.url}/lessons/first/")

    page.route("**/questions/t-single/answer/", lambda route: route.abort("connectionrefused"))
    _choose_and_submit(page, question)
    alert = page.locator('#q-t-single-feedback [role="alert"][data-send-error="network"]')
    alert.wait_for()
    assert "could not be sent" in alert.inner_text()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Check answer"

    page.unroute("**/questions/t-single/answer/")
    page.route(
        "**/questions/t-single/answer/",
        lambda route: route.fulfill(status=502, body="Bad gateway"),
    )
    _choose_and_submit(page, question)
    page.locator('#q-t-single-feedback [data-send-error="502"]').wait_for()
    assert "nothing was saved" in page.inner_text("#q-t-single-feedback")

    page.unroute("**/questions/t-single/answer/")
    page.click("#q-t-single-feedback button.retry")
    page.locator('#q-t-single-feedback [data-result="correct"]').wait_for()
    assert Attempt.objects.filter(question=question).count() == 1


def test_a_token_gone_stale_in_another_tab_is_explained_and_retry_sends_it(
    live_server, page, make_user
) -> None:
    course_sync(root=FIXTURE_COURSE)
    make_user("ada", PASSWORD)
    question = Question.objects.get(key="t-single")
    page.goto(f"{live_server.url}/lessons/first/")

    # Logging in in another tab of the same browser rotates the CSRF token.
    other = page.context.new_page()
    other.goto(f"{live_server.url}/accounts/login/")
    other.fill("input[name=username]", "ada")
    other.fill("input[name=password]", PASSWORD)
    other.click("main button[type=submit]")
    other.wait_for_url(f"{live_server.url}/")
    other.close()

    _choose_and_submit(page, question)
    alert = page.locator('#q-t-single-feedback [data-send-error="403"]')
    alert.wait_for()
    assert "session changed" in alert.inner_text()
    assert Attempt.objects.count() == 0

    page.click("#q-t-single-feedback button.retry")
    page.locator('#q-t-single-feedback [data-result="correct"]').wait_for()
    assert Attempt.objects.get().user.username == "ada"


def test_without_javascript_a_stale_token_gets_a_page_that_links_back(
    live_server, chromium, make_user
) -> None:
    course_sync(root=FIXTURE_COURSE)
    make_user("ada", PASSWORD)
    context = chromium.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)  # as conftest's page fixture: for every tab it opens
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/lessons/first/")
    other = context.new_page()
    other.goto(f"{live_server.url}/accounts/login/")
    other.fill("input[name=username]", "ada")
    other.fill("input[name=password]", PASSWORD)
    other.click("main button[type=submit]")
    # Closing a tab while its log-in POST is still in flight can leave Chromium waiting
    # forever (Page.close has no timeout): let the log-in land first.
    other.wait_for_url(f"{live_server.url}/")
    other.close()

    page.check(f"#q-t-single-{Question.objects.get(key='t-single').data['correct'][0]}")
    page.click("#q-t-single button[type=submit]")
    assert "That form had expired" in page.inner_text("main")
    page.click("[data-back]")
    assert page.url.startswith(f"{live_server.url}/lessons/first/")
    context.close()
