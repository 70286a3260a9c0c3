"""Everything the analyst map shows for one request: layers, per-source hexagons, statistics, places to choose."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from api.services.caches import Caches
from api.services.cell_places import with_places
from api.services.comparison import months_held
from api.services.filters import Filters
from api.services.layers import hex_layer, wards_layer
from api.services.movers import ward_movers
from api.services.statistics import Statistic, View, registered
from api.services.statistics.plan import CELLS as PLAN_CELLS
from api.services.statistics.plan import RES as PLAN_RES
from api.services.study_area import AreaGroups, StudyArea, area_choices, area_value
from geo.features import features_bounds
from geo.gaps import GapRule
from geo.trends import add_months, previous_period
from ingest.store import read
from ingest.store.connection import Connection

MOVERS_TOP = 5
MOVERS_ALPHA = 0.05
Layer = dict[str, Any]


@dataclass(frozen=True)
class MapView:
    """The layers and choices of one map page."""

    wards: Layer
    hexes: Layer
    res: int
    by_source: dict[str, Layer]
    statistics: dict[str, Layer] | None  # registered statistics' layers by key (study area chosen, analyses allowed)
    bounds: tuple[float, float, float, float] | None
    areas: AreaGroups  # study areas whose statistics can be drawn, by kind: (label, [(value, name)])
    chosen_area: str  # the selector's value of the study area drawn ("" for none)
    boundary_sets: list[str]
    held_sources: list[str]
    flagged: int | None  # feed months flagged as gaps (None: not shown to this caller)
    plan_query: list[tuple[str, str]]  # the patrol-plan request that gives the map's plan (empty: no plan drawn)
    movers: dict[str, Any] = field(default_factory=dict)  # rising and falling wards, as /api/v1/trends/movers
    movers_query: list[tuple[str, str]] = field(default_factory=list)  # that request's own parameters (lad, top)
    comparable_quarter: tuple[str, str] | None = None  # a quarter whose movers can be compared (when these cannot)


def map_view(
    con: Connection,
    filters: Filters,
    area: StudyArea,
    res: int,
    caches: Caches,
    gap_rule: GapRule,
    analyses: bool,
    own_sources: tuple[str, ...] = (),
    seen: Collection[str] | None = None,
) -> MapView:
    """The map's layers for the filters; with `analyses`, feed gaps and the study area's statistics too: those whose
    keys are `seen` (those the caller sees's, from the access policy; None: the analyses only, no other kind)."""
    res = min(res, filters.figures.max_res)
    analyses = analyses and filters.figures.exact
    wards_fc = wards_layer(con, filters, caches.wards, precision=True)
    hexes_fc = hex_layer(con, filters, res, None, precision=True)
    held_sources = read.distinct_values(con, "source")
    shown = list(filters.incident.sources) or held_sources
    by_source = (  # one source at a time is not a published table: exact figures only
        {s: hex_layer(con, filters.only(sources=(s,)), res, None, True) for s in shown}
        if len(shown) > 1 and filters.figures.exact
        else {}
    )
    flagged = caches.reports.get(con, gap_rule, own_sources)["flagged"] if analyses else None
    with_counts = [f for f in wards_fc["features"] if (f["properties"]["count"] or 0) > 0]
    # draw the authorities that have incidents in either period, not every ward the boundary set holds
    active = {
        f["properties"]["lad"]
        for f in wards_fc["features"]
        if f["properties"]["count"] or f["properties"]["previous_count"]
    }
    if active:
        wards_fc = {**wards_fc, "features": [f for f in wards_fc["features"] if f["properties"]["lad"] in active]}
    held, mapped = set(read.lads_with_incidents(con)), set(read.lads_with_wards(con, filters.boundary_set))
    bounds = opening_bounds(with_counts, hexes_fc, wards_fc, held)
    drawn = caches.wards.get(con, filters.boundary_set)
    lad_names = {w.lad_code: w.lad_name for w in drawn if w.lad_code and w.lad_name}
    areas, choices = area_choices(con, held, mapped, lad_names)
    if area.kind == "all" and len(choices) == 1:  # one force held (the demo): its statistics without asking
        area = StudyArea("force", choices[0].code, choices[0].name, choices[0].lads)
    # the study area's wards, tested together: as a ward's trend (the panel sends the same area) gives its verdict
    movers_query = [("area", area_value(area, choices))] if area.kind != "all" else []
    movers_query.append(("top", str(MOVERS_TOP)))
    movers = ward_movers(con, filters, caches.wards, None, MOVERS_TOP, MOVERS_ALPHA, area=area)
    statistics = None
    plan_query: list[tuple[str, str]] = []
    if area.lads and area.kind != "all" and analyses:
        view = View(con, filters, area, caches)
        # each cell named by its commonest streets: the same filters, so the caller's own sources only (a partner's)
        statistics = {
            s.key: with_places(con, filters, s.layer(view, s.on_map(res))) for s in registered() if _shows(s, seen)
        }
        plan_query = plan_request(filters, area)
        in_area = [f for f in wards_fc["features"] if f["properties"]["lad"] in set(area.lads)]
        bounds = features_bounds(in_area) or bounds
    return MapView(
        wards=wards_fc,
        hexes=hexes_fc,
        res=res,
        by_source=by_source,
        statistics=statistics,
        bounds=bounds,
        areas=areas,
        chosen_area=area_value(area, choices) if analyses else "",
        boundary_sets=read.boundary_set_names(con),
        held_sources=held_sources,
        flagged=flagged,
        plan_query=plan_query,
        movers=movers,
        movers_query=movers_query,
        comparable_quarter=None if movers["comparable"] else comparable_quarter(con, filters),
    )


def _shows(statistic: Statistic, seen: Collection[str] | None) -> bool:
    return statistic.key in seen if seen is not None else statistic.analysis


def comparable_quarter(con: Connection, filters: Filters) -> tuple[str, str] | None:
    """The calendar quarter ending at the period's end (or the quarter before), a published period too, when it and
    the quarter before it are held for every source counted, as (from, to); None otherwise."""
    f = filters.incident
    end = add_months(f.end, -(f.end.month % 3))  # the last month of the calendar quarter ending at or before it
    start = add_months(end, -2)
    if not months_held(con, f.sources, *previous_period(start, end)) or not months_held(con, f.sources, start, end):
        return None
    return f"{start:%Y-%m}", f"{end:%Y-%m}"


def opening_bounds(
    with_counts: list[dict[str, Any]], hexes_fc: Layer, wards_fc: Layer, held_lads: set[str]
) -> tuple[float, float, float, float] | None:
    """Where the map opens: the wards with a count shown, else the hexagons shown, else the wards drawn in the
    authorities that hold incidents, else every ward drawn. Only boundaries and published cells, never the records'
    own positions: a corner taken from the records would give away an exact position disclosure control hides."""
    drawn = wards_fc["features"]
    in_held = [f for f in drawn if f["properties"]["lad"] in held_lads]
    for features in (with_counts, hexes_fc["features"], in_held, drawn):
        if bounds := features_bounds(features):
            return bounds
    return None


def filter_query(filters: Filters) -> list[tuple[str, str]]:
    """The query parameters that give an API request the same filters."""
    f = filters.incident
    query = [("from", f"{f.start:%Y-%m}"), ("to", f"{f.end:%Y-%m}")]
    query += [("category", c) for c in filters.categories or ("all",)]
    query += [("source", s) for s in f.sources]
    return [*query, ("dedupe", str(f.dedupe).lower()), ("wards", filters.boundary_set)]


def plan_request(filters: Filters, area: StudyArea) -> list[tuple[str, str]]:
    """The query parameters of /api/v1/patrol-plan that give the same plan as the map: same area, filters, size."""
    query = [(area.kind, area.code or ""), *filter_query(filters)]
    return [*query, ("res", str(PLAN_RES)), ("cells", str(PLAN_CELLS))]
