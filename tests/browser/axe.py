"""axe-core in the browser suite, vendored from the npm registry (tests/browser/vendor/
axe-core, `npm pack axe-core`), never from a CDN.

It is added as an init script, which the page's Content-Security-Policy does not block, so
the pages are checked under the same CSP they are served with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def with_axe(context: Any) -> Any:
    context.add_init_script(path=str(AXE))
    return context


def serious_findings(page: Any) -> list[str]:
    """Every serious or critical violation on the page, one line per node."""
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        TAGS,
    )
    lines = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            summary = " ".join(node["failureSummary"].split())[:200]
            lines.append(f"{violation['id']}: {node['target']} {summary}")
    return lines
