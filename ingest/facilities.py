"""Load a facility list (licensed premises, shops, stops, schools, or a kind named freely) from a CSV, GeoJSON or
GeoPackage into the store: its located facilities are kept, each row without a usable location is refused with its
line and reason, and the list replaces any list kept under the same name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from geo.errors import GeoError
from geo.facility_files import read_facilities
from ingest.errors import IngestError
from ingest.store.connection import Connection
from ingest.store.write.facilities import FacilityList, FacilityRows, replace_facility_list

KINDS = ("licensed premises", "shops", "stops", "schools")  # the kinds offered; any other kind may be named
MAX_KIND = 60
MAX_NAME = 120


@dataclass(frozen=True)
class FacilityLoadReport:
    """What a load kept and refused."""

    list_id: int | None  # None: a dry run
    kind: str
    name: str
    source_file: str
    file_format: str
    facilities: int
    refused: tuple[tuple[int, str], ...]
    size_column: str | None = None
    loaded_at: datetime | None = None  # UTC; None: a dry run


def clean_text(value: str, what: str, longest: int) -> str:
    """The text trimmed, or IngestError when it is empty, too long or holds control characters."""
    text = " ".join(value.split())
    if not text or len(text) > longest or any(ord(ch) < 32 for ch in value if ch not in "\t\n\r"):
        raise IngestError(f"the {what} must be 1 to {longest} printable characters")
    return text


def load_facility_list(
    con: Connection,
    data: bytes,
    source_file: str,
    kind: str,
    name: str | None = None,
    size: str | None = None,
    dry_run: bool = False,
) -> FacilityLoadReport:
    """Read the file's facilities and keep them as a list of the kind (named `name`, else by the file's name);
    IngestError when the file gives no facilities or lacks the size column asked."""
    kind = clean_text(kind, "kind", MAX_KIND)
    file_name = source_file.replace("\\", "/").rsplit("/", 1)[-1]
    title = clean_text(name if name is not None else file_name.rsplit(".", 1)[0], "name", MAX_NAME)
    try:
        found = read_facilities(data, size)
    except GeoError as exc:
        raise IngestError(f"{file_name}: {exc}") from exc
    list_id, loaded_at = None, None
    if not dry_run:
        loaded_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        kept = FacilityList(kind, title, file_name, found.kind, size, loaded_at)
        rows = FacilityRows(found.names, found.east, found.north, found.size, found.refused)
        list_id = replace_facility_list(con, kept, rows)
    counts = (len(found.names), found.refused)
    return FacilityLoadReport(list_id, kind, title, file_name, found.kind, *counts, size, loaded_at)
