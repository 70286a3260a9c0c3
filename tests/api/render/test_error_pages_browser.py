"""No dead ends in real Chromium under the served Content-Security-Policy: the public is sent to sign in and back,
only partnerships holding data are offered for a pack, and what cannot be shown is a readable page."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings
from tests.api.render.browser import Watched, needs_chromium, serving

pytestmark = [needs_chromium, pytest.mark.browser]
CLEVELAND = {"Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees"}


@pytest.fixture(scope="module")
def served(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A copy of the demo store, served; an analyst's token."""
    store = tmp_path_factory.mktemp("error-pages") / "aim.duckdb"
    shutil.copyfile(demo_store, store)
    token = AccessStore(Settings(store=store).tasking_url()).create_token("Sam", Role.ANALYST)
    with serving(store) as url:
        yield url, token


def _status_errors_only(watched: Watched) -> None:
    """No CSP violation or script error: the only console errors are Chromium's notes of the 4xx answers."""
    watched.collect()
    assert not watched.violations, watched.violations
    assert all(re.search(r"status of 4\d\d", e) for e in watched.errors), watched.errors


def test_no_dead_ends_for_the_public_or_the_analyst(browser: Browser, served: tuple[str, str]) -> None:
    url, token = served
    watched = Watched(browser, url)
    try:
        for path in ("/sources", "/feeds"):
            response = watched.page.goto(f"{url}{path}")
            assert response is not None and response.url == f"{url}/login?next={path}"
            assert watched.page.inner_text("h1") == "Sign in to AIM"
        watched.page.goto(f"{url}/tasking")
        watched.page.fill("input[name=token]", token)
        with watched.page.expect_navigation():
            watched.page.click("button[type=submit]")
        assert watched.page.url == f"{url}/tasking" and watched.page.inner_text("h1") == "Tasking pack"
        options = watched.page.eval_on_selector_all("select[name=csp] option", "os => os.map(o => o.textContent)")
        assert set(options) == CLEVELAND  # not County Durham nor North Yorkshire: a few Cleveland rows each

        response = watched.page.goto(f"{url}/tasking?csp=%3Cb%3EGotham%3C%2Fb%3E")
        assert response is not None and response.status == 422
        assert watched.page.inner_text("h1") == "Check what was asked for"
        said = watched.page.inner_text("p.aim-warn-line")
        assert "no community safety partnership with the code or name '<b>Gotham</b>'" in said
        assert watched.page.locator("b").count() == 0  # the name is text, not markup
        with watched.page.expect_navigation():
            watched.page.click("text=This page without the options given")
        assert watched.page.url == f"{url}/tasking" and watched.page.inner_text("h1") == "Tasking pack"

        response = watched.page.goto(f"{url}/ogc/collections/nothing/items")
        assert response is not None and response.status == 404
        assert watched.page.inner_text("h1") == "Not found"
        assert "no collection 'nothing'" in watched.page.inner_text("p.aim-warn-line")
        with watched.page.expect_navigation():
            watched.page.click("text=The OGC API's collections")
        assert '"collections"' in watched.page.content()
        _status_errors_only(watched)
    finally:
        watched.context.close()
