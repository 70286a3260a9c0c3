"""The annual assessment's pages in real Chromium under the served Content-Security-Policy: WCAG 2.2 AA by axe-core
(no violation), no console error or policy violation, and the download links answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings
from tests.api.conftest import with_demo_problems
from tests.api.render.axe import axe_violations
from tests.api.render.browser import Watched, needs_chromium, serving

pytestmark = [needs_chromium, pytest.mark.browser]
PAGES = ("/assessment", "/assessment?lad=E06000002&year=2025")


@pytest.fixture(scope="module")
def served(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The demo with its problems, served, and an analyst's token."""
    store = with_demo_problems(demo_store, tmp_path_factory.mktemp("assessment"))
    token = AccessStore(Settings(store=store).tasking_url()).create_token("Alex", Role.ANALYST)
    with serving(store, AIM_COOKIE_SECURE="false") as url:
        yield url, token


def test_the_assessment_pages_meet_wcag_22_aa(browser: Browser, served: tuple[str, str]) -> None:
    url, token = served
    watched = Watched(browser, url, token)
    try:
        for path in PAGES:
            watched.open(path)
            assert axe_violations(watched.page) == [], path
        watched.page.click("text=Show assessment")
        watched.page.wait_for_load_state("load")
        assert "Annual strategic assessment: Middlesbrough" in watched.page.content()
        for link in ("#aim-assessment-pdf", "#aim-assessment-csv"):
            href = watched.page.get_attribute(link, "href")
            answer = watched.page.request.get(f"{url}{href}")
            assert answer.status == 200 and answer.body()[:2] in (b"%P", b"PK"), link
        watched.assert_clean()
    finally:
        watched.context.close()
