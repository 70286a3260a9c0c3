"""What the store holds: rows and months per source, boundary sets, categories."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ingest.schema import CATEGORY_LABELS
from ingest.store import read
from ingest.store.connection import Connection


def store_status(con: Connection) -> dict[str, Any]:
    """Per source, rows held, first and latest month, and when it was last loaded; boundary sets; categories."""
    sources: dict[str, dict[str, Any]] = {}
    for row in read.freshness(con):
        last_loaded = row["last_loaded"]
        sources[str(row["source"])] = {
            "incidents": int(row["incidents"]),  # type: ignore[call-overload]
            "first_month": f"{row['first_month']:%Y-%m}",
            "latest_month": f"{row['latest_month']:%Y-%m}",
            "last_loaded": last_loaded.isoformat(timespec="seconds") if isinstance(last_loaded, datetime) else None,
        }
    return {
        "incidents": sum(s["incidents"] for s in sources.values()),
        "sources": sources,
        "boundary_sets": [
            {"name": b["name"], "default": b["is_default"], "wards": b["features"]}
            for b in read.list_boundary_sets(con)
        ],
        "categories": [
            {"code": c, "label": CATEGORY_LABELS.get(c, c)}  # type: ignore[call-overload]
            for c in read.distinct_values(con, "category")
        ],
    }
