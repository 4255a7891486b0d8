"""The compact phone header (issue 12.11): at 390 px the logo mark, the course name, the
username and a "Menu" disclosure sit on one row; the menu is a <details> that opens without
JavaScript and every link in it is reached by keyboard. At 1280 px the same header is one row
laid out flat, with no Menu button. Dark colours and the print stylesheet still hold."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from learn.content.services import course_sync
from tests.browser.test_accessibility import PASSWORD, log_in
from tests.conftest import FIXTURE_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROW = 72  # px: one row of 44 px controls with its padding; a second row would pass 100


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def header_height(page: Any) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def focused(page: Any) -> str:
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return (e.getAttribute('href') || e.textContent || '').trim(); })()"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_header_is_one_row_and_its_menu_works_by_keyboard(
    live_server: Any, chromium: Any, javascript: bool
) -> None:
    course_sync(root=FIXTURE_COURSE)
    get_user_model().objects.create_user("ada-lovelace", password=PASSWORD)
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, color_scheme="dark", java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "ada-lovelace")
        page.goto(f"{live_server.url}/")
        assert header_height(page) <= ROW
        assert page.locator(".site-menu > summary").is_visible()
        assert (
            page.locator(".brand-name").is_visible()
            and page.locator("[data-username]").is_visible()
        )
        # Closed, the sections are not on screen; the one row holds brand, name and Menu.
        assert not page.locator(".site-nav").is_visible()
        tops = page.evaluate(
            "[...document.querySelectorAll('.brand img, .brand-name, [data-username],"
            " .site-menu > summary')].map(e => Math.round(e.getBoundingClientRect().top"
            " + e.getBoundingClientRect().height / 2))"
        )
        assert max(tops) - min(tops) <= 4, tops  # one row: their middles line up

        # By keyboard: skip link, brand, then the Menu; Enter opens it, Tab walks every link.
        page.keyboard.press("Tab")
        assert focused(page) == "#main"
        page.keyboard.press("Tab")
        assert focused(page) == "/"
        page.keyboard.press("Tab")
        assert focused(page) == "Menu"
        page.keyboard.press("Enter")
        page.locator(".site-nav").wait_for()
        assert header_height(page) <= ROW  # the panel opens over the page, not in the row
        reached = []
        for _ in range(6):
            page.keyboard.press("Tab")
            reached.append(focused(page))
        assert reached == [
            "/",
            "/review/",
            "/playground/",
            "/classrooms/",
            reverse("password_change"),
            "Log out",
        ], reached
        for link in page.locator(".site-menu-panel a, .site-menu-panel button").all():
            assert link.is_visible()
            box = link.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # The dark scheme is on, and the panel is painted in it (not a light box in the dark).
        background = page.evaluate(
            "getComputedStyle(document.querySelector('.site-menu-panel')).backgroundColor"
        )
        assert background == "rgb(22, 32, 43)", background  # --surface, dark
        for _ in reached:  # back up the same way
            page.keyboard.press("Shift+Tab")
        assert focused(page) == "Menu"
        page.keyboard.press("Enter")
        assert not page.locator(".site-nav").is_visible()
    finally:
        context.close()


def test_desktop_header_is_one_flat_row_without_a_menu_button(live_server: Any, page: Any):
    course_sync(root=FIXTURE_COURSE)
    get_user_model().objects.create_user("grace", password=PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server.url, "grace")
    page.goto(f"{live_server.url}/review/")
    assert header_height(page) <= ROW
    assert not page.locator(".site-menu > summary").is_visible()
    for name in ("Learning path", "Review", "Playground", "Classrooms", "Password", "Log out"):
        assert (
            page.get_by_role("link", name=name)
            .or_(page.get_by_role("button", name=name))
            .is_visible()
        ), name
    assert page.get_by_role("link", name="Review").get_attribute("aria-current") == "page"
    # Tab order follows what is on screen: the sections, then the account links.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    reached = []
    for _ in range(6):
        page.keyboard.press("Tab")
        reached.append(focused(page))
    assert reached[:4] == ["/", "/review/", "/playground/", "/classrooms/"], reached


def test_print_hides_the_header_and_keeps_the_lesson(live_server: Any, page: Any) -> None:
    course_sync(root=FIXTURE_COURSE)
    page.goto(f"{live_server.url}/lessons/first/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".lesson-body").is_visible()
    assert page.locator(".question legend").first.is_visible()
