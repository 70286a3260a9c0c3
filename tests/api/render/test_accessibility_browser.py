"""WCAG 2.2 AA by axe-core in real Chromium under the served Content-Security-Policy: every HTML page, signed out and
signed in as each role, has no violation; /login, /feeds and the statement reflow at 320 px. The results are what
the accessibility statement (api/render/accessibility_audit.json) says: AIM_WRITE_AUDIT=1 writes them there."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from api.access.principals import Role
from api.access.store import AccessStore
from api.render.accessibility_statement import AUDIT, load_audit
from api.settings import Settings
from tests.api.conftest import with_demo_problems
from tests.api.render.axe import WCAG_AA_TAGS, axe_version, axe_violations
from tests.api.render.browser import Watched, needs_chromium, serving

pytestmark = [needs_chromium, pytest.mark.browser]

ERROR_PAGE = "/ogc/collections/nothing/items"
PUBLIC_PAGES = ("/", "/login", "/docs", "/redoc", "/accessibility", ERROR_PAGE)
SIGNED_IN_PAGES = (
    "/",
    "/?force=cleveland",
    "/sources",
    "/feeds",
    "/problems",
    "/problems/1",
    "/problems/2",
    "/tasking",
    "/tasking?csp=Middlesbrough",
    "/docs",
    "/redoc",
    "/accessibility",
    ERROR_PAGE,
)
READY = {"/docs": ".opblock", "/redoc": ".api-content"}  # drawn by script after the load event
REFLOW_WIDTH = 320
REFLOW_PAGES = ("/login", "/feeds", "/accessibility", "/sources", "/problems", "/problems/1", "/tasking")
UNNAMED_SHAPE = "path.leaflet-interactive:not([aria-label])"  # a map shape a screen reader cannot name
MUST_REFLOW = ("/login", "/feeds", "/accessibility", "/tasking")


@pytest.fixture(scope="module")
def served(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo with its problems, served; a token for each signed-in role."""
    store = with_demo_problems(demo_store, tmp_path_factory.mktemp("accessibility"))
    access = AccessStore(Settings(store=store).tasking_url())
    tokens = {
        Role.ANALYST.value: access.create_token("Alex", Role.ANALYST),
        Role.PARTNER.value: access.create_token("Wardens", Role.PARTNER, ("warden",)),
        Role.COUNCILLOR.value: access.create_token("Cllr Lee", Role.COUNCILLOR),
    }
    with serving(store, AIM_COOKIE_SECURE="false") as url:
        yield url, tokens


def _visit(watched: Watched, path: str) -> None:
    watched.open(path)
    if path in READY:
        watched.page.wait_for_selector(READY[path])
    watched.page.wait_for_load_state("networkidle")


def _audit(browser: Browser, url: str, role: str, token: str | None, paths: tuple[str, ...]) -> list[dict[str, Any]]:
    watched = Watched(browser, url, token)
    try:
        found = []
        for path in paths:
            _visit(watched, path)
            found.append({"path": path, "role": role, "violations": axe_violations(watched.page)})
        return found
    finally:
        watched.context.close()


def _widths(browser: Browser, url: str, token: str) -> list[dict[str, Any]]:
    watched = Watched(browser, url, token, viewport={"width": REFLOW_WIDTH, "height": 640})
    try:
        found = []
        for path in REFLOW_PAGES:
            _visit(watched, path)
            found.append({"path": path, "width": watched.page.evaluate("document.documentElement.scrollWidth")})
        return found
    finally:
        watched.context.close()


def _unnamed_map_shapes(browser: Browser, url: str) -> int:
    watched = Watched(browser, url)
    try:
        _visit(watched, "/")
        return int(watched.page.evaluate(f"document.querySelectorAll('{UNNAMED_SHAPE}').length"))
    finally:
        watched.context.close()


def test_every_page_for_every_role_meets_wcag_22_aa_as_the_statement_says(
    browser: Browser, served: tuple[str, dict[str, str]]
) -> None:
    url, tokens = served
    pages = _audit(browser, url, Role.PUBLIC.value, None, PUBLIC_PAGES)
    for role, token in tokens.items():
        pages += _audit(browser, url, role, token, SIGNED_IN_PAGES)
    reflow = _widths(browser, url, tokens[Role.ANALYST.value])
    watched = Watched(browser, url)
    version = axe_version(watched.page)
    watched.context.close()
    results = {
        "prepared": date.today().isoformat(),
        "standard": "WCAG 2.2 AA",
        "tool": f"axe-core {version}",
        "browser": "Chromium",
        "tags": list(WCAG_AA_TAGS),
        "pages": pages,
        "reflow_width": REFLOW_WIDTH,
        "reflow": reflow,
        "unnamed_map_shapes": _unnamed_map_shapes(browser, url),
    }
    if os.environ.get("AIM_WRITE_AUDIT"):
        AUDIT.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    failing = {(p["role"], p["path"]): [v["id"] for v in p["violations"]] for p in pages if p["violations"]}
    assert not failing, json.dumps([p for p in pages if p["violations"]], indent=1)
    assert len(pages) == len(PUBLIC_PAGES) + len(tokens) * len(SIGNED_IN_PAGES)
    wide = {p["path"]: p["width"] for p in reflow if p["width"] > REFLOW_WIDTH}
    assert not wide.keys() & set(MUST_REFLOW), wide

    recorded = load_audit()  # what the statement says is what was found
    assert recorded["tool"] == results["tool"] and recorded["tags"] == results["tags"]
    assert [(p["role"], p["path"], p["violations"]) for p in recorded["pages"]] == [
        (p["role"], p["path"], p["violations"]) for p in pages
    ]
    assert {p["path"] for p in recorded["reflow"] if p["width"] > REFLOW_WIDTH} == wide.keys()
    assert (recorded["unnamed_map_shapes"] > 0) == (results["unnamed_map_shapes"] > 0)
