"""Split candidate rows into canonical good rows and rejects, each reject with a reason a person understands."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.schema import INCIDENT_SCHEMA, LocationPrecision

# Generous bounding box of the UK and Crown dependencies (lon, lat).
UK_LON = (-8.75, 1.85)
UK_LAT = (49.8, 60.95)
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"

RenderRaw = Callable[[list[int]], list[str]]


def _parse_number(text: pa.ChunkedArray) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """Parse decimal text; returns (values with nulls, mask of non-blank text that did not parse)."""
    blank = pc.equal(text, "")
    ok = pc.match_substring_regex(text, _NUMBER)
    values = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
    return values, pc.and_not(pc.invert(blank), ok)


def _in_range(values: pa.ChunkedArray, bounds: tuple[float, float]) -> pa.ChunkedArray:
    return pc.and_(pc.greater_equal(values, bounds[0]), pc.less_equal(values, bounds[1]))


def _np(mask: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _lazy(column: pa.ChunkedArray) -> Callable[[], list[str]]:
    """A column's Python values, converted once on first use (only rejects need them)."""
    cache: list[list[str]] = []

    def values() -> list[str]:
        if not cache:
            cache.append(column.to_pylist())
        return cache[0]

    return values


def _reasons(
    c: pa.Table,
    lon: pa.ChunkedArray,
    lat: pa.ChunkedArray,
    lon_bad: pa.ChunkedArray,
    lat_bad: pa.ChunkedArray,
) -> list[tuple[np.ndarray, Callable[[int], str]]]:
    """Checks in priority order: (failing-row mask, message for row i)."""
    lon_text, lat_text = c["lon_text"], c["lat_text"]
    one_missing = pc.xor(pc.equal(lon_text, ""), pc.equal(lat_text, ""))
    lon_uk, lat_uk = _in_range(lon, UK_LON), _in_range(lat, UK_LAT)
    swapped = pc.and_(_in_range(lat, UK_LON), _in_range(lon, UK_LAT))
    outside = pc.and_(pc.and_(pc.is_valid(lon), pc.is_valid(lat)), pc.invert(pc.and_(lon_uk, lat_uk)))
    months, lons, lats = _lazy(c["month_text"]), _lazy(lon_text), _lazy(lat_text)
    blank = pc.and_(
        pc.and_(pc.equal(c["month_text"], ""), pc.equal(c["source_category"], "")),
        pc.and_(pc.equal(lon_text, ""), pc.equal(lat_text, "")),
    )
    return [
        (_np(blank), lambda i: "blank row"),
        (_np(pc.equal(c["source_category"], "")), lambda i: "missing crime type / category"),
        (
            _np(pc.invert(pc.match_substring_regex(c["month_text"], _MONTH))),
            lambda i: f"month {months()[i]!r} is not a valid YYYY-MM month",
        ),
        (_np(lon_bad), lambda i: f"longitude {lons()[i]!r} is not a number"),
        (_np(lat_bad), lambda i: f"latitude {lats()[i]!r} is not a number"),
        (_np(one_missing), lambda i: "only one of longitude/latitude is given"),
        (
            _np(pc.and_(outside, swapped)),
            lambda i: f"latitude and longitude look swapped (longitude {lons()[i]}, latitude {lats()[i]})",
        ),
        (_np(outside), lambda i: f"coordinates outside the UK (longitude {lons()[i]}, latitude {lats()[i]})"),
    ]


def split(
    candidates: pa.Table, render_raw: RenderRaw, located: LocationPrecision = LocationPrecision.SNAP_POINT
) -> tuple[pa.Table, list[tuple[int, str, str]]]:
    """Return (canonical good rows, rejects as (line, raw, reason)) for a table of candidate rows."""
    c = candidates
    lon, lon_bad = _parse_number(c["lon_text"])
    lat, lat_bad = _parse_number(c["lat_text"])
    rejected = np.zeros(c.num_rows, dtype=bool)
    reason_of: dict[int, str] = {}
    for mask, message in _reasons(c, lon, lat, lon_bad, lat_bad):
        new = mask & ~rejected
        for i in np.flatnonzero(new):
            reason_of[int(i)] = message(int(i))
        rejected |= new
    bad = sorted(reason_of)
    rejects: list[tuple[int, str, str]] = []
    if bad:
        lines = c["line"].to_numpy()
        rejects = [(int(lines[i]), raw, reason_of[i]) for i, raw in zip(bad, render_raw(bad), strict=True)]
    good = c.filter(pa.array(~rejected)) if bad else c
    glon = lon.filter(pa.array(~rejected)) if bad else lon
    glat = lat.filter(pa.array(~rejected)) if bad else lat
    return _canonical(good, glon, glat, located), rejects


def _canonical(c: pa.Table, lon: pa.ChunkedArray, lat: pa.ChunkedArray, located: LocationPrecision) -> pa.Table:
    month = pc.strptime(pc.binary_join_element_wise(c["month_text"], "01", "-"), format="%Y-%m-%d", unit="s")
    has_point = pc.and_(pc.is_valid(lon), pc.is_valid(lat))
    precision = pc.if_else(
        has_point,
        located.value,
        pc.if_else(pc.is_valid(c["lsoa_code"]), LocationPrecision.LSOA.value, LocationPrecision.NONE.value),
    )
    partition = pc.binary_join_element_wise(c["source"], c["partition_scope"], c["month_text"], ":")
    columns = {
        "source": c["source"],
        "partition_key": partition,
        "source_ref": c["source_ref"],
        "line": c["line"],
        "month": pc.cast(month, pa.date32()),
        "category": c["category"],
        "source_category": c["source_category"],
        "lon": lon,
        "lat": lat,
        "location_precision": precision,
        "location_text": c["location_text"],
        "lsoa_code": c["lsoa_code"],
        "lsoa_name": c["lsoa_name"],
        "reported_by": c["reported_by"],
        "outcome": c["outcome"],
    }
    return pa.table(columns).cast(INCIDENT_SCHEMA)
