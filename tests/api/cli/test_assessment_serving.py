"""`aim assessment` while `aim serve` holds the store: through the service (--server) it writes the same files, and
from the held store it says what to run instead."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings
from tests.api.cli.test_while_serving import THROUGH, _aim, _copy
from tests.api.render.browser import serving

pytestmark = pytest.mark.server


def test_the_assessment_through_a_running_service(pack_demo: Path, tmp_path: Path) -> None:
    store = _copy(pack_demo, tmp_path)
    token = AccessStore(Settings(store=store).tasking_url()).create_token("cli", Role.ANALYST)
    env = {k: v for k, v in os.environ.items() if k not in ("AIM_SERVER", "AIM_TOKEN")} | {"AIM_TOKEN": token}
    asked = ["assessment", "--lad", "E06000002", "--year", "2025"]
    with serving(store) as url:
        held = _aim(env, *asked, "--out", tmp_path / "held", "--store", store)
        assert held.returncode == 1 and THROUGH in held.stderr, held.stderr
        served = _aim({**env, "AIM_SERVER": url}, *asked, "--out", tmp_path / "served")
        assert served.returncode == 0, served.stderr
        unknown = _aim({**env, "AIM_SERVER": url}, "assessment", "--lad", "Gotham", "--year", "2025")
        assert unknown.returncode == 2 and "no local authority district" in unknown.stderr
    stem = tmp_path / "served" / "aim-assessment-E06000002-2025"
    text = " ".join(page.extract_text() for page in PdfReader(stem.with_suffix(".pdf")).pages)
    assert "Annual strategic assessment: Middlesbrough, 2025" in text
    assert "Download PDF" in stem.with_suffix(".html").read_text(encoding="utf-8")
    with zipfile.ZipFile(stem.with_suffix(".zip")) as archive:
        assert "aim-assessment-E06000002-2025/wards.csv" in archive.namelist()
