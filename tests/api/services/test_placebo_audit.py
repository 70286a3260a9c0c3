"""The placebo audit on Cleveland's real counts: busy areas where nothing was done are called "fell" or "rose" at
the 5% level about 5% of the time (the test fails if the placebo calibration breaks), and a real fall is found."""

from __future__ import annotations

import math
from pathlib import Path

from api.services.evaluation import force_areas
from api.services.placebo_audit import REDUCTIONS, audit_cases, audit_table
from ingest.store import read
from ingest.store.connection import open_served_store


def test_placebo_problems_are_called_at_the_nominal_rate(cleveland_store: Path) -> None:
    con = open_served_store(cleveland_store)
    try:
        boundary_set = read.resolve_boundary_set(con, None)
        (area,) = force_areas(con, ["cleveland"], boundary_set)
        cases = audit_cases(con, area, boundary_set, ("asb", "violence-sexual"), per_cell=6, seed=1)
    finally:
        con.close()
    n = len(cases)
    assert n == 2 * 3 * 4 * 6 and all(c.placebos == 199 for c in cases)
    called = sum(c.verdict != "no different from comparable places" for c in cases) / n
    band = 2.576 * math.sqrt(0.05 * 0.95 / n)  # 99% binomial band around 5%
    assert abs(called - 0.05) <= band, called
    old = sum(c.exact_poisson_change for c in cases) / n
    assert old > 0.05 + band  # the pure-Poisson before/after interval over-calls on the same areas
    power = {cut: sum(c.detected[cut] for c in cases) / n for cut in REDUCTIONS}
    assert called < power[0.20] < power[0.35]
    (overall,) = [r for r in audit_table(cases) if r["group"] == "Cleveland, all"]
    assert overall["cases"] == n and overall["called"] == called
