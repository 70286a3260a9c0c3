"""The demo's tasking: two problems opened on the busiest real Cleveland places of 2025 (the top res-9 cell, and the
ward of the next busiest cell elsewhere), each with an action and an evaluation of July-December against
January-June."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.database.tasking import TaskingStore
from api.services import tasking as service
from api.services.problem_evaluation import evaluate
from api.services.problem_profile import incident_filter
from ingest.store import read
from ingest.store.connection import Connection

ACTOR = ("demo analyst", "analyst")
BEFORE = (date(2025, 1, 1), date(2025, 6, 1))
AFTER = (date(2025, 7, 1), date(2025, 12, 1))


def _problem(title: str, area: dict[str, Any], partners: list[str], ward_name: str) -> dict[str, Any]:
    return {
        "title": title,
        "description": f"Repeat ASB reports around {ward_name}: the busiest place on the 2025 map.",
        "category_group": "asb",
        "owner": "Community Safety Partnership analyst",
        "partners": partners,
        "area": area,
        "baseline_from": "2025-01",
        "baseline_to": "2025-06",
        "opened": "2025-06-30",  # when the story starts: the baseline frozen, actions from July
    }


def open_demo_problems(con: Connection, tasking: TaskingStore) -> list[dict[str, Any]]:
    """Open the two demo problems (once: nothing is added when the demo's problems are there already); returns each
    problem's id, title and evaluation summary."""
    if any(p["created_by"] == ACTOR[0] for p in tasking.problems()):
        return []
    boundary_set = read.resolve_boundary_set(con, None)
    top = read.top_cells(con, incident_filter("asb", [], BEFORE[0], AFTER[1]), 9, 20, boundary_set).to_pylist()
    names = {r["code"]: r["name"] for r in read.ward_geometries(con, boundary_set).select(["code", "name"]).to_pylist()}
    first = top[0]
    second = next(r for r in top[1:] if r["ward_code"] and r["ward_code"] != first["ward_code"])
    specs = [
        (
            _problem(
                f"ASB hotspot in {names.get(first['ward_code'], 'the town centre')}",
                {"cells": [format(int(first["cell"]), "x")]},
                ["police", "warden"],
                names.get(first["ward_code"], "the town centre"),
            ),
            {"what": "Evening and weekend foot patrols with wardens", "owner_agency": "police"},
        ),
        (
            _problem(
                f"ASB across {names[second['ward_code']]} ward",
                {"wards": [second["ward_code"]]},
                ["complaint", "warden"],
                names[second["ward_code"]],
            ),
            {"what": "Environmental clean-up and target hardening with housing", "owner_agency": "complaint"},
        ),
    ]
    out = []
    for values, action in specs:
        pid = service.open_problem(con, tasking, values, ACTOR)
        aid = service.add_action(
            tasking,
            pid,
            {
                **action,
                "start": "2025-07-01",
                "due": "2025-12-31",
                "measure": "ASB incidents in the problem's area",
                "target": "down 20% against control over 6 months",
                "progress": "done",
                "done_on": "2025-12-31",
            },
            ACTOR,
        )
        problem = service.problem_row(tasking, pid)
        target = service.find_action(tasking, pid, aid)["target"]
        result = evaluate(con, problem, BEFORE, AFTER, target=target, others=tasking.problems())
        fields = {
            "action_id": aid,
            "before_start": BEFORE[0],
            "before_end": BEFORE[1],
            "after_start": AFTER[0],
            "after_end": AFTER[1],
            "result": result,
        }
        tasking.add_evaluation(pid, fields, ACTOR)
        service.update_problem(tasking, pid, {"status": "assessment"}, ACTOR)
        service.add_review(
            tasking, pid, {"note": "Patrols and clean-up ran from July to December 2025.", "published": True}, ACTOR
        )
        out.append({"id": pid, "title": values["title"], "summary": result["summary"], "result": result})
    return out
