"""What every command shares: the consoles, settings from options, opening the store, one map of errors to exits."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:  # the commands import what they use when they run: `aim --help` loads none of it
    from api.settings import Settings
    from ingest.store.connection import Connection

console = Console()
err = Console(stderr=True)
log = logging.getLogger("aim")

StoreOpt = Annotated[Path | None, typer.Option("--store", help="Store path (default: $AIM_STORE or ./aim.duckdb)")]


def exit_code(exc: Exception) -> int:
    """One map from our exceptions to exit codes: 2 for what the user asked, 1 for what the data or store did."""
    from api.access.store import AccessUnavailable
    from api.database.tasking import TaskingUnavailable
    from api.services.errors import NotFoundError, ParameterError
    from geo.errors import BoundaryError
    from ingest.errors import IngestError, StoreError

    codes: dict[type[Exception], int] = {
        ParameterError: 2,
        NotFoundError: 1,
        BoundaryError: 1,
        StoreError: 1,
        IngestError: 1,
        AccessUnavailable: 1,  # the access database is damaged or cannot be written (or read)
        TaskingUnavailable: 1,  # the tasking database cannot be opened, read or written
        ValueError: 2,
    }
    return next((c for kind, c in codes.items() if isinstance(exc, kind)), 1)


def fail(exc: Exception) -> NoReturn:
    """Print an error and exit with its code."""
    err.print(f"[red]error[/]: {escape(str(exc))}", soft_wrap=True, highlight=False)
    raise typer.Exit(exit_code(exc)) from exc


def settings_from(store: Path | None, **overrides: object) -> Settings:
    """Settings from the environment, with the options given on the command line."""
    from api.settings import Settings

    values = {k: v for k, v in overrides.items() if v is not None}
    if store is not None:
        values["store"] = store
    return Settings().model_copy(update=values)


# What to do when a running `aim serve` holds the store (DuckDB lets one process open it read-write, and none
# other open it at all meanwhile): each command that opens the store says which of these applies to it
STOP_FIRST = "stop the server to run this command, or ask the service through its API (see /docs on the server)"
THROUGH_SERVER = (
    "run the command again with --server URL (or set AIM_SERVER) and an analyst token in AIM_TOKEN: it then works "
    "through the running service"
)


def _held(exc: Exception, when_held: str) -> Exception:
    """The error, with what to do added when a running service holds the store."""
    from ingest.errors import StoreHeldError

    return StoreHeldError(f"{exc}; {when_held}") if isinstance(exc, StoreHeldError) else exc


def open_writable(settings: Settings, when_held: str = STOP_FIRST) -> Connection:
    """The store, created or migrated, with the shipped reference data loaded (`when_held`: what to do when a
    running service holds it)."""
    from ingest.boundary_sets import ensure_reference_data
    from ingest.errors import StoreError
    from ingest.store.connection import open_store

    try:
        con = open_store(settings.store, memory_limit=settings.memory_limit)
    except StoreError as exc:
        fail(_held(exc, when_held))
    ensure_reference_data(con, settings.data_dir)
    return con


@contextmanager
def writable(settings: Settings, every: bool = False, when_held: str = STOP_FIRST) -> Iterator[Connection]:
    """The store for a command that changes it, under the writer lock (one writer across processes); published to
    the workers of a running `aim serve --workers N`, which read snapshots of it, once changed (`every` change, or
    one that added a load)."""
    from ingest.store.snapshots import writing

    with writing(settings.store, lambda: open_writable(settings, when_held), every) as con:
        yield con


def open_existing(settings: Settings, when_held: str = STOP_FIRST) -> Connection:
    """An existing store, migrated, with reference data and derived columns up to date (`when_held`: what to do
    when a running service holds it)."""
    from ingest.boundary_sets import ensure_reference_data
    from ingest.errors import StoreError
    from ingest.store.connection import open_served_store

    try:
        con = open_served_store(settings.store, settings.memory_limit)
    except StoreError as exc:
        fail(_held(exc, when_held))
    ensure_reference_data(con, settings.data_dir)
    return con


def configure_logging(level: str) -> None:
    """Standard-library logging for this process, at the level asked for."""
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
