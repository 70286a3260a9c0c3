"""Write the synthetic sample facility list shipped with AIM (run from the project root:
python data/facilities/make_sample.py).

No open list of Middlesbrough's licensed premises is held in the repository, so this list is synthetic: 60 premises
named "Sample premises NN" (no real business), each at a real Middlesbrough (E06000002) postcode centroid from
OS Code-Point Open, labelled with the street of the nearest police.uk map point. Twelve stand at the postcodes nearest
the busiest police.uk ASB points of 2025 (as licensed premises cluster where incidents do), the rest at postcodes drawn
at random across the borough; each has a made-up capacity (persons) as its size.
"""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data" / "facilities" / "middlesbrough-licensed-premises-synthetic.csv"
RNG = np.random.default_rng(20260105)
LAD = "E06000002"  # Middlesbrough
BUSY, SPREAD = 12, 48
ON_OR_NEAR = re.compile(r"^on or near\s+", re.IGNORECASE)


def _postcodes() -> tuple[np.ndarray, list[str]]:
    with gzip.open(ROOT / "data" / "postcodes" / "codepoint_open_2025q4_ts.csv.gz", "rt", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["Admin_district_code"] == LAD and r["Eastings"]]
    seen: dict[tuple[float, float], str] = {}
    for r in rows:  # one postcode per centroid
        seen.setdefault((float(r["Eastings"]), float(r["Northings"])), r["Postcode"])
    return np.array(list(seen), dtype=float), list(seen.values())


def _asb_points() -> tuple[np.ndarray, np.ndarray, list[str]]:
    from pyproj import Transformer

    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    counts: dict[tuple[float, float], list[object]] = {}
    for path in sorted((ROOT / "data" / "demo").glob("2025-*-cleveland-street.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if not r["Longitude"] or not r["LSOA name"].startswith("Middlesbrough"):
                    continue
                key = (float(r["Longitude"]), float(r["Latitude"]))
                entry = counts.setdefault(key, [0, ON_OR_NEAR.sub("", r["Location"])])
                entry[0] = int(str(entry[0])) + (r["Crime type"] == "Anti-social behaviour")
    lon = np.array([k[0] for k in counts])
    lat = np.array([k[1] for k in counts])
    east, north = to_grid.transform(lon, lat)
    asb = np.array([int(str(v[0])) for v in counts.values()])
    return np.column_stack([east, north]), asb, [str(v[1]) for v in counts.values()]


def main() -> None:
    """Write the sample list."""
    centroids, postcodes = _postcodes()
    points, asb, streets = _asb_points()
    by_postcode = cKDTree(centroids)
    busiest = np.argsort(-asb, kind="stable")
    chosen: list[int] = []
    for i in busiest:  # the postcode nearest each of the busiest ASB points, once each
        _, k = by_postcode.query(points[i])
        if int(k) not in chosen:
            chosen.append(int(k))
        if len(chosen) == BUSY:
            break
    rest = [k for k in RNG.permutation(len(postcodes)).tolist() if k not in chosen]
    chosen += rest[:SPREAD]
    by_point = cKDTree(points)
    with OUT.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["name", "street", "postcode", "easting", "northing", "capacity"])
        for n, k in enumerate(chosen, start=1):
            _, near = by_point.query(centroids[k])
            capacity = int(RNG.choice([40, 60, 80, 120, 150, 200, 300, 450]))
            east, north = centroids[k]
            street = streets[int(near)]
            out.writerow([f"Sample premises {n:02d} ({street})", street, postcodes[k], int(east), int(north), capacity])
        # rows a load refuses (with their line and reason): no location, and a location outside Great Britain
        out.writerow(["Sample premises 61 (no location)", "", "", "", "", 100])
        out.writerow(["Sample premises 62 (bad location)", "", "", -5000, 519000, 100])


if __name__ == "__main__":
    main()
