"""`aim cases`: load a case-management export, look for repeat victims, apply the retention rule, export what is
held about a person (subject access) and erase a case. Special category data: every command is audited as the
command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import StoreOpt, console, fail, open_existing, settings_from
from api.services.errors import NotFoundError, ParameterError

if TYPE_CHECKING:
    from api.database.case_reviews import CaseReviewStore

cases_app = typer.Typer(
    help="Cases about people: load, repeat victims, retention, subject access.", no_args_is_help=True
)
CLI_ACTOR = ("command line", "analyst")
DatabaseOpt = Annotated[
    str | None, typer.Option("--database", help="Tasking database URL (default: $AIM_DATABASE_URL or beside the store)")
]


def case_store(store: Path | None, database: str | None) -> CaseReviewStore:
    """The deployment database's cases and Case Review applications, migrated; a clear error when it cannot be
    opened."""
    from api.database.case_reviews import CaseReviewStore
    from api.database.tasking import TaskingUnavailable

    try:
        return CaseReviewStore.open(database or settings_from(store).tasking_url())
    except TaskingUnavailable as exc:
        fail(exc)


@cases_app.command("load")
def load(
    export: Annotated[Path, typer.Argument(help="A case-management export (CSV, E-CINS style)", exists=True)],
    store: StoreOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Load a case-management export: its cases, their incidents, risk assessments and interventions; incidents are
    linked to the feeds' records by reference, and by the case's address within reach of its postcode."""
    from api.database.tasking import TaskingUnavailable
    from api.rules import case_ladder, repeat_rule, risk_matrix
    from api.services.case_export import load_export
    from api.services.case_places import locator
    from ingest.geocode import load_postcodes

    settings = settings_from(store)
    con = open_existing(settings)
    cases = case_store(store, database)
    try:
        locate = locator(load_postcodes(list(settings.postcodes)))
        rule = repeat_rule(settings)
        report = load_export(
            con, cases, export, CLI_ACTOR, case_ladder(settings), risk_matrix(settings), locate, rule.near_m
        )
    except (TaskingUnavailable, ParameterError) as exc:
        fail(exc)
    finally:
        con.close()
        cases.close()
    loaded, skipped, rows = len(report["cases"]), report["skipped"], report["rows"]
    console.print(f"{loaded} cases loaded, {skipped} held already or erased; {rows} rows read")


@cases_app.command("load-reviews")
def load_reviews(
    log: Annotated[Path, typer.Argument(help="The partnership's ASB Case Review log (CSV)", exists=True)],
    store: StoreOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Load an ASB Case Review log: each application with the complaints it cites (tied to its case's linked
    incidents), the threshold decided, the review and its recommendations; one held already or erased is left."""
    from api.database.tasking import TaskingUnavailable
    from api.rules import case_review_rule
    from api.services.case_review_export import load_log

    settings = settings_from(store)
    cases = case_store(store, database)
    try:
        report = load_log(cases, log, CLI_ACTOR, case_review_rule(settings))
    except (TaskingUnavailable, ParameterError) as exc:
        fail(exc)
    finally:
        cases.close()
    loaded = ", ".join(report["applications"]) or "none"
    console.print(f"Case Review applications loaded: {loaded}; {report['held']} held already or erased")


@cases_app.command("publication")
def publication(
    year: Annotated[int, typer.Option(min=1900, max=2199, help="The year the applications were received")],
    output: Annotated[Path, typer.Option(help="Where to write it: .csv, .pdf or .json")],
    body: Annotated[str | None, typer.Option(help="One relevant body (default: the partnership and each)")] = None,
    store: StoreOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Write the ASB Case Review's yearly publication (the statutory counts, the local threshold, the procedure's
    link) as the API gives it, for publishing."""
    from api.http.formats import csv_bytes
    from api.render.case_review_pdf import render_publication_pdf
    from api.rules import case_review_rule
    from api.services.case_review_publication import PUBLICATION_HEADER, publication_rows
    from api.services.case_review_publication import publication as figures

    if output.suffix not in (".csv", ".pdf", ".json"):
        fail(ParameterError("output", "write the publication to a .csv, .pdf or .json file"))
    settings = settings_from(store)
    cases = case_store(store, database)
    try:
        found = figures(cases, year, case_review_rule(settings), settings.case_review_procedure_url, body)
    except ParameterError as exc:
        fail(exc)
    finally:
        cases.close()
    if output.suffix == ".csv":
        output.write_text(csv_bytes(PUBLICATION_HEADER, publication_rows(found)), encoding="utf-8")
    elif output.suffix == ".pdf":
        output.write_bytes(render_publication_pdf(found))
    else:
        output.write_text(json.dumps(found, indent=2, default=str), encoding="utf-8")
    whole = found["figures"][0]
    console.print(
        f"{whole['body']}, {year}: {whole['received']} received, threshold not met {whole['threshold_not_met']}, "
        f"{whole['reviews_carried_out']} reviews, {whole['with_recommendations']} with recommendations; "
        f"written to {output}"
    )


@cases_app.command("scan")
def scan(store: StoreOpt = None, database: DatabaseOpt = None) -> None:
    """Look for repeat victims across the feeds and cases; new matches are flagged for an analyst to confirm."""
    from api.rules import repeat_rule
    from api.services import repeat_victims
    from api.services.case_places import locator
    from ingest.geocode import load_postcodes

    settings = settings_from(store)
    con = open_existing(settings)
    cases = case_store(store, database)
    try:
        rule = repeat_rule(settings)
        made = repeat_victims.scan(con, cases, rule, locator(load_postcodes(list(settings.postcodes))), CLI_ACTOR)
        console.print(f"{len(made)} new repeat-victim flags ({rule.describe()})")
    finally:
        con.close()
        cases.close()


@cases_app.command("retention")
def retention(
    store: StoreOpt = None,
    database: DatabaseOpt = None,
    today: Annotated[str | None, typer.Option(help="The day to apply the rule on (YYYY-MM-DD; default today)")] = None,
) -> None:
    """Anonymise or delete the cases closed longer ago than the retention period (AIM_CASE_RETENTION_MONTHS,
    AIM_CASE_RETENTION_ACTION); each case done is audited."""
    from api.rules import retention_rule
    from api.services.case_retention import apply_retention

    settings = settings_from(store)
    cases = case_store(store, database)
    try:
        day = date.fromisoformat(today) if today else None
        done = apply_retention(cases, retention_rule(settings), CLI_ACTOR, day)
    except ValueError as exc:
        fail(exc)
    finally:
        cases.close()
    ids = ", ".join(str(i) for i in done["cases"]) or "none"  # type: ignore[attr-defined]
    console.print(f"{done['action']}d the cases closed before {done['closed_before']}: {ids}")
    ids = ", ".join(str(i) for i in done["applications"]) or "none"  # type: ignore[attr-defined]
    console.print(f"{done['action']}d the Case Review applications finished before {done['closed_before']}: {ids}")


@cases_app.command("subject-access")
def subject_access(
    name: Annotated[str, typer.Option(help="The person's name as the request gives it")],
    output: Annotated[Path, typer.Option(help="Where to write the export (JSON)")],
    date_of_birth: Annotated[str | None, typer.Option(help="Their date of birth (YYYY-MM-DD)")] = None,
    store: StoreOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Export everything held about a person (every case naming them, with its incidents, interventions, actions,
    risk, flags, Case Review applications and audit, and the applications they made or were made for them) to a
    JSON file for the analyst to check and send; audited as an export."""
    from api.services.case_subject import application_export, applications_of, cases_of
    from api.services.case_subject import subject_access as export

    cases = case_store(store, database)
    try:
        found = cases_of(cases, name, date_of_birth)
        held = [export(cases, cid, CLI_ACTOR) for cid in found]
        linked = {a["id"] for h in held for a in h["applications"]}
        others = [a for a in applications_of(cases, name, []) if a not in linked]
        applications = [application_export(cases, aid, CLI_ACTOR) for aid in others]
    finally:
        cases.close()
    found_all = {"name": name, "cases": held, "applications": applications}
    output.write_text(json.dumps(found_all, indent=2, default=str), encoding="utf-8")
    console.print(f"{len(held)} cases about {name} written to {output}")
    console.print(f"with {len(linked) + len(applications)} Case Review applications about them")


@cases_app.command("audit")
def audit(
    case_id: Annotated[
        int | None, typer.Option("--case", help="One case's audit (default: every case and flag)")
    ] = None,
    store: StoreOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Every read and change of cases and repeat-victim flags: when, who, role, what, of what."""
    from rich.table import Table

    cases = case_store(store, database)
    try:
        rows = cases.case_audit(case_id)
    finally:
        cases.close()
    table = Table("when", "who", "role", "what", "of", "case")
    for a in rows:
        of = f"{a['entity']} {a['entity_id'] or ''}".strip()
        table.add_row(
            a["at"].isoformat(timespec="seconds"), a["who"], a["role"], a["change"], of, str(a["case_id"] or "")
        )
    console.print(table)


@cases_app.command("erase")
def erase(
    case_id: Annotated[int, typer.Argument(help="Case id")],
    why: Annotated[str, typer.Option(help="Why (kept in the audit)")] = "erasure requested by the data subject",
    store: StoreOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Erase a case and everything linked to it; the audit keeps that it was erased, by whom and why."""
    from api.services.case_subject import erase as erase_case

    cases = case_store(store, database)
    try:
        erase_case(cases, case_id, CLI_ACTOR, why)
    except NotFoundError as exc:
        fail(exc)
    finally:
        cases.close()
    console.print(f"case {case_id} erased")
