"""Statistical layers of the analyst map, with their legends: each registered statistic drawn as it declares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import folium
from markupsafe import escape

from api.services.statistics import Layer, Statistic, registered


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


def plain_layer(statistic: Statistic, layer: Layer) -> Layer:
    """A statistic's layer with its tooltips' text in words (the figures behind them, and the cell's id, in small
    print last), as the statistic words them."""
    features = []
    for ft in layer["features"]:
        props = {"h3": ft.get("id", ""), **ft["properties"]}
        features.append({**ft, "properties": {**ft["properties"], **statistic.drawing.words(props, layer)}})
    return {**layer, "features": features}


def plain_statistics(statistics: dict[str, Layer]) -> dict[str, Layer]:
    """Every statistic's layer (by key, as MapView holds them) with its tooltips' text in words."""
    return {s.key: plain_layer(s, statistics[s.key]) for s in registered() if s.key in statistics}


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


def add_statistics_layers(m: folium.Map, statistics: dict[str, Layer]) -> dict[str, str]:
    """Add each registered statistic's layer (shown, or toggled on from the layer control, as it declares) and return
    the script names of those drawn, by key; a layer with no cells (too few incidents in the period) is left out, as
    folium cannot draw a tooltip for an empty layer. Tooltips speak plain words first."""
    names: dict[str, str] = {}
    for statistic in registered():
        layer = statistics.get(statistic.key)
        if layer is None or not layer["features"]:
            continue
        drawing = statistic.drawing
        drawn = tooltipped_layer(
            plain_layer(statistic, layer),
            drawing.name(layer),
            drawing.style,
            list(drawing.tooltip),
            show=drawing.shown,
        )
        names[statistic.key] = drawn.add_to(m).get_name()
    return names


def statistics_legend(statistics: dict[str, Layer], layers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """What the statistics legend shows (templates/map_legend.html): each statistic's part (its template, and what
    the statistic gives it), naming the layer it explains (`layers`: script names by key), so the page shows it only
    while that layer is."""
    layers = layers or {}
    return [
        {
            "template": s.drawing.legend.template,
            "layer": layers.get(s.key, ""),
            **s.drawing.legend.context(statistics[s.key]),
        }
        for s in registered()
        if s.key in statistics
    ]


def statistics_script(layers: dict[str, str]) -> dict[str, str]:
    """The side column's names of the statistics layers drawn (templates/map_side.html, read by the page's script):
    every one, and those whose cells are numbered as printed (and may be chosen for a problem area)."""
    drawn = [s for s in registered() if layers.get(s.key)]
    return {
        "statistics": " ".join(layers[s.key] for s in drawn),
        "numbered": " ".join(layers[s.key] for s in drawn if s.drawing.numbered),
    }
