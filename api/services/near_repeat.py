"""Near-repeats of a study area (or a problem's cells): the Knox test (geo.knox) over the incidents dated to the day
(council feeds; police.uk gives months only, so its incidents can never be in it), and the places and days of
elevated risk after each recent incident, drawn as small H3 cells."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from api.services.errors import ParameterError
from api.services.filters import Filters
from api.services.study_area import StudyArea
from geo.features import feature_collection, hex_features
from geo.grid import from_national_grid, to_national_grid
from geo.hexbin import points_to_cells
from geo.knox import Closed, Knox, Metric, TooManyPairs, knox, risk_window, zone_offsets
from ingest.store import read
from ingest.store.connection import Connection
from ingest.store.read.places import Cells

DRAWN_RES = 10  # the cells of elevated risk (about 150 m across)
ZONE_STEP = 25.0  # metres between the points that find the cells within reach of an incident
MONTHS_ONLY = (
    "police.uk gives each incident's month only, never its day, so the near-repeat (Knox) test cannot use police.uk "
    "incidents: it counts pairs of incidents by the days between them. Only feeds that date incidents to the day "
    "(wardens, council casework and CRM) are counted."
)
METHOD = (
    "The Knox test (Knox 1964; as Ratcliffe's Near Repeat Calculator and Johnson et al. 2007): every pair of the "
    "area's incidents dated to the day, with a point, is counted by distance band (metres on the British National "
    "Grid, Euclidean or Manhattan) x day band (whole days between their dates); the bands are labelled exactly as "
    "counted, in interval notation ([a, b) or (a, b]), the last of each open to infinity. Expected: the exact mean "
    "over every permutation of the dates among the incidents, row total x column total / pairs. Monte Carlo: the dates "
    "permuted among the incidents (seeded), the p-value (1 + permutations with at least the observed count) / "
    "(1 + permutations), the Knox ratio against the permutations' mean and against the exact expectation. Elevated: "
    "a band pair with more pairs than expected at a family-wise p <= alpha (max-T over every band pair tested, "
    "Westfall & Young 1993, so that shuffled dates open a window in about alpha of the tests); the risk window is the "
    "farthest distance and the latest day band with one. Drawn: the cells within the window's distance of each "
    "incident whose window is still open at the last day of the period, with the day it closes. "
)


DEFAULTS: dict[str, Any] = {
    "distance_band": 100.0,
    "distance_bands": 3,
    "same_place": 1.0,
    "day_band": 7,
    "day_bands": 3,
    "metric": "euclidean",
    "closed": "left",
    "permutations": 99,
    "seed": 0,
    "alpha": 0.05,
}


def window_words(found: dict[str, Any]) -> str:
    """The risk window in words: "Risk elevated within 200 m for 7 days after an incident (412 incidents ...)"."""
    if found["events"] < 2:
        return "Too few incidents dated to the day for near-repeats"
    events = f"{found['events']:,} incidents dated to the day, {found['first_day']} to {found['last_day']}"
    window = found["window"]
    if not window:
        family = found.get("family_p")
        beyond = f"; the smallest family-wise p is {family:g}" if family is not None else ""
        return (
            f"No near-repeat pattern: no band pair above chance at family-wise p <= {found['alpha']:g} "
            f"({events}{beyond})"
        )
    words = (
        f"Risk elevated within {window['metres']:g} m for {window['days']:g} days after an incident ({events}; "
        f"{found['recent']:,} recent incidents still within it)"
    )
    family = found.get("family_p")
    if family is not None and family > found["alpha"]:
        words += (
            f"; but family-wise p {family:g}: over every band pair tested, dates shuffled among the incidents give "
            f"a band pair as far above chance {family:.0%} of the time"
        )
    elif family is not None:
        words += f"; family-wise p {family:g} over every band pair tested"
    return words


def figures(
    con: Connection, f: read.IncidentFilter, lads: tuple[str, ...] | None, cells: Cells | None = None
) -> dict[str, Any]:
    """The Knox table with the default bands (the profile's and the pack's), its window in words as `headline`."""
    found = near_repeat(con, f, lads, DEFAULTS, cells)
    found.pop("_recent")
    return found | {"headline": window_words(found)}


def edges(band: float, bands: int, first: float | None) -> list[float]:
    """Band edges from 0: `bands` bands of `band`, a first band [0, first) split off (the same place) when given,
    then everything beyond."""
    out = [0.0] + ([first] if first else []) + [band * k for k in range(1, bands + 1)]
    return [*out, float("inf")]


def _days(values: list[date]) -> np.ndarray:
    """Whole days since the first date (dates as numbers)."""
    if not values:
        return np.zeros(0)
    first = min(values)
    return np.array([(d - first).days for d in values], dtype=float)


def elevated_for(days: float, closed: Closed) -> timedelta:
    """How long after an incident's day its risk stays elevated, for a window of `days` (the upper edge of a day
    band): the last day inside the band, so `days` - 1 for bands [a, b), `days` for (a, b]."""
    return timedelta(days=int(np.ceil(days)) - (1 if closed == "left" else 0))


def _table(result: Knox) -> list[dict[str, Any]]:
    """The table's cells, row by row: bands, observed, expected, permutations' mean, the two ratios, p-value and
    family-wise p-value."""

    def num(v: float) -> float | None:
        return None if np.isnan(v) else round(float(v), 4)

    return [
        {
            "distance": d_label,
            "days": t_label,
            "observed": int(result.observed[i, j]),
            "expected": num(result.expected[i, j]),
            "permuted_mean": num(result.permuted_mean[i, j]),
            "ratio_expected": num(result.ratio_expected[i, j]),
            "ratio_mean": num(result.ratio_mean[i, j]),
            "p_value": num(result.p_values[i, j]),
            "p_family": num(result.family_p_values[i, j]),
        }
        for i, d_label in enumerate(result.distance_labels)
        for j, t_label in enumerate(result.time_labels)
    ]


def _smallest_family_p(result: Knox) -> float | None:
    """The smallest family-wise p-value of the band pairs above expectation (None: no such band pair)."""
    with np.errstate(invalid="ignore"):
        above = np.nan_to_num(result.ratio_expected, nan=0.0) > 1
    values = result.family_p_values[above & np.isfinite(result.family_p_values)]
    return round(float(values.min()), 4) if len(values) else None


def near_repeat(
    con: Connection,
    f: read.IncidentFilter,
    lads: tuple[str, ...] | None,
    options: dict[str, Any],
    cells: Cells | None = None,
    strict: bool = False,
) -> dict[str, Any]:
    """The Knox table of the filter's incidents dated to the day in the LADs (and cells, when given), with the risk
    window and the recent incidents whose window is still open; `options` are the statistic's parameters. Too many
    pairs for the bands and permutations: strict, ParameterError; otherwise no table, and a warning saying why."""
    table, month_only = read.dated_points(con, f, lads, cells)
    days = table["day"].to_pylist()
    o = options
    distance = edges(o["distance_band"], o["distance_bands"], o["same_place"])
    day_edges = edges(o["day_band"], o["day_bands"], None)
    metric: Metric = o["metric"]
    closed: Closed = o["closed"]
    east, north = to_national_grid(table["lon"].to_numpy(), table["lat"].to_numpy())
    warnings = [] if len(days) > 1 else ["fewer than two incidents dated to the day in the area and period"]
    try:
        result = knox(np.column_stack([east, north]), _days(days), distance, day_edges, metric, closed,
                      o["permutations"], o["seed"])  # fmt: skip
        cells_found = _table(result)
    except TooManyPairs as exc:
        if strict:
            raise ParameterError("distance_band", str(exc)) from exc
        warnings.append(f"not tested: {exc}")
        result = knox(np.zeros((0, 2)), np.zeros(0), distance, day_edges, metric, closed, 0, o["seed"])
        cells_found = []
    window = risk_window(result, o["alpha"]) if len(days) > 1 and cells_found else None
    last = max(days) if days else None
    recent = []
    if window and last:
        recent = [k for k, d in enumerate(days) if d + elevated_for(window[1], closed) >= last]
    return {
        "events": len(days),
        "pairs": len(days) * (len(days) - 1) // 2,
        "month_only": month_only,
        "first_day": f"{min(days):%Y-%m-%d}" if days else None,
        "last_day": f"{last:%Y-%m-%d}" if last else None,
        "metric": metric,
        "closed": closed,
        "distance_bands": result.distance_labels,
        "day_bands": result.time_labels,
        "permutations": o["permutations"],
        "seed": o["seed"],
        "alpha": o["alpha"],
        "table": cells_found,
        "window": {"metres": window[0], "days": window[1]} if window else None,
        "family_p": _smallest_family_p(result) if cells_found else None,
        "recent": len(recent),
        "_recent": (east[recent], north[recent], [days[k] for k in recent]),
        "warnings": warnings,
        "method": METHOD + MONTHS_ONLY,
        "note": MONTHS_ONLY,
    }


def refuse_months_only(f: read.IncidentFilter, found: dict[str, Any]) -> None:
    """ParameterError when nothing in the area and period is dated to the day (police.uk alone gives months only)."""
    if found["events"] < 2:
        asked = ", ".join(f.sources) or "every source"
        raise ParameterError(
            "sources",
            f"near-repeats need incidents dated to the day, and {asked} gave fewer than two in the area and period "
            f"({found['month_only']:,} with a month only). " + MONTHS_ONLY,
        )


def risk_cells(
    east: np.ndarray, north: np.ndarray, days: list[date], metres: float, until: timedelta, metric: Metric
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """The H3 cells (res DRAWN_RES) within `metres` of each incident, each with the last day its risk stays elevated
    (the incident's day + until, the latest over incidents) and how many incidents it is near."""
    offsets = zone_offsets(metres, metric, ZONE_STEP)
    found: dict[int, dict[str, Any]] = {}
    for x, y, day in zip(east.tolist(), north.tolist(), days, strict=True):
        lon, lat = from_national_grid(x + offsets[:, 0], y + offsets[:, 1])
        for cell in np.unique(points_to_cells(lon, lat, DRAWN_RES)).tolist():
            entry = found.setdefault(cell, {"until": day + until, "incidents": 0, "latest": day})
            entry["until"] = max(entry["until"], day + until)
            entry["latest"] = max(entry["latest"], day)
            entry["incidents"] += 1
    cells = np.array(sorted(found), dtype=np.uint64)
    props = [
        {
            "until": f"{found[c]['until']:%Y-%m-%d}",
            "latest": f"{found[c]['latest']:%Y-%m-%d}",
            "incidents": found[c]["incidents"],
        }
        for c in sorted(found)
    ]
    return cells, props


def near_repeat_layer(
    con: Connection, filters: Filters, area: StudyArea, options: dict[str, Any], refuse: bool = False
) -> dict[str, Any]:
    """The Knox table of the study area's incidents dated to the day and the cells of elevated risk after its
    recent incidents; refuse: ParameterError when fewer than two incidents are dated to the day."""
    found = near_repeat(con, filters.incident, area.lads, options, strict=refuse)
    if refuse:
        refuse_months_only(filters.incident, found)
    east, north, days = found.pop("_recent")
    features: list[dict[str, Any]] = []
    window = found["window"]
    if window and days:
        until = elevated_for(window["days"], found["closed"])
        cells, props = risk_cells(east, north, days, window["metres"], until, found["metric"])
        features = hex_features(cells, props)
    warnings = list(found.pop("warnings"))
    if found["month_only"] and found["events"] < 2:
        warnings.append(MONTHS_ONLY)
    return feature_collection(
        features,
        area=area.echo(),
        resolution=DRAWN_RES,
        period={"from": f"{filters.incident.start:%Y-%m}", "to": f"{filters.incident.end:%Y-%m}"},
        filters=filters.echo(),
        warnings=warnings,
        **found,
    )
