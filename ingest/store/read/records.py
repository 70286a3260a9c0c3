"""Incident records as a case worker reads them: by the feed's own reference, and every record whose location text
is a house address (it starts with a house number), for linking incidents to cases and finding repeat victims."""

from __future__ import annotations

import pyarrow as pa

from ingest.store.connection import Connection, arrow

RECORD_COLUMNS = """i.source, i.feed, i.source_ref AS ref, i.category, i.location_text, i.lon, i.lat,
    CAST(coalesce(CAST(i.occurred_at AS DATE), i.month) AS DATE) AS occurred_on"""
HOUSE_ADDRESS = r"(?i)^((flat|apartment|apt|unit) [0-9]+[a-z]?,? )?[0-9]+[a-z]?[ ,]"


def records_by_reference(con: Connection, refs: list[str]) -> pa.Table:
    """The records whose own reference is one of refs (matched as written, trimmed, case aside)."""
    wanted = sorted({r.strip().upper() for r in refs if r and r.strip()})
    sql = f"""SELECT {RECORD_COLUMNS} FROM incidents i
              WHERE list_contains(?, upper(trim(i.source_ref)))
              ORDER BY occurred_on, i.source_ref"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [wanted])


def addressed_records(con: Connection) -> pa.Table:
    """Every record whose location text starts with a house number, or a flat's (police.uk's "On or near" streets
    never do), oldest first."""
    sql = f"""SELECT {RECORD_COLUMNS} FROM incidents i
              WHERE regexp_matches(trim(i.location_text), ?)
              ORDER BY occurred_on, i.source_ref"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [HOUSE_ADDRESS])
