"""Long usernames and class names never break the layout (issue 12.6): a 150-character
username (Django's limit) and a 120-character class name (the model's), both without a space,
leave no horizontal page scroll at 1280 px or 390 px on the path, the header, the class
list, the dashboard, the student page and the review pages, for the student and the
instructor."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from learn.classrooms.models import Classroom
from learn.classrooms.services import classroom_create, classroom_join, instructor_grant
from learn.content.models import Question
from learn.content.services import course_sync
from learn.progress.learner import Learner
from learn.progress.services import attempt_submit
from tests.browser.test_accessibility import PASSWORD, log_in
from tests.conftest import FIXTURE_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEACHER = "t" * 150
STUDENT = "s" * 149 + "1"
OTHER = "o" * 149 + "2"
CLASS = "C" * 120


@pytest.fixture
def classroom(db: Any) -> Classroom:
    course_sync(root=FIXTURE_COURSE)
    users = get_user_model().objects
    teacher = users.create_user(TEACHER, password=PASSWORD)
    instructor_grant(user=teacher)
    room = classroom_create(instructor=teacher, name=CLASS, description="D" * 300)
    # One student by username only, one with a long full name (the grid shows that instead).
    for username, first in ((STUDENT, ""), (OTHER, "F" * 150)):
        student = users.create_user(username, password=PASSWORD, first_name=first)
        classroom_join(user=student, code=room.code)
        for n, question in enumerate(Question.objects.filter(kind__in=["single", "text"])):
            attempt_submit(
                learner=Learner(user_id=student.pk),
                question=question,
                answer={"choices": []} if question.kind == "single" else {"text": "x" * 200},
                is_correct=n % 2 == 0,
            )
    return room


def overflow(page: Any, url: str) -> list[str]:
    """The page's horizontal overflow at this width, and what sticks out, if any."""
    page.goto(url)
    wide = page.evaluate(
        """() => {
          const width = window.innerWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            // What a scroll region holds (the dashboard's grid) scrolls there, not the page.
            .filter(e => {
              for (let up = e.parentElement; up && up !== document.body; up = up.parentElement) {
                if (getComputedStyle(up).overflowX !== 'visible') return false;
              }
              return true;
            })
            .slice(0, 5)
            .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`
                      + ` "${e.textContent.trim().slice(0, 24)}"`);
        }"""
    )
    if not wide:
        return []
    width = page.viewport_size["width"]
    return [f"{url} at {width} px scrolls sideways; sticking out: {', '.join(wide)}"]


@pytest.mark.parametrize("width", [1280, 390])
def test_long_names_never_scroll_the_page_sideways(
    live_server: Any, chromium: Any, classroom: Classroom, width: int
) -> None:
    context = chromium.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    base = live_server.url
    student = get_user_model().objects.get(username=STUDENT)
    try:
        found: list[str] = []
        log_in(page, base, STUDENT)
        for path in ("/", "/review/", "/review/now/", "/lessons/first/", "/classrooms/"):
            found += overflow(page, base + path)
        # The header holds the cut name in one row; the page shows the class name whole.
        height = page.evaluate(
            "document.querySelector('.site-header').getBoundingClientRect().height"
        )
        assert height <= 72, f"the header grew to {height} px with a long username"
        assert CLASS in page.inner_text("main")
        log_in(page, base, TEACHER)
        for path in (
            "/classrooms/",
            f"/classrooms/{classroom.pk}/",
            f"/classrooms/{classroom.pk}/students/{student.pk}/",
            f"/classrooms/{classroom.pk}/questions/",
            f"/classrooms/{classroom.pk}/ask/",
        ):
            found += overflow(page, base + path)
        assert found == [], "\n".join(found)
    finally:
        context.close()
