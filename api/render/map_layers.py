"""Statistical layers of the analyst map: Gi* hot/cold spots, emerging hotspots and the patrol plan, with legends."""

from __future__ import annotations

from typing import Any

import folium
from markupsafe import escape

from api.services.hotspots import EMERGING_COLOURS, GI_LEGEND

GI_COLOURS = {row["class"]: row["colour"] for row in GI_LEGEND}
PLAN_COLOUR = "#111111"


def inert(html: str) -> str:
    """HTML as folium must be given it: its renderer (branca) compiles the text of what it renders as a Jinja
    template again (every folium.Element and every layer's script), so a name from a file holding "{{ ... }}" would
    run on the server. Each "{" is written as the character reference &#123;: the same character to the browser
    (in HTML text and attribute values), never template syntax to the server."""
    return html.replace("{", "&#123;")


def html_text(text: str) -> str:
    """Text from a file or feed as folium must be given it for a tooltip or a layer name, which Leaflet and folium
    write with innerHTML: HTML-escaped, and inert."""
    return inert(str(escape(text)))


def _html_values(value: Any) -> Any:
    if isinstance(value, str):
        return html_text(value)
    if isinstance(value, dict):
        return {html_text(k): _html_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_html_values(v) for v in value]
    return value


def tooltip_text(fc: dict[str, Any]) -> dict[str, Any]:
    """The collection as folium must be given it: the features only (the collection's other members, such as the
    filters echoed with a boundary set's name, are not needed on the page), every text of a feature but its geometry
    (its id and properties) HTML-escaped and inert: GeoJsonTooltip writes property values with innerHTML, and all of
    folium's data passes through its template renderer."""
    return {
        "type": "FeatureCollection",
        "features": [{k: v if k == "geometry" else _html_values(v) for k, v in ft.items()} for ft in fc["features"]],
    }


def add_statistics_layers(
    m: folium.Map, gi_fc: dict[str, Any], emerging_fc: dict[str, Any], plan_fc: dict[str, Any]
) -> None:
    """Add the three layers (Gi* shown; emerging and patrol plan toggled on from the layer control); a layer with no
    cells (too few incidents in the period) is left out, as folium cannot draw a tooltip for an empty layer."""
    if gi_fc["features"]:
        folium.GeoJson(
            tooltip_text(gi_fc),
            name=f"Gi* hot and cold spots (res {gi_fc['resolution']})",
            style_function=lambda ft: {
                "fillColor": GI_COLOURS.get(ft["properties"]["class"], "#ffffff"),
                "color": "#7f0000" if ft["properties"]["class"].startswith("hot") else "#08306b",
                "weight": 0.5,
                "fillOpacity": 0.8,
            },
            tooltip=folium.GeoJsonTooltip(
                fields=["class", "z", "q", "count", "ward_name"], aliases=["Gi*", "z", "FDR q", "Count", "Ward"]
            ),
        ).add_to(m)
    if emerging_fc["features"]:
        folium.GeoJson(
            tooltip_text(emerging_fc),
            name=f"Emerging hotspots (res {emerging_fc['resolution']})",
            show=False,
            style_function=lambda ft: {
                "fillColor": ft["properties"]["colour"],
                "color": "#333333",
                "weight": 0.5,
                "fillOpacity": 0.8,
            },
            tooltip=folium.GeoJsonTooltip(
                fields=["pattern", "slices_hot", "trend_p", "ward_name"],
                aliases=["Pattern", "Months hot", "Trend p", "Ward"],
            ),
        ).add_to(m)
    if plan_fc["features"]:
        folium.GeoJson(
            tooltip_text(plan_fc),
            name=f"Patrol plan: top {len(plan_fc['features'])} cells",
            show=False,
            style_function=lambda ft: {"fillColor": "#ffff00", "color": PLAN_COLOUR, "weight": 2, "fillOpacity": 0.35},
            tooltip=folium.GeoJsonTooltip(
                fields=["rank", "ward_name", "expected_per_month", "trend", "reason"],
                aliases=["Rank", "Ward", "Expected a month", "Trend", "Why"],
            ),
        ).add_to(m)


def statistics_legend(
    gi_fc: dict[str, Any], emerging_fc: dict[str, Any], plan_fc: dict[str, Any], plan_url: str = ""
) -> dict[str, Any]:
    """What the statistics legend shows (templates/map_statistics_legend.html): the meaning of the statistical
    colours, the Gi* layer's warnings about the data and how the patrol plan was chosen."""
    return {
        "area": gi_fc["area"]["name"],
        "gi_rows": [(r["colour"], r["meaning"]) for r in GI_LEGEND],
        "warnings": list(gi_fc["warnings"]),
        "emerging_rows": [(colour, name) for name, colour in EMERGING_COLOURS.items()],
        "plan_colour": PLAN_COLOUR,
        "plan_cells": len(plan_fc["features"]),
        "fitted": plan_fc["forecast"]["fitted"],
        "plan_url": plan_url,
    }
