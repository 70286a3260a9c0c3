"""Reflow at 320 CSS px (WCAG 1.4.10): every page the accessibility audit visits, signed out and signed in as each
role, fits a 320 px wide screen (the document never scrolls sideways); a table of figures wider than that scrolls in
its own region, which the keyboard can reach (tabindex 0) and a screen reader names (role region, aria-label)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from api.access.principals import Role
from tests.api.http.test_feeds_page import hostile_sample
from tests.api.render.browser import needs_chromium
from tests.api.render.page_views import ServedDemo, served_demo, signed_in, visit
from tests.api.render.reflow import REFLOW_WIDTH, badly_held, measure

pytestmark = [needs_chromium, pytest.mark.browser]


@pytest.fixture(scope="module")
def demo(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedDemo]:
    with served_demo(demo_store, tmp_path_factory.mktemp("reflow")) as served:
        yield served


@pytest.fixture(scope="module")
def narrow(browser: Browser, demo: ServedDemo) -> list[dict[str, Any]]:
    """Every page view at 320 px: its role, path, document width and wide tables."""
    found = []
    for role, token, paths in demo.sessions():
        watched = signed_in(browser, demo, token, REFLOW_WIDTH)
        try:
            for path in paths:
                visit(watched, path)
                found.append({"role": role, "path": path, **measure(watched.page)})
        finally:
            watched.context.close()
    return found


def test_no_page_scrolls_sideways_at_320_px(narrow: list[dict[str, Any]]) -> None:
    wide = [(v["role"], v["path"], v["width"]) for v in narrow if v["width"] > REFLOW_WIDTH]
    assert not wide, wide
    assert {v["role"] for v in narrow} == {r.value for r in (Role.PUBLIC, Role.ANALYST, Role.PARTNER, Role.COUNCILLOR)}


def test_every_wide_table_scrolls_in_a_focusable_named_region(narrow: list[dict[str, Any]]) -> None:
    bad = [{"role": v["role"], "path": v["path"], "tables": badly_held(v["tables"])} for v in narrow]
    assert not [b for b in bad if b["tables"]], json.dumps([b for b in bad if b["tables"]], indent=1)
    held = {(v["role"], v["path"]) for v in narrow if v["tables"]}
    assert (Role.ANALYST.value, "/sources") in held  # its month tables are wider than a phone, so the check has work
    for view in narrow:
        labels = [t["region"]["name"] for t in view["tables"]]
        assert len(labels) == len(set(labels)), (view["path"], labels)  # each region names its own table


def test_a_wide_table_scrolls_from_the_keyboard(browser: Browser, demo: ServedDemo) -> None:
    watched = signed_in(browser, demo, demo.tokens[Role.ANALYST.value], REFLOW_WIDTH)
    try:
        visit(watched, "/sources")
        region = watched.page.locator("[role=region][tabindex='0']").first
        region.focus()
        assert region.evaluate("r => document.activeElement === r && r.scrollLeft === 0")
        for _ in range(5):
            watched.page.keyboard.press("ArrowRight")
        watched.page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle(), timeout=5000)
        assert watched.page.evaluate("document.documentElement.scrollLeft") == 0
        watched.assert_clean()
    finally:
        watched.context.close()


def test_a_files_check_on_the_feeds_page_reflows(browser: Browser, demo: ServedDemo, tmp_path: Path) -> None:
    """After a check, the feeds page's tables (quarantined rows, the file's months against the store's) scroll in
    their regions too."""
    watched = signed_in(browser, demo, demo.tokens[Role.ANALYST.value], REFLOW_WIDTH)
    try:
        visit(watched, "/feeds")
        watched.page.select_option("select[name=feed]", "cleveland-wardens")
        watched.page.set_input_files("input[name=file]", str(hostile_sample(tmp_path)))
        with watched.page.expect_navigation():
            watched.page.click("#aim-check button[type=submit]")
        assert watched.page.locator("table.aim-quarantine").count() == 1
        found = measure(watched.page)
        assert found["width"] <= REFLOW_WIDTH and found["tables"] and not badly_held(found["tables"]), found
        watched.assert_clean()
    finally:
        watched.context.close()
