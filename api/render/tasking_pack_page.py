"""The tasking pack as an analyst's page (server-rendered, autoescaped; no script), with its PDF and JSON links."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from api.render import tasking_pack_text as text
from api.render.patrol_print import ATTRIBUTION
from api.render.templates import render_page


def pack_links(pack: dict[str, Any]) -> dict[str, str]:
    """The same pack as PDF and as JSON."""
    query = {"csp": pack["csp"]["code"] or pack["csp"]["name"], "date": pack["date"].isoformat()}
    return {fmt: "/api/v1/tasking/pack?" + urlencode(query | {"format": fmt}) for fmt in ("pdf", "json")}


def render_pack_page(pack: dict[str, Any], nonce: str = "") -> str:
    """The pack as a self-contained HTML page (the patrol plan's picture inlined as a data: URL)."""
    return render_page(
        "tasking_pack.html",
        nonce,
        pack=pack,
        links=pack_links(pack),
        summary=text.summary_rows(pack),
        plan_image=text.patrol_data_url(pack),
        action_rows=text.action_rows,
        evaluation_rows=text.evaluation_rows,
        patrol_rows=text.patrol_rows,
        delivery_rows=text.delivery_rows,
        delivery_header=text.DELIVERY_HEADER,
        hotspot_rows=text.hotspot_rows,
        concentration_rows=text.concentration_rows,
        repeat_rows=text.repeat_rows,
        facility_lines=text.facility_lines,
        facility_rows=text.facility_rows,
        gap_rows=text.gap_rows,
        worklist_rows=text.worklist_rows,
        worklist_header=text.WORKLIST_HEADER,
        attribution=ATTRIBUTION,
    )


def render_choice_page(partnerships: list[str], when: date, nonce: str = "") -> str:
    """A form to choose the partnership and meeting date of a pack."""
    return render_page("tasking_choose.html", nonce, partnerships=partnerships, when=when)
