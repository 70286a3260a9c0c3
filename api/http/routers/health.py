"""Liveness plus data freshness: latest month per source, boundary sets, what can be filtered on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.http.deps import Con
from api.http.models.base import plain
from api.http.models.status import Health
from api.services.health import store_status

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, **plain)
def healthz(con: Con) -> dict[str, Any]:
    """Service status and, per source, rows held and the latest month loaded."""
    return store_status(con)
