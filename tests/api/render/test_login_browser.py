"""Real Chromium signing in to `aim serve` with the Secure session cookie: over plain HTTP at the machine's routable
address it drops the cookie and the sign-in page says why; at http://127.0.0.1 it keeps it and goes on."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from api.access.principals import Role
from api.access.store import AccessStore
from api.http.auth import SESSION_COOKIE
from api.http.secure_cookie import loopback
from api.settings import Settings
from tests.api.render.browser import chromium, needs_chromium, serving
from tests.conftest import new_store

pytestmark = [needs_chromium, pytest.mark.browser]


def routable_address() -> str | None:
    """This machine's address on its network (the one a packet to a documentation address would leave from)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the route
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if loopback(address) else address


def sign_in(browser: Browser, server: str, token: str) -> tuple[str, str, list[str]]:
    """Sign in through the form in a fresh browser context: the page it ends on, its text and the cookies kept."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/login?next=/sources")
    page.fill("input[name=token]", token)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state()
    ended = (page.url, page.inner_text("body"), [c["name"] for c in context.cookies()])
    context.close()
    return ended


def test_the_browser_drops_the_secure_cookie_over_plain_http_and_the_page_says_why(tmp_path: Path) -> None:
    address = routable_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    store = tmp_path / "aim.duckdb"
    new_store(store).close()
    token = AccessStore(Settings(store=store).tasking_url()).create_token("Robin", Role.ANALYST)
    with serving(store, "--host", "0.0.0.0") as url, chromium() as browser:  # the routable address too
        port = url.rsplit(":", 1)[1]
        ended, text, cookies = sign_in(browser, f"http://{address}:{port}", token)
        assert "/login?" in ended and "cookie=sent" in ended and SESSION_COOKIE not in cookies
        assert "did not keep the session cookie" in text and "AIM_COOKIE_SECURE=false" in text
        ended, text, cookies = sign_in(browser, url, token)  # http://127.0.0.1: kept
        assert ended == f"{url}/sources" and SESSION_COOKIE in cookies and "did not keep" not in text
