"""The annual assessment as a page (server-rendered, autoescaped; no script), with its PDF, CSV and JSON links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from api.render.assessment_chapters import CHAPTERS
from api.render.assessment_text import SUMMARY, section, summary_rows
from api.render.patrol_print import ATTRIBUTION
from api.render.templates import render_page

ROUTE = "/api/v1/assessment"


def assessment_links(report: dict[str, Any]) -> dict[str, str]:
    """The same assessment as PDF, as CSV files (zip) and as JSON."""
    query = {"lad": report["district"]["code"], "year": report["year"]}
    return {fmt: f"{ROUTE}?" + urlencode(query | {"format": fmt}) for fmt in ("pdf", "zip", "json")}


def chapters(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each chapter's heading, notes and tables (title, header, rows) as the page and the PDF lay them out."""
    return [
        {
            "heading": c.heading,
            "notes": c.notes(report),
            "tables": [{"title": s.title, "header": s.header, "rows": s.rows(report)} for s in map(section, c.tables)],
        }
        for c in CHAPTERS
    ]


def render_assessment_page(report: dict[str, Any], nonce: str = "") -> str:
    """The assessment as a self-contained HTML page."""
    return render_page(
        "assessment.html",
        nonce,
        report=report,
        links=assessment_links(report),
        chapters=chapters(report),
        summary_header=SUMMARY,
        summary=summary_rows(report),
        attribution=ATTRIBUTION,
    )


def render_choice_page(districts: list[tuple[str, str]], year: int, nonce: str = "") -> str:
    """A form to choose the district and year of an assessment."""
    return render_page("assessment_choose.html", nonce, districts=districts, year=year)
