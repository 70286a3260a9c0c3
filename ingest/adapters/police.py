"""data.police.uk street-level crime CSV adapter: monthly force files, plain or gzipped, as batches of candidates."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.adapters.csv_batches import RawBatch, iter_csv_batches
from ingest.columns import map_values, per_row
from ingest.limits import NO_LIMITS, Limits
from ingest.prefetch import prefetch
from ingest.profiles import Profile
from ingest.schema import Category, LocationPrecision, Source
from ingest.sources import ReadContext, files_with_suffixes
from ingest.validate import (
    Candidates,
    Check,
    bad_month,
    blank,
    first_failing,
    lazy,
    mask,
    not_a_number,
    number,
    scoped_months,
)

POLICE_FEED = "police.uk"
POLICE_COLUMNS = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]

CRIME_TYPES: dict[str, Category] = {
    "Anti-social behaviour": Category.ASB,
    "Criminal damage and arson": Category.CRIMINAL_DAMAGE_ARSON,
    "Public order": Category.PUBLIC_ORDER,
    "Drugs": Category.DRUGS,
    "Violence and sexual offences": Category.VIOLENCE_SEXUAL,
    "Burglary": Category.BURGLARY,
    "Robbery": Category.ROBBERY,
    "Shoplifting": Category.SHOPLIFTING,
    "Theft from the person": Category.THEFT_FROM_PERSON,
    "Bicycle theft": Category.BICYCLE_THEFT,
    "Vehicle crime": Category.VEHICLE_CRIME,
    "Other theft": Category.OTHER_THEFT,
    "Possession of weapons": Category.WEAPONS,
    "Other crime": Category.OTHER_CRIME,
}


def _trimmed(values: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(values)


def _blank_to_null(values: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _category_codes(crime_types: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(crime_types)
    names = pa.array(list(CRIME_TYPES))
    codes = pa.array([c.value for c in CRIME_TYPES.values()])
    mapped = pc.take(codes, pc.index_in(trimmed, value_set=names))
    unknown = pc.and_(pc.is_null(mapped), pc.not_equal(trimmed, ""))
    return pc.if_else(unknown, Category.OTHER_CRIME.value, mapped)


def _constant(value: str, n: int) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([value]))


def to_candidates(raw: RawBatch) -> pa.Table:
    """Map police.uk columns onto the candidate layout (text stays dictionary-encoded; numbers per distinct text)."""
    t = raw.table
    n = t.num_rows
    lon_text, lat_text = map_values(t["Longitude"], _trimmed), map_values(t["Latitude"], _trimmed)
    return pa.table(
        {
            "line": pa.array(raw.lines, pa.int64()),
            "source": _constant(Source.POLICE.value, n),
            "partition_scope": map_values(t["Falls within"], _trimmed),
            "feed": _constant(POLICE_FEED, n),
            "source_ref": map_values(t["Crime ID"], _blank_to_null),
            "month_text": map_values(t["Month"], _trimmed),
            "category": map_values(t["Crime type"], _category_codes),
            "source_category": map_values(t["Crime type"], _trimmed),
            "lon": per_row(lon_text, number),
            "lat": per_row(lat_text, number),
            "lon_text": lon_text,
            "lat_text": lat_text,
            "located": _constant(LocationPrecision.SNAP_POINT.value, n),
            "location_text": map_values(t["Location"], _blank_to_null),
            "lsoa_code": map_values(t["LSOA code"], _blank_to_null),
            "lsoa_name": map_values(t["LSOA name"], _blank_to_null),
            "reported_by": map_values(t["Reported by"], _blank_to_null),
            "outcome": map_values(t["Last outcome category"], _blank_to_null),
            "occurred_at": pa.nulls(n, pa.timestamp("s")),  # police.uk gives the month only
            "ward_code": pa.nulls(n, pa.string()),
        }
    )


def _checks(c: pa.Table) -> list[Check]:
    """The text checks of a police.uk row, in priority order (coordinates are checked for every feed later)."""
    lon_blank, lat_blank = mask(per_row(c["lon_text"], blank)), mask(per_row(c["lat_text"], blank))
    month_blank, category_blank = mask(per_row(c["month_text"], blank)), mask(per_row(c["source_category"], blank))
    months, lons, lats = lazy(c["month_text"]), lazy(c["lon_text"]), lazy(c["lat_text"])
    return [
        (month_blank & category_blank & lon_blank & lat_blank, lambda i: "blank row"),
        (category_blank, lambda i: "missing crime type / category"),
        (mask(per_row(c["month_text"], bad_month)), lambda i: f"month {months(i)!r} is not a valid YYYY-MM month"),
        (mask(per_row(c["lon_text"], not_a_number)), lambda i: f"longitude {lons(i)!r} is not a number"),
        (mask(per_row(c["lat_text"], not_a_number)), lambda i: f"latitude {lats(i)!r} is not a number"),
        (lon_blank ^ lat_blank, lambda i: "only one of longitude/latitude is given"),
    ]


def candidates(raw: RawBatch) -> Candidates:
    """One raw batch as candidates, with the problems of its text and the rows refused while reading."""
    table = to_candidates(raw)
    problems = first_failing(_checks(table), table.num_rows)
    return Candidates(table, problems, lambda rows: raw_rows(raw, rows), raw.rejects)


def raw_rows(raw: RawBatch, indices: list[int]) -> list[str]:
    """Rebuild the raw CSV text of the given rows (used only for rejects)."""
    picked = raw.table.take(pa.array(indices, pa.int64())).to_pylist()
    return [",".join(_quote(row[c]) for c in POLICE_COLUMNS) for row in picked]


def _quote(value: str | None) -> str:
    text = value or ""
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if ("," in text or '"' in text) else text


def read_police(path: Path, limits: Limits = NO_LIMITS) -> Iterator[RawBatch]:
    """Stream one police.uk street-level CSV file as raw batches."""
    return iter_csv_batches(path, POLICE_COLUMNS, plain=("Crime ID",), limits=limits)


def police_batches(path: Path, limits: Limits = NO_LIMITS) -> Generator[Candidates, None, None]:
    """Candidates of one police.uk file; the next batch parses on another thread while this one is mapped."""
    raws = prefetch(read_police(path, limits))
    try:
        for raw in raws:
            yield candidates(raw)
    finally:
        raws.close()


@dataclass(frozen=True)
class PoliceSource:
    """data.police.uk street-level crime as a source: monthly force CSV files (plain or gzipped), a month replaced
    per force (the partition's scope is the force the row falls within)."""

    name: str = "police"
    source: str = Source.POLICE.value
    label: str = POLICE_FEED
    description: str = ""
    file_format: str = "police.uk CSV"
    profile: Profile | None = None  # a format of its own: no profile maps its columns
    suffixes: tuple[str, ...] = (".csv", ".csv.gz")

    def files(self, paths: Sequence[Path]) -> list[Path]:
        """(a) Files as given; a folder becomes its *.csv and *.csv.gz files at any depth, sorted."""
        return files_with_suffixes(paths, self.suffixes)

    def read(self, path: Path, context: ReadContext) -> Generator[Candidates, None, None]:
        """(b) The file's candidates, a batch at a time (the next batch parses meanwhile)."""
        return police_batches(path, context.limits)

    def months(self, candidates: pa.Table) -> pa.Array:
        """(c) Each row's force-month: police:<Falls within>:<Month>."""
        return scoped_months(candidates)
