"""Risky facilities over the facility lists kept in the store: each list's facilities in the study area drawn as
small cells around their points, those above the J-curve's knee marked, with their counts and rates; for analysts
only (a list may name premises and their licence holders)."""

from __future__ import annotations

from typing import Any

from api.services.facility_risk import NO_LIST, WITHIN, facility_risk, facility_risk_layer, summary
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

KEY = "facility_risk"
RISKY_COLOUR = "#b30000"
OTHER_COLOUR = "#737373"


def _compute(view: View, p: dict[str, Any]) -> Layer:
    return facility_risk_layer(view.con, view.filters, view.area, p["within"], p["list_id"])


def _rate(p: Properties) -> str:
    return "" if p.get("rate") is None else f"; {p['rate']:g} per unit of size ({p['size']:g})"


def _words(p: Properties, layer: Layer) -> Properties:
    knee = "" if p.get("knee_count") is None else f" (the knee: {p['knee_count']:,})"
    return {
        "facility_text": f"#{p['rank']} {p['name']} ({p['kind']}, list {p['list']})",
        "count_text": f"{p['count']:,} incidents within {layer['within_m']:g} m{_rate(p)}",
        "risky_text": ("above the J-curve's knee" if p["risky"] else "not above the knee") + knee,
    }


def lists_words(layer: Layer) -> str:
    """Each list's risky facilities in words: how many are above the knee and their share of the incidents."""
    if not layer["held"]:
        return NO_LIST.capitalize()
    parts = []
    for f in layer["lists"]:
        share = "" if f["risky_share"] is None else f", {f['risky_share']:.0%} of the {f['attributed']:,} incidents"
        parts.append(f"{f['name']} ({f['kind']}): {len(f['risky'])} of {f['facilities']} above the knee{share}")
    return "; ".join(parts)


def _pack_section(view: View, options: Any) -> dict[str, Any]:
    return summary(facility_risk(view.con, view.filters.incident, view.filters.boundary_set, view.area.lads))


FACILITY_RISK = Statistic(
    key=KEY,
    title="Risky facilities",
    parameters=(
        Parameter("within", float, WITHIN, "Greatest distance from an incident to its facility, metres", ge=5, le=500),
        Parameter("list_id", int, None, "Only this kept list (default: every list)", ge=1, optional=True),
    ),
    compute=_compute,
    on_map=lambda res: {},
    drawing=Drawing(
        name=lambda layer: "Risky facilities (kept lists)",
        style=lambda ft: {
            "fillColor": RISKY_COLOUR if ft["properties"]["risky"] else OTHER_COLOUR,
            "color": RISKY_COLOUR if ft["properties"]["risky"] else OTHER_COLOUR,
            "weight": 2,
            "fillOpacity": 0.85 if ft["properties"]["risky"] else 0.35,
        },
        tooltip=(("facility_text", "Facility"), ("count_text", "Incidents"), ("risky_text", "J-curve")),
        words=_words,
        legend=Legend(
            "statistics/legend.html",
            lambda layer: {
                "title": "Risky facilities",
                "rows": [
                    (RISKY_COLOUR, "facilities above their list's J-curve knee"),
                    (OTHER_COLOUR, "the list's other facilities"),
                ],
                "explain": f"{lists_words(layer)}. {layer['note']}".strip(),
            },
        ),
        download="Risky facilities (GeoJSON)",
    ),
    route="/api/v1/facility-risk",
    collection=OgcCollection(
        "risky-facilities",
        "Risky facilities of the kept facility lists",
        "Each facility list kept in the store (licensed premises, shops, stops, schools...): its facilities inside the "
        "study area, each drawn as the small H3 cell (res 11) around its point, with the period's incidents "
        "attributed to the nearest facility within the distance asked, its rate per unit of size and whether it is "
        "above its list's J-curve knee; the same features as /api/v1/facility-risk. police.uk places are anonymised "
        "snap points. Feature id: the cell.",
        "facility_risk_items",
        "The kept lists' facilities in the area (as /api/v1/facility-risk), busiest first, a page at a time.",
        "facility_risk_item",
        "One facility by its cell's id.",
    ),
    pack=PackSection(
        "risky_facilities", "risky_facilities", _pack_section, lambda s: sum(len(f["risky"]) for f in s["lists"]), 7
    ),
    kind=Kind.FACILITIES,
)
