"""The serving lock: one `aim serve` per store; a second is refused naming the first; the lock goes with its holder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest.store.serving import AlreadyServed, serving_file, serving_lock


def test_a_second_holder_is_refused_naming_the_first_and_the_lock_goes_with_it(tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    with serving_lock(store, "http://127.0.0.1:8000/, 2 workers"):
        with pytest.raises(AlreadyServed, match=r"already served by `aim serve` \(process \d+, http://127.0.0.1:8000/"):
            with serving_lock(store, "http://127.0.0.1:8001/, 1 worker"):
                pass  # pragma: no cover - refused before
    with serving_lock(store, "http://127.0.0.1:8001/, 1 worker"):
        assert "8001" in serving_file(store).read_text()
    assert serving_file(store).read_text() == ""  # nothing said about a holder once it has gone


def test_a_holder_that_dies_leaves_the_store_free(tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    holder = (
        "import os, sys; from pathlib import Path; from ingest.store.serving import serving_lock\n"
        f"with serving_lock(Path({str(store)!r}), 'killed'):\n    os._exit(9)"
    )
    died = subprocess.run([sys.executable, "-c", holder], check=False, cwd=Path(__file__).parents[3])
    assert died.returncode == 9
    with serving_lock(store, "after it"):  # the OS released the lock with the process
        pass
