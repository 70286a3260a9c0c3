"""Record keys for disclosure control: a keyed hash of each aggregated row under a secret drawn for each store.

The secret is drawn from the operating system's random source when a store is created (or first opened after
this was introduced, when every existing row is re-keyed) and kept in the store's `store_secret` table. Without
it nobody can compute a record key, so nobody can compute the perturbation a published count gets.
"""

from __future__ import annotations

import secrets

import duckdb

GROUPED = "partition_key, month, category, source, lad_code, h3_cell, place_cell, location_precision"
# the first 60 bits of SHA-256(secret | the row's grouping values): a keyed hash nobody without the secret can compute
RECORD_KEY = f"('0x' || left(sha256(concat_ws('|', ?::VARCHAR, {GROUPED})), 15))::BIGINT"


def store_secret(con: duckdb.DuckDBPyConnection) -> str:
    """The store's secret for record keys (drawn, and every existing row re-keyed, when the store has none)."""
    con.execute("CREATE TABLE IF NOT EXISTS store_secret (secret VARCHAR NOT NULL)")
    rows = con.execute("SELECT secret FROM store_secret LIMIT 1").fetchall()
    if rows:
        return str(rows[0][0])
    secret = secrets.token_hex(32)
    con.execute("BEGIN")
    con.execute("INSERT INTO store_secret VALUES (?)", [secret])
    con.execute(f"UPDATE incident_counts SET record_key = {RECORD_KEY}", [secret])  # noqa: S608 (fixed fragments)
    _rekey_summaries(con)
    con.execute("COMMIT")
    return secret


def set_store_secret(con: duckdb.DuckDBPyConnection, secret: str) -> None:
    """Replace the store's secret and re-key every row: for reproducible audits of a copy, never a served store
    (answers under two secrets could be averaged)."""
    store_secret(con)
    con.execute("BEGIN")
    con.execute("UPDATE store_secret SET secret = ?", [secret])
    con.execute(f"UPDATE incident_counts SET record_key = {RECORD_KEY}", [secret])  # noqa: S608 (fixed fragments)
    _rekey_summaries(con)
    con.execute("COMMIT")


def _rekey_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """The summaries' cell keys after every record key changed (imported when called: connection.py imports this
    module, and the summaries' package imports read queries that import connection.py)."""
    from ingest.store.write.summaries import rekey_summaries

    rekey_summaries(con)
