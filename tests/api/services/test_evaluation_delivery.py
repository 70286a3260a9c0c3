"""Delivery inside a problem's evaluation, on Cleveland's real counts with a hand-built patrol log loaded through the
real loader: the dosage before and after (none held kept apart from none delivered), the three verdict branches,
the dose-response across the problem's cells against numpy's least squares, and its level on shuffled dosage."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from api.services.caches import Caches
from api.services.evaluation import evaluate_area, force_areas
from api.services.evaluation_delivery import (
    DELIVERED,
    MIN_CELLS,
    NONE_HELD,
    NOT_DELIVERED,
    NOT_HELD,
    cells_dose_response,
    combined_verdict,
    incidents_missing,
)
from api.services.filters import resolve_filters
from api.services.problem_area import area_cells, resolve_area
from api.services.problem_evaluation import evaluate
from geo.dose_response import wilson
from geo.evaluation_placebo import FELL, ROSE, SAME
from geo.hexbin import cells_to_strings
from geo.problem_areas import ring_cells
from ingest.delivery import DeliveryOptions, load_delivery
from ingest.registry import movement_source_for
from ingest.store import read
from ingest.store.connection import Connection, open_served_store
from ingest.taxonomy import expand_categories

BEFORE = (date(2025, 1, 1), date(2025, 6, 1))
AFTER = (date(2025, 7, 1), date(2025, 12, 1))
MINUTES = [0, 4, 8, 12, 15, 20, 25, 30, 40, 60]  # per response cell, after (one entry each on 5 August 2025)
FAR_MINUTES = 30  # one entry in a cell far from the problem, on 10 September 2025 and on 12 May 2025


def _busy_cells(con: Connection, n: int) -> list[str]:
    f = read.IncidentFilter(start=BEFORE[0], end=BEFORE[1], categories=expand_categories(("asb",)))
    top = read.top_cells(con, f, 9, n, read.resolve_boundary_set(con, None))
    return cells_to_strings(np.asarray(top["cell"].to_numpy(zero_copy_only=False), dtype=np.uint64))


def _problem(con: Connection, pid: int, cells: list[str]) -> dict[str, Any]:
    area = resolve_area(con, read.resolve_boundary_set(con, None), {"cells": cells})
    return {"id": pid, "category_group": "asb", "sources": [], "status": "response", "area": area}


def _entry(team: str, day: str, start: str, minutes: int, cell: str) -> str:
    h, m = (int(x) for x in start.split(":"))
    end = h * 60 + m + minutes
    return f"{team},{day}T{start}:00,{day}T{end // 60:02d}:{end % 60:02d}:00,{cell}"


@pytest.fixture(scope="module")
def delivered(cleveland_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Connection, Any]]:
    """A copy of the Cleveland store with a small patrol log loaded as the police's delivery, and the cells used."""
    folder = tmp_path_factory.mktemp("evaluation-delivery")
    store = folder / "aim.duckdb"
    shutil.copyfile(cleveland_store, store)
    con = open_served_store(store, "1GB")
    busy = _busy_cells(con, 40)
    response = busy[:10]
    _, ids = area_cells(con, _problem(con, 1, response)["area"])
    near = set(cells_to_strings(ring_cells(ids, 750.0))) | set(response)
    far = next(c for c in reversed(busy) if c not in near)
    lines = ["team,start,end,cell"]
    for i, (cell, minutes) in enumerate(zip(response, MINUTES, strict=True)):
        if minutes:
            lines.append(_entry(f"foot{i}", "2025-08-05", "10:00", minutes, cell))
    lines.append(_entry("car", "2025-09-10", "14:00", FAR_MINUTES, far))
    lines.append(_entry("car", "2025-05-12", "14:00", FAR_MINUTES, far))
    path = folder / "shifts.log.csv"
    path.write_text("\n".join(lines) + "\n")
    report = load_delivery(con, [(movement_source_for(path), path)], "police", DeliveryOptions())
    assert report.quarantined == 0 and report.days == (date(2025, 5, 12), date(2025, 8, 5), date(2025, 9, 10))
    yield con, {"response": response, "far": far}
    con.close()


def test_the_dosage_before_and_after_is_counted_in_the_response_area(delivered: tuple[Connection, Any]) -> None:
    con, cells = delivered
    result = evaluate(con, _problem(con, 1, cells["response"]), BEFORE, AFTER)
    d = result["delivery"]
    assert d["after"] == {
        "from": "2025-07-01",
        "to": "2025-12-31",
        "days": 184,
        "days_held": 2,
        "words": d["after"]["words"],
    }
    assert d["after"]["words"] == "delivery held for 2 of these 184 days"
    assert d["before"]["days_held"] == 1  # 12 May: held, with nothing in the response area
    response = d["areas"]["response"]
    assert response["cells"] == 10
    assert response["before"] == {
        "minutes": 0.0,
        "minutes_per_day_held": 0.0,
        "visits": 0,
        "compliant_visits": 0,
        "cells_visited": 0,
    }
    assert response["after"] == {
        "minutes": float(sum(MINUTES)),
        "minutes_per_day_held": round(sum(MINUTES) / 2, 2),
        "visits": 9,
        "compliant_visits": sum(m >= 10 for m in MINUTES),
        "cells_visited": 9,
    }
    assert d["areas"]["buffer"]["after"]["minutes"] == 0.0  # the far cell lies outside the 250 m buffer
    assert result["delivery_verdict"] == d["verdict"] == DELIVERED + result["verdict"]
    assert d["words"].startswith(f"{d['verdict']}: {sum(MINUTES):g} minutes present in the response area after")
    rows = d["wards"]
    assert rows and all(set(r) == {"ward", "ward_name", "month", "minutes", "visits", "compliant_visits"} for r in rows)
    august = sum(r["minutes"] for r in rows if r["month"] == "2025-08")
    assert august == sum(MINUTES)  # every response cell lies in the problem's own wards


def test_the_dose_response_across_the_cells_matches_least_squares(delivered: tuple[Connection, Any]) -> None:
    con, cells = delivered
    result = evaluate(con, _problem(con, 1, cells["response"]), BEFORE, AFTER)
    found = result["delivery"]["dose_response"]
    f = read.IncidentFilter(start=BEFORE[0], end=AFTER[1], categories=expand_categories(("asb",)))
    before, after = [], []
    for cell in found["cells_detail"]:
        rows = read.cell_breakdown(con, f, 9, [int(cell["h3"], 16)]).to_pylist()
        before.append(sum(r["count"] for r in rows if r["month"] <= BEFORE[1]))
        after.append(sum(r["count"] for r in rows if r["month"] >= AFTER[0]))
    assert [c["before"] for c in found["cells_detail"]] == before
    assert [c["after"] for c in found["cells_detail"]] == after
    by_cell = dict(zip(cells["response"], MINUTES, strict=True))
    dose = np.array([by_cell[c["h3"]] / 2 for c in found["cells_detail"]])
    assert [c["minutes_per_day"] for c in found["cells_detail"]] == pytest.approx(dose.tolist())
    b, a = np.array(before, dtype=float), np.array(after, dtype=float)
    y = np.log((a + 0.5) / (b + 0.5))
    design = np.column_stack([np.ones(len(y)), dose, np.log(b + 0.5)])
    slope = np.linalg.lstsq(design, y, rcond=None)[0][1]
    estimate = found["estimate"]
    assert estimate["cells"] == 10 and estimate["slope"] == pytest.approx(slope, abs=1e-5)
    assert 1 / 1000 <= estimate["p_value"] <= 1 and estimate["permutations"] == 999
    cal = found["calibration"]
    assert cal["runs"] == 200 and cal["rate"] == cal["significant"] / 200
    assert cal["interval"] == pytest.approx(list(wilson(cal["significant"], 200)), abs=1e-4)
    if cal["interval"][0] > 0.05:  # the test called shuffled dosage significant too often here: no reading
        assert found["reading"].startswith("No reading: on shuffled dosage")
    else:
        assert "permutation p" in found["reading"]


def test_not_delivered_when_delivery_is_held_but_none_reached_the_area(delivered: tuple[Connection, Any]) -> None:
    con, cells = delivered
    before, after = (date(2025, 3, 1), date(2025, 4, 1)), (date(2025, 5, 1), date(2025, 6, 1))
    d = evaluate(con, _problem(con, 1, cells["response"]), before, after)["delivery"]
    assert d["verdict"] == NOT_DELIVERED and d["after"]["days_held"] == 1
    assert d["areas"]["response"]["after"]["minutes"] == 0.0
    assert d["areas"]["response"]["before"] is None and d["before"]["words"] == NONE_HELD
    assert d["dose_response"]["estimate"] is None and "no dose" in d["dose_response"]["why_not"]


def test_not_known_when_no_delivery_is_held_for_the_after_period(delivered: tuple[Connection, Any]) -> None:
    con, cells = delivered
    before, after = (date(2025, 1, 1), date(2025, 2, 1)), (date(2025, 3, 1), date(2025, 4, 1))
    d = evaluate(con, _problem(con, 1, cells["response"]), before, after)["delivery"]
    assert d["verdict"] == NOT_HELD and d["after"] == {
        "from": "2025-03-01",
        "to": "2025-04-30",
        "days": 61,
        "days_held": 0,
        "words": NONE_HELD,
    }
    assert d["areas"]["response"]["after"] is None and d["areas"]["control"]["after"] is None  # not zero
    assert d["dose_response"]["why_not"] == NONE_HELD


@pytest.mark.parametrize("said", [FELL, SAME, ROSE])
def test_the_verdict_reuses_the_evaluations_words(said: str) -> None:
    assert combined_verdict(0, None, said) == NOT_HELD == "Not known: no delivery held"
    assert combined_verdict(3, 0.0, said) == NOT_DELIVERED == "Not delivered"
    assert combined_verdict(3, 12.5, said) == f"Delivered, {said}"


def test_too_few_cells_say_why() -> None:
    few = cells_dose_response(np.arange(MIN_CELLS - 1.0), np.ones(MIN_CELLS - 1), np.ones(MIN_CELLS - 1), 1)
    assert few["estimate"] is None and few["why_not"] == f"{MIN_CELLS - 1} cells: a dose-response needs at least 8"
    same = cells_dose_response(np.full(10, 3.0), np.arange(10.0), np.arange(10.0), 1)
    assert same["estimate"] is None and "same dose" in same["why_not"]


@pytest.mark.parametrize("dose_follows_level", [False, True])
def test_shuffled_dosage_is_called_significant_near_the_nominal_rate(dose_follows_level: bool) -> None:
    """Null cells (counted twice with no change but chance, the busiest falling back on their own): the evaluation's
    test calls about 5% of them significant at 5%, also when more patrol goes to the busier cells."""
    rng = np.random.default_rng(2026)
    datasets, significant = 300, 0
    for k in range(datasets):
        rate = rng.gamma(2.0, 6.0, 12)
        before, after = rng.poisson(rate), rng.poisson(rate)
        dose = rng.exponential(8.0, 12)
        if dose_follows_level:
            dose = np.sort(dose)[np.argsort(np.argsort(before))]
        found = cells_dose_response(dose, before, after, seed=k, permutations=199, runs=0)
        significant += found["estimate"]["p_value"] <= 0.05
    assert 0.02 <= significant / datasets <= 0.09


def test_a_real_effect_is_found() -> None:
    """Power: incidents after fall 55% at 20 minutes a day (log-linear in the dose), 12 cells."""
    rng = np.random.default_rng(7)
    found = 0
    for k in range(40):
        rate = rng.gamma(4.0, 8.0, 12)
        dose = rng.uniform(0, 20, 12)
        before, after = rng.poisson(rate), rng.poisson(rate * np.exp(np.log(0.45) * dose / 20))
        found += (
            cells_dose_response(dose, before, after, seed=k, permutations=199, runs=0)["estimate"]["p_value"] <= 0.05
        )
    assert found >= 20  # 26 of 40 when written


def test_a_selections_own_evaluation_counts_its_delivery(delivered: tuple[Connection, Any]) -> None:
    """AIM's selection scored on July to September 2025 (the log's 5 August and 10 September fall in it): the busiest
    cells, the response cells and the far cell among them, got exactly the logged minutes and visits."""
    con, _ = delivered
    filters = resolve_filters(con, start=BEFORE[0], end=date(2025, 9, 1), categories=("asb",), sources=())
    area = next(a for a in force_areas(con, ["cleveland"], filters.boundary_set))
    caches = Caches()
    train, test = BEFORE, (date(2025, 7, 1), date(2025, 9, 1))
    answer = evaluate_area(con, filters, area, 9, train, test, 0.2, caches.wards, caches.lattices, delivery=True)
    d = answer["delivery"]
    n = answer["methods"]["aim"]["cells"]
    assert d["cells"] == n and d["verdict"] == "Delivered"
    assert d["period"] == {
        "from": "2025-07-01",
        "to": "2025-09-30",
        "days": 92,
        "days_held": 2,
        "words": d["period"]["words"],
    }
    plan = d["plan"]
    compliant = sum(m >= 10 for m in MINUTES) + 1
    assert plan["minutes"] == sum(MINUTES) + FAR_MINUTES and plan["visits"] == 10 and plan["cells_visited"] == 10
    assert plan["compliant_visits"] == compliant and plan["target_compliant_visits"] == 2 * n
    assert plan["share_delivered"] == round(compliant / (2 * n), 3) and plan["share_visited"] == round(10 / n, 3)
    assert d["background"]["cells"] == n and d["background"]["minutes"] == 0.0
    found = d["dose_response"]
    assert found["estimate"]["cells"] == n and found["calibration"]["runs"] == 200
    assert evaluate_area(con, filters, area, 9, train, test, 0.2, caches.wards, caches.lattices).get("delivery") is None
    quiet = evaluate_area(
        con,
        filters,
        area,
        9,
        (date(2025, 1, 1), date(2025, 3, 1)),
        (date(2025, 4, 1), date(2025, 4, 1)),
        0.2,
        caches.wards,
        caches.lattices,
        delivery=True,
    )["delivery"]
    assert quiet["verdict"] == NOT_HELD and quiet["plan"] is None and quiet["period"]["words"] == NONE_HELD


def test_no_dose_response_when_the_after_periods_incidents_are_not_held(delivered: tuple[Connection, Any]) -> None:
    con, _ = delivered
    assert incidents_missing(con, [], (date(2025, 7, 1), date(2025, 12, 1))) is None
    why = incidents_missing(con, [], (date(2025, 12, 1), date(2026, 1, 1)))
    assert why == "incidents are held to Dec 2025 only: the after-period's incidents, the response, are not all held"
    one = cells_dose_response(np.arange(1.0), np.ones(1), np.ones(1), 1)
    assert one["why_not"] == "1 cell: a dose-response needs at least 8"
