"""Query latency over HTTP: p50/p95/p99 of the map layers, trends, Gi* hotspots and the patrol plan on a store of
at least 5 million incidents, each also as a ratio to the latency of `/healthz` (the HTTP floor) in the same run,
with what bounds each route (the rows it reads) and the machine's load average before and after.

    python bench/queries.py [--store PATH] [--rows 5000000] [--requests 60] [--force nottinghamshire]

National-breadth stores of 20M and 60M incidents: bench/national.py and bench/national_store.py (their docstrings
give the commands), then `--store /tmp/nat60m.duckdb`.

Without --store, builds one: a police.uk-layout file resampled from the real rows of all five forces
(as bench/ingest.py does), ingested into a fresh store. The server is `aim serve` in its own process on loopback.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from serving import served  # noqa: E402

from api.settings import PROJECT_DATA  # noqa: E402
from ingest.boundary_sets import ensure_reference_data  # noqa: E402
from ingest.pipeline import run  # noqa: E402
from ingest.registry import resolve_feed  # noqa: E402
from ingest.store.connection import open_store  # noqa: E402
from ingest.store.read import resolve_force  # noqa: E402


def build_store(shared: Path, rows: int, work: Path) -> Path:
    """A fresh store holding `rows` incidents resampled from the real data."""
    spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench" / "ingest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    csv = work / "national-street.csv"
    module.build_file(shared, rows, csv)
    store = work / "aim.duckdb"
    con = open_store(store)
    ensure_reference_data(con, PROJECT_DATA)
    run(resolve_feed("police"), csv, con)
    con.close()
    csv.unlink()
    return store


def force_bbox(store: Path, force: str) -> tuple[str, int]:
    """A force-wide viewport (bbox of its incidents) and how many incidents the store holds."""
    con = open_store(store)
    found = resolve_force(con, force)
    assert found, force
    marks = ", ".join("?" for _ in found.lads)
    row = con.execute(
        f"SELECT min(lon), min(lat), max(lon), max(lat) FROM incident_counts WHERE lad_code IN ({marks})",  # noqa: S608
        list(found.lads),
    ).fetchall()[0]
    total = int(con.execute("SELECT count(*) FROM incidents").fetchall()[0][0])
    con.close()
    return ",".join(f"{v:.5f}" for v in row), total


# what each route reads, by the table it scans (the sizes are printed from the store before the timings)
BOUNDS = {
    "wards (12 months)": "ward_counts of the period and the one before; then the wards' GeoJSON (about 0.8 MB)",
    "hexes res 8, force viewport": "cell_counts of the period at res 8 in the viewport's cells (count_points); the "
    "hexagons' GeoJSON",
    "hexes res 9, force viewport": "cell_counts of the period at res 9 in the viewport's cells (count_points); the "
    "hexagons' GeoJSON (1.2 MB)",
    "trends (LAD)": "count_months for every month held (partitions x months x categories x LADs)",
    "hotspots top 20 res 9": "cell_counts of the period at res 9 (the top cells); then incident_counts of the period "
    "for the wards of those cells' places",
    "Gi* res 9, one force": "incident_counts of the period in the force's box (scan of the period), Gi* in numpy",
    "patrol plan 20 cells res 9": "incident_counts of the period once (joined to the area's cells); the forecast "
    "fit in numpy; place_texts of the period (the plan's cells)",
}


def table_sizes(store: Path) -> list[tuple[str, int]]:
    """Rows of the tables the routes read, and of the latest 12 months of the ones read by period."""
    con = open_store(store)
    out = []
    for table in (
        "incidents",
        "incident_counts",
        "cell_counts",
        "place_texts",
        "ward_counts",
        "count_months",
        "count_points",
    ):
        out.append((table, int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])))  # noqa: S608
    for table in ("incident_counts", "place_texts"):
        sql = f"SELECT count(*) FROM {table} WHERE month > (SELECT max(month) FROM count_months) - INTERVAL 12 MONTH"  # noqa: S608
        out.append((f"{table}, latest 12 months", int(con.execute(sql).fetchall()[0][0])))
    con.close()
    return out


def measure(client: httpx.Client, url: str, n: int) -> list[float]:
    """Milliseconds of n sequential requests after two warm-ups; every answer must be 200."""
    for _ in range(2):
        client.get(url).raise_for_status()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        r = client.get(url)
        out.append((time.perf_counter() - start) * 1000)
        r.raise_for_status()
    return out


def route_cases(bbox: str, force: str) -> list[tuple[str, str]]:
    """The routes timed, each with its request: a force's viewport for the hexagons, one force for Gi* and the plan."""
    return [
        ("healthz (reference)", "/healthz"),
        ("wards (12 months)", "/api/v1/wards"),
        ("hexes res 8, force viewport", f"/api/v1/hexes?res=8&bbox={bbox}"),
        ("hexes res 9, force viewport", f"/api/v1/hexes?res=9&bbox={bbox}"),
        ("trends (LAD)", "/api/v1/trends?lad=E06000018"),
        ("hotspots top 20 res 9", "/api/v1/hotspots?res=9"),
        ("Gi* res 9, one force", f"/api/v1/hotspots/gi?res=9&force={force}"),
        ("patrol plan 20 cells res 9", f"/api/v1/patrol-plan?cells=20&res=9&force={force}"),
    ]


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=None, help="an existing store (default: build one)")
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--force", default="nottinghamshire")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or build_store(args.shared, args.rows, Path(tmp))
        bbox, total = force_bbox(store, args.force)
        sizes = table_sizes(store)
        load = os.getloadavg()
        with (
            served(store) as (base, token),
            httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}) as client,
        ):
            cases = route_cases(bbox, args.force)
            print(f"store: {store} ({total:,} incidents); {args.requests} sequential requests each over HTTP")
            print("rows: " + "; ".join(f"{name} {n:,}" for name, n in sizes))
            print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
            print(f"{'route':32} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p95/ref':>8}  bound by")
            reference = None
            for name, url in cases:
                ms = measure(client, url, args.requests)
                p50, p95, p99 = (float(np.percentile(ms, q)) for q in (50, 95, 99))
                reference = reference or p95
                bound = BOUNDS.get(name, "the HTTP floor")
                print(f"{name:32} {p50:8.1f} {p95:8.1f} {p99:8.1f} {p95 / reference:8.1f}  {bound}", flush=True)
            load = os.getloadavg()
            print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
