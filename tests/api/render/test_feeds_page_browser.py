"""The feeds page in real Chromium under the service's Content-Security-Policy: an analyst signs in, sends a
profile, checks a messy council export carrying a script in a category, sees the quarantined rows with their lines
and reasons (the script shown as text, never run), loads the file and finds the feed on the sources page. A form
posted from another origin is refused."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings
from tests.api.http.test_feeds_page import HOSTILE, hostile_sample
from tests.api.http.test_profiles import own_profile
from tests.api.render.browser import Watched, needs_chromium, serving
from tests.api.render.tile_server import tile_server

pytestmark = [needs_chromium, pytest.mark.browser]


@pytest.fixture(scope="module")
def served(cleveland_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """`aim serve` over a copy of the Cleveland store; its URL, an analyst's token and a folder for files."""
    folder = tmp_path_factory.mktemp("feeds-page")
    store = folder / "aim.duckdb"
    shutil.copyfile(cleveland_store, store)
    token = AccessStore(Settings(store=store).tasking_url()).create_token("feeds analyst", Role.ANALYST)
    with serving(store) as url:
        yield url, token, folder


def test_an_analyst_checks_a_messy_file_and_loads_it(browser: Browser, served: tuple[str, str, Path]) -> None:
    url, token, folder = served
    profile = folder / "redcar-wardens.toml"
    profile.write_text(own_profile())
    messy = hostile_sample(folder)
    watched = Watched(browser, url, token)
    page = watched.page
    watched.open("/sources")
    page.click("text=Load a feed")
    page.wait_for_selector("#aim-check")

    page.set_input_files("input[name=profile]", str(profile))
    with page.expect_navigation():
        page.click("text=Check and keep the profile")
    assert "redcar-wardens" in page.inner_text("#aim-kept")
    assert page.input_value("select[name=feed]") == "redcar-wardens"

    page.set_input_files("input[name=file]", str(messy))
    with page.expect_navigation():
        page.click("#aim-check button[type=submit]")
    result = page.inner_text("#aim-result")
    assert "1,760 of 1,842 rows would load" in result and "82 would be quarantined" in result
    rows = page.locator("table.aim-quarantine tbody tr")
    assert rows.count() == 20
    assert rows.nth(0).inner_text().split("\t", 1) == [
        "4",
        f"category '{HOSTILE}' is not mapped in profile redcar-wardens",
    ]
    assert "ward name 'Central' is ambiguous" in rows.nth(1).inner_text()
    assert HOSTILE in page.inner_text("#aim-unmapped")  # shown as text among the unmapped categories
    assert page.evaluate("window.__pwned") is None and page.locator("#aim-result script").count() == 0

    with page.expect_navigation():
        page.click("#aim-load button")
    assert "1,760 rows loaded" in page.inner_text("#aim-loaded")
    with page.expect_navigation():
        page.click("text=See the feed on the sources page")
    heading = page.inner_text("#feed-redcar-wardens h2")
    assert heading.startswith("redcar-wardens") and "warden" in heading
    assert page.evaluate("window.__pwned") is None
    watched.assert_clean()
    watched.context.close()


def test_a_form_posted_from_another_origin_is_refused(browser: Browser, served: tuple[str, str, Path]) -> None:
    url, token, _ = served
    watched = Watched(browser, url, token)
    page = watched.page
    with tile_server() as other:  # any other origin: a page there posts the service's form
        origin = other.template.split("/{z}")[0]
        page.goto(f"{origin}/not-a-tile")
        forged = (
            f'<form method="post" action="{url}/feeds/load" enctype="multipart/form-data">'
            '<input name="check" value="xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"></form>'
        )
        page.evaluate("html => { document.body.innerHTML = html; }", forged)
        with page.expect_navigation() as sent:
            page.evaluate("document.forms[0].submit()")
        assert page.url == f"{url}/feeds/load"
        # another port of the same host is the same site, so the SameSite cookie goes along: the token stops it
        assert sent.value is not None and sent.value.status == 403
        assert "form token" in page.inner_text("body")
    assert page.evaluate("window.__pwned") is None
    watched.context.close()


def test_an_analyst_checks_then_loads_patrol_movement(browser: Browser, served: tuple[str, str, Path]) -> None:
    """A CSV of pings with a script for a time: checked (the refused rows with line and reason, the script shown as
    text, never run), then loaded as the wardens' delivery."""
    url, token, folder = served
    pings = folder / "radio-7.csv"
    rows = [f"radio-7,2025-12-03T10:{m:02d}:00Z,54.5742,-1.2350" for m in range(15)]
    pings.write_text("device,time,lat,lon\n" + "\n".join([*rows, f"radio-7,{HOSTILE},54.5742,-1.2350"]) + "\n")
    watched = Watched(browser, url, token)
    page = watched.page
    watched.open("/feeds")
    page.wait_for_selector("#aim-delivery")
    page.fill("#aim-delivery input[name=agency]", "wardens")
    page.set_input_files("#aim-delivery input[name=movement]", str(pings))
    with page.expect_navigation():
        page.click("#aim-delivery button[value=check]")
    result = page.inner_text("#aim-delivery-result")
    assert "15 of 16 pings would load" in result and "nothing has been loaded" in result
    refused = page.locator("#aim-delivery-result table.aim-quarantine tbody tr")
    assert refused.count() == 1
    assert refused.nth(0).inner_text().split("\t", 1) == ["17", f"time '{HOSTILE}' is not a date and time"]
    assert page.evaluate("window.__pwned") is None and page.locator("#aim-delivery-result script").count() == 0
    assert page.input_value("#aim-delivery input[name=agency]") == "wardens"  # kept for the load

    page.set_input_files("#aim-delivery input[name=movement]", str(pings))
    with page.expect_navigation():
        page.click("#aim-delivery button[value=load]")
    loaded = page.inner_text("#aim-delivery-loaded")
    assert "15 of 16 pings loaded" in loaded and "Days 2025-12-03 to 2025-12-03" in loaded
    assert page.evaluate("window.__pwned") is None
    watched.assert_clean()
    watched.context.close()
