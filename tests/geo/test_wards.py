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
from tests.conftest import PROJECT_DATA, police_file

WARDS_2022 = PROJECT_DATA / "wards" / "wards_dec2022_bsc_cleveland.geojson.gz"


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
        (lambda d: [f["properties"].pop("WD22NM") for f in d["features"]], "property 'WD22NM' missing"),
        (lambda d: d.update(features=[]), "no features"),
        (lambda d: d["features"][0].update(geometry={"type": "Point", "coordinates": [0, 0]}), "Polygon"),
        (lambda d: d["features"][0].update(geometry=None), "features without a geometry: E05001527"),
        (lambda d: d["features"][0]["properties"].update(WD22CD=""), "some features have an empty 'WD22CD'"),
        # degrees declared as Web Mercator metres land a few metres from 0, 0
        (lambda d: d.update(crs={"type": "name", "properties": {"name": "EPSG:3857"}}), "outside the UK.*EPSG:3857"),
    ],
)
def test_bad_boundary_files_are_rejected_with_a_reason(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    data = _collection(WARDS_2022)
    edit(data)
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps(data))
    with pytest.raises(BoundaryError, match=message):
        read_boundary_file(path, "WD22CD", "WD22NM")


SHIPPED = Path(__file__).resolve().parents[2] / "data" / "wards" / "wards_dec2022_bsc_cleveland.geojson.gz"


def _frame():  # type: ignore[no-untyped-def]
    import geopandas as gpd

    return gpd.read_file(f"/vsigzip/{SHIPPED}", engine="pyogrio")


def _same_wards(found, wanted) -> None:  # type: ignore[no-untyped-def]
    assert list(found.codes) == list(wanted.codes) and list(found.names) == list(wanted.names)
    bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)

    def areas(geoms: np.ndarray) -> np.ndarray:
        return shapely.area(shapely.transform(geoms, lambda xy: np.column_stack(bng.transform(xy[:, 0], xy[:, 1]))))

    assert np.allclose(areas(found.geometries), areas(wanted.geometries), rtol=1e-3)


def test_shapefiles_geopackages_and_projected_files_read_as_the_geojson(tmp_path: Path) -> None:
    wanted = read_boundary_file(SHIPPED, "WD22CD", "WD22NM", "LAD24CD", "LAD24NM")
    frame = _frame()
    frame.to_crs("EPSG:27700").to_file(tmp_path / "wards.shp", engine="pyogrio")
    frame.to_crs("EPSG:3857").to_file(tmp_path / "wards.gpkg", layer="wards", engine="pyogrio")
    frame.to_crs("EPSG:27700").to_file(tmp_path / "wards.gpkg", layer="other", engine="pyogrio")
    shp = read_boundary_file(tmp_path / "wards.shp", "WD22CD", "WD22NM", "LAD24CD", "LAD24NM")
    _same_wards(shp, wanted)
    assert list(shp.lad_codes) == list(wanted.lad_codes) and list(shp.lad_names) == list(wanted.lad_names)
    with pytest.raises(BoundaryError, match=r"holds 2 layers \(wards, other\): choose one"):
        read_boundary_file(tmp_path / "wards.gpkg", "WD22CD", "WD22NM")
    with pytest.raises(BoundaryError, match="no layer 'nope'; it holds wards, other"):
        read_boundary_file(tmp_path / "wards.gpkg", "WD22CD", "WD22NM", layer="nope")
    _same_wards(read_boundary_file(tmp_path / "wards.gpkg", "WD22CD", "WD22NM", layer="wards"), wanted)
    _same_wards(read_boundary_file(tmp_path / "wards.gpkg", "wd22cd", "wd22nm", layer="other"), wanted)
    (tmp_path / "wards.prj").unlink()  # a Shapefile that lost its .prj: metres with no CRS
    with pytest.raises(BoundaryError, match=r"declares no CRS .*--crs EPSG:27700"):
        read_boundary_file(tmp_path / "wards.shp", "WD22CD", "WD22NM")
    _same_wards(read_boundary_file(tmp_path / "wards.shp", "WD22CD", "WD22NM", crs="EPSG:27700"), wanted)


def test_unreadable_and_unusable_layers_are_refused_with_a_reason(tmp_path: Path) -> None:
    text = tmp_path / "wards.geojson"
    text.write_text("Ward,Code\nCentral,E05009857\n" * 3)
    with pytest.raises(BoundaryError, match=r"cannot read the file \(No such file or directory\)"):
        read_boundary_file(tmp_path / "missing.shp", "WD22CD", "WD22NM")
    with pytest.raises(BoundaryError, match="not a boundary file GDAL can read"):
        read_boundary_file(text, "WD22CD", "WD22NM")
    frame = _frame()
    frame.head(0).to_file(tmp_path / "empty.gpkg", engine="pyogrio")
    with pytest.raises(BoundaryError, match="no features"):
        read_boundary_file(tmp_path / "empty.gpkg", "WD22CD", "WD22NM")
    points = frame.copy()
    points.geometry = frame.geometry.representative_point()
    points.to_file(tmp_path / "points.shp", engine="pyogrio")
    with pytest.raises(BoundaryError, match="every feature must be a Polygon or MultiPolygon; found Point"):
        read_boundary_file(tmp_path / "points.shp", "WD22CD", "WD22NM")


def test_invalid_polygons_are_made_valid_and_names_stay_text(tmp_path: Path) -> None:
    import geopandas as gpd

    hostile = ['=HYPERLINK("http://x","y")', "<b>Central</b> & {{ x }}", "2024-01-01", "Ŵard Glan-yr-Afon", "12"]
    bow_tie = shapely.Polygon([(-1.25, 54.55), (-1.2, 54.6), (-1.2, 54.55), (-1.25, 54.6), (-1.25, 54.55)])
    square = shapely.box(-1.3, 54.5, -1.28, 54.52)
    frame = gpd.GeoDataFrame(
        {"code": [101, 102, 103, 104, 105], "name": hostile},
        geometry=[bow_tie, square, square, square, square],
        crs="EPSG:4326",
    )
    for suffix in (".geojson", ".shp", ".gpkg"):
        frame.to_file(tmp_path / f"w{suffix}", engine="pyogrio")
        wards = read_boundary_file(tmp_path / f"w{suffix}", "code", "name")
        assert list(wards.codes) == ["101", "102", "103", "104", "105"]
        assert list(wards.names) == hostile, suffix
        assert shapely.is_valid(wards.geometries).all() and shapely.get_type_id(wards.geometries[0]) == 6
        assert abs(shapely.area(wards.geometries[0]) - shapely.area(shapely.make_valid(bow_tie))) < 1e-12
