"""Issue 14.2: hadolint cannot tie up the server. A crafted Dockerfile (quoted `$(` nested
deep) makes hadolint's shell parser run for minutes; the bounds live in learn/labs/limits.py."""

from __future__ import annotations

import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.core.cache import cache
from django.test import Client

from learn.content.models import Question
from learn.labs.limits import HADOLINT_TIMEOUT, LabBusy, hadolint_slot
from learn.labs.validators import hadolint_problems
from learn.progress.models import Attempt

HTMX = {"HTTP_HX_REQUEST": "true"}


def nested(depth: int, lines: int = 1) -> str:
    line = 'RUN echo "' + '$(echo "' * depth + "x" + '")' * depth + '"'
    return "FROM debian:12\n" + "\n".join([line] * lines) + "\n"


BOMB = nested(16)  # over 30 s of hadolint before the fix
SLOW = nested(4, lines=200)  # within the nesting bound, but about 7 s of hadolint
GOOD = 'FROM python:3.12-slim\nCOPY app.py /app.py\nCMD ["python", "/app.py"]\n'


def test_deep_substitution_nesting_is_refused_at_once_with_its_line() -> None:
    started = time.monotonic()
    problems = hadolint_problems(BOMB)
    assert time.monotonic() - started < 0.5
    assert len(problems) == 1
    assert problems[0].line == 2
    assert "nested 16 deep" in problems[0].message


def test_a_slow_file_is_cut_off_at_the_timeout() -> None:
    cache.clear()
    started = time.monotonic()
    problems = hadolint_problems(SLOW)
    elapsed = time.monotonic() - started
    assert elapsed < HADOLINT_TIMEOUT + 1.5
    assert "gave up" in problems[0].message
    # The verdict is cached by content: the same file again costs nothing.
    started = time.monotonic()
    assert hadolint_problems(SLOW) == problems
    assert time.monotonic() - started < 0.1


def test_while_the_slot_is_taken_a_new_file_is_busy_and_a_known_one_is_served() -> None:
    cache.clear()
    known = hadolint_problems(GOOD)
    with hadolint_slot():
        assert hadolint_problems(GOOD) == known  # from the cache, no second run
        started = time.monotonic()
        with pytest.raises(LabBusy):
            hadolint_problems(GOOD + "EXPOSE 8000\n")
        assert time.monotonic() - started < 1.0


@pytest.fixture
def dockerfile_lab(course) -> Question:
    return Question.objects.create(
        key="t-docker-lab",
        lesson=course["t-single"].lesson,
        kind=Question.LAB,
        prompt_html="<p>Write a Dockerfile</p>",
        explanation_html="<p>Why</p>",
        data={
            "lab_kind": "dockerfile",
            "checks": {"hadolint": True},
            "starter": "FROM python\n",
            "solution": GOOD,
            "task_html": "",
        },
    )


@pytest.mark.django_db
def test_a_busy_checker_answers_503_with_retry_and_stores_nothing(
    client: Client, dockerfile_lab: Question
) -> None:
    cache.clear()
    url = f"/questions/{dockerfile_lab.key}/answer/"
    with hadolint_slot():
        for headers in ({}, HTMX):
            response = client.post(url, {"source": GOOD}, **headers)
            assert response.status_code == 503
            assert response["Retry-After"]
            assert "busy" in response.content.decode()
    assert Attempt.objects.count() == 0
    response = client.post(url, {"source": GOOD}, **HTMX)
    assert response.status_code == 200
    assert Attempt.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_lesson_page_stays_fast_while_bombs_arrive(live_server, dockerfile_lab) -> None:
    cache.clear()
    lesson_url = f"{live_server.url}/lessons/{dockerfile_lab.lesson.slug}/"
    answer_url = f"{live_server.url}/questions/{dockerfile_lab.key}/answer/"
    stop = threading.Event()
    statuses: list[int] = []

    def attacker(index: int) -> None:
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(lesson_url).read().decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        n = 0
        while not stop.is_set():
            n += 1
            # Fresh content each time, so the cache does not absorb the attack.
            text = (BOMB if index % 2 else SLOW) + f"# {index}-{n}\n"
            body = urllib.parse.urlencode({"source": text, "csrfmiddlewaretoken": token})
            # live_server's own http:// URL, never a user-supplied one.
            request = urllib.request.Request(answer_url, data=body.encode(), method="POST")  # noqa: S310
            try:
                statuses.append(opener.open(request, timeout=30).status)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)

    threads = [threading.Thread(target=attacker, args=(i,), daemon=True) for i in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # let the attack get going: it is what is measured against
    timings = []
    try:
        for _ in range(10):
            started = time.monotonic()
            with urllib.request.urlopen(lesson_url, timeout=30) as response:  # noqa: S310
                assert response.status == 200
            timings.append(time.monotonic() - started)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=HADOLINT_TIMEOUT + 5)
    assert statuses, "the attack sent nothing"
    assert max(timings) < 1.5, timings
