"""axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa, best-practice) finds no serious or critical
problem on the pages people use: the path, lessons with code, a lab, review, the dashboard,
the live view and the account pages, at desktop and phone width, light and dark."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from learn.classrooms.services import classroom_create, classroom_join, instructor_grant, live_push
from learn.content.models import Lesson, Question
from learn.content.services import course_sync
from learn.progress.learner import Learner
from learn.progress.services import attempt_submit
from tests.browser.axe import serious_findings, with_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-long-enough-for-django"


@pytest.fixture
def classroom(db: Any) -> Any:
    course_sync()
    users = get_user_model().objects
    teacher = users.create_user("ms-teacher", password=PASSWORD)
    instructor_grant(user=teacher)
    room = classroom_create(instructor=teacher, name="Thursday cohort")
    for n, right in enumerate((True, False, True)):
        student = users.create_user(f"student-{n}", password=PASSWORD)
        classroom_join(user=student, code=room.code)
        for question in Question.objects.filter(retired=False).order_by("pk")[:6]:
            attempt_submit(
                learner=Learner(user_id=student.pk),
                question=question,
                answer={"choices": []},
                is_correct=right,
            )
    live_push(classroom=room, question=Question.objects.filter(kind="single").first(), by=teacher)
    return room


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.locator("[data-username]").wait_for()


# axe-core takes 2-7 s on a long lesson, so every lesson is checked once (desktop, light) and
# the phone in dark colours checks the lessons with the most kinds of code in them.
DARK_LESSONS = ("writing-a-dockerfile", "compose-basics", "deployments-and-rollouts", "rbac")


@pytest.fixture(params=[(1280, "light"), (390, "dark")], ids=["desktop-light", "phone-dark"])
def axe_page(request: Any, chromium: Any) -> Iterator[Any]:
    width, scheme = request.param
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    context.set_default_timeout(10_000)  # as conftest's page fixture: for every tab it opens
    with_axe(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def check(page: Any, url: str) -> list[str]:
    page.goto(url)
    out = serious_findings(page)
    return [f"{url} {line}" for line in out]


def test_no_serious_findings_on_the_pages_people_use(live_server, axe_page, classroom) -> None:
    base = live_server.url
    page = axe_page
    lab = Question.objects.filter(kind="lab", retired=False).first()
    found: list[str] = []
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        found += check(page, base + path)
    log_in(page, base, "student-1")
    found += check(page, base + "/")
    lessons = Lesson.objects.active()
    if page.viewport_size["width"] < 600:
        lessons = lessons.filter(slug__in=DARK_LESSONS)
    assert lab.lesson in lessons  # a lab is among the pages checked in both modes
    for lesson in lessons:
        found += check(page, base + lesson.get_absolute_url())
    found += check(page, base + "/review/")
    found += check(page, base + "/review/now/")
    # The phone header's menu, open: its panel lies over the page in the same colours.
    page.goto(base + "/review/now/")
    if page.locator(".site-menu > summary").is_visible():
        page.click(".site-menu > summary")
        found += [f"/review/now/ (menu open) {line}" for line in serious_findings(page)]
    found += check(page, base + f"/classrooms/{classroom.pk}/live/")
    found += check(page, base + "/accounts/password/")
    log_in(page, base, "ms-teacher")
    for path in ("", "ask/", "questions/", "code/"):
        found += check(page, base + f"/classrooms/{classroom.pk}/{path}")
    student = get_user_model().objects.get(username="student-1")
    found += check(page, base + f"/classrooms/{classroom.pk}/students/{student.pk}/")
    found += check(page, base + "/classrooms/")
    assert found == [], "\n".join(found)
