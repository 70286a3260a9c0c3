"""Repeat places of a study area (or a problem's cells): the share of incidents at places with another incident in
the same 12 months, month by month, beside chance; and the top repeat places with their streets, sources and months.
A place is one point across sources: a police.uk snap point, a council feed's point (its address text too where the
point is a postcode centroid, which many addresses share)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from api.services.concentration import SNAPPED
from api.services.filters import Filters
from api.services.study_area import StudyArea
from geo.features import feature_collection, hex_features
from geo.hexbin import points_to_cells
from geo.repeats import REPEAT_AT, WINDOW, chance_repeat_rate, rolling_repeats, window_counts
from geo.trends import add_months
from ingest.schema import LocationPrecision
from ingest.store import read
from ingest.store.connection import Connection
from ingest.store.read.places import Cells

ON_OR_NEAR = re.compile(r"^on or near\s+", re.IGNORECASE)
DRAWN_RES = 11  # each top place is drawn as the H3 cell (about 25 m across) around its point
METHOD = (
    f"A place is a point where incidents are recorded, one across sources (police, wardens, council casework and "
    f"CRM at the same point are one place); where a council feed's point is a postcode centroid, its address text "
    f"tells places at that centroid apart. Each month's figures are of the {WINDOW} months to it: incidents, places "
    f"with incidents, repeat places (at least {REPEAT_AT} incidents in the window), and the repeat rate: the share "
    f"of the window's incidents at repeat places, beside the rate chance gives when every place of the area (every "
    f"point the sources counted ever recorded) has the same Poisson rate, 1 - exp(-incidents / places). Linked "
    f"records of one incident count once when de-duplicating. Top places: the busiest repeat places over the "
    f"{WINDOW} months to the end of the period. "
)


def _month_index(month: date) -> int:
    return month.year * 12 + month.month - 1


def _month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _keys(table: pa.Table) -> list[tuple[float, float, str]]:
    """Each record's place: its point, with its address text where the point is a postcode centroid."""
    lon, lat = table["lon"].to_pylist(), table["lat"].to_pylist()
    precision, text = table["precision"].to_pylist(), table["place"].to_pylist()
    return [
        (x, y, t.strip().lower() if p == LocationPrecision.POSTCODE.value else "")
        for x, y, p, t in zip(lon, lat, precision, text, strict=True)
    ]


def _describe(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A place's words from its records: its commonest name, its streets, sources, months and counts by source."""
    names: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    months: set[str] = set()
    for r in rows:
        if r["place"]:
            names[ON_OR_NEAR.sub("", r["place"])] += r["n"]
        by_source[r["source"]] += r["n"]
        months.add(f"{r['month']:%Y-%m}")
    streets = [name for name, _ in sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))]
    first = rows[0]
    return {
        "place": streets[0] if streets else "(no location text)",
        "streets": streets,
        "sources": sorted(by_source),
        "by_source": dict(sorted(by_source.items())),
        "months": sorted(months),
        "lon": first["lon"],
        "lat": first["lat"],
        "precision": first["precision"],
        "snapped": first["precision"] == LocationPrecision.SNAP_POINT.value,
    }


def repeat_places(
    con: Connection,
    f: read.IncidentFilter,
    lads: tuple[str, ...] | None,
    top: int = 20,
    cells: Cells | None = None,
) -> dict[str, Any]:
    """The repeat figures of each month of the filter's period (over the 12 months to it) and the top repeat places
    of the 12 months to the period's end, for the places in the LADs (and cells, when given; None: anywhere)."""
    first = add_months(f.start, -(WINDOW - 1))
    table = read.place_records(con, replace(f, start=first, lad=None), lads, cells)
    keys = _keys(table)
    index: dict[tuple[float, float, str], int] = {}
    place = np.array([index.setdefault(k, len(index)) for k in keys], dtype=int)
    month = np.array([_month_index(m) for m in table["month"].to_pylist()], dtype=int)
    n = np.asarray(table["n"].to_numpy(), dtype=float)
    universe = read.place_counts(con, replace(f, lad=None), lads, cells).num_rows
    held = read.month_extent(con, f.sources)
    earliest = _month_index(held[0]) if held[0] else _month_index(first)
    ends = list(range(_month_index(f.start), _month_index(f.end) + 1))
    rolling = [
        {
            "from": _month_text(w.end - WINDOW + 1),
            "to": _month_text(w.end),
            "complete": w.end - WINDOW + 1 >= earliest,
            "incidents": w.incidents,
            "places": w.places,
            "repeat_places": w.repeat_places,
            "repeat_incidents": w.repeat_incidents,
            "repeat_rate": None if w.repeat_rate is None else round(w.repeat_rate, 4),
            "chance_rate": _rounded(chance_repeat_rate(w.incidents, max(universe, w.places))),
        }
        for w in rolling_repeats(place, month, n, ends)
    ]
    last = ends[-1] if ends else _month_index(f.end)
    counts = window_counts(place, month, n, last) if len(place) else np.zeros(0)
    inside = (month > last - WINDOW) & (month <= last)
    records: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = table.to_pylist()
    order = np.lexsort((np.arange(len(counts)), -counts))
    ranked = [int(i) for i in order if counts[i] >= REPEAT_AT][:top]
    chosen = set(ranked)
    for i, r in enumerate(rows):
        if inside[i] and place[i] in chosen:
            records[int(place[i])].append(r)
    top_places = [{"rank": k + 1, "count": int(counts[i]), **_describe(records[i])} for k, i in enumerate(ranked)]
    snapped = any(p["snapped"] for p in top_places)
    return {
        "window_months": WINDOW,
        "repeat_at": REPEAT_AT,
        "places_in_area": universe,
        "rolling": rolling,
        "top": {"from": _month_text(last - WINDOW + 1), "to": _month_text(last), "places": top_places},
        "method": METHOD + SNAPPED,
        "note": SNAPPED if snapped else "",
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def repeat_places_layer(
    con: Connection, filters: Filters, area: StudyArea, top: int = 20, res: int = DRAWN_RES
) -> dict[str, Any]:
    """The top repeat places of the study area as small cells around their points, with the rolling figures."""
    found = repeat_places(con, filters.incident, area.lads, top)
    places = found["top"]["places"]
    lon = np.array([p["lon"] for p in places], dtype=float)
    lat = np.array([p["lat"] for p in places], dtype=float)
    cells = points_to_cells(lon, lat, res)
    features, seen = [], set()
    for cell, p in zip(cells.tolist(), places, strict=True):
        if cell in seen:  # two places in one small cell: the busier is drawn, both are listed
            continue
        seen.add(cell)
        props = {k: p[k] for k in ("rank", "place", "count", "sources", "months", "precision", "snapped")}
        features += hex_features(np.array([cell], dtype=np.uint64), [props])
    return feature_collection(
        features,
        area=area.echo(),
        resolution=res,
        period={"from": f"{filters.incident.start:%Y-%m}", "to": f"{filters.incident.end:%Y-%m}"},
        filters=filters.echo(),
        warnings=[] if places else ["no place with repeat incidents in the 12 months to the period's end"],
        **found,
    )
