"""axe-core (vendored by the axe-playwright-python package: its axe.min.js, MPL-2.0) run over a browser page under
the page's own Content-Security-Policy: the script goes in through Playwright's `evaluate`, which the DevTools
protocol runs outside the page's CSP (no <script> tag, no nonce, nothing downloaded), and `axe.run` is called the
same way."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page

# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe-core tags no 2.2 rule at level A)
WCAG_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")


def axe_version(page: Page) -> str:
    """The version of axe-core injected in the page."""
    _inject(page)
    return str(page.evaluate("axe.version"))


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 AA violations on the page as it stands: rule id, impact, help and the offending nodes."""
    _inject(page)
    options = {"runOnly": {"type": "tag", "values": list(WCAG_AA_TAGS)}, "resultTypes": ["violations"]}
    found = page.evaluate("options => axe.run(document, options)", options)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "tags": [t for t in v["tags"] if t.startswith("wcag")],
            "nodes": [" ".join(n["target"]) if isinstance(n["target"], list) else n["target"] for n in v["nodes"]],
        }
        for v in found["violations"]
    ]


def _inject(page: Page) -> None:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
