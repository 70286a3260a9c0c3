"""The problem pages in real headless Chromium, served by `aim serve` over a copy of the demo store with the demo's
problems: no Content-Security-Policy violation, no console error, the pictures drawn, and each role's view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings
from tests.api.conftest import with_demo_problems
from tests.api.render.browser import Watched, needs_chromium, serving

pytestmark = [needs_chromium, pytest.mark.browser]


@pytest.fixture(scope="module")
def demo(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of the demo store with the demo's problems opened, and a token for each signed-in role."""
    store = with_demo_problems(demo_store, tmp_path_factory.mktemp("problems"))
    access = AccessStore(Settings(store=store).tasking_url())
    tokens = {
        "analyst": access.create_token("Alex", Role.ANALYST),
        "partner": access.create_token("Wardens", Role.PARTNER, ("warden",)),
    }
    return store, tokens


@pytest.fixture(scope="module")
def server(demo: tuple[Path, dict[str, str]]) -> Iterator[str]:
    with serving(demo[0], AIM_COOKIE_SECURE="false") as url:
        yield url


def test_the_analysts_problem_page(browser: Browser, server: str, demo: tuple[Path, dict[str, str]]) -> None:
    watched = Watched(browser, server, demo[1]["analyst"], viewport={"width": 1280, "height": 900})
    watched.open("/problems")
    links = watched.page.locator("a[href^='/problems/']")
    assert links.count() == 2
    links.filter(has_text="ASB hotspot in ").click()
    watched.page.wait_for_load_state("load")
    page = watched.page
    assert page.locator("h1").inner_text().startswith("ASB hotspot in ")
    images = page.locator("img[src^='data:image/png']")
    assert images.count() == 3  # the area, the monthly chart and the Lorenz curve of the area's places
    assert all(images.nth(i).evaluate("img => img.complete && img.naturalWidth > 100") for i in range(3))
    assert page.get_by_text("Weighted displacement difference (WDD)").count() == 1
    assert page.get_by_role("heading", name="Audit trail").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # nothing spills sideways
    watched.assert_clean()
    watched.context.close()


def test_a_partner_and_the_public(browser: Browser, server: str, demo: tuple[Path, dict[str, str]]) -> None:
    partner = Watched(browser, server, demo[1]["partner"])
    partner.open("/problems")
    assert partner.page.locator("a[href^='/problems/']").count() == 2  # the warden is a partner of both
    partner.open("/problems/1")
    assert partner.page.get_by_role("heading", name="Audit trail").count() == 0
    partner.assert_clean()
    partner.context.close()
    public = Watched(browser, server)
    public.open("/problems/1")
    assert public.page.get_by_text("Patrols and clean-up ran from July to December 2025.").count() == 1
    assert public.page.locator("img").count() == 0
    public.assert_clean()
    public.context.close()
