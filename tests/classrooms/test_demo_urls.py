"""`make run PORT=8001` serves on that port and `make demo` prints the addresses it will
really be served on (issue 12, item 12)."""

from __future__ import annotations

import shutil
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_and_demo_take_the_port() -> None:
    def dry(target: str) -> str:
        return subprocess.run(
            ["make", "-n", target, "PORT=8001"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert "runserver 127.0.0.1:8001" in dry("run")
    assert "seed_demo --base-url http://127.0.0.1:8001" in dry("demo")


def test_seed_demo_prints_the_urls_it_is_given(course: Any, settings: Any) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--students", "2", "--base-url", "http://10.0.0.5:8001/", stdout=out)
    text = out.getvalue()
    assert "Log in at http://10.0.0.5:8001/accounts/login/" in text
    assert "dashboard: http://10.0.0.5:8001/classrooms/" in text
    assert "127.0.0.1:8000" not in text
