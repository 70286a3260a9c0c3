"""The canonical incident schema: the one contract every feed maps onto."""

from __future__ import annotations

from enum import StrEnum

import pyarrow as pa

from ingest.taxonomy import CATEGORY_LABELS, Category

__all__ = ["CATEGORY_LABELS", "Category", "Source", "LocationPrecision", "INCIDENT_SCHEMA"]


class Source(StrEnum):
    """Kinds of feed an incident can come from."""

    POLICE = "police"
    WARDEN = "warden"
    COUNCILLOR = "councillor"
    COMPLAINT = "complaint"


DEFAULT_CATEGORIES: tuple[str, ...] = ("asb",)  # a group: every ASB leaf


class LocationPrecision(StrEnum):
    """How precisely an incident's location is known."""

    POINT = "point"  # coordinates as recorded (GPS, map click, grid reference)
    POSTCODE = "postcode"  # the postcode unit's centroid (OS Code-Point Open)
    SNAP_POINT = "snap-point"  # police.uk anonymised map point
    LSOA = "lsoa"  # only the LSOA is known: counts in area totals, not on the hex map
    WARD = "ward"  # only the ward is known: counts in ward totals, not on the hex map
    NONE = "none"


# Precisions whose point goes on the hex map (the others count only in area totals).
PRECISION_LABELS = {
    LocationPrecision.POINT.value: "exact point",
    LocationPrecision.POSTCODE.value: "postcode centroid",
    LocationPrecision.SNAP_POINT.value: "police.uk map point",
    LocationPrecision.LSOA.value: "LSOA only",
    LocationPrecision.WARD.value: "ward only",
    LocationPrecision.NONE.value: "not placed",
}
MAPPED_PRECISIONS = (LocationPrecision.POINT, LocationPrecision.POSTCODE, LocationPrecision.SNAP_POINT)


# Finest H3 resolution stored per incident; coarser cells are derived from it.
H3_STORED_RES = 15
SERVED_RES = (6, 7, 8, 9, 10)  # resolutions whose cell is stored per point (cell_6 .. cell_10)

# One row per incident. `line` is the source file line; `source_ref` is the source's own reference (police.uk
# Crime ID), NULL where the source has none (police.uk ASB rows): identity then comes from the row's content.
INCIDENT_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("partition_key", pa.string(), nullable=False),
        pa.field("source_ref", pa.string()),
        pa.field("line", pa.int64(), nullable=False),
        pa.field("month", pa.date32(), nullable=False),
        pa.field("category", pa.string(), nullable=False),
        pa.field("source_category", pa.string(), nullable=False),
        pa.field("lon", pa.float64()),
        pa.field("lat", pa.float64()),
        pa.field("location_precision", pa.string(), nullable=False),
        pa.field("location_text", pa.string()),
        pa.field("lsoa_code", pa.string()),
        pa.field("lsoa_name", pa.string()),
        pa.field("reported_by", pa.string()),
        pa.field("outcome", pa.string()),
        pa.field("occurred_at", pa.timestamp("s")),  # NULL where the source gives the month only (police.uk)
        pa.field("feed", pa.string(), nullable=False),  # the feed (profile) that supplied the row
        pa.field("ward_code", pa.string()),  # the ward the source recorded, for rows located by ward only
    ]
)

# Low-cardinality text columns held dictionary-encoded while a file is staged.
DICTIONARY_COLUMNS = (
    "source",
    "partition_key",
    "category",
    "source_category",
    "location_precision",
    "location_text",
    "lsoa_code",
    "lsoa_name",
    "reported_by",
    "outcome",
    "feed",
    "ward_code",
)


def staged_schema() -> pa.Schema:
    """INCIDENT_SCHEMA with the low-cardinality text columns dictionary-encoded, as rows are staged."""
    text = pa.dictionary(pa.int32(), pa.string())
    return pa.schema([f.with_type(text) if f.name in DICTIONARY_COLUMNS else f for f in INCIDENT_SCHEMA])


# Rows kept aside: the raw row, where it came from and why it was rejected.
QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("line", pa.int64(), nullable=False),
        pa.field("raw", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("month", pa.date32()),  # the row's month where it could be read
    ]
)
