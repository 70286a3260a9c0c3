"""Boundary files: validation, reprojection and vectorised point-in-polygon on the real ONS wards."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest
import shapely
from pyproj import Transformer

from geo.errors import BoundaryError
from geo.wards import locate, read_boundary_file
from tests.conftest import SHARED, police_file

WARDS_2022 = SHARED / "boundaries" / "wards_dec2022_bsc_cleveland.geojson.gz"


def _collection(path: Path) -> dict:
    return json.loads(gzip.decompress(path.read_bytes()))


def test_reads_real_wards() -> None:
    wards = read_boundary_file(WARDS_2022, "WD22CD", "WD22NM", "LAD24CD", "LAD24NM")
    assert len(wards) == 82
    assert set(wards.lad_codes) == {"E06000001", "E06000002", "E06000003", "E06000004"}
    assert shapely.is_valid(wards.geometries).all()


def test_real_cleveland_asb_points_fall_in_wards_as_the_readme_says() -> None:
    rows = pacsv.read_csv(police_file("cleveland", "07"))
    asb = rows.filter(pc.equal(rows["Crime type"], "Anti-social behaviour"))
    wards = read_boundary_file(WARDS_2022, "WD22CD", "WD22NM")
    index = locate(wards.geometries, asb["Longitude"].to_numpy(), asb["Latitude"].to_numpy())
    assert (index >= 0).mean() > 0.995  # README: 99.8% over the year


def test_locate_agrees_with_a_plain_contains_loop() -> None:
    wards = read_boundary_file(WARDS_2022, "WD22CD", "WD22NM")
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(-1.45, -0.8, 3000), rng.uniform(54.45, 54.75, 3000)
    index = locate(wards.geometries, lon, lat)
    for i in range(0, 3000, 37):
        inside = [j for j, g in enumerate(wards.geometries) if shapely.intersects(g, shapely.Point(lon[i], lat[i]))]
        assert index[i] == (inside[0] if inside else -1)


def test_british_national_grid_file_is_reprojected(tmp_path: Path) -> None:
    data = _collection(WARDS_2022)
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    for f in data["features"]:
        g = shapely.from_geojson(json.dumps(f["geometry"]))
        g = shapely.transform(g, lambda xy: np.column_stack(to_bng.transform(xy[:, 0], xy[:, 1])))
        f["geometry"] = json.loads(shapely.to_geojson(g))
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    path = tmp_path / "bng.geojson"
    path.write_text(json.dumps(data))
    wards = read_boundary_file(path, "WD22CD", "WD22NM")
    original = read_boundary_file(WARDS_2022, "WD22CD", "WD22NM")
    assert np.allclose(shapely.total_bounds(wards.geometries), shapely.total_bounds(original.geometries), atol=1e-4)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["features"][1]["properties"].update(WD22CD=d["features"][0]["properties"]["WD22CD"]),
            "duplicate codes",
        ),
        (lambda d: d["features"][0]["properties"].pop("WD22NM"), "property 'WD22NM' missing"),
        (lambda d: d.update(features=[]), "no features"),
        (lambda d: d.update(type="Feature"), "not a GeoJSON FeatureCollection"),
        (lambda d: d["features"][0].update(geometry={"type": "Point", "coordinates": [0, 0]}), "Polygon"),
        (lambda d: d.update(crs={"type": "name", "properties": {"name": "EPSG:3857"}}), "unsupported CRS"),
    ],
)
def test_bad_boundary_files_are_rejected_with_a_reason(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    data = _collection(WARDS_2022)
    edit(data)
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps(data))
    with pytest.raises(BoundaryError, match=message):
        read_boundary_file(path, "WD22CD", "WD22NM")
