"""`aim feeds`: onboard council exports through profiles: check one (dry run), load them, list the feeds known."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import StoreOpt, console, fail, open_writable, settings_from
from api.cli.ingest import ReplaceSmaller, load_with_progress
from api.cli.report import print_reports
from ingest.errors import IngestError
from ingest.registry import Feed, resolve_feed, shipped_feeds

feeds_app = typer.Typer(help="Council and complaint feeds described by profiles.", no_args_is_help=True)
ProfileArg = Annotated[str, typer.Argument(help="Profile TOML file, or the name of a shipped profile")]


def _feed(ref: str) -> Feed:
    try:
        return resolve_feed(ref)
    except IngestError as exc:
        fail(exc)


def _run(profile_ref: str, files: list[Path], store: Path | None, dry_run: bool, replace_smaller: bool = False) -> None:
    feed = _feed(profile_ref)
    settings = settings_from(store)
    con = open_writable(settings)
    try:
        reports, errors = load_with_progress(con, settings, feed, files, dry_run, replace_smaller)
    finally:
        con.close()
    print_reports(reports, errors, dry_run)
    if errors:
        raise typer.Exit(1)


@feeds_app.command("check")
def check(
    profile: ProfileArg,
    files: Annotated[list[Path], typer.Argument(help="Export file(s) to try")],
    store: StoreOpt = None,
) -> None:
    """Dry run: what a file would load through a profile, what would be quarantined and why. Writes nothing."""
    _run(profile, files, store, dry_run=True)


@feeds_app.command("load")
def load(
    profile: ProfileArg,
    files: Annotated[list[Path], typer.Argument(help="Export file(s) to load")],
    store: StoreOpt = None,
    replace_smaller: ReplaceSmaller = False,
) -> None:
    """Load export files through a profile; a file replaces the months it covers for that feed (a file with far
    fewer good rows than a month holds is refused unless --replace-smaller)."""
    _run(profile, files, store, dry_run=False, replace_smaller=replace_smaller)


def sample_feeds(data_dir: Path) -> list[tuple[Feed, Path]]:
    """The shipped sample exports (data/feeds/<profile>.<ext>) with the shipped feed each is for."""
    feeds = shipped_feeds()
    return [
        (feeds[f.name.split(".")[0]], f)
        for f in sorted((data_dir / "feeds").glob("*.*"))
        if f.name.split(".")[0] in feeds and f.name.split(".")[0] != "police"
    ]


@feeds_app.command("profiles")
def profiles() -> None:
    """List the feeds AIM knows: police.uk and every shipped profile."""
    table = Table("name", "source", "format", "description")
    for name, feed in sorted(shipped_feeds().items()):
        p = feed.profile
        table.add_row(name, feed.source, p.file.format if p else "police.uk CSV", p.description if p else "")
    console.print(table)
