"""Progress moves with every solved question: the path's bars and per-lesson counts, the
lesson header's count swapped in out of band, and "Lesson complete" on the last answer, with
and without JavaScript."""

from __future__ import annotations

import re

from django.test import Client

from tests.helpers import right_answer, wrong_answer

STATUS_OOB = re.compile(
    r'<div id="lesson-status" class="lesson-status" hx-swap-oob="true">(.*?)</div>', re.S
)


def answer(client: Client, question, data: dict, *, htmx: bool = True):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(f"/questions/{question.key}/answer/", data, **extra)


def test_path_bars_move_with_each_solved_question(client: Client, course, make_user) -> None:
    client.force_login(make_user())
    answer(client, course["t-single"], right_answer(course["t-single"]))
    answer(client, course["t-text"], wrong_answer(course["t-text"]))
    html = client.get("/").content.decode()
    # 4 questions in "First lesson", 1 step for "Reading only": one solved, no lesson done.
    assert '<progress id="progress-basics" max="5" value="1">' in html
    assert '<progress id="overall-progress" max="6" value="1">' in html
    assert "1 of 4 answered right" in html and "0 of 1 answered right" in html
    assert "0 of 3 lessons complete" in html


def test_each_answer_swaps_the_header_count_out_of_band(client: Client, course) -> None:
    body = answer(client, course["t-single"], right_answer(course["t-single"])).content.decode()
    status = STATUS_OOB.search(body)
    assert status is not None
    assert "1 of 4 answered right" in status.group(1)
    assert "Lesson complete" not in body
    # A wrong answer elsewhere leaves the count where it was, and says so again.
    body = answer(client, course["t-text"], wrong_answer(course["t-text"])).content.decode()
    assert "1 of 4 answered right" in STATUS_OOB.search(body).group(1)  # type: ignore[union-attr]


def test_the_last_question_says_lesson_complete_with_the_next_lesson(
    client: Client, course
) -> None:
    keys = ("t-single", "t-multiple", "t-text", "t-order")
    for key in keys[:-1]:
        assert (
            "Lesson complete"
            not in answer(client, course[key], right_answer(course[key])).content.decode()
        )
    body = answer(client, course["t-order"], right_answer(course["t-order"])).content.decode()
    assert body.count("data-lesson-complete") == 2  # in the feedback and in the header
    assert 'href="/lessons/reading/">Next: Reading only' in body
    assert "4 of 4 answered right" in STATUS_OOB.search(body).group(1)  # type: ignore[union-attr]
    # Answering a solved question again is not a new completion.
    again = answer(client, course["t-single"], right_answer(course["t-single"])).content.decode()
    assert again.count("data-lesson-complete") == 1  # only the header, which stays complete


def test_without_javascript_the_redirected_page_says_the_same(client: Client, course) -> None:
    question = course["t-second"]
    response = answer(client, question, right_answer(question), htmx=False)
    assert response.status_code == 302
    assert response["Location"] == "/lessons/second/#lesson-status"
    page = client.get(response["Location"]).content.decode()
    assert '<div id="lesson-status" class="lesson-status">' in page
    assert "1 of 1 answered right" in page
    # The last lesson of the path leads back to the path.
    assert 'data-lesson-complete><strong>Lesson complete.</strong> <a href="/">' in page
    # An answer that does not complete the lesson goes back to its question, as before.
    first = course["t-single"]
    assert answer(client, first, right_answer(first), htmx=False)["Location"].endswith(
        "#q-t-single"
    )
