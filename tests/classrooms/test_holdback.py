"""Issue 14.3 and 14.4: no answer reaches a learner before it is earned.

- a lab's reference solution (and its explanation) only once the learner has solved it;
- a live question's right answer and explanation not while it is live and unrevealed in any
  of the learner's classes: not on /review/, not in the fragment the answer endpoint returns
  (source_page=review or lesson), not on the lesson page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from learn.classrooms.services import live_push, live_reveal, live_stop
from learn.content.models import Question
from tests.helpers import right_answer, wrong_answer

HTMX = {"HTTP_HX_REQUEST": "true"}
SOLUTION = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: solved-ns-7f3a\n"


@pytest.fixture
def lab(course: dict[str, Question]) -> Question:
    return Question.objects.create(
        key="t-lab",
        lesson=course["t-single"].lesson,
        kind=Question.LAB,
        prompt_html="<p>Make a namespace</p>",
        explanation_html="<p>LAB-EXPLANATION-91c2</p>",
        data={
            "lab_kind": "kubernetes",
            "checks": {"schema": True},
            "starter": "apiVersion: v1\nkind: Namespace\n",
            "solution": SOLUTION,
            "task_html": "",
        },
    )


def post(client: Client, question: Question, data: dict[str, Any], **extra: Any) -> str:
    response = client.post(f"/questions/{question.key}/answer/", data, **extra)
    assert response.status_code in (200, 302), response.status_code
    return response.content.decode()


@pytest.mark.django_db
def test_a_lab_solution_appears_only_once_solved(client: Client, lab: Question) -> None:
    wrong = {"source": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: 3\nspec: 3\n"}
    review = {"source_page": "review", "return_to": "/review/"}
    fragment = post(client, lab, {**wrong, **review}, **HTMX)
    page = client.get("/review/").content.decode()
    for html in (fragment, page):
        assert "solved-ns-7f3a" not in html
        assert "LAB-EXPLANATION-91c2" not in html
    fragment = post(client, lab, {"source": SOLUTION, **review}, **HTMX)
    assert "solved-ns-7f3a" in client.get("/review/").content.decode()
    assert "LAB-EXPLANATION-91c2" in fragment


@pytest.mark.django_db
@pytest.mark.parametrize("source_page", ["lesson", "review"])
def test_a_live_question_is_held_back_until_revealed(
    client: Client, world: Any, source_page: str
) -> None:
    question = Question.objects.get(key="t-single")
    secret = question.explanation_html
    right = [c["html"] for c in question.data["choices"] if c["key"] in question.data["correct"]]
    live_push(classroom=world.classroom, question=question, by=world.owner)
    client.force_login(world.student)
    extra = {"source_page": source_page, "return_to": "/review/"}

    def seen() -> list[str]:
        fragment = post(client, question, {**wrong_answer(question), **extra}, **HTMX)
        post(client, question, {**wrong_answer(question), **extra})  # the no-JS path
        return [
            fragment,
            client.get("/review/").content.decode(),
            client.get(question.lesson.get_absolute_url()).content.decode(),
        ]

    for html in seen():
        assert secret not in html
        # The review page's "right answer and why" block names no right choice.
        for block in html.split('<details class="right-answer"')[1:]:
            block = block.split("</details>", 1)[0]
            for fragment in right:
                assert fragment not in block
    # Even a right answer shows no explanation while the class has not seen the reveal.
    fragment = post(client, question, {**right_answer(question), **extra}, **HTMX)
    assert secret not in fragment
    live_reveal(classroom=world.classroom)
    assert all(secret in html for html in seen()[1:])
    live_stop(classroom=world.classroom)


@pytest.mark.django_db
def test_the_live_question_of_another_class_holds_nothing_back(client: Client, world: Any) -> None:
    question = Question.objects.get(key="t-single")
    live_push(classroom=world.other, question=question, by=world.other_instructor)
    client.force_login(world.student)
    fragment = post(client, question, wrong_answer(question), **HTMX)
    assert question.explanation_html in fragment
