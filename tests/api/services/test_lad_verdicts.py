"""A district's verdict: its change against its districts' own change together, on the real Cleveland data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scipy.stats import binomtest

from api.services.filters import resolve_filters
from api.services.lad_verdicts import lad_verdicts
from ingest.store import read
from ingest.store.connection import open_served_store

CLEVELAND = ("E06000001", "E06000002", "E06000003", "E06000004")
Q3 = (date(2025, 7, 1), date(2025, 9, 1))


def test_each_district_is_tested_against_the_districts_together(cleveland_store: Path) -> None:
    con = open_served_store(cleveland_store)
    try:
        filters = resolve_filters(con, start=date(2025, 10, 1), end=date(2025, 12, 1), categories=("asb",), sources=())
        verdicts = lad_verdicts(con, filters, CLEVELAND, Q3, 0.05)
        one = lad_verdicts(con, filters.only(lad="E06000002"), CLEVELAND, Q3, 0.05)  # a district's own filter
        totals, before = (
            {lad: sum(read.monthly_counts(con, f.only(lad=lad).incident)["count"].to_pylist()) for lad in CLEVELAND}
            for f in (filters, filters.months(*Q3))
        )
    finally:
        con.close()
    assert [w["code"] for w in verdicts.wards] == list(CLEVELAND) and one == verdicts
    # what each district's own trend counts (Q4 and Q3 2025: 3,734 and 4,883 over the force, one outside them)
    assert {w["code"]: w["count"] for w in verdicts.wards} == totals and verdicts.total == 3734
    assert {w["code"]: w["previous_count"] for w in verdicts.wards} == before and verdicts.previous_total == 4882
    share = verdicts.total / (verdicts.total + verdicts.previous_total)
    for w in verdicts.wards:
        p = binomtest(w["count"], w["count"] + w["previous_count"], share).pvalue
        assert w["p_value"] == float(f"{p:.3g}") and w["q_value"] >= w["p_value"]
        assert w["expected"] == round(w["previous_count"] * verdicts.total / verdicts.previous_total, 1)
    assert sum(binomtest(w["count"], w["count"] + w["previous_count"]).pvalue < 0.05 for w in verdicts.wards) == 4
    assert sum(w["significant"] for w in verdicts.wards) < 4  # the season every district shares is not change
