"""The problem profile's parts beyond its counts, on the real demo data: the tested trend, the weekday and hour
profile (police.uk month-only), records linked across agencies, the source monitor, and a partner's view of them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from api.services.problem_area import area_cells, resolve_area
from api.services.problem_profile import build_profile, profile_for_sources
from geo.change import poisson_change_p
from ingest.store import read
from ingest.store.connection import Connection, open_served_store


@pytest.fixture(scope="module")
def con(demo_store: Path) -> Iterator[Connection]:
    c = open_served_store(demo_store)
    yield c
    c.close()


def _ward_area(con: Connection) -> tuple[int, np.ndarray]:
    """Stockton Town Centre: a ward with records of every demo feed."""
    boundary_set = read.resolve_boundary_set(con, None)
    area = resolve_area(con, boundary_set, {"wards": ["Stockton Town Centre"]})
    return area_cells(con, area)


def _profile(con: Connection, start: date, end: date) -> dict[str, Any]:
    res, cells = _ward_area(con)
    return build_profile(con, "asb", [], start, end, res, cells)


def test_trend_tests_within_and_against_periods_held(con: Connection) -> None:
    first = _profile(con, date(2025, 1, 1), date(2025, 6, 1))
    t = first["trend"]
    h = t["halves"]
    assert h["first_total"] + h["second_total"] == first["total"] > 0
    assert h["first_total"] == sum(m["count"] for m in first["monthly"][:3])
    assert h["p_value"] == float(f"{poisson_change_p(h['second_total'], h['first_total']):.3g}")
    # 2024 is not held: not comparable, never a change
    assert t["previous_period"]["comparable"] is False and t["previous_period"]["change"] is None
    assert t["last_year"]["comparable"] is False
    second = _profile(con, date(2025, 7, 1), date(2025, 12, 1))
    previous = second["trend"]["previous_period"]
    assert previous["comparable"] and (previous["from"], previous["to"]) == ("2025-01", "2025-06")
    assert previous["total"] == first["total"] and previous["change"] == second["total"] - first["total"]
    assert previous["by_source"] == {s["source"]: s["count"] for s in first["by_source"]}


def test_weekday_and_hour_where_records_are_dated(con: Connection) -> None:
    profile = _profile(con, date(2025, 1, 1), date(2025, 6, 1))
    timing = profile["timing"]
    by = {s["source"]: s for s in timing["by_source"]}
    records = {s["source"]: s["count"] for s in profile["by_source"]}
    police = by["police"]
    assert police["dated"] == 0 and police["month_only"] == records["police"] > 0 and "month only" in police["note"]
    assert by["councillor"]["hour"] is None and "without a time" in by["councillor"]["note"]  # dates typed in, no time
    assert by["warden"]["hour"] is not None and sum(by["warden"]["hour"]) == by["warden"]["dated"] > 0
    for source, s in by.items():
        assert s["dated"] + s["month_only"] == records[source]
    assert sum(timing["weekday"]) == timing["dated"] == sum(s["dated"] for s in by.values())
    assert timing["hour"] is not None and sum(timing["hour"]) == by["warden"]["dated"] + by["complaint"]["dated"]


def test_linked_records_and_the_feeds(con: Connection) -> None:
    profile = _profile(con, date(2025, 1, 1), date(2025, 6, 1))
    linked = profile["linked"]
    assert linked["incidents"] > 0 and linked["records"] >= 2 * linked["incidents"]
    assert all(len(c["sources"]) >= 2 for c in linked["by_sources"])
    # a linked incident counts once in the total and once per record by source; a group may reach outside the area
    assert (
        0 < sum(s["count"] for s in profile["by_source"]) - profile["total"] <= linked["records"] - linked["incidents"]
    )
    feeds = {f["source"]: f for f in profile["feeds"]}
    assert set(feeds) == {s["source"] for s in profile["by_source"]}
    assert feeds["police"]["feed"] == "police.uk" and feeds["police"]["first_month"] == "2025-01"
    assert all("2025-01" <= g["month"] <= "2025-06" for f in feeds.values() for g in f["gaps_in_period"])


def test_a_partners_view_keeps_its_sources_only(con: Connection) -> None:
    profile = _profile(con, date(2025, 1, 1), date(2025, 6, 1))
    view = profile_for_sources(profile, {"police", "warden"})
    assert {s["source"] for s in view["timing"]["by_source"]} == {"police", "warden"}
    assert view["timing"]["hour"] == next(s["hour"] for s in profile["timing"]["by_source"] if s["source"] == "warden")
    assert all(set(c["sources"]) <= {"police", "warden"} for c in view["linked"]["by_sources"])
    assert {f["source"] for f in view["feeds"]} == {"police", "warden"}
    assert view["trend"]["halves"]["first_total"] + view["trend"]["halves"]["second_total"] == view["total"]
    assert view["total"] < profile["total"]
