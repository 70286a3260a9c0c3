"""Near-repeats over the demo store (twelve police.uk months and the dated council samples): the table against the
Knox test of the incidents read another way, police.uk left out and refused alone, the cells of elevated risk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from api.services.caches import Caches
from api.services.errors import ParameterError
from api.services.filters import Filters, requested_categories, resolve_filters
from api.services.near_repeat import edges, elevated_for, near_repeat, near_repeat_layer, window_words
from api.services.statistics import View, statistic
from api.services.statistics.near_repeat import KEY, NEAR_REPEAT
from api.services.study_area import resolve_study_area
from geo.grid import to_national_grid
from geo.knox import knox
from ingest.store.connection import Connection, open_store

OPTIONS = NEAR_REPEAT.arguments({"permutations": 19})


@pytest.fixture(scope="module")
def con(demo_store: Path) -> Iterator[Connection]:
    """The demo store, read only."""
    c = open_store(demo_store)
    try:
        yield c
    finally:
        c.close()


def _filters(con: Connection, sources: tuple[str, ...] = ()) -> Filters:
    return resolve_filters(
        con, start=date(2025, 1, 1), end=date(2025, 12, 1), categories=requested_categories(["all"]), sources=sources
    )


def test_the_table_is_the_knox_test_of_the_dated_incidents_read_another_way(con: Connection) -> None:
    found = near_repeat(con, _filters(con).incident, None, OPTIONS)
    rows = con.execute(
        """SELECT lon, lat, occurred_at::DATE FROM incidents WHERE h3_cell IS NOT NULL AND occurred_at IS NOT NULL
           AND duplicate_of IS NULL AND month BETWEEN '2025-01-01' AND '2025-12-01'"""
    ).fetchall()
    assert found["events"] == len(rows) > 100
    east, north = to_national_grid(np.array([r[0] for r in rows]), np.array([r[1] for r in rows]))
    first = min(r[2] for r in rows)
    days = np.array([(r[2] - first).days for r in rows], dtype=float)
    direct = knox(np.column_stack([east, north]), days, edges(100, 3, 1), edges(7, 3, None), "euclidean", "left", 0)
    assert [c["observed"] for c in found["table"]] == direct.observed.ravel().tolist()
    assert found["distance_bands"] == ["[0, 1)", "[1, 100)", "[100, 200)", "[200, 300)", "[300, inf)"]
    assert found["day_bands"] == ["[0, 7)", "[7, 14)", "[14, 21)", "[21, inf)"]
    assert sum(c["observed"] for c in found["table"]) == found["pairs"] == len(rows) * (len(rows) - 1) // 2
    assert sum(c["expected"] for c in found["table"]) == pytest.approx(found["pairs"], rel=1e-6)
    police = con.execute(
        """SELECT count(*) FROM incidents WHERE source = 'police' AND h3_cell IS NOT NULL AND duplicate_of IS NULL
           AND month BETWEEN '2025-01-01' AND '2025-12-01'"""
    ).fetchall()[0][0]
    assert found["month_only"] == police > 0  # police.uk: months only, never in the test
    assert "months only" in found["note"] or "month only" in found["note"]


def test_police_uk_alone_is_refused_with_the_reason(con: Connection) -> None:
    filters = _filters(con, ("police",))
    area = resolve_study_area(con, "cleveland", None, None)
    with pytest.raises(ParameterError, match="dated to the day") as refused:
        near_repeat_layer(con, filters, area, OPTIONS, refuse=True)
    assert "police.uk gives each incident's month only" in refused.value.message
    drawn = near_repeat_layer(con, filters, area, OPTIONS)  # the map draws nothing, and says why
    assert drawn["features"] == [] and drawn["events"] == 0 and drawn["month_only"] > 0
    assert any("month only" in w for w in drawn["warnings"])


def test_the_cells_of_elevated_risk_follow_the_window(con: Connection) -> None:
    area = resolve_study_area(con, None, "Middlesbrough", None)
    layer = statistic(KEY).layer(View(con, _filters(con), area, Caches()), {"permutations": 19, "alpha": 0.49})
    last = date.fromisoformat(layer["last_day"])
    assert layer["window"] is not None  # at alpha 0.49 some band pair is above chance family-wise
    closes = timedelta(days=int(np.ceil(layer["window"]["days"])) - 1)
    assert layer["recent"] > 0 and layer["features"]
    for ft in layer["features"]:
        p = ft["properties"]
        until, latest = date.fromisoformat(p["until"]), date.fromisoformat(p["latest"])
        assert until == latest + closes and until >= last and p["incidents"] >= 1
    strict = statistic(KEY).layer(View(con, _filters(con), area, Caches()), {"permutations": 99})
    assert strict["window"] is None and strict["features"] == []  # the samples show no near-repeat at 5%
    assert min(c["p_value"] for c in strict["table"]) >= 0.01 and strict["events"] == layer["events"]


def test_edges_split_off_the_same_place_and_end_open() -> None:
    assert edges(100, 3, 1) == [0, 1, 100, 200, 300, float("inf")]
    assert edges(7, 2, None) == [0, 7, 14, float("inf")]


def test_the_same_place_band_must_end_before_the_first_distance_band() -> None:
    with pytest.raises(ParameterError, match="same_place"):
        NEAR_REPEAT.arguments({"same_place": 50, "distance_band": 40})


def test_too_many_pairs_for_the_permutations_are_refused(con: Connection) -> None:
    wide = NEAR_REPEAT.arguments({"distance_band": 5000, "distance_bands": 10, "permutations": 999})
    with pytest.raises(ParameterError, match="fewer permutations"):
        near_repeat(con, _filters(con).incident, None, wide, strict=True)
    untested = near_repeat(con, _filters(con).incident, None, wide)  # the map, profile and pack: said, not broken
    assert untested["table"] == [] and untested["window"] is None and untested["events"] > 100
    assert any(w.startswith("not tested: ") and "fewer permutations" in w for w in untested["warnings"])


def test_risk_stays_elevated_to_the_last_day_inside_the_band() -> None:
    assert elevated_for(7, "left") == timedelta(days=6) and elevated_for(7, "right") == timedelta(days=7)


def test_one_band_pair_of_twelve_at_5_percent_opens_no_window(con: Connection) -> None:
    """Middlesbrough's ASB samples (drawn without a near-repeat pattern) have one band pair of 12 at p <= 0.05, as
    chance gives in many areas: its family-wise p-value over the 12 is above 5%, so no window opens, and the words
    give the smallest family-wise p-value."""
    area = resolve_study_area(con, None, "Middlesbrough", None)
    asb = resolve_filters(
        con, start=date(2025, 1, 1), end=date(2025, 12, 1), categories=requested_categories(None), sources=()
    )
    found = near_repeat(con, asb.incident, area.lads, NEAR_REPEAT.arguments({}))
    above = [c for c in found["table"] if c["p_family"] is not None and (c["ratio_expected"] or 0) > 1]
    assert min(c["p_value"] for c in above) <= found["alpha"]  # a cell alone would have opened a window
    assert found["family_p"] == min(c["p_family"] for c in above) > found["alpha"]
    assert all(c["p_family"] >= c["p_value"] for c in above)
    assert found["window"] is None and found["recent"] == 0
    words = window_words(found)
    assert words.startswith("No near-repeat pattern")
    assert f"the smallest family-wise p is {found['family_p']:g}" in words
