"""Build national-breadth stores of 20M and 60M incidents from bench/national.py's monthly files, with AIM's ingest.

    python bench/national.py --out /tmp/nat120 --months 120          # ten years, 500,000 rows a month
    python bench/national_store.py --files /tmp/nat120 --months 120 --store /tmp/nat60m.duckdb \\
        --copy-at 40:/tmp/nat20m.duckdb

Loads the files one at a time in month order through the same pipeline as `aim ingest police` (the per-file row
bound raised to hold a 500,000-row national month), so the stores are what a CSP would hold after ten years of
monthly loads. `--copy-at N:PATH` copies the store once N files are in (the first N months: 40 months of 500,000
rows is the 20M store). It can run beside the generator: a file is loaded once it exists under its final name
(the generator renames each file when it is whole), waiting for up to `--wait` seconds for the next; `--first N`
resumes an interrupted build at the Nth file. Prints the seconds of every file and the total.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.rules import ingest_options  # noqa: E402
from api.services.loading import load_files  # noqa: E402
from api.settings import Settings  # noqa: E402
from ingest.boundary_sets import ensure_reference_data  # noqa: E402
from ingest.registry import resolve_feed  # noqa: E402
from ingest.store.connection import open_store  # noqa: E402


def month_files(folder: Path, months: int) -> list[Path]:
    """The names bench/national.py writes for `months` months ending December 2025, oldest first."""
    out = []
    for i in range(months):
        year, month = divmod((2025 * 12 + 11) - (months - 1 - i), 12)
        out.append(folder / f"{year}-{month + 1:02d}-national-street.csv")
    return out


def wait_for(path: Path, seconds: float) -> None:
    """Block until the file exists (it appears whole), or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} did not appear within {seconds:.0f} s")
        time.sleep(2)


def build(files: list[Path], store: Path, copies: dict[int, Path], max_rows: int, wait: float, first: int = 1) -> None:
    """Load the files in order into the store (from the `first`, counting from 1), copying it after the counts
    given."""
    settings = Settings().model_copy(update={"store": store, "max_upload_rows": max_rows})
    options = ingest_options(settings)
    feed = resolve_feed("police")
    started = time.perf_counter()
    con = open_store(store, memory_limit=settings.memory_limit)
    ensure_reference_data(con, settings.data_dir)
    for n, path in enumerate(files, start=1):
        if n < first:
            continue
        wait_for(path, wait)
        t0 = time.perf_counter()
        reports, errors = load_files(con, feed, [path], options)
        if errors:
            raise SystemExit("; ".join(errors))
        loaded = sum(r.loaded for r in reports)
        print(f"{n:3d} {path.name}: {loaded:,} loaded in {time.perf_counter() - t0:.1f} s", flush=True)
        if n in copies:
            con.execute("CHECKPOINT")
            con.close()
            shutil.copyfile(store, copies[n])
            print(f"copied to {copies[n]} after {n} files ({time.perf_counter() - started:.0f} s)", flush=True)
            con = open_store(store, memory_limit=settings.memory_limit)
    con.execute("CHECKPOINT")
    con.close()
    print(f"{len(files)} files in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    """Build the stores."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=Path, required=True)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--copy-at", action="append", default=[], help="N:PATH, copy the store after N files")
    parser.add_argument("--max-rows", type=int, default=1_000_000)
    parser.add_argument("--wait", type=float, default=900.0)
    parser.add_argument("--first", type=int, default=1, help="resume: the first file to load (counting from 1)")
    args = parser.parse_args()
    copies = {int(n): Path(p) for n, p in (c.split(":", 1) for c in args.copy_at)}
    build(month_files(args.files, args.months), args.store, copies, args.max_rows, args.wait, args.first)


if __name__ == "__main__":
    main()
