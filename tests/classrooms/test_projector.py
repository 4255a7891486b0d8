"""The live question on a projector (issue 12, item 9): a countdown the instructor sets,
"Close answers", a live count, the distribution once answers close, and on reveal each
student's own choice marked. Answers after the close are ordinary course attempts that do not
count for the live question."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from learn.classrooms.models import LiveQuestion
from learn.content.models import Question
from learn.progress.models import Attempt
from tests.classrooms.conftest import make_students
from tests.helpers import right_answer, wrong_answer

# session, user, gate, live question, class size, attempts in the answer window
PROJECTOR_BUDGET = 6
PROJECTOR_NAMES_BUDGET = 7  # and the class's students by name
PROJECTOR_EMPTY_BUDGET = 4  # session, user, gate, no live question
ASK_PAGE_BUDGET = 7  # session, user, gate, live question, class size, attempts, questions
LIVE_POLL_BUDGET = 5  # session, user, membership+class, live question, the counted answer


def teacher_and_student(world: Any) -> tuple[Client, Client]:
    teacher, student = Client(), Client()
    teacher.force_login(world.owner)
    student.force_login(world.student)
    return teacher, student


def stage(client: Client, pk: int, names: bool = False) -> str:
    url = f"/classrooms/{pk}/ask/projector/" + ("?names=1" if names else "")
    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="stage")
    assert response.status_code == 200
    return response.content.decode()


def live_fragment(client: Client, pk: int) -> str:
    response = client.get(f"/classrooms/{pk}/live/", HTTP_HX_REQUEST="true")
    return response.content.decode()


def test_push_with_a_countdown_then_close_and_reveal(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    pk = world.classroom.pk
    teacher, student = teacher_and_student(world)
    single = Question.objects.get(key="t-single")
    with django_assert_max_num_queries(PROJECTOR_EMPTY_BUDGET):
        empty = teacher.get(f"/classrooms/{pk}/ask/projector/").content.decode()
    assert "No live question" in empty and 'data-state="none"' in empty

    response = teacher.post(
        f"/classrooms/{pk}/ask/push/",
        {"question": "t-single", "seconds": "30", "then": "projector"},
    )
    assert response["Location"] == f"/classrooms/{pk}/ask/projector/"
    live = LiveQuestion.objects.get(classroom=world.classroom, ended_at__isnull=True)
    assert live.closes_at == live.started_at + timedelta(seconds=30)

    with django_assert_max_num_queries(PROJECTOR_BUDGET):
        page = teacher.get(f"/classrooms/{pk}/ask/projector/").content.decode()
    # Without JavaScript: the stated end time and a refresh link; the clock starts at 0:30.
    assert f"answers close at {timezone.localtime(live.closes_at):%H:%M:%S}" in page
    assert re.search(r'role="timer"[^>]*data-seconds="(29|30)"', page)
    assert f'href="/classrooms/{pk}/ask/projector/">Refresh</a>' in page
    assert "<h1>Live question" in page and "What is an image?" in page
    assert 'data-answered="0" data-waiting="1"' in page
    # Before the close nothing counts up on the screen, and nothing says which is right.
    assert "data-count>" not in page and "data-right" not in page and "✓ Right" not in page
    assert "a running instance" not in page  # the explanation waits for the reveal

    student.post("/questions/t-single/answer/", wrong_answer(single))
    assert 'data-answered="1" data-waiting="0"' in stage(teacher, pk)

    closed = teacher.post(f"/classrooms/{pk}/ask/close/", {"then": "projector"})
    assert closed["Location"] == f"/classrooms/{pk}/ask/projector/"
    live.refresh_from_db()
    assert live.closed_at is not None and live.is_closed() and not live.revealed
    # After the close: a second try is an ordinary attempt that does not count here.
    student.post("/questions/t-single/answer/", right_answer(single))
    assert Attempt.objects.filter(user=world.student, question=single).count() == 2
    html = stage(teacher, pk)
    assert 'data-state="closed"' in html and "Answers are closed" in html
    assert 'data-answered="1"' in html
    assert re.findall(r'class="stage-n" data-count>(\d+)<', html) == ["0", "1"]
    assert "data-right" not in html  # closed is not revealed

    # The student's page: no form any more, their counted answer, no verdict yet.
    mine = live_fragment(student, pk)
    assert "answers are closed" in mine and "<fieldset>" not in mine
    assert "Your answer is in: <code>A running process</code>" in mine
    assert "a running instance" not in mine

    teacher.post(f"/classrooms/{pk}/ask/reveal/", {"then": "projector"})
    html = stage(teacher, pk)
    assert 'data-state="revealed"' in html and "a running instance" in html
    right = re.findall(
        r'<li class="stage-choice is-right" data-right>\s*<span[^>]*>(.*?)</span>', html
    )
    assert right == ["A read-only template"]

    with django_assert_max_num_queries(LIVE_POLL_BUDGET):
        revealed = live_fragment(student, pk)
    # Their own choice is the counted (wrong) first answer, not the right one after the close.
    assert "Your answer was not right." in revealed
    mine_item = re.search(r"<li class=\"marked is-mine\"[^>]*>(.*?)</li>", revealed, re.S)
    assert mine_item and "A running process" in mine_item.group(1)
    assert "Your answer" in mine_item.group(1) and "data-right" not in mine_item.group(0)
    right_item = re.search(r"<li class=\"marked is-right\" data-right>(.*?)</li>", revealed, re.S)
    assert right_item and "A read-only template" in right_item.group(1)
    assert "Your answer" not in right_item.group(1)


def test_the_countdown_running_out_closes_answers(world: Any) -> None:
    pk = world.classroom.pk
    teacher, student = teacher_and_student(world)
    single = Question.objects.get(key="t-single")
    teacher.post(f"/classrooms/{pk}/ask/push/", {"question": "t-single", "seconds": "10"})
    live = LiveQuestion.objects.get(classroom=world.classroom, ended_at__isnull=True)
    open_version = live.version
    form = live_fragment(student, pk)
    assert "<fieldset>" in form and 'role="timer"' in form and "left: answer by" in form
    # Time passes: move the countdown's end into the past rather than sleeping.
    LiveQuestion.objects.filter(pk=live.pk).update(
        started_at=timezone.now() - timedelta(seconds=11),
        closes_at=timezone.now() - timedelta(seconds=1),
    )
    live.refresh_from_db()
    assert live.is_closed() and live.version != open_version and live.time_left == "0:00"
    student.post("/questions/t-single/answer/", right_answer(single))
    after = live_fragment(student, pk)
    assert "you did not answer this one in time" in after and "<fieldset>" not in after
    assert 'data-answered="0"' in stage(teacher, pk)
    # Close answers on an already closed question changes nothing.
    teacher.post(f"/classrooms/{pk}/ask/close/")
    live.refresh_from_db()
    assert live.closed_at is None


def test_a_student_who_answered_right_sees_it_marked(world: Any) -> None:
    pk = world.classroom.pk
    teacher, student = teacher_and_student(world)
    multiple = Question.objects.get(key="t-multiple")
    teacher.post(f"/classrooms/{pk}/ask/push/", {"question": "t-multiple"})
    student.post("/questions/t-multiple/answer/", right_answer(multiple))
    teacher.post(f"/classrooms/{pk}/ask/reveal/")
    revealed = live_fragment(student, pk)
    assert "You answered it right." in revealed
    both = re.findall(r'<li class="marked is-mine is-right" data-mine data-right>', revealed)
    assert len(both) == 2
    assert revealed.count("data-mine") == 2  # etcd, not picked, is not marked as theirs
    # The reveal closed answering: a later answer is not the one that counted.
    assert LiveQuestion.objects.get(classroom=world.classroom).closed_at is not None


def test_text_answers_are_shown_as_typed_and_escaped(world: Any) -> None:
    pk = world.classroom.pk
    teacher, student = teacher_and_student(world)
    teacher.post(f"/classrooms/{pk}/ask/push/", {"question": "t-text"})
    student.post("/questions/t-text/answer/", {"answer": "<script>x</script>"})
    teacher.post(f"/classrooms/{pk}/ask/close/")
    html = stage(teacher, pk)
    assert "<code>&lt;script&gt;x&lt;/script&gt;</code>" in html and "<script>x" not in html
    teacher.post(f"/classrooms/{pk}/ask/reveal/")
    revealed = live_fragment(student, pk)
    assert "Your answer: <code>&lt;script&gt;x&lt;/script&gt;</code>" in revealed
    assert "<code>docker ps</code>" in revealed  # the right answer


def test_names_of_who_has_not_answered_only_when_asked(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    pk = world.classroom.pk
    teacher, student = teacher_and_student(world)
    make_students(world.classroom, 30, prefix="late")
    teacher.post(f"/classrooms/{pk}/ask/push/", {"question": "t-text"})
    student.post("/questions/t-text/answer/", {"answer": "docker ps"})
    assert "late000" not in stage(teacher, pk)
    with django_assert_max_num_queries(PROJECTOR_NAMES_BUDGET):
        html = stage(teacher, pk, names=True)
    assert "Not answered yet (30)" in html and "late029" in html
    assert '<span class="stage-name">stu</span>' not in html  # stu answered
    assert 'data-answered="1" data-waiting="30"' in html
    # The poll keeps asking for names once they are shown.
    assert re.search(rf'hx-get="/classrooms/{pk}/ask/projector/\?shown=[^"]*&amp;names=1"', html)


def test_the_push_list_is_grouped_and_searchable(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    pk = world.classroom.pk
    teacher, _ = teacher_and_student(world)
    teacher.post(f"/classrooms/{pk}/ask/push/", {"question": "t-text"})
    with django_assert_max_num_queries(ASK_PAGE_BUDGET):
        page = teacher.get(f"/classrooms/{pk}/ask/").content.decode()
    lessons = re.findall(r'<details class="push-lesson"( open)?>\s*<summary>([^<]+)', page)
    assert [title.strip() for _, title in lessons] == ["First lesson", "Second lesson"]
    assert lessons[0][0] == " open"  # the live question's lesson opens by itself
    total = Question.objects.active().count()
    assert f'data-found="{total}"' in page and page.count('name="question"') == total
    assert 'id="push-t-text" value="t-text" checked>' in page
    assert '<option value="30" selected>30 seconds</option>' in page

    found = teacher.get(f"/classrooms/{pk}/ask/?q=CONTAINER+runtimes").content.decode()
    assert 'data-found="1"' in found and 'value="t-multiple"' in found
    assert 'value="t-single"' not in found
    by_kind = teacher.get(f"/classrooms/{pk}/ask/?q=typed").content.decode()
    assert 'value="t-text"' in by_kind
    none = teacher.get(f"/classrooms/{pk}/ask/?q=%3Cb%3Ezzz").content.decode()
    assert "No question matches “&lt;b&gt;zzz”" in none and "<b>zzz" not in none


def test_a_countdown_off_the_list_is_refused(world: Any) -> None:
    pk = world.classroom.pk
    teacher, _ = teacher_and_student(world)
    for seconds in ("7", "-30", "abc", "99999999999999999999"):
        response = teacher.post(
            f"/classrooms/{pk}/ask/push/", {"question": "t-text", "seconds": seconds}, follow=True
        )
        assert "Pick a time to answer from the list." in response.content.decode()
    assert not LiveQuestion.objects.exists()


def test_the_buttons_are_redrawn_only_when_the_state_changes(world: Any) -> None:
    pk = world.classroom.pk
    teacher, _ = teacher_and_student(world)
    page = teacher.get(f"/classrooms/{pk}/ask/projector/").content.decode()
    assert f'hx-get="/classrooms/{pk}/ask/projector/?shown=none"' in page
    assert "data-close-answers" not in page and "hx-swap-oob" not in page
    # Pushed from another tab: the next poll brings the buttons along, out of band.
    teacher.post(f"/classrooms/{pk}/ask/push/", {"question": "t-single"})
    live = LiveQuestion.objects.get(classroom=world.classroom)
    response = teacher.get(
        f"/classrooms/{pk}/ask/projector/?shown=none",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="stage",
    )
    html = response.content.decode()
    assert '<div id="stage-controls" class="stage-controls" hx-swap-oob="true">' in html
    assert "data-close-answers" in html and f"?shown={live.version}" in html
    # Unchanged: the stage only, so a focused button stays put.
    quiet = teacher.get(
        f"/classrooms/{pk}/ask/projector/?shown={live.version}",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="stage",
    ).content.decode()
    assert "stage-controls" not in quiet and 'id="stage"' in quiet
