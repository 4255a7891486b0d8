"""The terminal over HTTP: a real form that works without JavaScript (POST, redirect, the
output on the page) and with htmx (the new entry, the rest out of band); goals reached count as
a right answer; limits refuse clearly and store nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from learn.progress.models import Attempt, QuestionState
from learn.sandboxes.models import SandboxSession
from learn.sandboxes.services import RATE_PER_SECOND, SHOWN_LINES
from learn.sim.world import World

RUN = "/sandboxes/sb-read-note/run/"
LESSON = "/lessons/terminal/"
LESSON_BUDGET = 10  # as for any lesson page (tests/lessons/test_pages.py)
# question, session, user, locked sandbox (+ first insert), attempt, locked state (+ insert),
# two updates, the savepoints of three nested transactions, and (when a command reaches the
# goals) the lesson header's count: fixed, whatever the history.
RUN_BUDGET = 19


def run(client: Client, command: str, **extra: Any) -> Any:
    return client.post(RUN, {"command": command}, **extra)


def test_the_block_is_a_real_form_with_a_log(client: Client, sandbox_course: dict) -> None:
    html = client.get(LESSON).content.decode()
    assert f'<form class="terminal-form" method="post" action="{RUN}"' in html
    assert 'name="command"' in html and 'for="sb-sb-read-note-command"' in html
    assert 'role="log" aria-live="polite"' in html
    assert '<button type="submit" class="primary">Run</button>' in html
    # Before the goal, the explanation is nowhere in the page.
    assert "keeps its own working directory" not in html
    assert 'data-result="correct"' not in html


def test_without_javascript_a_command_redirects_back_and_shows_its_output(
    client: Client, sandbox_course: dict
) -> None:
    response = run(client, "cat note.txt")
    assert response.status_code == 302
    assert response["Location"] == f"{LESSON}#q-sb-read-note"
    html = client.get(LESSON).content.decode()
    assert '<kbd class="cmd">cat note.txt</kbd>\nhello from the sandbox\n' in html
    assert 'data-result="correct"' in html
    assert "keeps its own working directory" in html  # the explanation, once earned


def test_reaching_the_goal_is_one_right_answer_on_path_and_review(
    client: Client, sandbox_course: dict, make_user
) -> None:
    user = make_user()
    client.force_login(user)
    run(client, "ls")
    assert not QuestionState.objects.filter(user=user).exists()
    run(client, "cat note.txt")
    run(client, "cat note.txt")  # reaching it again is not another answer
    state = QuestionState.objects.get(user=user, question__key="sb-read-note")
    assert (state.tries, state.correct_tries, state.solved_at is not None) == (1, 1, True)
    (attempt,) = Attempt.objects.filter(user=user)
    assert attempt.is_correct and attempt.answer == {"commands": ["ls", "cat note.txt"]}
    assert "1 of 2 answered right" in client.get(LESSON).content.decode()
    review = client.get("/review/").content.decode()
    assert "Read the note in the working directory" in review
    assert "cat note.txt" in review


def test_with_htmx_the_answer_is_the_entry_and_the_state_out_of_band(
    client: Client, sandbox_course: dict
) -> None:
    response = run(client, "cat note.txt", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<span class="entry" data-exit="0">')
    assert 'id="sb-sb-read-note-state" hx-swap-oob="true"' in html
    assert 'id="sb-sb-read-note-feedback" hx-swap-oob="innerHTML"' in html
    assert 'data-result="correct"' in html
    assert 'data-met="true"' in html


def test_a_failing_command_shows_its_exit_code(client: Client, sandbox_course: dict) -> None:
    html = run(client, "cat nothing.txt", HTTP_HX_REQUEST="true").content.decode()
    assert "cat: nothing.txt: No such file or directory" in html
    assert "(exit code 1)" in html
    assert 'data-met="false"' in html


def test_unsimulated_programs_answer_127(client: Client, sandbox_course: dict) -> None:
    html = run(client, "curl http://example.com", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-exit="127"' in html


def test_learner_text_is_escaped(client: Client, sandbox_course: dict) -> None:
    run(client, "echo <script>alert(1)</script>")
    html = client.get(LESSON).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_every_post_needs_the_csrf_token(sandbox_course: dict) -> None:
    strict = Client(enforce_csrf_checks=True)
    for url in (RUN, "/sandboxes/sb-read-note/reset/", "/sandboxes/sb-read-note/files/"):
        assert strict.post(url, {"command": "ls", "path": "a", "text": "b"}).status_code == 403
    assert not SandboxSession.objects.exists()


def test_too_long_and_empty_commands_are_refused_and_nothing_is_stored(
    client: Client, sandbox_course: dict
) -> None:
    response = run(client, "echo " + "x" * 5000, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "longer than 4 KB" in response.content.decode()
    assert response["HX-Retarget"] == "#sb-sb-read-note-message"
    response = run(client, "   ")
    assert response.status_code == 400
    assert "Type a command first" in response.content.decode()
    assert not SandboxSession.objects.exists()


def test_more_than_five_commands_a_second_get_429_and_are_not_stored(
    client: Client, sandbox_course: dict
) -> None:
    for _ in range(RATE_PER_SECOND):
        assert run(client, "ls").status_code == 302
    response = run(client, "ls")
    assert response.status_code == 429
    assert "at most 5 commands a second" in response.content.decode()
    assert SandboxSession.objects.get().commands == RATE_PER_SECOND
    htmx = run(client, "ls", HTTP_HX_REQUEST="true")
    assert htmx.status_code == 429 and htmx["HX-Retarget"] == "#sb-sb-read-note-message"


def test_reset_restores_the_start_and_keeps_the_transcript(
    client: Client, sandbox_course: dict
) -> None:
    run(client, "echo changed > note.txt")
    run(client, "cat note.txt")
    assert "changed" in World.unpack(SandboxSession.objects.get().state)["files"]["note.txt"]
    response = client.post("/sandboxes/sb-read-note/reset/")
    assert response.status_code == 302
    session = SandboxSession.objects.get()
    assert World.unpack(session.state)["files"]["note.txt"] == "hello from the sandbox\n"
    assert [e["c"] for e in session.transcript] == [
        "echo changed > note.txt",
        "cat note.txt",
        "# reset",
    ]


def test_files_are_edited_and_used_by_the_next_command(
    client: Client, sandbox_course: dict
) -> None:
    response = client.post(
        "/sandboxes/sb-read-note/files/", {"path": "web.yaml", "text": "kind: Pod\r\n"}
    )
    assert response.status_code == 302
    html = run(client, "cat web.yaml", HTTP_HX_REQUEST="true").content.decode()
    assert "kind: Pod\n" in html
    page = client.get(LESSON).content.decode()
    assert '<input type="hidden" name="path" value="web.yaml">' in page
    bad = client.post("/sandboxes/sb-read-note/files/", {"path": "../etc/passwd", "text": "x"})
    assert bad.status_code == 400 and "Nothing was saved" in bad.content.decode()


def test_the_log_keeps_the_last_200_lines_and_every_command(
    client: Client, sandbox_course: dict
) -> None:
    client.post(
        "/sandboxes/sb-read-note/files/",
        {"path": "long.txt", "text": "".join(f"line {n}\n" for n in range(150))},
    )
    for _ in range(2):
        run(client, "cat long.txt")
    session = SandboxSession.objects.get()
    assert [e["c"] for e in session.transcript] == ["cat long.txt", "cat long.txt"]
    assert session.transcript[0]["o"] is None  # scrolled out: 300 lines > SHOWN_LINES
    assert session.transcript[1]["o"].count("\n") == 150 <= SHOWN_LINES
    assert [e["x"] for e in session.transcript] == [0, 0]


def test_an_unknown_sandbox_is_404(client: Client, sandbox_course: dict) -> None:
    assert client.post("/sandboxes/no-such-block/run/", {"command": "ls"}).status_code == 404
    # A quiz is not a sandbox.
    assert client.post("/sandboxes/sb-plain-quiz/run/", {"command": "ls"}).status_code == 404


def test_anonymous_sandboxes_follow_the_learner_into_their_account(
    client: Client, sandbox_course: dict, make_user
) -> None:
    run(client, "echo before > mine.txt")
    user = make_user()
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "correct-horse-battery-9"}
    )
    assert response.status_code == 302
    session = SandboxSession.objects.get()
    assert (session.user_id, session.anon_key) == (user.pk, "")
    assert "before" in World.unpack(session.state)["files"]["mine.txt"]


def test_query_budgets_for_the_lesson_and_a_command(
    client: Client, sandbox_course: dict, make_user, django_assert_max_num_queries
) -> None:
    client.force_login(make_user())
    with django_assert_max_num_queries(LESSON_BUDGET):
        assert client.get(LESSON).status_code == 200
    with django_assert_max_num_queries(RUN_BUDGET):
        assert run(client, "cat note.txt", HTTP_HX_REQUEST="true").status_code == 200
    for _ in range(3):
        run(client, "ls")
    with django_assert_max_num_queries(LESSON_BUDGET):
        assert client.get(LESSON).status_code == 200


def test_the_playground_is_a_sandbox_of_ones_own(client: Client, db: Any) -> None:
    html = client.get("/playground/").content.decode()
    assert '<form class="terminal-form" method="post" action="/sandboxes/playground/run/"' in html
    assert 'role="log"' in html
    assert client.post("/sandboxes/playground/run/", {"command": "echo hi"}).status_code == 302
    assert '<kbd class="cmd">echo hi</kbd>\nhi\n' in client.get("/playground/").content.decode()
    other = Client().get("/playground/").content.decode()
    assert "echo hi" not in other


@pytest.mark.parametrize("path", ["/playground/", LESSON])
def test_pages_render_on_a_phone_sized_layout_without_scripts(
    client: Client, sandbox_course: dict, path: str
) -> None:
    html = client.get(path).content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'viewBox="0 0 ' in html  # the picture scales down


def test_real_time_between_commands_passes_in_the_sandbox_capped(
    client: Client, sandbox_course: dict
) -> None:
    from datetime import timedelta

    from learn.sandboxes.services import MAX_IDLE_SECONDS

    run(client, "ls")
    session = SandboxSession.objects.get()
    started = World.unpack(session.state)["now"]
    SandboxSession.objects.update(updated_at=session.updated_at - timedelta(seconds=30))
    run(client, "ls")
    waited = World.unpack(SandboxSession.objects.get().state)["now"] - started
    assert 30_000 <= waited < 32_000  # 30 s, plus the test's own few milliseconds
    SandboxSession.objects.update(updated_at=session.updated_at - timedelta(days=1))
    before = World.unpack(SandboxSession.objects.get().state)["now"]
    run(client, "ls")
    assert (
        World.unpack(SandboxSession.objects.get().state)["now"] - before == MAX_IDLE_SECONDS * 1000
    )


def test_a_sandbox_too_large_to_keep_is_refused_and_nothing_stored(
    client: Client, sandbox_course: dict
) -> None:
    from learn.sim.world import MAX_STATE_BYTES

    chunk = "x" * 60_000 + "\n"
    count = MAX_STATE_BYTES // len(chunk)
    for n in range(count):
        response = client.post(
            "/sandboxes/sb-read-note/files/", {"path": f"f{n}.txt", "text": chunk}
        )
        assert response.status_code == 302, n
    response = client.post("/sandboxes/sb-read-note/files/", {"path": "last.txt", "text": chunk})
    assert response.status_code == 400
    assert "too large to keep" in response.content.decode()
    assert "last.txt" not in World.unpack(SandboxSession.objects.get().state)["files"]
    assert run(client, "ls").status_code == 302  # the sandbox still works
