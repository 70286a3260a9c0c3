"""Build the API's layers from store queries and geo: shared by the JSON routes and the map page."""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass
from datetime import date
from threading import Lock
from typing import Any

import numpy as np
import shapely
import shapely.geometry

from api.deps import Filters
from api.disclosure import DisclosureRule, publish
from api.errors import ParameterError
from geo.change import fdr_q_values, poisson_change_p
from geo.features import feature, feature_collection, hex_features
from geo.hexbin import cells_to_strings
from geo.trends import add_months, change, previous_period, zero_filled
from ingest.schema import MAPPED_PRECISIONS, LocationPrecision
from ingest.store.boundaries import ward_geometries
from ingest.store.connection import Connection
from ingest.store.queries import IncidentFilter, hex_counts, monthly_counts, top_cells, ward_counts


@dataclass(frozen=True)
class Ward:
    """A ward as drawn: code, name, LAD and GeoJSON geometry."""

    code: str
    name: str
    lad_code: str | None
    lad_name: str | None
    geometry: dict[str, Any]


class WardCache:
    """Ward polygons per boundary set, parsed once (boundaries do not change while serving: uploads add incidents)."""

    def __init__(self, freeze: bool = False) -> None:
        self._freeze = freeze
        self._sets: dict[str, list[Ward]] = {}
        self._shapes: dict[str, dict[str, shapely.Geometry]] = {}
        self._lock = Lock()

    def shape(self, boundary_set: str, code: str) -> shapely.Geometry:
        """A ward's polygon as a shapely geometry (after `get` has loaded its set)."""
        with self._lock:
            shapes = self._shapes.setdefault(boundary_set, {})
            if code not in shapes:
                ward = next(w for w in self._sets[boundary_set] if w.code == code)
                shapes[code] = shapely.geometry.shape(ward.geometry)
            return shapes[code]

    def get(self, con: Connection, boundary_set: str) -> list[Ward]:
        """The wards of a boundary set."""
        with self._lock:
            if boundary_set not in self._sets:
                t = ward_geometries(con, boundary_set).to_pylist()
                self._sets[boundary_set] = [
                    Ward(r["code"], r["name"], r["lad_code"], r["lad_name"], json.loads(r["geometry"])) for r in t
                ]
                # millions of coordinate objects that live as long as the app: keep them out of every later
                # garbage collection, whose full passes would otherwise stall requests for a quarter second
                if self._freeze:
                    gc.collect()
                    gc.freeze()
            return self._sets[boundary_set]


def _period(f: IncidentFilter) -> dict[str, str]:
    return {"from": f"{f.start:%Y-%m}", "to": f"{f.end:%Y-%m}"}


WARD_PRECISIONS = tuple(p.value for p in LocationPrecision)
HEX_PRECISIONS = tuple(p.value for p in MAPPED_PRECISIONS)


def located(row: dict[str, Any], precisions: tuple[str, ...]) -> dict[str, int]:
    """Counts by location precision from a query row's located_<i> columns (non-zero only)."""
    return {p: int(row[f"located_{k}"]) for k, p in enumerate(precisions) if row.get(f"located_{k}")}


def wards_layer(con: Connection, filters: Filters, cache: WardCache, precision: bool = False) -> dict[str, Any]:
    """Ward FeatureCollection with count, previous_count and change for the period (and counts by precision)."""
    f = filters.incident
    prev_start, prev_end = previous_period(f.start, f.end)
    rule = filters.disclosure
    precision = precision and rule is None  # counts by precision would publish small counts
    precisions = WARD_PRECISIONS if precision else ()
    keys = rule is not None
    rows = ward_counts(con, f, filters.boundary_set, (prev_start, prev_end), precisions, keys).to_pylist()
    counts = {r["code"]: r for r in rows}
    features = []
    for ward in cache.get(con, filters.boundary_set):
        row = counts.get(ward.code, {})
        count: int | None = int(row.get("count", 0))
        previous: int | None = int(row.get("previous_count", 0))
        if rule is not None:
            count = publish(int(count or 0), int(row.get("count_key", 0)), rule)
            previous = publish(int(previous or 0), int(row.get("previous_key", 0)), rule)
        delta, pct = change(count, previous) if count is not None and previous is not None else (None, None)
        props: dict[str, Any] = {
            "code": ward.code,
            "name": ward.name,
            "lad": ward.lad_code,
            "lad_name": ward.lad_name,
            "count": count,
            "previous_count": previous,
            "change": delta,
            "change_pct": pct,
        }
        if precision:
            props["located"] = located(row, precisions)
        features.append(feature(ward.geometry, props, fid=ward.code))
    return feature_collection(
        features,
        period=_period(f),
        previous_period={"from": f"{prev_start:%Y-%m}", "to": f"{prev_end:%Y-%m}"},
        filters=filters.echo(),
    )


def hex_layer(
    con: Connection,
    filters: Filters,
    res: int,
    bbox: tuple[float, float, float, float] | None,
    precision: bool = False,
) -> dict[str, Any]:
    """H3 hexagon FeatureCollection with counts of incidents that have a point (and counts by precision)."""
    rule = filters.disclosure
    if rule is not None:
        return _disclosed_hex_layer(con, filters, rule, res, bbox)
    precisions = HEX_PRECISIONS if precision else ()
    t = hex_counts(con, filters.incident, res, bbox, precisions)
    cells = t["cell"].to_numpy().astype(np.uint64) if t.num_rows else np.array([], dtype=np.uint64)
    if precision:
        props = [{"count": int(r["count"]), "located": located(r, precisions)} for r in t.to_pylist()]
    else:
        props = [{"count": int(c)} for c in t["count"].to_pylist()]
    return feature_collection(
        hex_features(cells, props), resolution=res, period=_period(filters.incident), filters=filters.echo()
    )


def _disclosed_hex_layer(
    con: Connection,
    filters: Filters,
    rule: DisclosureRule,
    res: int,
    bbox: tuple[float, float, float, float] | None,
) -> dict[str, Any]:
    """Hexagons under disclosure control: no finer than the rule allows; cells with suppressed counts left out."""
    if res > rule.max_res:
        raise ParameterError("res", f"hexagons finer than resolution {rule.max_res} need an analyst or partner token")
    published = [
        (r["cell"], value)
        for r in hex_counts(con, filters.incident, res, bbox, keys=True).to_pylist()
        if (value := publish(int(r["count"]), int(r["key"]), rule)) is not None
    ]
    cells = np.array([c for c, _ in published], dtype=np.uint64)
    props = [{"count": v} for _, v in published]
    return feature_collection(
        hex_features(cells, props), resolution=res, period=_period(filters.incident), filters=filters.echo()
    )


def hotspot_rows(con: Connection, filters: Filters, res: int, top: int, cache: WardCache) -> list[dict[str, Any]]:
    """Top cells by count, each with its ward and share of all counted incidents with a point."""
    t = top_cells(con, filters.incident, res, top, filters.boundary_set)
    names = {w.code: w.name for w in cache.get(con, filters.boundary_set)}
    cells = t["cell"].to_numpy().astype(np.uint64) if t.num_rows else np.array([], dtype=np.uint64)
    ids = cells_to_strings(cells)
    return [
        {
            "rank": i + 1,
            "h3": h,
            "count": int(r["count"]),
            "ward": r["ward_code"],
            "ward_name": names.get(r["ward_code"]) if r["ward_code"] else None,
        }
        for i, (h, r) in enumerate(zip(ids, t.to_pylist(), strict=True))
    ]


def compared_with(total: int, before: int, alpha: float) -> dict[str, Any]:
    """This period's total against another's: the other total, the change, and the conditional Poisson test."""
    delta, pct = change(total, before)
    p = poisson_change_p(total, before)
    return {
        "total": before,
        "change": delta,
        "change_pct": pct,
        "p_value": float(f"{p:.3g}"),
        "significant": bool(p < alpha),
    }


def comparison_members(previous: dict[str, Any], last_year: dict[str, Any]) -> dict[str, Any]:
    """The members of a trend answer that compare it with the previous period and with last year, and the test."""
    return {
        "previous_total": previous["total"],
        "change": previous["change"],
        "change_pct": previous["change_pct"],
        "compared": {"previous_period": previous, "last_year": last_year},
        "test": "two-sided conditional Poisson test: given both totals, is this period's share different from "
        "what equal rates give (exact binomial)",
    }


def comparison_period(start: date, end: date, compare: str) -> tuple[date, date]:
    """The period compared with: the one just before (`previous`) or the same months a year earlier (`last_year`)."""
    if compare == "last_year":
        return add_months(start, -12), add_months(end, -12)
    return previous_period(start, end)


def ward_movers(
    con: Connection,
    filters: Filters,
    cache: WardCache,
    lad: str | None,
    top: int,
    alpha: float,
    compare: str = "previous",
) -> dict[str, Any]:
    """Wards whose count rose or fell most against the comparison period, each with an FDR-controlled test."""
    f = filters.incident
    prev_start, prev_end = comparison_period(f.start, f.end, compare)
    wards = {w.code: w for w in cache.get(con, filters.boundary_set) if lad is None or w.lad_code == lad}
    rows = [
        r
        for r in ward_counts(con, f, filters.boundary_set, (prev_start, prev_end)).to_pylist()
        if r["code"] in wards and r["count"] + r["previous_count"] > 0
    ]
    p = np.array([poisson_change_p(r["count"], r["previous_count"]) for r in rows])
    q = fdr_q_values(p)
    movers = []
    for r, p_value, q_value in zip(rows, p, q, strict=True):
        delta, pct = change(r["count"], r["previous_count"])
        ward = wards[r["code"]]
        movers.append(
            {
                "code": ward.code,
                "name": ward.name,
                "lad": ward.lad_code,
                "count": r["count"],
                "previous_count": r["previous_count"],
                "change": delta,
                "change_pct": pct,
                "p_value": float(f"{p_value:.3g}"),
                "q_value": float(f"{q_value:.3g}"),
                "significant": bool(q_value < alpha),
            }
        )
    rising = sorted((m for m in movers if m["change"] > 0), key=lambda m: (-m["change"], m["code"]))[:top]
    falling = sorted((m for m in movers if m["change"] < 0), key=lambda m: (m["change"], m["code"]))[:top]
    return {
        "period": _period(f),
        "compare": compare,
        "previous_period": {"from": f"{prev_start:%Y-%m}", "to": f"{prev_end:%Y-%m}"},
        "filters": filters.echo(),
        "lad": lad,
        "alpha": alpha,
        "wards_tested": len(movers),
        "test": "two-sided conditional Poisson test (exact binomial on the two counts), Benjamini-Hochberg FDR "
        "across the wards tested; significant when q < alpha",
        "rising": rising,
        "falling": falling,
    }


def trend_series(
    con: Connection, filters: Filters, ward: str | None, cell: tuple[int, int] | None = None
) -> list[tuple[date, int]]:
    """Zero-filled monthly counts over the period, for one ward, one H3 cell (res, cell) or the filtered area."""
    f = filters.incident
    t = monthly_counts(con, f, (filters.boundary_set, ward) if ward else None, cell)
    return zero_filled(f.start, f.end, t["month"].to_pylist(), t["count"].to_pylist())
