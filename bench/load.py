"""Load on loopback: 1 and 50 concurrent clients against `aim serve` with 1 and 2 worker processes, in one run.

    python bench/load.py [--store PATH] [--clients 50] [--seconds 10] [--repeats 3] [--workers 1,2]
                         [--mix deployed,computed]

`--workers` lists the servers: a worker count, or `N:T` for N workers of T DuckDB threads each (by default, as
`aim serve` runs, the machine's cores are divided among the workers: AIM_THREADS=0).

The clients are `wrk` (Debian package `wrk`), one client thread in its own process, driven by a generated Lua script
that cycles through the mix; it takes far less CPU than the server, though it still shares the machine's cores.
Two mixes:

  deployed  the map layers (wards, hexes, trends, movers), half as an analyst and half as the public, with answers
            kept per store version as `aim serve` runs by default (AIM_ANSWER_CACHE_MB=256)
  computed  CPU-bound: trends, movers, hexes, hotspots and Gi* with periods, categories and areas varied, every
            answer computed (AIM_ANSWER_CACHE_MB=0)

For each mix, a server per worker count runs at once (each over its own copy of the store) and, after a warm-up,
the runs alternate between them: one client (the reference), then `--clients` clients, `--repeats` times, so the
other work on a shared machine falls on every count alike. Prints every run (requests, errors, req/s, p50/p95/p99,
the server's CPU: cores used and CPU time a request, and the load average), the medians, many clients against one
client, and N workers against 1 run by run.
Without --store, a demo store is built by `aim demo --no-serve` into a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import ROOT, served_process  # noqa: E402

DEPLOYED = [
    ("/api/v1/wards", None),
    ("/api/v1/wards?from=2025-07&to=2025-12&category=asb-nuisance", None),
    ("/api/v1/hexes?res=8", None),
    ("/api/v1/hexes?res=7&source=police", None),
    ("/api/v1/hexes?res=8&bbox=-1.35,54.50,-1.10,54.65", None),
    ("/api/v1/trends?lad=E06000002", None),
    ("/api/v1/trends/movers?from=2025-07&to=2025-12", None),
]
LADS = ["E06000001", "E06000002", "E06000003", "E06000004"]
CATEGORIES = ["asb", "asb-nuisance", "all", "crime"]


def computed_mix() -> list[tuple[str, bool | None]]:
    """CPU-bound requests with varied periods, categories and areas (True: analyst only)."""
    mix: list[tuple[str, bool | None]] = []
    for i in range(24):
        start, end, lad, cat = f"2025-{1 + i % 6:02d}", f"2025-{7 + i % 6:02d}", LADS[i % 4], CATEGORIES[i % 3]
        period = f"from={start}&to={end}&category={cat}"
        mix += [
            (f"/api/v1/trends?lad={lad}&{period}", None),
            (f"/api/v1/trends/movers?{period}", None),
            (f"/api/v1/hexes?res={7 + i % 2}&{period}", None),
            (f"/api/v1/hotspots?res={8 + i % 2}&{period}", True),
        ]
        if i % 4 == 0:
            mix.append((f"/api/v1/hotspots/gi?lad={lad}&res=8&{period}", True))
    return mix


MIXES = {"deployed": (DEPLOYED, "256"), "computed": (computed_mix(), "0")}

LUA = """
local mix = {%s}
local auth = {["Authorization"] = "Bearer %s"}
local n = 0
request = function()
  n = n + 1
  local item = mix[(n %% #mix) + 1]
  if item[2] == 1 or (item[2] == 0 and n %% 2 == 0) then return wrk.format("GET", item[1], auth) end
  return wrk.format("GET", item[1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("AIM %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def lua_script(mix: list[tuple[str, bool | None]], token: str) -> str:
    """wrk's script: cycle through the mix, half of the open requests with the analyst token."""
    items = ", ".join(f'{{"{path}", {1 if analyst else 0}}}' for path, analyst in mix)
    return LUA % (items, token)


def wrk(base: str, script: Path, clients: int, seconds: float) -> dict[str, float]:
    """Run wrk (one thread, `clients` connections); its figures (latencies in ms)."""
    done = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{seconds:.0f}s", "--timeout", "30s", "-s", str(script), base],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stdout} {done.stderr}")
    out = done.stdout
    line = next(x for x in out.splitlines() if x.startswith("AIM "))
    requests, micros, status, failed, p50, p95, p99 = (int(v) for v in line.split()[1:])
    return {
        "requests": requests,
        "errors": status + failed,
        "per_s": requests / (micros / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
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


def load_average() -> str:
    """The machine's 1-minute load average (other work on it skews every figure)."""
    return Path("/proc/loadavg").read_text().split()[0]


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of a server process and its worker processes so far."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0
    for p in [pid, *map(int, children)]:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def main() -> None:
    """Run every mix with every worker count and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--mix", default="deployed,computed")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/load.py needs wrk (apt-get install wrk)")
    counts = args.workers.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = args.store or demo_store(work)
        for mix_name in args.mix.split(","):
            runs = measure(work, source, mix_name, counts, args)
            print_summary(mix_name, runs, counts, args.clients)


def server_settings(label: str) -> dict[str, str]:
    """A server of --workers: `N` workers, or `N:T` for N workers of T DuckDB threads each."""
    workers, _, threads = label.partition(":")
    return {"workers": str(int(workers)), **({"threads": str(int(threads))} if threads else {})}


def measure(
    work: Path, source: Path, mix_name: str, counts: list[str], args: argparse.Namespace
) -> dict[tuple[str, int], list[dict[str, float]]]:
    """Every worker count served at once, each over its own copy of the store; the runs alternate between them
    (one client, then many, each count in turn, `repeats` times) so that other work on the machine falls on all."""
    mix, cache_mb = MIXES[mix_name]
    runs: dict[tuple[str, int], list[dict[str, float]]] = {}
    with ExitStack() as servers:
        bases = {}
        for workers in counts:
            store = work / f"{mix_name}-{workers.replace(':', '-')}" / "aim.duckdb"
            store.parent.mkdir()
            shutil.copyfile(source, store)
            settings = {"answer_cache_mb": cache_mb, **server_settings(workers)}
            base, token, server = servers.enter_context(served_process(store, **settings))
            script = work / f"{mix_name}-{workers.replace(':', '-')}.lua"
            script.write_text(lua_script(mix, token))
            bases[workers] = (base, script, server.pid)
        for base, script, _ in bases.values():
            wrk(base, script, 8, max(10, args.seconds))  # warm up every worker's caches
        for _ in range(args.repeats):
            for clients in (1, args.clients):
                for workers, (base, script, pid) in bases.items():
                    before = cpu_seconds(pid)
                    r = wrk(base, script, clients, args.seconds)
                    r["cores"] = (cpu_seconds(pid) - before) / args.seconds
                    r["cpu_ms"] = 1000 * r["cores"] * args.seconds / max(r["requests"], 1)
                    r["load"] = float(load_average())
                    runs.setdefault((workers, clients), []).append(r)
                    print_row(mix_name, workers, clients, r)
    return runs


def print_row(mix: str, workers: str, clients: int, r: dict[str, float]) -> None:
    """One measured run."""
    print(
        f"{mix:9} {workers:>3} worker(s) {clients:3} client(s): {r['requests']:6.0f} requests "
        f"{r['errors']:4.0f} errors "
        f"{r['per_s']:7.1f} req/s  p50 {r['p50']:7.1f}  p95 {r['p95']:7.1f}  p99 {r['p99']:7.1f} ms  "
        f"server {r['cores']:.2f} cores, {r['cpu_ms']:.1f} ms CPU a request (load average {r['load']:.2f})",
        flush=True,
    )


def print_summary(
    mix: str, runs: dict[tuple[str, int], list[dict[str, float]]], counts: list[str], clients: int
) -> None:
    """Medians over the repeats, then the ratios: many clients against one, N workers against the first count."""
    med = {k: {f: float(np.median([r[f] for r in v])) for f in v[0]} for k, v in runs.items()}
    print(f"{mix}: medians of {len(runs[(counts[0], 1)])} runs each")
    for (workers, n), r in sorted(med.items()):
        print(
            f"  {workers:>3} worker(s) {n:3} client(s): {r['per_s']:7.1f} req/s  p50 {r['p50']:7.1f}"
            f"  p95 {r['p95']:7.1f}"
            f"  p99 {r['p99']:7.1f} ms  errors {r['errors']:.0f}  server {r['cores']:.2f} cores,"
            f" {r['cpu_ms']:.1f} ms CPU a request (load average {r['load']:.2f})"
        )
    for workers in counts:
        ratio = med[(workers, clients)]["per_s"] / med[(workers, 1)]["per_s"]
        print(f"  {workers} worker(s): {clients} clients x{ratio:.2f} of one client")
    for workers in counts[1:]:
        pairs = [
            m["per_s"] / b["per_s"] for m, b in zip(runs[(workers, clients)], runs[(counts[0], clients)], strict=True)
        ]
        print(
            f"  {clients} clients: {workers} workers x{float(np.median(pairs)):.2f} of {counts[0]} (each run against "
            f"the one beside it: {', '.join(f'x{p:.2f}' for p in pairs)})"
        )


if __name__ == "__main__":
    main()
