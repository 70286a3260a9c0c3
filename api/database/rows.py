"""Whole tables' rows: whether tables hold any, and rows copied in with their ids (a carry-over from elsewhere)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from api.database.schema import metadata


def empty(connection: Connection, names: Sequence[str]) -> bool:
    """The named tables hold no row."""
    return all(
        connection.execute(sa.select(sa.func.count()).select_from(metadata.tables[name])).scalar_one() == 0
        for name in names
    )


def insert_keeping_ids(connection: Connection, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, int]:
    """Insert each named table's rows as they are, ids included (in the caller's transaction); how many of each.
    On PostgreSQL each id sequence is moved past the ids inserted, so the next row gets a new id."""
    for name, found in rows.items():
        table = metadata.tables[name]
        if not found:
            continue
        connection.execute(table.insert(), list(found))
        column = table.autoincrement_column
        if connection.dialect.name == "postgresql" and column is not None:
            sequence = sa.func.pg_get_serial_sequence(table.name, column.name)
            connection.execute(sa.select(sa.func.setval(sequence, sa.func.max(column))).select_from(table))
    return {name: len(found) for name, found in rows.items()}
