"""The tasking pack page in real Chromium under the served Content-Security-Policy: drawn with no violation or
error, its patrol plan picture shown, its Download PDF link a PDF; the public sent to sign in first."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings
from tests.api.render.browser import Watched, needs_chromium, serving

pytestmark = [needs_chromium, pytest.mark.browser]
MEETING = (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def served(pack_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A copy of the demo store with its problems (a served store is the server's alone), served; an analyst's
    token."""
    folder = tmp_path_factory.mktemp("pack-page")
    shutil.copyfile(pack_demo, folder / "aim.duckdb")
    shutil.copyfile(pack_demo.with_name("aim-tasking.sqlite"), folder / "aim-tasking.sqlite")
    token = AccessStore(Settings(store=folder / "aim.duckdb").tasking_url()).create_token("Sam", Role.ANALYST)
    with serving(folder / "aim.duckdb") as url:
        yield url, token


def test_the_analyst_reads_the_pack_and_downloads_the_pdf(browser: Browser, served: tuple[str, str]) -> None:
    url, token = served
    watched = Watched(browser, url, token, viewport={"width": 1280, "height": 900})
    try:
        watched.open(f"/tasking?csp=Middlesbrough&date={MEETING}")
        page = watched.page
        assert page.inner_text("h1") == "Tasking pack: Middlesbrough"
        assert "ASB hotspot in Central" in page.inner_text("#aim-pack-problems")
        assert "Target (down 20% against control): met" in page.inner_text("#aim-pack-evaluations")
        assert page.eval_on_selector("img.aim-pack-plan", "img => img.complete && img.naturalWidth > 1000")
        assert page.locator("#aim-pack-patrol tbody tr").count() == 20
        href = page.get_attribute("#aim-pack-pdf", "href")
        assert href is not None and "format=pdf" in href
        pdf = watched.context.request.get(url + href)
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
        page.fill("input[name=csp]", "Stockton-on-Tees")
        with page.expect_navigation():
            page.click("form.aim-pack-form button")
        assert page.inner_text("h1") == "Tasking pack: Stockton-on-Tees"
        watched.assert_clean()
    finally:
        watched.context.close()


def test_the_public_is_asked_to_sign_in_then_chooses_a_partnership(browser: Browser, served: tuple[str, str]) -> None:
    url, token = served
    watched = Watched(browser, url)
    try:
        response = watched.page.goto(f"{url}/tasking?csp=Middlesbrough")
        assert response is not None and response.url.startswith(f"{url}/login?next=/tasking")
        assert "ASB hotspot" not in watched.page.content()
        watched.page.fill("input[name=token]", token)
        with watched.page.expect_navigation():
            watched.page.click("button[type=submit]")
        assert watched.page.url.endswith("/tasking?csp=Middlesbrough")  # back to the pack the link asked for
        assert watched.page.inner_text("h1") == "Tasking pack: Middlesbrough"
        watched.page.goto(f"{url}/tasking")
        assert watched.page.inner_text("h1") == "Tasking pack"
        options = watched.page.eval_on_selector_all("select[name=csp] option", "os => os.map(o => o.textContent)")
        assert {"Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees"} <= set(options)
        watched.page.select_option("select[name=csp]", "Hartlepool")
        with watched.page.expect_navigation():
            watched.page.click("form.aim-pack-form button")
        assert watched.page.inner_text("h1") == "Tasking pack: Hartlepool"
        assert "No problems open" in watched.page.inner_text("#aim-pack-problems")
        watched.assert_clean()
    finally:
        watched.context.close()
