"""The basemap: OpenStreetMap's tiles by default, with their attribution; with no network the map still draws and
its legend says the streets are missing; with AIM_TILE_URL=none there is no tile layer at all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from api.settings import OSM_TILES, Settings
from tests.api.render.browser import CHROMIUM, needs_chromium, serving


def test_the_default_basemap_is_openstreetmap_with_its_attribution() -> None:
    assert Settings().basemap() == (OSM_TILES, Settings().tile_attribution)
    assert "OpenStreetMap" in Settings().tile_attribution
    assert Settings(tile_url="none").basemap() is None
    custom = Settings(tile_url="https://tiles.example/{z}/{x}/{y}.png", tile_attribution="© Example")
    assert custom.basemap() == ("https://tiles.example/{z}/{x}/{y}.png", "© Example")


@needs_chromium
@pytest.mark.browser
def test_offline_the_map_draws_and_says_the_streets_are_missing(cleveland_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(cleveland_store, store)
    for tiles, expect_note in ((OSM_TILES, True), ("none", False)):
        with serving(store, AIM_TILE_URL=tiles) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
            page.goto(url + "/")
            page.wait_for_timeout(3000)
            assert page.locator("path.leaflet-interactive").count() > 50  # the wards are drawn
            note = page.locator("#aim-basemap-note")
            if expect_note:
                expect(note).to_be_visible(timeout=15000)  # four tile errors, or six seconds with no tile
                assert "streets" in note.inner_text()
                assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
            else:
                assert note.count() == 0 and "No basemap" in page.content()
                assert page.locator("img.leaflet-tile").count() == 0
            assert not errors
            browser.close()
