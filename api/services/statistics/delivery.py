"""Patrol delivery: the patrol plan's cells (the same cells as the printed plan) with the minutes and compliant visits
delivered in each over the latest fortnight held, and the cells outside the plan that got delivery. Analysts only
(Kind.DELIVERY): below analyst, delivery is monthly ward totals or nothing (docs/delivery.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from api.services.delivery import DeliveryAsk, delivered_cells
from api.services.delivery_pack import PackDelivery, delivery_section
from api.services.errors import ParameterError
from api.services.statistics.registry import (
    Drawing,
    Kind,
    Layer,
    Legend,
    OgcCollection,
    PackSection,
    Parameter,
    Properties,
    Statistic,
    View,
)
from api.services.tasking_pack_area import PackOptions
from geo.features import feature_collection, hex_features
from ingest.store.read.delivery import delivery_days

KEY = "patrol_delivery"
RES = 9  # the plan's cells
CELLS = 20  # as the printed plan
PLAN_OUTLINE = "#111111"
OUTSIDE_OUTLINE = "#6a51a3"
# fill by minutes present a day: none, under 5, 5 to 10, 10 or more (Koper: about 10 minutes beat a drive-by)
BANDS = (
    (0.0, "#ffffff", "none"),
    (1e-9, "#c7e9c0", "under 5"),
    (5.0, "#74c476", "5 to 10"),
    (10.0, "#238b45", "10 or more"),
)


def _day(name: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(name, "a day, YYYY-MM-DD") from None


def _check(p: dict[str, Any]) -> dict[str, Any]:
    first, last = _day("delivered_from", p["delivered_from"]), _day("delivered_to", p["delivered_to"])
    if first and last and first > last:
        raise ParameterError("delivered_from", "the first day is after the last")
    return p


def band(minutes_per_day: float) -> tuple[str, str]:
    """A cell's fill colour and band for its minutes present a day."""
    chosen = BANDS[0]
    for row in BANDS:
        if minutes_per_day >= row[0]:
            chosen = row
    return chosen[1], chosen[2]


def _compute(view: View, p: dict[str, Any]) -> Layer:
    v = view
    ask = DeliveryAsk(
        p["cells"],
        RES,
        _day("delivered_from", p["delivered_from"]),
        _day("delivered_to", p["delivered_to"]),
        (),
        p["visits_per_day"],
    )
    members: dict[str, Any] = {"area": v.area.echo(), "resolution": RES}
    if delivery_days(v.con, RES) is None:
        return feature_collection([], held=False, note="no delivery held", **members)
    got = delivered_cells(v.con, v.filters, v.area, ask, v.caches)
    target = ask.visits_per_day * got.days
    rows = [{**r, "planned": True, "target_compliant_visits": round(target, 1)} for r in got.planned]
    in_comparable = {r["h3"] for r in got.comparable}
    rows += [
        {**r, "planned": False, "comparable": r["h3"] in in_comparable}
        for r in [*got.comparable, *got.outside]
        if r["minutes"] > 0
    ]
    cells = np.asarray([int(r["h3"], 16) for r in rows], dtype=np.uint64)
    props = [{k: v for k, v in r.items() if k != "h3"} | {"band": band(r["minutes_per_day"])[1]} for r in rows]
    planned_minutes = sum(r["minutes"] for r in got.planned)
    outside_minutes = sum(r["minutes"] for r in [*got.comparable, *got.outside])
    return feature_collection(
        hex_features(cells, props),
        held=True,
        delivered={"from": got.period.start.isoformat(), "to": got.period.end.isoformat(), "days": got.days},
        plan_period=got.plan["period"],
        cells=len(got.planned),
        cells_visited=sum(r["visited"] for r in got.planned),
        compliant_visits=sum(r["compliant_visits"] for r in got.planned),
        target_compliant_visits=round(target * len(got.planned), 1),
        minutes_in_plan=round(planned_minutes, 1),
        minutes_outside_plan=round(outside_minutes, 1),
        **members,
    )


def _words(p: Properties, layer: Layer) -> Properties:
    days = layer["delivered"]["days"]
    got = (
        f"{p['minutes']:,.0f} minutes over {days} days ({p['minutes_per_day']:.1f} a day), {p['visits']} visits, "
        f"{p['compliant_visits']} of 10 minutes or more"
    )
    if p["planned"]:
        place = f"planned cell {p['rank']} of {layer['cells']}"
        target = f"target {p['target_compliant_visits']:g} compliant visits"
    else:
        place = "outside the plan" + (" (a comparable cell)" if p.get("comparable") else "")
        target = "no target"
    return {
        "place_text": place,
        "delivered_text": got,
        "target_text": target,
        "detail": f"cell {p.get('h3', '')}; drive-by minutes {p['driveby_minutes']:,.0f}",
    }


def _style(ft: dict[str, Any]) -> dict[str, Any]:
    p = ft["properties"]
    fill = band(p["minutes_per_day"])[0]
    if p["planned"]:
        return {"fillColor": fill, "color": PLAN_OUTLINE, "weight": 2.5, "fillOpacity": 0.7}
    return {"fillColor": fill, "color": OUTSIDE_OUTLINE, "weight": 1.5, "dashArray": "4 3", "fillOpacity": 0.5}


def _legend(layer: Layer) -> dict[str, Any]:
    rows = [(colour, f"{words} minutes a day") for _, colour, words in BANDS]
    if not layer.get("held"):
        return {"title": "Patrol delivery", "rows": [], "explain": "No delivery held."}
    d = layer["delivered"]
    explain = (
        f"{d['from']} to {d['to']}: {layer['cells_visited']} of {layer['cells']} planned cells visited (black "
        f"outline), {layer['compliant_visits']} compliant visits of 10 minutes or more against a target of "
        f"{layer['target_compliant_visits']:g}; {layer['minutes_in_plan']:,.0f} minutes in the plan and "
        f"{layer['minutes_outside_plan']:,.0f} outside it (dashed outline). Analysts only."
    )
    return {"title": "Patrol delivery", "rows": rows, "explain": explain}


def _pack_section(view: View, options: PackOptions) -> dict[str, Any]:
    o = options
    ask = PackDelivery(o.cells, o.res, o.meeting or date.today(), o.cycle_days, o.visits_per_day, o.visit_minutes)
    return delivery_section(view.con, view.filters, view.area, view.caches, ask)


DELIVERY = Statistic(
    key=KEY,
    title="Patrol delivery",
    kind=Kind.DELIVERY,
    parameters=(
        Parameter("cells", int, CELLS, f"Cells in the patrol plan, as printed (default {CELLS})", ge=1, le=100),
        Parameter("visits_per_day", float, 1.0, "Target: compliant visits per planned cell per day", gt=0, le=24),
        Parameter(
            "delivered_from", str, None, "First day delivered, YYYY-MM-DD (default: latest fortnight)", optional=True
        ),
        Parameter("delivered_to", str, None, "Last day delivered, YYYY-MM-DD (default: latest held)", optional=True),
    ),
    compute=_compute,
    on_map=lambda res: {},
    check=_check,
    drawing=Drawing(
        name=lambda layer: "Patrol delivery: minutes and compliant visits, planned cells and outside",
        style=_style,
        tooltip=(
            ("place_text", "Delivery"),
            ("delivered_text", "Delivered"),
            ("target_text", "Target"),
            ("detail", "Cell"),
        ),
        words=_words,
        legend=Legend("statistics/legend.html", _legend),
    ),
    route="/api/v1/delivery/plan",
    collection=OgcCollection(
        "patrol-delivery",
        "Patrol delivery",
        "The patrol plan's cells (`cells`, default 20: the same cells as the printed plan and /api/v1/delivery/plan) "
        "with the minutes present, visits and compliant visits delivered in each over the days asked for "
        "(`delivered_from`, `delivered_to`; default the latest fortnight held), and every other cell of the area "
        "with delivery (`planned` false). Analysts only. Feature id: the H3 cell.",
        "delivery_items",
        "The plan's cells then the cells outside it with delivery (as /api/v1/delivery/plan), a page at a time.",
        "delivery_item",
        "One cell's delivery by id.",
    ),
    pack=PackSection("delivery", "patrol_cells_visited", _pack_section, lambda s: int(s["cells_visited"]), order=2),
)
