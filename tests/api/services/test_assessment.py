"""The annual assessment over the demo store (2025 only, the demo's problems opened): a previous year that is not held
is not comparable, a comparable period's change decomposes into its parts, and the sections hold what the services
behind them give."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from api.database.tasking import TaskingStore
from api.rules import gap_rule
from api.services.assessment import CASE_REVIEW, assessment, held_districts, resolve_district
from api.services.assessment_changes import changes, contributions
from api.services.assessment_coverage import feeds
from api.services.assessment_levels import district_trend, levels, period_filters
from api.services.assessment_priorities import priorities
from api.services.caches import Caches
from api.services.errors import ParameterError
from api.services.movers import ward_movers
from api.settings import Settings
from ingest.store.connection import Connection, open_served_store

MIDDLESBROUGH = "E06000002"


@dataclass
class Held:
    con: Connection
    tasking: TaskingStore
    settings: Settings
    caches: Caches


@pytest.fixture(scope="module")
def held(pack_demo: Path) -> Iterator[Held]:
    settings = Settings(store=pack_demo)
    con = open_served_store(pack_demo, "1GB")
    tasking = TaskingStore.open(settings.tasking_url())
    try:
        yield Held(con, tasking, settings, Caches())
    finally:
        tasking.close()
        con.close()


@pytest.fixture(scope="module")
def report(held: Held) -> dict[str, Any]:
    return assessment(held.con, held.tasking, MIDDLESBROUGH, 2025, held.caches, gap_rule(held.settings))


def test_a_previous_year_not_held_is_not_comparable_and_invents_nothing(report: dict[str, Any]) -> None:
    total = report["levels"]["total"]
    assert total["total"] > 1000 and total["months_held"] == 12
    assert total["comparable"] is False and total["previous_total"] is None and total["change"] is None
    c = report["changes"]
    assert c["comparable"] is False and c["previous"] == {"from": "2024-01", "to": "2024-12"}
    assert c["note"].startswith("not comparable")
    assert all(c[k] is None for k in ("total", "change", "by_category", "by_source", "by_ward", "recording"))
    for row in [*report["levels"]["categories"], *report["levels"]["sources"]]:
        assert row["comparable"] is False and row["change"] is None
    assert all(w["previous_count"] is None and w["change"] is None for w in report["levels"]["wards"])
    assert any("so that change can be measured" in p["suggestion"] for p in report["priorities"])


def test_the_sections_of_the_demo_year(report: dict[str, Any]) -> None:
    assert report["district"] == {"code": MIDDLESBROUGH, "name": "Middlesbrough"}
    assert report["partnership"] is not None and report["partnership"]["name"] == "Middlesbrough"
    sources = {r["source"]: r["total"] for r in report["levels"]["sources"]}
    assert set(sources) == {"police", "warden", "complaint", "councillor"}
    wards = report["levels"]["wards"]
    assert wards[0]["name"] == "Central" and sum(w["count"] for w in wards) <= report["levels"]["total"]["total"]
    assert "asb" not in {r["category"] for r in report["levels"]["categories"]}  # the group's name: not a leaf
    groups = {g["group"]: g for g in report["hotspots"]["groups"]}
    assert set(groups) == {"persistent", "new", "fading", "intermittent"} and groups["persistent"]["cells"] > 0
    assert report["places"]["repeat"]["repeat_places"] > 0 and 0 < report["places"]["concentration"]["half"] < 0.5
    problems = report["problems"]
    assert [p["title"] for p in problems["problems"]] == ["ASB hotspot in Central"]  # Stockton's is not ours
    assert problems["evaluated"] == 1 and problems["problems"][0]["evaluations"][0]["summary"]
    assert report["delivery"]["held"] is False  # the demo's sample patrols are of January 2026
    crm = next(f for f in report["feeds"]["feeds"] if f["feed"] == "cleveland-council-crm")
    assert [g["month"] for g in crm["gaps"]] == ["2025-10"] and crm["months_loaded"] == 12
    assert report["case_review"] == {"held": False, "note": CASE_REVIEW} and report["repeat_victims"] == {"held": False}
    assert {p["section"] for p in report["priorities"]} >= {"levels", "hotspots", "places", "feeds", "delivery"}


def test_a_comparable_period_decomposes_into_its_parts(held: Held) -> None:
    """July to December 2025 against January to June: every part's change, and what the parts leave, add up."""
    months = (date(2025, 7, 1), date(2025, 12, 1))
    found = levels(held.con, months, MIDDLESBROUGH, held.caches)
    assert found["previous"] == {"from": "2025-01", "to": "2025-06"} and found["total"]["comparable"]
    filters = period_filters(held.con, months)
    area = resolve_district(held.con, MIDDLESBROUGH)
    c = changes(found, feeds(held.con, filters, area, held.caches, gap_rule(held.settings)))
    assert c["comparable"] and c["change"] == found["total"]["total"] - found["total"]["previous_total"]
    for part in ("by_category", "by_source", "by_ward"):
        d = c[part]
        assert sum(r["change"] for r in d["parts"]) + d["unexplained"] == c["change"], part
        assert all(r["change"] > 0 for r in d["rising"]) and all(r["change"] < 0 for r in d["falling"])
    movers = ward_movers(held.con, filters, held.caches.wards, MIDDLESBROUGH, 200, 0.05, "previous")
    moved = {w["code"]: w["change"] for w in [*movers["rising"], *movers["falling"]]}
    by_ward = {r["key"]: r["change"] for r in c["by_ward"]["parts"]}
    assert moved and all(by_ward[code] == change for code, change in moved.items())
    monitor = {f["feed"]: f for f in held.caches.reports.get(held.con, gap_rule(held.settings))["feeds"]}
    crm = next(r for r in c["recording"] if r["feed"] == "cleveland-council-crm")
    halves = [
        sum(m["loaded"] for m in monitor[crm["feed"]]["months"] if first <= m["month"] <= last)
        for first, last in (("2025-01", "2025-06"), ("2025-07", "2025-12"))
    ]
    assert [crm["previous_loaded"], crm["loaded"]] == halves and crm["gaps"] == ["2025-10"]


def test_priorities_name_the_wards_that_rose_against_the_district(held: Held, report: dict[str, Any]) -> None:
    """July to December against January to June: each ward whose rise is significant against the district's own
    change (at most three) is suggested for a look, with its counts; none for a previous year not held."""
    months = (date(2025, 7, 1), date(2025, 12, 1))
    found = levels(held.con, months, MIDDLESBROUGH, held.caches)
    rose = [w for w in found["wards"] if w["significant"] and w["excess"] > 0][:3]
    assert rose  # Linthorpe and North Ormesby in the demo
    suggested = priorities(report | {"levels": found, "changes": changes(found, report["feeds"])})
    looked = [p for p in suggested if p["suggestion"].startswith("Consider looking into the rise in")]
    assert [p["suggestion"] for p in looked] == [f"Consider looking into the rise in {w['name']}." for w in rose]
    for p, w in zip(looked, rose, strict=True):
        assert p["because"].startswith(f"{w['count']:,} incidents against {w['previous_count']:,}")
    assert not any("the rise in" in p["suggestion"] for p in report["priorities"])
    assert not any("so that change can be measured" in p["suggestion"] for p in suggested)


def test_a_year_not_held_in_full_is_not_compared_with_a_whole_one(held: Held) -> None:
    """October 2025 to March 2026 (three months held) against April to September 2025 (all held): the trend route
    compares the three months with the six; the assessment says not comparable and gives no change."""
    months = (date(2025, 10, 1), date(2026, 3, 1))
    route = district_trend(held.con, period_filters(held.con, months), MIDDLESBROUGH, held.caches)
    assert route["compared"]["previous_period"]["comparable"] is True
    found = levels(held.con, months, MIDDLESBROUGH, held.caches)
    assert found["total"]["total"] == route["total"] and found["total"]["months_held"] == 3
    assert found["total"]["comparable"] is False and found["total"]["change"] is None
    assert all(not r["comparable"] for r in [*found["categories"], *found["sources"], *found["wards"]])
    c = changes(found, {"feeds": []})
    assert c["comparable"] is False and c["change"] is None and "3 of the 6 months" in c["note"]


def test_each_part_carries_its_share_of_the_change() -> None:
    rows = contributions(-10, [("a", "A", 20, 8), ("b", "B", 5, 7), ("c", "C", None, 0)])
    assert [(r["key"], r["change"], r["share_of_change"]) for r in rows] == [
        ("a", -12, 1.2),
        ("b", 2, -0.2),
        ("c", 0, 0.0),
    ]
    assert [r["share_of_change"] for r in contributions(0, [("a", "A", 3, 3)])] == [None]


def test_unknown_districts_and_years_are_refused(held: Held) -> None:
    rule = gap_rule(held.settings)
    with pytest.raises(ParameterError) as unknown:
        assessment(held.con, held.tasking, "Gotham", 2025, held.caches, rule)
    assert "Middlesbrough (E06000002)" in unknown.value.message
    for year, words in ((2024, "no month of 2024"), (1800, "1900 to 2199")):
        with pytest.raises(ParameterError) as refused:
            assessment(held.con, held.tasking, MIDDLESBROUGH, year, held.caches, rule)
        assert words in refused.value.message
    assert ("E06000002", "Middlesbrough") in held_districts(held.con)
