"""Cached learner pages (learn/core/freshness.py): never stale after the learner's own write,
never another learner's, and cheap when warm. Real database, real clients, real logins."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, override_settings

from learn.classrooms.models import LiveQuestion
from learn.content.models import Question
from learn.core.freshness import SHARED
from learn.core.pagecache import CSRF_PLACEHOLDER
from tests.classrooms.test_live import poll, version
from tests.helpers import right_answer, wrong_answer
from tests.lessons.test_path_cache import cookie_secret, secret

PASSWORD = "correct-horse-battery-9"
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WARM_BUDGET = 1  # the course version, re-read every 2 s; session, user and page are cached
PAGES = ("/", "/lessons/first/", "/review/")
EXPLANATION = "a container is a running instance"  # t-single's, in tests/fixtures/course


def logged_in(make_user: Any, name: str) -> Client:
    client = Client()
    make_user(name)
    assert client.post("/accounts/login/", {"username": name, "password": PASSWORD}).status_code
    assert name in client.get("/").content.decode()
    return client


def other_worker_memory() -> Any:
    """What a second gunicorn worker's own cache still holds: a copy of this one's now."""
    return dict(cache._cache), dict(cache._expire_info)  # type: ignore[attr-defined]


def restore(memory: Any) -> None:
    cache._cache.update(memory[0])  # type: ignore[attr-defined]
    cache._expire_info.update(memory[1])  # type: ignore[attr-defined]


@pytest.mark.parametrize("url", PAGES)
def test_own_answer_shows_at_once_even_on_a_worker_that_kept_the_old_page(
    course: dict[str, Question], make_user: Any, url: str
) -> None:
    question = course["t-single"]
    ada = logged_in(make_user, "ada")
    before = ada.get(url).content.decode()
    assert ada.get(url).content.decode().count("data-result") == before.count("data-result")
    kept = other_worker_memory()
    response = ada.post(f"/questions/{question.key}/answer/", wrong_answer(question))
    assert response.status_code == 302
    restore(kept)  # the next request lands on a worker that still has the old page
    after = ada.get(url).content.decode()
    if url == "/lessons/first/":
        assert "data-result" not in before and 'data-result="incorrect"' in after
    elif url == "/":
        assert "In progress" not in before and "In progress" in after
    else:
        # The review lists the missed question with its explanation once answered.
        assert EXPLANATION not in before and EXPLANATION in after


def test_two_learners_never_see_each_others_pages(
    course: dict[str, Question], make_user: Any
) -> None:
    question = course["t-single"]
    ada, bob = logged_in(make_user, "zadaq"), logged_in(make_user, "zbobq")
    for url in PAGES:  # both warm, each under their own key
        ada.get(url)
        bob.get(url)
    ada.post(f"/questions/{question.key}/answer/", right_answer(question))
    ada_lesson = ada.get("/lessons/first/").content.decode()
    bob_lesson = bob.get("/lessons/first/").content.decode()
    assert 'data-result="correct"' in ada_lesson and "data-result" not in bob_lesson
    for url in PAGES:
        ada_page, bob_page = ada.get(url).content.decode(), bob.get(url).content.decode()
        assert "zadaq" in ada_page and "zadaq" not in bob_page
        assert "zbobq" in bob_page and "zbobq" not in ada_page
    # A visitor without answers gets neither.
    visitor = Client().get("/lessons/first/").content.decode()
    assert "data-result" not in visitor and "zadaq" not in visitor


def test_an_instructors_reveal_reaches_students_pages(
    client: Client, world: Any, course: dict[str, Question]
) -> None:
    """A held explanation (another person's write) shows once the instructor reveals."""
    question = course["t-single"]
    teacher, student = Client(), Client()
    teacher.force_login(world.owner)
    student.force_login(world.student)
    pk = world.classroom.pk
    assert teacher.post(f"/classrooms/{pk}/ask/push/", {"question": "t-single"}).status_code == 302
    student.post(f"/questions/{question.key}/answer/", wrong_answer(question))
    held = student.get("/lessons/first/").content.decode()
    assert teacher.post(f"/classrooms/{pk}/ask/reveal/").status_code == 302
    shown = student.get("/lessons/first/").content.decode()
    assert EXPLANATION not in held and EXPLANATION in shown


def test_warm_pages_for_a_logged_in_learner_need_no_query(
    course: dict[str, Question], make_user: Any, django_assert_max_num_queries: Any
) -> None:
    question = course["t-single"]
    ada = logged_in(make_user, "ada")
    ada.post(f"/questions/{question.key}/answer/", wrong_answer(question))
    for url in PAGES:
        ada.get(url)
        with django_assert_max_num_queries(WARM_BUDGET):
            assert ada.get(url).status_code == 200


def test_a_quiet_poll_is_answered_without_the_database_until_the_question_changes(
    world: Any, django_assert_num_queries: Any
) -> None:
    pk = world.classroom.pk
    student, teacher = Client(), Client()
    student.force_login(world.student)
    teacher.force_login(world.owner)
    assert poll(student, pk, "none").status_code == 204  # drawn once: the view's answer
    with django_assert_num_queries(0):
        assert poll(student, pk, "none").status_code == 204
    teacher.post(f"/classrooms/{pk}/ask/push/", {"question": "t-single"})
    pushed = poll(student, pk, "none")
    assert pushed.status_code == 200 and "<fieldset>" in pushed.content.decode()
    live = version(pushed.content.decode())
    assert poll(student, pk, live).status_code == 204
    with django_assert_num_queries(0):
        quiet = poll(student, pk, live)
    assert quiet.status_code == 204 and "no-store" in quiet["Cache-Control"]
    teacher.post(f"/classrooms/{pk}/ask/reveal/")
    assert LiveQuestion.objects.get(classroom=world.classroom).revealed
    assert poll(student, pk, live).status_code == 200  # the reveal is not hidden by a 204
    # Someone who is not a member never gets the cached 204.
    outsider = Client()
    outsider.force_login(world.other_student)
    assert poll(outsider, pk, "none").status_code == 404


def test_a_learner_removed_from_the_class_stops_getting_204s(world: Any) -> None:
    pk = world.classroom.pk
    student, teacher = Client(), Client()
    student.force_login(world.student)
    teacher.force_login(world.owner)
    assert poll(student, pk, "none").status_code == 204
    assert poll(student, pk, "none").status_code == 204
    removed = teacher.post(f"/classrooms/{pk}/students/{world.student.pk}/remove/")
    assert removed.status_code in (302, 200)
    # A removed student is told what happened (403 with the removal notice, see
    # tests/classrooms/test_removal.py), never a cached "nothing changed".
    after = poll(student, pk, "none")
    assert after.status_code == 403
    assert b"removed you" in after.content


def test_log_out_and_password_change_reach_every_worker(
    course: dict[str, Question], make_user: Any, tmp_path: Any
) -> None:
    """With the shared cache as files (what two gunicorn workers without Redis share; the file
    cache keeps nothing in memory, so every worker reads the same files): the session and
    the user are kept there, and a password change ends the old session."""
    files = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        SHARED: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "shared"),
        },
    }
    with override_settings(CACHES=files):
        ada = logged_in(make_user, "zadaq")
        copy = Client()
        copy.cookies = ada.cookies  # the same browser, its next request on another worker
        assert "zadaq" in copy.get("/").content.decode()
        assert any((tmp_path / "shared").iterdir())  # the session and user are in the files
        account = get_user_model().objects.get(username="zadaq")
        account.set_password("a-new-password-42")
        account.save()
        page = copy.get("/").content.decode()
        assert "zadaq" not in page and "Log in" in page  # the old session ended everywhere


def test_without_a_shared_cache_pages_are_drawn_fresh_for_every_request(
    course: dict[str, Question], make_user: Any
) -> None:
    """LEARN_SHARED_CACHE=none (several pods, no Redis): nothing learner-specific is kept."""
    question = course["t-single"]
    nothing_shared = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        SHARED: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    with override_settings(
        CACHES=nothing_shared,
        SHARED_CACHE="none",
        SESSION_ENGINE="django.contrib.sessions.backends.db",
    ):
        ada = logged_in(make_user, "zadaq")
        assert "data-result" not in ada.get("/lessons/first/").content.decode()
        kept = other_worker_memory()
        ada.post(f"/questions/{question.key}/answer/", wrong_answer(question))
        restore(kept)
        assert 'data-result="incorrect"' in ada.get("/lessons/first/").content.decode()
        assert "In progress" in ada.get("/").content.decode()


def test_a_kept_review_page_carries_each_browsers_own_csrf_token(
    course: dict[str, Question], make_user: Any
) -> None:
    """Two browsers of one account share the kept page, never the token in its forms."""
    question = course["t-single"]
    phone = logged_in(make_user, "zadaq")
    phone.post(f"/questions/{question.key}/answer/", wrong_answer(question))
    laptop = Client()
    assert laptop.post("/accounts/login/", {"username": "zadaq", "password": PASSWORD})
    pages = {c: c.get("/review/").content.decode() for c in (phone, laptop, phone)}
    for client, page in pages.items():
        tokens = FORM_TOKEN.findall(page)
        assert tokens and CSRF_PLACEHOLDER not in page
        assert {secret(t) for t in tokens} == {cookie_secret(client)}
    assert cookie_secret(phone) != cookie_secret(laptop)
