"""The printed tasking pack (read back with pypdf) and its page, from a real pack of the demo store; text from feeds,
boundary files and people printed as it is, never read as markup."""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from markupsafe import escape
from pypdf import PdfReader
from reportlab.lib.units import inch

from api.database.tasking import TaskingStore
from api.render.patrol_print import PRINT_DPI, render_plan_map
from api.render.tasking_pack_page import render_pack_page
from api.render.tasking_pack_pdf import PLAN_MAP_HEIGHT, WIDTH, render_pack_pdf
from api.rules import gap_rule
from api.services.caches import Caches
from api.services.cell_places import postcode_lookup
from api.services.tasking_pack import PackOptions, tasking_pack
from api.settings import Settings
from ingest.store.connection import open_served_store
from tests.api.render.hostile import HOSTILE, read_page

SECTIONS = (
    "Tasking pack: Middlesbrough",
    "1. Open problems and their actions",
    "2. Evaluations due",
    "3. Patrol plan",
    "4. New and intensifying hotspots",
    "5. Where it keeps happening",
    "6. Source gaps",
)
MARKUP = ("<font size=80>x", "Mandale & Victoria <b>bold</b>", '<para alignment="right">', "a &amp; b")


@pytest.fixture(scope="module")
def pack(pack_demo: Path) -> Iterator[dict[str, Any]]:
    settings = Settings(store=pack_demo)
    con = open_served_store(pack_demo, "1GB")
    tasking = TaskingStore.open(settings.tasking_url())
    try:
        yield tasking_pack(
            con,
            tasking,
            "Middlesbrough",
            date.today() + timedelta(days=1),
            Caches(),
            gap_rule(settings),
            postcode_lookup(settings.postcodes),
            PackOptions(cells=12),
        )
    finally:
        tasking.close()
        con.close()


def pdf_text(document: bytes) -> str:
    """Every page's text, with runs of white space (line breaks in table cells) as one space."""
    reader = PdfReader(io.BytesIO(document))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def hostile_pack(pack: dict[str, Any], text: str) -> dict[str, Any]:
    """The pack with `text` as the partnership's, a problem's, an action's, a ward's, a place's and a feed's name."""
    out = copy.copy(pack)
    out["csp"] = {**pack["csp"], "name": text}
    problem = pack["problems"][0]
    action = {**problem["actions"][0], "what": text, "owner_agency": text}
    review = {**problem["reviews"][0], "note": text, "author": text}
    out["problems"] = [{**problem, "title": text, "wards": [text], "actions": [action], "reviews": [review]}]
    out["evaluations"] = [{**e, "problem": text, "summary": text} for e in pack["evaluations"]]
    plan = pack["patrol"]["plan"]
    cells = [{**plan["cells"][0], "ward_name": text, "places": [{"place": text, "count": 1}]}, *plan["cells"][1:]]
    out["patrol"] = {**pack["patrol"], "plan": {**plan, "cells": cells, "area": {**plan["area"], "name": text}}}
    out["hotspots"] = {**pack["hotspots"], "warnings": [text]}
    out["sources"] = {**pack["sources"], "feeds": [{**f, "feed": text} for f in pack["sources"]["feeds"]]}
    return out


def test_the_printed_pack_holds_every_section_and_the_real_names(pack: dict[str, Any]) -> None:
    document = render_pack_pdf(pack)
    reader = PdfReader(io.BytesIO(document))
    text = pdf_text(document)
    for section in SECTIONS:
        assert section in text, section
    assert "ASB hotspot in Central" in text and "Evening and weekend foot patrols with wardens" in text
    assert pack["evaluations"][0]["summary"][:60] in text
    first = pack["patrol"]["plan"]["cells"][0]
    assert first["ward_name"] in text and first["places"][0]["place"] in text and first["grid_ref"] in text
    for cell in pack["hotspots"]["cells"]:
        assert cell["ward_name"] in text
    assert "cleveland-council-crm" in text and "2025-10 low" in text  # the demo CRM feed's short month
    images = [name for page in reader.pages for name in page.images]
    assert len(images) == 1  # the printed patrol plan


def test_the_repeat_rate_is_read_beside_chance_in_print_and_on_the_page(pack: dict[str, Any]) -> None:
    last = pack["repeat_places"]["rolling"][-1]
    words = f"{last['repeat_rate']:.0%} of incidents at repeat places (chance alone: {last['chance_rate']:.0%})"
    assert words in pdf_text(render_pack_pdf(pack))
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", render_pack_page(pack)))
    assert f"in the 12 months (chance alone: {last['chance_rate']:.0%})" in page


@pytest.mark.parametrize("text", [*MARKUP, *HOSTILE])
def test_markup_in_names_prints_as_it_is(pack: dict[str, Any], text: str) -> None:
    printed = pdf_text(render_pack_pdf(hostile_pack(pack, text)))
    assert f"Tasking pack: {text}" in printed
    assert f"Problem {pack['problems'][0]['id']}: {text}" in printed
    assert printed.count(text) >= 8  # title, problem, wards, action, owner, note, evaluation, plan's ward, feed


@pytest.mark.parametrize("text", HOSTILE)
def test_the_page_shows_hostile_names_as_text(pack: dict[str, Any], text: str) -> None:
    html = render_pack_page(hostile_pack(pack, text), nonce="n" * 22)
    if str(escape(text)) != text:
        assert text not in html, "hostile text written into the page unescaped"
    page = read_page(html)
    assert page.tags.count("img") == 1 and "b" not in page.tags  # the patrol plan's picture is the only image
    assert not any(a.startswith("alert") for a in page.attributes) and "onerror" not in page.attribute_names
    assert "".join(page.text).count(text) >= 8
    assert "script" not in page.tags  # the page runs no script at all


def test_the_page_links_the_same_pack_as_pdf_and_json(pack: dict[str, Any]) -> None:
    html = render_pack_page(pack)
    when = pack["date"].isoformat()
    assert f'href="/api/v1/tasking/pack?csp=E22000029&amp;date={when}&amp;format=pdf"' in html
    assert "Download PDF" in html and 'src="data:image/png;base64,' in html
    for section in SECTIONS:
        assert section in html


def _drawn_widths(page: Any) -> list[float]:
    """The width (points) each image on a PDF page is drawn at: the `cm` before each `Do`."""
    widths, matrix = [], None
    for operands, operator in page.get_contents().operations:
        if operator == b"cm":
            matrix = operands
        elif operator == b"Do" and matrix is not None:
            widths.append(float(matrix[0]))
    return widths


def test_the_plan_page_prints_its_map_at_a4_width_with_legible_text(pack: dict[str, Any]) -> None:
    """The patrol plan's map is drawn at the size it prints, the full width of the page's text (not a landscape page
    shrunk to fit), its text at 6 points or more; its table is the pack's own, every name whole."""
    reader = PdfReader(io.BytesIO(render_pack_pdf(pack)))
    page = next(page for page in reader.pages if "3. Patrol plan" in page.extract_text())
    (image,) = page.images
    (drawn,) = _drawn_widths(page)
    assert abs(drawn - WIDTH) < 1  # the width of the text on an A4 page
    assert abs(image.image.width - drawn / 72 * PRINT_DPI) <= 2  # drawn as printed: one pixel per 1/PRINT_DPI inch
    plan, wards = pack["patrol"]["plan"], pack["patrol"]["_wards"]
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        svg = render_plan_map(plan, wards, (WIDTH / inch, PLAN_MAP_HEIGHT / inch), fmt="svg").decode()
    sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert len(sizes) > len(plan["cells"]) and min(sizes) >= 6  # SVG px are points: the sizes as printed
    text = pdf_text(render_pack_pdf(pack))
    for cell in plan["cells"]:
        assert ", ".join(p["place"] for p in cell["places"]) in text and cell["ward_name"] in text


def test_the_page_lists_risky_facilities_in_a_named_table(pack: dict[str, Any]) -> None:
    """A kept list with facilities above the knee gets its table (the page once failed to render with one)."""
    kept = {
        "name": "licensed premises",
        "kind": "licensed premises",
        "loaded_at": "2026-01-02T10:00:00",
        "source_file": "premises.csv",
        "facilities": 60,
        "attributed": 410,
        "risky_share": 0.4,
        "knee": {"count": 12},
        "risky": [{"rank": 1, "name": "The Crown", "count": 31, "rate": None}],
    }
    section = {**pack["risky_facilities"], "held": True, "within_m": 50.0, "lists": [kept], "note": None}
    page = read_page(render_pack_page({**pack, "risky_facilities": section}, nonce="n" * 22))
    text = "".join(page.text)
    assert "The Crown" in text and "Facility above the knee" in text
