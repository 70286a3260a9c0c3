"""The tasking pack's case worklist: each agency's part of the meeting, the open cases it owns or is party to in the
order it should act on them (api.services.repeat_victims.agency_worklist: a confirmed repeat victim with a high risk
first). The pack is the analysts' (api/access/policy.py), who hand each agency its part; it carries no subject's
name, date of birth or address (the pack is printed and carried to the meeting): the case's reference, its risk and
repeat-victim status, who owns it and since when, and the case page holds the rest, where every read is recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.database.cases import CaseStore
from api.services.repeat_victims import agency_worklist

Row = dict[str, Any]
NOT_HELD = "not in this pack: it was made without the deployment's cases"
NOTE = (
    "The deployment's open cases (cases are not held by partnership area), each agency's in the order it should act "
    "on them: a confirmed repeat victim with a high risk first. No names or addresses: the case pages hold them."
)


def _line(case: Row, agency: str, when: date) -> Row:
    first = bool(case["repeat_victim"] and case["risk_level"] == "high")
    return {
        "id": case["id"],
        "reference": case["reference"] or f"case {case['id']}",
        "part": "owner" if case["owner_agency"] == agency else "party",
        "owner_agency": case["owner_agency"],
        "officer": case["officer"],
        "subject_role": case["subject_role"],
        "risk_level": case["risk_level"],
        "repeat_victim": case["repeat_victim"],
        "first": first,
        "opened": case["opened"],
        "days_open": (when - case["opened"]).days,
    }


def pack_worklist(store: CaseStore, when: date) -> Row:
    """Each agency's open cases in priority order, for the pack."""
    open_cases = [c for c in store.cases() if c["status"] == "open"]
    agencies = sorted(
        {c["owner_agency"] for c in open_cases} | {a for c in open_cases for a in c["agencies"]}, key=str.lower
    )
    parts = [{"agency": a, "cases": [_line(c, a, when) for c in agency_worklist(store, {a})]} for a in agencies]
    firsts = {line["id"] for part in parts for line in part["cases"] if line["first"]}
    return {"held": True, "cases": len(open_cases), "first": len(firsts), "parts": parts, "note": NOTE}


def not_held() -> Row:
    """The worklist of a pack made without the cases."""
    return {"held": False, "cases": 0, "first": 0, "parts": [], "note": NOT_HELD}


def listed_ids(worklist: Row) -> list[int]:
    """The cases the worklist shows, once each (for the audit)."""
    return sorted({line["id"] for part in worklist["parts"] for line in part["cases"]})
