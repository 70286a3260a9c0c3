"""The annual assessment's coverage: patrol delivery in the district's wards where it is held (the monthly ward
totals of /api/v1/delivery/wards), and each feed's coverage and gaps over the year (the source monitor,
/api/v1/sources)."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.services.caches import Caches
from api.services.delivery import ward_delivery
from api.services.filters import Filters
from api.services.study_area import StudyArea
from api.services.tasking_pack_area import csp_sources
from geo.gaps import GapRule
from ingest.store.connection import Connection
from ingest.store.read.delivery import delivery_days

Row = dict[str, Any]
NOT_HELD = "no patrol delivery is held for the year: load patrol movement with `aim delivery load` to measure it"


def delivery(con: Connection, filters: Filters, area: StudyArea, year: int, caches: Caches, res: int) -> Row:
    """The year's patrol delivery by ward (minutes, visits, compliant visits, every agency together, in cells of the
    patrol plan's resolution `res`), or why not."""
    held = delivery_days(con, res)
    if held is None or held[1].year < year or held[0].year > year:
        return {"held": False, "note": NOT_HELD, "from": None, "to": None, "wards": [], "months": []}
    found = ward_delivery(con, filters, area, res, (date(year, 1, 1), date(year, 12, 1)), caches)
    wards: dict[str, Row] = {}
    months: dict[str, Row] = {}
    for r in found["totals"]:
        for key, into in ((r["ward"], wards), (r["month"], months)):
            into.setdefault(key, {"minutes": 0, "visits": 0, "compliant_visits": 0, "ward_name": r["ward_name"]})
            for k in ("minutes", "visits", "compliant_visits"):
                into[key][k] += r[k]
    return {
        "held": True,
        "note": f"delivery held from {held[0]:%d %b %Y} to {held[1]:%d %b %Y}",
        "from": found["from"],
        "to": found["to"],
        "wards": sorted(({"ward": code, **v} for code, v in wards.items()), key=lambda r: (-r["minutes"], r["ward"])),
        "months": [
            {"month": m, **{k: v[k] for k in ("minutes", "visits", "compliant_visits")}}
            for m, v in sorted(months.items())
        ],
    }


def feeds(con: Connection, filters: Filters, area: StudyArea, caches: Caches, rule: GapRule) -> Row:
    """Each feed of the sources holding the district's records: months held, records loaded and quarantined in the
    year, and the months the source monitor flags as gaps in it; and its records loaded and gaps in the year before
    (what it sent, every category and area: a change in it is a change in recording, not on the ground)."""
    sources = csp_sources(con, filters, area)
    report = caches.reports.get(con, rule, sources) if sources else {"feeds": []}
    first, last = f"{filters.incident.start:%Y-%m}", f"{filters.incident.end:%Y-%m}"
    before = f"{filters.previous[0]:%Y-%m}", f"{filters.previous[1]:%Y-%m}"
    rows = []
    for f in report["feeds"]:
        months = [m for m in f["months"] if first <= m["month"] <= last]
        earlier = [m for m in f["months"] if before[0] <= m["month"] <= before[1]]
        rows.append(
            {
                "feed": f["feed"],
                "source": f["source"],
                "first_month": f["first_month"],
                "latest_month": f["latest_month"],
                "months_loaded": sum(m["loaded"] > 0 for m in months),
                "loaded": sum(m["loaded"] for m in months),
                "quarantined": sum(m["quarantined"] for m in months),
                "gaps": [g for g in f["gaps"] if first <= g["month"] <= last],
                "status": f["status"],
                "previous_loaded": sum(m["loaded"] for m in earlier),
                "previous_gaps": [g for g in f["gaps"] if before[0] <= g["month"] <= before[1]],
            }
        )
    return {"sources": list(sources), "feeds": rows}
