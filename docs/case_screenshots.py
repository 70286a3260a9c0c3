"""Make docs/cases.png (the demo's cases with the repeat-victim flags, as an analyst sees them), docs/case.png (the
confirmed repeat victim's case), docs/case-review.png (the Case Review applications and the watchlist on 20 October
2025) and docs/case-review-publication.png (the yearly publication for 2025) from the demo store:

    aim demo --no-serve --store /tmp/aim-demo/aim.duckdb
    python docs/case_screenshots.py /tmp/aim-demo/aim.duckdb

Serves the store on a free loopback port through the page tests' helper (no basemap), signs in with a new analyst
token and saves full-page screenshots 1280 pixels wide taken in headless Chromium (Debian's chromium, driven by
Playwright). The screenshots' reads are audited as any other.
"""

from __future__ import annotations

import sys
from pathlib import Path

from api.access.principals import Role
from api.access.store import AccessStore
from api.database.cases import CaseStore
from api.services.case_demo import CONFIRMED
from api.settings import Settings
from tests.api.render.browser import Watched, chromium, serving

DOCS = Path(__file__).resolve().parent
WIDTH = 1280
WATCHED_ON = "2025-10-20"  # both demo victims have three reports in the six months to this day


def main(store: Path) -> None:
    """Write docs/cases.png, docs/case.png, docs/case-review.png and docs/case-review-publication.png."""
    settings = Settings(store=store)
    cases = CaseStore.open(settings.tasking_url())
    found = next((c["id"] for c in cases.cases() if c["reference"] == CONFIRMED), None)
    cases.close()
    if found is None:
        sys.exit(f"no case {CONFIRMED} in {store}: run `aim demo --no-serve --store {store}` first")
    token = AccessStore(settings.tasking_url()).create_token("docs", Role.ANALYST)
    with serving(store, AIM_COOKIE_SECURE="false") as url, chromium() as browser:
        watched = Watched(browser, url, token, viewport={"width": WIDTH, "height": 900})
        pages = (
            ("/cases", "cases.png"),
            (f"/cases/{found}", "case.png"),
            (f"/case-reviews?on={WATCHED_ON}", "case-review.png"),
            ("/case-reviews/publication?year=2025", "case-review-publication.png"),
        )
        for path, name in pages:
            watched.open(path)
            watched.assert_clean()
            watched.page.screenshot(path=str(DOCS / name), full_page=True)
            print(f"wrote {DOCS / name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
