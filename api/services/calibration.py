"""Is hotspot significance calibrated? Shuffle the counts across the study area's cells and count what is called."""

from __future__ import annotations

from typing import Any

import numpy as np

from api.services.filters import Filters
from api.services.reference import WardCache
from api.services.study_area import LatticeCache, StudyArea, lattice_counts
from geo.hotspots import LEVELS, classify, gi_star, hotspot_classes, two_sided_p
from geo.inference import gi_p_values
from geo.lattice import neighbour_matrix
from ingest.store.connection import Connection

NOMINAL = (0.01, 0.05, 0.10)
METHOD = (
    "the study area's counts per cell over the period are shuffled across its cells `draws` times (seeded); on each "
    "shuffle every cell is tested as the hotspot layer tests it. Under shuffling there is no spatial pattern, so a "
    "calibrated test calls a cell hot at nominal level a (z > 0 and p < a) in about a/2 of cells (one side of a "
    "two-sided test; at most a on both sides together), and false-discovery control calls nothing in most shuffles. "
    "The normal approximation of Gi* is shown beside it for comparison."
)


def _shares(p: np.ndarray, z: np.ndarray) -> dict[str, list[float]]:
    return {
        "hot": [float(np.mean((p < a) & (z > 0))) for a in NOMINAL],
        "both": [float(np.mean(p < a)) for a in NOMINAL],
    }


def calibration(
    con: Connection,
    filters: Filters,
    area: StudyArea,
    res: int,
    k: int,
    draws: int,
    seed: int,
    wards: WardCache,
    lattices: LatticeCache,
) -> dict[str, Any]:
    """Share of cells called hot at each nominal level, and FDR hot calls, over shuffles of the area's counts."""
    lattice, bbox = lattices.get(con, wards, filters.boundary_set, area, res)
    x = lattice_counts(con, filters.incident, lattice, bbox)[0].sum(axis=1)
    weights = neighbour_matrix(lattice, k)
    rng = np.random.default_rng(seed)
    exact: list[dict[str, list[float]]] = []
    normal: list[dict[str, list[float]]] = []
    fdr_calls: list[list[int]] = []
    for _ in range(draws):
        shuffled = rng.permutation(x)
        z = gi_star(shuffled, weights)
        p = gi_p_values(shuffled, weights)
        exact.append(_shares(p, z))
        normal.append(_shares(two_sided_p(z), z))
        confidence = classify(z, p).confidence  # as the hotspot layer classes cells (hotspot_classes)
        fdr_calls.append([int((confidence >= level).sum()) for level, _ in LEVELS])
    observed = hotspot_classes(x, weights).confidence
    calls = np.array(fdr_calls).reshape(-1, len(LEVELS))
    levels = []
    for j, a in enumerate(NOMINAL):
        levels.append(
            {
                "level": a,
                "hot_share": round(float(np.mean([e["hot"][j] for e in exact])), 5),
                "hot_share_expected": a / 2,
                "both_sides_share": round(float(np.mean([e["both"][j] for e in exact])), 5),
                "normal_hot_share": round(float(np.mean([e["hot"][j] for e in normal])), 5),
                "normal_both_sides_share": round(float(np.mean([e["both"][j] for e in normal])), 5),
            }
        )
    return {
        "area": area.echo(),
        "resolution": res,
        "k": k,
        "period": {"from": f"{filters.incident.start:%Y-%m}", "to": f"{filters.incident.end:%Y-%m}"},
        "filters": filters.echo(),
        "cells": len(lattice),
        "incidents": int(x.sum()),
        "empty_share": round(float(np.mean(x == 0)), 4) if len(x) else None,
        "draws": draws,
        "seed": seed,
        "levels": levels,
        "fdr_hot": [
            {
                "confidence": level,
                "observed_cells": int((observed >= level).sum()),
                "shuffled_mean_cells": round(float(calls[:, i].mean()), 3) if draws else None,
                "shuffles_with_any": int((calls[:, i] > 0).sum()),
            }
            for i, (level, _) in enumerate(LEVELS)
        ],
        "method": METHOD,
    }


def calibrate_forces(
    con: Connection,
    areas: list[StudyArea],
    filters: Filters,
    resolutions: list[int],
    draws: int,
    seed: int,
    wards: WardCache,
    lattices: LatticeCache,
) -> list[dict[str, Any]]:
    """The calibration of every area at every resolution (k = 1), each with the same seed."""
    return [
        calibration(con, filters, area, res, 1, draws, seed, wards, lattices) for area in areas for res in resolutions
    ]
