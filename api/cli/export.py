"""`aim export`: the analytical store as hive-partitioned Parquet (layout in docs/parquet-layout.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import StoreOpt, console, open_existing, settings_from

export_app = typer.Typer(help="Export the store for other engines.", no_args_is_help=True)


@export_app.command("parquet")
def export_parquet_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write (each table's folder in it is replaced)")],
    store: StoreOpt = None,
) -> None:
    """Write incidents (partitioned by force area and month), counts, points and the reference tables as Parquet.

    Incident-level rows are sensitive: the export is for analysts, kept where the store itself may be kept.
    """
    from ingest.store.export import export_parquet

    con = open_existing(settings_from(store))
    try:
        written = export_parquet(con, out)
    finally:
        con.close()
    table = Table("table", "partitioned by", "rows", title=f"Parquet written to {out}")
    for e in written:
        table.add_row(e.table, ", ".join(e.partitioned_by) or "-", f"{e.rows:,}")
    console.print(table)
