"""Markdown + Pygments, used only when lessons are synced (never per request)."""

from __future__ import annotations

import re

import markdown

_EXTENSIONS = ["fenced_code", "codehilite", "tables", "toc", "sane_lists", "smarty"]
_CONFIG = {
    "codehilite": {"css_class": "codehilite", "guess_lang": False, "wrapcode": True},
    "toc": {"toc_depth": "2-3", "permalink": False},
}


def _md() -> markdown.Markdown:
    return markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_CONFIG)


def _scrollable(html: str) -> str:
    """Code blocks and tables scroll sideways on a phone; a keyboard user must be able to
    focus them to scroll them (WCAG 2.1.1; axe-core's scrollable-region-focusable)."""
    html = html.replace(
        '<div class="codehilite"><pre>', '<div class="codehilite"><pre tabindex="0">'
    )
    return html.replace(
        "<table>", '<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>'
    ).replace("</table>", "</table></div>")


def render_body(text: str) -> tuple[str, str]:
    """Render a lesson body; return (html, table-of-contents html)."""
    md = _md()
    html = _scrollable(md.convert(text))
    toc = getattr(md, "toc", "")
    # An empty TOC renders as a bare wrapper; keep "" so templates can test for it.
    if "<li>" not in toc:
        toc = ""
    return html, toc


def render_block(text: str) -> str:
    return _scrollable(_md().convert(text.strip()))


_OUTER_P = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


def render_inline(text: str) -> str:
    """Render one line of Markdown (a choice, an objective) without the wrapping <p>."""
    html = _md().convert(text.strip())
    match = _OUTER_P.match(html)
    return match.group(1) if match and "<p>" not in match.group(1) else html
