"""The source coverage page: one section per feed with its months, quarantine reasons, precision and gap flags."""

from __future__ import annotations

from typing import Any

from api.render.templates import render_page
from ingest.schema import PRECISION_LABELS

STATUS_LABELS = {
    "ok": "receiving",
    "gaps": "gaps flagged",
    "lagging": "lagging (a month or two behind, as police.uk is)",
    "stopped": "stopped sending",
}


def render_sources_page(report: dict[str, Any], nonce: str = "", can_load: bool = False) -> str:
    """The report (as /api/v1/sources answers it) as a self-contained HTML page (scripts, if any, carry the
    response's nonce); `can_load`: link the feeds page (analysts)."""
    return render_page(
        "sources.html",
        nonce,
        report=report,
        status_labels=STATUS_LABELS,
        precision_labels=PRECISION_LABELS,
        can_load=can_load,
    )
