"""Review now: the questions due today one at a time, at most DAILY_LIMIT different questions a
day; answered through the one answer endpoint, with and without htmx; a fixed query budget."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from learn.content.models import Question
from learn.content.services import course_sync
from learn.progress.learner import Learner
from learn.progress.models import Attempt, QuestionState
from learn.progress.services import attempt_submit
from learn.review.queue import DAILY_LIMIT
from tests.helpers import right_answer, wrong_answer
from tests.lessons.test_pages import write_course

HTMX = {"HTTP_HX_REQUEST": "true"}
CHECKED = re.compile(r"<input[^>]* checked")
NOW = {"source_page": "review-now", "return_to": "/review/now/"}


def answer(client: Client, question: Question, right: bool, headers=None, **extra: str):
    payload = right_answer(question) if right else wrong_answer(question)
    return client.post(
        f"/questions/{question.key}/answer/", {**payload, **extra}, **(headers or {})
    )


def test_the_path_links_its_due_count_to_review_now(client: Client, course) -> None:
    answer(client, course["t-single"], right=False)
    path_html = client.get("/").content.decode()
    assert re.search(r'<a class="due" href="/review/now/" data-due-link>1 question due', path_html)


def test_one_due_question_as_a_fresh_form_that_reveals_nothing(client: Client, course) -> None:
    answer(client, course["t-single"], right=False)  # due now
    answer(client, course["t-text"], right=True)  # due tomorrow
    html = client.get("/review/now/").content.decode()
    assert 'id="q-t-single"' in html and 'id="q-t-text"' not in html
    assert 'name="source_page" value="review-now"' in html
    assert "At most 20 different questions a day" in html and "Anki and Duolingo" in html
    # Nothing tells the right answer before this new try: no feedback, nothing checked.
    assert "data-result" not in html and not CHECKED.search(html)
    assert course["t-single"].explanation_html not in html
    assert "0 of at most 20</strong> reviewed today" in html


def test_without_javascript_an_answer_lands_on_its_feedback_then_next(
    client: Client, course
) -> None:
    question = course["t-single"]
    answer(client, question, right=False)
    answer(client, course["t-multiple"], right=False)
    response = answer(client, question, right=True, **NOW)
    assert response.status_code == 302
    assert response["Location"] == "/review/now/?just=t-single#q-t-single"
    assert Attempt.objects.filter(source=Attempt.REVIEW_NOW).count() == 1
    html = client.get(response["Location"]).content.decode()
    assert 'data-result="correct"' in html and question.explanation_html in html
    assert 'href="/review/now/" data-next>Next question</a>' in html
    assert "1 of at most 20</strong> reviewed today" in html
    nxt = client.get("/review/now/").content.decode()
    assert 'id="q-t-multiple"' in nxt and 'id="q-t-single"' not in nxt


def test_over_htmx_the_feedback_swaps_in_with_the_way_on(client: Client, course) -> None:
    question = course["t-single"]
    answer(client, question, right=False)
    response = answer(client, question, right=True, headers=HTMX, **NOW)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div class="feedback correct" data-result="correct">')
    assert question.explanation_html in body
    # Nothing else was due: the way on ends the session, and the count moves out of band.
    assert "data-next>Finish this session</a>" in body
    assert re.search(r'id="review-now-progress" data-reviewed="1" hx-swap-oob="true"', body)
    done = client.get("/review/now/").content.decode()
    assert "Done for today." in done and "data-done" in done


def test_a_missed_question_comes_back_later_in_the_session(client: Client, course) -> None:
    first, second = course["t-single"], course["t-multiple"]
    answer(client, first, right=False)
    answer(client, second, right=False)
    answer(client, first, right=False, **NOW)
    html = client.get("/review/now/?just=t-single").content.decode()
    assert 'data-result="incorrect"' in html and "data-next>Next question</a>" in html
    # Due again at once (box 0), behind the one not yet reviewed.
    assert 'id="q-t-multiple"' in client.get("/review/now/").content.decode()
    answer(client, second, right=True, **NOW)
    again = client.get("/review/now/").content.decode()
    assert 'id="q-t-single"' in again and not CHECKED.search(again)
    assert "2 of at most 20</strong> reviewed today" in again


def test_the_day_stops_at_the_limit_of_different_questions(
    client: Client, db, tmp_path: Path, make_user
) -> None:
    write_course(tmp_path / "lessons", 15)
    course_sync(root=tmp_path / "lessons")
    user = make_user()
    client.force_login(user)
    questions = list(Question.objects.filter(kind__in=["single", "text"]))[: DAILY_LIMIT + 5]
    assert len(questions) == DAILY_LIMIT + 5
    for question in questions:
        attempt_submit(
            learner=Learner(user_id=user.pk), question=question, answer={}, is_correct=False
        )
    first = client.get("/review/now/").content.decode()
    assert "20 questions left in this session · 5 more due wait for tomorrow" in first
    by_key = {q.key: q for q in questions}
    for _ in range(DAILY_LIMIT):
        page = client.get("/review/now/").content.decode()
        key = re.search(r'action="/questions/([\w-]+)/answer/"', page)
        assert key is not None, page
        assert answer(client, by_key[key.group(1)], right=True, **NOW).status_code == 302
    end = client.get("/review/now/").content.decode()
    assert "That is today's 20." in end and "The other 5 due questions come back tomorrow" in end
    assert (
        'href="/review/?filter=due"' in end and '<form method="post" action="/questions/' not in end
    )
    # The review page still lets them practise the rest.
    due = client.get("/review/?filter=due").content.decode()
    assert len(re.findall(r'class="review-item ', due)) == 5


def test_nothing_due_says_when_the_next_question_is(client: Client, course) -> None:
    assert "Nothing to review yet." in client.get("/review/now/").content.decode()
    answer(client, course["t-text"], right=True)
    html = client.get("/review/now/").content.decode()
    state = QuestionState.objects.get(question=course["t-text"])
    assert "Nothing is due now." in html and f'datetime="{state.due_at.isoformat()}' in html


def test_learner_input_never_raises(client: Client, course) -> None:
    answer(client, course["t-single"], right=False)
    for just in ["", "nope", "<script>", "x" * 5000, "t-single\x00"]:
        response = client.get("/review/now/", {"just": just})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode().split("</head>")[1]
    # An unknown source_page falls back to the lesson, as before.
    response = answer(client, course["t-single"], right=True, source_page="nonsense")
    assert response["Location"].startswith("/lessons/first/")


# session, user, live questions held back, today's reviews, the due states, the next due date
REVIEW_NOW_BUDGET = 6
# the answer endpoint's own (tests/lessons/test_pages.py ANSWER_BUDGET, less the lesson
# status) and the queue's three for what comes next
REVIEW_NOW_ANSWER_BUDGET = 12


@pytest.mark.parametrize("due", [2, 40])
def test_review_now_query_budget(
    client: Client, db, tmp_path: Path, make_user, due: int, django_assert_max_num_queries
) -> None:
    write_course(tmp_path / "lessons", 20)
    course_sync(root=tmp_path / "lessons")
    user = make_user()
    for question in Question.objects.all()[:due]:
        attempt_submit(
            learner=Learner(user_id=user.pk), question=question, answer={}, is_correct=False
        )
    client.force_login(user)
    with django_assert_max_num_queries(REVIEW_NOW_BUDGET):
        page = client.get("/review/now/")
    assert page.status_code == 200 and b'name="source_page" value="review-now"' in page.content
    key = re.search(rb'action="/questions/([\w-]+)/answer/"', page.content)
    assert key is not None
    with django_assert_max_num_queries(REVIEW_NOW_BUDGET):
        assert client.get("/review/now/", {"just": key.group(1).decode()}).status_code == 200
    question = Question.objects.get(key=key.group(1).decode())
    # The answer itself: grading and storing it, then the next step of the queue.
    with django_assert_max_num_queries(REVIEW_NOW_ANSWER_BUDGET):
        response = answer(client, question, right=True, headers=HTMX, **NOW)
    assert b'data-result="correct"' in response.content
    with django_assert_max_num_queries(REVIEW_NOW_ANSWER_BUDGET):
        assert answer(client, question, right=False, **NOW).status_code == 302


def test_a_live_question_waits_for_the_reveal(client: Client, course, make_user) -> None:
    """Its feedback and explanation are held back until the instructor reveals it
    (learn/classrooms/gates.py), so Review now does not ask it meanwhile."""
    from learn.classrooms.services import (
        classroom_create,
        classroom_join,
        instructor_grant,
        live_push,
    )

    teacher, student = make_user("teacher"), make_user("student")
    instructor_grant(user=teacher)
    room = classroom_create(instructor=teacher, name="Class")
    classroom_join(user=student, code=room.code)
    for key in ("t-single", "t-multiple"):
        attempt_submit(
            learner=Learner(user_id=student.pk), question=course[key], answer={}, is_correct=False
        )
    live_push(classroom=room, question=course["t-single"], by=teacher)
    client.force_login(student)
    html = client.get("/review/now/").content.decode()
    assert 'id="q-t-multiple"' in html and 'id="q-t-single"' not in html
    assert "1 due question is live in your class and waits for your instructor." in html
