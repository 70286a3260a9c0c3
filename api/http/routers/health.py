"""Liveness and what is wrong; for analysts also data freshness (latest month and last load per source), boundary
sets, what can be filtered on, and the access database's state."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.access.policy import Grant
from api.access.store import AccessStore
from api.http.auth import grant_of
from api.http.deps import Con
from api.http.models.base import plain
from api.http.models.status import Health, ServiceStatus
from api.services.health import store_status

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health | ServiceStatus, **plain)
def healthz(request: Request, con: Con) -> dict[str, Any]:
    """Service status: `ok`, or `degraded` with what is wrong in general terms (always 200 while the service
    answers). Analysts also get, per source, rows held, first and latest month and when it was last loaded, the
    boundary sets and categories held, and the access database's state with what failed."""
    access: AccessStore = request.app.state.access
    state = access.check()
    problems = [state.summary] if state.summary else []
    status = {"status": "degraded" if problems else "ok", "problems": problems}
    if grant_of(request) != Grant.FULL:
        return status  # no counts or load times: uploads' sizes would show by differencing
    return {
        **store_status(con),
        **status,
        "access": {"status": state.status, "detail": state.detail, "since": state.since},
    }
