"""Statistical layers of the analyst map: Gi* hot/cold spots, emerging hotspots and the patrol plan, with legends."""

from __future__ import annotations

from collections.abc import Callable
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


def gi_words(gi_class: str) -> str:
    """A Gi* class in words: hot-99 -> "Gi* hot spot, 99% confidence (FDR-controlled)"."""
    side, _, confidence = gi_class.partition("-")
    return f"Gi* {side} spot, {confidence}% confidence (FDR-controlled)" if confidence else f"Gi*: {gi_class}"


def _months_text(n: int, of: int, side: str) -> str:
    return f"{side} in {n} of {of} months"


def plain_statistics(
    gi_fc: dict[str, Any], emerging_fc: dict[str, Any], plan_fc: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The statistics layers with their tooltips' text in words (the figures behind them, and the cell's id, in small
    print last)."""

    def gi(p: dict[str, Any]) -> dict[str, Any]:
        return {
            "gi_text": gi_words(p["class"]),
            "count_text": f"{p['count']:,} in the cell, {p['neighbourhood_count']:,} with its neighbours",
            "detail": f"z {p['z']:.2f}, FDR q {p['q']:.3g}, cell {p.get('h3', '')}",
        }

    def emerging(p: dict[str, Any]) -> dict[str, Any]:
        months = len(p.get("counts") or []) or len(emerging_fc.get("slices") or [])
        hot = p.get("side") == "hot"
        z, trend_p = p.get("trend_z") or 0.0, p.get("trend_p")
        direction = "rising" if z > 0 else "falling" if z < 0 else "flat"
        return {
            "pattern_text": f"{p['pattern']}: "
            + _months_text(p["slices_hot"] if hot else p["slices_cold"], months, "hot" if hot else "cold"),
            "trend_text": direction if trend_p is None else f"{direction} (Mann-Kendall p {trend_p:.2g})",
            "detail": f"cell {p.get('h3', '')}",
        }

    cells = len(plan_fc["features"])

    def plan(p: dict[str, Any]) -> dict[str, Any]:
        return {
            "rank_text": f"number {p['rank']} of {cells}, as on the printed plan",
            "expected_text": f"{p['expected_per_month']:.1f} incidents",
            "detail": f"cell {p.get('h3', '')}",
        }

    def plain(fc: dict[str, Any], words: Any) -> dict[str, Any]:
        features = []
        for ft in fc["features"]:
            props = {"h3": ft.get("id", ""), **ft["properties"]}
            features.append({**ft, "properties": {**ft["properties"], **words(props)}})
        return {**fc, "features": features}

    return plain(gi_fc, gi), plain(emerging_fc, emerging), plain(plan_fc, plan)


GI_OUTLINE = {"hot": "#67001f", "cold": "#053061"}  # the statistical cells stand out by their outline too
GI_WEIGHT = {"99": 2.2, "95": 1.5, "90": 0.8}  # and the more confident, the bolder
PLAN_FILL = "#ffffff"
FINE_PRINT = "foliumtooltip aim-tip-fine"  # the tooltip's last row (figures, ids) in small print


Style = Callable[[dict[str, Any]], dict[str, Any]]  # a feature's Leaflet path options


def tooltipped_layer(
    fc: dict[str, Any],
    name: str,
    style: Style,
    rows: list[tuple[str, str]],
    show: bool = True,
    class_name: str = FINE_PRINT,
    highlight: Style | None = None,
) -> folium.GeoJson:
    """A layer of the collection's features (their text escaped and inert, as tooltip_text gives it), styled per
    feature, with a tooltip of (property, label) rows; `name` is its label in the layer control."""
    return folium.GeoJson(
        tooltip_text(fc),
        name=name,
        show=show,
        style_function=style,
        highlight_function=highlight,
        tooltip=folium.GeoJsonTooltip(
            fields=[field for field, _ in rows], aliases=[label for _, label in rows], class_name=class_name
        ),
    )


def add_statistics_layers(
    m: folium.Map, gi_fc: dict[str, Any], emerging_fc: dict[str, Any], plan_fc: dict[str, Any]
) -> dict[str, str]:
    """Add the three layers (Gi* shown; emerging and patrol plan toggled on from the layer control) and return the
    script names of those drawn, by kind (gi, emerging, plan); a layer with no cells (too few incidents in the
    period) is left out, as folium cannot draw a tooltip for an empty layer. Tooltips speak plain words first."""
    gi_fc, emerging_fc, plan_fc = plain_statistics(gi_fc, emerging_fc, plan_fc)
    names: dict[str, str] = {}
    if gi_fc["features"]:
        layer = tooltipped_layer(
            gi_fc,
            f"Gi* hot and cold spots (res {gi_fc['resolution']})",
            lambda ft: {
                "fillColor": GI_COLOURS.get(ft["properties"]["class"], "#ffffff"),
                "color": GI_OUTLINE["hot" if ft["properties"]["class"].startswith("hot") else "cold"],
                "weight": GI_WEIGHT.get(ft["properties"]["class"].partition("-")[2], 0.8),
                "fillOpacity": 0.85,
                "className": "aim-gi",
            },
            [
                ("gi_text", "Hot or cold spot"),
                ("count_text", "Incidents"),
                ("ward_name", "Ward"),
                ("detail", "Figures"),
            ],
        )
        names["gi"] = layer.add_to(m).get_name()
    if emerging_fc["features"]:
        layer = tooltipped_layer(
            emerging_fc,
            f"Emerging hotspots (res {emerging_fc['resolution']})",
            lambda ft: {
                "fillColor": ft["properties"]["colour"],
                "color": "#333333",
                "weight": 0.5,
                "fillOpacity": 0.8,
                "className": "aim-emerging",
            },
            [
                ("pattern_text", "Emerging hotspot"),
                ("trend_text", "Monthly trend"),
                ("ward_name", "Ward"),
                ("detail", "Cell"),
            ],
            show=False,
        )
        names["emerging"] = layer.add_to(m).get_name()
    if plan_fc["features"]:
        layer = tooltipped_layer(
            plan_fc,
            f"Patrol plan: top {len(plan_fc['features'])} cells, numbered as printed",
            lambda ft: {
                "fillColor": PLAN_FILL,
                "color": PLAN_COLOUR,
                "weight": 2.5,
                "fillOpacity": 0.25,
                "className": "aim-plan",
            },
            [
                ("rank_text", "Patrol plan"),
                ("ward_name", "Ward"),
                ("expected_text", "Expected a month"),
                ("trend", "Trend"),
                ("reason", "Why"),
                ("detail", "Cell"),
            ],
            show=False,
        )
        names["plan"] = layer.add_to(m).get_name()
    return names


def statistics_legend(
    gi_fc: dict[str, Any], emerging_fc: dict[str, Any], plan_fc: dict[str, Any], layers: dict[str, str] | None = None
) -> dict[str, Any]:
    """What the statistics legend shows (templates/map_statistics_legend.html): the meaning of the statistical
    colours, the Gi* layer's warnings about the data and how the patrol plan was chosen; each part names the layer
    it explains (`layers`: script names by kind), so the page shows it only while that layer is."""
    layers = layers or {}
    return {
        "area": gi_fc["area"]["name"],
        "gi_rows": [
            (r["colour"], GI_OUTLINE["hot" if r["class"].startswith("hot") else "cold"], r["meaning"])
            for r in GI_LEGEND
        ],
        "warnings": list(gi_fc["warnings"]),
        "emerging_rows": [(colour, name) for name, colour in EMERGING_COLOURS.items()],
        "plan_colour": PLAN_COLOUR,
        "plan_fill": PLAN_FILL,
        "plan_cells": len(plan_fc["features"]),
        "fitted": plan_fc["forecast"]["fitted"],
        "layers": {kind: layers.get(kind, "") for kind in ("gi", "emerging", "plan")},
    }
