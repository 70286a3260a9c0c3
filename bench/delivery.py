"""Delivery load throughput: AIM loading a CSV of 1-minute patrol pings as delivery (read, check, dosage, write)
against DuckDB merely reading the same file, each side in its own fresh process.

    python bench/delivery.py [--pings 3000000] [--repeat 1] [--profile]

Builds a force's month of pings in the plain CSV pings layout (device, time, lat, lon; ISO 8601 UTC times): foot
patrols walking (1-1.5 m/s) and vehicles driving (8-12 m/s) on 8-hour shifts of one ping a minute across Cleveland,
seeded. Then times (a) DuckDB `read_csv` of the file into a table in a fresh database and (b) `load_delivery` into a
fresh store (schema only, no reference data needed). Each runs in a new Python process, so each side's peak resident
memory (VmHWM) is its own. Prints pings/s and CPU seconds for both (CPU seconds say what a busy machine's wall
clock cannot), the ratio (b)/(a) of their times, and both peaks; the target is a month's 3 million pings in under
10 s and under 1 GB. The machine may be shared: compare the ratios, not seconds.
With --profile, AIM's side runs under cProfile and prints the top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHIFT_MINUTES = 480
BOX = (-1.30, 54.52, -1.05, 54.62)  # lon, lat: Middlesbrough, Stockton, Redcar
M_PER_DEG_LAT = 111_320.0


def peak_rss_mb() -> float:
    """Peak resident memory of this process, MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build_file(pings: int, out: Path, seed: int = 26) -> None:
    """A month of 1-minute pings: 8-hour shifts, a third of them vehicles, spread over 30 days."""
    rng = np.random.default_rng(seed)
    shifts = max(pings // SHIFT_MINUTES, 1)
    n = shifts * SHIFT_MINUTES
    vehicle = rng.random(shifts) < 1 / 3
    speed = np.where(vehicle, rng.uniform(8, 12, shifts), rng.uniform(1.0, 1.5, shifts))
    heading = np.cumsum(rng.normal(0, 0.6, (shifts, SHIFT_MINUTES)), axis=1) + rng.uniform(0, 6.3, (shifts, 1))
    stopped = rng.random((shifts, SHIFT_MINUTES)) < 0.3  # dwelling: no step
    step = np.where(stopped, 0.0, speed[:, None] * 60.0)
    lat0 = (BOX[1] + BOX[3]) / 2
    dx = np.cumsum(step * np.cos(heading), axis=1) / (M_PER_DEG_LAT * np.cos(np.radians(lat0)))
    dy = np.cumsum(step * np.sin(heading), axis=1) / M_PER_DEG_LAT
    lon = np.clip(rng.uniform(BOX[0], BOX[2], (shifts, 1)) + dx, BOX[0], BOX[2])
    lat = np.clip(rng.uniform(BOX[1], BOX[3], (shifts, 1)) + dy, BOX[1], BOX[3])
    start = np.datetime64("2026-01-01T00:00:00") + (
        rng.integers(0, 30, shifts) * 86400 + rng.choice([7, 15, 22], shifts) * 3600
    ).astype("timedelta64[s]")
    times = (start[:, None] + (np.arange(SHIFT_MINUTES) * 60).astype("timedelta64[s]")).ravel()
    devices = np.repeat(np.char.add("unit-", (np.arange(shifts) % 400).astype(str)), SHIFT_MINUTES)
    table = pa.table(
        {
            "device": pa.array(devices),
            "time": pa.array(np.char.add(np.datetime_as_string(times, unit="s"), "Z")),
            "lat": pa.array(lat.ravel().round(6)),
            "lon": pa.array(lon.ravel().round(6)),
        }
    )
    pacsv.write_csv(table, out)
    assert table.num_rows == n


def run_duckdb(path: Path) -> dict[str, float]:
    """DuckDB alone: the file read into a table of a fresh database."""
    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "raw.duckdb"))
        started, cpu = time.perf_counter(), time.process_time()
        con.execute("CREATE TABLE raw AS SELECT * FROM read_csv(?)", [str(path)])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = con.execute("SELECT count(*) FROM raw").fetchone()
        con.close()
    return {"seconds": seconds, "cpu": cpu, "rows": float(rows[0] if rows else 0), "peak_mb": peak_rss_mb()}


def run_aim(path: Path, profile: bool) -> dict[str, float]:
    """AIM: the file loaded as one agency's delivery into a fresh store."""
    from ingest.delivery import DeliveryOptions, load_delivery
    from ingest.registry import movement_source
    from ingest.store.connection import open_store

    with tempfile.TemporaryDirectory() as tmp:
        con = open_store(Path(tmp) / "aim.duckdb")
        files = [(movement_source("pings-csv"), path)]
        profiler = cProfile.Profile() if profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        report = load_delivery(con, files, "police", DeliveryOptions())
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        con.close()
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    return {"seconds": seconds, "cpu": cpu, "rows": float(report.pings_kept), "peak_mb": peak_rss_mb()}


def child(side: str, path: Path, profile: bool = False) -> dict[str, float]:
    """One side in a fresh process."""
    command = [sys.executable, __file__, "--child", side, "--file", str(path)] + (["--profile"] if profile else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    if profile:
        print(done.stderr, file=sys.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Build the file, run both sides `--repeat` times alternating, print each run and the median ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pings", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", choices=("duckdb", "aim"))
    parser.add_argument("--file", type=Path)
    args = parser.parse_args()
    if args.child:
        result = run_duckdb(args.file) if args.child == "duckdb" else run_aim(args.file, args.profile)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "pings.csv"
        if not args.file:
            build_file(args.pings, path)
        print(f"{path.stat().st_size / 1e6:.0f} MB of CSV pings")
        ratios = []
        for _ in range(args.repeat):
            raw, aim = child("duckdb", path), child("aim", path, args.profile)
            ratios.append(aim["seconds"] / raw["seconds"])
            for name, r in (("DuckDB read_csv", raw), ("AIM delivery load", aim)):
                print(
                    f"{name:18}: {r['rows']:>11,.0f} pings in {r['seconds']:6.2f} s "
                    f"({r['rows'] / r['seconds']:>10,.0f}/s; CPU {r['cpu']:.2f} s), peak {r['peak_mb']:,.0f} MB"
                )
        print(f"ratio (b)/(a) time, median of {len(ratios)}: {float(np.median(ratios)):.1f}")


if __name__ == "__main__":
    main()
