"""Each review item shows its prompt and the learner's answer once (issue 12, item 4): a missed
question's practice form carries both, so they are not repeated above it."""

from __future__ import annotations

from django.test import Client

from tests.helpers import right_answer, wrong_answer


def test_a_missed_question_shows_its_prompt_once(client: Client, course) -> None:
    question = course["t-single"]
    client.post(f"/questions/{question.key}/answer/", wrong_answer(question))
    html = client.get("/review/").content.decode()
    item = html.split(f'id="review-{question.key}"', 1)[1].split("</article>", 1)[0]
    prompt = question.prompt_html
    assert item.count(prompt) == 1
    assert "Your latest answer" not in item
    assert "<legend" in item  # the practice form, whose legend is the prompt


def test_a_right_answer_not_due_shows_prompt_and_answer_once(client: Client, course) -> None:
    question = course["t-text"]
    client.post(f"/questions/{question.key}/answer/", right_answer(question))
    html = client.get("/review/").content.decode()
    item = html.split(f'id="review-{question.key}"', 1)[1].split("</article>", 1)[0]
    assert item.count(question.prompt_html) == 1
    assert item.count("Your latest answer") == 1
    assert "<legend" not in item
    assert "right answers out of all tries" in html
