"""A trend reads every month held once and takes its period, the periods it is compared with and its seasonal
profile from it: each is what a read of that period alone gives, for every kind of area and figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from api.access.disclosure import Published
from api.rules import disclosure_rule
from api.services.figures import EXACT, Figures
from api.services.filters import Filters, resolve_filters
from api.services.trends import (
    TrendArea,
    _compared,
    held_counts,
    month_counts,
    resolve_trend_area,
    seasonality,
    within,
)
from api.settings import Settings
from ingest.store import read
from ingest.store.connection import Connection, open_store, scalar

PERIODS = [
    (date(2025, 1, 1), date(2025, 3, 1)),
    (date(2025, 4, 1), date(2025, 9, 1)),
    (date(2024, 10, 1), date(2025, 12, 1)),
]
CATEGORIES = [("asb",), ("all",), ("crime",)]


def _areas(con: Connection, filters: Filters) -> list[tuple[TrendArea, Filters]]:
    """The whole area, a district, its busiest ward and its busiest cell at resolution 8."""
    ward = scalar(con, "SELECT ward_code FROM ward_counts GROUP BY 1 ORDER BY sum(n) DESC, 1 LIMIT 1")
    cell = scalar(con, "SELECT cell_8 FROM incident_counts GROUP BY 1 ORDER BY sum(n) DESC, 1 LIMIT 1")
    return [
        (TrendArea(), filters),
        resolve_trend_area(con, filters, None, "E06000002", None),
        resolve_trend_area(con, filters, str(ward), None, None),
        resolve_trend_area(con, filters, None, None, f"{cell:x}"),
    ]


@pytest.mark.parametrize("figures", [EXACT, Published(disclosure_rule(Settings()))], ids=["exact", "published"])
def test_every_period_taken_from_the_months_held_is_the_period_read_alone(
    cleveland_store: Path, figures: Figures
) -> None:
    con = open_store(cleveland_store)
    try:
        for start, end in PERIODS:
            for categories in CATEGORIES:
                base = resolve_filters(con, start=start, end=end, categories=categories, sources=())
                base = replace(base, figures=figures)
                for area, filters in _areas(con, base):
                    held = read.month_extent(con, filters.incident.sources)
                    every = held_counts(con, filters, area, held)
                    counts = month_counts(con, filters, area)
                    assert within(every, start, end) == counts and counts
                    total = figures.total(counts.values())
                    for compare in ("previous", "last_year"):
                        alone = _compared(con, filters, area, total, compare, 0.05)
                        assert _compared(con, filters, area, total, compare, 0.05, every=every) == alone
                    assert seasonality(con, filters, area, held, every) == seasonality(con, filters, area, held)
    finally:
        con.close()
