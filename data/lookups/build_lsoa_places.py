"""Rebuild lsoa21_places.csv.gz: ONS LSOA21 -> LAD24 best-fit lookup plus a representative point per LSOA.

Run from the project root with the shared data beside it:
    python data/lookups/build_lsoa_places.py ../shared/data
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pandas as pd
import shapely


def main(shared: Path) -> None:
    """Write data/lookups/lsoa21_places.csv.gz."""
    lookup = pd.read_csv(shared / "lookups" / "lsoa21_ward24_lad24_ew.csv.gz", dtype=str)
    points = []
    for path in sorted((shared / "boundaries").glob("lsoa_dec2021_bsc_*.geojson.gz")):
        features = json.loads(gzip.decompress(path.read_bytes()))["features"]
        geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
        reps = shapely.point_on_surface(geoms)
        for f, x, y in zip(features, shapely.get_x(reps), shapely.get_y(reps), strict=True):
            points.append({"LSOA21CD": f["properties"]["LSOA21CD"], "lon": round(x, 6), "lat": round(y, 6)})
    located = pd.DataFrame(points).drop_duplicates("LSOA21CD")
    out = lookup[["LSOA21CD", "LSOA21NM", "LAD24CD", "LAD24NM"]].merge(located, on="LSOA21CD", how="left")
    target = Path(__file__).with_name("lsoa21_places.csv.gz")
    out.sort_values("LSOA21CD").to_csv(target, index=False, compression={"method": "gzip", "mtime": 0})
    print(f"{target}: {len(out)} LSOAs, {out['lon'].notna().sum()} with a point")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
