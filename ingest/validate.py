"""The checks every feed shares (UK bounds, months, dates) and the one builder of canonical rows.

Adapters yield `Candidates`: rows in the candidate layout with the problems their own parsing found; `split`
adds the shared coordinate checks, sets rejects aside with a reason a person understands, and builds the
canonical rows. Text checks run once per distinct value of dictionary-encoded columns, then spread to rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.columns import decoded, per_row
from ingest.schema import DICTIONARY_COLUMNS, LocationPrecision, staged_schema

# Generous bounding box of the UK and Crown dependencies (lon, lat).
UK_LON = (-8.75, 1.85)
UK_LAT = (49.8, 60.95)
EARLIEST = datetime(1990, 1, 1)  # dated rows before this are refused
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"

Rejects = list[tuple[int, str, str]]  # (line, raw text, reason)
RenderRaw = Callable[[list[int]], list[str]]
Check = tuple[np.ndarray, Callable[[int], str]]  # (failing-row mask, message for row i)
Months = Callable[[pa.Table], pa.Array]  # candidate rows -> the partition (source:scope:YYYY-MM) of each

# The candidate layout every adapter yields (text columns may be dictionary-encoded).
CANDIDATE_COLUMNS = (
    "line",  # source line (or sheet row, or position in a JSON array)
    "source",
    "partition_scope",  # what a snapshot partition is within the source: police force, or the feed
    "feed",
    "source_ref",
    "month_text",  # YYYY-MM
    "category",
    "source_category",
    "lon",  # float64, NULL: no point
    "lat",
    "lon_text",  # the coordinates as recorded, for messages
    "lat_text",
    "located",  # precision of the point, where there is one
    "location_text",
    "lsoa_code",
    "lsoa_name",
    "reported_by",
    "outcome",
    "occurred_at",  # timestamp[s], NULL: month only
    "ward_code",  # the ward the source recorded
)


class RowError(Exception):
    """Why one row cannot load, found while parsing it (the row is quarantined with this message)."""


@dataclass
class Candidates:
    """One batch from an adapter: candidate rows, the problems its parsing found, and rows it refused while reading."""

    table: pa.Table  # CANDIDATE_COLUMNS
    problems: dict[int, str]  # row index -> why the row cannot load
    render_raw: RenderRaw  # raw text of rows by index (only rejects need it)
    rejects: Rejects = field(default_factory=list)  # rows refused while reading: not in `table`
    unmapped: Counter[str] = field(default_factory=Counter)  # source categories the profile does not map


def number(values: pa.Array) -> pa.Array:
    """Text that is a decimal number as float64; anything else NULL."""
    ok = pc.match_substring_regex(values, _NUMBER)
    return pc.cast(pc.if_else(ok, values, pa.scalar(None, pa.string())), pa.float64())


def not_a_number(values: pa.Array) -> pa.Array:
    """Whether text is given but is not a number."""
    return pc.and_(pc.not_equal(values, ""), pc.invert(pc.match_substring_regex(values, _NUMBER)))


def blank(values: pa.Array) -> pa.Array:
    """Whether text is empty."""
    return pc.equal(values, "")


def bad_month(values: pa.Array) -> pa.Array:
    """Whether text is not a YYYY-MM month."""
    return pc.invert(pc.match_substring_regex(values, MONTH))


def mask(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A boolean Arrow column as a numpy mask (NULL is False)."""
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _in_range(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return (values >= bounds[0]) & (values <= bounds[1])


def coordinate_masks(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(looks swapped, outside the UK) for points; NaN coordinates are neither."""
    with np.errstate(invalid="ignore"):
        outside = ~np.isnan(lon) & ~np.isnan(lat) & ~(_in_range(lon, UK_LON) & _in_range(lat, UK_LAT))
        swapped = outside & _in_range(lat, UK_LON) & _in_range(lon, UK_LAT)
    return swapped, outside


def swapped_message(lon_text: object, lat_text: object) -> str:
    """Why a point whose latitude and longitude look swapped is refused."""
    return f"latitude and longitude look swapped (longitude {lon_text}, latitude {lat_text})"


def outside_message(lon_text: object, lat_text: object) -> str:
    """Why a point outside the UK is refused."""
    return f"coordinates outside the UK (longitude {lon_text}, latitude {lat_text})"


def coordinate_problem(lon: float, lat: float, lon_text: str, lat_text: str) -> str | None:
    """Why one point cannot be used (swapped, outside the UK), or None."""
    swapped, outside = coordinate_masks(np.array([lon]), np.array([lat]))
    if swapped[0]:
        return swapped_message(lon_text, lat_text)
    return outside_message(lon_text, lat_text) if outside[0] else None


def date_problem(moment: datetime, text: str, latest: datetime) -> str | None:
    """Why a recorded date cannot be right (before EARLIEST, after `latest`), or None."""
    if moment < EARLIEST:
        return f"date {text!r} is before {EARLIEST:%Y}"
    if moment > latest:
        return f"date {text!r} is in the future"
    return None


def lazy(column: pa.ChunkedArray) -> Callable[[int], object]:
    """A column's Python value at a row, read only for the rows asked about (only rejects need them)."""

    def value(i: int) -> object:
        return column[i].as_py()

    return value


def _coordinate_checks(c: pa.Table) -> list[Check]:
    lon = c["lon"].to_numpy(zero_copy_only=False).astype(np.float64)
    lat = c["lat"].to_numpy(zero_copy_only=False).astype(np.float64)
    swapped, outside = coordinate_masks(lon, lat)
    lon_texts, lat_texts = lazy(c["lon_text"]), lazy(c["lat_text"])

    def texts(i: int) -> tuple[object, object]:  # as recorded, or the point's values where no text was kept
        return lon_texts(i) or lon[i], lat_texts(i) or lat[i]

    return [
        (swapped, lambda i: swapped_message(*texts(i))),
        (outside, lambda i: outside_message(*texts(i))),
    ]


def first_failing(checks: list[Check], n: int) -> dict[int, str]:
    """Row index -> the message of the first check (in priority order) each failing row fails."""
    rejected = np.zeros(n, dtype=bool)
    reason_of: dict[int, str] = {}
    for failing, message in checks:
        for i in np.flatnonzero(failing & ~rejected):
            reason_of[int(i)] = message(int(i))
        rejected |= failing
    return reason_of


def _month_of(text: object) -> date | None:
    return date(int(text[:4]), int(text[5:7]), 1) if isinstance(text, str) and re.match(MONTH, text) else None


def split(batch: Candidates, months_of: Months | None = None) -> tuple[pa.Table, Rejects, dict[int, date]]:
    """(canonical good rows, rejects as (line, raw, reason), line -> month of each reject whose month is valid); the
    good rows' partitions are `months_of` them (the source's step (c)), by default source:scope:month."""
    c = batch.table
    given = np.zeros(c.num_rows, dtype=bool)
    given[list(batch.problems)] = True
    reason_of = first_failing([(given, batch.problems.__getitem__), *_coordinate_checks(c)], c.num_rows)
    rejects: Rejects = list(batch.rejects)
    months: dict[int, date] = {}
    if reason_of:
        bad = sorted(reason_of)
        lines = c["line"].to_numpy()
        rejects += [(int(lines[i]), raw, reason_of[i]) for i, raw in zip(bad, batch.render_raw(bad), strict=True)]
        month_texts = decoded(c["month_text"]).take(pa.array(bad, pa.int64())).to_pylist()
        months = {int(lines[i]): m for i, t in zip(bad, month_texts, strict=True) if (m := _month_of(t))}
        keep = np.ones(c.num_rows, dtype=bool)
        keep[bad] = False
        c = c.filter(pa.array(keep))
    return canonical(c, months_of), rejects, months


def _month_start(values: pa.Array) -> pa.Array:
    text = pc.if_else(pc.match_substring_regex(values, MONTH), values, "1970-01")
    parsed = pc.strptime(pc.binary_join_element_wise(text, "01", "-"), format="%Y-%m-%d", unit="s")
    return pc.cast(parsed, pa.date32())


def _precision(c: pa.Table) -> pa.Array:
    """A point: its precision as located; else the recorded ward, else the LSOA, else none."""
    has_point = pc.and_(pc.is_valid(c["lon"]), pc.is_valid(c["lat"]))
    lsoa_or_none = pc.if_else(
        per_row(c["lsoa_code"], pc.is_valid), LocationPrecision.LSOA.value, LocationPrecision.NONE.value
    )
    ward_lsoa_or_none = pc.if_else(per_row(c["ward_code"], pc.is_valid), LocationPrecision.WARD.value, lsoa_or_none)
    return pc.if_else(has_point, decoded(c["located"]), ward_lsoa_or_none)


def scoped_months(c: pa.Table) -> pa.Array:
    """Each candidate row's partition: its source, its scope within the feed and its month, joined by ':'."""
    return pc.binary_join_element_wise(
        decoded(c["source"]), decoded(c["partition_scope"]), decoded(c["month_text"]), ":"
    )


def canonical(c: pa.Table, months_of: Months | None = None) -> pa.Table:
    """The canonical rows (staged schema) of valid candidate rows: the one builder every feed goes through."""
    partition = (months_of or scoped_months)(c)
    columns = {
        "source": c["source"],
        "partition_key": partition,
        "source_ref": c["source_ref"],
        "line": c["line"],
        "month": per_row(c["month_text"], _month_start),
        "category": c["category"],
        "source_category": c["source_category"],
        "lon": c["lon"],
        "lat": c["lat"],
        "location_precision": _precision(c),
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
