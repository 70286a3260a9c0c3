"""The canonical incident schema: the one contract every feed maps onto."""

from __future__ import annotations

from enum import StrEnum

import pyarrow as pa


class Source(StrEnum):
    """Kinds of feed an incident can come from."""

    POLICE = "police"
    WARDEN = "warden"
    COUNCILLOR = "councillor"
    COMPLAINT = "complaint"


class Category(StrEnum):
    """Canonical incident categories; ASB is the default view everywhere."""

    ASB = "asb"
    CRIMINAL_DAMAGE_ARSON = "criminal-damage-arson"
    PUBLIC_ORDER = "public-order"
    DRUGS = "drugs"
    VIOLENCE_SEXUAL = "violence-sexual"
    BURGLARY = "burglary"
    ROBBERY = "robbery"
    SHOPLIFTING = "shoplifting"
    THEFT_FROM_PERSON = "theft-from-person"
    BICYCLE_THEFT = "bicycle-theft"
    VEHICLE_CRIME = "vehicle-crime"
    OTHER_THEFT = "other-theft"
    WEAPONS = "possession-of-weapons"
    OTHER_CRIME = "other-crime"


DEFAULT_CATEGORIES: tuple[Category, ...] = (Category.ASB,)

CATEGORY_LABELS: dict[Category, str] = {
    Category.ASB: "Anti-social behaviour",
    Category.CRIMINAL_DAMAGE_ARSON: "Criminal damage and arson",
    Category.PUBLIC_ORDER: "Public order",
    Category.DRUGS: "Drugs",
    Category.VIOLENCE_SEXUAL: "Violence and sexual offences",
    Category.BURGLARY: "Burglary",
    Category.ROBBERY: "Robbery",
    Category.SHOPLIFTING: "Shoplifting",
    Category.THEFT_FROM_PERSON: "Theft from the person",
    Category.BICYCLE_THEFT: "Bicycle theft",
    Category.VEHICLE_CRIME: "Vehicle crime",
    Category.OTHER_THEFT: "Other theft",
    Category.WEAPONS: "Possession of weapons",
    Category.OTHER_CRIME: "Other crime",
}


class LocationPrecision(StrEnum):
    """How precisely an incident's location is known."""

    SNAP_POINT = "snap-point"  # police.uk anonymised map point
    POINT = "point"
    LSOA = "lsoa"  # only the LSOA is known: counts in area totals, not on the hex map
    NONE = "none"


# Finest H3 resolution stored per incident; coarser cells are derived from it.
H3_STORED_RES = 15

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
    ]
)
