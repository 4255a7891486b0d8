"""Per-question analysis (hardest first, the most common wrong answer) and the read-only
review of one student."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from learn.content.models import Question
from tests.classrooms.conftest import make_students
from tests.helpers import right_answer, wrong_answer

STUDENT_REVIEW_BUDGET = 6  # session, user, gate, the student's membership, their states, sandboxes


def post_answer(client: Client, key: str, data: dict[str, Any]) -> None:
    assert client.post(f"/questions/{key}/answer/", data).status_code == 302


def test_hardest_questions_first_with_the_most_common_wrong_answer(
    client: Client, world: Any
) -> None:
    single = Question.objects.get(key="t-single")
    second = Question.objects.get(key="t-second")
    right = single.data["correct"][0]
    wrong = next(c["key"] for c in single.data["choices"] if c["key"] != right)
    a, b, c = make_students(world.classroom, 3, prefix="a")
    learner = Client()
    for user in (a, b):
        learner.force_login(user)
        post_answer(learner, "t-single", {"answer": [wrong]})
        post_answer(learner, "t-single", {"answer": [right]})
        post_answer(learner, "t-second", right_answer(second))
    learner.force_login(c)
    post_answer(learner, "t-single", {"answer": [right]})
    post_answer(learner, "t-text", {"answer": "  Docker   Images "})
    learner.force_login(a)
    post_answer(learner, "t-text", {"answer": "docker images"})
    # Someone outside the class does not count.
    learner.force_login(world.other_student)
    post_answer(learner, "t-second", wrong_answer(second))

    client.force_login(world.owner)
    html = client.get(f"/classrooms/{world.classroom.pk}/questions/").content.decode()
    keys = re.findall(r'<tr data-question="([^"]+)"', html)
    assert keys[:3] == ["t-text", "t-single", "t-second"]  # 0% < 33% < 100% at the first try
    row = html.split('data-question="t-single"', 1)[1].split("</tr>", 1)[0]
    assert "33%" in row and "1.7" in row  # 1 of 3 right first time; 5 tries / 3 learners
    assert "A running process" in row and "(2 learners)" in row
    text_row = html.split('data-question="t-text"', 1)[1].split("</tr>", 1)[0]
    assert "<code>docker images</code>" in text_row and "(2 learners)" in text_row
    second = html.split('data-question="t-second"', 1)[1].split("</tr>", 1)[0]
    assert "100%" in second and "Wrong" not in second


def test_wrong_typed_answers_are_escaped(client: Client, world: Any) -> None:
    learner = Client()
    learner.force_login(world.student)
    post_answer(learner, "t-text", {"answer": "<img src=x onerror=alert(1)>"})
    client.force_login(world.owner)
    for url in (
        f"/classrooms/{world.classroom.pk}/questions/",
        f"/classrooms/{world.classroom.pk}/students/{world.student.pk}/",
    ):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_drill_into_one_student_read_only(
    client: Client, world: Any, django_assert_max_num_queries: Any
) -> None:
    single = Question.objects.get(key="t-single")
    wrong = next(c["key"] for c in single.data["choices"] if c["key"] not in single.data["correct"])
    learner = Client()
    learner.force_login(world.student)
    post_answer(learner, "t-single", {"answer": [wrong]})
    post_answer(learner, "t-text", {"answer": "docker ps"})
    client.force_login(world.owner)
    url = f"/classrooms/{world.classroom.pk}/students/{world.student.pk}/"
    with django_assert_max_num_queries(STUDENT_REVIEW_BUDGET):
        html = client.get(url).content.decode()
    single_item = html.split('data-question="t-single"', 1)[1].split("</article>", 1)[0]
    assert 'data-result="incorrect"' in single_item
    assert "A running process" in single_item  # their answer
    assert "A read-only template" in single_item  # the right one
    assert "a container is a running instance" in single_item  # the explanation
    assert "1 try" in single_item
    text_item = html.split('data-question="t-text"', 1)[1].split("</article>", 1)[0]
    assert 'data-result="correct"' in text_item and "<code>docker ps</code>" in text_item
    assert "t-order" not in html  # not answered, not shown
    # Read-only: nothing to answer with; the forms set a new password or remove the student.
    assert 'action="/questions/' not in html and "<fieldset" not in html
    assert html.count('<form method="post"') == 3  # log out (header), set password, remove
