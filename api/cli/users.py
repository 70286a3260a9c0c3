"""`aim users` (API tokens: create, list, revoke) and `aim audit` (who read incident-level data).

An access database that is damaged, or cannot be written for a change, stops the command with the reason (exit 1);
listing needs only to read it."""

from __future__ import annotations

import csv
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from api.access.principals import Role
from api.cli.common import StoreOpt, console, fail, settings_from
from api.services.errors import NotFoundError

if TYPE_CHECKING:
    from api.access.store import AccessStore

users_app = typer.Typer(help="API tokens: who may see what.", no_args_is_help=True)


DatabaseOpt = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: $AIM_DATABASE_URL or beside the store)")
]


def access_store(store: Path | None, database: str | None = None) -> AccessStore:
    """The access store in the deployment's database ($AIM_DATABASE_URL, else the SQLite file beside the incident
    store), the old layout's access file carried over; a clear error when it cannot be used."""
    from api.access.store import AccessStore, AccessUnavailable

    settings = settings_from(store, database_url=database)
    try:
        return AccessStore(settings.tasking_url(), settings.access_path())
    except AccessUnavailable as exc:
        fail(exc)


@users_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Who holds the token (a person or a system)")],
    role: Annotated[Role, typer.Option(help="The token's role (the public needs no token)")],
    source: Annotated[
        list[str] | None, typer.Option(help="Partner only: a source its agreement covers (repeat)")
    ] = None,
    store: StoreOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Create a token and print it once (only its hash is kept)."""
    from api.access.store import AccessUnavailable

    try:
        token = access_store(store, database).create_token(name, role, tuple(source or ()))
    except (ValueError, AccessUnavailable) as exc:
        fail(exc)
    console.print(f"token for {name} ({role.value}); it is shown only now:")
    print(token)


@users_app.command("list")
def list_tokens(store: StoreOpt = None, database: DatabaseOpt = None) -> None:
    """Every token: id, holder, role, sources, created, revoked."""
    from api.access.store import AccessUnavailable

    table = Table("id", "name", "role", "sources", "created", "revoked")
    try:
        tokens = access_store(store, database).tokens()
    except AccessUnavailable as exc:
        fail(exc)
    for t in tokens:
        table.add_row(
            str(t["token_id"]), t["name"], t["role"], ", ".join(t["sources"]), t["created_at"], t["revoked_at"] or ""
        )
    console.print(table)


@users_app.command("revoke")
def revoke(
    token_id: Annotated[int, typer.Argument(help="Token id from `aim users list`")],
    store: StoreOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Revoke a token now; its sessions end with it."""
    from api.access.store import AccessUnavailable

    try:
        revoked = access_store(store, database).revoke(token_id)
    except AccessUnavailable as exc:
        fail(exc)
    if not revoked:
        fail(NotFoundError(f"no live token {token_id}"))
    console.print(f"token {token_id} revoked")


DEMO_HOLDER = "demo analyst"


def demo_token(store: AccessStore) -> str:
    """A fresh analyst token for the demo; earlier demo tokens are revoked."""
    from api.access.policy import DEMO_ROLE

    for t in store.tokens():
        if t["name"] == DEMO_HOLDER and t["revoked_at"] is None:
            store.revoke(int(t["token_id"]))
    return store.create_token(DEMO_HOLDER, DEMO_ROLE)


def _text(value: object) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def audit_command(
    who: Annotated[str | None, typer.Option(help="Only this holder")] = None,
    since: Annotated[datetime | None, typer.Option(help="Only from this time (ISO 8601)")] = None,
    limit: Annotated[int, typer.Option(help="How many rows, newest first")] = 50,
    csv_out: Annotated[bool, typer.Option("--csv", help="CSV on stdout instead of a table")] = False,
    store: StoreOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """List accesses to incident-level data and exports: who, when, what filter, rows returned."""
    from api.access.store import AccessUnavailable
    from api.render.spreadsheet import safe_rows

    header = ["when (UTC)", "who", "role", "what", "filter", "rows", "format"]
    try:
        records = access_store(store, database).audit_log(who, since, limit)
    except AccessUnavailable as exc:
        fail(exc)
    rows = [
        [
            r["at"],
            r["who"],
            r["role"],
            r["action"],
            "; ".join(f"{k}={_text(v)}" for k, v in r["filters"].items()),
            str(r["rows"]),
            r["format"],
        ]
        for r in records
    ]
    if csv_out:
        csv.writer(sys.stdout).writerows([header, *safe_rows(rows)])
        return
    table = Table(*header)
    for row in rows:
        table.add_row(*row)
    console.print(table)
