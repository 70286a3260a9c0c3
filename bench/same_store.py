"""What a series of loads leaves in a store, as one digest per table: for checking that a change to how files load
keeps the store's contents the same.

    PYTHONPATH=A python bench/same_store.py --out a.json
    PYTHONPATH=B python bench/same_store.py --out b.json --compare a.json

Loads the repository's police.uk files (tests/data/police_uk, or --files) into a fresh store under a fixed secret:
every file in name order, in turn in one batch, in a few batches kept in memory, and in many batches spilled to
disk; then one file again (unchanged), and a shortened copy of another (its partition replaced). Every table of
the store is read in full, sorted, and hashed; the columns that hold the time of a load (timestamps of the load log)
and the name of the shortened copy's folder are left out. With --compare, prints the tables whose digests differ
and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]  # the code to
# check is the one on PYTHONPATH (bench/ingest.py would hide the package)
SECRET = "0" * 64
SMALL_BATCH = 1_000  # rows per batch when a file is spilled (the fixtures are 5,000-15,000 rows)
BATCHES = (200_000, 5_000, SMALL_BATCH)  # one batch; up to three, held in memory; many, spilled
VOLATILE_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE")


def load_all(store: Path, files: list[Path], work: Path) -> None:
    """Load the files as the module docstring says."""
    from ingest.boundary_sets import ensure_reference_data
    from ingest.pipeline import IngestOptions, run
    from ingest.registry import resolve_feed
    from ingest.store.connection import open_store
    from ingest.store.keys import set_store_secret

    con = open_store(store)
    ensure_reference_data(con, ROOT / "data")
    set_store_secret(con, SECRET)
    police = resolve_feed("police")
    for i, f in enumerate(files):
        run(police, f, con, IngestOptions(batch_rows=BATCHES[i % len(BATCHES)]))
    run(police, files[0], con)  # the same file again: unchanged
    lines = gzip.decompress(files[1].read_bytes()).decode().splitlines()
    shorter = work / files[1].name
    shorter.write_bytes(gzip.compress(("\n".join(lines[: len(lines) * 3 // 4]) + "\n").encode(), mtime=0))
    run(police, shorter, con, IngestOptions(replace_smaller=True, batch_rows=SMALL_BATCH))
    con.close()


def digests(store: Path, work: Path) -> dict[str, str]:
    """Each table's row count and SHA-256 of its rows, sorted."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    listed = con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1").fetchall()
    tables = [r[0] for r in listed]
    out = {}
    for table in tables:
        columns = [
            c
            for c, kind in con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [table],
            ).fetchall()
            if kind not in VOLATILE_TYPES
        ]
        quoted = ", ".join(f'"{c}"' for c in columns)
        rows = con.execute(f"SELECT {quoted} FROM {table} ORDER BY ALL").fetchall()  # noqa: S608 (catalogue names)
        text = "\n".join(repr(row) for row in rows).replace(str(work), "WORK")
        out[table] = f"{len(rows)} rows {hashlib.sha256(text.encode()).hexdigest()}"
    con.close()
    return out


def main() -> None:
    """Load, digest, and compare when asked."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=Path, default=ROOT / "tests" / "data" / "police_uk")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    files = sorted(args.files.rglob("*-street.csv.gz"), key=lambda p: p.name)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        load_all(work / "aim.duckdb", files, work)
        got = digests(work / "aim.duckdb", work)
    args.out.write_text(json.dumps(got, indent=1, sort_keys=True))
    print(f"{len(got)} tables, {len(files)} files; {sum(int(v.split()[0]) for v in got.values()):,} rows")
    if args.compare:
        before = json.loads(args.compare.read_text())
        differ = sorted(t for t in set(before) | set(got) if before.get(t) != got.get(t))
        for t in differ:
            print(f"  differs: {t}: {before.get(t)} -> {got.get(t)}")
        print("same contents" if not differ else f"{len(differ)} tables differ")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
