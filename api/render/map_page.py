"""The analyst map page: a folium ward choropleth and H3 hex layer, with vendored Leaflet so it works offline."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import folium
import numpy as np

from api.access.principals import Principal, Role
from api.render.map_layers import add_statistics_layers, statistics_legend
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


DISCLOSED_NOTE = (
    '<div class="aim-note">Published figures: counts under 10 are not shown; others carry a small fixed '
    "perturbation and are rounded to 5, so totals and differences are approximate. Hotspot statistics, finer "
    "hexagons and incident detail need an analyst or partner token.</div>"
)


def with_located_text(fc: dict[str, Any]) -> dict[str, Any]:
    """The collection with a `located_text` property per feature (its counts by location precision, in words)."""
    features = []
    for ft in fc["features"]:
        located = ft["properties"].get("located") or {}
        text = ", ".join(f"{n:,} {PRECISION_LABELS.get(p, p)}" for p, n in sorted(located.items(), key=lambda x: -x[1]))
        count = ft["properties"]["count"]
        count_text = "not published (a small count)" if count is None else f"{count:,}"
        features.append(
            {**ft, "properties": {**ft["properties"], "located_text": text or "–", "count_text": count_text}}
        )
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


def _legend_rows(breaks: list[int], palette: list[str], lowest: int = 1, withheld: str = "") -> str:
    rows, lower = [], lowest
    if withheld:
        rows.append(f'<div><i style="background:#ffffff"></i>{html.escape(withheld)}</div>')
    for i, upper in enumerate(breaks):
        if upper < lower:
            continue
        label = f"{lower}" if lower == upper else f"{lower}–{upper}"
        rows.append(f'<div><i style="background:{palette[min(i, len(palette) - 1)]}"></i>{label}</div>')
        lower = upper + 1
    return "".join(rows)


def _options(values: list[tuple[str, str]], chosen: list[str]) -> str:
    return "".join(
        f'<option value="{html.escape(v)}"{" selected" if v in chosen else ""}>{html.escape(label)}</option>'
        for v, label in values
    )


def _account(principal: Principal, analyses: bool) -> str:
    if principal.role == Role.PUBLIC:
        return '<a href="/login">Sign in</a>'
    links = '<a href="/sources">Sources and data quality</a> · ' if analyses else ""
    return (
        f"{links}{html.escape(principal.name)} ({principal.role.value}) "
        '<button type="submit" formaction="/logout" formmethod="post">Sign out</button>'
    )


def _controls(
    filters: Filters,
    res: int,
    boundary_sets: list[str],
    areas: list[tuple[str, str]],
    area: str,
    held: list[str],
    principal: Principal,
) -> str:
    f = filters.incident
    cats = [(ALL, "All categories"), *GROUP_LABELS.items()] + [(c.value, CATEGORY_LABELS[c]) for c in Category]
    srcs = [(ALL, "All sources")] + [(s, s.title()) for s in dict.fromkeys([*(s.value for s in Source), *held])]
    chosen_c = list(filters.categories) or [ALL]
    chosen_s = list(f.sources) or [ALL]
    sets = [(b, b) for b in boundary_sets]
    finest = min(10, filters.figures.max_res)
    force_options = _options([("", "(choose a force)"), *areas], [area])
    hotspots = f'<label>Hotspots in <select name="force">{force_options}</select></label>'
    if not filters.figures.exact:
        hotspots = ""
    res_opts = [(str(r), f"H3 res {r}") for r in range(6, finest + 1)]
    return f"""
<form id="aim-filters" class="aim-panel" method="get" action="/">
  <strong>AIM · ASB map</strong>
  <label>From <input type="month" name="from" value="{f.start:%Y-%m}"></label>
  <label>To <input type="month" name="to" value="{f.end:%Y-%m}"></label>
  <label>Category <select name="category" multiple size="4">{_options(cats, chosen_c)}</select></label>
  <label>Source <select name="source" multiple size="3">{_options(srcs, chosen_s)}</select></label>
  <label>Wards <select name="wards">{_options(sets, [filters.boundary_set])}</select></label>
  <label>Hexes <select name="res">{_options(res_opts, [str(res)])}</select></label>
  {hotspots}
  <button type="submit">Apply</button>
  <span class="aim-account">{_account(principal, principal.role in (Role.ANALYST, Role.PARTNER))}</span>
</form>"""


def _gap_note(flagged: int | None) -> str:
    if flagged is None:
        return ""
    if not flagged:
        return '<div class="aim-note"><a href="/sources">Sources and data quality</a>: no gaps flagged.</div>'
    return (
        f'<div class="aim-warn"><a href="/sources">{flagged} source month(s) flagged</a>: a feed stopped or sent far '
        "fewer rows than usual; counts there understate what happened.</div>"
    )


def _legend(
    ward_breaks: list[int],
    hex_breaks: list[int],
    wards_fc: dict[str, Any],
    hexes_fc: dict[str, Any],
    extra: str,
    flagged: int | None,
) -> str:
    total = sum(feat["properties"]["count"] or 0 for feat in wards_fc["features"])
    rule = wards_fc.get("filters", {}).get("disclosure")
    withheld = f"under {rule['suppressed_below']}: not published" if rule else ""
    ward_rows = _legend_rows(ward_breaks, PALETTE, _lowest(wards_fc), withheld)
    hex_rows = _legend_rows(hex_breaks, HEX_PALETTE, _lowest(hexes_fc), withheld)
    period = wards_fc["period"]
    prev = wards_fc["previous_period"]
    return f"""
<div id="aim-legend" class="aim-panel">
  <strong>Incidents {period["from"]} to {period["to"]}</strong>
  <div class="aim-total">{total:,} in wards · previous period {prev["from"]} to {prev["to"]}</div>
  <div class="aim-scale"><em>Wards (count)</em>{ward_rows}</div>
  <div class="aim-scale"><em>Hexagons (count; per-source layers share this scale)</em>
  {hex_rows}</div>{extra}
  <div class="aim-note">Hexagons place each incident at its point: an exact point (council feeds), a postcode
  centroid, or a police.uk anonymised map point (tooltips give the mix). Incidents located only by ward or LSOA
  count in ward totals but are not on the hexagons.</div>{_gap_note(flagged)}
</div>"""


def build_map(view: MapView, filters: Filters, settings: Settings, principal: Principal) -> str:
    """Render the analyst map page as HTML."""
    wards_fc, hexes_fc, res, statistics, bounds = view.wards, view.hexes, view.res, view.statistics, view.bounds
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=False, zoom_start=10, location=[54.6, -1.2])
    m.default_js = STATIC_JS
    m.default_css = STATIC_CSS
    if settings.tile_url:
        folium.TileLayer(settings.tile_url, attr=settings.tile_attribution or "basemap", name="Basemap").add_to(m)
    ward_breaks = class_breaks([ft["properties"]["count"] or 0 for ft in wards_fc["features"]])
    hex_breaks = class_breaks([ft["properties"]["count"] or 0 for ft in hexes_fc["features"]])
    ward_colour, hex_colour = _colour(ward_breaks, PALETTE), _colour(hex_breaks, HEX_PALETTE)
    folium.GeoJson(
        with_located_text(wards_fc),
        name="Wards (count)",
        style_function=lambda ft: {
            "fillColor": ward_colour(ft["properties"]["count"] or 0),
            "color": "#555555",
            "weight": 0.8,
            "fillOpacity": WARD_OPACITY,
        },
        highlight_function=lambda ft: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "code", "lad_name", "count_text", "previous_count", "change", "located_text"],
            aliases=["Ward", "Code", "Authority", "Count", "Previous period", "Change", "Located"],
        ),
    ).add_to(m)
    layers = [(f"Hexagons, all sources (H3 res {res})", hexes_fc, statistics is None)]
    layers += [(f"Hexagons: {source} only", fc, False) for source, fc in view.by_source.items()]
    for name, fc, show in layers:  # the Gi* layer takes the combined layer's place when a study area is chosen
        if fc["features"]:
            folium.GeoJson(
                with_located_text(fc),
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
    root.html.add_child(folium.Element(controls))
    extra = (
        statistics_legend(*statistics)
        if statistics
        else DISCLOSED_NOTE
        if not filters.figures.exact
        else (
            '<div class="aim-note">Choose a force under "Hotspots in" for Gi* hotspots, emerging hotspots and the '
            "patrol plan.</div>"
        )
    )
    root.html.add_child(folium.Element(_legend(ward_breaks, hex_breaks, wards_fc, hexes_fc, extra, view.flagged)))
    root.header.add_child(folium.Element("<title>AIM · ASB intelligence map</title>"))
    return str(root.render())
