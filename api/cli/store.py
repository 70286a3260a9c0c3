"""`aim store`: how far loads have moved the per-cell counts from the order reads prune best on, and putting it back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from api.cli.common import StoreOpt, console, open_existing, settings_from, writable

if TYPE_CHECKING:
    from ingest.store.layout import Block, Layout

store_app = typer.Typer(help="The store's layout.", no_args_is_help=True)
OPTIMIZE_WHEN_HELD = "stop the server, run `aim store optimize`, then serve again"


def _layout_table(layout: Layout, title: str) -> Table:
    """Per resolution: rows, row groups a read of it opens, those its rows span laid out together, and the ratio."""
    table = Table("res", "rows", "row groups read", "together", "x", title=title)
    for res, (rows, groups, together) in layout.per_res().items():
        table.add_row(str(res), f"{rows:,}", str(groups), str(together), f"{groups / together:.2f}")
    return table


@store_app.command("layout")
def store_layout(store: StoreOpt = None) -> None:
    """How the per-cell counts lie: per resolution, the row groups a read opens against those its rows span laid out
    together, and
    the drift over every resolution and year (1.0: as the migration lays them out)."""
    from ingest.store.layout import DRIFT, measure

    con = open_existing(settings_from(store))
    try:
        layout = measure(con)
    finally:
        con.close()
    console.print(_layout_table(layout, f"cell_counts: {layout.row_groups} row groups"))
    drifted = layout.drifted(DRIFT)
    console.print(
        f"drift {layout.drift():.2f}; {len(drifted)} of {len(layout.blocks)} resolution-years past {DRIFT} "
        f"({'run `aim store optimize`' if drifted else 'nothing to do'})"
    )


@store_app.command("optimize")
def store_optimize(
    every: Annotated[
        bool, typer.Option("--all", help="Rewrite every resolution and year, not only those that drifted")
    ] = False,
    limit: Annotated[
        float | None,
        typer.Option("--drift", min=1.0, help="Rewrite the resolution-years past this drift (default: 1.5)"),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Rewrite the per-cell counts of the resolution-years that loads drifted, in the migration's order, in one
    transaction (the store is unchanged if it fails); published to a running service's workers."""
    from ingest.store.layout import DRIFT, measure, optimize

    settings = settings_from(store)

    def done(b: Block) -> None:
        console.print(
            f"res {b.res} {b.year}: {b.rows:,} rows rewritten (was {b.row_groups} row groups, together {b.together})"
        )

    with writable(settings, every=True, when_held=OPTIMIZE_WHEN_HELD) as con:
        rewritten = optimize(con, 0.0 if every else (limit or DRIFT), done)
        after = measure(con)
    console.print(_layout_table(after, f"cell_counts: {after.row_groups} row groups"))
    console.print(f"{len(rewritten)} resolution-years rewritten; drift now {after.drift():.2f}")
