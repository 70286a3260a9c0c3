"""Profile-driven adapter: a council export's text rows, batch by batch, as candidates (dates, category, place).

Dates and locations are parsed per row (once per distinct date text); grid references are converted a batch at
a time. Duplicates are found across the whole file: a row repeating an earlier reference, or time, category and
place, is refused as a duplicate of the first.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from ingest.adapters.exports import read_text_rows
from ingest.adapters.text_rows import TextRows
from ingest.dates import DateParser
from ingest.errors import FeedFileError
from ingest.geocode import bng_to_wgs84
from ingest.limits import NO_LIMITS, Limits
from ingest.locate import Getter, Locator
from ingest.places import Places
from ingest.profiles import Profile, normalise_label
from ingest.sources import ReadContext, files_as_given
from ingest.taxonomy import Category
from ingest.validate import Candidates, RowError, scoped_months

TEXT_COLUMNS = ("source_ref", "month_text", "category", "source_category", "located", "location_text")
MORE_TEXT = ("reported_by", "outcome", "ward_code")


def _getter(rows: TextRows, name: str | None, path: str) -> Getter:
    if name is None:
        return lambda row: ""
    try:
        i = rows.column(name)
    except KeyError as exc:
        raise FeedFileError(
            path, f"column {name!r} named in the profile is not in the header ({', '.join(rows.header)})", 1
        ) from exc
    return lambda row: row[i]


class RowMapper:
    """Maps the batches of one file through a profile, remembering the rows seen so far for duplicates."""

    def __init__(self, header: TextRows, profile: Profile, places: Places, path: str, now: datetime) -> None:
        names = profile.columns.model_dump()
        self.get = {key: _getter(header, names[key], path) for key in names}
        self.profile = profile
        self.locate = Locator(profile, places, self.get)
        self.dates = DateParser(profile, now)
        self.lookup = profile.category_lookup()
        self.seen: dict[bytes, int] = {}  # digest of each row's identity -> its line (compact for large files)

    def _category(self, label: str, unmapped: Counter[str]) -> Category:
        if not label:
            raise RowError("missing category")
        category = self.lookup.get(normalise_label(label))
        if category is None:
            unmapped[label] += 1
            raise RowError(f"category {label!r} is not mapped in profile {self.profile.name}")
        return category

    def candidates(self, rows: TextRows) -> Candidates:
        """One batch of text rows as candidates; rows that cannot load carry their problem."""
        get, n = self.get, len(rows.rows)
        out: dict[str, list[object]] = {k: [None] * n for k in (*TEXT_COLUMNS, *MORE_TEXT, "at", "lon", "lat")}
        problems: dict[int, str] = {}
        unmapped: Counter[str] = Counter()
        grid: list[int] = []
        for i, (row, line) in enumerate(zip(rows.rows, rows.lines, strict=True)):
            at: datetime | None = None
            date_error: RowError | None = None
            try:
                at = self.dates(get["occurred"](row), get["occurred_time"](row))
                out["month_text"][i] = f"{at:%Y-%m}"
            except RowError as exc:
                date_error = exc
            try:
                label = get["category"](row)
                category = self._category(label, unmapped)
                if at is None:
                    raise date_error or RowError("no date")
                place = self.locate(row)
                ref = get["reference"](row) or None
                key: tuple[object, ...] = (
                    ("ref", ref)
                    if ref
                    else ("row", at, category, place.lon, place.lat, place.ward, get["location_text"](row))
                )
                digest = hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
                if digest in self.seen:
                    what = f"reference {ref!r}" if ref else "same time, category and place"
                    raise RowError(f"duplicate of line {self.seen[digest]} ({what})")
                self.seen[digest] = line
            except RowError as exc:
                problems[i] = str(exc)
                continue
            if place.grid:
                grid.append(i)
            for k, v in (
                ("source_ref", ref),
                ("at", at),
                ("category", category.value),
                ("source_category", label.strip()),
                ("lon", place.lon),
                ("lat", place.lat),
                ("located", place.precision.value),
                ("ward_code", place.ward),
                ("location_text", get["location_text"](row) or None),
                ("outcome", get["outcome"](row) or None),
                ("reported_by", get["reported_by"](row) or None),
            ):
                out[k][i] = v
        delimiter = self.profile.file.delimiter
        return Candidates(
            self._table(rows, out, grid),
            problems,
            lambda bad: [delimiter.join(rows.rows[i]) for i in bad],
            list(rows.rejects),
            unmapped,
        )

    def _table(self, rows: TextRows, out: dict[str, list[object]], grid: list[int]) -> pa.Table:
        n = len(rows.rows)
        lon = np.array([np.nan if v is None else v for v in out["lon"]], dtype=np.float64)
        lat = np.array([np.nan if v is None else v for v in out["lat"]], dtype=np.float64)
        if grid:
            g = np.array(grid)
            lon[g], lat[g] = bng_to_wgs84(lon[g], lat[g])
        text = {k: pa.array(out[k], pa.string()) for k in (*TEXT_COLUMNS, *MORE_TEXT)}
        return pa.table(
            {
                "line": pa.array(rows.lines, pa.int64()),
                "source": pa.array([self.profile.source] * n, pa.string()),
                "partition_scope": pa.array([self.profile.name] * n, pa.string()),
                "feed": pa.array([self.profile.name] * n, pa.string()),
                **{k: text[k] for k in ("source_ref", "month_text", "category", "source_category")},
                "lon": pa.array(lon, pa.float64(), mask=np.isnan(lon)),
                "lat": pa.array(lat, pa.float64(), mask=np.isnan(lat)),
                "lon_text": pa.nulls(n, pa.string()),
                "lat_text": pa.nulls(n, pa.string()),
                "located": text["located"],
                "location_text": text["location_text"],
                "lsoa_code": pa.nulls(n, pa.string()),
                "lsoa_name": pa.nulls(n, pa.string()),
                "reported_by": text["reported_by"],
                "outcome": text["outcome"],
                "occurred_at": pa.array(out["at"], pa.timestamp("s")),
                "ward_code": text["ward_code"],
            }
        )


def profile_batches(
    path: Path, profile: Profile, places: Places, now: datetime, limits: Limits = NO_LIMITS
) -> Generator[Candidates, None, None]:
    """Candidates of one export read through its profile, a batch at a time."""
    mapper: RowMapper | None = None
    for rows in read_text_rows(path, profile.file, limits=limits):
        if mapper is None:  # the header is checked against the profile before any row is used
            mapper = RowMapper(rows, profile, places, str(path), now)
        yield mapper.candidates(rows)


@dataclass(frozen=True)
class ProfileSource:
    """A feed read through a profile (CSV, XLSX or Open311 JSON exports) as a source: a month replaced per feed."""

    profile: Profile

    @property
    def name(self) -> str:
        """The profile's name."""
        return self.profile.name

    @property
    def source(self) -> str:
        """The profile's canonical source."""
        return self.profile.source

    @property
    def label(self) -> str:
        """The profile's name, as recorded on rows and in the load log."""
        return self.profile.name

    @property
    def description(self) -> str:
        """The profile's description."""
        return self.profile.description

    @property
    def file_format(self) -> str:
        """The export's format: csv, xlsx or open311-json."""
        return self.profile.file.format

    def files(self, paths: Sequence[Path]) -> list[Path]:
        """(a) The files as given."""
        return files_as_given(paths)

    def read(self, path: Path, context: ReadContext) -> Generator[Candidates, None, None]:
        """(b) The export's candidates, located against the postcodes and wards its columns need."""
        columns = self.profile.columns
        places = context.places(bool(columns.postcode), bool(columns.ward))
        return profile_batches(path, self.profile, places, context.now, context.limits)

    def months(self, candidates: pa.Table) -> pa.Array:
        """(c) Each row's month of the feed: <source>:<feed>:<month>."""
        return scoped_months(candidates)
