"""The Case Review pages (HTML): the applications (and, for analysts, the watchlist) and the yearly publication.
Thin: who may see what is decided by api/access/case_reviews.py exactly as for /api/v1/case-reviews; every
application and case shown is audited as a read."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse

from api.access import case_reviews as access
from api.access.cases import actor
from api.http.deps import CapabilitiesDep, NonceDep, SettingsDep
from api.http.routers.case_reviews import reviews_store
from api.render.case_review_page import render_publication_page, render_review_list
from api.rules import case_review_rule
from api.services.case_review_publication import publication
from api.services.case_review_threshold import window_start
from api.services.case_review_watchlist import watchlist

router = APIRouter(tags=["cases"])


@router.get("/case-reviews", response_class=HTMLResponse)
def reviews_page(
    request: Request,
    caps: CapabilitiesDep,
    settings: SettingsDep,
    nonce: NonceDep,
    on: Annotated[date | None, Query(description="The watchlist's day, YYYY-MM-DD (default: today)")] = None,
) -> HTMLResponse:
    """The applications the caller may see, newest first; for analysts, the watchlist on the day."""
    store = reviews_store(request)
    rule = case_review_rule(settings)
    seen = access.visible_applications(store, caps)
    who = actor(caps.principal)
    store.record_application_reads(who, "listed", [a["id"] for a in seen], {"route": "/case-reviews"})
    watch = None
    if caps.case_audit:  # analysts: the watchlist crosses every agency's records
        day = on or date.today()
        found = watchlist(store, rule, day)
        store.record_reads(who, "listed", [e["id"] for e in found if e["kind"] == "case"], {"route": "/case-reviews"})
        flags = [{"id": e["id"]} for e in found if e["kind"] == "flag"]
        store.record_flag_reads(who, flags, {"route": "/case-reviews"})
        watch = jsonable_encoder({"on": day, "window_from": window_start(rule, day), "entries": found})
    lines = jsonable_encoder(
        [access.line(a) for a in sorted(seen, key=lambda a: (a["received"], a["id"]), reverse=True)]
    )
    return HTMLResponse(render_review_list(lines, rule.as_dict(), watch, nonce))


@router.get("/case-reviews/publication", response_class=HTMLResponse)
def publication_page(
    request: Request,
    settings: SettingsDep,
    nonce: NonceDep,
    year: Annotated[int | None, Query(ge=1900, le=2199, description="Year received (default: last year)")] = None,
    body: Annotated[str | None, Query(max_length=200, description="One relevant body (none: every one)")] = None,
) -> HTMLResponse:
    """The yearly publication as a page (analysts), with its JSON, CSV and PDF downloads."""
    found = publication(
        reviews_store(request),
        year or date.today().year - 1,
        case_review_rule(settings),
        settings.case_review_procedure_url,
        body,
    )
    return HTMLResponse(render_publication_page(jsonable_encoder(found), nonce))
