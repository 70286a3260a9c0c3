"""Source coverage and data quality: per feed and month, rows held, quarantined by reason, precision, gaps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.access_store import Role
from api.auth import AuthError, principal_of
from api.deps import Con, SettingsDep
from api.errors import ParameterError
from api.sources import gap_rule
from api.sources_page import render_sources_page
from ingest.store.queries import distinct_values

router = APIRouter(tags=["sources"])


def _sources(request: Request, con: Con, source: list[str] | None) -> tuple[str, ...]:
    principal = principal_of(request)
    if principal.role == Role.PARTNER:  # a partner sees the feeds its agreement covers
        if source and not set(source) <= set(principal.sources):
            raise AuthError(403, f"your agreement covers the sources {', '.join(principal.sources)} only")
        source = source or list(principal.sources)
    if not source:
        return ()
    held = distinct_values(con, "source")
    unknown = [s for s in source if s not in held]
    if unknown:
        raise ParameterError("source", f"no feed of source {', '.join(map(repr, unknown))}; held: {', '.join(held)}")
    return tuple(dict.fromkeys(source))


SourceQuery = Annotated[list[str] | None, Query(description="Only these sources (repeatable); default every source")]


@router.get("/api/v1/sources")
def sources(request: Request, con: Con, settings: SettingsDep, source: SourceQuery = None) -> dict[str, Any]:
    """Per feed and month: rows loaded, rows quarantined by reason, share at each location precision, and gap
    flags (stopped, missing, low, partial) under the documented rule."""
    return request.app.state.reports.get(con, gap_rule(settings), _sources(request, con, source))


@router.get("/sources", response_class=HTMLResponse, tags=["map"])
def sources_page(request: Request, con: Con, settings: SettingsDep, source: SourceQuery = None) -> HTMLResponse:
    """The coverage report as a page for analysts."""
    report = request.app.state.reports.get(con, gap_rule(settings), _sources(request, con, source))
    return HTMLResponse(render_sources_page(report))
