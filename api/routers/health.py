"""Liveness plus data freshness: latest month per source, boundary sets, what can be filtered on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter

from api.deps import Con
from ingest.schema import CATEGORY_LABELS
from ingest.store.boundaries import list_boundary_sets
from ingest.store.queries import distinct_values, freshness

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(con: Con) -> dict[str, Any]:
    """Service status and, per source, rows held and the latest month loaded."""
    sources: dict[str, dict[str, Any]] = {}
    for row in freshness(con):
        last_loaded = row["last_loaded"]
        sources[str(row["source"])] = {
            "incidents": int(row["incidents"]),  # type: ignore[call-overload]
            "first_month": f"{row['first_month']:%Y-%m}",
            "latest_month": f"{row['latest_month']:%Y-%m}",
            "last_loaded": last_loaded.isoformat(timespec="seconds") if isinstance(last_loaded, datetime) else None,
        }
    return {
        "status": "ok",
        "incidents": sum(s["incidents"] for s in sources.values()),
        "sources": sources,
        "boundary_sets": [
            {"name": b["name"], "default": b["is_default"], "wards": b["features"]} for b in list_boundary_sets(con)
        ],
        "categories": [
            {"code": c, "label": CATEGORY_LABELS.get(c, c)}  # type: ignore[call-overload]
            for c in distinct_values(con, "category")
        ],
    }
