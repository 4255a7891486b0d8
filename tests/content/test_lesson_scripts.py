"""Shell scripts the course tells learners to copy behave as the lesson says, run by the real
bash in a real git repository (no Docker here: the script is cut off before `docker build` by
removing the docker lines, so what is tested is the guard, not a fake engine)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.content.course import course_modules

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash"
)

MODULES = course_modules()


def lesson_script(marker: str) -> str:
    for module in MODULES:
        for lesson in module.lessons:
            for block in lesson.code_blocks:
                if block.lang == "bash" and marker in block.text:
                    return block.text
    raise AssertionError(f"no bash block in the course contains {marker!r}")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / "app.py").write_text("print('v1')\n")
    git(tmp_path, "add", "app.py")
    git(tmp_path, "commit", "-q", "-m", "v1")
    return tmp_path


def run_guard(repo: Path, script: str) -> subprocess.CompletedProcess[str]:
    # Everything up to the build: the lines that would call Docker are replaced by a marker
    # that is printed only if the guard let the script through.
    kept = [line for line in script.splitlines() if not line.startswith("docker ")]
    body = "\n".join(kept) + "\necho REACHED-BUILD\n"
    return subprocess.run(
        ["bash", "-c", body], cwd=repo, capture_output=True, text=True, timeout=10
    )


TAG_SCRIPT = lesson_script("git rev-parse --short HEAD")


def test_tag_script_builds_from_a_clean_tree(repo: Path) -> None:
    result = run_guard(repo, TAG_SCRIPT)
    assert result.returncode == 0, result.stderr
    assert "REACHED-BUILD" in result.stdout


@pytest.mark.parametrize("change", ["unstaged", "staged", "untracked"])
def test_tag_script_stops_on_uncommitted_changes(repo: Path, change: str) -> None:
    if change == "untracked":
        (repo / "new.py").write_text("x = 1\n")
    else:
        (repo / "app.py").write_text("print('v2')\n")
        if change == "staged":
            git(repo, "add", "app.py")
    result = run_guard(repo, TAG_SCRIPT)
    assert result.returncode == 1, f"the script went on with {change} changes"
    assert "REACHED-BUILD" not in result.stdout
    assert "uncommitted changes" in result.stderr


def test_the_old_guard_really_did_not_stop_under_set_e(repo: Path) -> None:
    # The version the lesson warns against: bash exempts every command but the last of an
    # && list from `set -e`, so an unstaged change slips through (bash(1), "set -e").
    (repo / "app.py").write_text("print('v2')\n")
    old = "set -euo pipefail\ngit diff --quiet && git diff --cached --quiet\n"
    result = run_guard(repo, old)
    assert "REACHED-BUILD" in result.stdout
