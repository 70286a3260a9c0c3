"""Streets by name: where the store's incidents name a street (police.uk's "On or near ..." texts and councils'
location texts, as place_texts counts them), so that a patrol log naming a street can be placed."""

from __future__ import annotations

import pyarrow as pa

from ingest.store.connection import Connection, arrow
from ingest.store.read.filters import cell_column

# a place text as a name is compared: "On or near" dropped, runs of spaces one, any case
STREET_KEY = (
    "lower(regexp_replace(trim(regexp_replace(place, '^\\s*on\\s+or\\s+near\\s+', '', 'i')), '\\s+', ' ', 'g'))"
)


def street_cells(con: Connection, names: list[str], res: int) -> pa.Table:
    """For each street name asked for (as street_key writes it), the local authorities and cells at `res` the
    store's incidents name it in, with how many incidents each: columns name, lad_code, cell, n."""
    if not names:
        return pa.table({"name": pa.array([], pa.string()), "lad_code": [], "cell": [], "n": []})
    sql = f"""SELECT {STREET_KEY} AS name, lad_code, {cell_column(res)} AS cell, sum(n)::BIGINT AS n
              FROM place_texts i
              WHERE {STREET_KEY} IN (SELECT unnest(?::VARCHAR[])) AND {cell_column(res)} IS NOT NULL
              GROUP BY ALL ORDER BY name, lad_code, n DESC, cell"""  # noqa: S608 (fixed fragments; values are ?)
    return arrow(con, sql, [names])


def street_key(text: str) -> str:
    """A street name as street_cells compares it: "On or near" dropped, runs of spaces one, lower case."""
    words = text.split()
    if len(words) > 3 and [w.lower() for w in words[:3]] == ["on", "or", "near"]:
        words = words[3:]
    return " ".join(words).lower()
