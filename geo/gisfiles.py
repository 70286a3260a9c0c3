"""A FeatureCollection written as a GeoPackage or a zipped Shapefile, through geopandas and pyogrio (GDAL).

The layer is written `BATCH` features at a time (geo.frames), so beyond the collection itself only one batch's
frame is held; files go to disk, never to memory. A Shapefile's field names are at most 10 characters: long names
are shortened (`previous_count` -> `prev_count`) and the zip's README.txt lists every field with its full name.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geo.frames import BATCH, BNG, WGS84, LayerSchema, foreign_members, frames, layer_schema

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
DBF_NAME = 10  # characters in a dBASE field name
DBF_TEXT = 254  # bytes in a dBASE text value
CRS_NAMES = {WGS84: "WGS84 longitude/latitude", BNG: "British National Grid, metres"}

# Shapefile names of AIM's long field names, then of the prefixes of flattened members and words within them
SHORT = {
    "previous_count": "prev_count",
    "neighbourhood_count": "nbhd_count",
    "slices_cold": "slice_cold",
    "expected_per_month": "exp_month",
    "period_count": "period_cnt",
    "other_crime_count": "oth_crime",
    "source_category": "source_cat",
    "occurred_at": "occurred",
    "location_precision": "loc_prec",
    "location_text": "loc_text",
    "recorded_ward": "rec_ward",
    "reported_by": "reported",
    "linked_group": "linked_grp",
}
PREFIXES = {"located_": "loc_", "recent_counts_": "n_"}
WORDS = {"postcode": "pcode", "snap_point": "snap"}


def shapefile_names(names: list[str]) -> dict[str, str]:
    """Each column's Shapefile field name: ASCII letters, digits and _, at most 10 characters, unique ignoring case
    (dBASE names are case-insensitive)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        short = SHORT.get(name, name)
        for prefix, replacement in PREFIXES.items():
            if len(short) > DBF_NAME and short.startswith(prefix):
                rest = short[len(prefix) :]
                short = replacement + WORDS.get(rest, rest)
        short = re.sub(r"[^A-Za-z0-9_]", "_", short, flags=re.ASCII) or "field"
        if not short[0].isalpha():
            short = f"f_{short}"
        candidate, n = short[:DBF_NAME], 2
        while candidate.lower() in taken:
            suffix = f"_{n}"
            candidate, n = short[: DBF_NAME - len(suffix)] + suffix, n + 1
        taken.add(candidate.lower())
        out[name] = candidate
    return out


def _write_options(schema: LayerSchema) -> dict[str, Any]:
    return {"geometry_type": schema.geometry_type or "Unknown", "promote_to_multi": schema.promote_to_multi}


def write_geopackage(
    collection: Mapping[str, Any], path: Path, layer: str, crs: str = WGS84, description: str = "", batch: int = BATCH
) -> int:
    """Write the collection as one layer of a new GeoPackage; the collection's other members (period, filters, ...)
    go into the layer's metadata. Returns the number of features written."""
    features = collection.get("features") or []
    schema = layer_schema(features, batch)
    written = 0
    for i, part in enumerate(frames(features, schema, crs, batch)):
        first = i == 0
        created = (
            {
                "layer_options": {"IDENTIFIER": layer, "DESCRIPTION": description},
                "dataset_options": {"VERSION": "1.2"},  # readable by GDAL 2.2 and later (QGIS 3 LTRs included)
                "layer_metadata": foreign_members(collection) or None,
            }
            if first
            else {}
        )
        part.to_file(
            path,
            layer=layer,
            driver="GPKG",
            engine="pyogrio",
            mode="w" if first else "a",
            index=False,
            **_write_options(schema),
            **created,
        )
        written += len(part)
    return written


def write_shapefile_zip(
    collection: Mapping[str, Any], path: Path, layer: str, crs: str = WGS84, description: str = "", batch: int = BATCH
) -> int:
    """Write the collection as a zipped Shapefile (.shp, .shx, .dbf, .prj, .cpg: text in UTF-8) with a README.txt
    that lists each field's full name and the collection's other members. Returns the number of features written."""
    features = collection.get("features") or []
    schema = layer_schema(features, batch)
    names = shapefile_names([c.name for c in schema.columns])
    written = 0
    with tempfile.TemporaryDirectory(prefix="aim-shp-", dir=path.parent) as folder:
        shp = Path(folder) / f"{layer}.shp"
        texts = [c.name for c in schema.columns if c.kind == "text"]
        for i, part in enumerate(frames(features, schema, crs, batch)):
            for name in texts:
                part[name] = part[name].map(_fit_dbf, na_action="ignore").astype("string")
            part.rename(columns=names).to_file(
                shp,
                driver="ESRI Shapefile",
                engine="pyogrio",
                encoding="UTF-8",
                mode="w" if i == 0 else "a",
                index=False,
                **_write_options(schema),
            )
            written += len(part)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for suffix in SHAPEFILE_PARTS:
                part_path = shp.with_suffix(suffix)
                if part_path.exists():
                    archive.write(part_path, part_path.name)
            archive.writestr("README.txt", shapefile_readme(collection, layer, crs, description, names, schema))
    return written


def _fit_dbf(text: str) -> str:
    """Text cut to what a dBASE field holds (254 bytes of UTF-8), never inside a character."""
    return text.encode()[:DBF_TEXT].decode(errors="ignore")


def shapefile_readme(
    collection: Mapping[str, Any], layer: str, crs: str, description: str, names: dict[str, str], schema: LayerSchema
) -> str:
    """The zip's README.txt: what the layer is, its CRS and encoding, and each field's full name."""
    kinds = {c.name: c.kind for c in schema.columns}
    width = max([len("field"), *map(len, names.values())])
    lines = [
        f"{layer}.shp: {description}" if description else f"{layer}.shp",
        "",
        f"Coordinates: {crs} ({CRS_NAMES.get(crs, crs)}); text: UTF-8 ({layer}.cpg).",
        f"An empty value is null (no value: for a count, not published). Text longer than {DBF_TEXT} bytes is cut",
        "to fit a dBASE field; the GeoPackage export (format=gpkg) keeps it whole and keeps the full field names.",
        "",
        "Fields (Shapefile names are at most 10 characters):",
        f"  {'field':<{width}}  full name",
        *(f"  {short:<{width}}  {full} ({kinds[full]})" for full, short in names.items()),
    ]
    members = foreign_members(collection)
    if members:
        lines += ["", "About the layer (members of the GeoJSON answer):"]
        lines += [f"  {key}: {value}" for key, value in members.items()]
    return "\n".join(lines) + "\n"
