"""Answering questions: htmx and plain POST paths, every kind, tampering, CSRF, no leaks."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from learn.content.models import Question
from learn.progress.models import Attempt, QuestionState
from tests.helpers import right_answer, wrong_answer

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(question: Question) -> str:
    return f"/questions/{question.key}/answer/"


@pytest.mark.parametrize("key", ["t-single", "t-multiple", "t-text", "t-order"])
def test_a_right_answer_over_htmx_returns_correct_feedback(client: Client, course, key) -> None:
    question = course[key]
    response = client.post(url(question), right_answer(question), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-result="correct"' in html
    assert question.explanation_html in html
    assert "<html" not in html  # a fragment, not a page
    assert Attempt.objects.filter(question=question, is_correct=True).count() == 1


@pytest.mark.parametrize("key", ["t-single", "t-multiple", "t-text", "t-order"])
def test_a_wrong_answer_offers_another_try(client: Client, course, key) -> None:
    question = course[key]
    response = client.post(url(question), wrong_answer(question), **HTMX)
    html = response.content.decode()
    assert 'data-result="incorrect"' in html
    assert "check it again" in html
    assert "Show the explanation" in html
    assert Attempt.objects.filter(question=question, is_correct=False).count() == 1


def test_without_javascript_the_post_redirects_back_to_the_question(client: Client, course) -> None:
    question = course["t-single"]
    response = client.post(url(question), wrong_answer(question))
    assert response.status_code == 302
    assert response["Location"] == "/lessons/first/#q-t-single"
    page = client.get("/lessons/first/").content.decode()
    section = page[page.index('id="q-t-single"') :]
    section = section[: section.index("</section>")]
    assert 'data-result="incorrect"' in section
    assert 'aria-live="polite"' in section
    # The learner's own answer is still selected.
    wrong_key = wrong_answer(question)["answer"][0]
    assert re.search(rf'value="{wrong_key}"\s+checked', section)


def test_text_answers_ignore_case_and_spacing(client: Client, course) -> None:
    response = client.post(url(course["t-text"]), {"answer": "  DOCKER    ps "}, **HTMX)
    assert 'data-result="correct"' in response.content.decode()


def test_attempts_are_kept_never_overwritten(client: Client, course) -> None:
    question = course["t-single"]
    client.post(url(question), wrong_answer(question))
    client.post(url(question), right_answer(question))
    client.post(url(question), wrong_answer(question))
    assert list(
        Attempt.objects.filter(question=question)
        .order_by("pk")
        .values_list("is_correct", flat=True)
    ) == [False, True, False]
    state = QuestionState.objects.get(question=question)
    assert (state.tries, state.correct_tries, state.first_try_correct) == (3, 1, False)
    assert state.solved_at is not None and state.last_correct is False


@pytest.mark.parametrize(
    ("key", "payload", "message"),
    [
        ("t-single", {}, "Choose an answer"),
        ("t-single", {"answer": "not-a-choice"}, "not one of this question"),
        ("t-single", {"answer": "@both"}, "exactly one choice"),
        ("t-multiple", {"answer": ["@same", "@same"]}, "sent twice"),
        ("t-text", {"answer": "x" * 201}, "at most 200 characters"),
        ("t-text", {"answer": "   "}, "Type an answer"),
        ("t-order", {"answer": ["@first", "@first", "@first"]}, "only one position"),
        ("t-order", {"answer": ["nope", "nope2", "nope3"]}, "not one of this question"),
        ("t-order", {"answer": ["@first"]}, "Put every step"),
        ("t-single", {"answer": ["x" * 2000]}, "far larger"),
    ],
)
def test_tampered_input_is_a_400_that_stores_nothing(client: Client, course, key, payload, message):
    question = course[key]
    keys = [c["key"] for c in question.data.get("choices", question.data.get("steps", []))]
    resolved = {}
    for name, value in payload.items():
        values = value if isinstance(value, list) else [value]
        out = []
        for v in values:
            if v == "@both":
                out.extend(keys)
            elif v in ("@same", "@first"):
                out.append(keys[0])
            else:
                out.append(v)
        resolved[name] = out
    for headers in ({}, HTMX):
        response = client.post(url(question), resolved, **headers)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "Nothing was saved" in response.content.decode()
    assert Attempt.objects.count() == 0
    assert QuestionState.objects.count() == 0


def test_unknown_and_retired_questions_are_refused(client: Client, course) -> None:
    response = client.post("/questions/no-such-question/answer/", {"answer": "x"})
    assert response.status_code == 400
    assert "no such question" in response.content.decode()
    question = course["t-single"]
    Question.objects.filter(pk=question.pk).update(retired=True)
    response = client.post(url(question), right_answer(question))
    assert response.status_code == 400
    assert "retired" in response.content.decode()
    assert Attempt.objects.count() == 0


def test_get_on_the_answer_url_changes_nothing(client: Client, course) -> None:
    response = client.get(url(course["t-single"]))
    assert response.status_code == 405
    assert Attempt.objects.count() == 0


def test_csrf_is_enforced_on_answers_including_htmx(course) -> None:
    strict = Client(enforce_csrf_checks=True)
    question = course["t-single"]
    response = strict.post(url(question), right_answer(question), **HTMX)
    assert response.status_code == 403
    # The page gives htmx the token through hx-headers on <body>.
    page = strict.get("/lessons/first/").content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    response = strict.post(url(question), right_answer(question), HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200
    assert Attempt.objects.count() == 1


def test_nothing_in_the_page_reveals_the_answer_before_answering(client: Client, course) -> None:
    """DESIGN.md contract: markup, attributes, inline data and fragments say nothing of which
    answer is right, and no explanation is present, until the learner answers."""
    page = client.get("/lessons/first/").content.decode()
    for question in course.values():
        if question.lesson.slug != "first":
            continue
        assert question.explanation_html not in page
        assert "data-result" not in page
        for needle in ("correct", "is-right", "answer-key"):
            assert needle not in page.lower().replace("incorrect", "")
        if question.kind == "text":
            assert "docker ps" not in page and "docker container ls" not in page
        if question.kind == "order":
            positions = re.findall(
                r'<select name="answer" id="q-t-order-pos-1">(.*?)</select>', page, re.DOTALL
            )
            first_option = re.findall(r'<option value="([0-9a-f]{10})"', positions[0])
            assert first_option != question.data["correct"]


def test_answer_and_explanation_are_escaped_in_user_text(client: Client, course) -> None:
    question = course["t-text"]
    client.post(url(question), {"answer": "<script>alert(1)</script>"})
    page = client.get("/lessons/first/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
