"""Monthly police.uk-layout files with national breadth, built from the real files' own patterns.

    python bench/national.py --out DIR [--months 12] [--rows-per-month 500000] [--seed 2025]

Every local authority district of England and Wales (318 in the ONS LAD 2024 boundaries) gets a cloud of snap
points: the real snap points of one of the real districts (the five shipped forces' districts with 500 or more
points, chosen in turn), moved from that district's centre to the target district's centre. Each point is given one
of the target district's LSOA 2021 codes (so AIM places it in the right district) and its real location text. That
gives about 540,000 distinct points spread the way real ones are (dense in towns, sparse outside; national police.uk
data has about 750,000). Rows take their crime type and outcome from the real rows of the same calendar month and
their point at random, weighted by how busy the point is in the real data; a month has `rows-per-month` rows
(national police.uk: about 500,000). Files are written as YYYY-MM-national-street.csv, one per month, ending at
December 2025.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.adapters.police import POLICE_COLUMNS  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def lad_centres(shared: Path) -> dict[str, tuple[str, float, float]]:
    """Every England and Wales LAD 2024: code -> (name, lon, lat) of a point inside it."""
    with gzip.open(shared / "boundaries" / "lad_may2024_buc_uk.geojson.gz", "rt") as fh:
        collection = json.load(fh)
    out = {}
    for feature in collection["features"]:
        props = feature["properties"]
        code = props.get("LAD24CD") or props.get("lad24cd")
        if not code or code[0] not in "EW":
            continue
        point = shapely.point_on_surface(shapely.geometry.shape(feature["geometry"]))
        out[code] = (props.get("LAD24NM") or code, point.x, point.y)
    return out


def lsoas_by_lad(lookup: Path) -> dict[str, list[str]]:
    """LSOA 2021 codes of each LAD 2024."""
    table = pacsv.read_csv(lookup)
    out: dict[str, list[str]] = {}
    for lsoa, lad in zip(table["LSOA21CD"].to_pylist(), table["LAD24CD"].to_pylist(), strict=True):
        out.setdefault(lad, []).append(lsoa)
    return out


def real_rows(shared: Path) -> pa.Table:
    """Every real row of the five forces' files, as strings, with the district of its LSOA."""
    types = {c: pa.string() for c in POLICE_COLUMNS}
    files = sorted((shared / "police_uk").glob("*/*.csv.gz"))
    options = pacsv.ConvertOptions(column_types=types)
    rows = pa.concat_tables([pacsv.read_csv(f, convert_options=options) for f in files])
    lookup = pacsv.read_csv(ROOT / "data" / "lookups" / "lsoa21_places.csv.gz")
    lad = dict(zip(lookup["LSOA21CD"].to_pylist(), lookup["LAD24CD"].to_pylist(), strict=True))
    located = rows.filter(pc.invert(pc.is_null(rows["Longitude"])))
    lads = pa.array([lad.get(x) for x in located["LSOA code"].to_pylist()], pa.string())
    return located.append_column("lad", lads).filter(pc.invert(pc.is_null(lads)))


def national_points(
    real: pa.Table,
    centres: dict[str, tuple[str, float, float]],
    lsoas: dict[str, list[str]],
    rng: np.random.Generator,
) -> tuple[np.ndarray, ...]:
    """The distinct snap points of every district: (lon, lat, location text, LSOA code, weight, district)."""
    lon = np.asarray(real["Longitude"].to_pylist(), dtype=float)
    lat = np.asarray(real["Latitude"].to_pylist(), dtype=float)
    text = np.asarray(real["Location"].to_pylist(), dtype=object)
    lad = np.asarray(real["lad"].to_pylist(), dtype=object)
    clouds = {}
    for s in sorted(set(lad)):
        mask = lad == s
        pairs = np.round(lon[mask], 6) * 1e7 + np.round(lat[mask], 6)
        _, index, weight = np.unique(pairs, return_index=True, return_counts=True)
        lo, la, tx = lon[mask][index], lat[mask][index], text[mask][index]
        if len(index) >= 500:  # a district the five forces cover (not a few rows recorded across a border)
            clouds[s] = (lo - np.median(lo), la - np.median(la), tx, weight)
    sources = sorted(clouds)
    parts = []
    for k, (code, (_, cx, cy)) in enumerate(sorted(centres.items())):
        dx, dy, tx, weight = clouds[sources[k % len(sources)]]
        codes = lsoas.get(code) or ["E01000001"]
        parts.append((cx + dx, cy + dy, tx, rng.choice(codes, len(dx)), weight, np.full(len(dx), code, dtype=object)))
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(6))


def write_months(out: Path, months: int, per_month: int, seed: int, shared: Path) -> None:
    """Write the monthly files."""
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    real = real_rows(shared)
    centres = lad_centres(shared)
    lsoas = lsoas_by_lad(shared / "lookups" / "lsoa21_ward24_lad24_ew.csv.gz")
    lon, lat, text, lsoa, weight, _ = national_points(real, centres, lsoas, rng)
    p = weight / weight.sum()
    print(f"{len(lon):,} distinct points in {len(centres)} districts ({time.perf_counter() - started:.0f} s)")
    month_of_row = np.asarray([m[5:7] for m in real["Month"].to_pylist()])
    out.mkdir(parents=True, exist_ok=True)
    for i in range(months):
        total = (2025 * 12 + 11) - (months - 1 - i)
        year, month = divmod(total, 12)
        label = f"{year}-{month + 1:02d}"
        same = np.flatnonzero(month_of_row == f"{month + 1:02d}")
        pick = rng.choice(same, per_month)
        point = rng.choice(len(lon), per_month, p=p)
        ids = [f"{a:016x}{b:016x}{c:016x}{d:016x}" for a, b, c, d in rng.integers(0, 2**63, (per_month, 4))]
        crime = real["Crime type"].take(pa.array(pick))
        table = pa.table(
            {
                "Crime ID": pa.array(
                    [None if c == "Anti-social behaviour" else x for c, x in zip(crime.to_pylist(), ids, strict=True)],
                    pa.string(),
                ),
                "Month": pa.array([label] * per_month),
                "Reported by": real["Reported by"].take(pa.array(pick)),
                "Falls within": real["Falls within"].take(pa.array(pick)),
                "Longitude": pa.array(np.round(lon[point], 6)),
                "Latitude": pa.array(np.round(lat[point], 6)),
                "Location": pa.array(text[point], pa.string()),
                "LSOA code": pa.array(lsoa[point], pa.string()),
                "LSOA name": pa.array([None] * per_month, pa.string()),
                "Crime type": crime,
                "Last outcome category": real["Last outcome category"].take(pa.array(pick)),
                "Context": pa.array([None] * per_month, pa.string()),
            }
        )
        path = out / f"{label}-national-street.csv"
        if path.exists():  # already written by an earlier run with these options (the draws above keep the sequence)
            print(f"{path.name}: kept")
            continue
        partial = path.with_suffix(".part")  # renamed when whole, so a loader watching the folder never reads half
        pacsv.write_csv(table, partial, write_options=pacsv.WriteOptions(quoting_style="needed"))
        partial.rename(path)
        print(f"{path.name}: {per_month:,} rows, {path.stat().st_size / 1e6:,.0f} MB")


def main() -> None:
    """Build the files."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--rows-per-month", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    write_months(args.out, args.months, args.rows_per_month, args.seed, args.shared)


if __name__ == "__main__":
    main()
