"""`aim delivery`: load patrol movement (GPX, MF-JSON, CSV pings) as delivery, keeping only its dosage."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import StoreOpt, console, fail, settings_from, writable
from ingest.errors import IngestError

if TYPE_CHECKING:
    from api.settings import Settings
    from ingest.delivery import DeliveryReport
    from ingest.sources import MovementSource
    from ingest.store.connection import Connection

delivery_app = typer.Typer(help="Patrol delivery: GPS tracks and pings against the plan.", no_args_is_help=True)


def _sources(files: list[Path], fmt: str | None) -> list[tuple[MovementSource, Path]]:
    """Each file with its movement format: the one named, else the one its name ends with (a folder: its files)."""
    from ingest.registry import MOVEMENT, movement_source, movement_source_for

    try:
        if fmt:
            source = movement_source(fmt)
            return [(source, p) for p in source.files(files)]
        found: list[tuple[MovementSource, Path]] = []
        for path in files:
            if path.is_dir():
                found += [(s, p) for s in MOVEMENT.values() for p in s.files([path])]
            else:
                found.append((movement_source_for(path), path))
        return found
    except IngestError as exc:
        fail(exc)


def _print(report: DeliveryReport, dry_run: bool) -> None:
    verb = "would load" if dry_run else "loaded"
    days = f"{report.days[0]} to {report.days[-1]}" if report.days else "no day"
    console.print(
        f"{report.agency}: {verb} {len(report.files)} file(s), {report.pings_kept:,} of {report.pings_read:,} pings "
        f"({report.quarantined:,} refused), {days}: {report.cell_days:,} cell-days, {report.minutes:,.0f} minutes "
        f"present, {report.visits:,} visits ({report.compliant_visits:,} of 10 minutes or more)",
        soft_wrap=True,
        markup=False,
    )
    for reason, n in report.reasons.most_common():
        console.print(f"  refused {n:,}: {reason}", soft_wrap=True, markup=False)
    for file, line, reason in report.examples:
        console.print(f"  {file}, line {line}: {reason}", soft_wrap=True, markup=False)
    if not dry_run:
        console.print("raw pings, tracks and devices were not stored: only the dosage", markup=False)


def load_sample_delivery(con: Connection, settings: Settings, folder: Path) -> None:
    """Load the shipped sample patrol movement (a folder of it) as the police's delivery, and say what it held."""
    from api.rules import dosage_rules, upload_limits
    from ingest.delivery import DeliveryOptions, load_delivery

    options = DeliveryOptions(rules=dosage_rules(settings), limits=upload_limits(settings))
    try:
        report = load_delivery(con, _sources([folder], None), "police", options)
    except IngestError as exc:
        fail(exc)
    _print(report, dry_run=False)


@delivery_app.command("load")
def load(
    files: Annotated[list[Path], typer.Argument(help="GPX, MF-JSON or CSV ping files, or folders of them")],
    agency: Annotated[str, typer.Option("--agency", help="The agency whose patrols these are (e.g. police)")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="gpx, mf-json or pings-csv (default: from each file's name)")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count and report, write nothing")] = False,
    store: StoreOpt = None,
) -> None:
    """Load patrol movement as one agency's delivery: its dosage per cell and day replaces the agency's on the days
    the files cover; the pings themselves are never stored."""
    from api.rules import dosage_rules, upload_limits
    from ingest.delivery import DeliveryOptions, load_delivery

    settings = settings_from(store)
    sources = _sources(files, fmt)
    if not sources:
        fail(IngestError("no movement files at the paths given"))
    options = DeliveryOptions(rules=dosage_rules(settings), limits=upload_limits(settings), dry_run=dry_run)
    with writable(settings, every=True) as con:
        try:
            report = load_delivery(con, sources, agency, options)
        except IngestError as exc:
            fail(exc)
    _print(report, dry_run)


@delivery_app.command("sample")
def sample(
    out: Annotated[Path, typer.Option("--out", help="Folder for the sample files")] = Path("delivery-samples"),
    days: Annotated[int, typer.Option("--days", min=1, max=62, help="Days of patrols")] = 14,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (the same seed, the same tracks)")] = 26,
    store: StoreOpt = None,
) -> None:
    """Write seeded sample patrol tracks (foot and vehicle, GPS noise, gaps, partial compliance) against the demo's
    patrol plan, in each format `aim delivery load` reads."""
    from api.cli.common import open_existing
    from api.services.delivery_samples import DEMO_FIRST_DAY, demo_plan, write_samples

    settings = settings_from(store)
    con = open_existing(settings)
    try:
        planned, elsewhere = demo_plan(con, tuple(settings.core_sources), settings.default_months)
    finally:
        con.close()
    written = write_samples(out, planned, elsewhere, DEMO_FIRST_DAY, days, seed)
    for path in written.files:
        console.print(f"wrote {path}", markup=False)
