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


def test_a_transcript_keeps_its_lines_and_columns_in_order_with_the_prose() -> None:
    # The shape learn/labs/outcomes.py and docker_outcomes.py write: a sentence, then
    # "$ command" and the output, a blank line, then more prose.
    message = (
        "deployment/web is not available:\n"
        "$ kubectl get pods\n"
        "NAME                   READY   STATUS             RESTARTS   AGE\n"
        "web-7c9d8f6b5-x2k4q    0/1     CrashLoopBackOff   3 (20s ago)   2m <x>\n"
        "\n"
        "The container `web` exits at start."
    )
    html = str(check_message(message, "q"))
    assert html.startswith("deployment/web is not available:<pre")
    pre = html[html.index("<pre") : html.index("</pre>")]
    assert "$ kubectl get pods\nNAME                   READY   STATUS" in pre
    assert "CrashLoopBackOff   3 (20s ago)   2m &lt;x&gt;" in pre
    assert html.endswith("</pre>The container <code>web</code> exits at start.")
    assert "<x>" not in html


def test_two_transcripts_in_a_row_are_two_blocks() -> None:
    html = str(check_message("$ docker compose ps -a\nNAME\n$ docker volume ls\nDRIVER", "q"))
    # A new "$ " line inside a transcript belongs to it: one block showing both commands.
    assert html.count("<pre") == 1 and "ps -a\nNAME\n$ docker volume ls\nDRIVER" in html
    html = str(check_message("$ a\nx\n\n$ b\ny", "q"))
    assert html.count("<pre") == 2
