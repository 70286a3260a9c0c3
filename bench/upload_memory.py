"""Uploads in bounded memory: the server's memory and its answers to other requests while large files load.

    python bench/upload_memory.py [--xlsx-rows 250000] [--police-rows 250000] [--shared ../shared/data]

Starts `aim serve` (default settings) over a fresh store holding one real police.uk month, then posts, one after
the other, through POST /api/v1/ingest/<feed>, streamed from disk:

* a generated council XLSX export (the shipped councillor-casework layout, real sample rows with new references);
* a large police.uk CSV (gzip) resampled from the real monthly files of all five forces;
* the same XLSX layout with more rows than AIM_MAX_UPLOAD_ROWS allows (refused, 413);
* a gzip bomb: a few MB expanding to 12 million police.uk rows (refused, 413).

During each upload the server's resident memory is sampled every 0.1 s from /proc/<pid>/status (its peak VmHWM is
reset before each upload) and /healthz is timed every 0.25 s. Prints status, seconds, the server's peak RSS and
the /healthz latency (median, 95th percentile, max) for each upload. Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import ROOT, served_process  # noqa: E402

os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])

from ingest.adapters.police import POLICE_COLUMNS  # noqa: E402
from ingest.boundary_sets import ensure_reference_data  # noqa: E402
from ingest.pipeline import run  # noqa: E402
from ingest.registry import resolve_feed  # noqa: E402
from ingest.store.connection import open_store  # noqa: E402
from tests.files import CASEWORK_HEADER, gzip_repeated, write_xlsx  # noqa: E402

PROJECT_DATA = ROOT / "data"
CASEWORK = "cleveland-councillor-casework"


def kb_field(pid: int, name: str) -> int:
    """A memory field of /proc/<pid>/status, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def casework_rows(n: int) -> Iterator[list[str]]:
    """n rows of the shipped casework sample, cycled, each with a new reference."""
    from openpyxl import load_workbook

    book = load_workbook(PROJECT_DATA / "feeds" / f"{CASEWORK}.xlsx", read_only=True)
    sample = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    book.close()
    rows = [
        ["" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, datetime) else str(v) for v in row]
        for row in sample
    ]
    for i in range(n):
        yield [f"CW-{i:08d}", *rows[i % len(rows)][1:]]


def police_csv(shared: Path, rows: int, out: Path, seed: int = 2025) -> Path:
    """A gzipped police.uk CSV of `rows` rows resampled from every real monthly file."""
    types = {c: pa.string() for c in POLICE_COLUMNS}
    files = sorted((shared / "police_uk").glob("*/*.csv.gz"))
    real = pa.concat_tables(
        [pacsv.read_csv(f, convert_options=pacsv.ConvertOptions(column_types=types)) for f in files]
    )
    rng = np.random.default_rng(seed)
    with (
        pa.CompressedOutputStream(str(out), "gzip") as stream,
        pacsv.CSVWriter(stream, real.schema, write_options=pacsv.WriteOptions(quoting_style="needed")) as writer,
    ):
        for done in range(0, rows, 200_000):
            index = np.sort(rng.integers(0, real.num_rows, min(200_000, rows - done)))
            writer.write_table(real.take(pa.array(index)))
    return out


def upload(base: str, token: str, pid: int, feed: str, path: Path) -> dict[str, object]:
    """Post one file, sampling the server's memory and timing /healthz meanwhile."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    before = kb_field(pid, "VmRSS")
    done = threading.Event()
    rss: list[int] = []
    latency: list[float] = []
    failures: list[str] = []

    def sample() -> None:
        while not done.is_set():
            rss.append(kb_field(pid, "VmRSS"))
            time.sleep(0.1)

    def probe() -> None:
        with httpx.Client(timeout=120) as client:
            while not done.is_set():
                start = time.perf_counter()
                try:
                    if client.get(f"{base}/healthz").status_code != 200:
                        failures.append("status")
                except httpx.HTTPError as exc:
                    failures.append(type(exc).__name__)
                latency.append(time.perf_counter() - start)
                done.wait(0.25)

    threads = [threading.Thread(target=sample), threading.Thread(target=probe)]
    for t in threads:
        t.start()

    def body() -> Iterator[bytes]:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                yield chunk

    start = time.perf_counter()
    response = httpx.post(
        f"{base}/api/v1/ingest/{feed}",
        params={"filename": path.name},
        content=body(),
        headers={"Authorization": f"Bearer {token}"},
        timeout=3600,
    )
    seconds = time.perf_counter() - start
    done.set()
    for t in threads:
        t.join()
    answer = response.json()
    return {
        "status": response.status_code,
        "said": answer.get("detail") or f"loaded {answer.get('loaded', 0):,} of {answer.get('rows_read', 0):,} rows",
        "seconds": seconds,
        "rss_before_mb": before / 1024,
        "peak_mb": max(kb_field(pid, "VmHWM"), *rss) / 1024,
        "healthz": sorted(latency),
        "healthz_failures": len(failures),
    }


def report(name: str, path: Path, got: dict[str, object]) -> None:
    """Print one upload's figures."""
    lat = got["healthz"]
    assert isinstance(lat, list)
    p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else float("nan")
    print(
        f"{name:<34} {path.stat().st_size / 1e6:8.1f} MB  HTTP {got['status']}  {got['seconds']:7.1f} s  "
        f"server RSS {got['rss_before_mb']:6.0f} -> peak {got['peak_mb']:6.0f} MB  "
        f"/healthz n={len(lat)} median {statistics.median(lat) if lat else float('nan'):.3f} s "
        f"p95 {p95:.3f} s max {max(lat) if lat else float('nan'):.3f} s failures {got['healthz_failures']}"
    )
    print(f"{'':<34} {str(got['said'])[:160]}")


def main() -> None:
    """Build the store and files, serve, upload each file, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--xlsx-rows", type=int, default=250_000, help="rows of the XLSX (default: the row bound)")
    parser.add_argument("--police-rows", type=int, default=250_000, help="rows of the police.uk CSV")
    parser.add_argument("--over-rows", type=int, default=400_000, help="rows of the XLSX over the row bound")
    parser.add_argument("--bomb-rows", type=int, default=12_000_000, help="rows the gzip bomb expands to")
    parser.add_argument("--max-upload-rows", type=int, default=None, help="AIM_MAX_UPLOAD_ROWS (default: default)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--work", type=Path, default=None, help="folder for the files and store (default: temp)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = Path(tmp)
        store = work / "aim.duckdb"
        con = open_store(store)
        ensure_reference_data(con, PROJECT_DATA)
        run(resolve_feed("police"), args.shared / "police_uk" / "cleveland" / "2025-01-cleveland-street.csv.gz", con)
        con.close()
        started = time.perf_counter()
        files = [
            (
                CASEWORK,
                f"XLSX export, {args.xlsx_rows:,} rows",
                write_xlsx(
                    work / "casework.xlsx", CASEWORK_HEADER, casework_rows(args.xlsx_rows), sheet="Casework 2025"
                ),
            ),
            (
                "police",
                f"police.uk CSV gz, {args.police_rows:,} rows",
                police_csv(args.shared, args.police_rows, work / "national-street.csv.gz"),
            ),
            (
                CASEWORK,
                f"XLSX export, {args.over_rows:,} rows (over)",
                write_xlsx(
                    work / "casework-over.xlsx", CASEWORK_HEADER, casework_rows(args.over_rows), sheet="Casework 2025"
                ),
            ),
        ]
        line = next(pacsv_lines(args.shared))
        bomb = gzip_repeated(work / "bomb.csv.gz", ",".join(POLICE_COLUMNS), line, args.bomb_rows)
        files.append(("police", f"gzip bomb, {args.bomb_rows:,} rows", bomb))
        print(f"built the files in {time.perf_counter() - started:.0f} s")
        limits = {} if args.max_upload_rows is None else {"max_upload_rows": str(args.max_upload_rows)}
        with served_process(store, **limits) as (base, token, server):
            print(f"server pid {server.pid}, RSS {kb_field(server.pid, 'VmRSS') / 1024:.0f} MB after start")
            for feed, name, path in files:
                report(name, path, upload(base, token, server.pid, feed, path))


def pacsv_lines(shared: Path) -> Iterator[str]:
    """Data lines of a real police.uk file, as written."""
    import gzip

    with gzip.open(shared / "police_uk" / "suffolk" / "2025-04-suffolk-street.csv.gz", "rt") as fh:
        next(fh)
        for row in fh:
            yield row.rstrip("\n")


if __name__ == "__main__":
    main()
