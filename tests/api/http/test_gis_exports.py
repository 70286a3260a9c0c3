"""GeoPackage and zipped Shapefile exports of every map layer route, opened with GDAL itself (ogrinfo and pyogrio):
the same features, fields and values as the route's GeoJSON, in WGS84 or British National Grid, audited like CSV,
and under disclosure control for the public exactly as its published GeoJSON is."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest
import shapely
from fastapi.testclient import TestClient
from pyproj import Transformer

from api.http.app import create_app
from api.settings import Settings
from tests.conftest import sign_in

FORCE = {"force": "cleveland"}
ROUTES: dict[str, tuple[str, dict[str, Any]]] = {
    "wards": ("/api/v1/wards", {"from": "2025-10", "to": "2025-12", "precision": "true"}),
    "hexes": ("/api/v1/hexes", {"res": 7}),
    "gi-cells": ("/api/v1/hotspots/gi", {**FORCE, "res": 8, "all": "true"}),
    "gi-wards": ("/api/v1/hotspots/gi", {**FORCE, "unit": "ward", "all": "true"}),
    "emerging": ("/api/v1/hotspots/emerging", {**FORCE, "res": 7}),
    "patrol-plan": ("/api/v1/patrol-plan", {**FORCE, "cells": 12, "format": "geojson"}),
    "incidents": ("/api/v1/incidents", {"limit": 300, "category": "all"}),
}
needs_ogrinfo = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo (gdal-bin) is not installed")


@pytest.fixture(scope="module")
def clients(demo_store: Path) -> Iterator[dict[str, TestClient]]:
    """An analyst and the public on the demo store (police.uk plus the council feeds)."""
    with TestClient(create_app(Settings(store=demo_store))) as analyst:
        sign_in(analyst)
        yield {"analyst": analyst, "public": TestClient(analyst.app)}


def download(client: TestClient, url: str, params: dict[str, Any], fmt: str, folder: Path, **extra: Any) -> Path:
    response = client.get(url, params={**params, "format": fmt, **extra})
    assert response.status_code == 200, response.text
    name = re.fullmatch(r'attachment; filename="([^"]+)"', response.headers["content-disposition"])
    assert name, response.headers["content-disposition"]
    path = folder / name.group(1)
    path.write_bytes(response.content)
    assert int(response.headers["content-length"]) == len(response.content)
    return path


def ogrinfo(path: Path) -> str:
    """GDAL's own summary of the file (every layer, read-only)."""
    target = f"/vsizip/{path}" if path.suffix == ".zip" else str(path)
    done = subprocess.run(["ogrinfo", "-ro", "-al", "-so", target], capture_output=True, text=True, check=True)
    return done.stdout


def ogr_summary(text: str) -> tuple[int, list[str]]:
    """Feature count and field names from ogrinfo's summary."""
    count = int(re.search(r"^Feature Count: (\d+)$", text, re.M).group(1))  # type: ignore[union-attr]
    fields = re.findall(r"^(\S[^:\n]*): (?:String|Integer|Integer64|Real|Date|DateTime)\b", text, re.M)
    return count, fields


def shapefile_names(path: Path) -> dict[str, str]:
    """Full name -> Shapefile field name, from the zip's README.txt."""
    with zipfile.ZipFile(path) as archive:
        readme = archive.read("README.txt").decode()
    rows = re.findall(r"^  (\S+)\s+(\S+) \((?:integer|real|text|boolean)\)$", readme, re.M)
    return {full: short for short, full in rows}


def expected_columns(features: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The GeoJSON's properties as columns: objects one column per member (`located_snap_point`), lists as JSON."""
    columns: dict[str, list[Any]] = {}
    for i, f in enumerate(features):
        for key, value in f["properties"].items():
            items = {f"{key}_{k}": v for k, v in value.items()} if isinstance(value, dict) else {key: value}
            items = {re.sub(r"\W+", "_", name, flags=re.ASCII): v for name, v in items.items()}
            for name, v in items.items():
                if isinstance(v, list):
                    v = json.dumps(v, separators=(",", ":"))
                columns.setdefault(name, [None] * len(features))[i] = v
    return columns


def same(found: Any, wanted: Any) -> bool:
    if wanted is None:
        return found is None or (isinstance(found, float) and math.isnan(found))
    if isinstance(wanted, bool) or isinstance(wanted, str):
        return found == wanted
    return math.isclose(float(found), float(wanted), rel_tol=1e-9, abs_tol=1e-9)


def check_values(frame: Any, features: list[dict[str, Any]], names: dict[str, str] | None = None) -> None:
    """Each property of each feature is the file's value in its column (row order kept)."""
    for column, values in expected_columns(features).items():
        field = names[column] if names else column
        found = frame[field].tolist()
        bad = [(i, found[i], v) for i, v in enumerate(values) if not same(found[i], v)]
        assert not bad, f"{column} ({field}): {bad[:3]}"


@needs_ogrinfo
@pytest.mark.gdal
@pytest.mark.parametrize("route", list(ROUTES))
def test_every_layer_route_exports_a_geopackage_and_a_shapefile_gdal_reads(
    clients: dict[str, TestClient], route: str, tmp_path: Path
) -> None:
    url, params = ROUTES[route]
    analyst = clients["analyst"]
    answer = analyst.get(url, params=params)
    assert answer.status_code == 200, answer.text
    features = answer.json()["features"]
    assert features, route
    columns = list(expected_columns(features))

    gpkg = download(analyst, url, params, "gpkg", tmp_path)
    info = ogrinfo(gpkg)
    count, fields = ogr_summary(info)
    assert count == len(features) and fields == columns, (count, fields)
    assert 'ID["EPSG",4326]' in info
    frame = pyogrio.read_dataframe(gpkg)
    assert len(frame) == len(features) and frame.crs.to_epsg() == 4326
    check_values(frame, features)
    drawn = [shapely.from_geojson(json.dumps(f["geometry"])) if f["geometry"] else None for f in features]
    assert all(
        g is None if d is None else shapely.equals_exact(g, d, tolerance=1e-9) or g.equals(d)
        for g, d in zip(frame.geometry, drawn, strict=True)
    )

    shp = download(analyst, url, params, "shp", tmp_path)
    with zipfile.ZipFile(shp) as archive:
        stem = Path(archive.namelist()[0]).stem
        parts = {f"{stem}{suffix}" for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg")}
        assert set(archive.namelist()) == parts | {"README.txt"}
        assert archive.read(f"{stem}.cpg").decode().strip() == "UTF-8"
    names = shapefile_names(shp)
    assert list(names) == columns and all(len(n) <= 10 for n in names.values())
    assert len({n.lower() for n in names.values()}) == len(names)
    count, fields = ogr_summary(ogrinfo(shp))
    assert count == len(features) and fields == list(names.values())
    frame = pyogrio.read_dataframe(shp)
    assert len(frame) == len(features) and frame.crs.to_epsg() == 4326
    check_values(frame, features, names)


@needs_ogrinfo
@pytest.mark.gdal
@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_british_national_grid_exports_are_reprojected(
    clients: dict[str, TestClient], fmt: str, tmp_path: Path
) -> None:
    url, params = ROUTES["wards"]
    features = clients["analyst"].get(url, params=params).json()["features"]
    path = download(clients["analyst"], url, params, fmt, tmp_path, crs="EPSG:27700")
    assert path.name == f"aim-wards-bng.{'gpkg' if fmt == 'gpkg' else 'zip'}"
    info = ogrinfo(path)
    assert 'ID["EPSG",27700]' in info and "British National Grid" in info
    assert ogr_summary(info)[0] == len(features)
    frame = pyogrio.read_dataframe(path)
    assert frame.crs.to_epsg() == 27700
    xmin, ymin, xmax, ymax = frame.total_bounds
    assert 0 < xmin < xmax < 700_000 and 0 < ymin < ymax < 1_300_000  # metres on the National Grid
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    wanted = [
        shapely.area(
            shapely.transform(
                shapely.from_geojson(json.dumps(f["geometry"])),
                lambda xy: np.column_stack(to_bng.transform(xy[:, 0], xy[:, 1])),
            )
        )
        for f in features
    ]
    assert np.allclose(frame.geometry.area.to_numpy(), wanted, rtol=1e-6)
    codes = frame["code"].tolist()
    assert codes == [f["properties"]["code"] for f in features]


def test_exports_are_audited_like_csv(clients: dict[str, TestClient], tmp_path: Path) -> None:
    app = clients["analyst"].app
    for fmt in ("gpkg", "shp"):
        url, params = ROUTES["hexes"]
        download(clients["analyst"], url, params, fmt, tmp_path)
        count = len(clients["analyst"].get(url, params=params).json()["features"])
        logged = app.state.access.audit_log(limit=5)  # type: ignore[attr-defined]
        mine = next(e for e in logged if e["format"] == fmt)
        assert mine["action"] == "GET /api/v1/hexes" and mine["rows"] == count
    url, params = ROUTES["incidents"]
    download(clients["analyst"], url, params, "gpkg", tmp_path)
    logged = app.state.access.audit_log(limit=2)  # type: ignore[attr-defined]
    assert logged[0]["action"] == "GET /api/v1/incidents" and logged[0]["format"] == "gpkg"
    assert logged[0]["rows"] == 300 and logged[1]["format"] != "gpkg"  # the incident route logs it once


@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_a_public_export_is_its_published_geojson(clients: dict[str, TestClient], fmt: str, tmp_path: Path) -> None:
    public = clients["public"]
    params = {"source": "council", "from": "2025-01", "to": "2025-12"}
    published = public.get("/api/v1/wards", params=params).json()
    assert published["filters"]["disclosure"]
    counts = [f["properties"]["count"] for f in published["features"]]
    assert None in counts and any(c for c in counts)  # some suppressed, some published
    path = download(public, "/api/v1/wards", params, fmt, tmp_path)
    frame = pyogrio.read_dataframe(path)
    names = shapefile_names(path) if fmt == "shp" else None
    check_values(frame, published["features"], names)
    hexes = public.get("/api/v1/hexes", params={**params, "res": 8})
    exported = download(public, "/api/v1/hexes", {**params, "res": 8}, fmt, tmp_path)
    assert len(pyogrio.read_dataframe(exported)) == len(hexes.json()["features"])
    for url, extra in (("/api/v1/hexes", {"res": 10}), ("/api/v1/incidents", {})):
        refused = public.get(url, params={**params, **extra})
        assert public.get(url, params={**params, **extra, "format": fmt}).status_code == refused.status_code >= 400


def test_the_crs_is_only_for_gis_files_and_formats_are_checked(clients: dict[str, TestClient]) -> None:
    analyst = clients["analyst"]
    refused = analyst.get("/api/v1/wards", params={"crs": "EPSG:27700"})
    assert refused.status_code == 422 and "crs" in refused.text
    assert analyst.get("/api/v1/wards", params={"format": "csv"}).status_code == 422
    assert analyst.get("/api/v1/wards", params={"format": "gpkg", "crs": "EPSG:3857"}).status_code == 422
    plan = analyst.get("/api/v1/patrol-plan", params={**FORCE, "cells": 3, "format": "shp", "crs": "EPSG:27700"})
    assert plan.status_code == 200 and plan.headers["content-type"] == "application/zip"
    assert analyst.get("/api/v1/trends", params={"format": "gpkg"}).status_code == 422  # no geometry: no GIS file


def test_nothing_is_left_on_disk(
    clients: dict[str, TestClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for fmt in ("gpkg", "shp"):
        assert clients["analyst"].get("/api/v1/wards", params={"format": fmt}).status_code == 200
    with clients["analyst"].stream("GET", "/api/v1/hexes", params={"format": "gpkg", "res": 9}) as response:
        next(response.iter_bytes())  # a download given up after its first piece
    assert list(tmp_path.iterdir()) == []
