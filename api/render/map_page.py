"""The analyst map page: a folium ward choropleth and H3 hex layers (api/render/map_counts.py) and the statistical
layers (api/render/map_layers.py), with vendored Leaflet so it works offline; beside the map, the filters, the answers
(a ward's or cell's monthly trend, the rising and falling wards), the layers, a legend of the layers shown and
downloads of the view. The page's own script (api/static/aim-map.js) draws the trend charts, keeps the legend to the
layers shown and numbers the patrol plan's cells as the printed plan does."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import folium
from markupsafe import Markup

from api.access.capabilities import MAP, Capabilities, capabilities_of
from api.access.principals import Principal
from api.access.tables import COUNCIL, PUBLISHED_GROUPS
from api.render.map_answers import api_query, downloads, movers_panel, period_words, published_source
from api.render.map_counts import CountLayers, add_count_layers, legend_rows
from api.render.map_document import accessible_document
from api.render.map_layers import add_statistics_layers, inert, statistics_legend, statistics_script
from api.render.map_problem import problem_assets, problem_panel
from api.render.map_tables import layer_tables
from api.render.scripts import with_nonce
from api.render.templates import render
from api.services.filters import ALL, Filters
from api.services.map_view import MapView
from api.settings import Settings
from ingest.schema import CATEGORY_LABELS, Category, Source
from ingest.taxonomy import GROUP_LABELS

STATIC_JS = [("leaflet", "/static/leaflet/leaflet.js")]
STATIC_CSS = [("leaflet_css", "/static/leaflet/leaflet.css"), ("aim_css", "/static/aim-map.css")]
PAGE_SCRIPT = '<script src="/static/aim-map.js" defer></script>'
KEYS_SCRIPT = '<script src="/static/aim-map-keys.js" defer></script>'  # the map from the keyboard, tables sorted


def _controls(filters: Filters, res: int, view: MapView, caps: Capabilities) -> str:
    """The filter form: period, categories, sources, boundary set, hexagon size, study area and the account."""
    f = filters.incident
    published = caps.published_only
    groups = [(g, label) for g, label in GROUP_LABELS.items() if not published or g in PUBLISHED_GROUPS]
    cats = [(ALL, "All categories"), *groups]
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
            "signed_in": caps.signed_in,
            "sources_report": caps.sources_report,
            "tasking_pack": caps.tasking_pack,
            "cases": caps.may_use("/cases"),
            "loads_feeds": caps.loads_feeds,
            "name": caps.principal.name,
            "role": str(caps.principal.role),
        },
    )


def _legend(view: MapView, counts: CountLayers, statistics: list[Any] | None, basemap: bool) -> dict[str, Any]:
    """What the legend shows (templates/map_legend.html): periods and total, both colour scales, the statistics, and
    the notes on the figures; each scale names the layers it explains."""
    wards_fc = view.wards
    rule = wards_fc.get("filters", {}).get("disclosure") or {}
    withheld = f"under {rule['suppressed_below']}: not published" if "suppressed_below" in rule else ""
    period, previous = wards_fc["period"], wards_fc["previous_period"]
    previous_text = period_words(previous["from"], previous["to"])
    return {
        "period_text": period_words(period["from"], period["to"]),
        "period_note": period.get("note"),
        "previous_text": previous_text if previous.get("held", True) else f"{previous_text} (not held)",
        "total": sum(feat["properties"]["count"] or 0 for feat in wards_fc["features"]),
        **legend_rows(view, counts, withheld),
        "res": view.res,
        "per_source": bool(view.by_source),
        "statistics": statistics,
        "table": rule.get("table"),
        "flagged": view.flagged,
        "basemap": basemap,
        "layers": {"wards": counts.wards, "hexes": " ".join(counts.hexes)},
    }


# After BASEMAP_TILES fail to load (no network, a blocked host), or none has loaded a while after the page did (a
# network that swallows requests rather than refusing them), the legend says so; a tile that loads later hides it.
BASEMAP_WATCH = """window.addEventListener("DOMContentLoaded", function () {
  var failed = 0, loaded = 0;
  function say(missing) {
    var note = document.getElementById("aim-basemap-note");
    if (note) { note.hidden = !missing; }
  }
  TILES.on("tileerror", function () {
    failed += 1;
    if (failed >= 4 && loaded === 0) { say(true); }
  });
  TILES.on("tileload", function () { loaded += 1; say(false); });
  window.setTimeout(function () { if (loaded === 0) { say(true); } }, 6000);
});"""


def build_map(
    view: MapView,
    filters: Filters,
    settings: Settings,
    caller: Capabilities | Principal,
    nonce: str = "",
    csrf: str = "",
) -> str:
    """Render the analyst map page as HTML for the caller's capabilities (a principal: its capabilities on the map
    route under the default policy); its <script> tags (folium's and the page's own static scripts) carry the
    response's nonce (the page has no other script: no inline event handler, and names from files reach it as
    escaped text); `csrf` is the session's page token, which the analyst's problem panel sends with what it opens."""
    caps = capabilities_of(caller, MAP)
    res, statistics, bounds = view.res, view.statistics, view.bounds
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
    fine = caps.analyses  # ids and figures in small print
    counts = add_count_layers(m, view, fine)
    statistics_names = add_statistics_layers(m, statistics) if statistics else {}
    folium.LayerControl(collapsed=False).add_to(m)
    if bounds:
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    root = m.get_root()
    assert isinstance(root, folium.Figure)
    root.html.add_child(folium.Element(inert(render("map_skip.html", map=m.get_name()))), index=0)
    root.html.add_child(folium.Element(inert(_controls(filters, res, view, caps))))
    plan_url = f"/api/v1/patrol-plan?{urlencode([*view.plan_query, ('format', 'pdf')])}" if view.plan_query else ""
    shown = statistics_legend(statistics, layers=statistics_names) if statistics else None
    drawn = statistics_script(statistics_names)
    query = api_query(filters, caps.published_only)
    page_query = [*query, ("res", str(res)), *([("area", view.chosen_area)] if view.chosen_area else [])]
    f = filters.incident
    side = render(
        "map_side.html",
        script={
            "map": m.get_name(),
            "query": urlencode(query),
            "fine": "1" if fine else "0",
            "area": dict(view.movers_query).get("area", ""),  # a ward's verdict: among the movers' wards
            "wards": counts.wards,
            "hexes": " ".join(counts.hexes),
            **drawn,
        },
        plan_url=plan_url,
        movers=movers_panel(view.movers, page_query, [*query, *view.movers_query], view.comparable_quarter),
        downloads=downloads(
            query,
            res,
            (f"{f.start:%Y-%m}", f"{f.end:%Y-%m}"),
            caps.incident_rows and filters.figures.exact,
            view.plan_query,
            {key: statistics[key] for key in statistics_names} if statistics else {},
        ),
        exports_audited=caps.incident_rows,
        problem=Markup(problem_panel(caps, filters.boundary_set, bool(drawn["numbered"]), csrf)),
        tables=layer_tables(view, fine),
        **_legend(view, counts, shown, basemap is not None),
    )
    root.html.add_child(folium.Element(inert(side)))
    root.header.add_child(folium.Element(inert(render("map_head.html"))))
    root.header.add_child(folium.Element(PAGE_SCRIPT))
    root.header.add_child(folium.Element(KEYS_SCRIPT))
    for tag in problem_assets(caps):
        root.header.add_child(folium.Element(tag))
    return with_nonce(accessible_document(str(root.render())), nonce)
