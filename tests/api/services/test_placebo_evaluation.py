"""A problem's evaluation read against placebo areas on Cleveland's real counts: deterministic, matched in size and
level away from the response area and other live problems, in the three verdict phrases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from api.services.errors import ParameterError
from api.services.placebo_evaluation import PLACEBOS, cells_at, force_counts, live_cells
from api.services.problem_area import area_cells, resolve_area
from api.services.problem_evaluation import evaluate
from geo.evaluation_placebo import FELL, ROSE, SAME
from geo.hexbin import cells_to_strings, parent_cells
from ingest.store import read
from ingest.store.connection import Connection, open_served_store
from ingest.taxonomy import expand_categories

BEFORE = (date(2025, 1, 1), date(2025, 6, 1))
AFTER = (date(2025, 7, 1), date(2025, 12, 1))


@pytest.fixture(scope="module")
def con(cleveland_store: Path) -> Iterator[Connection]:
    c = open_served_store(cleveland_store)
    yield c
    c.close()


def _problem(con: Connection, pid: int, cells: list[str]) -> dict[str, Any]:
    boundary_set = read.resolve_boundary_set(con, None)
    area = resolve_area(con, boundary_set, {"cells": cells})
    return {"id": pid, "category_group": "asb", "sources": [], "status": "response", "area": area}


def _busy_cells(con: Connection, n: int) -> list[str]:
    f = read.IncidentFilter(start=BEFORE[0], end=BEFORE[1], categories=expand_categories(("asb",)))
    top = read.top_cells(con, f, 9, n, read.resolve_boundary_set(con, None))
    return cells_to_strings(np.asarray(top["cell"].to_numpy(zero_copy_only=False), dtype=np.uint64))


def test_an_evaluation_is_read_against_comparable_places(con: Connection) -> None:
    cells = _busy_cells(con, 12)
    problem = _problem(con, 7, cells[:1])
    other = _problem(con, 8, cells[5:6])
    target = {"direction": "down", "percent": 20, "against": "control", "months": 6}
    first = evaluate(con, problem, BEFORE, AFTER, target=target, others=[problem, other])
    again = evaluate(con, problem, BEFORE, AFTER, target=target, others=[problem, other])
    assert first == again  # seeded by the problem and its inputs
    placebo = first["placebo"]
    assert placebo["areas"] == PLACEBOS and first["verdict"] == placebo["verdict"] in (FELL, SAME, ROSE)
    assert placebo["control"].startswith("scaled")
    assert 0 < placebo["rate_ratio"]["p"] <= 1 and placebo["rate_ratio"]["low"] < placebo["rate_ratio"]["high"]
    assert first["summary"].startswith("Verdict: the response area ")
    reading = first["target"]["reading"]
    if first["target"]["met"] and first["verdict"] != FELL:
        assert reading == "met, but within what comparable places did"
    assert f"Target (down 20% against control): {reading}." in first["summary"]
    rr = first["rate_ratio_overdispersed"]
    assert rr["dispersion"] is not None and rr["ratio"] == pytest.approx(first["rate_ratio"]["ratio"])
    assert first["rate_ratio_against_control_overdispersed"]["ratio"] == pytest.approx(
        first["rate_ratio_against_control"]["ratio"]
    )
    other_seed = evaluate(con, {**problem, "id": 9}, BEFORE, AFTER, others=[problem, other])["placebo"]["seed"]
    assert other_seed != placebo["seed"]


def test_live_problems_and_the_response_area_are_no_placebo(con: Connection) -> None:
    cells = _busy_cells(con, 3)
    problem = _problem(con, 1, cells[:1])
    closed = {**_problem(con, 2, cells[1:2]), "status": "closed"}
    live = _problem(con, 3, cells[2:3])
    found = live_cells(con, problem, [problem, closed, live], 9)
    assert cells_to_strings(found) == cells[2:3]
    res8 = cells_at(found, 8)
    assert (res8 == parent_cells(found, 8)).all() and len(cells_at(res8, 9)) == 7


def test_force_counts_add_up_to_the_response_area(con: Connection) -> None:
    cells = _busy_cells(con, 1)
    problem = _problem(con, 1, cells)
    _, ids = area_cells(con, problem["area"])
    lads = tuple(f.lads for f in read.forces(con) if f.slug == "cleveland")[0]
    counts = force_counts(con, "asb", [], 9, lads, BEFORE, AFTER)
    result = evaluate(con, problem, BEFORE, AFTER)
    b, a = counts.sums(ids[None, :])
    assert (int(b[0]), int(a[0])) == (result["areas"]["response"]["before"], result["areas"]["response"]["after"])


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ((date(2025, 5, 1), date(2025, 9, 1)), (date(2025, 10, 1), date(2026, 2, 1))),  # after runs past the data
        ((date(2024, 10, 1), date(2025, 2, 1)), (date(2025, 3, 1), date(2025, 7, 1))),  # before starts before it
    ],
)
def test_months_not_held_are_not_comparable(
    con: Connection, before: tuple[date, date], after: tuple[date, date]
) -> None:
    problem = _problem(con, 7, _busy_cells(con, 1))
    with pytest.raises(ParameterError, match="not comparable: every source counted is held from Jan 2025 to Dec 2025"):
        evaluate(con, problem, before, after, others=[problem])
