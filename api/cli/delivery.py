"""`aim delivery`: load patrol movement (GPX, MF-JSON, CSV pings) as delivery, keeping only its dosage."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import StoreOpt, console, fail, settings_from, writable
from ingest.errors import IngestError

if TYPE_CHECKING:
    from api.settings import Settings
    from ingest.delivery import DeliveryReport
    from ingest.movement_places import Plan
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


def _month(text: str | None, option: str) -> date | None:
    from api.services.errors import ParameterError

    if text is None:
        return None
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        fail(ParameterError(option, f"{text!r} is not a month (YYYY-MM)"))


def _plan(
    con: Connection,
    settings: Settings,
    area: tuple[str | None, str | None, str | None],
    months: tuple[str | None, str | None],
    cells: int,
) -> Plan:
    """The plan named by area, months and cells, numbered as printed."""
    from api.rules import PLAN_RES
    from api.services.caches import Caches
    from api.services.errors import ParameterError
    from api.services.filters import requested_categories, resolve_filters
    from api.services.plan_numbers import numbered_plan
    from api.services.study_area import resolve_study_area

    try:
        filters = resolve_filters(
            con,
            start=_month(months[0], "--plan-from"),
            end=_month(months[1], "--plan-to"),
            categories=requested_categories(None),
            sources=(),
            default_months=settings.default_months,
            core=tuple(settings.core_sources),
        )
        return numbered_plan(con, filters, resolve_study_area(con, *area), PLAN_RES, cells, Caches())
    except ParameterError as exc:
        fail(exc)


@delivery_app.command("load")
def load(
    files: Annotated[list[Path], typer.Argument(help="GPX, MF-JSON, MF-CSV, CSV ping or patrol log files, or folders")],
    agency: Annotated[str, typer.Option("--agency", help="The agency whose patrols these are (e.g. police)")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="gpx, mf-json, mf-csv, pings-csv or patrol-log (default: from each file's name)"),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count and report, write nothing")] = False,
    plan_force: Annotated[
        str | None, typer.Option("--plan-force", help="The plan patrol logs number: its force")
    ] = None,
    plan_csp: Annotated[str | None, typer.Option("--plan-csp", help="... or its community safety partnership")] = None,
    plan_lad: Annotated[str | None, typer.Option("--plan-lad", help="... or its local authority district")] = None,
    plan_from: Annotated[str | None, typer.Option("--plan-from", help="The plan's first month, YYYY-MM")] = None,
    plan_to: Annotated[str | None, typer.Option("--plan-to", help="The plan's last month, YYYY-MM")] = None,
    plan_cells: Annotated[int, typer.Option("--plan-cells", min=1, max=100, help="Cells in the plan")] = 20,
    store: StoreOpt = None,
) -> None:
    """Load patrol movement as one agency's delivery: its dosage per cell and day replaces the agency's on the days
    the files cover; the pings themselves are never stored. Patrol logs naming a plan's cells by number are read
    against the plan named by --plan-force/--plan-csp/--plan-lad, --plan-from, --plan-to and --plan-cells (the
    same cells as /api/v1/patrol-plan and the printed plan for them)."""
    from api.rules import dosage_rules, upload_limits
    from ingest.delivery import DeliveryOptions, load_delivery

    settings = settings_from(store)
    sources = _sources(files, fmt)
    if not sources:
        fail(IngestError("no movement files at the paths given"))
    area = (plan_force, plan_csp, plan_lad)
    with writable(settings, every=True) as con:
        plan = _plan(con, settings, area, (plan_from, plan_to), plan_cells) if any(area) else None
        options = DeliveryOptions(
            rules=dosage_rules(settings), limits=upload_limits(settings), dry_run=dry_run, plan=plan
        )
        try:
            report = load_delivery(con, sources, agency, options)
        except IngestError as exc:
            fail(exc)
    if plan is not None:
        console.print(f"plan cell numbers read against {plan.name}", soft_wrap=True, markup=False)
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
