"""Make docs/problem.png (the page of the first demo problem, as an analyst sees it) and docs/problem-profile.png (its
one-page PDF profile, rasterised) from the demo store:

    aim demo --no-serve --store /tmp/aim-demo/aim.duckdb
    python docs/problem_screenshots.py /tmp/aim-demo/aim.duckdb

Serves the store on a free loopback port through the page tests' helper (no basemap), signs in with a new analyst
token, saves a full-page screenshot 1280 pixels wide taken in headless Chromium (Debian's chromium, driven by
Playwright), downloads /api/v1/problems/{id}/profile.pdf and rasterises it with pdftoppm (poppler-utils; skipped
with a message when it is not installed).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from api.access.principals import Role
from api.access.store import AccessStore
from api.database.tasking import TaskingStore
from api.settings import Settings
from tests.api.render.browser import Watched, chromium, serving

DOCS = Path(__file__).resolve().parent
WIDTH = 1280


def main(store: Path, problem_id: int = 1) -> None:
    """Write docs/problem.png and docs/problem-profile.png for the problem."""
    settings = Settings(store=store)
    tasking = TaskingStore.open(settings.tasking_url())
    found = tasking.problem(problem_id)
    tasking.close()
    if found is None:
        sys.exit(f"no problem {problem_id} in {store}: run `aim demo --no-serve --store {store}` first")
    token = AccessStore(settings.tasking_url()).create_token("docs", Role.ANALYST)
    with serving(store, AIM_COOKIE_SECURE="false") as url, chromium() as browser:
        watched = Watched(browser, url, token, viewport={"width": WIDTH, "height": 900})
        watched.open(f"/problems/{problem_id}")
        watched.assert_clean()
        watched.page.screenshot(path=str(DOCS / "problem.png"), full_page=True)
        pdf = httpx.get(
            f"{url}/api/v1/problems/{problem_id}/profile.pdf", headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        pdf.raise_for_status()
    print(f"wrote {DOCS / 'problem.png'}")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm not installed (apt-get install poppler-utils): docs/problem-profile.png not made")
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "profile.pdf"
        path.write_bytes(pdf.content)
        subprocess.run(
            [pdftoppm, "-png", "-r", "110", "-singlefile", str(path), str(DOCS / "problem-profile")], check=True
        )
    print(f"wrote {DOCS / 'problem-profile.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1)
