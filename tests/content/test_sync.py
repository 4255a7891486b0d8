"""`lessons sync`: stable ids, nothing lost on edits, retire instead of delete, idempotent."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learn.content.models import Lesson, Module, Question
from learn.content.services import CourseInvalid, course_sync
from learn.progress.learner import Learner
from learn.progress.models import Attempt, QuestionState
from learn.progress.services import attempt_submit
from tests.conftest import FIXTURE_COURSE

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def editable(tmp_path: Path) -> Path:
    root = tmp_path / "lessons"
    shutil.copytree(FIXTURE_COURSE, root)
    return root


def test_sync_creates_rows_with_prerendered_html(db: None) -> None:
    report = course_sync(root=FIXTURE_COURSE)
    assert report.created == {"module": 2, "lesson": 3, "question": 5}
    lesson = Lesson.objects.get(slug="first")
    html = "".join(p.get("html", "") for p in lesson.parts)
    assert '<div class="codehilite">' in html
    assert [p["question"] for p in lesson.parts if "question" in p] == [
        "t-single",
        "t-multiple",
        "t-text",
        "t-order",
    ]
    assert 'href="#images"' in lesson.toc_html
    assert lesson.question_count == 4


def test_second_sync_without_changes_writes_nothing(db: None) -> None:
    course_sync(root=FIXTURE_COURSE)
    with CaptureQueriesContext(connection) as ctx:
        report = course_sync(root=FIXTURE_COURSE)
    writes = [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
    ]
    assert writes == []
    assert not report.changed


def test_editing_and_reordering_keeps_progress(db: None, editable: Path, make_user) -> None:
    course_sync(root=editable)
    user = make_user()
    question = Question.objects.get(key="t-single")
    attempt_submit(
        learner=Learner(user_id=user.pk),
        question=question,
        answer={"choices": question.data["correct"]},
        is_correct=True,
    )
    # Renumber the modules (02 before 01) and edit the question's wording.
    (editable / "01-basics").rename(editable / "03-basics")
    lesson = editable / "03-basics" / "01-first.md"
    lesson.write_text(lesson.read_text().replace("What is an image?", "What is an image, really?"))
    report = course_sync(root=editable)
    assert report.updated["question"] == 1
    question.refresh_from_db()
    assert question.prompt_html == "What is an image, really?"
    assert list(Module.objects.order_by("position").values_list("slug", flat=True)) == [
        "more",
        "basics",
    ]
    state = QuestionState.objects.get(user=user, question=question)
    assert state.solved_at is not None
    assert Attempt.objects.filter(user=user, question=question).count() == 1


def test_a_removed_question_is_retired_with_its_attempts(
    db: None, editable: Path, make_user
) -> None:
    course_sync(root=editable)
    user = make_user()
    question = Question.objects.get(key="t-second")
    attempt_submit(
        learner=Learner(user_id=user.pk),
        question=question,
        answer={"choices": []},
        is_correct=False,
    )
    lesson = editable / "02-more" / "01-second.md"
    text = lesson.read_text()
    lesson.write_text(text[: text.index("```quiz")])
    report = course_sync(root=editable)
    assert report.retired["question"] == 1
    question.refresh_from_db()
    assert question.retired
    assert Attempt.objects.filter(question=question).count() == 1
    # Putting it back brings the same row (and its history) back.
    lesson.write_text(text)
    course_sync(root=editable)
    question.refresh_from_db()
    assert not question.retired


def test_an_invalid_course_syncs_nothing(db: None, editable: Path) -> None:
    (editable / "02-more" / "01-second.md").write_text("no front matter\n")
    with pytest.raises(CourseInvalid) as info:
        course_sync(root=editable)
    assert "02-more/01-second.md:1: front matter is missing" in str(info.value.problems[0])
    assert Lesson.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_syncs_at_once_leave_one_consistent_copy() -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            course_sync(root=FIXTURE_COURSE)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Module.objects.count() == 2
    assert Lesson.objects.count() == 3
    assert Question.objects.count() == 5
