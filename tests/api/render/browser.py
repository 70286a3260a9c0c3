"""Real Chromium for the page tests (Debian's chromium; CI installs it), `aim serve` on a loopback port, and a
browser page that keeps every console error, page error and Content-Security-Policy violation it reports."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, ConsoleMessage, sync_playwright

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="chromium not installed (CI installs it)"
)


MAP_BACKGROUND = (0xEE, 0xF1, 0xF4)  # .leaflet-container in api/static/aim-map.css


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(store: Path, *args: str, log: Path | None = None, **env: str) -> Iterator[str]:
    """`aim serve` over the store on a free loopback port, with more of its options in `args` (e.g. "--workers",
    "2"), settings from `env` (e.g. AIM_COOKIE_SECURE; no basemap unless `env` names one) and its output in `log`
    when given; its URL, once it answers /healthz."""
    port = free_port()
    command = [sys.executable, "-m", "api", "serve", "--store", str(store), "--port", str(port), *args]
    environment = {**os.environ, "AIM_TILE_URL": "none", **env}  # no basemap unless asked: CI has no network
    with ExitStack() as stack:
        out = stack.enter_context(log.open("w")) if log else subprocess.DEVNULL
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    break
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        if proc.poll() is not None:
            raise RuntimeError(f"server stopped: {log.read_text()[-2000:] if log else proc.returncode}")
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def served_copy(store: Path, folder: Path) -> tuple[Path, str]:
    """A copy of the store in `folder` (a served store is the server's alone, with its own tasking database) and an
    analyst's token for it."""
    copy = folder / "aim.duckdb"
    shutil.copyfile(store, copy)
    return copy, AccessStore(Settings(store=copy).tasking_url()).create_token("Alex", Role.ANALYST)


@contextmanager
def chromium() -> Iterator[Browser]:
    """The system's chromium, driven by Playwright (no browser download)."""
    assert CHROMIUM is not None, "CI must install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


VIEWPORT = {"width": 1400, "height": 900}
# Before any page script: every CSP violation the page reports, kept for the test to read.
RECORD_VIOLATIONS = """window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  {directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample}));"""


class Watched:
    """A browser page (signed in with `token`, else public), with every console error, page error and CSP
    violation it reports."""

    def __init__(
        self,
        browser: Browser,
        server: str,
        token: str | None = None,
        bypass_csp: bool = False,
        viewport: dict[str, int] | None = None,
    ) -> None:
        self.server = server
        self.context = browser.new_context(bypass_csp=bypass_csp, viewport=viewport or VIEWPORT)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.violations: list[dict[str, str]] = []
        if token is not None:
            self.page.goto(f"{server}/login")
            self.page.fill("input[name=token]", token)
            self.collect()  # the sign-in page's
            with self.page.expect_navigation():
                self.page.click("button[type=submit]")

    def _console(self, message: ConsoleMessage) -> None:
        # the browser asks every site for /favicon.ico; AIM has none
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def collect(self) -> None:
        """Keep the violations the current document reported (once)."""
        self.violations += self.page.evaluate("window.__violations.splice(0)")

    def open(self, path: str) -> None:
        self.collect()  # what the page being left reported
        self.page.goto(f"{self.server}{path}")
        self.page.wait_for_load_state("load")

    def assert_clean(self) -> None:
        """No CSP violation and no console or page error so far."""
        self.collect()
        assert not self.violations, self.violations
        assert not self.errors, self.errors


def colour_share(image: Image.Image, colours: list[str], opacity: float, tolerance: int = 24) -> float:
    """Share of a screenshot's pixels near any of the colours as drawn semi-transparent over the map background."""
    rgb = [tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colours]
    targets = [
        tuple(round(opacity * a + (1 - opacity) * b) for a, b in zip(t, MAP_BACKGROUND, strict=True)) for t in rgb
    ]
    pixels = np.asarray(image, dtype=np.int32).reshape(-1, 3)
    near = np.zeros(len(pixels), dtype=bool)
    for t in targets:
        near |= np.abs(pixels - np.array(t)).sum(axis=1) < tolerance
    return float(near.mean())
