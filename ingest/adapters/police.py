"""data.police.uk street-level crime CSV adapter: monthly force files, plain or gzipped, to candidate rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ingest.adapters.csv_batches import RawBatch, iter_csv_batches
from ingest.schema import Category, Source

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

_CONTENT_KEY = ["Falls within", "Month", "Longitude", "Latitude", "Location", "LSOA code", "Crime type"]


def police_files(path: Path) -> list[Path]:
    """The police.uk CSV files at a path: the file itself, or every *.csv / *.csv.gz below a folder."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith((".csv", ".csv.gz")))
    return [path]


def _blank_to_null(column: pa.ChunkedArray) -> pa.ChunkedArray:
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _categories(crime_type: pa.ChunkedArray) -> pa.ChunkedArray:
    names = pa.array(list(CRIME_TYPES))
    codes = pa.array([c.value for c in CRIME_TYPES.values()])
    index = pc.index_in(pc.utf8_trim_whitespace(crime_type), value_set=names)
    mapped = pc.take(codes, index)
    has_type = pc.not_equal(pc.utf8_trim_whitespace(crime_type), "")
    return pc.if_else(pc.and_(pc.is_null(mapped), has_type), Category.OTHER_CRIME.value, mapped)


def to_candidates(raw: RawBatch) -> pa.Table:
    """Map police.uk columns onto the candidate layout that validate.split checks."""
    t = raw.table
    crime_id = _blank_to_null(t["Crime ID"])
    content = pc.binary_join_element_wise(*[pc.utf8_trim_whitespace(t[c]) for c in _CONTENT_KEY], "|")
    source_ref = pc.if_else(
        pc.is_null(crime_id),
        pc.binary_join_element_wise("asb", content, "|"),
        pc.binary_join_element_wise("crime", pc.utf8_trim_whitespace(t["Month"]), crime_id, "|"),
    )
    return pa.table(
        {
            "source": pa.repeat(Source.POLICE.value, t.num_rows),
            "partition_scope": pc.utf8_trim_whitespace(t["Falls within"]),
            "source_ref": source_ref,
            "line": pa.array(raw.lines, pa.int64()),
            "month_text": pc.utf8_trim_whitespace(t["Month"]),
            "category": _categories(t["Crime type"]),
            "source_category": pc.utf8_trim_whitespace(t["Crime type"]),
            "lon_text": pc.utf8_trim_whitespace(t["Longitude"]),
            "lat_text": pc.utf8_trim_whitespace(t["Latitude"]),
            "location_text": _blank_to_null(t["Location"]),
            "lsoa_code": _blank_to_null(t["LSOA code"]),
            "lsoa_name": _blank_to_null(t["LSOA name"]),
            "reported_by": _blank_to_null(t["Reported by"]),
            "outcome": _blank_to_null(t["Last outcome category"]),
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
    return iter_csv_batches(path, POLICE_COLUMNS)
