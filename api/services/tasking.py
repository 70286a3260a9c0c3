"""Tasking (SARA): problems with their area, baseline profile, SMART actions and reviews, over the tasking store.

Plain Python: callers pass who is acting (name, role) for the audit; what a reader may see is decided by
api/access/tasking.py."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from api.database.tasking import Once, TaskingStore
from api.services.default_period import default_end
from api.services.errors import NotFoundError, ParameterError
from api.services.filters import month_of
from api.services.problem_area import area_cells, resolve_area
from api.services.problem_profile import build_profile
from geo.gaps import GapRule
from geo.trends import add_months
from ingest.store import read
from ingest.store.connection import Connection
from ingest.taxonomy import GROUPS

STATUSES = ("scanning", "analysis", "response", "assessment", "closed")
PROGRESS = ("planned", "in progress", "done")
ACTION_FIELDS = {"what", "owner_agency", "start", "due", "measure", "target", "progress", "done_on"}
BASELINE_MONTHS = 6
TARGET = re.compile(
    r"^\s*(down|up)\s+(\d+(?:\.\d+)?)\s*%(?:\s+against\s+(control|baseline))?(?:\s+over\s+(\d+)\s+months?)?\s*$",
    re.IGNORECASE,
)
Actor = tuple[str, str]


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


def _names(values: dict[str, Any], name: str) -> list[str]:
    raw = values.get(name) or []
    if isinstance(raw, str) or not all(isinstance(v, str) and 0 < len(v.strip()) <= 120 for v in raw):
        raise ParameterError(name, f"{name} is a list of names (each 1 to 120 characters)")
    return list(dict.fromkeys(v.strip() for v in raw))


def _date(values: dict[str, Any], name: str, required: bool = True) -> date | None:
    value = values.get(name)
    if value is None:
        if required:
            raise ParameterError(name, f"{name} is required (YYYY-MM-DD)")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ParameterError(name, f"{name} {value!r} is not a date (YYYY-MM-DD)") from exc


def _month(value: Any, name: str) -> date:
    if not isinstance(value, str) or not re.fullmatch(r"(19|20|21)\d{2}-(0[1-9]|1[0-2])", value):
        raise ParameterError(name, f"{name} is a month, YYYY-MM")
    month = month_of(value)
    assert month is not None
    return month


def _choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ParameterError(name, f"{name} is one of {', '.join(allowed)}")
    return str(value)


def parse_target(value: Any) -> dict[str, Any] | None:
    """A target as {direction, percent, against, months}, from that dict or text such as "down 20% against control
    over 3 months" (against: control, the default, or baseline)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        m = TARGET.match(value)
        if not m:
            raise ParameterError("target", 'write the target as "down 20% against control over 3 months"')
        value = {
            "direction": m[1].lower(),
            "percent": float(m[2]),
            "against": (m[3] or "control").lower(),
            "months": int(m[4]) if m[4] else None,
        }
    if not isinstance(value, dict):
        raise ParameterError("target", "a target is text or {direction, percent, against, months}")
    direction = _choice(value.get("direction"), "target.direction", ("down", "up"))
    against = _choice(value.get("against", "control"), "target.against", ("control", "baseline"))
    try:
        percent = float(value["percent"])
        months = None if value.get("months") is None else int(value["months"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ParameterError("target.percent", "percent is a number") from exc
    if not 0 < percent <= 100 or (months is not None and not 1 <= months <= 36):
        raise ParameterError("target", "percent is 0 to 100 and months 1 to 36")
    return {"direction": direction, "percent": percent, "against": against, "months": months}


def describe_target(target: dict[str, Any] | None) -> str | None:
    """A target in words."""
    if not target:
        return None
    over = f" over {target['months']} months" if target.get("months") else ""
    return f"{target['direction']} {target['percent']:g}% against {target['against']}{over}"


def action_status(action: dict[str, Any], today: date) -> str:
    """planned, in progress, done or overdue: done when marked so, overdue once past due, else in progress from its
    start (or when marked so), planned before."""
    if action["progress"] == "done":
        return "done"
    if today > action["due"]:
        return "overdue"
    return "in progress" if action["progress"] == "in progress" or today >= action["start"] else "planned"


# problems ----------------------------------------------------------------------------------------------------


def open_problem(
    con: Connection,
    tasking: TaskingStore,
    values: dict[str, Any],
    actor: Actor,
    rule: GapRule | None = None,
    once: Once | None = None,
    core: tuple[str, ...] = (),
) -> int:
    """Validate and open a problem: resolve its area, and keep it with its frozen baseline profile in one write
    (`rule`: the source monitor's gap rule, from settings; `once`: the client's idempotency key; a baseline with no
    end asked for ends where the default period does, at the latest month every `core` source holds)."""
    group = _choice(values.get("category_group", "asb"), "category_group", (*GROUPS, "all"))
    status = _choice(values.get("status", "scanning"), "status", STATUSES)
    sources = _names(values, "sources")
    latest = default_end(con, tuple(sources), core)
    end = _month(values["baseline_to"], "baseline_to") if values.get("baseline_to") else None
    end = end or (latest.month if latest else date.today().replace(day=1))
    start = (
        _month(values["baseline_from"], "baseline_from")
        if values.get("baseline_from")
        else add_months(end, -(BASELINE_MONTHS - 1))
    )
    if start > end:
        raise ParameterError("baseline_from", "the baseline starts after it ends")
    boundary_set = read.resolve_boundary_set(con, values.get("wards_set"))
    area = resolve_area(con, boundary_set, values.get("area") or {})
    fields = {
        "title": _text(values, "title", 200),
        "description": _text(values, "description", 5000, required=False) or "",
        "category_group": group,
        "status": status,
        "owner": _text(values, "owner", 200),
        "partners": _names(values, "partners"),
        "sources": sources,
        "opened": _date(values, "opened", required=False) or date.today(),
        "baseline_start": start,
        "baseline_end": end,
    }
    res, cells = area_cells(con, area)
    baseline = build_profile(con, group, sources, start, end, res, cells, rule)
    return tasking.create_problem(fields, area, actor, baseline, once)


def problem_row(tasking: TaskingStore, problem_id: int) -> dict[str, Any]:
    """The stored problem (NotFoundError when there is none)."""
    row = tasking.problem(problem_id)
    if row is None:
        raise NotFoundError(f"no problem {problem_id}")
    return row


def update_problem(tasking: TaskingStore, problem_id: int, values: dict[str, Any], actor: Actor) -> None:
    """Change a problem's title, description, status, owner, partners or closing date (the area and baseline stay
    as opened: the baseline is frozen)."""
    problem_row(tasking, problem_id)
    allowed = {"title", "description", "status", "owner", "partners", "closed"}
    unknown = set(values) - allowed
    if unknown:
        raise ParameterError(", ".join(sorted(unknown)), f"a problem's {', '.join(sorted(allowed))} may be changed")
    changes: dict[str, Any] = {}
    if "title" in values:
        changes["title"] = _text(values, "title", 200)
    if "description" in values:
        changes["description"] = _text(values, "description", 5000, required=False) or ""
    if "owner" in values:
        changes["owner"] = _text(values, "owner", 200)
    if "partners" in values:
        changes["partners"] = _names(values, "partners")
    if "status" in values:
        changes["status"] = _choice(values["status"], "status", STATUSES)
        if changes["status"] == "closed" and "closed" not in values:
            changes["closed"] = date.today()
    if "closed" in values:
        changes["closed"] = _date(values, "closed", required=False)
    if changes:
        tasking.update_problem(problem_id, changes, actor)


def problem_detail(tasking: TaskingStore, problem_id: int, today: date | None = None) -> dict[str, Any]:
    """The problem with its baseline profile, actions (status computed), reviews and evaluations."""
    today = today or date.today()
    row = problem_row(tasking, problem_id)
    profile = tasking.profile(problem_id)
    return {
        **row,
        "profile": None if profile is None else profile["profile"],
        "actions": [
            {**a, "status": action_status(a, today), "target_text": describe_target(a["target"])}
            for a in tasking.actions(problem_id)
        ],
        "reviews": tasking.reviews(problem_id),
        "evaluations": tasking.evaluations(problem_id),
    }


# actions and reviews -------------------------------------------------------------------------------------------


def _action_fields(values: dict[str, Any], partial: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if not partial or "what" in values:
        fields["what"] = _text(values, "what", 2000)
    if not partial or "owner_agency" in values:
        fields["owner_agency"] = _text(values, "owner_agency", 200)
    if not partial or "start" in values:
        fields["start"] = _date(values, "start")
    if not partial or "due" in values:
        fields["due"] = _date(values, "due")
    if not partial or "measure" in values:
        fields["measure"] = _text(values, "measure", 2000)
    if not partial or "target" in values:
        fields["target"] = parse_target(values.get("target"))
    if not partial or "progress" in values:
        fields["progress"] = _choice(values.get("progress", "planned"), "progress", PROGRESS)
    if "done_on" in values or fields.get("progress") == "done":
        fields["done_on"] = _date(values, "done_on", required=False) or date.today()
    return fields


def action_fields(values: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    """A SMART action's fields, validated (partial: only those given, for a change); shared with cases' actions."""
    unknown = set(values) - ACTION_FIELDS
    if unknown:
        raise ParameterError(", ".join(sorted(unknown)), "not a field of an action")
    fields = _action_fields(values, partial)
    if not partial and fields["due"] < fields["start"]:
        raise ParameterError("due", "an action is due after it starts")
    return fields


def add_action(
    tasking: TaskingStore, problem_id: int, values: dict[str, Any], actor: Actor, once: Once | None = None
) -> int:
    """A SMART action: what, owner agency, start, due, measure and target."""
    problem_row(tasking, problem_id)
    unknown = set(values) - {"what", "owner_agency", "start", "due", "measure", "target", "progress", "done_on"}
    if unknown:
        raise ParameterError(", ".join(sorted(unknown)), "not a field of an action")
    fields = _action_fields(values, partial=False)
    if fields["due"] < fields["start"]:
        raise ParameterError("due", "an action is due after it starts")
    return tasking.add_action(problem_id, fields, actor, once)


def find_action(tasking: TaskingStore, problem_id: int, action_id: int) -> dict[str, Any]:
    """One action of the problem (NotFoundError when there is none)."""
    found = next((a for a in tasking.actions(problem_id) if a["id"] == action_id), None)
    if found is None:
        raise NotFoundError(f"no action {action_id} of problem {problem_id}")
    return found


def update_action(tasking: TaskingStore, problem_id: int, action_id: int, values: dict[str, Any], actor: Actor) -> None:
    """Change an action's fields (progress, dates, measure, target...)."""
    current = find_action(tasking, problem_id, action_id)
    unknown = set(values) - {"what", "owner_agency", "start", "due", "measure", "target", "progress", "done_on"}
    if unknown:
        raise ParameterError(", ".join(sorted(unknown)), "not a field of an action")
    changes = _action_fields(values, partial=True)
    if changes.get("due", current["due"]) < changes.get("start", current["start"]):
        raise ParameterError("due", "an action is due after it starts")
    if changes:
        tasking.update_action(problem_id, action_id, changes, actor)


def add_review(
    tasking: TaskingStore, problem_id: int, values: dict[str, Any], actor: Actor, once: Once | None = None
) -> int:
    """A review note (of the problem, or of one of its actions); published notes are the public's view."""
    problem_row(tasking, problem_id)
    action_id = values.get("action_id")
    if action_id is not None:
        find_action(tasking, problem_id, int(action_id))
    published = values.get("published", False)
    if not isinstance(published, bool):
        raise ParameterError("published", "published is true or false")
    note = _text(values, "note", 5000)
    fields = {"note": note, "published": published, "action_id": action_id}
    return tasking.add_review(problem_id, fields, actor, once)
