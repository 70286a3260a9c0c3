"""`aim tasking pack`: the tasking pack for a CSP's meeting, written as PDF, HTML or JSON."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.common import THROUGH_SERVER, StoreOpt, console, fail, open_existing, settings_from
from api.cli.problems import DatabaseOpt, tasking_store
from api.cli.service import ServerOpt, asked
from api.services.errors import ParameterError

tasking_app = typer.Typer(help="Tasking meetings: the pack for a partnership's meeting.", no_args_is_help=True)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ParameterError("date", f"{text!r} is not a date (YYYY-MM-DD)") from exc


def _plain(value: object) -> object:
    """Dates and times as ISO text, numpy numbers as Python numbers (for json.dumps)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


def _through_service(server: str, query: dict[str, object], fmt: str, out: Path) -> None:
    """Ask a running service for the pack (GET /api/v1/tasking/pack) and write it."""
    answer = asked(server, "GET", "/api/v1/tasking/pack", query)
    if fmt != "json":
        out.write_bytes(answer.body)
        console.print(f"wrote {out} ({len(answer.body):,} bytes) through {server}", markup=False, highlight=False)
        return
    found = answer.json()
    assert isinstance(found, dict)
    out.write_text(json.dumps(found, indent=2, ensure_ascii=False))
    _print_summary(out, found)


def _worklist(store: Path | None, database: str | None, meeting: date) -> dict[str, Any]:
    """The agencies' case worklist from the deployment database, as the service's pack gives it, each case listed
    audited as read from the command line."""
    from api.cli.cases import CLI_ACTOR, case_store
    from api.services.tasking_pack_cases import listed_ids, pack_worklist

    cases = case_store(store, database)
    try:
        found = pack_worklist(cases, meeting)
        cases.record_reads(CLI_ACTOR, "listed", listed_ids(found), {"command": "aim tasking pack"})
        return found
    finally:
        cases.close()


def _print_summary(out: Path, found: dict[str, Any]) -> None:
    s = found["summary"]
    meeting = _date(str(found["date"])[:10])
    console.print(
        f"wrote {out}: {found['csp']['name']}, meeting {meeting:%d %b %Y}, data {found['months']['from']} to "
        f"{found['months']['to']}; {s['problems']} problems, {s['actions']} actions ({s['overdue']} overdue), "
        f"{s['evaluations_due']} evaluations due, {s['patrol_cells']} patrol cells, {s['hotspots']} hotspots, "
        f"{s['feeds_flagged']} feeds with gaps",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )


@tasking_app.command("pack")
def pack(
    csp: Annotated[str, typer.Option("--csp", help="Community safety partnership: code or name")],
    out: Annotated[Path, typer.Option("--out", help="File to write (pack.pdf, pack.html or pack.json)")],
    when: Annotated[str | None, typer.Option("--date", help="Meeting date, YYYY-MM-DD (default: today)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf, html or json")] = "pdf",
    cells: Annotated[int, typer.Option(min=1, max=100, help="Cells in the patrol plan")] = 20,
    store: StoreOpt = None,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
) -> None:
    """Write the pack for the CSP's fortnightly tasking meeting on the date: open problems and their actions,
    evaluations due, the patrol plan, new and intensifying hotspots and source-gap flags. With --server, through a
    running service (it holds the store while it serves)."""
    from api.database.tasking import TaskingUnavailable
    from api.render.tasking_pack_page import render_pack_page
    from api.render.tasking_pack_pdf import render_pack_pdf
    from api.rules import gap_rule
    from api.services.caches import Caches
    from api.services.cell_places import postcode_lookup
    from api.services.tasking_pack import PackOptions, public_pack, tasking_pack

    try:
        if fmt not in ("pdf", "html", "json"):
            raise ParameterError("format", "choose pdf, html or json")
        meeting = _date(when) if when else date.today()
    except ParameterError as exc:
        fail(exc)
    if server:
        query = {"csp": csp, "date": meeting.isoformat(), "cells": cells, "format": fmt}
        _through_service(server, query, fmt, out)
        return
    settings = settings_from(store)
    tasking = tasking_store(store, database)
    con = open_existing(settings, THROUGH_SERVER)
    try:
        options = PackOptions(
            cells=cells,
            months=settings.default_months,
            core=tuple(settings.core_sources),
            visit_minutes=settings.delivery_compliant_s / 60,
        )
        postcodes = postcode_lookup(settings.postcodes)
        worklist = _worklist(store, database, meeting)
        found = tasking_pack(con, tasking, csp, meeting, Caches(), gap_rule(settings), postcodes, options, worklist)
        if fmt == "pdf":
            out.write_bytes(render_pack_pdf(found))
        elif fmt == "html":
            out.write_text(render_pack_page(found), encoding="utf-8")
        else:
            out.write_text(json.dumps(public_pack(found), indent=2, ensure_ascii=False, default=_plain))
    except (ParameterError, TaskingUnavailable) as exc:
        fail(exc)
    finally:
        con.close()
        tasking.close()
    _print_summary(out, found)
