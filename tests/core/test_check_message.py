"""Lab check messages: findings become a list, line numbers link to the editor, linter rules
to their documentation, and everything else stays escaped text."""

from __future__ import annotations

from learn.core.templatetags.text import check_message, check_title
from learn.labs.checks import CHECK_TITLES, CHECKS


def test_findings_are_a_list_with_line_links_and_rule_links() -> None:
    # The shape checks._listing writes for hadolint (learn/labs/checks.py: _check_hadolint).
    message = (
        "hadolint reports 2 findings:\n"
        "- line 1: DL3007 warning: Using latest is prone to errors <b>\n"
        "- line 4: SC2086 info: Double quote to prevent globbing in `$FILES`"
    )
    html = str(check_message(message, "q-lab"))
    assert html.startswith("hadolint reports 2 findings:")
    assert html.count("<li>") == 2
    assert '<a href="#q-lab-source" data-goto-line="1">Line 1</a>: ' in html
    assert '<a href="#q-lab-source" data-goto-line="4">Line 4</a>: ' in html
    assert '<a href="https://github.com/hadolint/hadolint/wiki/DL3007">DL3007</a>' in html
    assert '<a href="https://www.shellcheck.net/wiki/SC2086">SC2086</a>' in html
    assert "<code>$FILES</code>" in html
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_a_message_without_findings_is_escaped_text() -> None:
    assert str(check_message("Line 3: `COPY . .` <script>", "q")) == (
        "Line 3: <code>COPY . .</code> &lt;script&gt;"
    )


def test_every_check_has_a_plain_language_title() -> None:
    names = {name for checks in CHECKS.values() for name in checks}
    assert names <= set(CHECK_TITLES)
    assert check_title("deps_before_source") == CHECK_TITLES["deps_before_source"]
    assert "_" not in "".join(CHECK_TITLES.values())
