"""Split candidate rows into canonical good rows and rejects, each reject with a reason a person understands.

Text checks run once per distinct value of dictionary-encoded columns (feeds repeat the same months,
coordinates and categories many times), then spread to rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.columns import decoded, per_row
from ingest.schema import DICTIONARY_COLUMNS, LocationPrecision, staged_schema

# Generous bounding box of the UK and Crown dependencies (lon, lat).
UK_LON = (-8.75, 1.85)
UK_LAT = (49.8, 60.95)
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"

RenderRaw = Callable[[list[int]], list[str]]
Rejects = list[tuple[int, str, str]]


def _number(values: pa.Array) -> pa.Array:
    ok = pc.match_substring_regex(values, _NUMBER)
    return pc.cast(pc.if_else(ok, values, pa.scalar(None, pa.string())), pa.float64())


def _not_a_number(values: pa.Array) -> pa.Array:
    return pc.and_(pc.not_equal(values, ""), pc.invert(pc.match_substring_regex(values, _NUMBER)))


def _blank(values: pa.Array) -> pa.Array:
    return pc.equal(values, "")


def _bad_month(values: pa.Array) -> pa.Array:
    return pc.invert(pc.match_substring_regex(values, _MONTH))


def _month_start(values: pa.Array) -> pa.Array:
    text = pc.if_else(pc.match_substring_regex(values, _MONTH), values, "1970-01")
    parsed = pc.strptime(pc.binary_join_element_wise(text, "01", "-"), format="%Y-%m-%d", unit="s")
    return pc.cast(parsed, pa.date32())


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


def _reasons(c: pa.Table, lon: pa.ChunkedArray, lat: pa.ChunkedArray) -> list[tuple[np.ndarray, Callable[[int], str]]]:
    """Checks in priority order: (failing-row mask, message for row i)."""
    lon_blank, lat_blank = _np(per_row(c["lon_text"], _blank)), _np(per_row(c["lat_text"], _blank))
    month_blank = _np(per_row(c["month_text"], _blank))
    category_blank = _np(per_row(c["source_category"], _blank))
    lon_uk, lat_uk = _in_range(lon, UK_LON), _in_range(lat, UK_LAT)
    swapped = _np(pc.and_(_in_range(lat, UK_LON), _in_range(lon, UK_LAT)))
    outside = _np(pc.and_(pc.and_(pc.is_valid(lon), pc.is_valid(lat)), pc.invert(pc.and_(lon_uk, lat_uk))))
    months, lons, lats = _lazy(c["month_text"]), _lazy(c["lon_text"]), _lazy(c["lat_text"])
    return [
        (month_blank & category_blank & lon_blank & lat_blank, lambda i: "blank row"),
        (category_blank, lambda i: "missing crime type / category"),
        (_np(per_row(c["month_text"], _bad_month)), lambda i: f"month {months()[i]!r} is not a valid YYYY-MM month"),
        (_np(per_row(c["lon_text"], _not_a_number)), lambda i: f"longitude {lons()[i]!r} is not a number"),
        (_np(per_row(c["lat_text"], _not_a_number)), lambda i: f"latitude {lats()[i]!r} is not a number"),
        (lon_blank ^ lat_blank, lambda i: "only one of longitude/latitude is given"),
        (
            outside & swapped,
            lambda i: f"latitude and longitude look swapped (longitude {lons()[i]}, latitude {lats()[i]})",
        ),
        (outside, lambda i: f"coordinates outside the UK (longitude {lons()[i]}, latitude {lats()[i]})"),
    ]


def reject_months(candidates: pa.Table, rejects: Rejects) -> dict[int, date]:
    """Line -> month of each rejected row whose month text is valid."""
    if not rejects:
        return {}
    lines = candidates["line"].to_numpy()
    months = decoded(candidates["month_text"]).to_pylist()
    wanted = {r[0] for r in rejects}
    return {
        int(line): date(int(m[:4]), int(m[5:7]), 1)
        for line, m in zip(lines, months, strict=True)
        if int(line) in wanted and m and re.match(_MONTH, m)
    }


def split(
    candidates: pa.Table, render_raw: RenderRaw, located: LocationPrecision = LocationPrecision.SNAP_POINT
) -> tuple[pa.Table, Rejects]:
    """Return (canonical good rows, rejects as (line, raw, reason)) for a table of candidate rows."""
    c = candidates
    lon, lat = per_row(c["lon_text"], _number), per_row(c["lat_text"], _number)
    rejected = np.zeros(c.num_rows, dtype=bool)
    reason_of: dict[int, str] = {}
    for mask, message in _reasons(c, lon, lat):
        new = mask & ~rejected
        for i in np.flatnonzero(new):
            reason_of[int(i)] = message(int(i))
        rejected |= new
    bad = sorted(reason_of)
    rejects: Rejects = []
    if bad:
        lines = c["line"].to_numpy()
        rejects = [(int(lines[i]), raw, reason_of[i]) for i, raw in zip(bad, render_raw(bad), strict=True)]
        keep = pa.array(~rejected)
        c, lon, lat = c.filter(keep), lon.filter(keep), lat.filter(keep)
    return _canonical(c, lon, lat, located), rejects


def _precision(has_point: pa.ChunkedArray, has_lsoa: pa.ChunkedArray, located: LocationPrecision) -> pa.Array:
    lsoa_or_none = pc.if_else(has_lsoa, LocationPrecision.LSOA.value, LocationPrecision.NONE.value)
    return pc.if_else(has_point, located.value, lsoa_or_none)


def _canonical(c: pa.Table, lon: pa.ChunkedArray, lat: pa.ChunkedArray, located: LocationPrecision) -> pa.Table:
    has_point = pc.and_(pc.is_valid(lon), pc.is_valid(lat))
    partition = pc.binary_join_element_wise(
        decoded(c["source"]), decoded(c["partition_scope"]), decoded(c["month_text"]), ":"
    )
    columns = {
        "source": c["source"],
        "partition_key": partition,
        "source_ref": c["source_ref"],
        "line": c["line"],
        "month": per_row(c["month_text"], _month_start),
        "category": c["category"],
        "source_category": c["source_category"],
        "lon": lon,
        "lat": lat,
        "location_precision": _precision(has_point, per_row(c["lsoa_code"], pc.is_valid), located),
        "location_text": c["location_text"],
        "lsoa_code": c["lsoa_code"],
        "lsoa_name": c["lsoa_name"],
        "reported_by": c["reported_by"],
        "outcome": c["outcome"],
        "occurred_at": c["occurred_at"],
        "feed": c["feed"],
        "ward_code": c["ward_code"],
    }
    table = pa.table(columns)
    for name in DICTIONARY_COLUMNS:
        i = table.schema.get_field_index(name)
        column = table.column(i)
        if not pa.types.is_dictionary(column.type):
            column = pc.dictionary_encode(column)
        table = table.set_column(i, name, column)
    return table.cast(staged_schema())
