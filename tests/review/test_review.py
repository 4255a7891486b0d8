"""The review page: every attempted question with the learner's answer, the right one and
why; filters; practice in place; spaced repetition; privacy; a fixed query budget."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from learn.content.models import Question
from learn.progress.learner import Learner
from learn.progress.models import QuestionState
from learn.progress.scheduling import next_review
from learn.progress.services import attempt_submit
from tests.helpers import right_answer, wrong_answer
from tests.lessons.test_pages import add_attempts, write_course

HTMX = {"HTTP_HX_REQUEST": "true"}


def answer(client: Client, question: Question, right: bool, **extra) -> None:
    payload = right_answer(question) if right else wrong_answer(question)
    client.post(f"/questions/{question.key}/answer/", {**payload, **extra})


def test_review_lists_attempted_questions_only_with_answers_and_explanations(
    client: Client, course
) -> None:
    answer(client, course["t-single"], right=False)
    answer(client, course["t-text"], right=True)
    html = client.get("/review/").content.decode()
    assert 'id="review-t-single"' in html and 'id="review-t-text"' in html
    assert "review-t-multiple" not in html and "review-t-second" not in html
    assert course["t-single"].explanation_html in html
    assert "A running process" in html  # their wrong answer
    assert "A read-only template" in html  # the right answer
    assert 'href="/lessons/first/#q-t-single"' in html
    assert "Which are container runtimes?" not in html  # never attempted: never revealed
    # Grouped by module then lesson, in path order.
    assert html.index("t-single") < html.index("t-text")


def test_filters_have_counts_and_work_without_javascript(client: Client, course) -> None:
    answer(client, course["t-single"], right=False)
    answer(client, course["t-text"], right=True)
    answer(client, course["t-second"], right=True)
    html = client.get("/review/").content.decode()
    assert re.search(r'data-count="all">3<', html)
    assert re.search(r'data-count="missed">1<', html)
    missed = client.get("/review/?filter=missed").content.decode()
    assert "review-t-single" in missed and "review-t-text" not in missed
    by_module = client.get("/review/?filter=all&module=more").content.decode()
    assert "review-t-second" in by_module and "review-t-single" not in by_module
    fragment = client.get("/review/?filter=missed", HTTP_HX_TARGET="review-main", **HTMX)
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="review-main">') and "<html" not in body
    assert 'hx-push-url="true"' in body


def test_retry_in_place_over_htmx_updates_item_and_counts(client: Client, course) -> None:
    question = course["t-single"]
    answer(client, question, right=False)
    response = client.post(
        f"/questions/{question.key}/answer/",
        {**right_answer(question), "source_page": "review", "return_to": "/review/?filter=missed"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="review-t-single"' in html and "review-item right" in html
    assert 'hx-swap-oob="true"' in html and re.search(r'data-count="missed">0<', html)
    assert "review-t-single" not in client.get("/review/?filter=missed").content.decode()


def test_retry_without_javascript_redirects_back_keeping_the_filter(client: Client, course):
    question = course["t-single"]
    answer(client, question, right=False)
    response = client.post(
        f"/questions/{question.key}/answer/",
        {
            **right_answer(question),
            "source_page": "review",
            "return_to": "/review/?filter=missed&module=basics",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/review/?filter=missed&module=basics&just=t-single#q-t-single"
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert "review-item right" in page  # shown once more so the learner sees it went right
    evil = client.post(
        f"/questions/{question.key}/answer/",
        {**right_answer(question), "source_page": "review", "return_to": "https://evil.example/"},
    )
    assert evil["Location"].startswith("/review/?just=t-single")


def test_spacing_after_right_right_wrong() -> None:
    now = timezone.now()
    box, due = next_review(box=0, correct=True, now=now)
    assert (box, due - now) == (1, timedelta(days=1))
    box, due = next_review(box=box, correct=True, now=now)
    assert (box, due - now) == (2, timedelta(days=3))
    box, due = next_review(box=box, correct=False, now=now)
    assert (box, due) == (0, now)


def test_a_wrong_answer_is_due_today_and_counted_on_the_path(client: Client, course) -> None:
    answer(client, course["t-single"], right=False)
    answer(client, course["t-text"], right=True)
    state = QuestionState.objects.get(question=course["t-text"])
    assert state.due_at > timezone.now() + timedelta(hours=23)
    path_html = client.get("/").content.decode()
    assert "1 question due for review today</a>" in path_html
    assert 'href="/review/now/" data-due-link' in path_html  # Review now, one at a time
    due = client.get("/review/?filter=due").content.decode()
    assert "review-t-single" in due and "review-t-text" not in due


def test_a_learner_never_sees_another_learners_answers(course, make_user) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    question = course["t-text"]
    attempt_submit(
        learner=Learner(user_id=alice.pk),
        question=question,
        answer={"text": "alice-secret-answer"},
        is_correct=False,
    )
    stranger = Client()
    stranger.post(f"/questions/{question.key}/answer/", {"answer": "anon-secret-answer"})
    client = Client()
    client.force_login(bob)
    html = client.get("/review/").content.decode()
    assert "alice-secret-answer" not in html and "anon-secret-answer" not in html
    assert "review-t-text" not in html
    own = Client()
    own.force_login(alice)
    assert "alice-secret-answer" in own.get("/review/").content.decode()
    assert "anon-secret-answer" not in own.get("/review/").content.decode()


def test_anonymous_learners_get_their_session_review_and_an_invitation(client: Client, course):
    answer(client, course["t-single"], right=False)
    html = client.get("/review/").content.decode()
    assert "review-t-single" in html
    assert "Sign up" in html and "they move to your account" in html


def test_summary_has_accuracy_per_module_and_an_svg_chart(client: Client, course) -> None:
    answer(client, course["t-single"], right=False)
    answer(client, course["t-single"], right=True)
    html = client.get("/review/").content.decode()
    assert "Accuracy per module" in html
    assert "<svg" in html and 'role="img"' in html and "<rect" in html
    assert "50%" in html


REVIEW_BUDGET = 9


@pytest.mark.parametrize("attempts", [10, 500])
def test_review_query_budget(
    client: Client, db, tmp_path, make_user, attempts, django_assert_max_num_queries
) -> None:
    from learn.content.services import course_sync

    write_course(tmp_path / "lessons", 30)
    course_sync(root=tmp_path / "lessons")
    user = make_user()
    add_attempts(user.pk, attempts)
    client.force_login(user)
    with django_assert_max_num_queries(REVIEW_BUDGET):
        response = client.get("/review/")
    assert response.status_code == 200
    with django_assert_max_num_queries(REVIEW_BUDGET):
        client.get("/review/?filter=missed", HTTP_HX_TARGET="review-main", **HTMX)


def _summary(html: str) -> str:
    start = html.index('id="review-summary"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("htmx", [True, False])
def test_the_summary_moves_with_a_retry_like_the_filter_counts(
    client: Client, course, htmx: bool
) -> None:
    """Missed once, then right on the review page: 1 right out of 2 tries is 50%, nothing
    missed, nothing due, in the summary as beside the filters."""
    question = course["t-single"]
    answer(client, question, right=False)
    before = _summary(client.get("/review/?filter=missed").content.decode())
    assert 'data-summary="accuracy">0%' in before and 'data-summary="due">1' in before
    response = client.post(
        f"/questions/{question.key}/answer/",
        {**right_answer(question), "source_page": "review", "return_to": "/review/?filter=missed"},
        **(HTMX if htmx else {}),
    )
    if htmx:
        html = response.content.decode()
        assert 'id="review-summary" aria-labelledby="summary-title" hx-swap-oob="true"' in html
    else:
        html = client.get(response["Location"].split("#")[0]).content.decode()
    after = _summary(html)
    assert re.search(r'data-count="missed">0<', html)
    assert 'data-summary="accuracy">50%' in after and 'data-summary="due">0' in after
    assert re.search(
        r'<tr data-module="basics"><th scope="row">[^<]+</th><td>1</td><td>0</td><td>50%', after
    )
