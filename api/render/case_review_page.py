"""The Case Review pages: the applications a reader may see and, for analysts, the watchlist; the yearly publication
of the statutory counts (every text escaped by the templates)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from api.render.templates import render_page
from api.services.case_review_publication import COUNTS


def render_review_list(
    lines: list[dict[str, Any]], rule: dict[str, Any], watch: dict[str, Any] | None, nonce: str = ""
) -> str:
    """The applications a reader may see (watch: the watchlist, for analysts; None for others)."""
    references = {a["id"]: a["reference"] for a in lines}
    return render_page("case_reviews.html", nonce, lines=lines, rule=rule, watch=watch, references=references)


def publication_links(found: dict[str, Any]) -> dict[str, str]:
    """The publication's downloads, for the same year and body."""
    query = {"year": found["year"], **({"body": found["body"]} if found["body"] else {})}
    base = "/api/v1/case-reviews/publication?"
    return {fmt: base + urlencode({**query, "format": fmt}) for fmt in ("json", "csv", "pdf")}


def render_publication_page(found: dict[str, Any], nonce: str = "") -> str:
    """The yearly publication as a page."""
    return render_page(
        "case_review_publication.html", nonce, found=found, columns=COUNTS, links=publication_links(found)
    )
