"""The routes of bench/queries.py timed on two code trees at once: two servers over copies of the same store, requests
alternating between them, so both see the same load on a shared machine; prints p50/p95 of each and their ratio.

    python bench/queries_ab.py --before-tree /tmp/aim-base --before-store A.duckdb --store B.duckdb [--requests 20] \
        [--route "patrol plan"]

`--before-tree` is a checkout of the earlier code (e.g. `git archive <commit> | tar -x -C /tmp/aim-base`); the
stores are two copies of one store (DuckDB lets one process open a store file for writing).
"""

from __future__ import annotations

import argparse
import os
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


def timed(client: httpx.Client, url: str) -> float:
    """Milliseconds of one request (it must answer 200)."""
    start = time.perf_counter()
    r = client.get(url)
    ms = (time.perf_counter() - start) * 1000
    r.raise_for_status()
    return ms


def main() -> None:
    """Run both servers and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before-tree", type=Path, required=True)
    parser.add_argument("--before-store", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--force", default="nottinghamshire")
    parser.add_argument("--route", default="", help="time only the routes whose name holds this text")
    args = parser.parse_args()
    bbox, total = force_bbox(args.store, args.force)
    with ExitStack() as stack:
        clients = []
        for tree, store in ((args.before_tree, args.before_store), (ROOT, args.store)):
            os.environ["PYTHONPATH"] = str(tree)  # the server process runs this tree's code (`python -m` puts its
            os.chdir(tree)  # working folder first on the path, so it starts there too)
            base, token = stack.enter_context(served(store))
            os.chdir(ROOT)
            headers = {"Authorization": f"Bearer {token}"}
            clients.append(stack.enter_context(httpx.Client(base_url=base, timeout=120, headers=headers)))
        load = os.getloadavg()
        print(f"store: {args.store} ({total:,} incidents); {args.requests} requests to each server, alternating")
        print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
        print(f"{'route':32} {'before p50':>10} {'p95':>8} {'after p50':>10} {'p95':>8} {'p50 x':>6} {'p95 x':>6}")
        for name, url in [(n, u) for n, u in route_cases(bbox, args.force) if args.route in n]:
            for client in clients:
                for _ in range(2):
                    timed(client, url)
            ms: list[list[float]] = [[], []]
            for _ in range(args.requests):
                for k, client in enumerate(clients):
                    ms[k].append(timed(client, url))
            (b50, b95), (a50, a95) = ([float(np.percentile(m, q)) for q in (50, 95)] for m in ms)
            row = f"{b50:10.1f} {b95:8.1f} {a50:10.1f} {a95:8.1f} {b50 / a50:6.1f} {b95 / a95:6.1f}"
            print(f"{name:32} {row}", flush=True)
        load = os.getloadavg()
        print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
