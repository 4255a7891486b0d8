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
    """A checker message with its findings ("- line 3: DL3007 ...") as a list: each line
    number links to the editor (static/js/app.js selects that line) and each linter rule to
    its documentation. Text is escaped first; only our own markup is added."""
    intro: list[str] = []
    items: list[str] = []
    for raw in str(value).split("\n"):
        if raw.startswith("- "):
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
            intro.append(str(inline_code(raw)))
    html = " ".join(intro)
    if items:
        html += f'<ul class="findings">{"".join(items)}</ul>'
    return mark_safe(html)  # noqa: S308
