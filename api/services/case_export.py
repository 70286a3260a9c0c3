"""Load a case-management export (E-CINS style: one row per case entry, the case's fields on some rows) into cases:
each case with its incidents (linked by the feed's reference when a feed holds it, else as the export recorded them),
its latest risk assessment, its interventions on the ladder, and the feeds' records at its address (near its
postcode). Real exports are messy: title rows above the header, Windows-1252 text, blank case fields on later rows,
dates in several formats (two-digit years too), agency names spelt several ways, postcodes in odd case and spacing,
UPRNs a spreadsheet turned into decimals, repeated rows. A case whose reference is held already is left as it is."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from api.database.cases import CaseStore
from api.services import cases as service
from api.services.case_places import NEAR_M, Locate
from api.services.case_risk import RiskMatrix, assess
from api.services.errors import ParameterError
from geo.trends import add_months
from ingest.store import read
from ingest.store.connection import Connection

Actor = tuple[str, str]
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y", "%d %b %Y", "%d.%m.%Y", "%d/%m/%y")
AGENCIES = (
    ("housing", "housing"),
    ("thirteen", "housing"),
    ("police", "police"),
    ("warden", "warden"),
    ("asb", "council"),
    ("council", "council"),
)
STEPS = {
    "warning letter": "warning letter",
    "wl": "warning letter",
    "abc": "acceptable behaviour contract",
    "acceptable behaviour contract": "acceptable behaviour contract",
    "cpw": "community protection warning",
    "community protection warning": "community protection warning",
    "cpn": "community protection notice",
    "community protection notice": "community protection notice",
    "breach": "breach",
    "fpn": "fixed penalty notice",
    "fixed penalty notice": "fixed penalty notice",
    "civil injunction": "civil injunction",
    "injunction": "civil injunction",
    "closure order": "closure order",
    "closure": "closure order",
}
BLANK = {"", "n/a", "na", "-", "none", "unknown"}


def _clean(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return None if text.lower() in BLANK else text


def parse_date(text: str | None, past: bool = False) -> date | None:
    """A date in any of the export's formats (None when blank or unreadable); `past`: a two-digit year that would be
    in the future is a century earlier (a date of birth)."""
    value = _clean(text)
    if value is None:
        return None
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if past and day > date.today():
            day = day.replace(year=day.year - 100)
        return day
    return None


def agency(text: str | None) -> str | None:
    """An agency's name as the partnership's tokens know it (housing, police, warden, council)."""
    value = (_clean(text) or "").lower()
    return next((name for word, name in AGENCIES if word in value), value or None)


def _uprn(text: str | None) -> str | None:
    value = _clean(text)
    if value is None:
        return None
    digits = re.sub(r"\.0+$", "", value)
    return digits if digits.isdigit() and len(digits) <= 12 else None


def export_rows(path: Path, first_column: str, what: str) -> list[dict[str, str]]:
    """A messy export's entry rows (UTF-8 or Windows-1252; title rows above the header row, whose first cell is
    first_column, skipped; repeated rows once), each as a dict by the header's names."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    lines = list(csv.reader(io.StringIO(text)))
    wanted = first_column.lower()
    start = next((i for i, line in enumerate(lines) if line and line[0].strip().lower() == wanted), None)
    if start is None:
        raise ParameterError(what, f"{path.name}: no header row starting '{first_column}'")
    header = [h.strip() for h in lines[start]]
    seen: set[tuple[str, ...]] = set()
    rows = []
    for line in lines[start + 1 :]:
        if not line or not line[0].strip() or tuple(line) in seen:
            continue
        seen.add(tuple(line))
        rows.append(dict(zip(header, line, strict=False)))
    return rows


def read_rows(path: Path) -> list[dict[str, str]]:
    """The export's entry rows (title rows skipped, repeated rows once, each row's Case Ref set)."""
    return export_rows(path, "Case Ref", "export")


def _first(rows: Iterable[dict[str, str]], column: str) -> str | None:
    return next((v for r in rows if (v := _clean(r.get(column))) is not None), None)


def case_values(rows: list[dict[str, str]]) -> dict[str, Any]:
    """A case's fields from its rows (each field from the first row that has it)."""
    kind = (_first(rows, "Case Type") or "victim").lower()
    victim, perpetrator = "victim" in kind, "perp" in kind
    status = (_first(rows, "Case Status") or "open").lower()
    partners = re.split(r"[;,/]", _first(rows, "Partner Agencies") or "")
    owner = agency(_first(rows, "Lead Agency")) or "council"
    return {
        "reference": _first(rows, "Case Ref"),
        "subject_kind": "household" if "household" in kind else "person",
        "subject_role": "both" if victim and perpetrator else ("perpetrator" if perpetrator else "victim"),
        "subject_name": _first(rows, "Subject") or "(not recorded)",
        "date_of_birth": parse_date(_first(rows, "DOB"), past=True),
        "address": _first(rows, "Address"),
        "postcode": service.normal_postcode(_first(rows, "Postcode")),
        "uprn": next((u for r in rows if (u := _uprn(r.get("UPRN")))), None),
        "owner_agency": owner,
        "officer": _first(rows, "Case Officer") or "(not recorded)",
        "agencies": sorted({a for p in partners if (a := agency(p)) and a != owner}),
        "status": "closed" if status.startswith("closed") else "open",
        "opened": parse_date(_first(rows, "Date Opened")) or date.today(),
        "closed": parse_date(_first(rows, "Date Closed")),
    }


def _answers(text: str | None, matrix: RiskMatrix) -> dict[str, str]:
    known = {q.id for q in matrix.questions}
    answers = {}
    for part in re.split(r"[;|]", text or ""):
        key, _, value = part.partition("=")
        key, value = key.strip().lower(), value.strip().lower()
        if key in known:
            answers[key] = {"y": "yes", "yes": "yes", "n": "no", "no": "no"}.get(value, "unknown")
    return answers


def _incidents(con: Connection, values: dict[str, Any], rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    entries = [r for r in rows if (_clean(r.get("Entry Type")) or "").lower() == "incident"]
    held = {
        r["ref"].upper(): r
        for r in read.records_by_reference(con, [r.get("Entry Ref", "") for r in entries]).to_pylist()
    }
    out = []
    for r in entries:
        ref = _clean(r.get("Entry Ref"))
        record = held.get((ref or "").upper())
        if record is not None:
            out.append(
                {
                    "feed": record["feed"],
                    "ref": record["ref"],
                    "occurred_on": record["occurred_on"],
                    "category": record["category"],
                    "address": record["location_text"],
                    "uprn": None,
                    "rule": "reference",
                    "note": "the export quotes the feed's reference",
                }
            )
            continue
        out.append(
            {
                "feed": agency(r.get("Entry Source")) or "case-management",
                "ref": ref,
                "occurred_on": parse_date(r.get("Entry Date")),
                "category": _clean(r.get("Entry Detail")),
                "address": values["address"],
                "uprn": values["uprn"],
                "rule": "hand",
                "note": "recorded in the case-management system",
            }
        )
    return out


def _interventions(values: dict[str, Any], rows: list[dict[str, str]], ladder: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        if (_clean(r.get("Entry Type")) or "").lower() != "intervention":
            continue
        step = STEPS.get((_clean(r.get("Entry Detail")) or "").lower())
        issued = parse_date(r.get("Entry Date"))
        if step not in ladder or issued is None:
            continue  # a step the partnership's ladder does not have is left for the analyst
        out.append(
            {
                "step": step,
                "issued": issued,
                "agency": agency(r.get("Entry Source")) or values["owner_agency"],
                "review_on": parse_date(r.get("Review Date")),
                "outcome": _clean(r.get("Outcome")),
                "outcome_on": None,
                "note": "",
            }
        )
    return out


def load_export(
    con: Connection,
    store: CaseStore,
    path: Path,
    actor: Actor,
    ladder: tuple[str, ...],
    matrix: RiskMatrix,
    locate: Locate,
    near_m: float = NEAR_M,
) -> dict[str, Any]:
    """Load the export's cases not held yet (nor erased: an erased case stays erased); the ids made, how many were
    held already or erased, and the rows read."""
    rows = read_rows(path)
    by_case: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_case.setdefault(r["Case Ref"].strip().upper(), []).append(r)
    held = {(c["reference"] or "").upper() for c in store.cases()} | store.erased_references()
    made, skipped = [], 0
    for ref, entries in by_case.items():
        if ref in held:
            skipped += 1
            continue
        values = case_values(entries)
        case_id = store.create_case(service.case_fields(values), actor, _incidents(con, values, entries))
        for step in _interventions(values, entries, ladder):
            store.add_intervention(case_id, step, actor)
        risks = [r for r in entries if (_clean(r.get("Entry Type")) or "").lower() == "risk assessment"]
        if risks:
            last = max(risks, key=lambda r: parse_date(r.get("Entry Date")) or date.min)
            on = parse_date(last.get("Entry Date")) or values["opened"]
            risk = assess(_answers(last.get("Entry Detail"), matrix), matrix, on, values["officer"])
            store.update_case(case_id, {"risk": risk}, actor, entity="risk")
        if values["status"] == "open":
            since = add_months(values["opened"], -12)
            service.link_by_rules(con, store, case_id, actor, [], locate, since, near_m)
        made.append(case_id)
    return {"cases": made, "skipped": skipped, "rows": len(rows)}
