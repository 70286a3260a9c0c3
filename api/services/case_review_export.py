"""Load a partnership's Case Review log (exported as CSV: one row per complaint cited, the application's fields on its
first row) into applications: each with the complaints it cites (tied to its case's linked incident of the same
reference, when the case holds one), the bodies' decision on the threshold, the review, its recommendations and the
day the outcome was sent, each step through api/services/case_reviews.py as a person would record it. Messy as such
logs are: title rows above the header, Windows-1252 text, dates in several formats, the relevant bodies spelt as
people type them, repeated rows. An application whose reference is held already, or was erased, is left out."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from api.database.case_reviews import CaseReviewStore
from api.services import case_reviews as service
from api.services.case_export import _clean, _first, agency, export_rows, parse_date
from api.services.case_review_threshold import ThresholdRule

Actor = tuple[str, str]
RECOMMENDATION = re.compile(r"^(?P<text>.+?)\s*\((?P<agency>[^,()]+)(?:,\s*(?P<due>[^()]+))?\)\s*$")


def read_log(path: Path) -> dict[str, list[dict[str, str]]]:
    """The log's rows by application reference (title rows skipped, repeated rows once), in order."""
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in export_rows(path, "Application Ref", "log"):
        grouped[next(iter(row.values())).strip().upper()].append(row)  # by the first column, the reference
    return dict(grouped)


def _bodies(text: str | None) -> list[str]:
    names = [agency(part) for part in re.split(r"[;,/]", text or "")]
    return list(dict.fromkeys(n for n in names if n))


def _recommendations(text: str | None) -> list[dict[str, Any]]:
    found = []
    for part in (text or "").split("|"):
        part = " ".join(part.split())
        if not part:
            continue
        m = RECOMMENDATION.match(part)
        if m:
            due = parse_date(m["due"])
            found.append({"text": m["text"], "agency": agency(m["agency"]), "due": due})
        else:
            found.append({"text": part, "agency": "not recorded", "due": None})
    return found


def _application(store: CaseReviewStore, ref: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    cases = {(c["reference"] or "").upper(): c["id"] for c in store.cases()}
    case_id = cases.get((_first(rows, "Case Ref") or "").upper())
    incidents = {i["ref"].upper(): i["id"] for i in store.case_incidents(case_id) if i["ref"]} if case_id else {}
    complaints = []
    for r in rows:
        complained = parse_date(r.get("Complaint Date"))
        if complained is None:
            continue
        cref = _clean(r.get("Complaint Ref"))
        complaints.append(
            {
                "complained_on": complained,
                "behaviour_on": parse_date(r.get("Behaviour Date")) or complained,
                "agency": agency(r.get("Complaint To")) or "not recorded",
                "ref": cref,
                "incident_id": incidents.get(cref.upper()) if cref else None,
            }
        )
    kind = "on behalf" if "behalf" in (_first(rows, "Applicant Type") or "").lower() else "victim"
    return {
        "reference": ref,
        "received": parse_date(_first(rows, "Date Received")),
        "applicant_kind": kind,
        "applicant_name": _first(rows, "Applicant"),
        "on_behalf_of": _first(rows, "On Behalf Of"),
        "address": _first(rows, "Address"),
        "postcode": _first(rows, "Postcode"),
        "bodies": _bodies(_first(rows, "Relevant Bodies")),
        "case_id": case_id,
        "complaints": complaints,
    }


def _steps(store: CaseReviewStore, aid: int, rows: list[dict[str, str]], rule: ThresholdRule, actor: Actor) -> None:
    decision = (_first(rows, "Threshold Decision") or "").lower()
    decided = parse_date(_first(rows, "Decision Date"))
    sent = parse_date(_first(rows, "Outcome Sent"))
    note = _first(rows, "Notes") or ""
    if not decision or decided is None:
        return
    met = decision in ("met", "yes", "threshold met")
    held = parse_date(_first(rows, "Review Date"))
    recommendations = _recommendations(_first(rows, "Recommendations"))
    last = not met or held is None
    values = {"decided": decided, "met": met, "note": note or "as the Case Review log records it"}
    service.decide(store, aid, values | ({"communicated": sent} if last and sent else {}), rule, actor)
    if not met or held is None:
        return
    service.review(store, aid, {"held": held} | ({} if recommendations or not sent else {"communicated": sent}), actor)
    if recommendations:
        service.recommend(store, aid, {"recommendations": recommendations, "communicated": sent}, actor)


def load_log(store: CaseReviewStore, path: Path, actor: Actor, rule: ThresholdRule) -> dict[str, Any]:
    """Load the log's applications not held yet (nor erased), with their steps; what was loaded."""
    grouped = read_log(path)
    held = {(a["reference"] or "").upper() for a in store.applications()} | store.erased_application_references()
    loaded = []
    for ref, rows in grouped.items():
        if ref in held:
            continue
        aid = service.record_application(store, _application(store, ref, rows), actor)
        _steps(store, aid, rows, rule, actor)
        loaded.append(ref)
    return {"applications": loaded, "rows": sum(len(r) for r in grouped.values()), "held": len(grouped) - len(loaded)}
