"""The Case Review watchlist: the victims (open cases about a victim, with their linked incidents and the records of
their confirmed repeat-victim flags) and the addresses (repeat-victim flags with no case) whose reports in the
threshold's window, ending on the day, reach the threshold or will with one more, and those at a second report
within the window, who must be told they may apply (the 2025 statutory guidance).

A record's date is both when it was reported and when the behaviour happened (the feeds hold one date), so each
record in the window qualifies; the threshold decided on an application counts its cited complaints' own dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.database.case_reviews import CaseReviewStore
from api.services.case_review_threshold import ThresholdRule, shift_months, window_start

TELL_AT = 2  # the guidance: tell a victim about the Case Review at their second report within the window


def _in_window(records: list[dict[str, Any]], start: date, on: date) -> list[dict[str, Any]]:
    kept: dict[tuple[str, str], dict[str, Any]] = {}
    for r in records:
        day = r["occurred_on"]
        if day is None:
            continue
        day = date.fromisoformat(day) if isinstance(day, str) else day
        if start <= day <= on:
            key = (r["feed"], r["ref"] or f"{day.isoformat()} {len(kept)}")
            kept.setdefault(key, {"feed": r["feed"], "ref": r["ref"], "occurred_on": day})
    return sorted(kept.values(), key=lambda r: (r["occurred_on"], r["feed"]))


def _entry(
    kind: str, key: int, label: str, agencies: list[str], records: list[dict[str, Any]], rule: ThresholdRule
) -> dict[str, Any] | None:
    n = len(records)
    if n < min(TELL_AT, max(rule.count - 1, 1)):
        return None
    oldest = records[0]["occurred_on"]
    return {
        "kind": kind,
        "id": key,
        "label": label,
        "agencies": agencies,
        "reports": n,
        "first_on": oldest,
        "last_on": records[-1]["occurred_on"],
        "threshold_reached": n >= rule.count,
        "one_more_reaches": n == rule.count - 1,
        "tell": n >= TELL_AT,
        "oldest_leaves_window": shift_months(oldest, rule.window_months),
        "records": records,
    }


def watchlist(store: CaseReviewStore, rule: ThresholdRule, on: date) -> list[dict[str, Any]]:
    """Victims and addresses at or near the threshold on the day, those reaching it first, then by reports."""
    start = window_start(rule, on)
    flags = [f for f in store.flags() if f["status"] != "dismissed"]
    applied: dict[tuple[str, int], list[int]] = {}
    for a in store.applications():
        if a["case_id"] is not None:
            applied.setdefault(("case", a["case_id"]), []).append(a["id"])
        for fid in a["flag_ids"]:
            applied.setdefault(("flag", fid), []).append(a["id"])
    incidents: dict[int, list[dict[str, Any]]] = {}
    for i in store.case_incidents():
        incidents.setdefault(i["case_id"], []).append(i)
    found = []
    for case in store.cases():
        if case["status"] != "open" or case["subject_role"] not in ("victim", "both"):
            continue
        own = [r for f in flags if f["case_id"] == case["id"] and f["status"] == "confirmed" for r in f["records"]]
        records = _in_window([*incidents.get(case["id"], []), *own], start, on)
        label = case["reference"] or f"case {case['id']}"
        entry = _entry("case", case["id"], label, [case["owner_agency"], *case["agencies"]], records, rule)
        if entry:
            found.append(entry | {"applications": applied.get(("case", case["id"]), [])})
    for flag in flags:
        if flag["case_id"] is not None:
            continue
        entry = _entry("flag", flag["id"], flag["key"], flag["feeds"], _in_window(flag["records"], start, on), rule)
        if entry:
            found.append(entry | {"applications": applied.get(("flag", flag["id"]), [])})
    found.sort(key=lambda e: (not e["threshold_reached"], not e["one_more_reaches"], -e["reports"], e["label"]))
    return found
