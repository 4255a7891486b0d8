"""Issue 14.5 and 14.6: learner input never raises. A 4,301-digit number in a lab file and a
NUL byte in an answer were 500s (the NUL only on PostgreSQL, which cannot store U+0000 in
text or JSON; run this file with DATABASE_URL=postgres://... to see that side)."""

from __future__ import annotations

import pytest
from django.test import Client

from learn.content.models import Question
from learn.labs.checks import run
from learn.progress.models import Attempt, QuestionState
from tests.helpers import right_answer

HTMX = {"HTTP_HX_REQUEST": "true"}
HUGE = "9" * 4301

# One document per YAML lab kind, each with the huge number where a number belongs.
YAML_LABS = {
    "kubernetes": (
        {"schema": True},
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        f"  replicas: {HUGE}\n",
    ),
    "compose": ({"schema": True}, f"services:\n  web:\n    image: nginx:1.27\n    cpus: {HUGE}\n"),
    "rbac": (
        {"requests": []},
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n"
        f"  generation: {HUGE}\nrules: []\n",
    ),
}


@pytest.mark.parametrize("kind", sorted(YAML_LABS))
def test_a_4301_digit_number_is_a_clear_message_for_every_yaml_lab_kind(kind: str) -> None:
    checks, text = YAML_LABS[kind]
    results = run(kind, text, checks)
    failed = [r for r in results if not r.passed]
    assert failed, results
    assert "digits" in failed[0].message
    assert failed[0].line is not None


def url(question: Question) -> str:
    return f"/questions/{question.key}/answer/"


@pytest.mark.parametrize("bad", ["\x00", "a\x00b", "\x1b[31m", "\x7f"])
@pytest.mark.django_db
def test_control_characters_in_a_text_answer_are_refused_not_stored(
    client: Client, course, bad: str
) -> None:
    question = course["t-text"]
    for headers in ({}, HTMX):
        response = client.post(url(question), {"answer": f"docker{bad}ps"}, **headers)
        assert response.status_code == 400
        assert "control character" in response.content.decode()
    assert Attempt.objects.count() == 0
    assert QuestionState.objects.count() == 0
    # Tabs and new lines are ordinary text, and the clean answer still goes through.
    response = client.post(url(question), right_answer(question), **HTMX)
    assert 'data-result="correct"' in response.content.decode()


@pytest.mark.django_db
def test_a_nul_in_a_lab_file_is_refused_not_stored(client: Client, course) -> None:
    lab = Question.objects.create(
        key="t-lab",
        lesson=course["t-single"].lesson,
        kind=Question.LAB,
        prompt_html="<p>Lab</p>",
        explanation_html="<p>Why</p>",
        data={
            "lab_kind": "kubernetes",
            "checks": {"schema": True},
            "starter": "",
            "solution": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n",
            "task_html": "",
        },
    )
    source = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\x00\n"
    response = client.post(url(lab), {"source": source}, **HTMX)
    assert response.status_code == 400
    assert "control character" in response.content.decode()
    assert Attempt.objects.count() == 0
    # A file with tabs is fine (tabs are text; YAML itself then says what is wrong).
    response = client.post(url(lab), {"source": lab.data["solution"]}, **HTMX)
    assert response.status_code == 200
    assert Attempt.objects.count() == 1
