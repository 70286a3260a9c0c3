"""`aim wards`: add your own ward boundary sets, list those held."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import StoreOpt, console, fail, open_writable, settings_from, writable
from geo.errors import BoundaryError

wards_app = typer.Typer(help="Ward boundary sets.", no_args_is_help=True)
LOAD_WHEN_HELD = "stop the server, load the boundary set, then serve again (boundary sets are not sent through it)"
LIST_WHEN_HELD = "stop the server first, or read `boundary_sets` from its GET /healthz with an analyst token"


@wards_app.command("load")
def wards_load(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Boundary file(s) in any format GDAL reads: GeoJSON (plain or .gz), Shapefile (.shp, or zipped), "
            "GeoPackage, ...; any CRS (reprojected to WGS84)"
        ),
    ],
    code_field: Annotated[str, typer.Option("--code-field", help="Property holding the ward code")],
    name_field: Annotated[str, typer.Option("--name-field", help="Property holding the ward name")],
    name: Annotated[str | None, typer.Option("--name", help="Boundary set name (default: first file's stem)")] = None,
    lad_field: Annotated[str | None, typer.Option("--lad-field", help="Property holding the LAD code")] = None,
    lad_name_field: Annotated[str | None, typer.Option("--lad-name-field", help="Property with the LAD name")] = None,
    default: Annotated[bool, typer.Option("--default", help="Make this the default boundary set")] = False,
    layer: Annotated[
        str | None, typer.Option("--layer", help="Layer to read, for files holding several (a GeoPackage)")
    ] = None,
    crs: Annotated[
        str | None,
        typer.Option("--crs", help="CRS of files that declare none (a Shapefile without .prj), e.g. EPSG:27700"),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Add (or replace) a boundary set from your own boundary files; every incident is placed in its wards."""
    from ingest.boundary_sets import load_boundary_set

    settings = settings_from(store)
    set_name = name or files[0].name.split(".")[0]
    try:
        with writable(settings, every=True, when_held=LOAD_WHEN_HELD) as con:
            count = load_boundary_set(
                con,
                set_name,
                files,
                code_field,
                name_field,
                lad_field,
                lad_name_field,
                make_default=default,
                layer=layer,
                crs=crs,
            )
    except BoundaryError as exc:
        fail(exc)
    console.print(f"boundary set [bold]{set_name}[/]: {count} wards loaded")


@wards_app.command("list")
def wards_list(store: StoreOpt = None) -> None:
    """List the boundary sets in the store."""
    from ingest.store import read

    con = open_writable(settings_from(store), LIST_WHEN_HELD)
    try:
        table = Table("name", "default", "wards", "description")
        for b in read.list_boundary_sets(con):
            table.add_row(str(b["name"]), "yes" if b["is_default"] else "", str(b["features"]), str(b["description"]))
        console.print(table)
    finally:
        con.close()
