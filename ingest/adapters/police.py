"""data.police.uk street-level crime CSV adapter: monthly force files, plain or gzipped, to candidate rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.adapters.csv_batches import RawBatch, iter_csv_batches
from ingest.columns import map_values
from ingest.schema import Category, Source

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


def police_files(path: Path) -> list[Path]:
    """The police.uk CSV files at a path: the file itself, or every *.csv / *.csv.gz below a folder."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith((".csv", ".csv.gz")))
    return [path]


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
    """Map police.uk columns onto the candidate layout that validate.split checks (text stays dictionary-encoded)."""
    t = raw.table
    return pa.table(
        {
            "source": _constant(Source.POLICE.value, t.num_rows),
            "partition_scope": map_values(t["Falls within"], _trimmed),
            "source_ref": map_values(t["Crime ID"], _blank_to_null),
            "line": pa.array(raw.lines, pa.int64()),
            "month_text": map_values(t["Month"], _trimmed),
            "category": map_values(t["Crime type"], _category_codes),
            "source_category": map_values(t["Crime type"], _trimmed),
            "lon_text": map_values(t["Longitude"], _trimmed),
            "lat_text": map_values(t["Latitude"], _trimmed),
            "location_text": map_values(t["Location"], _blank_to_null),
            "lsoa_code": map_values(t["LSOA code"], _blank_to_null),
            "lsoa_name": map_values(t["LSOA name"], _blank_to_null),
            "reported_by": map_values(t["Reported by"], _blank_to_null),
            "outcome": map_values(t["Last outcome category"], _blank_to_null),
            "occurred_at": pa.nulls(t.num_rows, pa.timestamp("s")),  # police.uk gives the month only
            "feed": _constant(POLICE_FEED, t.num_rows),
            "ward_code": pa.nulls(t.num_rows, pa.string()),
        }
    )


def raw_rows(raw: RawBatch, indices: list[int]) -> list[str]:
    """Rebuild the raw CSV text of the given rows (used only for rejects)."""
    picked = raw.table.take(pa.array(indices, pa.int64())).to_pylist()
    return [",".join(_quote(row[c]) for c in POLICE_COLUMNS) for row in picked]


def _quote(value: str | None) -> str:
    text = value or ""
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if ("," in text or '"' in text) else text


def read_police(path: Path) -> Iterator[RawBatch]:
    """Stream one police.uk street-level CSV file as raw batches."""
    return iter_csv_batches(path, POLICE_COLUMNS, plain=("Crime ID",))
