"""The accessibility statement (Public Sector Bodies Accessibility Regulations 2018 shape: compliance status, what is
not accessible and why, how to report a problem, when it was prepared), from the audit's results in
accessibility_audit.json, which tests/api/render/test_accessibility_browser.py writes and checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from api.render.templates import render

AUDIT = Path(__file__).with_name("accessibility_audit.json")


def load_audit(path: Path = AUDIT) -> dict[str, Any]:
    """The audit's recorded results."""
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return found


def findings(audit: dict[str, Any]) -> dict[str, Any]:
    """What the statement says, from the audit: the pages with axe-core violations (and the rules), the pages that
    scroll sideways at 320 px, the map shapes without an accessible name, and the compliance status these give."""
    failing = [page for page in audit["pages"] if page["violations"]]
    wide = [page for page in audit["reflow"] if page["width"] > audit["reflow_width"]]
    unnamed = int(audit["unnamed_map_shapes"])
    compliant = not failing and not wide and not unnamed
    return {
        "status": "fully compliant" if compliant else "partially compliant",
        "failing": failing,
        "wide": wide,
        "unnamed": unnamed,
        "roles": sorted({page["role"] for page in audit["pages"]}),
        "paths": sorted({page["path"] for page in audit["pages"]}),
    }


def statement_page(audit: dict[str, Any]) -> str:
    """The statement as an HTML page."""
    return render("accessibility.html", audit=audit, found=findings(audit))
