"""Repeat victims across agencies: records from different feeds at the same UPRN, the same address or under the
same case reference, enough of them within a window (default three in 12 months), are flagged for an analyst to
confirm, with the records and the rule that matched. Names are never matched: a record's key is its UPRN, its
address (house number and street, spelt out) or the case it is linked to, never who reported it.

The records are the store's records with a house address (council CRM and the like) and every case's linked
incidents (each record once: by its feed and reference)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from api.database.cases import CaseStore
from api.services.case_places import NEAR_M, Locate, same_places
from api.services.cases import case_row, normalise_address
from api.services.errors import NotFoundError, ParameterError
from geo.trends import add_months
from ingest.store import read
from ingest.store.connection import Connection

Actor = tuple[str, str]
RULE_ORDER = ("uprn", "address", "reference")  # strongest first: the same records under a weaker rule are left out
WHY = {
    "uprn": "the same UPRN (property reference)",
    "reference": "linked to the same case",
    "address": "the same house number and street",
}


@dataclass(frozen=True)
class RepeatRule:
    """How many records, within how many months, from how many different feeds make a repeat victim."""

    count: int = 3
    months: int = 12
    feeds: int = 2
    near_m: float = NEAR_M  # records with one address text further apart than this are different addresses

    def describe(self) -> str:
        """The rule in words."""
        return (
            f"{self.count} or more records within {self.months} months, from at least {self.feeds} different feeds, "
            f"at one UPRN, address (the same text within {self.near_m:g} m) or case (never matched on names)"
        )


def _records(con: Connection, store: CaseStore, locate: Locate) -> list[dict[str, Any]]:
    """Every record that may match, once each (by feed and reference), with the keys it may match on and its point
    (the store's; a case's incidents at the case's postcode)."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    out: list[dict[str, Any]] = []
    cases = {c["id"]: c for c in store.cases()}
    for r in read.addressed_records(con).to_pylist():
        record = {
            "feed": r["feed"],
            "ref": r["ref"],
            "occurred_on": r["occurred_on"],
            "address": r["location_text"],
            "point": None if r["lon"] is None else (r["lon"], r["lat"]),
            "keys": {("address", normalise_address(r["location_text"]))},
        }
        if r["ref"]:
            seen[(r["feed"], r["ref"])] = record
        out.append(record)
    for i in store.case_incidents():
        if i["occurred_on"] is None:
            continue
        case = cases.get(i["case_id"])
        keys = {("address", normalise_address(i["address"])), ("uprn", i["uprn"])}
        if case is not None:
            keys.add(("reference", case["reference"] or f"case {case['id']}"))
        held = seen.get((i["feed"], i["ref"])) if i["ref"] else None
        if held is not None:
            held["keys"] |= keys
            continue
        record = {
            "feed": i["feed"],
            "ref": i["ref"],
            "occurred_on": i["occurred_on"],
            "address": i["address"],
            "point": locate(case["postcode"]) if case is not None else None,
            "keys": keys,
        }
        if i["ref"]:
            seen[(i["feed"], i["ref"])] = record
        out.append(record)
    return out


def _best_window(records: list[dict[str, Any]], rule: RepeatRule) -> list[dict[str, Any]] | None:
    """The window of rule.months holding the most records (the latest of equals) that meets the rule, or None."""
    ordered = sorted(records, key=lambda r: (r["occurred_on"], r["feed"], r["ref"] or ""))
    best: list[dict[str, Any]] | None = None
    for i, first in enumerate(ordered):
        end = add_months(first["occurred_on"], rule.months)
        window = [r for r in ordered[i:] if r["occurred_on"] < end]
        if len(window) >= rule.count and len({r["feed"] for r in window}) >= rule.feeds:
            if best is None or len(window) >= len(best):
                best = window
    return best


def _groups(records: list[dict[str, Any]], near_m: float) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Records by what they match on; one address text in places further apart than near_m is as many addresses,
    each keyed with where it is."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        for kind, key in record["keys"]:
            if key:
                groups[(kind, str(key))].append(record)
    split: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for (kind, key), found in groups.items():
        places = same_places(found, near_m) if kind == "address" else [found]
        for place in places:
            point = next((r["point"] for r in place if r.get("point")), None)
            where = f" near {point[1]:.3f}, {point[0]:.3f}" if point and len(places) > 1 else ""
            split[(kind, key + where)] = place
    return split


def find_repeats(con: Connection, store: CaseStore, rule: RepeatRule, locate: Locate) -> list[dict[str, Any]]:
    """The matches the rule finds: each its rule (uprn, reference or address), the key matched, the records (feed,
    reference, date, address) and feeds of its busiest qualifying window, and why in words. A match whose records
    are those of a stronger rule's match is left out."""
    groups = _groups(_records(con, store, locate), rule.near_m)
    found: list[dict[str, Any]] = []
    taken: set[frozenset[tuple[str, str | None, date]]] = set()
    for (kind, key), records in sorted(groups.items(), key=lambda g: (RULE_ORDER.index(g[0][0]), g[0][1])):
        window = _best_window(records, rule)
        if window is None:
            continue
        identity = frozenset((r["feed"], r["ref"], r["occurred_on"]) for r in window)
        if identity in taken:
            continue
        taken.add(identity)
        feeds = sorted({r["feed"] for r in window})
        found.append(
            {
                "rule": kind,
                "key": key[:300],
                "records": [
                    {
                        "feed": r["feed"],
                        "ref": r["ref"],
                        "occurred_on": r["occurred_on"].isoformat(),
                        "address": r["address"],
                    }
                    for r in window
                ],
                "feeds": feeds,
                "first_on": window[0]["occurred_on"],
                "last_on": window[-1]["occurred_on"],
            }
        )
    return found


def scan(con: Connection, store: CaseStore, rule: RepeatRule, locate: Locate, actor: Actor) -> list[int]:
    """Find the matches and keep them as flags for an analyst (a decided flag stays as decided); the new flags' ids."""
    return store.keep_flags(find_repeats(con, store, rule, locate), actor)


def flag_view(flag: dict[str, Any], rule: RepeatRule) -> dict[str, Any]:
    """A flag with the rule that matched in words."""
    return {
        **flag,
        "why": f"{len(flag['records'])} records from {len(flag['feeds'])} feeds at {WHY[flag['rule']]} "
        f"between {flag['first_on']} and {flag['last_on']}; the rule: {rule.describe()}",
    }


def decide(store: CaseStore, flag_id: int, status: str, case_id: int | None, note: str, actor: Actor) -> None:
    """An analyst confirms a flag (with the case of the victim, when there is one) or dismisses it."""
    if store.flag(flag_id) is None:
        raise NotFoundError(f"no repeat-victim flag {flag_id}")
    if status not in ("confirmed", "dismissed", "flagged"):
        raise ParameterError("status", "status is confirmed, dismissed or flagged")
    if case_id is not None:
        case_row(store, case_id)
    store.decide_flag(flag_id, {"status": status, "case_id": case_id, "note": note[:2000]}, actor)


RISK_ORDER = {"high": 0, "medium": 1, "standard": 2, None: 3}


def priority(store: CaseStore, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cases in the order the owning agencies should see them, each with `repeat_victim` and `risk_level`: open
    cases first, a confirmed repeat victim with a high risk before all others, then by risk level, repeat victims
    before others, oldest first; then the closed, latest closed first."""
    confirmed = {f["case_id"] for f in store.flags() if f["status"] == "confirmed" and f["case_id"]}
    shown = [
        {**c, "repeat_victim": c["id"] in confirmed, "risk_level": (c.get("risk") or {}).get("level")} for c in cases
    ]

    def order(c: dict[str, Any]) -> tuple[int, int, int, date, int]:
        first = 0 if c["repeat_victim"] and c["risk_level"] == "high" else 1
        return first, RISK_ORDER.get(c["risk_level"], 3), 0 if c["repeat_victim"] else 1, c["opened"], c["id"]

    opened = sorted((c for c in shown if c["status"] == "open"), key=order)
    closed = sorted((c for c in shown if c["status"] != "open"), key=lambda c: (c["closed"] or date.min, c["id"]))
    return opened + closed[::-1]


def agency_worklist(store: CaseStore, agencies: set[str]) -> list[dict[str, Any]]:
    """The open cases the agencies own or are party to, in the order they should act on them (priority): what a
    tasking pack calls for an agency's part of the meeting. The caller decides who may read it."""
    mine = [c for c in store.cases() if c["status"] == "open" and agencies & {c["owner_agency"], *c["agencies"]}]
    return priority(store, mine)
