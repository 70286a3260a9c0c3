"""The printed problem profile: one A4 page whatever it holds, and text from feeds, boundary files and people printed
as it is (reportlab's Paragraph reads XML-like markup: a street named `<font size=80>` must not change the font)."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest

from api.render.problem_charts import monthly_chart
from api.render.problem_pdf import render_profile_pdf
from api.services.problem_area import area_cells, resolve_area
from api.services.problem_profile import build_profile
from ingest.store import read
from ingest.store.connection import open_served_store

FONT = "<font size=80>Big</font> & Sons"
AMP = "Tom & Jerry's <b>Lane</b> &amp; &#60;x&#62;"


@pytest.fixture(scope="module")
def real(demo_store: Path) -> dict[str, Any]:
    """A problem view over the real profile of a Stockton ward, as the problems API gives an analyst."""
    con = open_served_store(demo_store)
    try:
        area = resolve_area(con, read.resolve_boundary_set(con, None), {"wards": ["Stockton Town Centre"]})
        res, cells = area_cells(con, area)
        profile = build_profile(con, "asb", [], date(2025, 1, 1), date(2025, 6, 1), res, cells)
    finally:
        con.close()
    return {
        "id": 7,
        "title": "Nuisance in the town centre",
        "status": "analysis",
        "category_group": "asb",
        "owner": "CSP analyst",
        "partners": ["warden"],
        "area": area,
        "profile": profile,
        "actions": [],
        "evaluations": [],
    }


def _text(pdf: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return len(reader.pages), re.sub(r"\s+", " ", reader.pages[0].extract_text())


def test_hostile_names_print_as_they_are(real: dict[str, Any]) -> None:
    profile = real["profile"]
    top = max(profile["places"], key=lambda p: p["count"])
    places = [{**p, "place": FONT} if p is top else p for p in profile["places"]]
    view = {
        **real,
        "title": f"ASB & nuisance {FONT}",
        "owner": AMP,
        "area": {**real["area"], "names": [{"code": "E1", "name": AMP}]},
        "profile": {**profile, "places": places},
    }
    pages, text = _text(render_profile_pdf(view, monthly_chart(profile["monthly"])))
    assert pages == 1
    assert f"ASB & nuisance {FONT}" in text  # the title, markup and all
    assert f"wards: {AMP}" in text and f"owner: {AMP}" in text
    assert f"{FONT} (repeat) {top['count']}" in text


def test_one_page_however_much_it_holds(real: dict[str, Any]) -> None:
    action = {
        "what": "Joint patrols, lighting survey and youth outreach " * 6,
        "owner_agency": "warden",
        "start": date(2025, 7, 1),
        "due": date(2025, 12, 31),
        "status": "overdue",
        "target_text": "down 20% against control over 6 months",
    }
    view = {**real, "actions": [action] * 12, "description": "x" * 5000}
    pages, text = _text(render_profile_pdf(view, monthly_chart(real["profile"]["monthly"])))
    assert pages == 1
    assert f"{real['profile']['total']} incidents in the area" in text and "Regent Street (repeat)" in text
    assert "police.uk gives the month only" in text
