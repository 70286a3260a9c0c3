"""Where the default period ends: the latest month every core source holds, never a month only a council feed holds;
and what a new month of a feed does to that default, in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from api.services.default_period import DefaultEnd, default_end, month_words, new_month_effect
from api.services.filters import resolve_filters
from ingest.pipeline import IngestOptions, run
from ingest.registry import resolve_feed
from ingest.store.connection import Connection
from tests.api.http.test_police_lag import warden_file
from tests.conftest import load_police, new_store, police_file

DEC, JAN = date(2025, 12, 1), date(2026, 1, 1)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    """Two months of Cleveland police.uk data (Nov and Dec 2025) and one warden report in January 2026."""
    folder = tmp_path_factory.mktemp("core")
    c = new_store(folder / "aim.duckdb")
    for month in ("11", "12"):
        load_police(c, police_file("cleveland", month))
    assert run(resolve_feed("cleveland-wardens"), warden_file(folder, "05/01/2026"), c, IngestOptions()).loaded == 1
    yield c
    c.close()


def test_the_core_source_decides_the_default_end(con: Connection) -> None:
    assert default_end(con, (), ()) == DefaultEnd(JAN)  # no core source: the latest month held, as before
    found = default_end(con, (), ("police",))
    assert found == DefaultEnd(DEC, ("police",), (("warden", JAN),))
    assert default_end(con, ("warden",), ("police",)) == found  # a council source alone stops there too
    assert default_end(con, ("police",), ("police",)) == DefaultEnd(DEC, ("police",))
    assert default_end(con, (), ("complaint",)) == DefaultEnd(JAN)  # a core source not held has no say
    assert default_end(con, ("councillor",), ("police",)) is None  # nothing held for the sources counted


def test_the_note_names_the_rule_and_the_sources_left_out(con: Connection) -> None:
    found = default_end(con, (), ("police",))
    assert found is not None
    assert found.note() == (
        "ends at 2025-12, the latest month police holds; later months (warden to 2026-01) are left out until police "
        "holds 2026-01"
    )
    assert found.note(name_others=False) == (
        "ends at 2025-12, the latest month every core source holds; later months of other sources are left out until "
        "then"
    )
    both = DefaultEnd(DEC, ("police", "warden"), (("complaint", JAN),))
    assert both.note() == (
        "ends at 2025-12, the latest month police and warden hold; later months (complaint to 2026-01) are left out "
        "until police and warden hold 2026-01"
    )


def test_filters_end_there_unless_months_are_asked_for(con: Connection) -> None:
    kept = resolve_filters(con, start=None, end=None, categories=(), sources=(), core=("police",))
    assert (kept.incident.start, kept.incident.end) == (date(2025, 1, 1), DEC)
    assert kept.default_end is not None and kept.default_end.month == DEC
    moved = resolve_filters(con, start=None, end=None, categories=(), sources=())
    assert moved.incident.end == JAN  # without core sources, the latest month held
    asked = resolve_filters(con, start=None, end=JAN, categories=(), sources=(), core=("police",))
    assert asked.incident.end == JAN and asked.default_end is None


def test_what_a_new_month_does_to_the_defaults(con: Connection) -> None:
    core = ("police",)
    assert new_month_effect(con, "warden", [date(2026, 2, 1)], core, 12) == (
        "adds 2026-02 for warden; the default period stays Jan-Dec 2025 until police holds 2026-02"
    )
    assert new_month_effect(con, "police", [JAN], core, 12) == (
        "adds 2026-01 for police; the default period moves from Jan-Dec 2025 to Feb 2025-Jan 2026"
    )
    assert new_month_effect(con, "warden", [date(2025, 6, 1)], core, 12) == (
        "adds 2025-06 for warden; the default period stays Jan-Dec 2025"
    )
    assert new_month_effect(con, "warden", [date(2026, 2, 1)], (), 3) == (
        "adds 2026-02 for warden; the default period moves from Nov 2025-Jan 2026 to Dec 2025-Feb 2026"
    )
    assert new_month_effect(con, "warden", [], core, 12) is None


def test_months_in_words() -> None:
    assert month_words(date(2025, 1, 1), DEC) == "Jan-Dec 2025"
    assert month_words(date(2025, 2, 1), JAN) == "Feb 2025-Jan 2026"
    assert month_words(DEC, DEC) == "Dec 2025"


def test_a_store_with_nothing_held(store: Connection, tmp_path: Path) -> None:
    assert default_end(store, (), ("police",)) is None
    assert new_month_effect(store, "police", [DEC], ("police",), 12) == (
        "adds 2025-12 for police; the default period becomes Jan-Dec 2025"
    )
