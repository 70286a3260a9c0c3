"""The near-repeat statistic as the map draws it: its cells' tooltips in words, its legend and its layer on a map,
over the demo's dated council samples."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import folium
import pytest

from api.render.map_layers import add_statistics_layers, plain_statistics, statistics_legend
from api.services.caches import Caches
from api.services.filters import requested_categories, resolve_filters
from api.services.statistics import View, statistic
from api.services.statistics.near_repeat import KEY
from api.services.study_area import resolve_study_area
from ingest.store.connection import Connection, open_store


@pytest.fixture(scope="module")
def con(demo_store: Path) -> Iterator[Connection]:
    """The demo store, read only."""
    c = open_store(demo_store)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def layer(con: Connection) -> dict:
    """Middlesbrough's near-repeat layer at alpha 0.49 (the samples have no near-repeat at 5%: nothing would be
    drawn)."""
    filters = resolve_filters(
        con, start=date(2025, 1, 1), end=date(2025, 12, 1), categories=requested_categories(None), sources=()
    )
    view = View(con, filters, resolve_study_area(con, None, "Middlesbrough", None), Caches())
    return statistic(KEY).layer(view, {"permutations": 19, "alpha": 0.49})


def test_the_cells_tooltips_say_until_when_and_why(layer: dict) -> None:
    assert layer["features"]
    words = plain_statistics({KEY: layer})[KEY]["features"]
    for ft in words[:20]:
        p = ft["properties"]
        assert p["until_text"] == f"until {p['until']}"
        assert p["near_text"].startswith(f"{p['incidents']:,} recent incidents nearby, the latest on {p['latest']}")


def test_the_legend_gives_the_window_and_the_months_only_caveat(layer: dict) -> None:
    (part,) = statistics_legend({KEY: layer})
    window = layer["window"]
    assert part["title"] == "Near-repeat risk"
    assert f"Risk elevated within {window['metres']:g} m for {window['days']:g} days" in part["explain"]
    assert "police.uk gives each incident's month only" in part["explain"]


def test_the_layer_is_drawn_on_a_map_with_its_name(layer: dict) -> None:
    m = folium.Map()
    names = add_statistics_layers(m, {KEY: layer})
    page = m.get_root().render()
    assert KEY in names and names[KEY] in page and "until_text" in page and "Elevated risk" in page
