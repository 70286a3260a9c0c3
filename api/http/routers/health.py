"""Liveness and what is wrong; for analysts also data freshness (latest month and last load per source), boundary
sets, what can be filtered on, and the state of each part: the store and the access database."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.access.policy import Grant
from api.access.store import AccessStore
from api.http.auth import grant_of
from api.http.models.base import plain
from api.http.models.status import Health, ServiceStatus
from api.services.health import store_status
from ingest.errors import StoreError
from ingest.store.faults import StoreHealth

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health | ServiceStatus, **plain)
def healthz(request: Request) -> dict[str, Any]:
    """Service status: `ok`, or `degraded` with what is wrong in general terms, naming the part (always 200 while
    the service answers). The store is queried on every call (a failed store is reopened here too). Analysts also
    get, per source, rows held, first and latest month and when it was last loaded, the boundary sets and
    categories held, and the store's and the access database's state with what failed."""
    store = request.app.state.store
    stored: StoreHealth = store.check()
    access: AccessStore = request.app.state.access
    state = access.check()
    problems = [summary for summary in (stored.summary, state.summary) if summary]
    status = {"status": "degraded" if problems else "ok", "problems": problems}
    if grant_of(request) != Grant.FULL:
        return status  # no counts or load times: uploads' sizes would show by differencing
    held: dict[str, Any] = dict.fromkeys(("incidents", "sources", "boundary_sets", "categories"))  # unknown
    if stored.status != "unavailable":
        try:
            with store.reading() as con:
                held = store_status(con)
        except StoreError:
            pass  # it failed since the check: the next call says so
    return {
        **held,
        **status,
        "store": {"status": stored.status, "detail": stored.detail, "since": stored.since},
        "access": {"status": state.status, "detail": state.detail, "since": state.since},
    }
