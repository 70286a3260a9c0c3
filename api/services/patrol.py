"""Patrol selection for a study area: fit the forecast on its history, pick cells for the budget, explain each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import shapely

from api.services.cell_places import describe_cells
from api.services.errors import ParameterError
from api.services.filters import Filters
from api.services.hotspots import flagged_words
from api.services.layers import period_of
from api.services.reference import WardCache
from api.services.study_area import LatticeCache, StudyArea, lattice_counts_with_context
from geo.emerging import TREND_ALPHA, cell_trends, trend_words
from geo.features import feature_collection, hex_features
from geo.forecast import BANDWIDTHS_M, ForecastModel, fit_forecast, quartic_kernel, select_cells
from geo.hexbin import cell_polygons, cells_to_strings
from geo.hotspots import hotspot_classes
from geo.lattice import Lattice, distance_matrix, neighbour_matrix
from ingest.geocode import PostcodeIndex
from ingest.store.connection import Connection
from ingest.taxonomy import context_categories

MAX_KERNEL_ENTRIES = 30_000_000
FORECAST_DOC = (
    "Expected incidents per month in each cell, from the period's monthly counts: a recency-weighted rate blended "
    "with a kernel-smoothed rate, then with the cell's share of the other crime recorded over the same months "
    "(scaled to the same total). The half-life, blends and bandwidth are chosen per area from a small grid by how "
    "well each would have picked the cells of the latest 3 months from the months before (rolling origins), at "
    "this plan's share of the area. Cells are then taken in order of expected incidents until the budget is used."
)


@dataclass(frozen=True)
class AreaModel:
    """An area's lattice, counts (cells x months), months, cell areas, smoothing kernels, and the context: counts
    of the crime types the filter leaves out, same cells and months (None when it leaves none out)."""

    lattice: Lattice
    counts: np.ndarray
    months: list[date]
    area_km2: np.ndarray
    kernels: dict[float, Any]
    distances: Any
    context: np.ndarray | None


def area_model(
    con: Connection, filters: Filters, area: StudyArea, res: int, wards: WardCache, lattices: LatticeCache
) -> AreaModel:
    """Lattice, counts and kernels of a study area over the filter's months."""
    lattice, _ = lattices.get(con, wards, filters.boundary_set, area, res)
    if len(lattice) == 0:
        raise ParameterError("force", f"no wards of {area.name} in boundary set {filters.boundary_set!r}")
    spacing_m = float(np.sqrt(lattice.cell_area_km2().mean() * 1e6 * 2 / np.sqrt(3)))
    reach = int(np.ceil(max(BANDWIDTHS_M) / spacing_m))
    if len(lattice) * (3 * reach * (reach + 1) + 1) > MAX_KERNEL_ENTRIES:
        raise ParameterError(
            "res", f"{len(lattice):,} cells at res {res} in {area.name}: use a coarser res or a smaller area"
        )
    others = context_categories(filters.incident.categories)
    counts, context, months = lattice_counts_with_context(con, filters.incident, others, lattice)
    distances = distance_matrix(lattice, max(BANDWIDTHS_M))
    kernels = {bw: lattice_kernel(lattice, distances, bw) for bw in BANDWIDTHS_M}
    return AreaModel(lattice, counts, months, lattice.cell_area_km2(), kernels, distances, context)


def lattice_kernel(lattice: Lattice, distances: Any, bandwidth_m: float) -> Any:
    """The lattice's row-normalised quartic kernel at a bandwidth, kept with the lattice (cached between requests)."""
    key = ("quartic kernel", bandwidth_m)
    if key not in lattice.derived:
        lattice.derived[key] = quartic_kernel(distances, bandwidth_m, normalise=True)
    return lattice.derived[key]


def patrol_plan(
    con: Connection,
    filters: Filters,
    area: StudyArea,
    res: int,
    budget_km2: float | None,
    cells: int | None,
    wards: WardCache,
    lattices: LatticeCache,
    postcodes: PostcodeIndex | None = None,
) -> dict[str, Any]:
    """The ranked patrol cells for the area, with forecast, recent counts, trend, Gi* class and a reason each; with
    postcodes, also where to find each cell (its commonest streets and places, grid reference, nearest postcode)."""
    m = area_model(con, filters, area, res, wards, lattices)
    total_area = float(m.area_km2.sum())
    if cells is not None:
        share = min(cells * float(m.area_km2.mean()) / total_area, 1.0)
    else:
        assert budget_km2 is not None
        share = min(budget_km2 / total_area, 1.0)
    fitted = m.counts.sum() > 0
    model = fit_forecast(m.counts, m.kernels, m.area_km2, share, context=m.context) if fitted else ForecastModel()
    rate = model.monthly_rate(m.counts, m.kernels, m.context)
    chosen = select_cells(rate, m.area_km2, budget_km2=budget_km2, n=cells, tiebreak=m.counts.sum(axis=1))
    chosen = chosen[rate[chosen] > 0] if fitted else chosen[:0]
    weights = neighbour_matrix(m.lattice, 1)
    gi = hotspot_classes(m.counts.sum(axis=1), weights)
    recent = m.counts[:, -3:] if m.counts.shape[1] >= 3 else m.counts
    # the emerging hotspots' trend of the same cell (k = 1): one verdict per cell wherever it is shown
    trends = (
        trend_words(*cell_trends(m.counts, weights, chosen), TREND_ALPHA)
        if len(chosen) and m.counts.shape[1] >= 4
        else np.full(len(chosen), "steady")
    )
    names = {w.code: w.name for w in wards.get(con, filters.boundary_set)}
    recent_months = [f"{d:%b %Y}" for d in m.months[-recent.shape[1] :]]
    rows = []
    for rank, (i, trend) in enumerate(zip(chosen, trends, strict=True), start=1):
        code = m.lattice.ward_codes[m.lattice.ward[i]]
        last = [int(v) for v in recent[i]]
        gi_class = int(gi.confidence[i])
        reason = f"{sum(last)} incidents in {recent_months[0]}-{recent_months[-1]}"
        reason += f", {int(m.counts[i].sum())} over the period; {trend}"
        if gi_class > 0:
            reason += f"; Gi* hot spot {flagged_words(gi_class)}"
        other = None if m.context is None else int(m.context[i].sum())
        context_said = f"{other} other crimes recorded" if other and model.context_weight > 0 else ""
        if context_said:
            reason += f"; {context_said}"
        if m.counts[i].sum() == 0:
            reason = f"no incidents recorded in the cell itself; {context_said or 'next to busy cells'}"
        rows.append(
            {
                "rank": rank,
                "h3": cells_to_strings(m.lattice.cells[[i]])[0],
                "ward": code,
                "ward_name": names.get(code),
                "expected_per_month": round(float(rate[i]), 2),
                "recent_counts": dict(zip(recent_months, last, strict=True)),
                "period_count": int(m.counts[i].sum()),
                "other_crime_count": other,
                "trend": str(trend),
                "gi_class": f"hot-{gi_class}" if gi_class > 0 else ("cold" if gi_class < 0 else "not significant"),
                "area_km2": round(float(m.area_km2[i]), 4),
                "reason": reason,
            }
        )
    if postcodes is not None and rows:
        centres = shapely.centroid(cell_polygons(m.lattice.cells[chosen]))
        lon, lat = shapely.get_x(centres), shapely.get_y(centres)
        found = describe_cells(con, filters, res, [r["h3"] for r in rows], lon, lat, postcodes)
        for row, where in zip(rows, found, strict=True):
            row.update(where)
    expected = float(rate[chosen].sum())
    return {
        "area": area.echo(),
        "resolution": res,
        "budget_km2": budget_km2,
        "cells_requested": cells,
        "period": period_of(filters),
        "filters": filters.echo(),
        "selected_area_km2": round(float(m.area_km2[chosen].sum()), 3),
        "area_share": round(float(m.area_km2[chosen].sum()) / total_area, 5),
        "expected_per_month": round(expected, 1),
        "expected_share": round(expected / float(rate.sum()), 4) if rate.sum() else 0.0,
        "forecast": {"method": FORECAST_DOC, "fitted": model.describe()},
        "cells": rows,
        "_selected": chosen,
        "_lattice": m.lattice,
    }


def plan_geojson(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan as a GeoJSON FeatureCollection (one hexagon per selected cell, in rank order)."""
    members = {k: v for k, v in plan.items() if k != "cells" and not k.startswith("_")}
    cells = np.asarray([int(r["h3"], 16) for r in plan["cells"]], dtype=np.uint64)
    props = [{k: v for k, v in r.items() if k != "h3"} for r in plan["cells"]]
    return feature_collection(hex_features(cells, props), **members)


def public_plan(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan without its internal members."""
    return {k: v for k, v in plan.items() if not k.startswith("_")}
