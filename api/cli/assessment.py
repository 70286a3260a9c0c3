"""`aim assessment`: the partnership's annual strategic assessment of a district and year, written as PDF, HTML and
its tables as CSV files (a zip), or as JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.common import THROUGH_SERVER, StoreOpt, console, fail, open_existing, settings_from
from api.cli.problems import DatabaseOpt, tasking_store
from api.cli.service import ServerOpt, asked
from api.services.errors import ParameterError

ENDINGS = {"pdf": "pdf", "html": "html", "csv": "zip", "json": "json"}  # format -> file ending
CHOICES = ("all", *ENDINGS)


def _formats(fmt: str) -> tuple[str, ...]:
    if fmt not in CHOICES:
        raise ParameterError("format", f"choose {', '.join(CHOICES)}")
    return ("pdf", "html", "csv") if fmt == "all" else (fmt,)


def _write(out: Path, stem: str, fmt: str, body: bytes) -> Path:
    path = out / f"{stem}.{ENDINGS[fmt]}"
    path.write_bytes(body)
    console.print(f"wrote {path} ({len(body):,} bytes)", markup=False, highlight=False)
    return path


def _through_service(server: str, lad: str, year: int, formats: tuple[str, ...], out: Path) -> None:
    """Ask a running service for the assessment (GET /api/v1/assessment) in each format and write it, named by the
    district as given."""
    for fmt in formats:
        query = {"lad": lad, "year": year, "format": "zip" if fmt == "csv" else fmt}
        answer = asked(server, "GET", "/api/v1/assessment", query)
        _write(out, f"aim-assessment-{re.sub(r'[^A-Za-z0-9]+', '-', lad).strip('-')}-{year}", fmt, answer.body)


def _print_summary(found: dict[str, Any]) -> None:
    total, changes = found["levels"]["total"], found["changes"]
    change = (
        f"{changes['change']:+,} on {changes['previous']['from'][:4]}" if changes["comparable"] else "not comparable"
    )
    console.print(
        f"{found['district']['name']} {found['year']}: {total['total']:,} ASB incidents ({change}); "
        f"{len(found['levels']['wards'])} wards, problems opened: {found['problems']['opened']}, "
        f"{len(found['priorities'])} priorities suggested",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )


def assessment_command(
    lad: Annotated[str, typer.Option("--lad", help="Local authority district of the partnership: code or name")],
    year: Annotated[int, typer.Option("--year", min=1900, max=2199, help="Calendar year, YYYY")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files into")] = Path("."),
    fmt: Annotated[str, typer.Option("--format", help="all (pdf, html and csv), pdf, html, csv (zip) or json")] = "all",
    store: StoreOpt = None,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
) -> None:
    """Write the partnership's annual strategic assessment of the district and year: levels and trends by category,
    source and ward, hot spots, repeat places, problems and evaluations, patrol delivery, feeds, what changed since
    the previous year and why, and suggested priorities, as aim-assessment-<code>-<year>.pdf, .html and .zip (one
    CSV file per table). With --server, through a running service (it holds the store while it serves)."""
    from api.cli.cases import case_store
    from api.database.tasking import TaskingUnavailable
    from api.render.assessment_csv import assessment_zip, file_stem
    from api.render.assessment_page import render_assessment_page
    from api.render.assessment_pdf import render_assessment_pdf
    from api.rules import PLAN_RES, case_review_rule, gap_rule
    from api.services.assessment import AssessmentOptions, assessment
    from api.services.assessment_cases import CaseFigures
    from api.services.caches import Caches

    try:
        formats = _formats(fmt)
    except ParameterError as exc:
        fail(exc)
    out.mkdir(parents=True, exist_ok=True)
    if server:
        _through_service(server, lad, year, formats, out)
        return
    settings = settings_from(store)
    tasking = tasking_store(store, database)
    cases = case_store(store, database)
    con = open_existing(settings, THROUGH_SERVER)
    try:
        options = AssessmentOptions(delivery_res=PLAN_RES)
        figures = CaseFigures(cases, case_review_rule(settings), settings.case_review_procedure_url)
        found = assessment(con, tasking, lad, year, Caches(), gap_rule(settings), options, figures)
    except (ParameterError, TaskingUnavailable) as exc:
        fail(exc)
    finally:
        con.close()
        tasking.close()
        cases.close()
    writers = {
        "pdf": lambda: render_assessment_pdf(found),
        "html": lambda: render_assessment_page(found).encode("utf-8"),
        "csv": lambda: assessment_zip(found),
        "json": lambda: json.dumps(found, indent=2, ensure_ascii=False, default=str).encode("utf-8"),
    }
    for name in formats:
        _write(out, file_stem(found), name, writers[name]())
    _print_summary(found)
