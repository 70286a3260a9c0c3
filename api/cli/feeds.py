"""`aim feeds`: onboard council exports through profiles: check one (dry run), load them, list the feeds known."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote

import typer
from rich.table import Table

from api.cli.common import THROUGH_SERVER, StoreOpt, console, fail, settings_from, writable
from api.cli.ingest import ReplaceSmaller, load_with_progress
from api.cli.report import print_reports
from api.cli.service import ServerOpt, call
from ingest.errors import IngestError

if TYPE_CHECKING:
    from api.settings import Settings
    from ingest.pipeline import IngestReport
    from ingest.registry import Feed
    from ingest.store.connection import Connection

feeds_app = typer.Typer(help="Council and complaint feeds described by profiles.", no_args_is_help=True)
ProfileArg = Annotated[str, typer.Argument(help="Profile TOML file, or the name of a shipped profile")]


def _feed(ref: str) -> Feed:
    from ingest.registry import resolve_feed

    try:
        return resolve_feed(ref)
    except IngestError as exc:
        fail(exc)


def _run(
    profile_ref: str,
    files: list[Path],
    store: Path | None,
    dry_run: bool,
    replace_smaller: bool = False,
    server: str | None = None,
) -> None:
    if server:
        _through_service(server, profile_ref, files, dry_run, replace_smaller)
        return
    feed = _feed(profile_ref)
    settings = settings_from(store)
    with writable(settings, when_held=THROUGH_SERVER) as con:
        reports, errors = load_with_progress(con, settings, feed, files, dry_run, replace_smaller)
        effects = [_defaults(con, settings, r, feed.source) for r in reports] if dry_run else []
    print_reports(reports, errors, dry_run)
    for effect in filter(None, effects):
        console.print(f"default period: {effect}", soft_wrap=True, markup=False)
    if errors:
        raise typer.Exit(1)


def _defaults(con: Connection, settings: Settings, report: IngestReport, source: str) -> str | None:
    """What a checked file's new months would do to the default period (the store as it is, before the load)."""
    from api.services.onboarding import defaults_effect

    return defaults_effect(con, report, source, tuple(settings.core_sources), settings.default_months)


def _through_service(server: str, profile_ref: str, files: list[Path], dry_run: bool, replace_smaller: bool) -> None:
    """Send the profile (when it is a file) and each file to a running service; print what it says."""
    name = profile_ref
    if Path(profile_ref).is_file():
        name = _feed(profile_ref).name
        call(server, "PUT", f"/api/v1/profiles/{quote(name)}", data=Path(profile_ref).read_bytes())
    failed = False
    for path in files:
        query = {"filename": path.name, "dry_run": dry_run, "replace_smaller": replace_smaller}
        answer = call(server, "POST", f"/api/v1/ingest/{quote(name)}", query, path.read_bytes())
        failed = failed or answer.status != 200
        console.print(f"{path.name}: {answer.status}", markup=False)
        body = answer.json()
        console.print_json(data=body) if isinstance(body, dict) else console.print(str(body), markup=False)
    if failed:
        raise typer.Exit(1)


@feeds_app.command("check")
def check(
    profile: ProfileArg,
    files: Annotated[list[Path], typer.Argument(help="Export file(s) to try")],
    store: StoreOpt = None,
    server: ServerOpt = None,
) -> None:
    """Dry run: what a file would load through a profile, what would be quarantined and why. Writes nothing. With
    --server, through a running service (its store is locked while it serves)."""
    _run(profile, files, store, dry_run=True, server=server)


@feeds_app.command("load")
def load(
    profile: ProfileArg,
    files: Annotated[list[Path], typer.Argument(help="Export file(s) to load")],
    store: StoreOpt = None,
    replace_smaller: ReplaceSmaller = False,
    server: ServerOpt = None,
) -> None:
    """Load export files through a profile; a file replaces the months it covers for that feed (a file with far
    fewer good rows than a month holds is refused unless --replace-smaller). With --server, through a running
    service (the profile, when a file, is sent to it first and kept)."""
    _run(profile, files, store, dry_run=False, replace_smaller=replace_smaller, server=server)


def sample_feeds(data_dir: Path) -> list[tuple[Feed, Path]]:
    """The shipped sample exports (data/feeds/<profile>.<ext>) with the shipped feed each is for."""
    from ingest.registry import shipped_feeds

    feeds = shipped_feeds()
    return [
        (feeds[f.name.split(".")[0]], f)
        for f in sorted((data_dir / "feeds").glob("*.*"))
        if f.name.split(".")[0] in feeds and f.name.split(".")[0] != "police"
    ]


@feeds_app.command("profiles")
def profiles() -> None:
    """List the feeds AIM knows: police.uk and every shipped profile."""
    from ingest.registry import shipped_feeds

    table = Table("name", "source", "format", "description")
    for name, feed in sorted(shipped_feeds().items()):
        table.add_row(name, feed.source, feed.file_format, feed.description)
    console.print(table)
