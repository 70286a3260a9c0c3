"""`aim wards load` reads boundary files in any format GDAL reads and any CRS: the shipped GeoJSON written as a
British National Grid Shapefile (plain and zipped) and as a GeoPackage loads the same wards with the same areas."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from typer.testing import CliRunner

from api.cli import app
from ingest.store import read
from ingest.store.connection import open_store
from tests.conftest import PROJECT_DATA, new_store

SHIPPED = PROJECT_DATA / "wards" / "wards2024_approx_from_lsoa21_cleveland.geojson.gz"
FIELDS = ["--code-field", "WD24CD", "--name-field", "WD24NM", "--lad-field", "LAD24CD", "--lad-name-field", "LAD24NM"]
runner = CliRunner()


def _load(store: Path, name: str, path: Path, *extra: str) -> str:
    result = runner.invoke(app, ["wards", "load", str(path), *FIELDS, "--name", name, *extra, "--store", str(store)])
    assert result.exit_code == 0, result.output
    return result.output


def _wards(store: Path, name: str) -> gpd.GeoDataFrame:
    con = open_store(store)
    try:
        rows = read.ward_geometries(con, name).to_pylist()
    finally:
        con.close()
    features = [
        {
            "type": "Feature",
            "properties": {k: r[k] for k in ("code", "name", "lad_code", "lad_name")},
            "geometry": json.loads(r["geometry"]),
        }
        for r in rows
    ]
    return gpd.GeoDataFrame.from_features(features, crs="EPSG:4326").set_index("code").sort_index()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("wards")
    store = folder / "aim.duckdb"
    new_store(store).close()
    frame = gpd.read_file(f"/vsigzip/{SHIPPED}", engine="pyogrio")
    frame = frame[["WD24CD", "WD24NM", "LAD24CD", "LAD24NM", "geometry"]]  # field names a Shapefile holds
    frame.to_crs("EPSG:27700").to_file(folder / "wards_bng.shp", engine="pyogrio", encoding="UTF-8")
    with zipfile.ZipFile(folder / "wards_bng.zip", "w") as archive:
        for part in folder.glob("wards_bng.*"):
            if part.suffix != ".zip":
                archive.write(part, part.name)
    frame.to_file(folder / "wards.gpkg", layer="wards", engine="pyogrio")
    frame.to_crs("EPSG:27700").to_file(folder / "wards.gpkg", layer="wards_bng", engine="pyogrio")
    outputs = {
        "geojson": _load(store, "from-geojson", SHIPPED),
        "shp": _load(store, "from-shp", folder / "wards_bng.shp"),
        "zip": _load(store, "from-zip", folder / "wards_bng.zip"),
        "gpkg": _load(store, "from-gpkg", folder / "wards.gpkg", "--layer", "wards_bng"),
    }
    return store, outputs


@pytest.mark.parametrize("kind", ["shp", "zip", "gpkg"])
def test_a_shapefile_or_geopackage_in_bng_loads_the_wards_of_the_geojson(
    loaded: tuple[Path, dict[str, str]], kind: str
) -> None:
    store, outputs = loaded
    assert "boundary set from-geojson: 83 wards loaded" in outputs["geojson"]
    assert f"boundary set from-{kind}: 83 wards loaded" in outputs[kind]
    wanted, found = _wards(store, "from-geojson"), _wards(store, f"from-{kind}")
    assert list(found.index) == list(wanted.index)
    assert (found[["name", "lad_code", "lad_name"]] == wanted[["name", "lad_code", "lad_name"]]).all().all()
    ratio = found.to_crs("EPSG:27700").area / wanted.to_crs("EPSG:27700").area
    assert ((ratio - 1).abs() < 0.001).all(), ratio.describe()
    assert found.is_valid.all()


def test_a_geopackage_with_several_layers_needs_one_named(loaded: tuple[Path, dict[str, str]]) -> None:
    store, _ = loaded
    gpkg = store.parent / "wards.gpkg"
    result = runner.invoke(app, ["wards", "load", str(gpkg), *FIELDS, "--store", str(store)])
    assert result.exit_code == 1 and "holds 2 layers (wards, wards_bng): choose one (--layer)" in result.output
