"""Ingest throughput: AIM's full police.uk ingest against a raw DuckDB read_csv of the same file, each side in its
own fresh process.

    python bench/ingest.py [--rows 5000000] [--file FILE] [--repeat 1] [--shared ../shared/data] [--profile]
    python bench/ingest.py --real [--shared ../shared/data]

Builds a national-scale file in police.uk layout by resampling the real monthly files (all five forces), or uses
--file, then times (a) DuckDB `read_csv` into a table in a fresh database and (b) `pipeline.run` into a fresh store
with the shipped reference data. Each runs in a new Python process, so each side's peak resident memory (VmHWM,
for AIM counted from after the reference data is loaded) is its own. Prints rows/s for both, the ratio (b)/(a)
and both peaks. With --real, times loading the 12 real Cleveland monthly files and the three shipped sample
council feeds into a fresh store instead.
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
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.adapters.police import POLICE_COLUMNS  # noqa: E402
from ingest.boundary_sets import ensure_reference_data  # noqa: E402
from ingest.dedupe import LinkRule  # noqa: E402
from ingest.pipeline import IngestOptions, run  # noqa: E402
from ingest.registry import feed_files, resolve_feed, shipped_feeds  # noqa: E402
from ingest.store.connection import open_store  # noqa: E402

PROJECT_DATA = ROOT / "data"


def reset_peak_rss() -> None:
    """Reset the kernel's peak-RSS counter for this process (Linux)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    """Peak resident memory since the last reset, MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build_file(shared: Path, rows: int, out: Path, seed: int = 2025) -> None:
    """Resample the real police.uk rows of every force and month into one file of `rows` rows."""
    files = sorted((shared / "police_uk").glob("*/*.csv.gz"))
    types = {c: pa.string() for c in POLICE_COLUMNS}
    tables = [pacsv.read_csv(f, convert_options=pacsv.ConvertOptions(column_types=types)) for f in files]
    real = pa.concat_tables(tables)
    rng = np.random.default_rng(seed)
    with pacsv.CSVWriter(out, real.schema, write_options=pacsv.WriteOptions(quoting_style="needed")) as writer:
        done = 0
        while done < rows:
            n = min(1_000_000, rows - done)
            index = np.sort(rng.integers(0, real.num_rows, n))
            writer.write_table(real.take(pa.array(index)))
            done += n
    print(
        f"built {out} : {rows:,} rows resampled from {real.num_rows:,} real rows in {len(files)} files, "
        f"{out.stat().st_size / 1e6:,.0f} MB"
    )


def time_read_csv(path: Path, work: Path) -> tuple[float, int, float]:
    """(seconds, rows, peak MB) for DuckDB read_csv of the file into a table in a fresh database file."""
    con = duckdb.connect(str(work / "raw.duckdb"), config={"memory_limit": "2GB"})
    start = time.perf_counter()
    con.execute("CREATE TABLE raw AS SELECT * FROM read_csv(?, header = true)", [str(path)])
    seconds = time.perf_counter() - start
    rows = int(con.execute("SELECT count(*) FROM raw").fetchall()[0][0])
    con.close()
    return seconds, rows, peak_rss_mb()


def time_ingest(path: Path, work: Path, profile: bool, memory_limit: str = "2GB") -> tuple[float, int, float]:
    """(seconds, rows loaded, peak MB) for AIM's full ingest into a fresh store (DuckDB held to memory_limit)."""
    con = open_store(work / "aim.duckdb", memory_limit)
    ensure_reference_data(con, PROJECT_DATA)
    reset_peak_rss()
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    report = run(resolve_feed("police"), path, con)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    con.close()
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    return seconds, report.loaded, peak_rss_mb()


def child(side: str, path: Path, work: Path, profile: bool, memory_limit: str) -> tuple[float, int, float]:
    """Time one side in a fresh Python process: (seconds, rows, peak MB)."""
    command = [sys.executable, __file__, "--child", side, "--file", str(path), "--work", str(work)]
    command += ["--memory-limit", memory_limit]
    out = subprocess.run([*command, *(["--profile"] if profile else [])], stdout=subprocess.PIPE, text=True, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    return float(got[0]), int(got[1]), float(got[2])


def time_real(shared: Path, work: Path) -> None:
    """Print the seconds to load the 12 real Cleveland files, then the three sample council feeds."""
    con = open_store(work / "real.duckdb")
    ensure_reference_data(con, PROJECT_DATA)
    police = resolve_feed("police")
    start = time.perf_counter()
    rows = sum(run(police, f, con).loaded for f in feed_files(police, [shared / "police_uk" / "cleveland"]))
    print(f"cleveland police.uk, 12 files: {rows:,} rows in {time.perf_counter() - start:6.2f} s")
    feeds = shipped_feeds()
    options = IngestOptions(rule=LinkRule(), postcodes=(PROJECT_DATA / "postcodes",))
    start = time.perf_counter()
    samples = [f for f in sorted((PROJECT_DATA / "feeds").glob("*.*")) if f.name.split(".")[0] in feeds]
    rows = sum(run(feeds[f.name.split(".")[0]], f, con, options).loaded for f in samples)
    print(f"sample council feeds, {len(samples)} files: {rows:,} rows in {time.perf_counter() - start:6.2f} s")
    con.close()


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--file", type=Path, default=None, help="a police.uk-layout file to load instead of building")
    parser.add_argument("--repeat", type=int, default=1, help="time both sides this many times, alternating")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--work", type=Path, default=None, help="folder for the file and stores (default: temp)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of AIM's ingest")
    parser.add_argument("--real", action="store_true", help="time the real Cleveland files and sample feeds")
    parser.add_argument("--memory-limit", default="2GB", help="the AIM store's DuckDB memory_limit (as shipped: 2GB)")
    parser.add_argument("--child", choices=["duckdb", "aim"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory(dir=args.work) as tmp:
            aim = partial(time_ingest, profile=args.profile, memory_limit=args.memory_limit)
            timed = time_read_csv if args.child == "duckdb" else aim
            print(json.dumps(timed(args.file, Path(tmp))))
        return
    if args.real:
        with tempfile.TemporaryDirectory(dir=args.work) as tmp:
            time_real(args.shared, Path(tmp))
        return
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = Path(tmp)
        path = args.file
        if path is None:
            path = work / "national-street.csv"
            build_file(args.shared, args.rows, path)
        for _ in range(args.repeat):
            raw_s, raw_rows, raw_mb = child("duckdb", path, work, False, args.memory_limit)
            aim_s, aim_rows, aim_mb = child("aim", path, work, args.profile, args.memory_limit)
            raw_rate, aim_rate = raw_rows / raw_s, aim_rows / aim_s
            print(
                f"(a) DuckDB read_csv -> table : {raw_rows:,} rows in {raw_s:6.2f} s = {raw_rate:12,.0f} rows/s, "
                f"peak RSS {raw_mb:,.0f} MB"
            )
            print(
                f"(b) AIM full ingest          : {aim_rows:,} rows in {aim_s:6.2f} s = {aim_rate:12,.0f} rows/s, "
                f"peak RSS {aim_mb:,.0f} MB"
            )
            print(f"ratio (b)/(a) throughput     : {aim_rate / raw_rate:.2f}  (target >= 0.60; peak memory < 1536 MB)")


if __name__ == "__main__":
    main()
