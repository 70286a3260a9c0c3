"""ASB Case Review applications (the "community trigger", Anti-social Behaviour, Crime and Policing Act 2014 s.104
and Schedule 4): an application is recorded with its date, applicant, the complaints it cites and the relevant
bodies it is made to; the threshold is checked (api/services/case_review_threshold.py) and the bodies' decision
recorded; then the review, its recommendations, the day the outcome was told to the applicant, or a withdrawal, each
with its date.

Plain Python over the case store: callers pass who is acting (name, role) for the audit; what a reader may see is
decided by api/access/case_reviews.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.database.case_reviews import CaseReviewStore
from api.database.tasking import Once, _jsonable
from api.services.case_review_threshold import ThresholdRule, check
from api.services.cases import _date, _names, _text, case_row, normal_postcode
from api.services.errors import NotFoundError, ParameterError

Actor = tuple[str, str]
APPLICANT_KINDS = ("victim", "on behalf")
RECEIVED, MET, NOT_MET = "received", "threshold met", "threshold not met"
REVIEWED, RECOMMENDED, WITHDRAWN = "review carried out", "recommendations made", "withdrawn"
STATUSES = (RECEIVED, MET, NOT_MET, REVIEWED, RECOMMENDED, WITHDRAWN)
APPLICATION_FIELDS = {
    "reference",
    "received",
    "applicant_kind",
    "applicant_name",
    "on_behalf_of",
    "address",
    "postcode",
    "bodies",
    "summary",
    "case_id",
    "flag_ids",
    "complaints",
}
COMPLAINT_FIELDS = {"complained_on", "behaviour_on", "agency", "ref", "incident_id", "note"}


def _complaint(values: dict[str, Any], incidents: dict[int, int]) -> dict[str, Any]:
    unknown = set(values) - COMPLAINT_FIELDS
    if unknown:
        raise ParameterError(", ".join(sorted(unknown)), "not a field of a complaint")
    complained = _date(values, "complained_on", required=True)
    behaviour = _date(values, "behaviour_on") or complained
    incident = values.get("incident_id")
    if incident is not None and incident not in incidents:
        raise ParameterError("incident_id", f"no linked incident {incident} of the application's case")
    return {
        "complained_on": complained,
        "behaviour_on": behaviour,
        "agency": _text(values, "agency", 200),
        "ref": _text(values, "ref", 120, required=False),
        "incident_id": incident,
        "note": _text(values, "note", 2000, required=False) or "",
    }


def application_fields(store: CaseReviewStore, values: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An application's fields and the complaints it cites, validated (a case or flags named must be held; a
    complaint's incident must be one of the case's linked incidents)."""
    unknown = set(values) - APPLICATION_FIELDS
    if unknown:
        raise ParameterError(", ".join(sorted(unknown)), "not a field of a Case Review application")
    kind = values.get("applicant_kind", "victim")
    if kind not in APPLICANT_KINDS:
        raise ParameterError("applicant_kind", "applicant_kind is victim or on behalf")
    case_id = values.get("case_id")
    incidents: dict[int, int] = {}
    if case_id is not None:
        case_row(store, case_id)
        incidents = {i["id"]: case_id for i in store.case_incidents(case_id)}
    flag_ids = sorted(set(values.get("flag_ids") or []))
    for fid in flag_ids:
        if store.flag(fid) is None:
            raise ParameterError("flag_ids", f"no repeat-victim flag {fid}")
    bodies = _names(values, "bodies")
    if not bodies:
        raise ParameterError("bodies", "an application is made to one or more relevant bodies")
    raw = _text(values, "postcode", 10, required=False)
    postcode = normal_postcode(raw)
    if raw and postcode is None:
        raise ParameterError("postcode", f"{raw!r} is not a postcode")
    fields = {
        "reference": _text(values, "reference", 60, required=False),
        "received": _date(values, "received", required=True),
        "applicant_kind": kind,
        "applicant_name": _text(values, "applicant_name", 200),
        "on_behalf_of": _text(values, "on_behalf_of", 200, required=kind == "on behalf"),
        "address": _text(values, "address", 300, required=False),
        "postcode": postcode,
        "bodies": bodies,
        "summary": _text(values, "summary", 5000, required=False) or "",
        "case_id": case_id,
        "flag_ids": flag_ids,
    }
    complaints = [_complaint(dict(c), incidents) for c in values.get("complaints") or []]
    return fields, complaints


def record_application(store: CaseReviewStore, values: dict[str, Any], actor: Actor, once: Once | None = None) -> int:
    """Validate and record an application with the complaints it cites; its id."""
    fields, complaints = application_fields(store, values)
    return store.create_application(fields, complaints, actor, once)


def application_row(store: CaseReviewStore, application_id: int) -> dict[str, Any]:
    """The stored application (NotFoundError when there is none)."""
    row = store.application(application_id)
    if row is None:
        raise NotFoundError(f"no Case Review application {application_id}")
    return row


def threshold(store: CaseReviewStore, application: dict[str, Any], rule: ThresholdRule) -> dict[str, Any]:
    """The threshold check of the application's complaints under the rule."""
    cited = [
        {k: c[k] for k in ("id", "complained_on", "behaviour_on", "agency", "ref", "incident_id")}
        for c in store.complaints(application["id"])
    ]
    return check(rule, application["received"], cited)


def application_detail(store: CaseReviewStore, application_id: int, rule: ThresholdRule) -> dict[str, Any]:
    """The application with its complaints, the threshold as it stands under the rule (and as decided, when it
    was), and the steps with their dates."""
    row = application_row(store, application_id)
    steps = [
        ("received", row["received"]),
        ("decided", row["decided"]),
        ("review held", row["review_held"]),
        ("outcome communicated", row["outcome_communicated"]),
        ("withdrawn", row["withdrawn"]),
    ]
    return {
        **row,
        "complaints": store.complaints(application_id),
        "threshold_now": threshold(store, row, rule),
        "steps": [{"step": s, "on": d} for s, d in steps if d is not None],
    }


def _after(day: date, earlier: date | None, name: str, what: str) -> None:
    if earlier is not None and day < earlier:
        raise ParameterError(name, f"{name} is on or after {what} ({earlier.isoformat()})")


def decide(
    store: CaseReviewStore, application_id: int, values: dict[str, Any], rule: ThresholdRule, actor: Actor
) -> None:
    """The relevant bodies' decision on the threshold: the check under the local rule is kept with it; a decision
    other than the check's says why (note). The outcome's telling may be dated with it (communicated)."""
    row = application_row(store, application_id)
    if row["status"] != RECEIVED:
        raise ParameterError("status", f"the application is {row['status']}: decided already")
    decided = _date(values, "decided", required=True)
    assert decided is not None
    _after(decided, row["received"], "decided", "the application was received")
    found = threshold(store, row, rule)
    met = found["met"] if values.get("met") is None else bool(values["met"])
    note = _text(values, "note", 2000, required=met != found["met"]) or ""
    changes: dict[str, Any] = {
        "status": MET if met else NOT_MET,
        "decided": decided,
        "threshold": _jsonable({**found, "decided_as": "met" if met else "not met"}),
        "note": note,
    }
    communicated = _date(values, "communicated")
    if communicated is not None:
        _after(communicated, decided, "communicated", "the decision")
        changes["outcome_communicated"] = communicated
    store.update_application(application_id, changes, actor, "decided")


def review(store: CaseReviewStore, application_id: int, values: dict[str, Any], actor: Actor) -> None:
    """The review carried out (held on a date), after the threshold was met."""
    row = application_row(store, application_id)
    if row["status"] != MET:
        raise ParameterError("status", f"the application is {row['status']}: a review follows a threshold met")
    held = _date(values, "held", required=True)
    assert held is not None
    _after(held, row["decided"], "held", "the decision")
    changes: dict[str, Any] = {"status": REVIEWED, "review_held": held}
    if values.get("note"):
        changes["note"] = _text(values, "note", 2000)
    communicated = _date(values, "communicated")
    if communicated is not None:
        _after(communicated, held, "communicated", "the review")
        changes["outcome_communicated"] = communicated
    store.update_application(application_id, changes, actor, "reviewed")


def recommend(store: CaseReviewStore, application_id: int, values: dict[str, Any], actor: Actor) -> None:
    """The review's recommendations (each its text, the agency it falls to and when it is due)."""
    row = application_row(store, application_id)
    if row["status"] not in (REVIEWED, RECOMMENDED):
        raise ParameterError("status", f"the application is {row['status']}: recommendations follow a review")
    given = values.get("recommendations") or []
    if not given:
        raise ParameterError("recommendations", "one or more recommendations")
    made = []
    for r in given:
        r = dict(r)
        due = _date(r, "due")
        if due is not None:
            _after(due, row["review_held"], "due", "the review")
        made.append({"text": _text(r, "text", 2000), "agency": _text(r, "agency", 200), "due": due})
    changes: dict[str, Any] = {
        "status": RECOMMENDED,
        "recommendations": _jsonable([*row["recommendations"], *made]),
    }
    communicated = _date(values, "communicated")
    if communicated is not None:
        _after(communicated, row["review_held"], "communicated", "the review")
        changes["outcome_communicated"] = communicated
    store.update_application(application_id, changes, actor, "recommended")


def withdraw(store: CaseReviewStore, application_id: int, values: dict[str, Any], actor: Actor) -> None:
    """The applicant withdrew the application before its review."""
    row = application_row(store, application_id)
    if row["status"] not in (RECEIVED, MET):
        raise ParameterError("status", f"the application is {row['status']}: only one awaiting its review is withdrawn")
    on = _date(values, "on", required=True)
    assert on is not None
    _after(on, row["received"], "on", "the application was received")
    note = _text(values, "note", 2000, required=False)
    store.update_application(
        application_id, {"status": WITHDRAWN, "withdrawn": on, "note": note or row["note"]}, actor, "withdrawn"
    )
