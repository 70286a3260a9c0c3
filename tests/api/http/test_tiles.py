"""Vector tiles of the ward and hexagon layers: decoded, each tile holds the GeoJSON layer's features that reach it,
with the same published properties for every role, and TileJSON says where the tiles are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mapbox_vector_tile
import numpy as np
import pytest
import shapely
import shapely.geometry
from fastapi.testclient import TestClient

from api.access.principals import Role
from api.http.app import create_app
from api.settings import Settings
from geo.hexbin import cell_resolution
from geo.tiles import MEDIA_TYPE, tile_bounds_lonlat, tile_of, tile_to_lonlat
from tests.conftest import sign_in

MIDDLESBROUGH = (-1.234, 54.574)


@pytest.fixture(scope="module")
def clients(demo_store: Path) -> Iterator[dict[Role, TestClient]]:
    with TestClient(create_app(Settings(store=demo_store))) as analyst:
        sign_in(analyst)
        partner = TestClient(analyst.app)
        sign_in(partner, "partner", ("warden",))
        yield {Role.ANALYST: analyst, Role.PARTNER: partner, Role.PUBLIC: TestClient(analyst.app)}


def _tile(c: TestClient, layer: str, z: int, x: int, y: int, **params: Any) -> dict[str, Any]:
    response = c.get(f"/tiles/{layer}/{z}/{x}/{y}.mvt", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    decoded = mapbox_vector_tile.decode(response.content) if response.content else {}
    return decoded.get(layer, {"features": []})  # type: ignore[no-any-return]


def _lonlat(geometry: dict[str, Any], z: int, x: int, y: int) -> shapely.Geometry:
    """A decoded tile geometry back in longitude and latitude."""
    shape = shapely.geometry.shape(geometry)
    return shapely.transform(shape, lambda coords: tile_to_lonlat(np.asarray(coords), z, x, y))


def _reaching(features: list[dict[str, Any]], z: int, x: int, y: int) -> dict[str, dict[str, Any]]:
    """The GeoJSON features that overlap the tile itself (not only its buffer), by id."""
    box = shapely.box(*tile_bounds_lonlat(z, x, y))
    return {
        f["id"]: f
        for f in features
        if shapely.intersection(shapely.geometry.shape(f["geometry"]), box).area > 1e-3 * box.area
    }


def _published(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None}


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PARTNER, Role.PUBLIC], ids=lambda r: r.value)
@pytest.mark.parametrize("z", [9, 11])
def test_a_ward_tile_holds_the_ward_layer_features_it_reaches(
    clients: dict[Role, TestClient], role: Role, z: int
) -> None:
    c = clients[role]
    x, y = tile_of(*MIDDLESBROUGH, z)
    layer = c.get("/api/v1/wards").json()
    decoded = _tile(c, "wards", z, x, y)
    assert decoded["features"]
    by_code = {f["properties"]["code"]: f for f in decoded["features"]}
    expected = _reaching(layer["features"], z, x, y)
    assert set(expected) <= set(by_code)  # every ward that overlaps the tile (and a few in its buffer)
    index = {f["id"]: i + 1 for i, f in enumerate(layer["features"])}
    box = shapely.box(*tile_bounds_lonlat(z, x, y))
    for code, f in by_code.items():
        source = next(g for g in layer["features"] if g["id"] == code)
        assert f["properties"] == _published(source["properties"])  # the published values, as the layer has them
        assert f["id"] == index[code]
        if code in expected:  # the drawn ward covers the same part of the tile as the ward itself
            drawn = shapely.intersection(_lonlat(f["geometry"], z, x, y), box)
            true = shapely.intersection(shapely.geometry.shape(source["geometry"]), box)
            assert drawn.symmetric_difference(true).area < 0.02 * box.area


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PARTNER, Role.PUBLIC], ids=lambda r: r.value)
def test_a_hexagon_tile_holds_the_hex_layer_features_it_reaches(clients: dict[Role, TestClient], role: Role) -> None:
    c = clients[role]
    z = 11
    x, y = tile_of(*MIDDLESBROUGH, z)
    layer = c.get("/api/v1/hexes", params={"res": 8}).json()
    decoded = _tile(c, "hexagons", z, x, y)
    by_h3 = {f["properties"]["h3"]: f for f in decoded["features"]}
    expected = _reaching(layer["features"], z, x, y)
    assert expected and set(expected) <= set(by_h3)
    layer_by_id = {f["id"]: f for f in layer["features"]}
    assert set(by_h3) <= set(layer_by_id)  # nothing the layer does not publish
    for h, f in by_h3.items():
        assert f["properties"] == layer_by_id[h]["properties"] and f["id"] == int(h, 16)
        assert cell_resolution(h) == 8  # resolution 8 from zoom 10
    for h in expected:
        drawn = _lonlat(by_h3[h]["geometry"], z, x, y)
        true = shapely.geometry.shape(layer_by_id[h]["geometry"])
        assert (
            shapely.intersection(drawn, true).area
            > 0.9 * shapely.intersection(true, shapely.box(*tile_bounds_lonlat(z, x, y))).area
        )


def test_the_zoom_picks_the_resolution_unless_res_is_given(clients: dict[Role, TestClient]) -> None:
    analyst = clients[Role.ANALYST]
    for z, res in ((6, 6), (8, 6), (9, 7), (10, 8), (14, 8)):
        x, y = tile_of(*MIDDLESBROUGH, z)
        features = _tile(analyst, "hexagons", z, x, y)["features"]
        assert features and {cell_resolution(f["properties"]["h3"]) for f in features} == {res}, z
    x, y = tile_of(*MIDDLESBROUGH, 12)
    assert {
        cell_resolution(f["properties"]["h3"]) for f in _tile(analyst, "hexagons", 12, x, y, res=9)["features"]
    } == {9}
    # hexagons finer than the published tables' resolution need an analyst or partner token
    assert clients[Role.PUBLIC].get(f"/tiles/hexagons/12/{x}/{y}.mvt", params={"res": 9}).status_code == 422


def test_the_public_gets_the_published_counts_in_tiles_too(clients: dict[Role, TestClient]) -> None:
    public = clients[Role.PUBLIC]
    quarter = {"source": "council", "from": "2025-04", "to": "2025-06"}
    layer = public.get("/api/v1/hexes", params={"res": 7, **quarter}).json()
    assert layer["filters"]["disclosure"]["table"] == "council"
    published = {f["id"]: f["properties"] for f in layer["features"]}
    z = 9
    x, y = tile_of(*MIDDLESBROUGH, z)
    decoded = _tile(public, "hexagons", z, x, y, **quarter)["features"]
    assert decoded and all(published[f["properties"]["h3"]] == f["properties"] for f in decoded)
    assert all(f["properties"]["count"] >= 10 and f["properties"]["count"] % 5 == 0 for f in decoded)
    wards = public.get("/api/v1/wards", params=quarter).json()["features"]
    counts = {f["id"]: f["properties"]["count"] for f in wards}
    drawn = _tile(public, "wards", z, x, y, **quarter)["features"]
    assert drawn and all(f["properties"].get("count") == counts[f["properties"]["code"]] for f in drawn)


def test_tilejson_points_at_the_tiles_with_the_same_filters(clients: dict[Role, TestClient]) -> None:
    public = clients[Role.PUBLIC]
    for layer, fields in (("wards", {"code", "name", "count", "change"}), ("hexagons", {"h3", "count"})):
        response = public.get(f"/tiles/{layer}.json", params={"source": "police", "category": "asb"})
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        body = response.json()
        assert body["tilejson"] == "3.0.0" and body["scheme"] == "xyz"
        assert body["tiles"] == [f"http://testserver/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt?source=police&category=asb"]
        (vector,) = body["vector_layers"]
        assert vector["id"] == layer and fields <= set(vector["fields"])
        minlon, minlat, maxlon, maxlat = body["bounds"]
        assert minlon < MIDDLESBROUGH[0] < maxlon and minlat < MIDDLESBROUGH[1] < maxlat
        assert body["filters"]["disclosure"]["table"] == "open"
        url = body["tiles"][0].replace("http://testserver", "")
        x, y = tile_of(*MIDDLESBROUGH, 10)
        assert public.get(url.format(z=10, x=x, y=y)).status_code == 200


def test_tiles_carry_an_etag_and_only_public_answers_are_cacheable(clients: dict[Role, TestClient]) -> None:
    x, y = tile_of(*MIDDLESBROUGH, 10)
    url = f"/tiles/wards/10/{x}/{y}.mvt"
    public = clients[Role.PUBLIC].get(url)
    assert public.headers["cache-control"] == "public, max-age=300" and public.headers["etag"]
    assert "Authorization" in public.headers["vary"]
    again = clients[Role.PUBLIC].get(url, headers={"If-None-Match": public.headers["etag"]})
    assert again.status_code == 304 and not again.content
    analyst = clients[Role.ANALYST].get(url)
    assert analyst.headers.get_list("cache-control") == ["private, no-store"]  # never kept by a shared cache
    assert analyst.headers["etag"] != public.headers["etag"]  # another caller, another answer
    assert clients[Role.PUBLIC].get(url, params={"category": "crime"}).headers["etag"] != public.headers["etag"]


def test_a_tile_outside_the_grid_or_an_unknown_layer_is_refused(clients: dict[Role, TestClient]) -> None:
    public = clients[Role.PUBLIC]
    assert public.get("/tiles/wards/3/8/0.mvt").status_code == 404
    assert public.get("/tiles/wards/23/0/0.mvt").status_code == 422
    assert public.get("/tiles/roads/3/0/0.mvt").status_code == 422
    assert public.get("/tiles/roads.json").status_code == 422
    empty = public.get("/tiles/wards/5/0/0.mvt")  # the middle of the Pacific
    assert empty.status_code == 200 and empty.content == b""
