"""The case pages in real Chromium under the served Content-Security-Policy, with the demo's cases and Case Review
applications: no WCAG 2.2 AA violation (axe-core) for an analyst and a party agency, no script or console error, and
the map links to them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from api.access.principals import Role
from api.access.store import AccessStore
from api.database.case_reviews import CaseReviewStore
from api.rules import case_ladder, case_review_rule, repeat_rule, risk_matrix
from api.services.case_demo import load_demo_case_reviews, load_demo_cases
from api.services.case_places import locator
from api.settings import Settings
from ingest.geocode import load_postcodes
from ingest.store.connection import open_served_store
from tests.api.render.axe import axe_violations
from tests.api.render.browser import Watched, needs_chromium, serving
from tests.conftest import PROJECT_DATA

pytestmark = [needs_chromium, pytest.mark.browser]


@pytest.fixture(scope="module")
def served(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo store with the demo's cases, served; an analyst's and a housing partner's tokens."""
    store = tmp_path_factory.mktemp("cases") / "aim.duckdb"
    store.write_bytes(demo_store.read_bytes())
    settings = Settings(store=store)
    con = open_served_store(store, "1GB")
    cases = CaseReviewStore.open(settings.tasking_url())
    try:
        locate = locator(load_postcodes([PROJECT_DATA / "postcodes"]))
        lines = load_demo_cases(
            con, cases, PROJECT_DATA, case_ladder(settings), risk_matrix(settings), locate, repeat_rule(settings)
        )
        assert lines and load_demo_case_reviews(cases, PROJECT_DATA, case_review_rule(settings))
    finally:
        cases.close()
        con.close()
    access = AccessStore(settings.tasking_url())
    tokens = {
        Role.ANALYST.value: access.create_token("Alex", Role.ANALYST),
        Role.PARTNER.value: access.create_token("Thirteen Housing", Role.PARTNER, ("housing",)),
    }
    with serving(store, AIM_COOKIE_SECURE="false") as url:
        yield url, tokens


@pytest.mark.parametrize("role", [Role.ANALYST.value, Role.PARTNER.value])
def test_the_case_pages_meet_wcag_22_aa(browser: Browser, served: tuple[str, dict[str, str]], role: str) -> None:
    url, tokens = served
    watched = Watched(browser, url, tokens[role])
    try:
        watched.open("/")
        assert watched.page.locator('a[href="/cases"]').count() == 1
        for path in ("/cases", "/cases/1"):
            watched.open(path)
            watched.assert_clean()
            assert axe_violations(watched.page) == [], path
        assert "Mr &amp; Mrs D. Okonjo" in watched.page.content()
    finally:
        watched.context.close()


def test_the_case_review_pages_meet_wcag_22_aa(browser: Browser, served: tuple[str, dict[str, str]]) -> None:
    url, tokens = served
    watched = Watched(browser, url, tokens[Role.ANALYST.value])
    try:
        for path in ("/case-reviews?on=2025-10-20", "/case-reviews/publication?year=2025"):
            watched.open(path)
            watched.assert_clean()
            assert axe_violations(watched.page) == [], path
        assert "ASB Case Reviews resulting in recommendations" in watched.page.content()
    finally:
        watched.context.close()
    partner = Watched(browser, url, tokens[Role.PARTNER.value])  # housing: both demo applications were made to it
    try:
        partner.open("/case-reviews")
        partner.assert_clean()
        assert axe_violations(partner.page) == []
        assert "CR-25-007" in partner.page.content() and "Watchlist" not in partner.page.content()
    finally:
        partner.context.close()
