"""Screenshots of the pages people see first, for the notes of a change (issue 12).

Run against a server that has the course and the demo class loaded (`make demo`, then
`make run`), with the demo logins it printed:

    .venv/bin/python docs/screenshots/capture.py http://127.0.0.1:8000 SUFFIX \
        TEACHER_PASSWORD STUDENT_PASSWORD

It writes docs/screenshots/<page>-<SUFFIX>-<width>.png for the learning path, a lesson with
code and a question, the instructor's dashboard, live view and projector view, and the
student's live page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]


def login(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def shoot(page: Page, base: str, path: str, name: str, suffix: str, width: int) -> None:
    page.goto(f"{base}{path}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(HERE / f"{name}-{suffix}-{width}.png"), full_page=False)


def main() -> None:
    base, suffix, teacher_pw, student_pw = sys.argv[1:5]
    classroom = sys.argv[5] if len(sys.argv) > 5 else "1"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width, height in ((1280, 900), (390, 844)):
            for scheme in ("light",) if width == 390 else ("light", "dark"):
                tag = suffix if scheme == "light" else f"{suffix}-dark"
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = context.new_page()
                login(page, base, "demo-teacher", teacher_pw)
                page.goto(f"{base}/classrooms/{classroom}/ask/")
                if page.locator("#live-results[hx-get]").count() == 0:
                    # The push list groups questions by lesson in <details>: open the first.
                    page.locator("details.push-lesson > summary").first.click()
                    page.locator(".push-form input[name=question]").first.check()
                    page.select_option("#push-seconds", "300")
                    page.click("text=Push and stay here")
                shoot(page, base, f"/classrooms/{classroom}/", "dashboard", tag, width)
                shoot(page, base, f"/classrooms/{classroom}/ask/", "live", tag, width)
                projector = f"/classrooms/{classroom}/ask/projector/"
                shoot(page, base, projector, "projector", tag, width)
                context.close()
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = context.new_page()
                login(page, base, "demo-student-05", student_pw)
                shoot(page, base, "/", "path", tag, width)
                shoot(page, base, "/lessons/writing-a-dockerfile/", "lesson", tag, width)
                shoot(page, base, f"/classrooms/{classroom}/live/", "live-student", tag, width)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
