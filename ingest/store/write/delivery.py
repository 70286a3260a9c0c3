"""Write a delivery load: its dosage replaces, for its agency, the days its pings covered, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc

from ingest.store.connection import Connection, count


@dataclass(frozen=True)
class DeliveryLoad:
    """What one load records beside its dosage (no file names, no tracks)."""

    agency: str
    res: int
    loaded_at: datetime
    files: int
    pings_read: int
    pings_kept: int
    quarantined: int
    days: tuple[date, ...]  # every local day the kept pings covered: the days the load replaces
    rules: str  # the dosage rules, as JSON


def replace_delivery(con: Connection, load: DeliveryLoad, dosage: pa.Table) -> int:
    """Replace the agency's dosage on the load's days (at its resolution) with these rows (geo.dosage's schema);
    atomic. Returns the load's id."""
    con.execute("BEGIN")
    try:
        load_id = count(con, "SELECT coalesce(max(load_id), 0) + 1 FROM delivery_loads")
        con.execute(
            "INSERT INTO delivery_loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load_id,
                load.agency,
                load.loaded_at,
                load.files,
                load.pings_read,
                load.pings_kept,
                load.quarantined,
                min(load.days) if load.days else None,
                max(load.days) if load.days else None,
                load.rules,
            ],
        )
        if load.days:
            days = pa.table({"day": pa.array(sorted(load.days), pa.date32())})
            con.register("delivery_days", days)
            con.execute(
                "DELETE FROM delivery_cells WHERE agency = ? AND res = ? AND day IN (SELECT day FROM delivery_days)",
                [load.agency, load.res],
            )
            con.unregister("delivery_days")
        rows = dosage.select(
            ["cell", "day", "agency", "minutes", "driveby_minutes", "visits", "compliant_visits"]
        ).filter(pc.equal(dosage["agency"], load.agency))
        con.register("delivery_rows", rows)
        con.execute(
            """INSERT INTO delivery_cells
               SELECT ?, cell, day, agency, minutes, driveby_minutes, visits, compliant_visits, ?
               FROM delivery_rows ORDER BY day, cell""",
            [load.res, load_id],
        )
        con.unregister("delivery_rows")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return load_id
