"""The sandbox terminal in Chromium: type, see the output and the state swap in place, reach
the goal and find it on /review/; the keyboard alone; two tabs at once; no JavaScript; a phone."""

from __future__ import annotations

import pytest

from learn.content.services import course_sync
from learn.sandboxes.models import SandboxSession
from learn.sim.world import World
from tests.sandboxes.conftest import SANDBOX_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INPUT = "#sb-sb-read-note-command"
LOG = "#sb-sb-read-note-log"


def test_type_a_command_and_reach_the_goal(live_server, page) -> None:
    course_sync(root=SANDBOX_COURSE)
    page.goto(f"{live_server.url}/lessons/terminal/")
    page.evaluate("window.__sameDocument = true")
    assert page.locator('#sb-sb-read-note-state [data-node="kind-worker"]').count() == 1

    page.fill(INPUT, "echo more > extra.txt")
    page.click("#q-sb-read-note .terminal-form button[type=submit]")
    page.locator(f"{LOG} .entry").first.wait_for()
    page.locator("#sb-sb-read-note-state summary", has_text="Files (2)").wait_for()

    page.fill(INPUT, "cat note.txt")
    page.keyboard.press("Enter")
    page.locator('#sb-sb-read-note-feedback [data-result="correct"]').wait_for()
    assert "hello from the sandbox" in page.locator(LOG).inner_text()
    assert page.locator('#sb-sb-read-note-state [data-met="true"]').count() == 1
    assert page.evaluate("window.__sameDocument") is True
    # The input is empty again and keeps focus, ready for the next command.
    assert page.input_value(INPUT) == ""
    assert page.evaluate("document.activeElement.id") == INPUT[1:]

    page.goto(f"{live_server.url}/review/")
    assert "Read the note in the working directory" in page.inner_text("main")


def test_keyboard_only_with_history_and_reset(live_server, page) -> None:
    course_sync(root=SANDBOX_COURSE)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/lessons/terminal/")
    page.focus(INPUT)
    page.keyboard.type("ls")
    page.keyboard.press("Enter")
    page.locator(f"{LOG} .entry", has_text="note.txt").wait_for()
    page.keyboard.type("cat nothing.txt")
    page.keyboard.press("Enter")
    page.locator(f"{LOG} .exit-code").wait_for()
    assert "(exit code 1)" in page.locator(LOG).inner_text()

    page.keyboard.press("ArrowUp")
    assert page.input_value(INPUT) == "cat nothing.txt"
    page.keyboard.press("ArrowUp")
    assert page.input_value(INPUT) == "ls"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.input_value(INPUT) == ""

    page.keyboard.press("Tab")  # the Run button
    page.keyboard.press("Tab")  # Reset
    assert page.evaluate("document.activeElement.textContent.trim()") == "Reset"
    page.keyboard.press("Enter")
    page.locator(LOG, has_text="The sandbox is back at its start.").wait_for()
    assert SandboxSession.objects.get().transcript[-1]["c"] == "# reset"


def test_two_tabs_at_once_lose_nothing(live_server, chromium) -> None:
    course_sync(root=SANDBOX_COURSE)
    context = chromium.new_context()
    context.set_default_timeout(10_000)  # a hang fails, as the page fixture's does
    try:
        first, second = context.new_page(), context.new_page()
        for tab in (first, second):
            tab.goto(f"{live_server.url}/lessons/terminal/")
        # One command first, so both tabs share the anonymous learner's session cookie.
        first.fill(INPUT, "ls")
        first.keyboard.press("Enter")
        first.locator(f"{LOG} .entry").first.wait_for()
        first.fill(INPUT, "echo one >> both.txt")
        second.fill(INPUT, "echo two >> both.txt")
        # Both submit before either answer arrives.
        first.evaluate("document.querySelector('#q-sb-read-note .terminal-form button').click()")
        second.evaluate("document.querySelector('#q-sb-read-note .terminal-form button').click()")
        first.locator(f"{LOG} .entry", has_text="echo one").wait_for()
        second.locator(f"{LOG} .entry", has_text="echo two").wait_for()
    finally:
        context.close()
    session = SandboxSession.objects.get()
    assert session.commands == 3
    assert sorted(World.unpack(session.state)["files"]["both.txt"].splitlines()) == ["one", "two"]


def test_without_javascript_the_form_posts_and_comes_back(live_server, chromium) -> None:
    course_sync(root=SANDBOX_COURSE)
    context = chromium.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)  # a hang fails, as the page fixture's does
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/lessons/terminal/")
        page.fill(INPUT, "cat note.txt")
        page.click("#q-sb-read-note .terminal-form button[type=submit]")
        page.wait_for_url("**/lessons/terminal/#q-sb-read-note")
        assert "hello from the sandbox" in page.inner_text(LOG)
        assert page.locator('#sb-sb-read-note-feedback [data-result="correct"]').count() == 1
    finally:
        context.close()


def test_a_390_pixel_phone_scrolls_only_inside_the_terminal(live_server, chromium) -> None:
    course_sync(root=SANDBOX_COURSE)
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)  # a hang fails, as the page fixture's does
    try:
        page = context.new_page()
        for path in ("/lessons/terminal/", "/playground/"):
            page.goto(f"{live_server.url}{path}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            box = page.locator("svg.cluster-svg").first.bounding_box()
            assert box is not None and box["width"] <= 390
    finally:
        context.close()


HEAL_INPUT = "#sb-sb-heal-command"
HEAL_LOG = "#sb-sb-heal-log"


def pods_in_picture(page) -> dict[str, str]:
    shapes = page.locator("#sb-sb-heal-state g.pod[data-pod]")
    return {
        shapes.nth(i).get_attribute("data-pod"): shapes.nth(i).get_attribute("data-tone")
        for i in range(shapes.count())
    }


def heal(page, live_server, type_command) -> None:
    before = pods_in_picture(page)
    assert len(before) == 2 and set(before.values()) == {"ready"}
    type_command("kubectl get pods")
    page.locator(HEAL_LOG, has_text="READY   STATUS").wait_for()
    victim = sorted(before)[0]
    for name in before:
        assert name in page.locator(HEAL_LOG).inner_text()
    type_command(f"kubectl delete pod {victim}")
    page.locator(HEAL_LOG, has_text=f'pod "{victim}" deleted').wait_for()
    type_command("sleep 20")
    type_command("kubectl get pods")
    page.locator('#sb-sb-heal-feedback [data-result="correct"]').wait_for()
    after = pods_in_picture(page)
    assert victim not in after and len(after) == 2 and set(after.values()) == {"ready"}
    (newcomer,) = set(after) - set(before)
    assert page.locator(f"{HEAL_LOG} .entry").last.inner_text().count(newcomer) == 1
    page.goto(f"{live_server.url}/review/")
    assert "Delete a Pod and watch it come back" in page.inner_text("main")


def test_delete_a_pod_and_see_it_come_back(live_server, page) -> None:
    course_sync(root=SANDBOX_COURSE)
    page.goto(f"{live_server.url}/lessons/healing/")

    def type_command(line: str) -> None:
        count = page.locator(f"{HEAL_LOG} .entry").count()
        page.fill(HEAL_INPUT, line)
        page.click("#q-sb-heal .terminal-form button[type=submit]")
        page.locator(f"{HEAL_LOG} .entry").nth(count).wait_for()

    heal(page, live_server, type_command)


def test_delete_a_pod_and_see_it_come_back_keyboard_only(live_server, page) -> None:
    course_sync(root=SANDBOX_COURSE)
    page.goto(f"{live_server.url}/lessons/healing/")
    for _ in range(80):  # Tab through the page until the terminal's input has focus
        if page.evaluate("document.activeElement.id") == HEAL_INPUT[1:]:
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == HEAL_INPUT[1:]

    def type_command(line: str) -> None:
        count = page.locator(f"{HEAL_LOG} .entry").count()
        page.keyboard.type(line)
        page.keyboard.press("Enter")
        page.locator(f"{HEAL_LOG} .entry").nth(count).wait_for()

    heal(page, live_server, type_command)
