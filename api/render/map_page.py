"""The analyst map page: a folium ward choropleth and H3 hex layer, with vendored Leaflet so it works offline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import folium
import numpy as np

from api.access.principals import Principal, Role
from api.access.tables import COUNCIL
from api.render.map_layers import add_statistics_layers, html_text, inert, statistics_legend, tooltip_text
from api.render.scripts import with_nonce
from api.render.templates import render
from api.services.filters import ALL, Filters
from api.services.map_view import MapView
from api.settings import Settings
from ingest.schema import CATEGORY_LABELS, PRECISION_LABELS, Category, Source
from ingest.taxonomy import GROUP_LABELS

# ColorBrewer YlOrRd, 6 classes.
PALETTE = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]
HEX_PALETTE = ["#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d"]
WARD_OPACITY = 0.75
HEX_OPACITY = 0.7
STATIC_JS = [("leaflet", "/static/leaflet/leaflet.js")]
STATIC_CSS = [("leaflet_css", "/static/leaflet/leaflet.css"), ("aim_css", "/static/aim.css")]


def _previous_text(fc: dict[str, Any], props: dict[str, Any]) -> tuple[str, str]:
    """The previous period's count and the change, in words: not comparable when the period is not held."""
    if not fc.get("previous_period", {}).get("held", True):
        return "not held: not comparable", "–"
    previous, change = props.get("previous_count"), props.get("change")
    if previous is None:
        return "not published (a small count)", "–"
    return f"{previous:,}", "–" if change is None else f"{change:+,}"


def with_located_text(fc: dict[str, Any]) -> dict[str, Any]:
    """The collection with text properties per feature for tooltips: counts by location precision in words, the
    count, and (wards) the previous period's count and the change."""
    features = []
    for ft in fc["features"]:
        located = ft["properties"].get("located") or {}
        text = ", ".join(f"{n:,} {PRECISION_LABELS.get(p, p)}" for p, n in sorted(located.items(), key=lambda x: -x[1]))
        count = ft["properties"]["count"]
        count_text = "not published (a small count)" if count is None else f"{count:,}"
        previous_text, change_text = _previous_text(fc, ft["properties"])
        extra = {"located_text": text or "–", "count_text": count_text}
        if "previous_count" in ft["properties"]:
            extra |= {"previous_text": previous_text, "change_text": change_text}
        features.append({**ft, "properties": {**ft["properties"], **extra}})
    return {**fc, "features": features}


def class_breaks(values: list[int], classes: int = len(PALETTE)) -> list[int]:
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


def _controls(
    filters: Filters,
    res: int,
    boundary_sets: list[str],
    areas: list[tuple[str, str]],
    area: str,
    held: list[str],
    principal: Principal,
) -> str:
    """The filter form: period, categories, sources, boundary set, hexagon size, study area and the account."""
    f = filters.incident
    cats = [(ALL, "All categories"), *GROUP_LABELS.items()]
    published = principal.role in (Role.PUBLIC, Role.COUNCILLOR)  # published tables only (api.access.tables)
    if published:
        srcs = [("police", "Police (police.uk open data)"), (COUNCIL, "Council records (every council source)")]
        chosen_sources = ["police"] if set(f.sources) <= {"police"} else [COUNCIL]
    else:
        cats += [(c.value, CATEGORY_LABELS[c]) for c in Category]
        srcs = [(ALL, "All sources")] + [(s, s.title()) for s in dict.fromkeys([*(s.value for s in Source), *held])]
        chosen_sources = list(f.sources) or [ALL]
    finest = min(10, filters.figures.max_res)
    return render(
        "map_controls.html",
        start=f"{f.start:%Y-%m}",
        end=f"{f.end:%Y-%m}",
        categories=cats,
        chosen_categories=list(filters.categories) or [ALL],
        sources=srcs,
        chosen_sources=chosen_sources,
        single=published,
        boundary_sets=[(b, b) for b in boundary_sets],
        boundary_set=filters.boundary_set,
        resolutions=[(str(r), f"H3 res {r}") for r in range(6, finest + 1)],
        res=str(res),
        exact=filters.figures.exact and not published,
        forces=[("", "(choose a force)"), *areas],
        force=area,
        account={
            "signed_in": principal.role != Role.PUBLIC,
            "analyses": principal.role in (Role.ANALYST, Role.PARTNER),
            "name": principal.name,
            "role": principal.role.value,
        },
    )


def _legend(
    ward_breaks: list[int],
    hex_breaks: list[int],
    wards_fc: dict[str, Any],
    hexes_fc: dict[str, Any],
    statistics: dict[str, Any] | None,
    exact: bool,
    flagged: int | None,
    basemap: bool = True,
) -> str:
    """The legend: periods and total, both colour scales, the statistics (or why there are none) and notes."""
    rule = wards_fc.get("filters", {}).get("disclosure") or {}
    withheld = f"under {rule['suppressed_below']}: not published" if "suppressed_below" in rule else ""
    return render(
        "map_legend.html",
        period=wards_fc["period"],
        previous_period=wards_fc["previous_period"],
        total=sum(feat["properties"]["count"] or 0 for feat in wards_fc["features"]),
        ward_rows=_legend_rows(ward_breaks, PALETTE, _lowest(wards_fc), withheld),
        hex_rows=_legend_rows(hex_breaks, HEX_PALETTE, _lowest(hexes_fc), withheld),
        statistics=statistics,
        exact=exact,
        table=rule.get("table"),
        flagged=flagged,
        basemap=basemap,
    )


# After BASEMAP_TILES fail to load (no network, a blocked host) the legend says so; the map works without them.
BASEMAP_WATCH = """window.addEventListener("DOMContentLoaded", function () {
  var failed = 0, loaded = 0;
  TILES.on("tileerror", function () {
    failed += 1;
    var note = document.getElementById("aim-basemap-note");
    if (note && failed >= 4 && loaded === 0) { note.hidden = false; }
  });
  TILES.on("tileload", function () { loaded += 1; });
});"""


def build_map(view: MapView, filters: Filters, settings: Settings, principal: Principal, nonce: str = "") -> str:
    """Render the analyst map page as HTML; folium's <script> tags carry the response's nonce (the page has no other
    script: no inline event handler, and names from files reach it as escaped text)."""
    wards_fc, hexes_fc, res, statistics, bounds = view.wards, view.hexes, view.res, view.statistics, view.bounds
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=False, zoom_start=10, location=[54.6, -1.2])
    m.default_js = STATIC_JS
    m.default_css = STATIC_CSS
    basemap = settings.basemap()
    if basemap:
        attribution = inert(basemap[1])  # HTML (links) by design, from the settings
        tiles = folium.TileLayer(basemap[0], attr=attribution, name="Basemap (streets)", max_zoom=19)
        tiles.add_to(m)
        page = m.get_root()
        assert isinstance(page, folium.Figure)
        page.script.add_child(folium.Element(BASEMAP_WATCH.replace("TILES", tiles.get_name())))
    ward_breaks = class_breaks([ft["properties"]["count"] or 0 for ft in wards_fc["features"]])
    hex_breaks = class_breaks([ft["properties"]["count"] or 0 for ft in hexes_fc["features"]])
    ward_colour, hex_colour = _colour(ward_breaks, PALETTE), _colour(hex_breaks, HEX_PALETTE)
    folium.GeoJson(
        tooltip_text(with_located_text(wards_fc)),
        name="Wards (count)",
        style_function=lambda ft: {
            "fillColor": ward_colour(ft["properties"]["count"] or 0),
            "color": "#555555",
            "weight": 0.8,
            "fillOpacity": WARD_OPACITY,
        },
        highlight_function=lambda ft: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "code", "lad_name", "count_text", "previous_text", "change_text", "located_text"],
            aliases=["Ward", "Code", "Authority", "Count", "Previous period", "Change", "Located"],
        ),
    ).add_to(m)
    layers = [(f"Hexagons, all sources (H3 res {res})", hexes_fc, statistics is None)]
    # Leaflet's layer control writes layer names with innerHTML: a source named by a feed goes there escaped
    layers += [(f"Hexagons: {html_text(source)} only", fc, False) for source, fc in view.by_source.items()]
    for name, fc, show in layers:  # the Gi* layer takes the combined layer's place when a study area is chosen
        if fc["features"]:
            folium.GeoJson(
                tooltip_text(with_located_text(fc)),
                name=name,
                show=show,
                style_function=lambda ft: {
                    "fillColor": hex_colour(ft["properties"]["count"]),
                    "color": "#2b5c8a",
                    "weight": 0.4,
                    "fillOpacity": HEX_OPACITY,
                },
                tooltip=folium.GeoJsonTooltip(
                    fields=["h3", "count_text", "located_text"], aliases=["H3 cell", "Count", "Located"]
                ),
            ).add_to(m)
    if statistics:
        add_statistics_layers(m, *statistics)
    folium.LayerControl(collapsed=False).add_to(m)
    if bounds:
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    root = m.get_root()
    assert isinstance(root, folium.Figure)
    controls = _controls(filters, res, view.boundary_sets, view.forces, view.chosen_force, view.held_sources, principal)
    root.html.add_child(folium.Element(inert(controls)))
    plan_url = f"/api/v1/patrol-plan?{urlencode([*view.plan_query, ('format', 'pdf')])}" if view.plan_query else ""
    shown = statistics_legend(*statistics, plan_url=plan_url) if statistics else None
    legend = _legend(
        ward_breaks, hex_breaks, wards_fc, hexes_fc, shown, filters.figures.exact, view.flagged, basemap is not None
    )
    root.html.add_child(folium.Element(inert(legend)))
    root.header.add_child(folium.Element(inert(render("map_head.html"))))
    return with_nonce(str(root.render()), nonce)
