"""`aim` command line: ingest feeds, manage ward boundary sets, serve the API, run the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.access_store import AccessStore
from api.cli_evaluate import evaluate_command
from api.cli_feeds import feeds_app, load_feed_files, print_feed_report, sample_feeds, settings_rule
from api.cli_users import audit_command, demo_token, users_app
from api.settings import Settings
from geo.errors import BoundaryError
from ingest.adapters.police import police_files
from ingest.boundary_sets import ensure_reference_data, load_boundary_set
from ingest.dedupe import LinkRule
from ingest.errors import IngestError, StoreError
from ingest.pipeline import IngestReport, ingest_police_file
from ingest.profiles import load_profile
from ingest.store.boundaries import list_boundary_sets
from ingest.store.connection import Connection, open_store

app = typer.Typer(help="AIM: ASB intelligence mapping for Community Safety Partnerships.", no_args_is_help=True)
ingest_app = typer.Typer(help="Load feed files into the store.", no_args_is_help=True)
wards_app = typer.Typer(help="Ward boundary sets.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
app.add_typer(wards_app, name="wards")
app.add_typer(feeds_app, name="feeds")
app.add_typer(users_app, name="users")
app.command("evaluate")(evaluate_command)
app.command("audit")(audit_command)
console = Console()
err = Console(stderr=True)

StoreOpt = Annotated[Path | None, typer.Option("--store", help="Store path (default: $AIM_STORE or ./aim.duckdb)")]


def _settings(store: Path | None, **overrides: object) -> Settings:
    settings = Settings()
    values = {k: v for k, v in overrides.items() if v is not None}
    if store is not None:
        values["store"] = store
    return settings.model_copy(update=values)


def _open(settings: Settings) -> Connection:
    try:
        con = open_store(settings.store, memory_limit=settings.memory_limit)
    except StoreError as exc:
        err.print(f"[red]error[/]: {exc}", soft_wrap=True)
        raise typer.Exit(1) from exc
    ensure_reference_data(con, settings.data_dir)
    return con


def _print_report(report: IngestReport) -> None:
    parts = [
        f"[bold]{report.file}[/]: {report.status}",
        f"read {report.rows_read:,}",
        f"loaded {report.loaded:,}",
        f"replaced {report.replaced:,}",
        f"unchanged {report.unchanged:,}",
        f"quarantined {report.quarantined:,}",
        f"{report.seconds:.1f}s",
    ]
    console.print(" · ".join(parts), soft_wrap=True)
    for reason, n in report.reasons.most_common():
        console.print(f"    quarantined {n:,}: {reason}", soft_wrap=True)
    for line, reason in report.examples:
        console.print(f"      e.g. {report.file}, line {line}: {reason}", soft_wrap=True)


def ingest_paths(
    con: Connection, paths: list[Path], rule: LinkRule | None = None
) -> tuple[list[IngestReport], list[str]]:
    """Ingest police.uk files (each atomically) with a progress bar; returns reports and per-file errors."""
    files = [f for p in paths for f in police_files(p)]
    reports: list[IngestReport] = []
    errors: list[str] = []
    if not files:
        errors.append(f"no police.uk CSV files found in {', '.join(map(str, paths))}")
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rows]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("ingest", total=len(files), rows="")
        rows = 0
        for f in files:
            bar.update(task, description=f"ingest {f.name}")

            def advance(n: int) -> None:
                nonlocal rows
                rows += n
                bar.update(task, rows=f"{rows:,} rows")

            try:
                reports.append(ingest_police_file(con, f, advance, rule))
            except IngestError as exc:
                errors.append(str(exc))
            bar.advance(task)
    return reports, errors


def _summarise(reports: list[IngestReport], errors: list[str]) -> None:
    for r in reports:
        _print_report(r)
    if len(reports) > 1:
        total = Table(title="Ingest summary")
        for col in ("files", "rows read", "loaded", "replaced", "unchanged", "quarantined"):
            total.add_column(col, justify="right")
        total.add_row(
            str(len(reports)),
            *(
                f"{sum(getattr(r, k) for r in reports):,}"
                for k in ("rows_read", "loaded", "replaced", "unchanged", "quarantined")
            ),
        )
        console.print(total)
    for e in errors:
        err.print(f"[red]error[/]: {e} (nothing from this file was loaded)", soft_wrap=True)


@ingest_app.command("police")
def ingest_police(
    paths: Annotated[list[Path], typer.Argument(help="police.uk CSV files or folders")],
    store: StoreOpt = None,
) -> None:
    """Load data.police.uk street-level CSV files (plain or .gz; files or folders of monthly files)."""
    settings = _settings(store)
    con = _open(settings)
    try:
        reports, errors = ingest_paths(con, paths, settings_rule(settings))
    finally:
        con.close()
    _summarise(reports, errors)
    if errors:
        raise typer.Exit(1)


@wards_app.command("load")
def wards_load(
    files: Annotated[list[Path], typer.Argument(help="GeoJSON boundary file(s), plain or .gz")],
    code_field: Annotated[str, typer.Option("--code-field", help="Property holding the ward code")],
    name_field: Annotated[str, typer.Option("--name-field", help="Property holding the ward name")],
    name: Annotated[str | None, typer.Option("--name", help="Boundary set name (default: first file's stem)")] = None,
    lad_field: Annotated[str | None, typer.Option("--lad-field", help="Property holding the LAD code")] = None,
    lad_name_field: Annotated[str | None, typer.Option("--lad-name-field", help="Property with the LAD name")] = None,
    default: Annotated[bool, typer.Option("--default", help="Make this the default boundary set")] = False,
    store: StoreOpt = None,
) -> None:
    """Add (or replace) a boundary set from your own GeoJSON; every incident is placed in its wards."""
    settings = _settings(store)
    set_name = name or files[0].name.split(".")[0]
    con = _open(settings)
    try:
        count = load_boundary_set(
            con, set_name, files, code_field, name_field, lad_field, lad_name_field, make_default=default
        )
    except BoundaryError as exc:
        err.print(f"[red]error[/]: {exc}")
        raise typer.Exit(1) from exc
    finally:
        con.close()
    console.print(f"boundary set [bold]{set_name}[/]: {count} wards loaded")


@wards_app.command("list")
def wards_list(store: StoreOpt = None) -> None:
    """List the boundary sets in the store."""
    con = _open(_settings(store))
    try:
        table = Table("name", "default", "wards", "description")
        for b in list_boundary_sets(con):
            table.add_row(str(b["name"]), "yes" if b["is_default"] else "", str(b["features"]), str(b["description"]))
        console.print(table)
    finally:
        con.close()


@app.command()
def serve(
    store: StoreOpt = None,
    host: Annotated[str | None, typer.Option(help="Interface (default $AIM_HOST or 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default $AIM_PORT or 8000)")] = None,
) -> None:
    """Serve the API and the analyst map over a store (the server holds it: files load through the API)."""
    _serve(_settings(store, host=host, port=port))


def _serve(settings: Settings) -> None:
    import uvicorn

    from api.main import create_app

    if not settings.store.exists():
        err.print(f"[red]error[/]: no store at {settings.store}; run `aim ingest police PATH` or `aim demo`")
        raise typer.Exit(1)
    con = _open(settings)  # migrate and fill reference tables added since the store was written
    con.close()
    console.print(f"AIM serving {settings.store} on http://{settings.host}:{settings.port}/ (API docs at /docs)")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


@app.command()
def demo(
    store: StoreOpt = None,
    host: Annotated[str | None, typer.Option(help="Interface")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve after loading")] = True,
) -> None:
    """Load the bundled demo: real Cleveland Police data (2025) plus the sample warden, casework and CRM feeds."""
    settings = _settings(store, host=host, port=port)
    con = _open(settings)
    try:
        reports, errors = ingest_paths(con, [settings.data_dir / "demo"], settings_rule(settings))
        _summarise(reports, errors)
        for profile_name, sample in sample_feeds(settings.data_dir):
            feed_reports, feed_errors = load_feed_files(con, settings, load_profile(profile_name), [sample])
            for r in feed_reports:
                print_feed_report(r, dry_run=False)
            errors += feed_errors
    finally:
        con.close()
    for e in errors:
        err.print(f"[red]error[/]: {e}", soft_wrap=True)
    if errors:
        raise typer.Exit(1)
    token = demo_token(AccessStore(settings.access_path()))
    console.print(
        "Without a token the map shows published (disclosure-controlled) figures. For the analyst's view, sign in at "
        f"/login with this demo analyst token (earlier demo tokens are revoked):\n{token}",
        soft_wrap=True,
    )
    if serve_after:
        _serve(settings)
