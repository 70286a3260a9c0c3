"""An area read from a GIS file: a real ward's polygon written in British National Grid to a GeoPackage and to a
GeoJSON comes back in WGS84 where it was; files that give no area are refused with the reason."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo.area_files import MAX_FEATURES, MAX_VERTICES, AreaFileError, read_area
from tests.conftest import PROJECT_DATA

WARDS = PROJECT_DATA / "wards" / "wards_dec2022_bsc_cleveland.geojson.gz"


@pytest.fixture(scope="module")
def wards() -> gpd.GeoDataFrame:
    with gzip.open(WARDS, "rt") as fh:
        return gpd.GeoDataFrame.from_features(json.load(fh)["features"], crs="EPSG:4326")


def _bytes(frame: gpd.GeoDataFrame, path: Path, driver: str) -> bytes:
    frame.to_file(path, driver=driver)
    return path.read_bytes()


@pytest.mark.parametrize(
    "driver,suffix,kind,layer", [("GPKG", "gpkg", "GeoPackage", "ward"), ("GeoJSON", "geojson", "GeoJSON", None)]
)
def test_a_ward_in_british_national_grid_comes_back_in_wgs84(
    wards: gpd.GeoDataFrame, tmp_path: Path, driver: str, suffix: str, kind: str, layer: str | None
) -> None:
    ward = wards.iloc[[0]]
    data = _bytes(ward.to_crs("EPSG:27700"), tmp_path / f"ward.{suffix}", driver)
    shape, info = read_area(data)
    assert info == {"kind": kind, "layer": layer, "features": 1, "crs": "EPSG:27700"}
    original = ward.geometry.iloc[0]
    assert shape.geom_type in ("Polygon", "MultiPolygon")
    assert shapely.symmetric_difference(shape, original).area < 0.01 * original.area  # where it was
    assert shapely.get_num_coordinates(shape) <= MAX_VERTICES


def test_several_polygons_are_merged_and_a_geojson_without_crs_is_wgs84(wards: gpd.GeoDataFrame) -> None:
    two = wards.iloc[[0, 1]]
    data = json.dumps({"type": "FeatureCollection", "features": json.loads(two.to_json())["features"]}).encode()
    shape, info = read_area(data)
    assert info["features"] == 2 and info["crs"] == "EPSG:4326"
    merged = shapely.union_all(list(two.geometry))
    assert shapely.symmetric_difference(shape, merged).area < 0.01 * merged.area


def test_files_that_give_no_area_are_refused(wards: gpd.GeoDataFrame, tmp_path: Path) -> None:
    with pytest.raises(AreaFileError, match="GeoJSON or GeoPackage"):
        read_area(b"PK\x03\x04 a zip")
    with pytest.raises(AreaFileError, match="could not be read"):
        read_area(b'{"type": "FeatureCollection", "features": [')
    points = gpd.GeoDataFrame(geometry=shapely.points([[-1.2, 54.5], [-1.1, 54.6]]), crs="EPSG:4326")
    with pytest.raises(AreaFileError, match="must be a polygon"):
        read_area(_bytes(points, tmp_path / "points.geojson", "GeoJSON"))
    many = gpd.GeoDataFrame(geometry=[shapely.box(-1.2, 54.5, -1.19, 54.51)] * (MAX_FEATURES + 1), crs="EPSG:4326")
    with pytest.raises(AreaFileError, match="more than"):
        read_area(_bytes(many, tmp_path / "many.gpkg", "GPKG"))
