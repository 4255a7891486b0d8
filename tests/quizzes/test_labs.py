"""Labs in lessons: every starter fails its checks, every reference solution passes them, and
a submission is stored like a quiz attempt with its check results."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from learn.content.models import Question
from learn.content.parser import load_course
from learn.content.services import course_sync
from learn.labs.checks import run
from learn.progress.models import Attempt, QuestionState

MODULES, _ = load_course(settings.LESSONS_DIR)
LABS = [
    (lesson, q)
    for module in MODULES
    for lesson in module.lessons
    for q in lesson.questions
    if q.kind == "lab"
]
HTMX = {"HTTP_HX_REQUEST": "true"}


def lab_id(item) -> str:
    return item[1].key


def test_the_course_has_enough_labs_in_every_module() -> None:
    assert len(LABS) >= 8
    modules_with_labs = {lesson.path.split("/")[1] for lesson, _ in LABS}
    assert len(modules_with_labs) == len(MODULES)


@pytest.mark.parametrize("item", LABS, ids=lab_id)
def test_reference_solution_passes_and_starter_fails(item) -> None:
    lesson, lab = item
    data = lab.data
    solved = run(data["lab_kind"], data["solution"], data["checks"])
    failing = [f"{r.name}: {r.message}" for r in solved if not r.passed]
    assert failing == [], f"{lesson.path}:{lab.line}: the reference solution fails {failing}"
    started = run(data["lab_kind"], data["starter"], data["checks"])
    assert any(not r.passed for r in started), (
        f"{lesson.path}:{lab.line}: the starter already passes every check"
    )


@pytest.fixture
def real_course(db) -> dict[str, Question]:
    course_sync()
    return {q.key: q for q in Question.objects.filter(kind="lab")}


def test_a_lab_submission_is_checked_stored_and_comes_back(client: Client, real_course) -> None:
    lab = real_course["m4-lab-fix-deployment"]
    url = f"/questions/{lab.key}/answer/"
    response = client.post(url, {"source": lab.data["starter"]}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-result="incorrect"' in html and 'class="check failed"' in html
    assert lab.explanation_html not in html  # only once it passes
    solved = client.post(url, {"source": lab.data["solution"]}, **HTMX).content.decode()
    assert 'data-result="correct"' in solved and 'class="check failed"' not in solved
    assert Attempt.objects.filter(question=lab).count() == 2
    state = QuestionState.objects.get(question=lab)
    assert state.solved_at is not None and state.last_answer["source"] == lab.data["solution"]
    # The last submission is back in the editor when the learner returns.
    page = client.get(lab.lesson.get_absolute_url()).content.decode()
    assert "check passed" in page
    assert "Every check passes." in page


def test_lab_page_does_not_leak_the_solution(client: Client, real_course) -> None:
    lab = real_course["m4-lab-fix-deployment"]
    page = client.get(lab.lesson.get_absolute_url()).content.decode()
    assert 'name="source"' in page and "data-indent" in page
    assert lab.explanation_html not in page
    solution_lines = [line for line in lab.data["solution"].splitlines() if len(line) > 25]
    starter = lab.data["starter"]
    leaked = [line for line in solution_lines if line not in starter and line in page]
    assert leaked == []


def test_oversized_or_empty_lab_submissions_are_refused(client: Client, real_course) -> None:
    lab = real_course["m4-lab-fix-deployment"]
    url = f"/questions/{lab.key}/answer/"
    big = client.post(url, {"source": "a: b\n" * 20_000})
    assert big.status_code == 400 and "the limit is 64 KB" in big.content.decode()
    empty = client.post(url, {"source": "   "}, **HTMX)
    assert empty.status_code == 400 and "editor is empty" in empty.content.decode()
    assert Attempt.objects.count() == 0
