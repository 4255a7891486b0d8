import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_CODE = re.compile(r"`([^`\n]+)`")


@register.filter
def inline_code(value: object) -> SafeString:
    """Escape plain text, then show `backticked` spans as code (checker messages use them)."""
    return mark_safe(_CODE.sub(r"<code>\1</code>", escape(str(value))))  # noqa: S308


_FINDING_LINE = re.compile(r"^[Ll]ine (\d+): ")
_RULE = re.compile(r"\b(DL\d{4})\b|\b(SC\d{4})\b")


def _rule_link(match: re.Match[str]) -> str:
    if match.group(1):
        return f'<a href="https://github.com/hadolint/hadolint/wiki/{match.group(1)}">{match.group(1)}</a>'
    return f'<a href="https://www.shellcheck.net/wiki/{match.group(2)}">{match.group(2)}</a>'


@register.filter
def check_title(name: str) -> str:
    """A lab check's plain-language title (learn/labs/checks.py: CHECK_TITLES)."""
    from learn.labs.checks import CHECK_TITLES

    return CHECK_TITLES.get(name, name.replace("_", " ").capitalize())


@register.filter
def check_message(value: object, anchor: str) -> SafeString:
    """A checker message, in the order it was written: prose as text, findings ("- line 3:
    DL3007 ...") as a list whose line numbers link to the editor (static/js/app.js selects
    that line) and linter rules to their documentation, and transcripts (a `$ command` line
    and its output, up to the next blank line) as a <pre> that keeps kubectl's and docker's
    columns. Text is escaped first; only our own markup is added."""
    parts: list[str] = []
    prose: list[str] = []
    items: list[str] = []
    transcript: list[str] = []

    def flush(keep: str = "") -> None:
        if prose and keep != "prose":
            parts.append(" ".join(prose))
            prose.clear()
        if items and keep != "items":
            parts.append(f'<ul class="findings">{"".join(items)}</ul>')
            items.clear()
        if transcript and keep != "transcript":
            body = "\n".join(escape(line) for line in transcript)
            parts.append(f'<pre class="transcript" tabindex="0"><samp>{body}</samp></pre>')
            transcript.clear()

    for raw in str(value).split("\n"):
        if transcript and raw.strip():
            transcript.append(raw.rstrip())
        elif raw.startswith("$ "):
            flush("transcript")
            transcript.append(raw.rstrip())
        elif raw.startswith("- "):
            flush("items")
            text = str(inline_code(raw[2:]))
            text = _FINDING_LINE.sub(
                lambda m: (
                    f'<a href="#{escape(anchor)}-source" data-goto-line="{m.group(1)}">'
                    f"Line {m.group(1)}</a>: "
                ),
                text,
            )
            items.append(f"<li>{_RULE.sub(_rule_link, text)}</li>")
        elif raw.strip():
            flush("prose")
            prose.append(str(inline_code(raw)))
        else:
            flush()
    flush()
    return mark_safe("".join(parts))  # noqa: S308
