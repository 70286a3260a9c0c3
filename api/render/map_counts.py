"""The count layers of the analyst map: wards and hexagons coloured by their incident counts (quantile classes of
two palettes), with tooltips that put the counts in words, and the rows of their colour scales in the legend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import folium
import numpy as np

from api.render.map_layers import FINE_PRINT, html_text, tooltipped_layer
from api.services.map_view import MapView
from ingest.schema import PRECISION_LABELS

# Three palettes that keep the layers apart (tests/api/render/test_palettes.py checks them, for colour-blind readers
# too): wards in a grey-purple sequential scale, hexagons from yellow to green (no red, no blue), and Gi* cells in
# red and blue (api.services.hotspots.GI_LEGEND) with dark outlines, so a hot spot never sits on a red ward and a
# cold spot never reads as a busy hexagon.
WARD_PALETTE = ["#f5eff6", "#dad2dc", "#bdb3bf", "#9e92a1", "#7e7081", "#5f5063"]
HEX_PALETTE = ["#ffffcc", "#d9f0a3", "#addd8e", "#78c679", "#31a354", "#006837"]
WARD_OUTLINE = "#6b6370"
HEX_OUTLINE = "#3f6b2f"
WARD_OPACITY = 0.75
HEX_OPACITY = 0.75


class CountLayers(NamedTuple):
    """The count layers drawn on a map: their script names and the class breaks of their colour scales."""

    wards: str
    hexes: list[str]
    ward_breaks: list[int]
    hex_breaks: list[int]


def _previous_text(fc: dict[str, Any], props: dict[str, Any]) -> tuple[str, str]:
    """The previous period's count and the change, in words: not comparable when the period is not held."""
    if not fc.get("previous_period", {}).get("held", True):
        return "not held: not comparable", "–"
    previous, change = props.get("previous_count"), props.get("change")
    if previous is None:
        return "not published (a small count)", "–"
    return f"{previous:,}", "–" if change is None else f"{change:+,}"


def ward_label(fc: dict[str, Any], ft: dict[str, Any]) -> str:
    """A ward shape's name for screen readers: "Acklam ward, Middlesbrough, 233 incidents, falling (−12 on the
    previous period)"."""
    props = ft["properties"]
    count, change = props.get("count"), props.get("change")
    lad = f", {props['lad_name']}" if props.get("lad_name") else ""
    counted = "incidents not published (a small count)" if count is None else f"{count:,} incidents"
    if not fc.get("previous_period", {}).get("held", True):
        moved = "the previous period not held"
    elif change is None:
        moved = "change not published"
    else:
        way = "rising" if change > 0 else "falling" if change < 0 else "no change"
        moved = f"{way} ({change:+,} on the previous period)"
    return f"{props.get('name') or props.get('code', '')} ward{lad}, {counted}, {moved}".replace("(-", "(−")


def with_located_text(fc: dict[str, Any]) -> dict[str, Any]:
    """The collection with text properties per feature for tooltips: counts by location precision in words, the
    count, and (wards) the previous period's count and the change; and each shape's name for screen readers (label)."""
    features = []
    for ft in fc["features"]:
        located = ft["properties"].get("located") or {}
        text = ", ".join(f"{n:,} {PRECISION_LABELS.get(p, p)}" for p, n in sorted(located.items(), key=lambda x: -x[1]))
        count = ft["properties"]["count"]
        count_text = "not published (a small count)" if count is None else f"{count:,}"
        previous_text, change_text = _previous_text(fc, ft["properties"])
        extra = {"located_text": text or "–", "count_text": count_text, "label": f"Hexagon, {count_text} incidents"}
        if "previous_count" in ft["properties"]:
            extra |= {"previous_text": previous_text, "change_text": change_text, "label": ward_label(fc, ft)}
        features.append({**ft, "properties": {**ft["properties"], **extra}})
    return {**fc, "features": features}


def class_breaks(values: list[int], classes: int = len(WARD_PALETTE)) -> list[int]:
    """Upper bounds of quantile classes over the non-zero values (at least one class)."""
    positive = np.array([v for v in values if v > 0])
    if len(positive) == 0:
        return [0]
    qs = np.quantile(positive, np.linspace(0, 1, classes + 1)[1:], method="higher")
    return sorted(set(int(q) for q in qs))


def _colour(breaks: list[int], palette: list[str]) -> Callable[[int], str]:
    def pick(value: int) -> str:
        if value <= 0:
            return "#ffffff"
        for i, upper in enumerate(breaks):
            if value <= upper:
                return palette[min(i, len(palette) - 1)]
        return palette[-1]

    return pick


def _lowest(fc: dict[str, Any]) -> int:
    """The smallest count shown (published counts start well above 1)."""
    return min((c for ft in fc["features"] if (c := ft["properties"].get("count")) and c > 0), default=1)


def _legend_rows(breaks: list[int], palette: list[str], lowest: int = 1, withheld: str = "") -> list[tuple[str, str]]:
    """(colour, label) per class of the legend, from the lowest count shown; first the withheld class if any."""
    rows, lower = [], lowest
    if withheld:
        rows.append(("#ffffff", withheld))
    for i, upper in enumerate(breaks):
        if upper < lower:
            continue
        label = f"{lower}" if lower == upper else f"{lower}–{upper}"
        rows.append((palette[min(i, len(palette) - 1)], label))
        lower = upper + 1
    return rows


def legend_rows(view: MapView, layers: CountLayers, withheld: str) -> dict[str, list[tuple[str, str]]]:
    """The rows of the wards' and the hexagons' colour scales (ward_rows, hex_rows), as the legend lists them."""
    return {
        "ward_rows": _legend_rows(layers.ward_breaks, WARD_PALETTE, _lowest(view.wards), withheld),
        "hex_rows": _legend_rows(layers.hex_breaks, HEX_PALETTE, _lowest(view.hexes), withheld),
    }


def _has_located(fc: dict[str, Any]) -> bool:
    return any(ft["properties"].get("located") for ft in fc["features"])


def _ward_layer(wards_fc: dict[str, Any], colour: Callable[[int], str]) -> folium.GeoJson:
    rows = [
        ("name", "Ward"),
        ("lad_name", "Authority"),
        ("count_text", "Incidents"),
        ("previous_text", "Previous period"),
        ("change_text", "Change"),
        *([("located_text", "Located")] if _has_located(wards_fc) else []),
        ("code", "Code"),
    ]
    return tooltipped_layer(
        with_located_text(wards_fc),
        "Wards (count)",
        lambda ft: {
            "fillColor": colour(ft["properties"]["count"] or 0),
            "color": WARD_OUTLINE,
            "weight": 0.8,
            "fillOpacity": WARD_OPACITY,
            "className": "aim-ward",
        },
        rows,
        highlight=lambda ft: {"weight": 2.5, "color": "#000000"},
    )


def _hex_layer(name: str, fc: dict[str, Any], show: bool, colour: Callable[[int], str], ids: bool) -> folium.GeoJson:
    """A hexagon layer; its tooltip leads with the count, the cell's id only in small print (analysts)."""
    rows = [
        ("count_text", "Incidents here"),
        *([("located_text", "Located")] if _has_located(fc) else []),
        *([("h3", "Cell (H3)")] if ids else []),
    ]
    return tooltipped_layer(
        with_located_text(fc),
        name,
        lambda ft: {
            "fillColor": colour(ft["properties"]["count"]),
            "color": HEX_OUTLINE,
            "weight": 0.4,
            "fillOpacity": HEX_OPACITY,
            "className": "aim-hex",
        },
        rows,
        show=show,
        class_name=FINE_PRINT if ids else "foliumtooltip",
    )


def add_count_layers(m: folium.Map, view: MapView, fine: bool) -> CountLayers:
    """The wards and the hexagons (all sources, then each source's own) drawn on the map; `fine` puts the cells'
    ids in their tooltips' small print. The combined hexagons start hidden when a study area draws the statistics,
    whose Gi* layer takes their place."""
    wards_fc, hexes_fc = view.wards, view.hexes
    ward_breaks = class_breaks([ft["properties"]["count"] or 0 for ft in wards_fc["features"]])
    hex_breaks = class_breaks([ft["properties"]["count"] or 0 for ft in hexes_fc["features"]])
    ward_colour, hex_colour = _colour(ward_breaks, WARD_PALETTE), _colour(hex_breaks, HEX_PALETTE)
    wards_layer = _ward_layer(wards_fc, ward_colour).add_to(m)
    layers = [(f"Hexagons, all sources (H3 res {view.res})", hexes_fc, view.statistics is None)]
    # Leaflet's layer control writes layer names with innerHTML: a source named by a feed goes there escaped
    layers += [(f"Hexagons: {html_text(source)} only", fc, False) for source, fc in view.by_source.items()]
    hex_names = [
        _hex_layer(name, fc, show, hex_colour, fine).add_to(m).get_name() for name, fc, show in layers if fc["features"]
    ]
    return CountLayers(wards_layer.get_name(), hex_names, ward_breaks, hex_breaks)
