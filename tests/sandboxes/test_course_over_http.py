"""A new course task played through the lesson page as a learner would, over HTTP: the
starting picture, the file editor, the goals ticking off one by one, and the lesson header
moving when the last goal is reached."""

from __future__ import annotations

import re
import time
from typing import Any

from django.conf import settings
from django.test import Client

from learn.content.services import course_sync
from tests.sandboxes.test_tasks import SERVICE_WEB

SLOT = "m6-sandbox-blue-green"
LESSON = "/lessons/releasing-safely/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def met(html: str) -> list[str]:
    return re.findall(r'data-met="true"><span class="goal-mark">Done:</span> ([^<]+)</li>', html)


def test_blue_green_through_the_lesson_page(client: Client, db: Any) -> None:
    # The EndpointSlice controller follows the Service's selector to the ready Pods
    # (kubernetes/kubernetes pkg/controller/endpointslice/reconciler.go).
    course_sync()
    page = client.get(LESSON).content.decode()
    assert f'action="/sandboxes/{SLOT}/run/"' in page
    # Blue already serves 3 ready endpoints: only the floor holds before the learner types.
    assert met(page) == ["The web Service never had fewer than 3 ready endpoints"]
    assert page.count('data-pod="web-blue-') == 3  # blue's three Pods in the picture

    def run(command: str) -> str:
        time.sleep(0.21)  # the terminal takes at most 5 commands a second per learner
        response = client.post(f"/sandboxes/{SLOT}/run/", {"command": command}, **HTMX)
        assert response.status_code == 200, response.content
        return response.content.decode()

    run("kubectl scale deployment web-green --replicas=3")
    body = run("kubectl rollout status deployment/web-green")
    assert "successfully rolled out" in body
    assert met(body) == [
        "web-green runs 3 available replicas",
        "The web Service never had fewer than 3 ready endpoints",
    ]
    assert 'id="lesson-status"' not in body  # not reached yet: the header is left alone
    saved = client.post(
        f"/sandboxes/{SLOT}/files/",
        {"path": "service.yaml", "text": SERVICE_WEB.replace("version: blue", "version: green")},
        **HTMX,
    )
    assert "Saved service.yaml" in saved.content.decode()
    body = run("kubectl apply -f service.yaml")
    assert "service/web configured" in body
    assert len(met(body)) == 3 and 'data-result="correct"' in body
    assert re.search(r'id="lesson-status" class="lesson-status" hx-swap-oob="true">.*?1 of ', body)


def test_every_lesson_with_a_task_shows_its_terminal_and_picture_within_budget(
    client: Client, db: Any, django_assert_max_num_queries
) -> None:
    from learn.content.models import Question
    from tests.sandboxes.test_terminal import LESSON_BUDGET

    course_sync()
    blocks = Question.objects.filter(kind=Question.SANDBOX).select_related("lesson")
    # Every ```sandbox block of the course's files is a task on its lesson's page.
    in_files = sum(
        p.read_text().count("\n```sandbox\n") for p in settings.LESSONS_DIR.glob("*/*.md")
    )
    assert in_files >= 16 and blocks.count() == in_files
    for question in blocks:
        url = question.lesson.get_absolute_url()
        client.get(url)  # the first visit builds the page skeleton and starting states
        with django_assert_max_num_queries(LESSON_BUDGET):
            html = client.get(url).content.decode()
        assert f'action="/sandboxes/{question.key}/run/"' in html, url
        assert f'id="sb-{question.key}-state"' in html and "<svg" in html, url
        assert 'data-result="correct"' not in html, url  # nothing reached, nothing revealed
