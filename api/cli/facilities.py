"""`aim facilities`: keep lists of facilities of one kind (licensed premises, shops, stops, schools) for the risky
facilities statistic."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import StoreOpt, console, fail, settings_from, writable
from ingest.errors import IngestError

if TYPE_CHECKING:
    from ingest.facilities import FacilityLoadReport
    from ingest.store.connection import Connection

facilities_app = typer.Typer(help="Facility lists for risky facilities.", no_args_is_help=True)
SHOWN_REFUSALS = 20
SAMPLE_FACILITIES = "middlesbrough-licensed-premises-synthetic.csv"  # data/facilities: synthetic, see its SOURCE.md


def _print(report: FacilityLoadReport) -> None:
    verb = "would keep" if report.list_id is None else f"kept as list {report.list_id}"
    console.print(
        f"{report.source_file}: {verb}: {report.kind}, {report.name!r}, {report.facilities:,} facilities "
        f"({len(report.refused):,} rows refused)",
        soft_wrap=True,
        markup=False,
    )
    for line, reason in report.refused[:SHOWN_REFUSALS]:
        console.print(f"  line {line}: {reason}", soft_wrap=True, markup=False)
    if len(report.refused) > SHOWN_REFUSALS:
        console.print(f"  and {len(report.refused) - SHOWN_REFUSALS:,} more", markup=False)


def load_sample_facilities(con: Connection, path: Path, kind: str) -> None:
    """Load a shipped sample facility list (its size column: capacity), and say what it held."""
    from ingest.facilities import load_facility_list

    try:
        report = load_facility_list(con, path.read_bytes(), path.name, kind, size="capacity")
    except IngestError as exc:
        fail(exc)
    _print(report)


@facilities_app.command("load")
def load(
    file: Annotated[
        Path, typer.Argument(help="CSV (longitude and latitude, or easting and northing), GeoJSON or GeoPackage")
    ],
    kind: Annotated[
        str, typer.Option("--kind", help="licensed premises, shops, stops, schools, or a kind in your own words")
    ],
    name: Annotated[str | None, typer.Option("--name", help="The list's name (default: the file's name)")] = None,
    size: Annotated[str | None, typer.Option("--size", help="The column giving each facility's size")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and report, keep nothing")] = False,
    store: StoreOpt = None,
) -> None:
    """Keep a list of facilities of one kind: it replaces any list of the same name; rows without a usable location
    are refused with their line and reason."""
    from ingest.facilities import load_facility_list

    settings = settings_from(store)
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(IngestError(f"{file}: {exc.strerror or exc}"))
    with writable(settings, every=True) as con:
        try:
            report = load_facility_list(con, data, file.name, kind, name, size, dry_run)
        except IngestError as exc:
            fail(exc)
    _print(report)


@facilities_app.command("list")
def list_command(store: StoreOpt = None) -> None:
    """The facility lists kept: id, kind, name, file, facilities, refused rows and when each was loaded."""
    from api.cli.common import open_existing
    from ingest.store.read.facilities import facility_lists

    con = open_existing(settings_from(store))
    try:
        lists = facility_lists(con)
    finally:
        con.close()
    if not lists:
        console.print("no facility list held", markup=False)
    for f in lists:
        console.print(
            f"{f['list_id']}: {f['kind']}, {f['name']!r} from {f['source_file']} ({f['facilities']:,} facilities, "
            f"{f['quarantined']:,} refused), loaded {f['loaded_at']:%Y-%m-%d %H:%M} UTC",
            soft_wrap=True,
            markup=False,
        )
