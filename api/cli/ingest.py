"""`aim ingest`: load data.police.uk files (or any registered feed) with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.cli.common import StoreOpt, console, settings_from, writable
from api.cli.report import print_reports

SEND_TO_SERVER = (
    "send the files to it instead: `aim feeds load police FILE... --server URL` with an analyst token in AIM_TOKEN "
    "(or POST each file to /api/v1/ingest/police)"
)

if TYPE_CHECKING:
    from api.settings import Settings
    from ingest.pipeline import IngestReport
    from ingest.registry import Feed
    from ingest.store.connection import Connection

ingest_app = typer.Typer(help="Load feed files into the store.", no_args_is_help=True)


ReplaceSmaller = Annotated[
    bool,
    typer.Option(
        "--replace-smaller",
        help="Let a file replace a month with far fewer rows than the store holds for it (refused otherwise)",
    ),
]


def load_with_progress(
    con: Connection,
    settings: Settings,
    feed: Feed,
    paths: list[Path],
    dry_run: bool = False,
    replace_smaller: bool = False,
) -> tuple[list[IngestReport], list[str]]:
    """Load every file of a feed at these paths, each atomically, showing files and rows done."""
    from api.rules import ingest_options
    from api.services.loading import load_files

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rows]}"),
        TimeElapsedColumn(),
    )
    rows = 0
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("ingest", total=None, rows="")
        current: list[Path] = []

        def advance(path: Path, n: int) -> None:
            nonlocal rows
            if not current or current[-1] != path:
                if current:
                    bar.advance(task)
                current.append(path)
                bar.update(task, description=f"ingest {path.name}")
            rows += n
            bar.update(task, rows=f"{rows:,} rows")

        def listed(files: list[Path]) -> None:
            bar.update(task, total=len(files))

        result = load_files(con, feed, paths, ingest_options(settings, dry_run, replace_smaller), advance, listed)
    return result


@ingest_app.command("police")
def ingest_police(
    paths: Annotated[list[Path], typer.Argument(help="police.uk CSV files or folders")],
    store: StoreOpt = None,
    replace_smaller: ReplaceSmaller = False,
) -> None:
    """Load data.police.uk street-level CSV files (plain or .gz; files or folders of monthly files)."""
    from ingest.registry import resolve_feed

    settings = settings_from(store)
    with writable(settings, when_held=SEND_TO_SERVER) as con:
        reports, errors = load_with_progress(con, settings, resolve_feed("police"), paths, False, replace_smaller)
    print_reports(reports, errors)
    if errors:
        raise typer.Exit(1)
