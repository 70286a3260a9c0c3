"""GeoPackage and zipped Shapefile files (geo.gisfiles): written in batches, read back by GDAL with the same values;
hostile text stays text; Shapefile field names fit dBASE and the README names them."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest

from geo.features import hex_features
from geo.frames import BNG
from geo.gisfiles import shapefile_names, write_geopackage, write_shapefile_zip

HOSTILE = [
    '=HYPERLINK("http://example.com","x")',
    "+1-2",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "Ŵard Glan-yr-Afon — “quoted” é",
    "tab\tand\nnewline",
    "",
    "ü" * 200,  # 400 bytes of UTF-8: more than a dBASE field holds
]


def _layer(n: int) -> dict[str, Any]:
    cells = np.array([0x88194654E3FFFFF], dtype=np.uint64)  # a Middlesbrough hexagon
    base = hex_features(cells, [{}])[0]["geometry"]
    features = [
        {
            "type": "Feature",
            "id": f"f{i}",
            "geometry": base,
            "properties": {"name": HOSTILE[i % len(HOSTILE)], "count": i, "previous_count": None if i % 2 else i},
        }
        for i in range(n)
    ]
    return {"type": "FeatureCollection", "features": features, "period": {"from": "2025-01", "to": "2025-12"}}


def test_shapefile_names_fit_dbase_and_stay_unique() -> None:
    names = shapefile_names(
        ["previous_count", "located_snap_point", "located_postcode", "recent_counts_Oct_2025", "count", "abcdefghijk1"]
        + ["abcdefghijk2", "ABCDEFGHIJK3", "9lives", "located_point"]
    )
    assert names == {
        "previous_count": "prev_count",
        "located_snap_point": "loc_snap",
        "located_postcode": "loc_pcode",
        "recent_counts_Oct_2025": "n_Oct_2025",
        "count": "count",
        "abcdefghijk1": "abcdefghij",
        "abcdefghijk2": "abcdefgh_2",
        "ABCDEFGHIJK3": "ABCDEFGH_3",
        "9lives": "f_9lives",
        "located_point": "loc_point",
    }


@pytest.mark.parametrize("crs", ["EPSG:4326", BNG])
def test_layers_written_in_batches_read_back_whole(tmp_path: Path, crs: str) -> None:
    layer = _layer(50)
    gpkg, shp = tmp_path / "x.gpkg", tmp_path / "x.zip"
    assert write_geopackage(layer, gpkg, "cells", crs, "test", batch=7) == 50
    assert write_shapefile_zip(layer, shp, "cells", crs, "test", batch=7) == 50
    for path in (gpkg, shp):
        info = pyogrio.read_info(path)
        assert info["features"] == 50 and info["crs"] == crs
        frame = pyogrio.read_dataframe(path)
        assert frame["count"].tolist() == list(range(50))
    assert pyogrio.read_info(gpkg)["layer_metadata"]["period"] == '{"from":"2025-01","to":"2025-12"}'
    assert list(pyogrio.read_dataframe(shp).columns) == ["name", "count", "prev_count", "geometry"]


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    layer = _layer(len(HOSTILE))
    write_geopackage(layer, tmp_path / "x.gpkg", "cells")
    write_shapefile_zip(layer, tmp_path / "x.zip", "cells")
    names = pyogrio.read_dataframe(tmp_path / "x.gpkg")["name"].tolist()
    assert [n if isinstance(n, str) else "" for n in names] == HOSTILE
    with zipfile.ZipFile(tmp_path / "x.zip") as archive:
        assert archive.read("cells.cpg") == b"UTF-8"
        readme = archive.read("README.txt").decode()
    assert "prev_count  previous_count (integer)" in readme and 'period: {"from":"2025-01","to":"2025-12"}' in readme
    shp = [n if isinstance(n, str) else "" for n in pyogrio.read_dataframe(tmp_path / "x.zip")["name"].tolist()]
    assert shp[:-1] == HOSTILE[:-1]
    assert shp[-1] == "ü" * 127 and len(shp[-1].encode()) == 254  # cut to 254 bytes, never inside a character
