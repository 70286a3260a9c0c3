"""Concentration of a study area's incidents across its places (police.uk map points and council feeds' points):
the figures of geo.concentration by area, category and year, and the cells holding half the incidents."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from typing import Any

import numpy as np

from api.services.filters import Filters
from api.services.places import resolve_lad
from api.services.study_area import StudyArea
from geo.concentration import Concentration, concentration, lorenz_at
from geo.features import feature_collection, hex_features
from geo.hexbin import points_to_cells
from ingest.store import read
from ingest.store.connection import Connection
from ingest.store.read.places import Cells
from ingest.taxonomy import expand_categories

CURVE_POINTS = 21  # the Lorenz curve is given at 0%, 5%, ... 100% of places
SNAPPED = (
    "police.uk locations are anonymised: each incident is moved to the nearest of a fixed set of map points (the "
    "centre of a street, a park, a car park...), so a police.uk place is a snap point standing for the streets "
    "around it, never an address."
)
METHOD = (
    "Places are the mapped points of the area (police.uk snap points; the points of council feeds) where any of the "
    "sources counted recorded an incident, in any month or category: places without incidents of the category and "
    "year asked count as zero. Per area, category and year: the Lorenz curve (places ranked busiest first), the "
    "smallest share of places holding 50% and 25% of the incidents, the Gini (as DescTools::Gini), the generalized "
    "Gini for sparse data G' = max(1, places / incidents)(G - 1) + 1 and its unbiased form G' x m / (m - 1), "
    "m = min(places, incidents) (Bernasco & Steenbeek 2017; as the lorenzgini R package), and the Poisson-baseline "
    "Gini: the mean Gini of counts drawn from one Poisson rate (incidents / places) at every place, the "
    "concentration chance alone gives when incidents are fewer than places. Beyond chance = (G - G_Poisson) / "
    "(1 - G_Poisson). Intervals: 95% bootstrap percentile intervals over the places resampled with replacement "
    "(seeded; the baseline held at the estimate's). " + SNAPPED
)


def _years(start: date, end: date) -> list[tuple[date, date]]:
    """The filter's months cut at calendar years: (first month, last month) of each."""
    return [(max(start, date(y, 1, 1)), min(end, date(y, 12, 1))) for y in range(start.year, end.year + 1)]


def _figures(result: Concentration) -> dict[str, Any]:
    """The figures as an answer's row (intervals as [low, high])."""
    row = {k: v for k, v in asdict(result).items() if k != "intervals"}
    row["intervals"] = {k: [round(i.low, 4), round(i.high, 4)] for k, i in result.intervals.items()}
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}


def _categories(filters: Filters) -> list[tuple[str, tuple[str, ...]]]:
    """Each category asked (a leaf or a group) with its leaves; every category together when none was asked."""
    asked = filters.categories or ()
    if not asked:
        return [("all", ())]
    return [(c, tuple(expand_categories((c,)))) for c in asked]


def _areas(con: Connection, area: StudyArea, by_lad: bool) -> list[tuple[str | None, str, tuple[str, ...]]]:
    """The study area, then each of its LADs when asked: (code, name, LADs)."""
    out: list[tuple[str | None, str, tuple[str, ...]]] = [(area.code, area.name, area.lads)]
    if by_lad and len(area.lads) > 1:
        out += [(*resolve_lad(con, lad), (lad,)) for lad in area.lads]
    return out


def concentration_rows(
    con: Connection, filters: Filters, area: StudyArea, by_lad: bool = False, draws: int = 200, seed: int = 0
) -> list[dict[str, Any]]:
    """The concentration figures of the area (and each of its LADs when by_lad) per category asked and per year."""
    rows = []
    f = filters.incident
    for code, name, lads in _areas(con, area, by_lad):
        for category, leaves in _categories(filters):
            for start, end in _years(f.start, f.end):
                counted = replace(f, start=start, end=end, categories=leaves or f.categories, lad=None)
                counts = np.asarray(read.place_counts(con, counted, lads)["n"].to_numpy(), dtype=float)
                result = concentration(counts, draws=draws, seed=seed)
                rows.append(
                    {
                        "area": code,
                        "area_name": name,
                        "category": category,
                        "year": start.year,
                        "from": f"{start:%Y-%m}",
                        "to": f"{end:%Y-%m}",
                        **_figures(result),
                    }
                )
    return rows


def lorenz_points(counts: np.ndarray) -> list[dict[str, float]]:
    """The Lorenz curve at 0%, 5%, ... 100% of places (busiest first): each point's share of places and of incidents."""
    shares = np.linspace(0, 1, CURVE_POINTS)
    curve = lorenz_at(counts, shares) if counts.sum() else np.zeros(CURVE_POINTS)
    return [{"places": round(float(x), 4), "incidents": round(float(y), 4)} for x, y in zip(shares, curve, strict=True)]


def place_concentration(
    con: Connection,
    f: read.IncidentFilter,
    lads: tuple[str, ...] | None,
    cells: Cells | None = None,
    draws: int = 200,
    seed: int = 0,
) -> dict[str, Any]:
    """The concentration figures of the filter's incidents over the places of the LADs (and cells, when given), with
    their Lorenz curve."""
    counts = np.asarray(read.place_counts(con, f, lads, cells)["n"].to_numpy(), dtype=float)
    figures = _figures(concentration(counts, draws, seed))
    return {"from": f"{f.start:%Y-%m}", "to": f"{f.end:%Y-%m}", **figures, "lorenz": lorenz_points(counts)}


def half_cells(counts: np.ndarray, lon: np.ndarray, lat: np.ndarray, res: int) -> tuple[np.ndarray, np.ndarray]:
    """The H3 cells at res of the busiest places that together hold half the incidents, with the number of those
    places in each cell: (cells, places)."""
    order = np.argsort(-counts, kind="stable")
    held = np.cumsum(counts[order]) / max(counts.sum(), 1)
    k = int(np.searchsorted(held, 0.5 - 1e-12)) + 1 if counts.sum() else 0
    chosen = order[:k]
    cells = points_to_cells(lon[chosen], lat[chosen], res)
    unique, places = np.unique(cells, return_counts=True)
    return unique, places


def concentration_layer(
    con: Connection,
    filters: Filters,
    area: StudyArea,
    res: int,
    by_lad: bool = False,
    draws: int = 200,
    seed: int = 0,
) -> dict[str, Any]:
    """The cells holding the places where half the area's incidents are, with the figures by area, category and year
    and the area's Lorenz curve over the whole period."""
    table = read.place_counts(con, filters.incident, area.lads)
    counts = np.asarray(table["n"].to_numpy(), dtype=float)
    lon, lat = table["lon"].to_numpy(), table["lat"].to_numpy()
    cells, places = half_cells(counts, lon, lat, res)
    in_cell = {int(c): 0 for c in cells}
    located = points_to_cells(lon, lat, res)
    for cell, n in zip(located.tolist(), counts.tolist(), strict=True):
        if cell in in_cell:
            in_cell[cell] += int(n)
    props = [{"places": int(p), "count": in_cell[int(c)]} for c, p in zip(cells, places, strict=True)]
    return feature_collection(
        hex_features(cells, props),
        area=area.echo(),
        resolution=res,
        period={"from": f"{filters.incident.start:%Y-%m}", "to": f"{filters.incident.end:%Y-%m}"},
        filters=filters.echo(),
        places=len(counts),
        incidents=int(counts.sum()),
        lorenz=lorenz_points(counts),
        concentration=concentration_rows(con, filters, area, by_lad, draws, seed),
        warnings=[] if counts.sum() else ["no incidents with a map point in the area and period"],
        method=METHOD,
        note=SNAPPED,
    )
