"""Make docs/assessment.png, the picture of the annual assessment page, from the demo store:

    aim demo --no-serve --store /tmp/aim-demo/aim.duckdb
    PYTHONPATH=. python docs/assessment_screenshot.py /tmp/aim-demo/aim.duckdb [E06000002] [2025]

Serves the store (with the tasking database `aim demo` opens beside it) on a free loopback port with no basemap,
signs in with a new analyst token, opens /assessment?lad=...&year=... (default: Middlesbrough, 2025: the demo holds
that year) and saves a 1280-wide screenshot of the page's top 1800 pixels, taken in headless Chromium (Debian's
chromium, driven by Playwright, as in the page tests).
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import ViewportSize

from docs.screenshot import signed_in

SIZE: ViewportSize = {"width": 1280, "height": 1800}
OUT = Path(__file__).resolve().parent / "assessment.png"


def main(store: Path, lad: str = "E06000002", year: str = "2025", out: Path = OUT) -> None:
    """Serve the store, open the assessment page signed in as an analyst, and save the screenshot."""
    with signed_in(store, SIZE) as (page, url):
        page.goto(f"{url}/assessment?{urlencode({'lad': lad, 'year': year})}")
        page.wait_for_selector("#aim-assessment-pdf")
        page.screenshot(path=str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), *sys.argv[2:4])  # type: ignore[arg-type]
