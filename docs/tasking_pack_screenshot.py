"""Make docs/tasking-pack.png, the README's picture of the tasking pack page, from the demo store:

    aim demo --no-serve --store /tmp/aim-demo/aim.duckdb
    PYTHONPATH=. python docs/tasking_pack_screenshot.py /tmp/aim-demo/aim.duckdb [Middlesbrough] [YYYY-MM-DD]

Serves the store (with the tasking database `aim demo` opens beside it) on a free loopback port with no basemap,
signs in with a new analyst token, opens /tasking?csp=...&date=... (default: Middlesbrough, today: the demo opens
its problems on 30 June 2025, so any later meeting sees them) and saves a 1280-wide screenshot of the page's top
2000 pixels, taken in headless Chromium (Debian's chromium, driven by Playwright, as in the page tests).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import ViewportSize

from docs.screenshot import signed_in

SIZE: ViewportSize = {"width": 1280, "height": 2000}
OUT = Path(__file__).resolve().parent / "tasking-pack.png"


def main(store: Path, csp: str = "Middlesbrough", when: str | None = None, out: Path = OUT) -> None:
    """Serve the store, open the pack page signed in as an analyst, and save the screenshot."""
    query = urlencode({"csp": csp, "date": when or date.today().isoformat()})
    with signed_in(store, SIZE) as (page, url):
        page.goto(f"{url}/tasking?{query}")
        page.wait_for_function("() => document.querySelector('img.aim-pack-plan').complete")
        page.screenshot(path=str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), *sys.argv[2:3], *sys.argv[3:4])  # type: ignore[arg-type]
