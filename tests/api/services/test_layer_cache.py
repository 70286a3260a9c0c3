"""The map's statistic layers are computed once per store content, filters, area and parameters: a second page reads
them back, a load (incidents, patrol delivery or a facility list) computes them again, and the least recently used
go first."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import api.services.map_view as map_view_module
from api.http.app import create_app
from api.services.layer_cache import LayerCache
from api.settings import Settings
from tests.conftest import sign_in

GPX = (
    '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
    + "".join(
        f'<trkpt lat="54.574200" lon="-1.235000"><time>2025-12-02T10:{m:02d}:00Z</time></trkpt>' for m in range(12)
    )
    + "</trkseg></trk></gpx>"
)


def test_a_layer_is_computed_once_and_the_least_recently_used_goes_first() -> None:
    cache = LayerCache(size=2)
    made: list[str] = []

    def make(name: str) -> dict[str, Any]:
        made.append(name)
        return {"name": name}

    assert cache.get("a", lambda: make("a")) == {"name": "a"}
    assert cache.get("a", lambda: make("a again")) == {"name": "a"}
    cache.get("b", lambda: make("b"))
    cache.get("a", lambda: make("a again"))  # a is now the most recent
    cache.get("c", lambda: make("c"))  # b goes
    cache.get("b", lambda: make("b again"))
    assert made == ["a", "b", "c", "b again"] and len(cache) == 2


def test_the_map_reads_its_statistics_back_until_the_store_changes(
    demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(demo_store, store)
    computed: list[str] = []
    compute = map_view_module._layer_with_places

    def counted(statistic: Any, view: Any, res: int) -> dict[str, Any]:
        computed.append(statistic.key)
        return compute(statistic, view, res)

    monkeypatch.setattr(map_view_module, "_layer_with_places", counted)
    with TestClient(create_app(Settings(store=store))) as client:
        sign_in(client)
        first = client.get("/")
        assert first.status_code == 200 and "patrol_delivery" in computed and "place_concentration" in computed
        shown = len(computed)
        again = client.get("/")
        assert len(computed) == shown  # every layer read back
        assert again.status_code == 200 and len(again.text) == len(first.text)  # folium's element ids differ, not sizes
        client.get("/", params={"from": "2025-03", "to": "2025-11"})
        assert len(computed) == 2 * shown  # other filters: other layers
        loaded = client.post(
            "/api/v1/delivery/load", params={"agency": "wardens", "filename": "shift.gpx"}, content=GPX
        )
        assert loaded.status_code == 200, loaded.text
        client.get("/")
        assert len(computed) == 3 * shown  # a delivery load changes what the statistics read
        bars = "name,longitude,latitude\nThe Corner,-1.2350,54.5742\n"
        kept = client.post(
            "/api/v1/facility-lists", params={"kind": "licensed premises", "filename": "bars.csv"}, content=bars
        )
        assert kept.status_code == 200, kept.text
        client.get("/")
        assert len(computed) == 4 * shown  # and so does a facility list
        client.post(
            "/api/v1/facility-lists", params={"kind": "licensed premises", "filename": "bars.csv"}, content=bars
        )
        client.get("/")
        assert len(computed) == 5 * shown  # the same list loaded again, under its name
