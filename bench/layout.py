"""The per-cell counts' layout after many monthly loads: the store as its loads left it, after `aim store optimize`,
with cell_counts filled afresh as the migration fills it, and with the rewrite a load makes when the layout drifted,
timed side by side.

    python bench/layout.py --loaded STORE --work DIR [--requests 40] [--force nottinghamshire]

Copies the loaded store (built by monthly loads, e.g. by bench/national_store.py) four times into DIR: `loaded` as
it is; `optimized` by `ingest.store.layout.optimize` (timed); `fresh`, its cell_counts emptied and filled again by
the migration's fill; `auto`, its cell_counts written again month by month as each load wrote it, each month
followed by the check and rewrite a load makes (`keep_layout` at the default drift limit; how often it rewrote, what
and how long it took are printed). Prints each one's row groups per resolution, then serves all four (`aim serve`,
answers not kept) and times the routes that read cell_counts (the hexagon layer at res 8 and 9 over a force's
viewport, the top 20 cells) and Gi* (which reads incident_counts, so should not move), requests going to the
servers in turn so that all see the same load on a shared machine: p50 / p95 ms of each, and each as a ratio to
the fresh layout's. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from queries import force_bbox, route_cases  # noqa: E402
from serving import served  # noqa: E402

from ingest.store.connection import open_store  # noqa: E402
from ingest.store.layout import DRIFT, Layout, keep_layout, measure, optimize  # noqa: E402
from ingest.store.write.cell_counts import fill_cell_counts  # noqa: E402

ROUTES = ("hexes res 8", "hexes res 9", "hotspots top 20", "Gi*")


def load_average() -> str:
    """The machine's load average (1, 5, 15 minutes)."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def show(name: str, layout: Layout) -> None:
    """Row groups per resolution (read / together) and the drift."""
    per = ", ".join(f"res {r} {g}/{f}" for r, (_, g, f) in layout.per_res().items())
    print(f"{name:10} {layout.row_groups} row groups; read/together: {per}; drift {layout.drift():.2f}", flush=True)


def prepare(loaded: Path, work: Path) -> dict[str, Path]:
    """The three stores: as loaded (a copy), optimized, and filled afresh; each one's layout printed."""
    names = ("loaded", "optimized", "fresh", "auto")
    stores = {n: work / f"{n}.duckdb" for n in names}
    for path in stores.values():
        shutil.copyfile(loaded, path)
    con = open_store(stores["loaded"])
    start = time.perf_counter()
    layout = measure(con)
    print(f"measuring the layout: {time.perf_counter() - start:.2f} s (load {load_average()})")
    show("loaded", layout)
    con.close()
    con = open_store(stores["optimized"])
    start = time.perf_counter()
    rewritten = optimize(con)
    rows = sum(b.rows for b in rewritten)
    print(
        f"optimize: {len(rewritten)} resolution-years, {rows:,} rows, in {time.perf_counter() - start:.1f} s "
        f"(load {load_average()})",
        flush=True,
    )
    show("optimized", measure(con))
    con.close()
    con = open_store(stores["fresh"])
    start = time.perf_counter()
    con.execute("DELETE FROM cell_counts")
    fill_cell_counts(con)
    con.execute("CHECKPOINT")
    print(f"fresh fill: {time.perf_counter() - start:.1f} s (load {load_average()})")
    show("fresh", measure(con))
    con.close()
    replay(loaded, stores["auto"])
    return stores


def replay(loaded: Path, path: Path) -> None:
    """cell_counts written again month by month in the loaded store's order, each month as its load wrote it (sorted
    by resolution, category, cell and month, after everything held), with the rewrite a load makes after it when the
    layout drifted past the setting's default: how often it runs, what it rewrites, and the layout it leaves."""
    con = open_store(path)
    con.execute(f"ATTACH '{loaded}' AS src (READ_ONLY)")
    months = [r[0] for r in con.execute("SELECT DISTINCT month FROM src.cell_counts ORDER BY 1").fetchall()]
    con.execute("DELETE FROM cell_counts")
    con.execute("CHECKPOINT")
    written = rewrites = rewritten = 0.0
    started = time.perf_counter()
    for n, month in enumerate(months, start=1):
        t0 = time.perf_counter()
        con.execute(
            "INSERT INTO cell_counts SELECT * FROM src.cell_counts WHERE month = ? ORDER BY res, category, cell, month",
            [month],
        )
        con.execute("CHECKPOINT")  # a load ends with one (the file closes, or the log passes its limit)
        t1 = time.perf_counter()
        partitions = [
            r[0]
            for r in con.execute("SELECT DISTINCT partition_key FROM count_months WHERE month = ?", [month]).fetchall()
        ]
        blocks = keep_layout(con, DRIFT, partitions)
        t2 = time.perf_counter()
        written += t1 - t0
        if blocks:
            rewrites += 1
            rewritten += t2 - t1
            rows = sum(b.rows for b in blocks)
            print(
                f"  month {n} ({month}): {len(blocks)} resolution-years, {rows:,} rows rewritten in {t2 - t1:.1f} s "
                f"(its rows written in {t1 - t0:.1f} s)",
                flush=True,
            )
    print(
        f"replay of {len(months)} months: rows written in {written:.0f} s; the check and {rewrites:.0f} rewrites "
        f"{time.perf_counter() - started - written:.0f} s (rewrites {rewritten:.0f} s); load {load_average()}"
    )
    con.execute("DETACH src")
    show("auto", measure(con))
    con.close()


def timed(client: httpx.Client, url: str) -> float:
    """Milliseconds of one request (it must answer 200)."""
    start = time.perf_counter()
    r = client.get(url)
    ms = (time.perf_counter() - start) * 1000
    r.raise_for_status()
    return ms


def main() -> None:
    """Prepare the stores, serve them and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loaded", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--force", default="nottinghamshire")
    parser.add_argument("--reuse", default="", help="time these stores already prepared in --work (e.g. loaded,fresh)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.reuse:
        stores = {n: args.work / f"{n}.duckdb" for n in args.reuse.split(",")}
    else:
        stores = prepare(args.loaded, args.work)
    bbox, total = force_bbox(stores["fresh"], args.force)
    cases = [(n, u) for n, u in route_cases(bbox, args.force) if any(n.startswith(r) for r in ROUTES)]
    with ExitStack() as stack:
        clients = {}
        for name, path in stores.items():
            base, token = stack.enter_context(served(path))
            headers = {"Authorization": f"Bearer {token}"}
            clients[name] = stack.enter_context(httpx.Client(base_url=base, timeout=120, headers=headers))
        print(
            f"{total:,} incidents; {args.requests} requests to each server in turn; load before {load_average()} "
            f"({os.cpu_count()} cores)"
        )
        head = " ".join(f"{n + ' p50':>14} {'p95':>6}" for n in stores)
        ratios = " ".join(f"{n}/fresh" for n in stores if n != "fresh")
        print(f"{'route':30} {head}   p50/p95: {ratios}")
        for route, url in cases:
            for client in clients.values():
                for _ in range(2):
                    timed(client, url)
            ms: dict[str, list[float]] = {n: [] for n in clients}
            for _ in range(args.requests):
                for name, client in clients.items():
                    ms[name].append(timed(client, url))
            q = {n: (float(np.percentile(v, 50)), float(np.percentile(v, 95))) for n, v in ms.items()}
            cells = " ".join(f"{q[n][0]:14.1f} {q[n][1]:6.1f}" for n in stores)
            ratio = " ".join(
                f"{q[n][0] / q['fresh'][0]:.2f}/{q[n][1] / q['fresh'][1]:.2f}" for n in stores if n != "fresh"
            )
            print(f"{route:30} {cells}   {ratio}", flush=True)
        print(f"load after {load_average()}")


if __name__ == "__main__":
    main()
