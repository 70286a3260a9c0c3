"""Statistical layers of the analyst map: Gi* hot/cold spots, emerging hotspots and the patrol plan, with legends."""

from __future__ import annotations

import html
from typing import Any

import folium

from api.services.hotspots import EMERGING_COLOURS, GI_LEGEND

GI_COLOURS = {row["class"]: row["colour"] for row in GI_LEGEND}
PLAN_COLOUR = "#111111"


def add_statistics_layers(
    m: folium.Map, gi_fc: dict[str, Any], emerging_fc: dict[str, Any], plan_fc: dict[str, Any]
) -> None:
    """Add the three layers (Gi* shown; emerging and patrol plan toggled on from the layer control)."""
    folium.GeoJson(
        gi_fc,
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
    folium.GeoJson(
        emerging_fc,
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
    folium.GeoJson(
        plan_fc,
        name=f"Patrol plan: top {len(plan_fc['features'])} cells",
        show=False,
        style_function=lambda ft: {"fillColor": "#ffff00", "color": PLAN_COLOUR, "weight": 2, "fillOpacity": 0.35},
        tooltip=folium.GeoJsonTooltip(
            fields=["rank", "ward_name", "expected_per_month", "trend", "reason"],
            aliases=["Rank", "Ward", "Expected a month", "Trend", "Why"],
        ),
    ).add_to(m)


def statistics_legend(gi_fc: dict[str, Any], emerging_fc: dict[str, Any], plan_fc: dict[str, Any]) -> str:
    """Legend rows that say what the statistical colours mean, and any warnings about the data."""
    gi_rows = "".join(
        f'<div><i style="background:{r["colour"]}"></i>{html.escape(r["meaning"])}</div>' for r in GI_LEGEND
    )
    emerging_rows = "".join(
        f'<div><i style="background:{colour}"></i>{name}</div>' for name, colour in EMERGING_COLOURS.items()
    )
    warnings = "".join(f"<div class='aim-warn'>{html.escape(w)}</div>" for w in gi_fc["warnings"])
    area = html.escape(gi_fc["area"]["name"])
    fitted = html.escape(plan_fc["forecast"]["fitted"])
    return f"""
  <div class="aim-scale"><em>Gi* hot/cold spots, {area}: Getis-Ord Gi*, false discovery rate controlled</em>
  {gi_rows}{warnings}</div>
  <div class="aim-scale"><em>Emerging hotspots (monthly Gi* + Mann-Kendall trend)</em>{emerging_rows}
  <div><i style="background:#4575b4"></i>any cold-spot pattern</div></div>
  <div class="aim-scale"><em>Patrol plan</em><div><i style="background:#ffff00;border:2px solid {PLAN_COLOUR}"></i>
  top {len(plan_fc["features"])} cells by expected incidents ({fitted})</div></div>"""
