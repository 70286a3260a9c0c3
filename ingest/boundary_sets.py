"""Load ward boundary sets into the store (shipped ONS sets and users' own) and place every known point."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from geo.errors import BoundaryError
from geo.wards import BoundarySet, read_boundary_file, to_feature_geometry
from ingest.cells import derive_point_cells
from ingest.enrich import place_in_wards, with_cells
from ingest.store.connection import Connection
from ingest.store.read.reference import boundary_set_names
from ingest.store.write.reference import (
    all_places,
    lad_areas_loaded,
    load_lad_areas,
    load_lsoa_places,
    lsoa_places_loaded,
    save_boundary_set,
)


@dataclass(frozen=True)
class ShippedSet:
    """A boundary set bundled in data/wards."""

    name: str
    pattern: str
    code_field: str
    name_field: str
    description: str


SHIPPED_SETS = (
    ShippedSet(
        "wards-2024",
        "wards2024_approx_from_lsoa21_*.geojson.gz",
        "WD24CD",
        "WD24NM",
        "ONS wards (2024), approximated from LSOA 2021 best fit; five force areas",
    ),
    ShippedSet(
        "wards-2022",
        "wards_dec2022_bsc_*.geojson.gz",
        "WD22CD",
        "WD22NM",
        "ONS Wards (December 2022) BSC; five force areas",
    ),
)


def read_boundary_files(
    paths: list[Path],
    code_field: str,
    name_field: str,
    lad_field: str | None,
    lad_name_field: str | None,
    layer: str | None = None,
    crs: str | None = None,
) -> BoundarySet:
    """Read several boundary files (any format GDAL reads, any CRS) into one set; codes must be unique across them."""
    parts = [read_boundary_file(p, code_field, name_field, lad_field, lad_name_field, layer, crs) for p in paths]
    merged = BoundarySet(
        *(
            np.concatenate([getattr(p, f) for p in parts])
            for f in ("codes", "names", "lad_codes", "lad_names", "geometries")
        )
    )
    unique, counts = np.unique(merged.codes.astype(str), return_counts=True)
    if (counts > 1).any():
        raise BoundaryError(
            ", ".join(map(str, paths)), f"duplicate codes across files: {', '.join(unique[counts > 1][:5])}"
        )
    return merged


def load_boundary_set(
    con: Connection,
    name: str,
    paths: list[Path],
    code_field: str,
    name_field: str,
    lad_field: str | None = None,
    lad_name_field: str | None = None,
    description: str = "",
    make_default: bool = False,
    layer: str | None = None,
    crs: str | None = None,
) -> int:
    """Validate boundary files, store them as a named set and place every known point; returns ward count. `layer`
    picks a layer of files that hold several (a GeoPackage); `crs` is the CRS of files that declare none."""
    wards = read_boundary_files(paths, code_field, name_field, lad_field, lad_name_field, layer, crs)
    table = pa.table(
        {
            "code": pa.array(wards.codes.tolist(), pa.string()),
            "name": pa.array([n or c for n, c in zip(wards.names.tolist(), wards.codes.tolist(), strict=True)]),
            "lad_code": pa.array(wards.lad_codes.tolist(), pa.string()),
            "lad_name": pa.array(wards.lad_names.tolist(), pa.string()),
            "geometry": pa.array([json.dumps(g) for g in to_feature_geometry(wards.geometries)], pa.string()),
        }
    )
    placed = place_in_wards(wards.codes, wards.geometries, all_places(con))
    source = ", ".join(str(p) for p in paths)
    save_boundary_set(con, name, description or source, source, table, placed, make_default)
    return len(wards)


def ensure_reference_data(con: Connection, data_dir: Path) -> None:
    """Load the shipped LSOA reference and ONS ward sets into a store that lacks them, and fill in the per-point
    cells a store written before they were kept lacks."""
    if not lsoa_places_loaded(con):
        load_lsoa_places(con, _lsoa_places(data_dir / "lookups" / "lsoa21_places.csv.gz"))
    if not lad_areas_loaded(con):
        load_lad_areas(con, _lad_areas(data_dir / "lookups" / "lad24_csp24_pfa24_ew.csv"))
    loaded = set(boundary_set_names(con))
    for shipped in SHIPPED_SETS:
        if shipped.name not in loaded:
            paths = sorted((data_dir / "wards").glob(shipped.pattern))
            load_boundary_set(
                con,
                shipped.name,
                paths,
                shipped.code_field,
                shipped.name_field,
                "LAD24CD",
                "LAD24NM",
                shipped.description,
                make_default=not loaded,
            )
            loaded.add(shipped.name)
    derive_point_cells(con)


def _lad_areas(path: Path) -> pa.Table:
    raw = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types={"LAD24CD": pa.string()}))
    names = ["LAD24CD", "LAD24NM", "CSP24CD", "CSP24NM", "PFA24CD", "PFA24NM"]
    return pa.table(
        [raw[n] for n in names], names=["lad_code", "lad_name", "csp_code", "csp_name", "pfa_code", "pfa_name"]
    )


def _lsoa_places(path: Path) -> pa.Table:
    raw = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types={"LSOA21CD": pa.string(), "lon": pa.float64(), "lat": pa.float64()}
        ),
    )
    lon, lat = raw["lon"].to_numpy(zero_copy_only=False), raw["lat"].to_numpy(zero_copy_only=False)
    has = ~np.isnan(lon)
    cells = np.zeros(len(lon), dtype=np.uint64)
    cells[has] = with_cells(lon[has], lat[has])["cell"].to_numpy()
    return pa.table(
        {
            "lsoa_code": raw["LSOA21CD"],
            "lsoa_name": raw["LSOA21NM"],
            "lad_code": raw["LAD24CD"],
            "lad_name": raw["LAD24NM"],
            "lon": raw["lon"],
            "lat": raw["lat"],
            "place_cell": pa.array(cells, pa.uint64(), mask=~has),
        }
    )
