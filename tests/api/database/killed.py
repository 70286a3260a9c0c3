"""A process killed (SIGKILL) part way through migrating the deployment database: it counts the statements it sends
and kills itself just before the one asked for (spawned: imports only this module and api.database)."""

from __future__ import annotations

import multiprocessing
import os
import signal
from typing import Any

import sqlalchemy as sa

from api.database import engine_for, locate, upgrade


def migrate_until_killed(url: str, kill_at: int) -> None:
    """Migrate the database at url, killed with SIGKILL before its kill_at-th statement (runs to the end if fewer)."""
    engine = engine_for(locate(url), every=True)
    sent = [0]

    def count(*_: Any) -> None:
        sent[0] += 1
        if sent[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    sa.event.listen(engine, "before_cursor_execute", count)
    upgrade(engine)
    print(f"finished after {sent[0]} statements", flush=True)


def killed_at(url: str, kill_at: int) -> int | None:
    """Run migrate_until_killed in a process of its own; its exit code (-9 when it was killed)."""
    process = multiprocessing.get_context("spawn").Process(target=migrate_until_killed, args=(url, kill_at))
    process.start()
    process.join(timeout=120)
    return process.exitcode
