"""Hotspot statistics over a study area: Getis-Ord Gi* hot and cold spots (cells or wards) and emerging hotspots."""

from __future__ import annotations

from typing import Any

import numpy as np

from api.services.filters import Filters
from api.services.reference import WardCache
from api.services.study_area import STUDY_AREA_CELLS, LatticeCache, StudyArea, lattice_counts
from api.services.weekly import lattice_week_counts
from geo.emerging import emerging_hotspots, trend_words
from geo.features import feature, feature_collection, hex_features
from geo.hotspots import LEVELS, HotspotClasses, hotspot_classes, sparsity_warnings
from geo.lattice import neighbour_matrix, polygon_neighbours
from geo.weeks import week_label
from ingest.store import read
from ingest.store.connection import Connection


def flagged_words(level: int) -> str:
    """A Gi* level in words: 99 -> "flagged at FDR q ≤ 0.01" (a false discovery rate, not a confidence)."""
    return f"flagged at FDR q ≤ {dict(LEVELS)[abs(level)]:.2f}"


GI_CELLS = (
    "per H3 cell; neighbourhood: the cell and every cell within k grid steps, binary weights; the study area's cells "
    f"are {STUDY_AREA_CELLS}, every one counted, empty ones as zero"
)
GI_WARDS = "per ward; neighbourhood: the ward and every ward it touches (queen contiguity); every ward of the area"
GI_METHOD = (
    f"Getis-Ord Gi* (Ord & Getis 1995) on incident counts {GI_CELLS}. p-values are "
    "unconditional and exact: how unusual a cell's local sum (its own count and its neighbours') is when all the "
    "study area's counts, its own included, are shuffled across the cells, the local sum's distribution computed "
    "exactly as a sum of draws with replacement from the area's counts (two-sided mid-p; the normal approximation "
    "calls far too many "
    "cells on sparse, skewed counts). Benjamini-Hochberg false discovery rate across all cells: a cell is flagged "
    "hot (cold) at FDR q ≤ 0.01, 0.05 or 0.10 (classes hot-99/95/90, cold-99/95/90) when its z is positive "
    "(negative) and its q-value is at most that level. A flag bounds the expected share of false discoveries among "
    "the cells flagged at that level; it is not a per-cell confidence."
)
EMERGING_METHOD = (
    "Gi* per slice (month, or week with interval=week) over a space-time neighbourhood (the cell's k-ring in this "
    "slice and the one before), unconditional exact p-values (each cell-slice's local sum against the counts of all "
    "cell-slices shuffled, its own included), FDR at alpha across all cell-slices. The trend is a Mann-Kendall test "
    "(two-sided p from the normal approximation with ties corrected), at alpha, on the cell's neighbourhood's share "
    "of the area's incidents in each slice alone: not on the Gi* z-scores, which overlap (each counts the slice "
    "before) so that the test would call about twice its level on data with no trend; and a share, so a season that "
    "moves every cell is not a trend. Classes follow space-time hotspot analysis: new (hot only in the last slice), "
    "consecutive (one unbroken run of at least two hot slices up to the last, never hot before), intensifying / "
    "persistent / diminishing (hot in at least 90% of slices including the last; trend up / none / down), sporadic "
    "(hot in the last slice, on and off before, never cold), oscillating (as sporadic, but cold in some slice), "
    "historical (hot in at least 90% of slices, not the last)."
)
GI_LEGEND = [
    {"class": "hot-99", "meaning": f"hot spot, {flagged_words(99)}", "colour": "#b2182b"},
    {"class": "hot-95", "meaning": f"hot spot, {flagged_words(95)}", "colour": "#ef8a62"},
    {"class": "hot-90", "meaning": f"hot spot, {flagged_words(90)}", "colour": "#fddbc7"},
    {"class": "cold-90", "meaning": f"cold spot, {flagged_words(90)}", "colour": "#d1e5f0"},
    {"class": "cold-95", "meaning": f"cold spot, {flagged_words(95)}", "colour": "#67a9cf"},
    {"class": "cold-99", "meaning": f"cold spot, {flagged_words(99)}", "colour": "#2166ac"},
]
EMERGING_COLOURS = {
    "new": "#fcbba1",
    "consecutive": "#fc9272",
    "intensifying": "#a50f15",
    "persistent": "#de2d26",
    "diminishing": "#fb6a4a",
    "sporadic": "#fee0d2",
    "oscillating": "#c994c7",
    "historical": "#969696",
}


def _label(confidence: int) -> str:
    return f"{'hot' if confidence > 0 else 'cold'}-{abs(confidence)}" if confidence else "not significant"


def _gi_properties(result: HotspotClasses, x: np.ndarray, local: np.ndarray, i: int) -> dict[str, Any]:
    """The Gi* figures of one cell or ward, as reported."""
    return {
        "class": _label(int(result.confidence[i])),
        "confidence": abs(int(result.confidence[i])),
        "z": round(float(result.z[i]), 3),
        "p": float(f"{result.p[i]:.3g}"),
        "q": float(f"{result.q[i]:.3g}"),
        "count": int(x[i]),
        "neighbourhood_count": int(local[i]),
    }


def gi_layer(
    con: Connection,
    filters: Filters,
    area: StudyArea,
    res: int,
    k: int,
    wards: WardCache,
    lattices: LatticeCache,
    include_all: bool = False,
) -> dict[str, Any]:
    """Gi* hot and cold cells of the study area over the period (significant cells only unless include_all)."""
    lattice, bbox = lattices.get(con, wards, filters.boundary_set, area, res)
    counts, _ = lattice_counts(con, filters.incident, lattice, bbox)
    x = counts.sum(axis=1)
    weights = neighbour_matrix(lattice, k)
    result = hotspot_classes(x, weights)
    local = weights @ x
    chosen = np.arange(len(lattice)) if include_all else np.flatnonzero(result.confidence != 0)
    chosen = chosen[np.argsort(-result.z[chosen], kind="stable")]
    names = {w.code: w.name for w in wards.get(con, filters.boundary_set)}
    props = []
    for i in chosen:
        code = lattice.ward_codes[lattice.ward[i]]
        props.append(
            {
                **_gi_properties(result, x, local, int(i)),
                "ward": code,
                "ward_name": names.get(code),
            }
        )
    hot = {level: int((result.confidence == level).sum()) for level, _ in LEVELS}
    cold = {level: int((result.confidence == -level).sum()) for level, _ in LEVELS}
    return feature_collection(
        hex_features(lattice.cells[chosen], props),
        area=area.echo(),
        resolution=res,
        k=k,
        period={"from": f"{filters.incident.start:%Y-%m}", "to": f"{filters.incident.end:%Y-%m}"},
        filters=filters.echo(),
        cells_tested=len(lattice),
        incidents=int(x.sum()),
        hot={str(k_): v for k_, v in hot.items()},
        cold={str(k_): v for k_, v in cold.items()},
        warnings=sparsity_warnings(x, weights),
        method=GI_METHOD,
        legend=GI_LEGEND,
    )


def ward_gi_layer(
    con: Connection, filters: Filters, area: StudyArea, wards: WardCache, include_all: bool = False
) -> dict[str, Any]:
    """Gi* hot and cold wards of the study area (queen contiguity: a ward and the wards it touches)."""
    f = filters.incident
    chosen = [w for w in wards.get(con, filters.boundary_set) if w.lad_code in set(area.lads)]
    counts = {
        r["code"]: r["count"] for r in read.ward_counts(con, f, filters.boundary_set, (f.start, f.end)).to_pylist()
    }
    x = np.array([counts.get(w.code, 0) for w in chosen], dtype=np.float64)
    weights = polygon_neighbours([wards.shape(filters.boundary_set, w.code) for w in chosen])
    result = hotspot_classes(x, weights)
    local = weights @ x
    features = []
    for i in np.argsort(-result.z, kind="stable"):
        if not include_all and result.confidence[i] == 0:
            continue
        w = chosen[i]
        props = {
            "code": w.code,
            "name": w.name,
            "lad": w.lad_code,
            **_gi_properties(result, x, local, int(i)),
            "neighbours": int(weights[i].nnz - 1),
        }
        features.append(feature(w.geometry, props, fid=w.code))
    return feature_collection(
        features,
        area=area.echo(),
        unit="ward",
        wards=filters.boundary_set,
        period={"from": f"{f.start:%Y-%m}", "to": f"{f.end:%Y-%m}"},
        filters=filters.echo(),
        cells_tested=len(chosen),
        incidents=int(x.sum()),
        hot={str(level): int((result.confidence == level).sum()) for level, _ in LEVELS},
        cold={str(level): int((result.confidence == -level).sum()) for level, _ in LEVELS},
        warnings=sparsity_warnings(x, weights),
        method=GI_METHOD.replace(GI_CELLS, GI_WARDS),
        legend=GI_LEGEND,
    )


def gi_layer_of(
    unit: str,
    con: Connection,
    filters: Filters,
    area: StudyArea,
    res: int,
    k: int,
    wards: WardCache,
    lattices: LatticeCache,
    include_all: bool = False,
) -> dict[str, Any]:
    """The Gi* layer of the study area's wards (`unit` "ward": res and k unused) or of its H3 cells (res, k)."""
    if unit == "ward":
        return ward_gi_layer(con, filters, area, wards, include_all)
    return gi_layer(con, filters, area, res, k, wards, lattices, include_all)


def emerging_layer(
    con: Connection,
    filters: Filters,
    area: StudyArea,
    res: int,
    k: int,
    alpha: float,
    wards: WardCache,
    lattices: LatticeCache,
    interval: str = "month",
) -> dict[str, Any]:
    """Cells with an emerging-hotspot pattern over the period's months (or whole weeks, from incidents dated to the
    day)."""
    lattice, bbox = lattices.get(con, wards, filters.boundary_set, area, res)
    month_only = 0
    if interval == "week":
        counts, mondays, month_only = lattice_week_counts(con, filters.incident, lattice, bbox)
        slices = [week_label(w) for w in mondays]
    else:
        counts, months = lattice_counts(con, filters.incident, lattice, bbox)
        slices = [f"{m:%Y-%m}" for m in months]
    weights = neighbour_matrix(lattice, k)
    result = emerging_hotspots(counts, weights, alpha=alpha)
    trends = trend_words(result.trend_z, result.trend_p, alpha)
    chosen = np.flatnonzero(result.pattern != "")
    order = np.lexsort((-counts[chosen].sum(axis=1), [CLASS_ORDER[p] for p in result.pattern[chosen]]))
    chosen = chosen[order]
    names = {w.code: w.name for w in wards.get(con, filters.boundary_set)}
    props = []
    for i in chosen:
        code = lattice.ward_codes[lattice.ward[i]]
        props.append(
            {
                "pattern": f"{result.pattern[i]} {result.side[i]} spot",
                "class": str(result.pattern[i]),
                "side": str(result.side[i]),
                "colour": EMERGING_COLOURS[str(result.pattern[i])] if result.side[i] == "hot" else "#4575b4",
                "trend_z": round(float(result.trend_z[i]), 3),
                "trend_p": float(f"{result.trend_p[i]:.3g}"),
                "trend": str(trends[i]),
                "slices_hot": int((result.significant[i] > 0).sum()),
                "slices_cold": int((result.significant[i] < 0).sum()),
                "counts": [int(c) for c in counts[i]],
                "ward": code,
                "ward_name": names.get(code),
            }
        )
    tally: dict[str, int] = {}
    for i in chosen:
        key = f"{result.pattern[i]}-{result.side[i]}"
        tally[key] = tally.get(key, 0) + 1
    warnings = sparsity_warnings(counts.sum(axis=1), weights)
    if len(slices) < 10:
        warnings.append(f"only {len(slices)} {interval}ly slices; trends and 90%-of-slices classes want at least 10")
    if month_only:
        warnings.append(
            f"{month_only:,} incidents in the filtered months have a month only (police.uk gives no day) and are "
            "not in weekly slices"
        )
    return feature_collection(
        hex_features(lattice.cells[chosen], props),
        area=area.echo(),
        resolution=res,
        k=k,
        alpha=alpha,
        interval=interval,
        slices=slices,
        filters=filters.echo(),
        cells_tested=len(lattice),
        patterns=tally,
        warnings=warnings,
        method=EMERGING_METHOD,
        legend=[{"class": c, "colour": EMERGING_COLOURS[c]} for c in EMERGING_COLOURS],
    )


CLASS_ORDER = {
    c: i
    for i, c in enumerate(
        ("intensifying", "persistent", "new", "consecutive", "sporadic", "oscillating", "diminishing", "historical")
    )
}
