"""Two tabs typing at once: every command is run and stored once, none sees half of another,
on SQLite and PostgreSQL (one transaction per command under the session's row lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from learn.content.services import course_sync
from learn.sandboxes.models import SandboxSession
from learn.sim.world import World
from tests.sandboxes.conftest import SANDBOX_COURSE

TABS = 2
COMMANDS_EACH = 2  # 4 in all: inside the 5-a-second limit


@pytest.mark.django_db(transaction=True)
def test_two_tabs_at_once_lose_nothing(django_user_model) -> None:
    course_sync(root=SANDBOX_COURSE)
    user = django_user_model.objects.create_user("tabs", password="x-long-password-1")
    errors: list[BaseException] = []
    barrier = threading.Barrier(TABS)

    def tab(index: int) -> None:
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()  # both first commands race to create the session row
            for n in range(COMMANDS_EACH):
                response = client.post(
                    "/sandboxes/sb-read-note/run/",
                    {"command": f"echo tab{index}-{n} >> both.txt"},
                )
                assert response.status_code == 302, response.content
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=(i,)) for i in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    session = SandboxSession.objects.get()
    assert session.commands == TABS * COMMANDS_EACH
    written = World.unpack(session.state)["files"]["both.txt"].splitlines()
    expected = {f"tab{i}-{n}" for i in range(TABS) for n in range(COMMANDS_EACH)}
    assert sorted(written) == sorted(expected)
    # Each tab's own commands stay in the order it typed them.
    for i in range(TABS):
        mine = [line for line in written if line.startswith(f"tab{i}-")]
        assert mine == [f"tab{i}-{n}" for n in range(COMMANDS_EACH)]
    assert (
        len(session.transcript) == len(World.unpack(session.state)["log"]) == TABS * COMMANDS_EACH
    )
