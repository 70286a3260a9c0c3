"""Evaluate patrol selection on held-out months: AIM's forecast against previous-period, KDE and random picks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from api.services.caches import Caches
from api.services.comparison import not_held
from api.services.errors import ParameterError
from api.services.evaluation_delivery import selection_delivery
from api.services.filters import Filters, resolve_filters
from api.services.patrol import area_model
from api.services.placebo_evaluation import seed_of
from api.services.reference import WardCache
from api.services.study_area import LatticeCache, StudyArea
from geo.evaluate import score_split
from geo.forecast import quartic_kernel, select_cells
from geo.trends import add_months, months_between
from ingest.schema import DEFAULT_CATEGORIES
from ingest.store import read
from ingest.store.connection import Connection

KDE_BANDWIDTH_M = 400.0
METHOD_NOTES = {
    "aim": "AIM's forecast (the filtered incidents, smoothed, and the other crime recorded), fitted on the training "
    "months only",
    "training_window": "top cells by count over the whole training window",
    "last_3_months": "top cells by count over the last 3 training months",
    "previous_period": "top cells by count in the last training months (as many months as the test)",
    "kde": f"quartic kernel density of all training incidents, {KDE_BANDWIDTH_M:g} m bandwidth",
    "random": "cells picked at random, mean of 200 draws",
}


def evaluate_area(
    con: Connection,
    filters: Filters,
    area: StudyArea,
    res: int,
    train: tuple[date, date],
    test: tuple[date, date],
    coverage: float,
    wards: WardCache,
    lattices: LatticeCache,
    delivery: bool = False,
) -> dict[str, Any]:
    """Hit rate, PAI and RRI of each method when it picks `coverage` of the area's cells from train, scored on test;
    with `delivery` (analysts), what the patrols delivered in AIM's cells over the test months and the dose-response
    across them."""
    unheld = not_held(con, tuple(filters.incident.sources), train[0], test[1])
    if unheld:
        raise ParameterError("test", unheld)
    span = replace(filters, incident=replace(filters.incident, start=train[0], end=test[1]))
    m = area_model(con, span, area, res, wards, lattices)
    n_train = months_between(*train)
    n_test = months_between(*test)
    gap = months_between(add_months(train[1], 1), test[0]) - 1  # months between train and test, left out
    train_counts = m.counts[:, :n_train]
    test_counts = m.counts[:, n_train + gap : n_train + gap + n_test]
    train_context = None if m.context is None else m.context[:, :n_train]
    kde = quartic_kernel(m.distances, KDE_BANDWIDTH_M)
    model, scores, best_baseline = score_split(
        train_counts, test_counts, train_context, m.kernels, kde, m.area_km2, coverage
    )
    answer = {
        "area": area.echo(),
        "resolution": res,
        "train": {"from": f"{train[0]:%Y-%m}", "to": f"{train[1]:%Y-%m}"},
        "test": {"from": f"{test[0]:%Y-%m}", "to": f"{test[1]:%Y-%m}"},
        "coverage": coverage,
        "filters": filters.echo(),
        "cells": len(m.lattice),
        "area_km2": round(float(m.area_km2.sum()), 1),
        "train_incidents": int(train_counts.sum()),
        "test_incidents": int(test_counts.sum()),
        "aim_model": model.describe(),
        "methods": {
            name: {
                "cells": s.cells,
                "area_share": round(s.area_share, 4),
                "hit_rate": round(s.hit_rate, 4),
                "pai": round(s.pai, 2),
                "rri": None if s.rri is None else round(s.rri, 3),
                "how": METHOD_NOTES[name],
            }
            for name, s in scores.items()
        },
        "best_baseline": best_baseline,
        "aim_vs_best_baseline_pai": round(scores["aim"].pai / scores[best_baseline].pai, 4)
        if scores[best_baseline].pai
        else None,
    }
    if delivery:
        ranked = select_cells(
            model.monthly_rate(train_counts, m.kernels, train_context),
            m.area_km2,
            n=2 * scores["aim"].cells,
            tiebreak=train_counts.sum(axis=1),
        )
        chosen, comparable = ranked[: scores["aim"].cells], ranked[scores["aim"].cells :]
        before = train_counts[chosen, -n_test:].sum(axis=1)  # as many months as the test, just before the gap
        answer["delivery"] = selection_delivery(
            con,
            res,
            m.lattice.cells[chosen],
            m.lattice.cells[comparable],
            test,
            (before, test_counts[chosen].sum(axis=1)),
            seed_of("selection", area.kind, area.code, res, train, test, coverage),
        )
    return answer


def evaluate_forces(
    con: Connection,
    forces: list[str] | None,
    train: tuple[date, date],
    test: tuple[date, date],
    coverage: float,
    res: int,
    caches: Caches,
) -> list[dict[str, Any]]:
    """Evaluate every force asked for (code, name or slug), or every force held whose whole area the default
    boundary set covers, on ASB over the train and test months."""
    filters = resolve_filters(con, start=train[0], end=test[1], categories=DEFAULT_CATEGORIES, sources=())
    return [
        evaluate_area(con, filters, area, res, train, test, coverage, caches.wards, caches.lattices)
        for area in force_areas(con, forces, filters.boundary_set)
    ]


def force_areas(con: Connection, forces: list[str] | None, boundary_set: str) -> list[StudyArea]:
    """The forces asked for (code, name or slug), or every force held whose whole area the boundary set covers."""
    if forces:
        found = [read.resolve_force(con, f) for f in forces]
        unknown = [f for f, area in zip(forces, found, strict=True) if area is None]
        if unknown:
            raise ParameterError("force", f"unknown force {', '.join(map(repr, unknown))}")
        chosen = [f for f in found if f is not None]
    else:
        held, mapped = set(read.lads_with_incidents(con)), set(read.lads_with_wards(con, boundary_set))
        chosen = [f for f in read.forces(con) if held & set(f.lads) and set(f.lads) <= mapped]
    return [StudyArea("force", f.code, f.name, f.lads) for f in chosen]
