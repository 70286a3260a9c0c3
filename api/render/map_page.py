"""The analyst map page: a folium ward choropleth and H3 hex layer, with vendored Leaflet so it works offline; beside
the map, the answers (a ward's or cell's monthly trend, the rising and falling wards), the layers, a legend of the
layers shown and downloads of the view. The page's own script (api/static/aim-map.js) draws the trend charts, keeps
the legend to the layers shown and numbers the patrol plan's cells as the printed plan does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import folium
import numpy as np
from markupsafe import Markup

from api.access.principals import Principal, Role
from api.access.tables import COUNCIL
from api.render.map_answers import api_query, downloads, movers_panel, period_words, published_source
from api.render.map_layers import (
    FINE_PRINT,
    add_statistics_layers,
    html_text,
    inert,
    statistics_legend,
    tooltip_text,
)
from api.render.map_problem import problem_assets, problem_panel
from api.render.scripts import with_nonce
from api.render.templates import render
from api.services.filters import ALL, Filters
from api.services.map_view import MapView
from api.settings import Settings
from ingest.schema import CATEGORY_LABELS, PRECISION_LABELS, Category, Source
from ingest.taxonomy import GROUP_LABELS

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
STATIC_JS = [("leaflet", "/static/leaflet/leaflet.js")]
STATIC_CSS = [("leaflet_css", "/static/leaflet/leaflet.css"), ("aim_css", "/static/aim-map.css")]
PAGE_SCRIPT = '<script src="/static/aim-map.js" defer></script>'


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


def _published(principal: Principal) -> bool:
    """Whether the caller counts published tables only (api.access.tables)."""
    return principal.role in (Role.PUBLIC, Role.COUNCILLOR)


def _controls(filters: Filters, res: int, view: MapView, principal: Principal) -> str:
    """The filter form: period, categories, sources, boundary set, hexagon size, study area and the account."""
    f = filters.incident
    cats = [(ALL, "All categories"), *GROUP_LABELS.items()]
    published = _published(principal)
    if published:
        srcs = [("police", "Police (police.uk open data)"), (COUNCIL, "Council records (every council source)")]
        chosen_sources = [published_source(filters)]
    else:
        cats += [(c.value, CATEGORY_LABELS[c]) for c in Category]
        held = view.held_sources
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
        boundary_sets=[(b, b) for b in view.boundary_sets],
        boundary_set=filters.boundary_set,
        resolutions=[(str(r), f"H3 res {r}") for r in range(6, finest + 1)],
        res=str(res),
        exact=filters.figures.exact and not published,
        areas=view.areas,
        area=view.chosen_area,
        account={
            "signed_in": principal.role != Role.PUBLIC,
            "analyses": principal.role in (Role.ANALYST, Role.PARTNER),
            "loads": principal.role == Role.ANALYST,
            "name": principal.name,
            "role": principal.role.value,
        },
    )


def _legend(
    view: MapView,
    ward_breaks: list[int],
    hex_breaks: list[int],
    statistics: dict[str, Any] | None,
    layers: dict[str, str],
    basemap: bool,
) -> dict[str, Any]:
    """What the legend shows (templates/map_legend.html): periods and total, both colour scales, the statistics, and
    the notes on the figures; each scale names the layers it explains."""
    wards_fc, hexes_fc = view.wards, view.hexes
    rule = wards_fc.get("filters", {}).get("disclosure") or {}
    withheld = f"under {rule['suppressed_below']}: not published" if "suppressed_below" in rule else ""
    period, previous = wards_fc["period"], wards_fc["previous_period"]
    previous_text = period_words(previous["from"], previous["to"])
    return {
        "period_text": period_words(period["from"], period["to"]),
        "previous_text": previous_text if previous.get("held", True) else f"{previous_text} (not held)",
        "total": sum(feat["properties"]["count"] or 0 for feat in wards_fc["features"]),
        "ward_rows": _legend_rows(ward_breaks, WARD_PALETTE, _lowest(wards_fc), withheld),
        "hex_rows": _legend_rows(hex_breaks, HEX_PALETTE, _lowest(hexes_fc), withheld),
        "res": view.res,
        "per_source": bool(view.by_source),
        "statistics": statistics,
        "table": rule.get("table"),
        "flagged": view.flagged,
        "basemap": basemap,
        "layers": layers,
    }


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
    fields, aliases = [f for f, _ in rows], [a for _, a in rows]
    return folium.GeoJson(
        tooltip_text(with_located_text(wards_fc)),
        name="Wards (count)",
        style_function=lambda ft: {
            "fillColor": colour(ft["properties"]["count"] or 0),
            "color": WARD_OUTLINE,
            "weight": 0.8,
            "fillOpacity": WARD_OPACITY,
            "className": "aim-ward",
        },
        highlight_function=lambda ft: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases, class_name=FINE_PRINT),
    )


def _hex_layer(name: str, fc: dict[str, Any], show: bool, colour: Callable[[int], str], ids: bool) -> folium.GeoJson:
    """A hexagon layer; its tooltip leads with the count, the cell's id only in small print (analysts)."""
    fields, aliases = ["count_text"], ["Incidents here"]
    if _has_located(fc):
        fields, aliases = [*fields, "located_text"], [*aliases, "Located"]
    if ids:
        fields, aliases = [*fields, "h3"], [*aliases, "Cell (H3)"]
    return folium.GeoJson(
        tooltip_text(with_located_text(fc)),
        name=name,
        show=show,
        style_function=lambda ft: {
            "fillColor": colour(ft["properties"]["count"]),
            "color": HEX_OUTLINE,
            "weight": 0.4,
            "fillOpacity": HEX_OPACITY,
            "className": "aim-hex",
        },
        tooltip=folium.GeoJsonTooltip(
            fields=fields, aliases=aliases, class_name=FINE_PRINT if ids else "foliumtooltip"
        ),
    )


def build_map(
    view: MapView, filters: Filters, settings: Settings, principal: Principal, nonce: str = "", csrf: str = ""
) -> str:
    """Render the analyst map page as HTML; its <script> tags (folium's and the page's own static scripts) carry the
    response's nonce (the page has no other script: no inline event handler, and names from files reach it as
    escaped text); `csrf` is the session's page token, which the analyst's problem panel sends with what it opens."""
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
    ward_colour, hex_colour = _colour(ward_breaks, WARD_PALETTE), _colour(hex_breaks, HEX_PALETTE)
    wards_layer = _ward_layer(wards_fc, ward_colour).add_to(m)
    fine = principal.role in (Role.ANALYST, Role.PARTNER)  # ids and figures in small print
    layers = [(f"Hexagons, all sources (H3 res {res})", hexes_fc, statistics is None)]
    # Leaflet's layer control writes layer names with innerHTML: a source named by a feed goes there escaped
    layers += [(f"Hexagons: {html_text(source)} only", fc, False) for source, fc in view.by_source.items()]
    hex_names = []
    for name, fc, show in layers:  # the Gi* layer takes the combined layer's place when a study area is chosen
        if fc["features"]:
            hex_names.append(_hex_layer(name, fc, show, hex_colour, fine).add_to(m).get_name())
    statistics_names = add_statistics_layers(m, *statistics) if statistics else {}
    folium.LayerControl(collapsed=False).add_to(m)
    if bounds:
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    root = m.get_root()
    assert isinstance(root, folium.Figure)
    root.html.add_child(folium.Element(inert(_controls(filters, res, view, principal))))
    plan_url = f"/api/v1/patrol-plan?{urlencode([*view.plan_query, ('format', 'pdf')])}" if view.plan_query else ""
    shown = statistics_legend(*statistics, layers=statistics_names) if statistics else None
    published = _published(principal)
    query = api_query(filters, published)
    page_query = [*query, ("res", str(res)), *([("area", view.chosen_area)] if view.chosen_area else [])]
    f = filters.incident
    side = render(
        "map_side.html",
        script={
            "map": m.get_name(),
            "query": urlencode(query),
            "fine": "1" if fine else "0",
            "wards": wards_layer.get_name(),
            "hexes": " ".join(hex_names),
            **{kind: statistics_names.get(kind, "") for kind in ("gi", "emerging", "plan")},
        },
        plan_url=plan_url,
        movers=movers_panel(view.movers, page_query, [*query, *view.movers_query], view.comparable_quarter),
        downloads=downloads(
            query,
            res,
            (f"{f.start:%Y-%m}", f"{f.end:%Y-%m}"),
            fine and filters.figures.exact,
            view.plan_query,
            statistics[0] if statistics and statistics_names.get("gi") else None,
        ),
        analyses=fine,
        problem=Markup(problem_panel(principal, filters.boundary_set, bool(statistics_names.get("plan")), csrf)),
        **_legend(
            view,
            ward_breaks,
            hex_breaks,
            shown,
            {"wards": wards_layer.get_name(), "hexes": " ".join(hex_names)},
            basemap is not None,
        ),
    )
    root.html.add_child(folium.Element(inert(side)))
    root.header.add_child(folium.Element(inert(render("map_head.html"))))
    root.header.add_child(folium.Element(PAGE_SCRIPT))
    for tag in problem_assets(principal):
        root.header.add_child(folium.Element(tag))
    return with_nonce(str(root.render()), nonce)
