"""Start `aim serve` on a loopback port over a store, with an analyst token for the benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.access.principals import Role  # noqa: E402
from api.access.store import AccessStore  # noqa: E402
from api.settings import Settings  # noqa: E402


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(store: Path, **settings: str) -> Iterator[tuple[str, str]]:
    """(base URL, analyst token) of a server running over the store (extra AIM_* settings by name), stopped on exit.
    Answers are not kept between requests (answer_cache_mb=0) unless the caller says otherwise: every request is
    timed as computed."""
    with served_process(store, None, **{"answer_cache_mb": "0", **settings}) as (base, token, _):
        yield base, token


@contextmanager
def served_process(
    store: Path, code: Path | None = None, **settings: str
) -> Iterator[tuple[str, str, subprocess.Popen[bytes]]]:
    """(base URL, analyst token, server process) of `aim serve` over the store with these AIM_* settings; `code`: a
    checkout whose code serves instead of this one (e.g. another branch's worktree, to compare the two)."""
    token = AccessStore(Settings(store=store).tasking_url()).create_token("benchmark", Role.ANALYST)
    port = free_port()
    env = {**os.environ, **{f"AIM_{k.upper()}": v for k, v in settings.items()}, "AIM_STORE": str(store)}
    env["AIM_PORT"] = str(port)
    env["PYTHONPATH"] = str((code or ROOT).resolve())
    log = (store.parent / f"{store.stem}-server.log").open("wb")  # beside the store, for when a server fails
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "serve"], env=env, cwd=code or ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"the server did not start: see {log.name}")
        yield base, token, server
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
