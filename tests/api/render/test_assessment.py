"""The printed annual assessment (read back with pypdf), its page and its CSV files, from a real assessment of the demo
store; text from feeds, boundary files and people printed as it is, never read as markup, and never a formula in a
spreadsheet."""

from __future__ import annotations

import copy
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from pypdf import PdfReader

from api.database.tasking import TaskingStore
from api.render.assessment_chapters import CHAPTERS
from api.render.assessment_csv import assessment_zip
from api.render.assessment_page import render_assessment_page
from api.render.assessment_pdf import render_assessment_pdf
from api.rules import gap_rule
from api.services.assessment import assessment, resolve_district
from api.services.assessment_changes import changes
from api.services.assessment_coverage import feeds
from api.services.assessment_levels import levels, period_filters
from api.services.caches import Caches
from api.settings import Settings
from ingest.store.connection import open_served_store
from tests.api.render.hostile import HOSTILE, read_page

MARKUP = ("<font size=80>x", "Mandale & Victoria <b>bold</b>", '<para alignment="right">', "a &amp; b")
STEM = "aim-assessment-E06000002-2025"
FORMULAS = ('=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)")


@pytest.fixture(scope="module")
def reports(pack_demo: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """The demo's 2025 assessment (the previous year not held), and the same with the levels and changes of July to
    December against January to June (comparable)."""
    settings = Settings(store=pack_demo)
    con = open_served_store(pack_demo, "1GB")
    tasking = TaskingStore.open(settings.tasking_url())
    caches = Caches()
    try:
        found = assessment(con, tasking, "E06000002", 2025, caches, gap_rule(settings))
        months = (date(2025, 7, 1), date(2025, 12, 1))
        half = levels(con, months, "E06000002", caches)
        area = resolve_district(con, "E06000002")
        sent = feeds(con, period_filters(con, months), area, caches, gap_rule(settings))
        yield found, found | {"levels": half, "feeds": sent, "changes": changes(half, sent)}
    finally:
        tasking.close()
        con.close()


@pytest.fixture(scope="module")
def report(reports: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return reports[0]


def pdf_text(document: bytes) -> str:
    """Every page's text, with runs of white space as one space."""
    reader = PdfReader(io.BytesIO(document))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def hostile(report: dict[str, Any], text: str) -> dict[str, Any]:
    """The report with `text` as the district's, a ward's, a hot spot's ward, a problem's, a feed's and a gap's."""
    out = copy.deepcopy(report)
    out["district"]["name"] = text
    out["levels"]["wards"][0]["name"] = text
    out["hotspots"]["groups"][0]["listed"][0]["ward_name"] = text
    out["problems"]["problems"][0]["title"] = text
    out["problems"]["problems"][0]["wards"] = [text]
    out["feeds"]["feeds"][0]["feed"] = text
    out["feeds"]["feeds"][0]["gaps"] = [{"month": "2025-10", "kind": "low", "message": text}]
    return out


def test_the_printed_assessment_holds_every_chapter(report: dict[str, Any]) -> None:
    text = pdf_text(render_assessment_pdf(report))
    assert "Annual strategic assessment: Middlesbrough, 2025" in text
    for chapter in CHAPTERS:
        assert chapter.heading in text, chapter.heading
    assert "ASB hotspot in Central" in text and "cleveland-council-crm" in text and "Case Review" in text
    assert report["levels"]["wards"][0]["name"] in text and f"{report['levels']['total']['total']}" in text


def test_a_comparable_change_is_printed_with_its_parts(reports: tuple[dict[str, Any], dict[str, Any]]) -> None:
    comparable = reports[1]
    c = comparable["changes"]
    text = pdf_text(render_assessment_pdf(comparable))
    assert f"{c['total']:,} incidents against {c['previous_total']:,} in 2025-01 to 2025-06: {c['change']:+,}" in text
    top = (c["by_ward"]["rising"] or c["by_ward"]["falling"])[0]
    assert f"{top['label']} {top['change']:+,}" in text and "What the feeds sent in the two years" in text
    page = read_page(render_assessment_page(comparable))
    assert any("The wards that drove it up" in t for t in page.text)
    with zipfile.ZipFile(io.BytesIO(assessment_zip(comparable))) as archive:
        rows = list(csv.reader(io.StringIO(archive.read(f"{STEM}/changes.csv").decode())))
    wards = [r for r in rows[1:] if r[0] == "ward"]
    assert [r[1] for r in wards[:-1]] == [p["label"] for p in c["by_ward"]["parts"]]
    assert wards[-1][1:] == ["unexplained by the parts", "", "", str(c["by_ward"]["unexplained"]), ""]


@pytest.mark.parametrize("text", [*MARKUP, *HOSTILE])
def test_markup_in_names_prints_as_it_is(report: dict[str, Any], text: str) -> None:
    printed = pdf_text(render_assessment_pdf(hostile(report, text)))
    assert f"Annual strategic assessment: {text}, 2025" in printed
    assert printed.count(text) >= 6  # title, ward, hot spot, problem, its ward, feed, gap


@pytest.mark.parametrize("text", HOSTILE)
def test_the_page_shows_hostile_names_as_text(report: dict[str, Any], text: str) -> None:
    html = render_assessment_page(hostile(report, text), nonce="n" * 22)
    if str(escape(text)) != text:
        assert text not in html, "hostile text written into the page unescaped"
    page = read_page(html)
    assert "img" not in page.tags and "b" not in page.tags and "script" not in page.tags
    assert not any(a.startswith("alert") for a in page.attributes) and "onerror" not in page.attribute_names
    assert sum(text in t for t in page.text) >= 6


@pytest.mark.parametrize("text", FORMULAS)
def test_no_csv_cell_is_a_formula(report: dict[str, Any], text: str) -> None:
    with zipfile.ZipFile(io.BytesIO(assessment_zip(hostile(report, text)))) as archive:
        cells = [
            cell
            for name in archive.namelist()
            if name.endswith(".csv")
            for row in csv.reader(io.StringIO(archive.read(name).decode()))
            for cell in row
        ]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@")) and not number(c)]
    assert sum(c == "'" + text for c in cells) >= 4  # the ward, the hot spot's ward, the problem, the feed


def number(cell: str) -> bool:
    """Whether a cell is a number (a negative change is written as one, and a spreadsheet reads it as one)."""
    try:
        float(cell)
    except ValueError:
        return False
    return True
