"""The page views the accessibility tests visit: every HTML page, signed out and signed in as each role, on the demo
served with its two problems."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings
from tests.api.conftest import with_demo_problems
from tests.api.render.browser import Watched, serving

ERROR_PAGE = "/ogc/collections/nothing/items"
PUBLIC_PAGES = ("/", "/login", "/docs", "/redoc", "/accessibility", ERROR_PAGE)
SIGNED_IN_PAGES = (
    "/",
    "/?force=cleveland",
    "/sources",
    "/feeds",
    "/problems",
    "/problems/1",
    "/problems/2",
    "/tasking",
    "/tasking?csp=Middlesbrough",
    "/docs",
    "/redoc",
    "/accessibility",
    ERROR_PAGE,
)
READY = {"/docs": ".opblock", "/redoc": ".api-content"}  # drawn by script after the load event


@dataclass(frozen=True)
class ServedDemo:
    """The served demo's URL and a token for each signed-in role."""

    url: str
    tokens: dict[str, str]

    def sessions(self) -> Iterator[tuple[str, str | None, tuple[str, ...]]]:
        """Each role (public first) with its token (None signed out) and the pages it visits."""
        yield Role.PUBLIC.value, None, PUBLIC_PAGES
        for role, token in self.tokens.items():
            yield role, token, SIGNED_IN_PAGES


@contextmanager
def served_demo(demo_store: Path, folder: Path) -> Iterator[ServedDemo]:
    """The demo with its problems (a copy in `folder`), served, with a token for each signed-in role."""
    store = with_demo_problems(demo_store, folder)
    access = AccessStore(Settings(store=store).tasking_url())
    tokens = {
        Role.ANALYST.value: access.create_token("Alex", Role.ANALYST),
        Role.PARTNER.value: access.create_token("Wardens", Role.PARTNER, ("warden",)),
        Role.COUNCILLOR.value: access.create_token("Cllr Lee", Role.COUNCILLOR),
    }
    with serving(store, AIM_COOKIE_SECURE="false") as url:
        yield ServedDemo(url, tokens)


def visit(watched: Watched, path: str) -> None:
    """Open the page and wait until its scripts have drawn it."""
    watched.open(path)
    if path in READY:
        watched.page.wait_for_selector(READY[path])
    watched.page.wait_for_load_state("networkidle")


def signed_in(browser: Browser, demo: ServedDemo, token: str | None, width: int | None = None) -> Watched:
    """A browser page on the served demo, signed in with the token (signed out for None), `width` px wide if given."""
    viewport = {"width": width, "height": 640} if width else None
    return Watched(browser, demo.url, token, viewport=viewport)
