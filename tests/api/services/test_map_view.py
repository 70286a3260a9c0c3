"""The map's initial view: where it opens never gives away where a record is."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from tests.conftest import sign_in

# No council crime records: no ward reaches a published count, so the public map has no ward with a count to open on.
NOTHING_PUBLISHED = {"source": "council", "category": "crime", "from": "2025-01", "to": "2025-01"}


@pytest.fixture(scope="module")
def demo_app(demo_store: Path) -> Iterator[TestClient]:
    """The demo store (police.uk points are snapped; the warden feed's are exact), without a token."""
    with TestClient(create_app(Settings(store=demo_store))) as c:
        yield c


def opening_bounds(page: str) -> list[float]:
    """The corners the page's map opens on (folium's fitBounds call)."""
    found = re.search(r"\.fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\], \[([-\d.]+), ([-\d.]+)\]\]", page)
    assert found is not None, "the page sets no bounds"
    return [float(v) for v in found.groups()]


def record_coordinates(client: TestClient) -> set[float]:
    """Every longitude and latitude of a located record held."""
    cursor = client.app.state.con.cursor()  # type: ignore[attr-defined]
    try:
        rows = cursor.execute("SELECT lon, lat FROM incident_counts WHERE lon IS NOT NULL").fetchall()
    finally:
        cursor.close()
    return {v for row in rows for v in row}


def test_the_public_map_opens_on_published_geometry_not_on_records(demo_app: TestClient) -> None:
    public = demo_app.get("/", params=NOTHING_PUBLISHED)
    assert public.status_code == 200
    assert "not published" in public.text  # nothing in the period reaches a published count
    corners = opening_bounds(public.text)
    assert not set(corners) & record_coordinates(demo_app), "a corner of the map is a record's exact position"
    assert 54.3 < corners[0] < corners[2] < 55.0 and -1.6 < corners[1] < corners[3] < -0.6  # still Cleveland


@pytest.mark.parametrize("params", [{}, NOTHING_PUBLISHED])
def test_no_map_opens_on_a_record(demo_app: TestClient, params: dict[str, str]) -> None:
    """Not the public map, nor an analyst's (it opens on the wards and hexagons it draws; with too few incidents for
    any Gi* cell, the page is drawn without that layer)."""
    held = record_coordinates(demo_app)
    analyst = sign_in(TestClient(demo_app.app))
    for client in (demo_app, analyst):
        page = client.get("/", params=params)  # type: ignore[attr-defined]
        assert page.status_code == 200
        assert not set(opening_bounds(page.text)) & held
