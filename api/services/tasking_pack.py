"""The tasking pack for a CSP's fortnightly meeting: open problems with their actions (due in the coming fortnight,
overdue, done since the last meeting), evaluations that came due, the patrol plan, new and intensifying hotspots,
and source-gap flags, for the months of data complete on the meeting date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from api.database.tasking import TaskingStore
from api.services.caches import Caches
from api.services.default_period import default_end, month_words
from api.services.errors import ParameterError
from api.services.filters import Filters, requested_categories, resolve_filters
from api.services.problem_evaluation import evaluate
from api.services.statistics import View, registered
from api.services.study_area import StudyArea, drawable, partnerships, resolve_study_area
from api.services.tasking import describe_target
from api.services.tasking_pack_area import PackOptions, feed_gaps
from api.services.tasking_pack_cases import not_held
from geo.gaps import GapRule
from geo.trends import add_months
from ingest.geocode import PostcodeIndex
from ingest.store import read
from ingest.store.connection import Connection

Row = dict[str, Any]


def meeting_month(con: Connection, when: date, core: tuple[str, ...] = ()) -> tuple[date, str]:
    """The latest month held (by every `core` source held: api.services.default_period) that was complete on the
    meeting date, and a sentence saying which month and why."""
    if not 1900 <= when.year <= 2199:
        raise ParameterError("date", "a meeting date is in the years 1900 to 2199")
    last_day = (add_months(when.replace(day=1), 1) - timedelta(days=1)) == when
    complete = when.replace(day=1) if last_day else add_months(when.replace(day=1), -1)
    first = read.month_extent(con)[0]
    found = default_end(con, (), core)
    if found is None or first is None or first > complete:
        raise ParameterError("date", f"no complete month of data is held on or before {when:%d %b %Y}")
    latest, held_by = found.month, " and ".join(found.core)
    if latest >= complete:
        return complete, f"{complete:%B %Y} is the latest month complete on {when:%d %b %Y}"
    if not held_by:
        return latest, (
            f"{latest:%B %Y} is the latest month held; {complete:%B %Y} was complete on {when:%d %b %Y} but is not "
            "loaded yet"
        )
    ahead = "".join(f"; {s} holds {m:%B %Y}, left out until {held_by} holds it" for s, m in found.ahead)
    return latest, (
        f"{latest:%B %Y} is the latest month {held_by} holds; {complete:%B %Y} was complete on {when:%d %b %Y} but "
        f"is not loaded yet for {held_by}{ahead}"
    )


def section_months(when: date, start: date, month: date, cycle_days: int = 14) -> dict[str, str]:
    """The months each section of the pack uses, in words."""
    period = month_words(start, month)
    since = when - timedelta(days=cycle_days)
    return {
        "problems": f"none: the problems and actions as they stand on the meeting date, {when:%d %b %Y}",
        "evaluations": f"each action's own measure period and as many months before it, where held (to {month:%b %Y})",
        "patrol": f"{period}: the history the plan's forecast is fitted on",
        "delivery": f"none: the days since the last meeting, {since:%d %b %Y} to {when - timedelta(days=1):%d %b %Y}",
        "hotspots": f"{period}: one slice a month, the latest {month:%b %Y}",
        "places": f"{period}: concentration over the period; repeat places over the 12 months to {month:%b %Y}",
        "sources": f"{period}: the months whose gap flags are listed",
    }


def _default_wards(con: Connection) -> tuple[str | None, set[str]]:
    """The default boundary set (None when none is loaded) and the LADs it has wards for."""
    boundary_sets = read.boundary_set_names(con)  # the default first
    if not boundary_sets:
        return None, set()
    return boundary_sets[0], set(read.lads_with_wards(con, boundary_sets[0]))


def held_partnerships(con: Connection) -> list[str]:
    """The names of the partnerships a pack can be made for, as the map offers them for its statistics: incidents
    held, and wards for every one of their authorities in the default boundary set (a force's data holds a few rows
    across its border: a neighbouring partnership without wards of its own is not offered)."""
    held = set(read.lads_with_incidents(con))
    _, mapped = _default_wards(con)
    return [c.name for c in partnerships(con) if drawable(c.lads, held, mapped)]


def resolve_csp(con: Connection, csp: str) -> StudyArea:
    """The CSP named by code or name; an unknown one, or one without wards to draw its pack on, is a ParameterError
    naming the partnerships a pack can be made for."""
    names = held_partnerships(con)
    hint = f"; partnerships a pack can be made for: {', '.join(names)}" if names else ""
    try:
        area = resolve_study_area(con, None, csp, None)
    except ParameterError:
        raise ParameterError("csp", f"no community safety partnership with the code or name {csp!r}{hint}") from None
    boundary_set, mapped = _default_wards(con)
    if not mapped & set(area.lads):
        raise ParameterError("csp", f"no wards of {area.name} in boundary set {boundary_set!r}: no pack{hint}")
    return area


def status_on(action: Row, when: date) -> str:
    """An action's status on the meeting date: done (on or before it), overdue, in progress or planned."""
    if action["progress"] == "done" and (action["done_on"] is None or action["done_on"] <= when):
        return "done"
    if when > action["due"]:
        return "overdue"
    return "in progress" if action["progress"] == "in progress" or when >= action["start"] else "planned"


def measure_end(action: Row) -> date:
    """The last day of an action's measure period: its target's months from the start, else its due date."""
    months = (action.get("target") or {}).get("months")
    if months:
        return add_months(action["start"].replace(day=1), int(months)) - timedelta(days=1)
    return action["due"]


def _flag(action: Row, status: str, when: date, cycle: int) -> str | None:
    if status == "overdue":
        return "overdue"
    if status == "done" and action["done_on"] is not None and action["done_on"] > when - timedelta(days=cycle):
        return "done since the last meeting"
    if status != "done" and action["due"] <= when + timedelta(days=cycle):
        return "due in the coming fortnight"
    return None


def _in_csp(problem: Row, lads: set[str], ward_lads: dict[str, dict[str, str | None]]) -> bool:
    area = problem.get("area") or {}
    found = ward_lads.get(area.get("boundary_set") or "", {})
    return any(found.get(str(n["code"])) in lads for n in area.get("names") or [])


def _open_on(problem: Row, when: date) -> bool:
    closed = problem["closed"]
    if problem["opened"] > when or (closed is not None and closed <= when):
        return False
    return not (problem["status"] == "closed" and closed is None)


def csp_problems(
    con: Connection, tasking: TaskingStore, area: StudyArea, when: date, caches: Caches, options: PackOptions
) -> list[Row]:
    """The problems open on the date in the CSP's wards, each with its actions (status and flag on the date),
    owner agencies and latest review notes."""
    ward_lads: dict[str, dict[str, str | None]] = {}
    out = []
    for problem in sorted(tasking.problems(), key=lambda p: p["id"]):
        bs = (problem.get("area") or {}).get("boundary_set")
        if bs and bs not in ward_lads:
            ward_lads[bs] = {w.code: w.lad_code for w in caches.wards.get(con, bs)}
        if not _open_on(problem, when) or not _in_csp(problem, set(area.lads), ward_lads):
            continue
        actions = []
        for a in tasking.actions(problem["id"]):
            if a["created_at"].date() > when:
                continue
            status = status_on(a, when)
            actions.append(
                {**a, "status": status, "flag": _flag(a, status, when, options.cycle_days)}
                | {"target_text": describe_target(a["target"]), "measure_end": measure_end(a)}
            )
        notes = [r for r in tasking.reviews(problem["id"]) if r["created_at"].date() <= when][-options.notes :]
        agencies = list(dict.fromkeys(a["owner_agency"] for a in actions))
        out.append(
            {
                **{k: v for k, v in problem.items() if k not in ("created_by", "updated_at")},
                "wards": [str(n["name"]) for n in (problem.get("area") or {}).get("names") or []],
                "owner_agencies": agencies,
                "actions": actions,
                "reviews": list(reversed(notes)),
            }
        )
    return out


def _result_line(result: Row) -> Row:
    areas = result["areas"]
    target = result.get("target")
    return {
        "summary": result["summary"],
        "before": result["before"],
        "after": result["after"],
        "response": {"before": areas["response"]["before"], "after": areas["response"]["after"]},
        "control": {"before": areas["control"]["before"], "after": areas["control"]["after"]},
        "wdd": {k: result["wdd"][k] for k in ("total", "low", "high", "z")},
        "target_met": None if target is None else target["met"],
        "target_reading": None if target is None else target.get("reading"),
        "verdict": result.get("verdict"),
        "delivery_verdict": result.get("delivery_verdict"),
    }


def due_evaluations(
    con: Connection, tasking: TaskingStore, problems: list[Row], when: date, month: date, cycle: int
) -> list[Row]:
    """Every action of the open problems whose measure period ended on or before the date: the evaluation kept for
    it (the latest made by the date), else one made now when the period is held, else why it cannot be."""
    out = []
    for p in problems:
        kept = [e for e in tasking.evaluations(p["id"]) if e["created_at"].date() <= when]
        for a in p["actions"]:
            end = a["measure_end"]
            if end > when:
                continue
            line: Row = {
                "problem_id": p["id"],
                "problem": p["title"],
                "action_id": a["id"],
                "action": a["what"],
                "owner_agency": a["owner_agency"],
                "measure": a["measure"],
                "target": a["target_text"],
                "period_ended": end,
                "new": end > when - timedelta(days=cycle),
            }
            mine = [e for e in kept if e["action_id"] == a["id"]]
            after = (a["start"].replace(day=1), end.replace(day=1))
            months = (after[1].year - after[0].year) * 12 + after[1].month - after[0].month + 1
            before = (add_months(after[0], -months), add_months(after[0], -1))
            if mine:
                line |= {
                    "evaluation": "kept",
                    "made_on": mine[-1]["created_at"].date(),
                    **_result_line(mine[-1]["result"]),
                }
            elif after[1] > month:
                line |= {
                    "evaluation": "not yet",
                    "why": f"the measure period runs to {after[1]:%B %Y}; data to {month:%B %Y}",
                }
            else:
                try:
                    result = evaluate(con, p, before, after, target=a["target"], others=problems)
                    line |= {"evaluation": "made for this pack", **_result_line(result)}
                except ParameterError as exc:
                    line |= {"evaluation": "cannot be made", "why": exc.message}
            out.append(line)
    return out


def tasking_pack(
    con: Connection,
    tasking: TaskingStore,
    csp: str,
    when: date,
    caches: Caches,
    rule: GapRule,
    postcodes: PostcodeIndex | None,
    options: PackOptions | None = None,
    worklist: Row | None = None,
) -> Row:
    """The whole pack (members starting with _ are for the printed plan only: see public_pack); worklist: the
    agencies' case worklist (api.services.tasking_pack_cases), when the caller holds the cases."""
    options = replace(options or PackOptions(), meeting=when)
    area = resolve_csp(con, csp)
    month, month_note = meeting_month(con, when, options.core)
    filters: Filters = resolve_filters(
        con,
        start=None,
        end=month,
        categories=requested_categories(None),
        sources=(),
        default_months=options.months,
    )
    problems = csp_problems(con, tasking, area, when, caches, options)
    actions = [a for p in problems for a in p["actions"]]
    evaluations = due_evaluations(con, tasking, problems, when, month, options.cycle_days)
    view = View(con, filters, area, caches, postcodes)
    packed = sorted((s.pack for s in registered() if s.pack), key=lambda section: section.order)
    sections = {section.member: section.build(view, options) for section in packed}
    gaps = feed_gaps(con, filters, area, caches, rule)
    return {
        "csp": area.echo(),
        "date": when,
        "next_meeting": when + timedelta(days=options.cycle_days),
        "months": {"from": f"{filters.incident.start:%Y-%m}", "to": f"{month:%Y-%m}", "note": month_note},
        "section_months": section_months(when, filters.incident.start, month, options.cycle_days),
        "filters": filters.echo(),
        "summary": {
            "problems": len(problems),
            "actions": len(actions),
            "overdue": sum(a["status"] == "overdue" for a in actions),
            "due_in_fortnight": sum(a["flag"] == "due in the coming fortnight" for a in actions),
            "done_since_last_meeting": sum(a["flag"] == "done since the last meeting" for a in actions),
            "evaluations_due": len(evaluations),
            **{section.summary: section.count(sections[section.member]) for section in packed},
            "feeds_flagged": sum(bool(f["gaps"]) for f in gaps["feeds"]),
        },
        "problems": problems,
        "evaluations": evaluations,
        **sections,
        "sources": gaps,
        "worklist": worklist or not_held(),
    }


def public_pack(pack: Row) -> Row:
    """The pack without its members for the printed plan (the JSON answer)."""
    plan = {k: v for k, v in pack["patrol"]["plan"].items() if not k.startswith("_")}
    patrol = {k: v for k, v in pack["patrol"].items() if not k.startswith("_")} | {"plan": plan}
    return pack | {"patrol": patrol}
