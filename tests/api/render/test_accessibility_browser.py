"""WCAG 2.2 AA by axe-core in real Chromium under the served Content-Security-Policy: every HTML page, signed out and
signed in as each role, has no violation and reflows at 320 px (tests/api/render/test_reflow_browser.py checks the
tables that scroll in their own regions). The results are what the accessibility statement
(api/render/accessibility_audit.json) says: AIM_WRITE_AUDIT=1 writes them there."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from api.render.accessibility_statement import AUDIT, load_audit
from tests.api.render.axe import WCAG_AA_TAGS, axe_version, axe_violations
from tests.api.render.browser import Watched, needs_chromium
from tests.api.render.page_views import PUBLIC_PAGES, SIGNED_IN_PAGES, ServedDemo, served_demo, signed_in, visit
from tests.api.render.reflow import REFLOW_WIDTH, measure

pytestmark = [needs_chromium, pytest.mark.browser]

UNNAMED_SHAPE = "path.leaflet-interactive:not([aria-label])"  # a map shape a screen reader cannot name


@pytest.fixture(scope="module")
def served(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedDemo]:
    """The demo with its problems, served; a token for each signed-in role."""
    with served_demo(demo_store, tmp_path_factory.mktemp("accessibility")) as demo:
        yield demo


def _audit(browser: Browser, demo: ServedDemo) -> list[dict[str, Any]]:
    found = []
    for role, token, paths in demo.sessions():
        watched = signed_in(browser, demo, token)
        try:
            for path in paths:
                visit(watched, path)
                found.append({"path": path, "role": role, "violations": axe_violations(watched.page)})
        finally:
            watched.context.close()
    return found


def _widths(browser: Browser, demo: ServedDemo) -> list[dict[str, Any]]:
    found = []
    for role, token, paths in demo.sessions():
        watched = signed_in(browser, demo, token, REFLOW_WIDTH)
        try:
            for path in paths:
                visit(watched, path)
                found.append({"path": path, "role": role, "width": measure(watched.page)["width"]})
        finally:
            watched.context.close()
    return found


def _unnamed_map_shapes(browser: Browser, demo: ServedDemo) -> int:
    watched = signed_in(browser, demo, None)
    try:
        visit(watched, "/")
        return int(watched.page.evaluate(f"document.querySelectorAll('{UNNAMED_SHAPE}').length"))
    finally:
        watched.context.close()


def test_every_page_for_every_role_meets_wcag_22_aa_as_the_statement_says(browser: Browser, served: ServedDemo) -> None:
    pages = _audit(browser, served)
    reflow = _widths(browser, served)
    watched = Watched(browser, served.url)
    version = axe_version(watched.page)
    watched.context.close()
    results: dict[str, Any] = {
        "prepared": date.today().isoformat(),
        "standard": "WCAG 2.2 AA",
        "tool": f"axe-core {version}",
        "browser": "Chromium",
        "tags": list(WCAG_AA_TAGS),
        "pages": pages,
        "reflow_width": REFLOW_WIDTH,
        "reflow": reflow,
        "unnamed_map_shapes": _unnamed_map_shapes(browser, served),
    }
    if os.environ.get("AIM_WRITE_AUDIT"):
        AUDIT.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    failing = {(p["role"], p["path"]): [v["id"] for v in p["violations"]] for p in pages if p["violations"]}
    assert not failing, json.dumps([p for p in pages if p["violations"]], indent=1)
    assert len(pages) == len(reflow) == len(PUBLIC_PAGES) + len(served.tokens) * len(SIGNED_IN_PAGES)
    wide = {(p["role"], p["path"]): p["width"] for p in reflow if p["width"] > REFLOW_WIDTH}
    assert not wide, wide

    recorded = load_audit()  # what the statement says is what was found
    assert recorded["tool"] == results["tool"] and recorded["tags"] == results["tags"]
    assert [(p["role"], p["path"], p["violations"]) for p in recorded["pages"]] == [
        (p["role"], p["path"], p["violations"]) for p in pages
    ]
    assert [(p["role"], p["path"]) for p in recorded["reflow"]] == [(p["role"], p["path"]) for p in reflow]
    assert {(p["role"], p["path"]) for p in recorded["reflow"] if p["width"] > REFLOW_WIDTH} == wide.keys()
    assert (recorded["unnamed_map_shapes"] > 0) == (results["unnamed_map_shapes"] > 0)
