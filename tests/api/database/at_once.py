"""Processes doing one thing to the deployment database at once (spawned: each imports only this module and
api.database), and what each reported."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

import sqlalchemy as sa

from api.database import DatabaseUnavailable, engine_for, locate, open_engine, upgrade

PROCESSES = 3
Outcome = tuple[str, str]


def migrating(url: str, barrier: Barrier, outcomes: Queue[Outcome]) -> None:
    """One process: an engine of its own, then the migration routine as soon as every process is ready."""
    engine = engine_for(locate(url), every=True)
    barrier.wait(timeout=60)
    try:
        outcomes.put(("migrated" if upgrade(engine) else "current", ""))
    except Exception as exc:  # noqa: BLE001 (reported to the test)
        outcomes.put(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        engine.dispose()


def opening(url: str, barrier: Barrier, outcomes: Queue[Outcome]) -> None:
    """One process: open the database (creating it when it is a missing file) as soon as every process is ready."""
    barrier.wait(timeout=60)
    try:
        engine = open_engine(url)
    except DatabaseUnavailable as exc:
        outcomes.put(("failed", str(exc)))
        return
    with engine.connect() as c:
        outcomes.put(("opened", str(c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one())))
    engine.dispose()


def at_once(target: Callable[[str, Barrier, Queue[Outcome]], None], url: str) -> list[Outcome]:
    """PROCESSES processes running target(url) together; what each reported."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    outcomes: Queue[Outcome] = context.Queue()
    processes = [context.Process(target=target, args=(url, barrier, outcomes)) for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    found = [outcomes.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return sorted(found)
