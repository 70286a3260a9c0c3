"""Cases about a person or household (victim, perpetrator or both): owner agency and officer, linked incidents (by
the feed's reference, the address or UPRN, or by hand: each says which rule linked it), a risk assessment, SMART
actions (a problem's), an escalation ladder of interventions, and links to problems and places.

Plain Python over the case store: callers pass who is acting (name, role) for the audit; what a reader may see is
decided by api/access/cases.py."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from api.database.cases import CaseStore
from api.database.tasking import Once
from api.services import tasking
from api.services.case_places import NEAR_M, Locate, Point, metres
from api.services.case_risk import RiskMatrix, assess
from api.services.errors import NotFoundError, ParameterError
from ingest.store import read
from ingest.store.connection import Connection

SUBJECT_KINDS = ("person", "household")
SUBJECT_ROLES = ("victim", "perpetrator", "both")
STATUSES = ("open", "closed")
RULES = ("reference", "uprn", "address", "hand")
DEFAULT_LADDER = (
    "warning letter",
    "acceptable behaviour contract",
    "community protection warning",
    "community protection notice",
    "breach",
    "fixed penalty notice",
    "civil injunction",
    "closure order",
)
CASE_FIELDS = {
    "reference",
    "subject_kind",
    "subject_role",
    "subject_name",
    "date_of_birth",
    "address",
    "postcode",
    "uprn",
    "summary",
    "owner_agency",
    "officer",
    "agencies",
    "status",
    "opened",
    "closed",
    "problem_ids",
    "places",
}
INCIDENT_FIELDS = {"feed", "ref", "occurred_on", "category", "address", "uprn", "note"}
INTERVENTION_FIELDS = {"step", "issued", "agency", "review_on", "outcome", "outcome_on", "note"}
Actor = tuple[str, str]
_ABBREVIATIONS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cres": "crescent",
    "cl": "close",
    "dr": "drive",
    "gdns": "gardens",
    "gr": "grove",
    "pl": "place",
    "sq": "square",
    "ter": "terrace",
    "terr": "terrace",
    "ct": "court",
}
FLATS = ("flat", "apartment", "apt", "unit")
UPRN = re.compile(r"^\d{1,12}$")
POSTCODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})")


def normalise_address(text: str | None) -> str | None:
    """An address as a matching key: lower case, punctuation and the postcode dropped, street words spelt out;
    None unless it starts with a house number, or a flat's (a street alone is no one's address)."""
    if not text:
        return None
    words = re.sub(r"[^a-z0-9 ]", " ", text.lower()).split()
    first = 2 if words[:1] and words[0] in FLATS else 0  # "Flat 3, 12 High St": the flat's number, then the house's
    if len(words) <= first or not re.fullmatch(r"\d+[a-z]?", words[first]):
        return None
    kept = [_ABBREVIATIONS.get(w, w) for w in words if not re.fullmatch(r"[a-z]{1,2}\d[a-z\d]?|\d[a-z]{2}", w)]
    return " ".join(kept) if len(kept) > 1 else None


def normal_postcode(text: str | None) -> str | None:
    """A postcode as AA9 9AA (None when it is not one)."""
    if not text:
        return None
    m = POSTCODE.fullmatch(re.sub(r"\s+", "", text.upper()))
    return f"{m[1]} {m[2]}" if m else None


def _text(values: dict[str, Any], name: str, limit: int, required: bool = True) -> str | None:
    value = values.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ParameterError(name, f"{name} is required")
        return None
    text = str(value).strip()
    if len(text) > limit:
        raise ParameterError(name, f"{name} is longer than {limit} characters")
    return text


def _date(values: dict[str, Any], name: str, required: bool = False) -> date | None:
    value = values.get(name)
    if value is None or value == "":
        if required:
            raise ParameterError(name, f"{name} is required (YYYY-MM-DD)")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ParameterError(name, f"{name} {value!r} is not a date (YYYY-MM-DD)") from exc


def _choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ParameterError(name, f"{name} is one of {', '.join(allowed)}")
    return str(value)


def _names(values: dict[str, Any], name: str) -> list[str]:
    raw = values.get(name) or []
    if isinstance(raw, str) or not all(isinstance(v, str) and 0 < len(v.strip()) <= 200 for v in raw):
        raise ParameterError(name, f"{name} is a list of names (each 1 to 200 characters)")
    return list(dict.fromkeys(v.strip() for v in raw))


def _ids(values: dict[str, Any], name: str) -> list[int]:
    raw = values.get(name) or []
    if not isinstance(raw, list) or not all(isinstance(v, int) and v > 0 for v in raw):
        raise ParameterError(name, f"{name} is a list of ids")
    return sorted(set(raw))


def _uprn(values: dict[str, Any]) -> str | None:
    value = _text(values, "uprn", 12, required=False)
    if value is not None and not UPRN.match(value):
        raise ParameterError("uprn", "a UPRN is up to 12 digits")
    return value


def _unknown(values: dict[str, Any], allowed: set[str], what: str) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise ParameterError(", ".join(sorted(unknown)), f"not a field of {what}")


def case_fields(values: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    """A case's fields, validated (partial: only those given, for a change)."""
    _unknown(values, CASE_FIELDS, "a case")
    fields: dict[str, Any] = {}

    def given(name: str) -> bool:
        return not partial or name in values

    if given("reference"):
        fields["reference"] = _text(values, "reference", 60, required=False)
    if given("subject_kind"):
        fields["subject_kind"] = _choice(values.get("subject_kind", "person"), "subject_kind", SUBJECT_KINDS)
    if given("subject_role"):
        fields["subject_role"] = _choice(values.get("subject_role", "victim"), "subject_role", SUBJECT_ROLES)
    if given("subject_name"):
        fields["subject_name"] = _text(values, "subject_name", 200)
    if given("date_of_birth"):
        fields["date_of_birth"] = _date(values, "date_of_birth")
    if given("address"):
        fields["address"] = _text(values, "address", 300, required=False)
    if given("postcode"):
        raw = _text(values, "postcode", 10, required=False)
        fields["postcode"] = normal_postcode(raw)
        if raw and fields["postcode"] is None:
            raise ParameterError("postcode", f"{raw!r} is not a postcode")
    if given("uprn"):
        fields["uprn"] = _uprn(values)
    if given("summary"):
        fields["summary"] = _text(values, "summary", 5000, required=False) or ""
    if given("owner_agency"):
        fields["owner_agency"] = _text(values, "owner_agency", 200)
    if given("officer"):
        fields["officer"] = _text(values, "officer", 200)
    if given("agencies"):
        fields["agencies"] = _names(values, "agencies")
    if given("status"):
        fields["status"] = _choice(values.get("status", "open"), "status", STATUSES)
    if given("opened"):
        fields["opened"] = _date(values, "opened") or date.today()
    if given("closed"):
        fields["closed"] = _date(values, "closed")
    if fields.get("status") == "closed" and not fields.get("closed") and "closed" not in values:
        fields["closed"] = date.today()
    if given("problem_ids"):
        fields["problem_ids"] = _ids(values, "problem_ids")
    if given("places"):
        fields["places"] = _names(values, "places")
    return fields


def incident_fields(values: dict[str, Any], rule: str) -> dict[str, Any]:
    """A linked incident's fields, validated: its feed, reference, date, category, address, UPRN and a note; the
    rule that linked it."""
    _unknown(values, INCIDENT_FIELDS, "a linked incident")
    fields = {
        "feed": _text(values, "feed", 120),
        "ref": _text(values, "ref", 120, required=False),
        "occurred_on": _date(values, "occurred_on"),
        "category": _text(values, "category", 120, required=False),
        "address": _text(values, "address", 300, required=False),
        "uprn": _uprn(values),
        "note": _text(values, "note", 2000, required=False) or "",
        "rule": _choice(rule, "rule", RULES),
    }
    if not (fields["ref"] or fields["address"] or fields["uprn"]):
        raise ParameterError("ref", "a linked incident needs its reference, address or UPRN")
    return fields


def open_case(store: CaseStore, values: dict[str, Any], actor: Actor, once: Once | None = None) -> int:
    """Validate and open a case with the incidents linked by hand at opening (values["incidents"])."""
    body = dict(values)
    given = body.pop("incidents", None) or []
    fields = case_fields(body)
    incidents = [incident_fields(dict(i), "hand") for i in given]
    return store.create_case(fields, actor, incidents, once)


def case_row(store: CaseStore, case_id: int) -> dict[str, Any]:
    """The stored case (NotFoundError when there is none)."""
    row = store.case(case_id)
    if row is None:
        raise NotFoundError(f"no case {case_id}")
    return row


def case_detail(store: CaseStore, case_id: int, today: date | None = None) -> dict[str, Any]:
    """The case with its linked incidents, interventions in date order, actions (status computed) and the repeat
    flags confirmed as its own."""
    today = today or date.today()
    row = case_row(store, case_id)
    return {
        **row,
        "incidents": store.case_incidents(case_id),
        "interventions": sorted(store.interventions(case_id), key=lambda i: (i["issued"], i["id"])),
        "actions": [
            {**a, "status": tasking.action_status(a, today), "target_text": tasking.describe_target(a["target"])}
            for a in store.case_actions(case_id)
        ],
        "repeat_flags": [f for f in store.flags() if f["case_id"] == case_id],
    }


def update_case(store: CaseStore, case_id: int, values: dict[str, Any], actor: Actor) -> None:
    """Change a case's fields (closing it dates it today unless a date is given)."""
    case_row(store, case_id)
    changes = case_fields(values, partial=True)
    if changes:
        store.update_case(case_id, changes, actor)


def assess_risk(store: CaseStore, case_id: int, answers: dict[str, Any], matrix: RiskMatrix, actor: Actor) -> None:
    """Score the case's risk assessment against the matrix and keep it with the case."""
    case_row(store, case_id)
    store.update_case(case_id, {"risk": assess(answers, matrix, date.today(), actor[0])}, actor, entity="risk")


# linked incidents ----------------------------------------------------------------------------------------------


def link_by_hand(store: CaseStore, case_id: int, values: dict[str, Any], actor: Actor) -> list[int]:
    """Link an incident to the case by hand."""
    case_row(store, case_id)
    return store.link_incidents(case_id, [incident_fields(values, "hand")], actor)


def _store_record(r: dict[str, Any], rule: str, note: str) -> dict[str, Any]:
    return {
        "feed": r["feed"],
        "ref": r["ref"],
        "occurred_on": r["occurred_on"],
        "category": r["category"],
        "address": r["location_text"],
        "uprn": None,
        "note": note,
        "rule": rule,
    }


def _near(r: dict[str, Any], home: Point | None, near_m: float) -> bool:
    return home is None or (r["lon"] is not None and metres(home, (r["lon"], r["lat"])) <= near_m)


def find_links(
    con: Connection,
    store: CaseStore,
    case_id: int,
    refs: list[str],
    locate: Locate,
    since: date | None = None,
    near_m: float = NEAR_M,
) -> list[dict[str, Any]]:
    """The store's records a case's rules link: by reference (the refs given, e.g. quoted by the victim or another
    agency), by the case's address (its number and street, spelt out, within near_m of the case's postcode when it
    has one), and by UPRN (other agencies' records linked to any case at the same UPRN); each with the rule that
    found it and why. Names are never matched."""
    case = case_row(store, case_id)
    found: list[dict[str, Any]] = []
    for r in read.records_by_reference(con, refs).to_pylist():
        found.append(_store_record(r, "reference", f"the feed's reference {r['ref']} was given"))
    key = normalise_address(case.get("address"))
    home = locate(case.get("postcode"))
    where = f" within {near_m:g} m of {case['postcode']}" if home else " (no postcode to place it)"
    if key:
        for r in read.addressed_records(con).to_pylist():
            if normalise_address(r["location_text"]) != key or (since is not None and r["occurred_on"] < since):
                continue
            if _near(r, home, near_m):
                found.append(
                    _store_record(r, "address", f"recorded at {r['location_text']}, the case's address{where}")
                )
    if case.get("uprn"):
        for other in store.case_incidents():
            if other["case_id"] != case_id and other["uprn"] == case["uprn"]:
                found.append(
                    {
                        **{k: other[k] for k in INCIDENT_FIELDS - {"note"}},
                        "rule": "uprn",
                        "note": f"recorded at UPRN {case['uprn']}, the case's UPRN",
                    }
                )
    return found


def link_by_rules(
    con: Connection,
    store: CaseStore,
    case_id: int,
    actor: Actor,
    refs: list[str],
    locate: Locate,
    since: date | None = None,
    near_m: float = NEAR_M,
) -> list[int]:
    """Link the records the case's rules find (find_links); the ids of those newly linked."""
    return store.link_incidents(case_id, find_links(con, store, case_id, refs, locate, since, near_m), actor)


# interventions and actions -------------------------------------------------------------------------------------


def intervention_fields(values: dict[str, Any], ladder: tuple[str, ...], partial: bool = False) -> dict[str, Any]:
    """An intervention's fields, validated against the partnership's ladder."""
    _unknown(values, INTERVENTION_FIELDS, "an intervention")
    fields: dict[str, Any] = {}
    if not partial or "step" in values:
        fields["step"] = _choice(values.get("step"), "step", ladder)
    if not partial or "issued" in values:
        fields["issued"] = _date(values, "issued", required=True)
    if not partial or "agency" in values:
        fields["agency"] = _text(values, "agency", 200)
    for name in ("review_on", "outcome_on"):
        if not partial or name in values:
            fields[name] = _date(values, name)
    if not partial or "outcome" in values:
        fields["outcome"] = _text(values, "outcome", 200, required=False)
    if not partial or "note" in values:
        fields["note"] = _text(values, "note", 2000, required=False) or ""
    return fields


def add_intervention(
    store: CaseStore,
    case_id: int,
    values: dict[str, Any],
    ladder: tuple[str, ...],
    actor: Actor,
    once: Once | None = None,
) -> int:
    """A step of the escalation ladder, with its date, agency, review date and outcome."""
    case_row(store, case_id)
    return store.add_intervention(case_id, intervention_fields(values, ladder), actor, once)


def update_intervention(
    store: CaseStore, case_id: int, rid: int, values: dict[str, Any], ladder: tuple[str, ...], actor: Actor
) -> None:
    """Record an intervention's outcome or change its dates."""
    if not any(i["id"] == rid for i in store.interventions(case_id)):
        raise NotFoundError(f"no intervention {rid} of case {case_id}")
    changes = intervention_fields(values, ladder, partial=True)
    if changes:
        store.update_intervention(case_id, rid, changes, actor)


def add_action(store: CaseStore, case_id: int, values: dict[str, Any], actor: Actor, once: Once | None = None) -> int:
    """A SMART action of the case (the fields and rules of a problem's actions)."""
    case_row(store, case_id)
    return store.add_case_action(case_id, tasking.action_fields(values), actor, once)


def update_action(store: CaseStore, case_id: int, rid: int, values: dict[str, Any], actor: Actor) -> None:
    """Change a case's action."""
    current = next((a for a in store.case_actions(case_id) if a["id"] == rid), None)
    if current is None:
        raise NotFoundError(f"no action {rid} of case {case_id}")
    changes = tasking.action_fields(values, partial=True)
    due = changes["due"] if "due" in changes else current["due"]
    start = changes["start"] if "start" in changes else current["start"]
    if due < start:
        raise ParameterError("due", "an action is due after it starts")
    if changes:
        store.update_case_action(case_id, rid, changes, actor)
