"""Settings worked out rather than read (DuckDB's threads for each serving process), and the core sources read."""

from __future__ import annotations

import os

import pytest

from api.settings import Settings


def test_the_cores_are_divided_among_the_workers_unless_threads_are_set() -> None:
    cores = os.cpu_count() or 1
    assert Settings(workers=1).duckdb_threads() == 0  # DuckDB's default: every core
    assert Settings(workers=2).duckdb_threads() == max(1, cores // 2)
    assert Settings(workers=4 * cores).duckdb_threads() == 1  # never none
    assert Settings(workers=2, threads=3).duckdb_threads() == 3


def test_the_core_sources_are_police_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().core_sources == ["police"]
    monkeypatch.setenv("AIM_CORE_SOURCES", '["police", "warden"]')
    assert Settings().core_sources == ["police", "warden"]
