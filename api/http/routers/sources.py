"""Source coverage and data quality: per feed and month, rows held, quarantined by reason, precision, gaps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.access.scope import feed_scope
from api.http.deps import CachesDep, CapabilitiesDep, Con, NonceDep, SettingsDep
from api.http.models.base import plain
from api.http.models.status import SourcesReport
from api.render.sources_page import render_sources_page
from api.rules import gap_rule
from api.services.sources import held_sources

router = APIRouter(tags=["sources"])
SourceQuery = Annotated[list[str] | None, Query(description="Only these sources (repeatable); default every source")]


@router.get("/api/v1/sources", response_model=SourcesReport, **plain)
def sources(
    con: Con, caches: CachesDep, settings: SettingsDep, caps: CapabilitiesDep, source: SourceQuery = None
) -> dict[str, Any]:
    """Per feed and month: rows loaded, rows quarantined by reason, share at each location precision, and gap
    flags (stopped, missing, low, partial) under the documented rule."""
    held = held_sources(con, feed_scope(caps, source), caps.listed_sources)
    return caches.reports.get(con, gap_rule(settings), held)


@router.get("/sources", response_class=HTMLResponse, tags=["map"])
def sources_page(
    con: Con,
    caches: CachesDep,
    settings: SettingsDep,
    caps: CapabilitiesDep,
    nonce: NonceDep,
    source: SourceQuery = None,
) -> HTMLResponse:
    """The coverage report as a page for analysts."""
    held = held_sources(con, feed_scope(caps, source), caps.listed_sources)
    report = caches.reports.get(con, gap_rule(settings), held)
    return HTMLResponse(render_sources_page(report, nonce, can_load=caps.loads_feeds))
