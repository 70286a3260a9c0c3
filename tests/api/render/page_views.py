"""The page views the accessibility tests visit: every HTML page, signed out and signed in as each role (each role the
pages it may see), on the demo served with its two problems and its cases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser

from api.access.principals import Role
from api.access.store import AccessStore
from api.database.cases import CaseStore
from api.rules import case_ladder, repeat_rule, risk_matrix
from api.services.case_demo import load_demo_cases
from api.services.case_places import locator
from api.settings import Settings
from ingest.geocode import load_postcodes
from ingest.store.connection import open_served_store
from tests.api.conftest import with_demo_problems
from tests.api.render.browser import Watched, serving
from tests.conftest import PROJECT_DATA

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
ASSESSMENT_PAGES = ("/assessment", "/assessment?lad=E06000002&year=2025")  # analysts only
PARTNER_AGENCY = "warden"
READY = {"/docs": ".opblock-tag", "/redoc": ".api-content"}  # drawn by script after the load event


@dataclass(frozen=True)
class ServedDemo:
    """The served demo's URL and a token for each signed-in role."""

    url: str
    tokens: dict[str, str]
    case_id: int  # a case the partner's agency is party to

    def pages(self, role: str) -> tuple[str, ...]:
        """The pages a signed-in role visits: the cases' pages for the roles that may see cases, the assessment for
        analysts; councillors see neither (people's records; analysts' work)."""
        cases = ("/cases", f"/cases/{self.case_id}")
        if role == Role.ANALYST.value:
            return (*SIGNED_IN_PAGES, *cases, *ASSESSMENT_PAGES)
        if role == Role.PARTNER.value:
            return (*SIGNED_IN_PAGES, *cases)
        return SIGNED_IN_PAGES

    def sessions(self) -> Iterator[tuple[str, str | None, tuple[str, ...]]]:
        """Each role (public first) with its token (None signed out) and the pages it visits."""
        yield Role.PUBLIC.value, None, PUBLIC_PAGES
        for role, token in self.tokens.items():
            yield role, token, self.pages(role)

    def view_count(self) -> int:
        """How many page views `sessions` gives."""
        return sum(len(paths) for _, _, paths in self.sessions())


def load_cases(store: Path, agency: str) -> int:
    """The demo's cases (the sample case-management export) loaded beside the store, as `aim demo` leaves them; the
    id of the first case `agency` is party to."""
    settings = Settings(store=store)
    con = open_served_store(store, "1GB")
    cases = CaseStore.open(settings.tasking_url())
    try:
        locate = locator(load_postcodes([PROJECT_DATA / "postcodes"]))
        ladder, matrix, rule = case_ladder(settings), risk_matrix(settings), repeat_rule(settings)
        assert load_demo_cases(con, cases, PROJECT_DATA, ladder, matrix, locate, rule)
        return next(c["id"] for c in cases.cases() if agency in {c["owner_agency"], *(c.get("agencies") or [])})
    finally:
        cases.close()
        con.close()


@contextmanager
def served_demo(demo_store: Path, folder: Path) -> Iterator[ServedDemo]:
    """The demo with its problems and cases (a copy in `folder`), served, with a token for each signed-in role."""
    store = with_demo_problems(demo_store, folder)
    case_id = load_cases(store, PARTNER_AGENCY)
    access = AccessStore(Settings(store=store).tasking_url())
    tokens = {
        Role.ANALYST.value: access.create_token("Alex", Role.ANALYST),
        Role.PARTNER.value: access.create_token("Wardens", Role.PARTNER, (PARTNER_AGENCY,)),
        Role.COUNCILLOR.value: access.create_token("Cllr Lee", Role.COUNCILLOR),
    }
    with serving(store, AIM_COOKIE_SECURE="false") as url:
        yield ServedDemo(url, tokens, case_id)


def visit(watched: Watched, path: str) -> int:
    """Open the page and wait until its scripts have drawn it; the HTTP status it was served with."""
    watched.open(path)
    if path in READY:
        watched.page.wait_for_selector(READY[path])
    watched.page.wait_for_load_state("networkidle")
    return int(watched.page.evaluate("performance.getEntriesByType('navigation')[0].responseStatus"))


def signed_in(browser: Browser, demo: ServedDemo, token: str | None, width: int | None = None) -> Watched:
    """A browser page on the served demo, signed in with the token (signed out for None), `width` px wide if given."""
    viewport = {"width": width, "height": 640} if width else None
    return Watched(browser, demo.url, token, viewport=viewport)
