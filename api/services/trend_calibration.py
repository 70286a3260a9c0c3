"""Do the emerging hotspots' trends and classes carry signal? Shuffle each cell's counts across the months (a time
null: no trend, the spatial pattern kept) and count what is called, beside what the real counts give."""

from __future__ import annotations

from typing import Any

import numpy as np

from api.services.filters import Filters
from api.services.reference import WardCache
from api.services.study_area import LatticeCache, StudyArea, lattice_counts
from geo.emerging import CLASSES, EmergingResult, emerging_hotspots
from geo.lattice import neighbour_matrix
from ingest.store.connection import Connection

LEVELS = (0.10, 0.05)
ALPHA = 0.1  # the emerging hotspots' default (and the tasking pack's)
CHANGE = ("new", "consecutive", "intensifying", "diminishing")  # the classes that say something changed
METHOD = (
    "each cell's monthly counts are shuffled across the months, cell by cell (seeded), `draws` times: no trend is "
    "left, while each cell keeps its counts and so the spatial pattern. On each shuffle the emerging hotspots are "
    "computed as the layer computes them (k = 1, alpha 0.1). `trend_share` is the share of cells, among those with an "
    "incident in their neighbourhood (`active`; the others have no trend to call), whose trend has p below each level; "
    "a calibrated test calls at most that level (Mann-Kendall on 12 months calls 8.7% at 10% and 4.5% at 5% of "
    "series with no ties; ties in sparse cells make it call fewer). `dense` is the same among cells with an incident "
    "in their neighbourhood every month. `classes`: the mean number of cells of each hot-spot class per shuffle beside "
    "the number on the real counts; a class that implies change (new, consecutive, intensifying, diminishing) carries "
    "signal only where the real count stands well above the shuffled one. `persistent_trend_share`: among cells hot "
    "in at least 90% of months including the last, the share called intensifying or diminishing."
)


def _summary(result: EmergingResult, active: np.ndarray, dense: np.ndarray) -> dict[str, Any]:
    """What one run of the emerging hotspots called: trend shares, hot classes, and trends among the mostly hot."""
    hot = result.side == "hot"
    mostly = hot & np.isin(result.pattern, ("intensifying", "diminishing", "persistent"))
    moving = hot & np.isin(result.pattern, ("intensifying", "diminishing"))
    return {
        "trend": [float(np.mean(result.trend_p[active] < a)) if active.any() else 0.0 for a in LEVELS],
        "dense": [float(np.mean(result.trend_p[dense] < a)) if dense.any() else 0.0 for a in LEVELS],
        "classes": {c: int(((result.pattern == c) & hot).sum()) for c in CLASSES},
        "mostly_hot": int(mostly.sum()),
        "moving": int(moving.sum()),
    }


def _mean(values: list[float]) -> float | None:
    return round(float(np.mean(values)), 5) if values else None


def trend_calibration(
    con: Connection,
    filters: Filters,
    area: StudyArea,
    res: int,
    draws: int,
    seed: int,
    wards: WardCache,
    lattices: LatticeCache,
) -> dict[str, Any]:
    """Trend calls and emerging classes over month shuffles of the area's cells, beside the real counts' own."""
    lattice, bbox = lattices.get(con, wards, filters.boundary_set, area, res)
    counts, months = lattice_counts(con, filters.incident, lattice, bbox)
    weights = neighbour_matrix(lattice, 1)
    local = np.asarray(weights @ counts)
    active, dense = local.sum(axis=1) > 0, np.all(local > 0, axis=1)
    real = _summary(emerging_hotspots(counts, weights, alpha=ALPHA), active, dense)
    rng = np.random.default_rng(seed)
    nulls = [
        _summary(emerging_hotspots(rng.permuted(counts, axis=1), weights, alpha=ALPHA), active, dense)
        for _ in range(draws)
    ]
    mostly = sum(n["mostly_hot"] for n in nulls)
    return {
        "area": area.echo(),
        "resolution": res,
        "category": ", ".join(filters.categories),
        "period": {"from": f"{filters.incident.start:%Y-%m}", "to": f"{filters.incident.end:%Y-%m}"},
        "months": len(months),
        "cells": len(lattice),
        "active_cells": int(active.sum()),
        "dense_cells": int(dense.sum()),
        "incidents": int(counts.sum()),
        "draws": draws,
        "seed": seed,
        "alpha": ALPHA,
        "levels": [
            {
                "level": a,
                "trend_share": _mean([n["trend"][j] for n in nulls]),
                "dense_trend_share": _mean([n["dense"][j] for n in nulls]),
                "real_trend_share": round(real["trend"][j], 5),
                "real_dense_trend_share": round(real["dense"][j], 5),
            }
            for j, a in enumerate(LEVELS)
        ],
        "classes": [
            {
                "class": c,
                "implies_change": c in CHANGE,
                "shuffled_mean_cells": _mean([n["classes"][c] for n in nulls]),
                "shuffled_max_cells": max((n["classes"][c] for n in nulls), default=None),
                "real_cells": real["classes"][c],
            }
            for c in CLASSES
        ],
        "persistent_trend_share": round(sum(n["moving"] for n in nulls) / mostly, 4) if mostly else None,
        "real_persistent_trend_share": round(real["moving"] / real["mostly_hot"], 4) if real["mostly_hot"] else None,
        "method": METHOD,
    }


def calibrate_trends(
    con: Connection,
    areas: list[StudyArea],
    by_category: list[Filters],
    resolutions: list[int],
    draws: int,
    seed: int,
    wards: WardCache,
    lattices: LatticeCache,
) -> list[dict[str, Any]]:
    """The time null of every area, crime type (one Filters each) and resolution, each with the same seed."""
    return [
        trend_calibration(con, filters, area, res, draws, seed, wards, lattices)
        for area in areas
        for filters in by_category
        for res in resolutions
    ]
