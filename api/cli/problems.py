"""`aim problems`: open, list and show tasking problems; assign councillors' wards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from api.cli.common import THROUGH_SERVER, StoreOpt, console, fail, open_existing, settings_from
from api.cli.service import ServerOpt, asked
from api.services.errors import NotFoundError, ParameterError

if TYPE_CHECKING:
    from api.database.tasking import TaskingStore

problems_app = typer.Typer(help="Tasking: problems, their actions and evaluations.", no_args_is_help=True)
CLI_ACTOR = ("command line", "analyst")
DatabaseOpt = Annotated[
    str | None, typer.Option("--database", help="Tasking database URL (default: $AIM_DATABASE_URL or beside the store)")
]


def tasking_store(store: Path | None, database: str | None) -> TaskingStore:
    """The tasking database, migrated; a clear error when it cannot be opened."""
    from api.database.tasking import TaskingStore, TaskingUnavailable

    try:
        return TaskingStore.open(database or settings_from(store).tasking_url())
    except TaskingUnavailable as exc:
        fail(exc)


@problems_app.command("create")
def create(
    title: Annotated[str, typer.Argument(help="What the problem is")],
    owner: Annotated[str, typer.Option(help="Who owns it")],
    cell: Annotated[list[str] | None, typer.Option(help="An H3 cell of the area (repeat; one resolution)")] = None,
    ward: Annotated[list[str] | None, typer.Option(help="A ward of the area, code or name (repeat)")] = None,
    polygon: Annotated[
        Path | None, typer.Option(help="A GeoJSON or GeoPackage file of the area's polygons (any CRS)")
    ] = None,
    partner: Annotated[list[str] | None, typer.Option(help="A source or agency party to it (repeat)")] = None,
    source: Annotated[list[str] | None, typer.Option(help="A source to count (repeat; default all)")] = None,
    category: Annotated[str, typer.Option(help="Category group")] = "asb",
    description: Annotated[str, typer.Option(help="Longer description")] = "",
    baseline_from: Annotated[str | None, typer.Option("--from", help="Baseline's first month, YYYY-MM")] = None,
    baseline_to: Annotated[str | None, typer.Option("--to", help="Baseline's last month, YYYY-MM")] = None,
    store: StoreOpt = None,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
) -> None:
    """Open a problem and freeze its baseline profile from the store. With --server, through a running service (it
    holds the store while it serves)."""
    from api.database.tasking import TaskingUnavailable
    from api.rules import gap_rule
    from api.services import tasking as service
    from api.services.problem_area import area_from_file

    area: dict[str, Any] = {"cells": cell, "wards": ward}
    if polygon is not None:
        try:
            area["polygon"] = area_from_file(polygon.read_bytes())["polygon"]
        except (OSError, ParameterError) as exc:
            fail(exc)
    values = {
        "title": title,
        "owner": owner,
        "description": description,
        "category_group": category,
        "partners": partner or [],
        "sources": source or [],
        "area": area,
        "baseline_from": baseline_from,
        "baseline_to": baseline_to,
    }
    if server:
        _print_json(asked(server, "POST", "/api/v1/problems", body=values).json())
        return
    tasking = tasking_store(store, database)
    settings = settings_from(store)
    con = open_existing(settings, THROUGH_SERVER)
    try:
        core = tuple(settings.core_sources)
        pid = service.open_problem(con, tasking, values, CLI_ACTOR, gap_rule(settings), core=core)
    except (ParameterError, TaskingUnavailable) as exc:
        fail(exc)
    finally:
        con.close()
    show(pid, store, database, None)


def _print_json(found: object) -> None:
    print(json.dumps(found, default=str, indent=2, ensure_ascii=False))


@problems_app.command("list")
def list_problems(store: StoreOpt = None, database: DatabaseOpt = None, server: ServerOpt = None) -> None:
    """Every problem: id, title, status, owner, wards, opened. With --server, those the token may see, from a
    running service."""
    from api.database.tasking import TaskingUnavailable

    table = Table("id", "title", "status", "owner", "wards", "opened")
    if server:
        listed = asked(server, "GET", "/api/v1/problems").json()
        assert isinstance(listed, dict)
        for line in listed["problems"]:
            wards = ", ".join(line["wards"])
            title, owner = line.get("title", ""), line.get("owner", "")
            table.add_row(str(line["id"]), title, line["status"], owner, wards, line["opened"])
        console.print(table)
        return
    try:
        rows = tasking_store(store, database).problems()
    except TaskingUnavailable as exc:
        fail(exc)
    for p in rows:
        wards = ", ".join(n["name"] for n in (p["area"] or {}).get("names", []))
        table.add_row(str(p["id"]), p["title"], p["status"], p["owner"], wards, p["opened"].isoformat())
    console.print(table)


@problems_app.command("show")
def show(
    problem_id: Annotated[int, typer.Argument(help="Problem id")],
    store: StoreOpt = None,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
) -> None:
    """A problem with its baseline profile, actions, reviews and evaluations, as JSON. With --server, as the token
    may see it, from a running service."""
    from api.database.tasking import TaskingUnavailable
    from api.services import tasking as service

    if server:
        _print_json(asked(server, "GET", f"/api/v1/problems/{problem_id}").json())
        return
    try:
        detail = service.problem_detail(tasking_store(store, database), problem_id)
    except (NotFoundError, TaskingUnavailable) as exc:
        fail(exc)
    _print_json(detail)


@problems_app.command("councillor-wards")
def councillor_wards(
    token_id: Annotated[int, typer.Argument(help="The councillor's token id (aim users list)")],
    ward: Annotated[list[str], typer.Option(help="A ward code the councillor covers (repeat)")],
    store: StoreOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Set the wards whose problems a councillor's token sees in summary."""
    from api.database.tasking import TaskingUnavailable

    try:
        tasking_store(store, database).set_councillor_wards(token_id, ward, CLI_ACTOR)
    except TaskingUnavailable as exc:
        fail(exc)
    console.print(f"token {token_id} covers {', '.join(ward)}")
