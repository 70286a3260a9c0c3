"""A problem's profile over the demo data: its concentration and repeat places, over its own cells, and a partner's
view without them (they are figures across every source)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from api.services.problem_area import area_cells, resolve_area
from api.services.problem_profile import build_profile, profile_for_sources
from ingest.store import read
from ingest.store.connection import Connection, open_served_store
from ingest.taxonomy import expand_categories


@pytest.fixture(scope="module")
def con(demo_store: Path) -> Iterator[Connection]:
    c = open_served_store(demo_store)
    yield c
    c.close()


def test_the_profile_gives_the_areas_concentration_and_repeat_places(con: Connection) -> None:
    boundary_set = read.resolve_boundary_set(con, None)
    res, cells = area_cells(con, resolve_area(con, boundary_set, {"wards": ["Stockton Town Centre"]}))
    profile = build_profile(con, "asb", [], date(2025, 1, 1), date(2025, 12, 1), res, cells)
    concentration = profile["concentration"]
    located = con.execute(
        f"""SELECT count(*) FROM incidents WHERE category IN (SELECT unnest(?::VARCHAR[])) AND duplicate_of IS NULL
            AND h3_cell IS NOT NULL AND month BETWEEN '2025-01-01' AND '2025-12-01'
            AND cell_{res} IN (SELECT unnest(?::UBIGINT[]))""",  # noqa: S608 (res: an integer)
        [list(expand_categories(("asb",))), [int(c) for c in cells]],
    ).fetchall()[0][0]
    assert concentration["incidents"] == located > 0
    assert 0 < concentration["half"] <= 0.5 and concentration["gini"] is not None
    repeats = profile["repeat_places"]
    assert repeats["last_window"]["to"] == "2025-12" and repeats["top"]["places"]
    counts = [p["count"] for p in repeats["top"]["places"]]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 2
    assert "anonymised" in repeats["note"]
    view = profile_for_sources(profile, {"police"})
    assert "concentration" not in view and "repeat_places" not in view
    assert profile_for_sources(profile, None)["concentration"] == concentration
    assert np.isfinite(concentration["beyond_chance"])
