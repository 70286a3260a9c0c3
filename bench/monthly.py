"""Monthly files the way users load them: AIM's ingest against DuckDB reading the same files, each in a fresh process.

    python bench/monthly.py --files DIR [--pattern '*-street.csv*'] [--limit N]

The reference is DuckDB alone: one `INSERT INTO raw SELECT * FROM read_csv(file)` per file into a fresh database.
AIM is `pipeline.run` per file into a fresh store with the shipped reference data. Each runs in its own process,
so each peak resident memory (VmHWM; AIM's counted from after its reference data is loaded) is its own. Prints
seconds per file, microseconds per row, rows per second, AIM / DuckDB, and peaks; --repeat runs both sides again,
alternating, and prints each run with the machine's load average (the machine may be shared: compare the ratios,
not the seconds). AIM loads the files as `aim ingest` does (one checkpoint at the end, timed with them).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    """This process's peak resident memory, MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    """Start this process's peak resident memory afresh from what it holds now (Linux)."""
    Path("/proc/self/clear_refs").write_text("5")


def run_duckdb(files: list[Path], work: Path) -> dict[str, float]:
    """Read every file into one table, one statement per file."""
    import duckdb

    con = duckdb.connect(str(work / "raw.duckdb"), config={"memory_limit": "2GB"})
    con.execute(
        "CREATE TABLE raw AS SELECT * FROM read_csv(?, header = true, all_varchar = true) LIMIT 0", [str(files[0])]
    )
    each = []
    for f in files:
        started = time.perf_counter()
        con.execute("INSERT INTO raw SELECT * FROM read_csv(?, header = true, all_varchar = true)", [str(f)])
        each.append(time.perf_counter() - started)
    seconds = sum(each)
    rows = int(con.execute("SELECT count(*) FROM raw").fetchall()[0][0])
    con.close()
    return {"seconds": seconds, "rows": rows, "peak_mb": peak_mb(), "slowest": max(each)}


def run_aim(files: list[Path], work: Path) -> dict[str, float]:
    """Load every file through AIM's pipeline into a fresh store."""
    from ingest.boundary_sets import ensure_reference_data
    from ingest.pipeline import run
    from ingest.registry import resolve_feed
    from ingest.store.connection import open_store
    from ingest.store.write.checkpoints import checkpoint_at_end

    con = open_store(work / "aim.duckdb")
    ensure_reference_data(con, ROOT / "data")
    police = resolve_feed("police")
    con.execute("CHECKPOINT")  # the reference data, before the clock starts
    reset_peak()
    rows, each = 0, []
    started = time.perf_counter()
    with checkpoint_at_end(con):  # as `aim ingest` loads many files: one checkpoint, at the end (timed)
        for f in files:
            began = time.perf_counter()
            rows += run(police, f, con).loaded
            each.append(time.perf_counter() - began)
    seconds = time.perf_counter() - started
    con.close()
    return {"seconds": seconds, "rows": rows, "peak_mb": peak_mb(), "slowest": max(each)}


def child(mode: str, files: list[Path]) -> dict[str, float]:
    """Run one side in a fresh process and return its figures."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, *map(str, files)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Run both sides and print the comparison."""
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        files = [Path(f) for f in sys.argv[3:]]
        with tempfile.TemporaryDirectory() as tmp:
            result = (run_duckdb if sys.argv[2] == "duckdb" else run_aim)(files, Path(tmp))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=Path, required=True)
    parser.add_argument("--pattern", default="*-street.csv*")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    files = sorted(args.files.rglob(args.pattern))[: args.limit or None]
    n = len(files)
    for _ in range(args.repeat):
        reference = child("duckdb", files)
        aim = child("aim", files)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{n} files, {reference['rows']:,} rows (DuckDB) / {aim['rows']:,} rows loaded (AIM); load {load}")
        for name, r in (("DuckDB read_csv", reference), ("AIM ingest", aim)):
            print(
                f"  {name:16s} {r['seconds']:7.2f} s  {r['seconds'] / n:6.3f} s/file  "
                f"(slowest {r['slowest']:6.3f})  {r['seconds'] / r['rows'] * 1e6:6.2f} us/row  "
                f"{r['rows'] / r['seconds']:>10,.0f} rows/s  "
                f"peak {r['peak_mb']:,.0f} MB"
            )
        ratio = (aim["rows"] / aim["seconds"]) / (reference["rows"] / reference["seconds"])
        print(f"  AIM / DuckDB rows per second: {ratio:.2f}")


if __name__ == "__main__":
    main()
