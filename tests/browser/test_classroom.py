"""An instructor runs a class in one browser while a student works in another: the dashboard
and the live question update by themselves (htmx polling), without a reload."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from learn.classrooms.services import instructor_grant
from learn.content.models import Question
from learn.content.services import course_sync
from learn.progress.models import Attempt
from tests.conftest import FIXTURE_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}-long-enough")
    page.click("main form button[type=submit]")
    page.locator("[data-username]").wait_for()


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    course_sync(root=FIXTURE_COURSE)
    users = get_user_model().objects
    teacher = users.create_user("ms-teacher", password="pw-ms-teacher-long-enough")
    instructor_grant(user=teacher)
    student = users.create_user("kim", password="pw-kim-long-enough")
    return {"teacher": teacher, "student": student}


@pytest.fixture
def student_page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context()
    context.set_default_timeout(10_000)  # a hang fails instead of blocking CI
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def create_class_and_join(live_server: Any, page: Any, student_page: Any) -> str:
    base = live_server.url
    log_in(page, base, "ms-teacher")
    page.goto(f"{base}/classrooms/")
    page.fill("input[name=name]", "Thursday <b>cohort</b>")
    page.click("form.create-class button[type=submit]")
    code = page.locator("[data-join-code]").inner_text().strip()
    assert "Thursday <b>cohort</b>" in page.locator("h1").inner_text()  # shown as text
    assert f"/classrooms/join/?code={code}" in page.locator("[data-join-link]").inner_text()
    class_url = page.url

    log_in(student_page, base, "kim")
    student_page.goto(f"{base}/classrooms/join/?code={code}")
    assert student_page.input_value("input[name=code]") == code
    student_page.click("form.join-form button[type=submit]")
    student_page.locator("#live").wait_for()
    return class_url


def test_the_dashboard_shows_a_new_answer_without_a_reload(
    live_server: Any, page: Any, student_page: Any, people: dict[str, Any]
) -> None:
    page.set_default_timeout(15_000)
    class_url = create_class_and_join(live_server, page, student_page)
    page.evaluate("window.__sameDocument = true")

    question = Question.objects.get(key="t-single")
    right = question.data["correct"][0]
    student_page.goto(f"{live_server.url}/lessons/first/")
    student_page.check(f"#q-t-single-{right}")
    student_page.click("#q-t-single button[type=submit]")
    student_page.locator('#q-t-single-feedback [data-result="correct"]').wait_for()

    # Within a poll or two the student's row appears with the answer counted.
    row = page.locator("#board tbody tr", has_text="kim")
    row.wait_for()
    row.locator("td.cell.in-progress", has_text="1/4 · 100%").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert page.url == class_url


def test_a_live_question_from_push_to_reveal(
    live_server: Any, page: Any, student_page: Any, people: dict[str, Any]
) -> None:
    page.set_default_timeout(15_000)
    class_url = create_class_and_join(live_server, page, student_page)
    student_page.evaluate("window.__sameDocument = true")
    student_page.locator("#live", has_text="No question right now").wait_for()

    page.goto(class_url + "ask/?q=image")
    page.check("#push-t-single")
    page.click("text=Push and stay here")
    page.locator("#live-results").wait_for()
    page.evaluate("window.__sameDocument = true")

    # The question arrives on the student's open page by itself.
    question = Question.objects.get(key="t-single")
    wrong = next(
        c["key"] for c in question.data["choices"] if c["key"] not in question.data["correct"]
    )
    student_page.locator("#live fieldset").wait_for()
    assert "a running instance" not in student_page.locator("#live").inner_html()
    student_page.check(f"#q-t-single-{wrong}")
    student_page.click("#live button[type=submit]")
    student_page.locator('#q-t-single-feedback [data-result="incorrect"]').wait_for()
    assert Attempt.objects.filter(user=people["student"], question=question).count() == 1

    # The instructor's distribution fills in by itself.
    page.locator('[data-answered="1"]').wait_for()
    assert page.evaluate("window.__sameDocument") is True
    page.click("text=Reveal the answer to the class")

    # And the reveal reaches the student without a reload.
    student_page.locator("#live .right-answer").wait_for()
    assert "a running instance" in student_page.locator("#live").inner_text()
    assert "Your answer was not right." in student_page.locator("#live").inner_text()
    assert student_page.evaluate("window.__sameDocument") is True
