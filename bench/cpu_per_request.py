"""Server CPU a request, by route: what a computed answer costs, which holds at any load (unlike wall time).

    nice -n 5 python bench/cpu_per_request.py [--store PATH] [--rounds 5] [--passes 2] [--threads 0]

One `aim serve` (one worker, answers never kept: AIM_ANSWER_CACHE_MB=0) runs over a copy of the store in its own
process. Its CPU time (user and system, every thread, read from /proc/<pid>/stat) is read before and after each
route's requests, sent one at a time from this process: the requests of bench/load.py's computed mix for that route
(periods, categories and areas varied; public requests alternate with the analyst's as there), `--passes` times
over. A round does every route in turn; after a warm-up round, each route's figure is the median over `--rounds`
rounds of its CPU milliseconds a request, with the spread (min-max). With `--baseline DIR` a second server runs the
code of another checkout (e.g. `git worktree add /tmp/main main`) over its own copy of the store; the two servers
take turns route by route, and the ratios of this checkout's CPU to the baseline's are printed round by round.
The computed mix's figure weighs the routes as the mix does. Wall time is printed beside it for reference only:
on a shared machine it follows the other work; the load average is printed at the start and the end.
Without --store, a demo store is built by `aim demo --no-serve` into a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import computed_mix, cpu_seconds, demo_store  # noqa: E402
from serving import served_process  # noqa: E402

ROUTES = {
    "/api/v1/trends": "trends (LAD)",
    "/api/v1/trends/movers": "movers",
    "/api/v1/hexes": "hexes res 7-8",
    "/api/v1/hotspots": "hotspots res 8-9",
    "/api/v1/hotspots/gi": "Gi* res 8 (LAD)",
}


def by_route() -> dict[str, list[tuple[str, bool]]]:
    """The computed mix's requests grouped by route, each with whether it goes as the analyst (public requests
    alternate with the analyst's, as in bench/load.py)."""
    groups: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for n, (path, analyst) in enumerate(computed_mix()):
        groups[ROUTES[urlsplit(path).path]].append((path, analyst is True or (analyst is None and n % 2 == 0)))
    return {"healthz (reference)": [("/healthz", False)] * 24, **groups}


def run_route(
    client: httpx.Client, pid: int, requests: list[tuple[str, bool]], token: str, passes: int
) -> tuple[float, float]:
    """(server CPU ms, wall ms) a request over `passes` passes through the route's requests; every answer 200."""
    auth = {"Authorization": f"Bearer {token}"}
    before, start = cpu_seconds(pid), time.perf_counter()
    for _ in range(passes):
        for path, analyst in requests:
            client.get(path, headers=auth if analyst else None).raise_for_status()
    n = passes * len(requests)
    return 1000 * (cpu_seconds(pid) - before) / n, 1000 * (time.perf_counter() - start) / n


def main() -> None:
    """Serve the store, measure every route's CPU a request over the rounds, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--threads", default="0", help="AIM_THREADS of the server (0: as `aim serve` runs)")
    parser.add_argument("--baseline", type=Path, default=None, help="a checkout to compare with, served beside")
    args = parser.parse_args()
    groups = by_route()
    codes = {"this checkout": None, **({f"baseline {args.baseline}": args.baseline} if args.baseline else {})}
    cpu: dict[tuple[str, str], list[float]] = defaultdict(list)
    wall: dict[tuple[str, str], list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        work = Path(tmp)
        source = args.store or demo_store(work)
        servers = {}
        for i, (label, code) in enumerate(codes.items()):
            store = work / f"cpu{i}" / "aim.duckdb"
            store.parent.mkdir()
            shutil.copyfile(source, store)
            settings = {"answer_cache_mb": "0", "workers": "1", "threads": args.threads}
            base, token, server = stack.enter_context(served_process(store, code, **settings))
            servers[label] = (stack.enter_context(httpx.Client(base_url=base, timeout=120)), server.pid, token)
        print(f"store: {source}; one worker, answers computed every time, AIM_THREADS={args.threads}")
        print(f"load average at the start: {load_average()} ({os.cpu_count()} cores)")
        for client, pid, token in servers.values():  # warm-up: every route's caches per store version filled
            for requests in groups.values():
                run_route(client, pid, requests, token, 1)
        for r in range(args.rounds):  # the servers alternate route by route: other work falls on both alike
            for name, requests in groups.items():
                for label, (client, pid, token) in servers.items():
                    c, w = run_route(client, pid, requests, token, args.passes)
                    cpu[label, name].append(c)
                    wall[label, name].append(w)
            print(f"round {r + 1} done (load average {load_average()})", flush=True)
        print(f"load average at the end: {load_average()}")
    for label in codes:
        print_table(label, groups, cpu, wall, args)
    if args.baseline:
        print_ratios(list(codes), groups, cpu)


def load_average() -> str:
    """The machine's load averages (1, 5, 15 minutes)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def mix_per_round(
    label: str, groups: dict[str, list[tuple[str, bool]]], cpu: dict[tuple[str, str], list[float]]
) -> list[float]:
    """The computed mix's CPU a request in each round, its routes weighed as bench/load.py sends them."""
    mix = {k: len(v) for k, v in groups.items() if not k.startswith("healthz")}
    rounds = len(cpu[label, next(iter(mix))])
    return [sum(mix[k] * cpu[label, k][i] for k in mix) / sum(mix.values()) for i in range(rounds)]


def print_table(
    label: str,
    groups: dict[str, list[tuple[str, bool]]],
    cpu: dict[tuple[str, str], list[float]],
    wall: dict[tuple[str, str], list[float]],
    args: argparse.Namespace,
) -> None:
    """Medians over the rounds by route, and the computed mix weighed as bench/load.py sends it."""
    print(f"{label}: server CPU a request, median of {args.rounds} rounds (min-max), {args.passes} passes a round")
    print(f"  {'route':24} {'requests':>9} {'CPU ms':>8} {'min-max':>13} {'wall ms':>8}")
    for name in groups:
        values = cpu[label, name]
        print(
            f"  {name:24} {args.passes * len(groups[name]):9d} {np.median(values):8.2f} "
            f"{min(values):6.2f}-{max(values):<6.2f} {np.median(wall[label, name]):8.2f}"
        )
    per_round = mix_per_round(label, groups, cpu)
    print(
        f"  {'computed mix (weighed)':24} {'':9} {np.median(per_round):8.2f} "
        f"{min(per_round):6.2f}-{max(per_round):<6.2f}"
    )


def print_ratios(
    labels: list[str], groups: dict[str, list[tuple[str, bool]]], cpu: dict[tuple[str, str], list[float]]
) -> None:
    """This checkout's CPU a request over the baseline's, round by round (the median, and the spread)."""
    this, baseline = labels
    print(f"{this} over {baseline}: CPU a request, median of the rounds' ratios (min-max)")
    rows = {name: (cpu[this, name], cpu[baseline, name]) for name in groups}
    rows["computed mix (weighed)"] = (mix_per_round(this, groups, cpu), mix_per_round(baseline, groups, cpu))
    for name, (mine, theirs) in rows.items():
        ratios = [a / b for a, b in zip(mine, theirs, strict=True) if b > 0]
        print(f"  {name:24} x{np.median(ratios):.2f} (x{min(ratios):.2f}-x{max(ratios):.2f})")


if __name__ == "__main__":
    main()
