"""Repeat places: the study area's busiest places with another incident in the same 12 months, drawn as small cells
around their points, with the rolling repeat rate beside chance."""

from __future__ import annotations

from typing import Any

from api.services.repeat_places import repeat_places, repeat_places_layer
from api.services.statistics.registry import (
    Drawing,
    Layer,
    Legend,
    OgcCollection,
    PackSection,
    Parameter,
    Properties,
    Statistic,
    View,
)

KEY = "repeats"
COLOUR = "#54278f"


def _compute(view: View, p: dict[str, Any]) -> Layer:
    return repeat_places_layer(view.con, view.filters, view.area, p["top"])


def rate_words(layer: dict[str, Any]) -> str:
    """The last window's repeat rate in words, beside chance."""
    rolling = layer.get("rolling") or []
    last = rolling[-1] if rolling else None
    if not last or last["repeat_rate"] is None:
        return "No incidents at mapped places in the 12 months to the period's end"
    chance = "" if last["chance_rate"] is None else f" (chance alone: {last['chance_rate']:.0%})"
    return (
        f"{last['from']} to {last['to']}: {last['repeat_rate']:.0%} of {last['incidents']:,} incidents at "
        f"{last['repeat_places']:,} repeat places{chance}"
    )


def _words(p: Properties, layer: Layer) -> Properties:
    months = p.get("months") or []
    return {
        "place_text": f"#{p['rank']} {p['place']}" + (" (police.uk snap point)" if p.get("snapped") else ""),
        "count_text": f"{p['count']:,} incidents in {len(months)} of the 12 months; {', '.join(p['sources'])}",
    }


def _pack_section(view: View, options: Any) -> dict[str, Any]:
    return repeat_places(view.con, view.filters.incident, view.area.lads, top=10)


REPEATS = Statistic(
    key=KEY,
    title="Repeat places",
    parameters=(Parameter("top", int, 20, "How many repeat places", ge=1, le=200),),
    compute=_compute,
    on_map=lambda res: {"top": 20},
    drawing=Drawing(
        name=lambda layer: "Top repeat places",
        style=lambda ft: {"fillColor": COLOUR, "color": COLOUR, "weight": 2, "fillOpacity": 0.8},
        tooltip=(("place_text", "Repeat place"), ("count_text", "Incidents")),
        words=_words,
        legend=Legend(
            "statistics/legend.html",
            lambda layer: {
                "title": "Top repeat places",
                "rows": [(COLOUR, "the busiest places with another incident in the same 12 months")],
                "explain": f"{rate_words(layer)}. {layer['note']}".strip(),
            },
        ),
        download="Top repeat places (GeoJSON)",
    ),
    route="/api/v1/repeat-places",
    collection=OgcCollection(
        "repeat-places",
        "Top repeat places",
        "The study area's busiest places with another incident in the same 12 months, each drawn as the small H3 cell "
        "(res 11) around its point, with their streets, sources and months; the same features as "
        "/api/v1/repeat-places. police.uk places are anonymised snap points, never addresses. Feature id: the cell.",
        "repeat_place_items",
        "The top repeat places (as /api/v1/repeat-places), busiest first, a page at a time.",
        "repeat_place_item",
        "One top repeat place by its cell's id.",
    ),
    pack=PackSection("repeat_places", "repeat_places", _pack_section, lambda s: len(s["top"]["places"]), order=5),
)
