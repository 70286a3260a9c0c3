"""`aim feeds`: onboard council exports through profiles: check one (dry run), load them, list shipped profiles."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.settings import Settings
from ingest.dedupe import LinkRule
from ingest.errors import IngestError
from ingest.pipeline import IngestReport, ingest_feed_file
from ingest.places import store_places
from ingest.profiles import Profile, load_profile, shipped_profiles
from ingest.store.connection import Connection

feeds_app = typer.Typer(help="Council and complaint feeds described by profiles.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

ProfileArg = Annotated[str, typer.Argument(help="Profile TOML file, or the name of a shipped profile")]


def print_feed_report(report: IngestReport, dry_run: bool) -> None:
    verb = "would load" if dry_run else "loaded"
    console.print(
        f"[bold]{report.file}[/]: {report.status} · read {report.rows_read:,} · {verb} {report.loaded:,} · "
        f"replaced {report.replaced:,} · unchanged {report.unchanged:,} · quarantined {report.quarantined:,}",
        soft_wrap=True,
    )
    for reason, n in report.reasons.most_common():
        console.print(f"    quarantined {n:,}: {reason}", soft_wrap=True)
    for line, reason in report.examples:
        console.print(f"      e.g. {report.file}, line {line}: {reason}", soft_wrap=True)
    if report.unmapped:
        console.print("    [yellow]categories the profile does not map[/] (add them under \\[categories]):")
        for label, n in report.unmapped.most_common():
            console.print(f"      {label!r}: {n:,} rows", soft_wrap=True)
    parts = report.partitions_new + report.partitions_replaced
    if parts:
        months = sorted({p.rsplit(":", 1)[-1] for p in parts})
        console.print(f"    months {'to write' if dry_run else 'written'}: {', '.join(months)}", soft_wrap=True)


def load_feed_files(
    con: Connection, settings: Settings, profile: Profile, files: list[Path], dry_run: bool = False
) -> tuple[list[IngestReport], list[str]]:
    """Load (or dry-run) files through a profile, each atomically with duplicate links rebuilt before it commits."""
    places = store_places(con, settings.postcodes)
    reports: list[IngestReport] = []
    errors: list[str] = []
    for f in files:
        try:
            reports.append(
                ingest_feed_file(con, profile, f, places, datetime.now(), settings_rule(settings), dry_run=dry_run)
            )
        except IngestError as exc:
            errors.append(str(exc))
    return reports, errors


def settings_rule(settings: Settings) -> LinkRule:
    """The duplicate-linking rule from settings."""
    return LinkRule(
        distance_m=settings.dedupe_distance_m,
        hours=settings.dedupe_hours,
        month_only=settings.dedupe_month_only,
    )


def _run(profile_ref: str, files: list[Path], store: Path | None, dry_run: bool) -> None:
    from api.cli import _open, _settings

    try:
        profile = load_profile(profile_ref)
    except IngestError as exc:
        err.print(f"[red]error[/]: {exc}", soft_wrap=True)
        raise typer.Exit(1) from exc
    settings = _settings(store)
    con = _open(settings)
    try:
        reports, errors = load_feed_files(con, settings, profile, files, dry_run)
    finally:
        con.close()
    for r in reports:
        print_feed_report(r, dry_run)
    for e in errors:
        err.print(f"[red]error[/]: {e} (nothing from this file was loaded)", soft_wrap=True)
    if errors:
        raise typer.Exit(1)


@feeds_app.command("check")
def check(
    profile: ProfileArg,
    files: Annotated[list[Path], typer.Argument(help="Export file(s) to try")],
    store: Annotated[Path | None, typer.Option("--store", help="Store path (default: $AIM_STORE)")] = None,
) -> None:
    """Dry run: what a file would load through a profile, what would be quarantined and why. Writes nothing."""
    _run(profile, files, store, dry_run=True)


@feeds_app.command("load")
def load(
    profile: ProfileArg,
    files: Annotated[list[Path], typer.Argument(help="Export file(s) to load")],
    store: Annotated[Path | None, typer.Option("--store", help="Store path (default: $AIM_STORE)")] = None,
) -> None:
    """Load export files through a profile; a file replaces the months it covers for that feed."""
    _run(profile, files, store, dry_run=False)


def sample_feeds(data_dir: Path) -> list[tuple[str, Path]]:
    """The shipped sample exports (data/feeds/<profile>.<ext>) with the shipped profile each is for."""
    names = shipped_profiles()
    return [
        (f.name.split(".")[0], f) for f in sorted((data_dir / "feeds").glob("*.*")) if f.name.split(".")[0] in names
    ]


@feeds_app.command("profiles")
def profiles() -> None:
    """List the profiles shipped with AIM."""
    table = Table("name", "source", "format", "description")
    for name in sorted(shipped_profiles()):
        p = load_profile(name)
        table.add_row(name, p.source, p.file.format, p.description)
    console.print(table)
