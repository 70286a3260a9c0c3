"""The tasking pack over the demo store and its two Cleveland problems: which problems and actions a meeting sees,
what is overdue, which evaluations came due, the months used, and unknown partnerships."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.database.tasking import TaskingStore
from api.rules import gap_rule
from api.services import tasking as service
from api.services.caches import Caches
from api.services.errors import ParameterError
from api.services.tasking_demo import ACTOR, open_demo_problems
from api.services.tasking_pack import PackOptions, measure_end, meeting_month, resolve_csp, status_on, tasking_pack
from api.settings import Settings
from ingest.store.connection import Connection, open_served_store

TODAY = date.today()
MEETING = TODAY + timedelta(days=20)  # a meeting in three weeks: the demo problems (opened 30 Jun 2025) are open


@pytest.fixture(scope="module")
def con(pack_demo: Path) -> Iterator[Connection]:
    c = open_served_store(pack_demo, "1GB")
    yield c
    c.close()


@pytest.fixture(scope="module")
def demo_tasking(pack_demo: Path) -> Iterator[TaskingStore]:
    store = TaskingStore.open(Settings(store=pack_demo).tasking_url())
    yield store
    store.close()


def _pack(con: Connection, tasking: TaskingStore, csp: str, when: date) -> dict[str, Any]:
    return tasking_pack(con, tasking, csp, when, Caches(), gap_rule(Settings()), None, PackOptions(cells=10))


def test_the_months_are_the_latest_complete_on_the_date(con: Connection) -> None:
    assert meeting_month(con, date(2025, 6, 15))[0] == date(2025, 5, 1)
    assert meeting_month(con, date(2025, 6, 30))[0] == date(2025, 6, 1)  # the month's last day completes it
    month, note = meeting_month(con, date(2026, 3, 2))
    assert month == date(2025, 12, 1) and "February 2026" in note and "not loaded yet" in note
    with pytest.raises(ParameterError) as raised:
        meeting_month(con, date(2025, 1, 20))  # January 2025 was not complete yet, and nothing before is held
    assert raised.value.parameter == "date"


def test_partnerships_by_code_or_name_and_a_clear_error(con: Connection) -> None:
    assert resolve_csp(con, "E22000029").name == "Middlesbrough"
    assert resolve_csp(con, " stockton-on-tees ").code == "E22000030"
    with pytest.raises(ParameterError) as raised:
        resolve_csp(con, "Gotham")
    assert raised.value.parameter == "csp"
    assert "'Gotham'" in raised.value.message and "Middlesbrough" in raised.value.message


def test_the_pack_lists_each_partnerships_demo_problem(con: Connection, demo_tasking: TaskingStore) -> None:
    kept = {p["id"]: demo_tasking.evaluations(p["id"])[0]["result"] for p in demo_tasking.problems()}
    titles = {p["id"]: p["title"] for p in demo_tasking.problems()}
    for csp, wanted in (("Middlesbrough", "ASB hotspot in Central"), ("Stockton-on-Tees", "ASB across Stockton")):
        pack = _pack(con, demo_tasking, csp, MEETING)
        assert [p["title"][: len(wanted)] for p in pack["problems"]] == [wanted]
        problem = pack["problems"][0]
        assert problem["owner_agencies"] == [problem["actions"][0]["owner_agency"]]
        assert problem["reviews"][0]["note"].startswith("Patrols and clean-up ran")
        assert pack["months"] == {"from": "2025-01", "to": "2025-12", "note": pack["months"]["note"]}
        (due,) = pack["evaluations"]  # the action's 6 months ended on 31 Dec 2025
        assert due["evaluation"] == "kept" and due["period_ended"] == date(2025, 12, 31)
        result = kept[problem["id"]]
        assert due["summary"] == result["summary"] and titles[due["problem_id"]] == problem["title"]
        assert due["response"] == {k: result["areas"]["response"][k] for k in ("before", "after")}
        assert due["target_met"] == result["target"]["met"]
        assert pack["summary"]["patrol_cells"] == len(pack["patrol"]["plan"]["cells"]) == 10
        assert {f["source"] for f in pack["sources"]["feeds"]} == {"police", "warden", "complaint", "councillor"}
    assert _pack(con, demo_tasking, "Hartlepool", MEETING)["problems"] == []
    before_opening = _pack(con, demo_tasking, "Middlesbrough", date(2025, 6, 29))  # the demo opens them 30 Jun 2025
    assert before_opening["problems"] == [] and before_opening["evaluations"] == []


def test_overdue_due_and_done_on_a_chosen_date(con: Connection, tmp_path: Path) -> None:
    tasking = TaskingStore.open(f"sqlite:///{tmp_path / 'tasking.sqlite'}")
    try:
        first, second = sorted(p["id"] for p in open_demo_problems(con, tasking))
        day = timedelta(days=1)
        actions: dict[str, dict[str, Any]] = {
            "overdue": {"start": TODAY, "due": MEETING - 3 * day, "progress": "in progress"},
            "soon": {"start": TODAY, "due": MEETING + 10 * day},
            "done lately": {"start": TODAY, "due": MEETING + 30 * day, "progress": "done", "done_on": MEETING - day},
            "done long ago": {"start": TODAY, "due": MEETING + 30 * day, "progress": "done", "done_on": TODAY},
            "later": {"start": TODAY, "due": MEETING + 40 * day},
            "three months of 2025": {
                "start": date(2025, 7, 1),
                "due": MEETING + 40 * day,
                "target": "down 10% over 3 months",
            },
        }
        for what, fields in actions.items():
            values = {"what": what, "owner_agency": "warden", "measure": "ASB incidents", **fields}
            service.add_action(tasking, first, values, ACTOR)
        service.update_problem(tasking, second, {"status": "closed", "closed": TODAY}, ACTOR)
        pack = _pack(con, tasking, "Middlesbrough", MEETING)
        flags = {a["what"]: (a["status"], a["flag"]) for a in pack["problems"][0]["actions"]}
        assert flags["overdue"] == ("overdue", "overdue")
        assert flags["soon"] == ("in progress", "due in the coming fortnight")
        assert flags["done lately"] == ("done", "done since the last meeting")
        assert flags["done long ago"] == ("done", None) and flags["later"] == ("in progress", None)
        assert pack["summary"] | {"hotspots": 0, "feeds_flagged": 0} == {
            "problems": 1,
            "actions": 7,
            "overdue": 1,
            "due_in_fortnight": 1,
            "done_since_last_meeting": 1,
            "evaluations_due": 3,
            "patrol_cells": 10,
            "patrol_cells_visited": 0,  # no delivery held
            "hotspots": 0,
            "places_holding_half": pack["concentration"]["rows"][0]["places_half"],
            "repeat_places": len(pack["repeat_places"]["top"]["places"]),
            "near_repeat_recent": pack["near_repeat"]["recent"],
            "risky_facilities": sum(len(f["risky"]) for f in pack["risky_facilities"]["lists"]),
            "feeds_flagged": 0,
        }
        assert pack["summary"]["places_holding_half"] > 0 and pack["summary"]["repeat_places"] > 0
        assert set(pack["problems"][0]["owner_agencies"]) == {"police", "warden"}
        due = {e["action"]: e for e in pack["evaluations"]}
        assert due["three months of 2025"]["evaluation"] == "made for this pack"
        assert due["three months of 2025"]["after"] == {"from": "2025-07", "to": "2025-09"}
        assert due["three months of 2025"]["before"] == {"from": "2025-04", "to": "2025-06"}
        made = due["three months of 2025"]
        assert made["summary"].startswith("Verdict: the response area") and made["verdict"] in made["summary"]
        assert "Incidents in the response area went from" in made["summary"]
        assert made["delivery_verdict"] == "Not known: no delivery held"  # none held for July to September 2025
        assert due["overdue"]["evaluation"] == "not yet" and "data to December 2025" in due["overdue"]["why"]
        assert _pack(con, tasking, "Stockton-on-Tees", MEETING)["problems"] == []  # closed before the meeting
    finally:
        tasking.close()


def test_status_on_a_date_and_the_measure_period() -> None:
    action = {"progress": "done", "done_on": date(2026, 1, 10), "start": date(2025, 12, 1), "due": date(2026, 1, 5)}
    assert status_on(action, date(2026, 1, 10)) == "done"
    assert status_on(action, date(2026, 1, 9)) == "overdue"  # not done yet on that day, and past due
    assert status_on(action, date(2025, 12, 20)) == "in progress"
    assert status_on(action, date(2025, 11, 30)) == "planned"
    assert measure_end(action | {"target": None}) == date(2026, 1, 5)
    assert measure_end(action | {"target": {"months": 3}}) == date(2026, 2, 28)
