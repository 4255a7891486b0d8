"""The live question: pushed by the instructor, shown on the class page within a poll,
answered with the normal question partial (a normal attempt), counted live, then revealed."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from learn.classrooms.models import LiveQuestion
from learn.content.models import Question
from learn.progress.models import Attempt
from tests.classrooms.conftest import make_students
from tests.helpers import right_answer, wrong_answer

LIVE_POLL_BUDGET = 5  # session, user, membership+class, live question, the learner's state
QUIET_POLL_BUDGET = 4  # session, user, membership+class, live question
ASK_POLL_BUDGET = 6  # session, user, gate, live question, class size, attempts since the push


def poll(client: Client, pk: int, since: str) -> Any:
    return client.get(
        f"/classrooms/{pk}/live/?since={since}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="live"
    )


def version(html: str) -> str:
    return re.search(r'data-version="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_push_answer_watch_reveal(
    client: Client, world: Any, django_assert_max_num_queries: Any
) -> None:
    pk = world.classroom.pk
    single = Question.objects.get(key="t-single")
    explanation = "a container is a running instance"
    student, teacher = Client(), Client()
    student.force_login(world.student)
    teacher.force_login(world.owner)
    # Answered in the lesson before the push: not an answer to the live question.
    student.post("/questions/t-single/answer/", wrong_answer(single))

    page = student.get(f"/classrooms/{pk}/live/").content.decode()
    assert "No question right now" in page and 'hx-trigger="every 3s"' in page
    assert poll(student, pk, "none").status_code == 204

    assert teacher.post(f"/classrooms/{pk}/ask/push/", {"question": "t-single"}).status_code == 302
    live = LiveQuestion.objects.get(classroom=world.classroom, ended_at__isnull=True)
    with django_assert_max_num_queries(LIVE_POLL_BUDGET):
        response = poll(student, pk, "none")
    fragment = response.content.decode()
    assert response.status_code == 200 and fragment.lstrip().startswith('<section id="live"')
    assert 'action="/questions/t-single/answer/"' in fragment and "<legend" in fragment
    assert "<fieldset>" in fragment and '<button type="submit"' in fragment
    assert explanation not in fragment and "data-result" not in fragment  # nothing given away
    assert " checked" not in fragment  # the old lesson answer is not carried over
    with django_assert_max_num_queries(QUIET_POLL_BUDGET):
        quiet = poll(student, pk, version(fragment))
    assert quiet.status_code == 204 and quiet.content == b""  # unchanged: keep the form

    # The answer goes through the normal endpoint and is a normal attempt.
    feedback = student.post(
        "/questions/t-single/answer/", right_answer(single), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-result="correct"' in feedback
    assert Attempt.objects.filter(user=world.student, question=single).count() == 2

    others = make_students(world.classroom, 2, prefix="p")
    other = Client()
    other.force_login(others[0])
    other.post("/questions/t-single/answer/", wrong_answer(single))
    other.post("/questions/t-single/answer/", right_answer(single))

    with django_assert_max_num_queries(ASK_POLL_BUDGET):
        results = teacher.get(
            f"/classrooms/{pk}/ask/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="live-results"
        ).content.decode()
    assert results.lstrip().startswith('<section id="live-results"')
    assert "2 of 3 students answered" in results
    assert "1 right at the first try" in results and "2 right by now" in results
    counts = re.findall(r'<span class="bar-count" data-count>(\d+)</span>', results)
    assert counts == ["1", "1"]  # first answers: one right, one wrong (not their later retry)

    # Reveal: every student's page changes, answered or not.
    teacher.post(f"/classrooms/{pk}/ask/reveal/")
    revealed = poll(student, pk, live.version).content.decode()
    assert explanation in revealed and "A read-only template" in revealed
    assert "You answered it right." in revealed
    silent = Client()
    silent.force_login(others[1])
    unanswered = poll(silent, pk, live.version).content.decode()
    assert explanation in unanswered and "You did not answer this one." in unanswered

    teacher.post(f"/classrooms/{pk}/ask/stop/")
    assert "No question right now" in poll(student, pk, version(revealed)).content.decode()


def test_pushing_again_replaces_the_open_question(client: Client, world: Any) -> None:
    client.force_login(world.owner)
    pk = world.classroom.pk
    client.post(f"/classrooms/{pk}/ask/push/", {"question": "t-single"})
    client.post(f"/classrooms/{pk}/ask/push/", {"question": "t-text"})
    open_ = LiveQuestion.objects.filter(classroom=world.classroom, ended_at__isnull=True)
    assert [q.question.key for q in open_] == ["t-text"]
    assert client.post(f"/classrooms/{pk}/ask/push/", {"question": "nope"}).status_code == 302
    assert [q.question.key for q in open_.all()] == ["t-text"]
    page = client.get(f"/classrooms/{pk}/ask/").content.decode()
    assert 'id="push-t-text" value="t-text" checked>' in page and "Reveal the answer" in page


def test_students_see_a_notice_on_their_class_list(client: Client, world: Any) -> None:
    client.force_login(world.student)
    assert "data-live-notice" not in client.get("/classrooms/").content.decode()
    teacher = Client()
    teacher.force_login(world.owner)
    teacher.post(f"/classrooms/{world.classroom.pk}/ask/push/", {"question": "t-text"})
    html = client.get("/classrooms/").content.decode()
    assert "data-live-notice" in html
    assert f'href="/classrooms/{world.classroom.pk}/live/"' in html
    other = Client()
    other.force_login(world.other_student)
    assert "data-live-notice" not in other.get("/classrooms/").content.decode()


def test_the_live_page_works_without_javascript(client: Client, world: Any) -> None:
    teacher = Client()
    teacher.force_login(world.owner)
    teacher.post(f"/classrooms/{world.classroom.pk}/ask/push/", {"question": "t-text"})
    client.force_login(world.student)
    page = client.get(f"/classrooms/{world.classroom.pk}/live/").content.decode()
    assert '<form method="post" action="/questions/t-text/answer/"' in page
    assert "Reload this page" in page
    response = client.post("/questions/t-text/answer/", {"answer": "docker ps"})
    assert response.status_code == 302
    assert Attempt.objects.filter(user=world.student, question__key="t-text").exists()


def test_live_answers_are_live_attempts_and_wait_for_the_reveal(client, course, make_user):
    from learn.progress.models import Attempt
    from tests.helpers import right_answer

    question = course["t-single"]
    client.force_login(make_user("livestudent"))
    payload = {**right_answer(question), "source_page": "live", "return_to": "/classrooms/7/live/"}
    response = client.post(f"/questions/{question.key}/answer/", payload, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-result="correct"' in html
    assert question.explanation_html not in html
    assert "when your instructor reveals" in html
    plain = client.post(f"/questions/{question.key}/answer/", payload)
    assert plain["Location"] == "/classrooms/7/live/#q-t-single"
    evil = client.post(
        f"/questions/{question.key}/answer/", {**payload, "return_to": "//evil.example/x"}
    )
    assert evil["Location"] == "/lessons/first/#q-t-single"
    assert Attempt.objects.filter(source="live").count() == 3
