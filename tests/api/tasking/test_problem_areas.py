"""A problem's area from a file over the API: a real ward in British National Grid, sent as a GeoPackage (multipart)
or a GeoJSON (the body), comes back as a WGS84 polygon that opens a problem over the ward's cells; analysts only;
bounded in size."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import geopandas as gpd
import pytest
from fastapi.testclient import TestClient

from api.services.problem_area import AREA_RES
from tests.api.tasking.test_problems import PROBLEM, _client
from tests.conftest import PROJECT_DATA

WARDS = PROJECT_DATA / "wards" / "wards_dec2022_bsc_cleveland.geojson.gz"


@pytest.fixture(scope="module")
def ward() -> gpd.GeoDataFrame:
    """A small Middlesbrough ward, in British National Grid."""
    with gzip.open(WARDS, "rt") as fh:
        frame = gpd.GeoDataFrame.from_features(json.load(fh)["features"], crs="EPSG:4326")
    frame = frame.to_crs("EPSG:27700")
    return frame.loc[[frame.geometry.area.idxmin()]]


def test_a_geopackage_in_bng_opens_a_problem_over_its_polygon(
    tasking_client: TestClient, ward: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    analyst = _client(tasking_client, "analyst")
    ward.to_file(tmp_path / "area.gpkg", driver="GPKG")
    data = (tmp_path / "area.gpkg").read_bytes()
    files = {"file": ("area.gpkg", data, "application/geopackage+sqlite3")}
    read = analyst.post("/api/v1/problem-areas", files=files)
    assert read.status_code == 200, read.text
    area = read.json()
    assert area["kind"] == "GeoPackage" and area["crs"] == "EPSG:27700" and area["features"] == 1
    assert area["polygon"]["type"] in ("Polygon", "MultiPolygon") and area["cells"] > 0
    lon, lat = area["polygon"]["coordinates"][0][0][:2] if area["polygon"]["type"] == "Polygon" else (0, 0)
    assert area["polygon"]["type"] == "MultiPolygon" or (-1.4 < lon < -0.9 and 54.4 < lat < 54.7)
    opened = analyst.post("/api/v1/problems", json={**PROBLEM, "area": {"polygon": area["polygon"]}})
    assert opened.status_code == 201, opened.text
    problem = opened.json()
    assert problem["area"]["kind"] == "polygon" and problem["area"]["res"] == AREA_RES
    assert problem["profile"]["cells"]["count"] == area["cells"]


def test_a_geojson_body_and_refusals(tasking_client: TestClient, ward: gpd.GeoDataFrame, tmp_path: Path) -> None:
    analyst = _client(tasking_client, "analyst")
    ward.to_file(tmp_path / "area.geojson", driver="GeoJSON")
    body = (tmp_path / "area.geojson").read_bytes()
    read = analyst.post("/api/v1/problem-areas", content=body, headers={"Content-Type": "application/geo+json"})
    assert read.status_code == 200 and read.json()["kind"] == "GeoJSON" and read.json()["crs"] == "EPSG:27700"
    bad = analyst.post("/api/v1/problem-areas", files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")})
    assert bad.status_code == 422 and "GeoJSON or GeoPackage" in bad.text
    unnamed = analyst.post("/api/v1/problem-areas", files={"other": ("x.geojson", body, "application/geo+json")})
    assert unnamed.status_code == 422 and "`file`" in unnamed.text
    whole = gpd.GeoDataFrame(geometry=[ward.to_crs("EPSG:4326").geometry.iloc[0].buffer(0.5)], crs="EPSG:4326")
    whole.to_file(tmp_path / "large.geojson", driver="GeoJSON")
    too_wide = analyst.post("/api/v1/problem-areas", content=(tmp_path / "large.geojson").read_bytes())
    assert too_wide.status_code == 422 and "larger than" in too_wide.text
    oversized = analyst.post("/api/v1/problem-areas", content=b"{" + b" " * (5 * 1024 * 1024))
    assert oversized.status_code == 413
    files = {"file": ("area.geojson", body, "application/geo+json")}
    assert _client(tasking_client, "partner", ("warden",)).post("/api/v1/problem-areas", files=files).status_code == 403
    assert _client(tasking_client, "councillor").post("/api/v1/problem-areas", files=files).status_code == 403
    assert _client(tasking_client, "public").post("/api/v1/problem-areas", files=files).status_code == 401
    polygon = read.json()["polygon"]
    for role, sources in (("partner", ("warden",)), ("councillor", ())):
        other = _client(tasking_client, role, sources)
        assert other.post("/api/v1/problems", json={**PROBLEM, "area": {"polygon": polygon}}).status_code == 403


def test_a_grid_reference_and_radius_open_a_problem_over_the_circle(tasking_client: TestClient) -> None:
    """An area given without drawing: the circle around a grid reference (in Middlesbrough) comes back as a polygon
    whose points lie the radius from the reference's point, and opens a problem over its cells."""
    analyst = _client(tasking_client, "analyst")
    read = analyst.get("/api/v1/problem-areas/around", params={"grid_ref": "NZ 4953 1970", "radius_m": 400})
    assert read.status_code == 200, read.text
    area = read.json()
    assert area["polygon"]["type"] == "Polygon" and area["cells"] > 0 and area["radius_m"] == 400
    ring = gpd.GeoSeries(gpd.points_from_xy(*zip(*area["polygon"]["coordinates"][0], strict=True)), crs="EPSG:4326")
    centre = gpd.GeoSeries(gpd.points_from_xy([449535.0], [519705.0]), crs="EPSG:27700")
    assert ring.to_crs("EPSG:27700").distance(centre.iloc[0]).round().eq(400).all()
    opened = analyst.post("/api/v1/problems", json={**PROBLEM, "area": {"polygon": area["polygon"]}})
    assert opened.status_code == 201, opened.text
    assert opened.json()["profile"]["cells"]["count"] == area["cells"]
    bad = analyst.get("/api/v1/problem-areas/around", params={"grid_ref": "NZ 495", "radius_m": 400})
    assert bad.status_code == 422 and "not a grid reference" in bad.text
    wide = analyst.get("/api/v1/problem-areas/around", params={"grid_ref": "NZ 4953 1970", "radius_m": 5000})
    assert wide.status_code == 422
    params = {"grid_ref": "NZ 4953 1970", "radius_m": 400}
    assert _client(tasking_client, "councillor").get("/api/v1/problem-areas/around", params=params).status_code == 403
    assert _client(tasking_client, "public").get("/api/v1/problem-areas/around", params=params).status_code == 401
