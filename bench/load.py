"""Load on loopback: many concurrent clients on the map layers (wards, hexes, trends) of a served store.

    python bench/load.py [--store PATH] [--clients 50] [--requests 3000] [--seconds 120]

Each client loops over a mix of map-layer requests (half as an analyst with a token, half as the public under
disclosure control) until the request budget or the time limit is spent. Reports errors, throughput and latency
percentiles, and the same for one client in the same run as the reference (the ratio shows what concurrency costs).
Without --store, uses a copy of the demo store built by `aim demo --no-serve` into a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import ROOT, served  # noqa: E402

MIX = [
    "/api/v1/wards",
    "/api/v1/wards?from=2025-07&to=2025-12&category=asb-nuisance",
    "/api/v1/hexes?res=8",
    "/api/v1/hexes?res=7&source=police",
    "/api/v1/hexes?res=8&bbox=-1.35,54.50,-1.10,54.65",
    "/api/v1/trends?lad=E06000002",
    "/api/v1/trends/movers?from=2025-07&to=2025-12",
]


async def client_loop(
    base: str, headers: dict[str, str], budget: list[int], deadline: float, out: list[float], errors: list[str], k: int
) -> None:
    """One client: requests from the mix, in turn, until the shared budget or the time is spent."""
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        i = k
        while budget[0] > 0 and time.perf_counter() < deadline:
            budget[0] -= 1
            url = MIX[i % len(MIX)]
            i += 1
            start = time.perf_counter()
            try:
                response = await client.get(url)
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {url}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__} {url}")
            out.append((time.perf_counter() - start) * 1000)


async def run(base: str, token: str, clients: int, requests: int, seconds: float) -> dict[str, float]:
    """Run `clients` concurrent clients; returns count, errors, throughput and percentiles."""
    budget, latencies, errors = [requests], [], []  # type: ignore[var-annotated]
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(
            client_loop(
                base, {"Authorization": f"Bearer {token}"} if k % 2 == 0 else {}, budget, deadline, latencies, errors, k
            )
            for k in range(clients)
        )
    )
    elapsed = time.perf_counter() - started
    for e in sorted(set(errors))[:5]:
        print("  error:", e)
    ms = np.array(latencies)
    return {
        "requests": len(ms),
        "errors": len(errors),
        "per_s": len(ms) / elapsed,
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "p99": float(np.percentile(ms, 99)),
    }


def demo_store(work: Path) -> Path:
    """A fresh demo store (real Cleveland police.uk data plus the sample council feeds)."""
    store = work / "demo.duckdb"
    subprocess.run(
        [sys.executable, "-m", "api", "demo", "--no-serve", "--store", str(store)],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return store


def main() -> None:
    """Run the load test and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument(
        "--keep-answers",
        action="store_true",
        help="serve as deployed, keeping answers per store version (default: every request computed)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = work / "aim.duckdb"
        if args.store:
            shutil.copyfile(args.store, store)
        else:
            store = demo_store(work)
        with served(store, **({"answer_cache_mb": "256"} if args.keep_answers else {})) as (base, token):
            asyncio.run(run(base, token, 4, 40, args.seconds))  # warm caches
            reference = asyncio.run(run(base, token, 1, max(100, args.requests // 20), args.seconds))
            loaded = asyncio.run(run(base, token, args.clients, args.requests, args.seconds))
    print(f"{'run':22} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, r in (("1 client (reference)", reference), (f"{args.clients} clients", loaded)):
        print(
            f"{name:22} {r['requests']:8.0f} {r['errors']:6.0f} {r['per_s']:7.1f} {r['p50']:8.1f} {r['p95']:8.1f} "
            f"{r['p99']:8.1f}"
        )
    print(
        f"throughput x{loaded['per_s'] / reference['per_s']:.2f} of one client; "
        f"p99 x{loaded['p99'] / reference['p99']:.1f} of one client's p99"
    )


if __name__ == "__main__":
    main()
