"""The path and lesson pages: content, progress, navigation, and fixed query budgets."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from django.test import Client

from learn.content.models import Question
from learn.content.services import course_sync
from learn.progress.learner import Learner
from learn.progress.models import Attempt
from learn.progress.services import attempt_submit
from tests.helpers import right_answer

# The first path page after a change of progress: session, user, pacing, marks, the progress
# stamp, the course version and the lessons (both then kept), counts, last lesson, due count.
# The same page again is 5 (tests/lessons/test_path_cache.py): it is served from the cache.
PATH_BUDGET = 10
LESSON_BUDGET = 10
# session, user, question, pacing, attempt, locked state (+ savepoint), update, lesson status
ANSWER_BUDGET = 15


def test_path_shows_modules_progress_and_a_start_link(client: Client, course) -> None:
    html = client.get("/").content.decode()
    assert "Basics" in html and "More" in html
    # One step per question, one for the lesson without questions: 4 + 1 + 1.
    assert '<progress id="overall-progress" max="6" value="0">' in html
    assert 'href="/lessons/first/" data-continue' in html
    assert "Start with: First lesson" in html


def test_progress_and_continue_follow_the_learner(client: Client, course, make_user) -> None:
    user = make_user()
    client.force_login(user)
    for key in ("t-single", "t-multiple", "t-text", "t-order"):
        client.post(f"/questions/{key}/answer/", right_answer(course[key]))
    html = client.get("/").content.decode()
    assert '<progress id="overall-progress" max="6" value="4">' in html
    assert '<progress id="progress-basics" max="5" value="4">' in html
    assert "1 of 3 lessons complete" in html
    # The first lesson is done, so "continue" moves on to the next unfinished one.
    assert "Continue where you left off: Reading only" in html
    assert 'class="lesson-row done"' in html
    assert "ada" in html  # the username in the header


def test_lesson_page_has_toc_prev_next_and_questions(client: Client, course) -> None:
    html = client.get("/lessons/reading/").content.decode()
    assert 'rel="prev" href="/lessons/first/"' in html
    assert 'rel="next" href="/lessons/second/"' in html
    assert "Mark as done" in html
    first = client.get("/lessons/first/").content.decode()
    assert 'aria-labelledby="toc-title"' in first and 'href="#containers"' in first
    assert first.count("<fieldset>") == 4
    assert first.count('<button type="submit" class="primary">') == 4
    assert client.get("/lessons/nope/").status_code == 404


def test_mark_as_done_for_a_lesson_without_questions(client: Client, course) -> None:
    response = client.post("/lessons/reading/done/")
    assert response.status_code == 302
    assert "Lesson done" in client.get("/lessons/reading/").content.decode()
    htmx = client.post("/lessons/reading/done/", HTTP_HX_REQUEST="true")
    assert 'data-result="correct"' in htmx.content.decode()
    refused = client.post("/lessons/first/done/")
    assert refused.status_code == 400


def write_course(root: Path, lessons: int) -> None:
    module = root / "01-m"
    module.mkdir(parents=True)
    (module / "module.yaml").write_text("title: M\nsummary: S\n")
    for n in range(1, lessons + 1):
        (module / f"{n:02d}-lesson-{n}.md").write_text(
            textwrap.dedent(
                f"""\
                ---
                title: Lesson {n}
                minutes: 8
                ---
                ## Part

                ```quiz
                id: q-{n}-a
                kind: single
                prompt: Pick
                choices:
                  - text: Yes
                    correct: true
                  - text: No
                explanation: Because.
                ```

                ```quiz
                id: q-{n}-b
                kind: text
                prompt: Type yes
                answers: [yes]
                explanation: Because.
                ```
                """
            )
        )


def add_attempts(user_id: int, count: int) -> None:
    questions = list(Question.objects.all())
    learner = Learner(user_id=user_id)
    for n in range(count):
        question = questions[n % len(questions)]
        attempt_submit(
            learner=learner, question=question, answer={"choices": []}, is_correct=n % 3 == 0
        )


@pytest.mark.parametrize(("lessons", "attempts"), [(1, 0), (1, 500), (30, 0), (30, 500)])
def test_query_budgets_do_not_grow(
    client: Client,
    db,
    tmp_path: Path,
    make_user,
    django_assert_max_num_queries,
    lessons: int,
    attempts: int,
) -> None:
    write_course(tmp_path / "lessons", lessons)
    course_sync(root=tmp_path / "lessons")
    user = make_user()
    add_attempts(user.pk, attempts)
    assert Attempt.objects.count() == attempts
    client.force_login(user)
    with django_assert_max_num_queries(PATH_BUDGET):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(LESSON_BUDGET):
        assert client.get("/lessons/lesson-1/").status_code == 200
    with django_assert_max_num_queries(ANSWER_BUDGET):
        response = client.post(
            "/questions/q-1-a/answer/",
            right_answer(Question.objects.get(key="q-1-a")),
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
