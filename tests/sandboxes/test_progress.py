"""A command that reaches a block's goals moves the lesson's progress as an answer does: the
header's count swapped in out of band (lesson.html#status, the quiz answer's partial), and,
when it was the lesson's last open item, "Lesson complete" with the next lesson right where the
learner is; without JavaScript the page redirected to says the same in its header."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from tests.helpers import right_answer
from tests.sandboxes.test_terminal import RUN_BUDGET

RUN = "/sandboxes/sb-read-note/run/"
HTMX = {"HTTP_HX_REQUEST": "true"}
STATUS_OOB = re.compile(
    r'<div id="lesson-status" class="lesson-status" hx-swap-oob="true">(.*?)</div>', re.S
)


def quiz(client: Client, question: Any) -> None:
    response = client.post(f"/questions/{question.key}/answer/", right_answer(question), **HTMX)
    assert response.status_code == 200


def test_reaching_the_goal_swaps_the_header_count_out_of_band(
    client: Client, sandbox_course: dict
) -> None:
    assert STATUS_OOB.search(client.post(RUN, {"command": "ls"}, **HTMX).content.decode()) is None
    body = client.post(RUN, {"command": "cat note.txt"}, **HTMX).content.decode()
    status = STATUS_OOB.search(body)
    assert status is not None, body
    assert "1 of 2 answered right" in status.group(1)
    assert "Lesson complete" not in body  # the quiz is still open
    # Reaching it again is not a new answer: the header is left alone.
    again = client.post(RUN, {"command": "cat note.txt"}, **HTMX).content.decode()
    assert STATUS_OOB.search(again) is None


def test_the_last_open_item_says_lesson_complete_where_the_learner_is(
    client: Client, sandbox_course: dict, make_user, django_assert_max_num_queries
) -> None:
    client.force_login(make_user())
    assert client.get("/lessons/terminal/").status_code == 200
    quiz(client, sandbox_course["sb-plain-quiz"])
    with django_assert_max_num_queries(RUN_BUDGET):
        body = client.post(RUN, {"command": "cat note.txt"}, **HTMX).content.decode()
    assert "2 of 2 answered right" in STATUS_OOB.search(body).group(1)  # type: ignore[union-attr]
    # Once in the sandbox's feedback, beside the terminal, and once in the header.
    assert body.count("data-lesson-complete") == 2
    feedback = body.split('id="sb-sb-read-note-feedback"', 1)[1].split("sandbox-state", 1)[0]
    assert 'href="/lessons/healing/">Next: Self-healing' in feedback
    assert 'data-result="correct"' in feedback


def test_without_javascript_the_redirected_page_says_the_same(
    client: Client, sandbox_course: dict
) -> None:
    quiz(client, sandbox_course["sb-plain-quiz"])
    response = client.post(RUN, {"command": "cat note.txt"})
    assert response.status_code == 302
    assert response["Location"] == "/lessons/terminal/#lesson-status"
    page = client.get(response["Location"]).content.decode()
    assert '<div id="lesson-status" class="lesson-status">' in page
    assert "2 of 2 answered right" in page
    assert (
        "data-lesson-complete><strong>Lesson complete.</strong> "
        '<a href="/lessons/healing/">Next: Self-healing' in page
    )
    assert "cat note.txt" in page  # the command's output is on the page too
    # A command after that goes back to the block, as before.
    assert client.post(RUN, {"command": "ls"})["Location"] == "/lessons/terminal/#q-sb-read-note"


def test_a_goal_that_leaves_the_lesson_open_redirects_back_to_the_block(
    client: Client, sandbox_course: dict
) -> None:
    response = client.post(RUN, {"command": "cat note.txt"})
    assert response["Location"] == "/lessons/terminal/#q-sb-read-note"
    page = client.get(response["Location"]).content.decode()
    assert "1 of 2 answered right" in page and "Lesson complete" not in page
