"""The annual assessment's problem-solving: the problems opened in the year in the district's wards (the tasking
store), their actions and the evaluations kept for them, with what each evaluation found."""

from __future__ import annotations

from typing import Any

from api.database.tasking import TaskingStore
from api.services.caches import Caches
from api.services.study_area import StudyArea
from ingest.store.connection import Connection

Row = dict[str, Any]


def in_district(problem: Row, lads: set[str], ward_lads: dict[str, str | None]) -> bool:
    """Whether one of the problem's wards lies in the district."""
    return any(ward_lads.get(str(n["code"])) in lads for n in (problem.get("area") or {}).get("names") or [])


def _evaluation(kept: Row) -> Row:
    result = kept["result"]
    target = result.get("target")
    return {
        "action_id": kept["action_id"],
        "made_on": kept["created_at"].date(),
        "after": {"from": f"{kept['after_start']:%Y-%m}", "to": f"{kept['after_end']:%Y-%m}"},
        "summary": result["summary"],
        "verdict": result.get("verdict"),
        "target_met": None if target is None else target.get("met"),
    }


def problems_opened(
    con: Connection, tasking: TaskingStore, area: StudyArea, year: int, caches: Caches, boundary_set: str
) -> Row:
    """The problems opened in the year whose wards lie in the district: each with its status, wards, actions and the
    latest evaluation kept for each action; and the counts."""
    ward_lads = {w.code: w.lad_code for w in caches.wards.get(con, boundary_set)}
    out = []
    for p in sorted(tasking.problems(), key=lambda p: p["id"]):
        area_set = (p.get("area") or {}).get("boundary_set")
        if p["opened"].year != year or area_set != boundary_set or not in_district(p, set(area.lads), ward_lads):
            continue
        actions = tasking.actions(p["id"])
        latest: dict[int, Row] = {}
        for e in tasking.evaluations(p["id"]):
            latest[e["action_id"]] = e
        out.append(
            {
                "id": p["id"],
                "title": p["title"],
                "opened": p["opened"],
                "status": p["status"],
                "category_group": p["category_group"],
                "wards": [str(n["name"]) for n in (p.get("area") or {}).get("names") or []],
                "actions": len(actions),
                "actions_done": sum(a["progress"] == "done" for a in actions),
                "evaluations": [_evaluation(e) for e in latest.values()],
            }
        )
    evaluated = [p for p in out if p["evaluations"]]
    return {
        "opened": len(out),
        "closed": sum(p["status"] == "closed" for p in out),
        "evaluated": len(evaluated),
        "targets_met": sum(e["target_met"] is True for p in out for e in p["evaluations"]),
        "targets_not_met": sum(e["target_met"] is False for p in out for e in p["evaluations"]),
        "problems": out,
    }
