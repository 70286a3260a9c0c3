"""A printable one-page patrol plan (PNG or PDF) for the tasking meeting: map of the ranked cells and their table."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.patches import Polygon as PolygonPatch  # noqa: E402

from api.render.basemap_tiles import PrintBasemap, to_mercator  # noqa: E402
from api.services.reference import Ward  # noqa: E402
from geo.hexbin import cell_polygons  # noqa: E402
from geo.hotspots import LEVELS  # noqa: E402

MAP_PIXELS = 900  # the map is about 500 px wide in the PNG: tiles at about twice that stay sharp in the PDF
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 (data.police.uk). "
    "Boundaries: Office for National Statistics, OGL v3.0; contains OS data (c) Crown copyright and database right."
)

GI_KEY = (  # "Gi* column: hot-99 / hot-95 / hot-90 = flagged hot at FDR q ≤ 0.01 / 0.05 / 0.10 (...)"
    f"Gi* column: {' / '.join(f'hot-{level}' for level, _ in LEVELS)} = flagged hot at FDR q ≤ "
    f"{' / '.join(f'{rate:.2f}' for _, rate in LEVELS)} (a false discovery rate over all cells, not a confidence)"
)


def _rings(geometry: shapely.Geometry) -> list[np.ndarray]:
    polygons = list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]
    return [np.asarray(p.exterior.coords) for p in polygons]


def render_plan(
    plan: dict[str, Any],
    wards: list[tuple[Ward, shapely.Geometry]],
    fmt: str,
    basemap: PrintBasemap | None = None,
) -> bytes:
    """The plan drawn on one A4 landscape page, as PNG or PDF bytes, in Web Mercator over the basemap's streets
    when there is one (else it says "no basemap"); ward names and other text from boundary files are drawn as they
    are (never read as mathtext markup)."""
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        return _draw(plan, wards, fmt, basemap)


def _mercator(coords: np.ndarray) -> np.ndarray:
    x, y = to_mercator(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def _draw_basemap(ax: Any, bounds: tuple[float, float, float, float], basemap: PrintBasemap | None) -> bool:
    """Tiles under the map, with their attribution (or "no basemap") in small print; whether tiles were drawn."""
    mosaic = None if basemap is None else basemap.source.mosaic(bounds, MAP_PIXELS)
    if mosaic is not None:
        ax.imshow(mosaic.image, extent=mosaic.extent, zorder=0, interpolation="bilinear")
    note = "no basemap" if basemap is None else (basemap.attribution if mosaic else "no basemap (tiles unavailable)")
    ax.text(
        0.005,
        0.005,
        note,
        transform=ax.transAxes,
        fontsize=5.5,
        color="#333333",
        zorder=5,
        bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1.5},
    )
    return mosaic is not None


def _where(row: dict[str, Any]) -> str:
    """A cell's commonest streets and places, as one line."""
    return ", ".join(p["place"] for p in row.get("places") or [])


def _draw(
    plan: dict[str, Any], wards: list[tuple[Ward, shapely.Geometry]], fmt: str, basemap: PrintBasemap | None
) -> bytes:
    fig = plt.figure(figsize=(11.69, 8.27), dpi=110)
    area = plan["area"]["name"]
    fig.suptitle(f"Patrol plan: {area}", x=0.02, ha="left", fontsize=16, fontweight="bold")
    period = plan["period"]
    fig.text(
        0.02,
        0.925,
        f"{len(plan['cells'])} cells, {plan['selected_area_km2']:.2f} km2 ({plan['area_share']:.1%} of the area); "
        f"expected {plan['expected_per_month']:.0f} incidents a month ({plan['expected_share']:.0%} of the area's). "
        f"History {period['from']} to {period['to']}; printed {date.today():%d %b %Y}.",
        fontsize=9,
    )
    ax = fig.add_axes((0.02, 0.08, 0.40, 0.82))
    ax.set_aspect("equal")  # Web Mercator is conformal: streets and hexagons keep their shape
    ax.set_xticks([])
    ax.set_yticks([])
    hexes = shapely.transform(cell_polygons(plan["_lattice"].cells[plan["_selected"]]), _mercator)
    if len(hexes):
        minx, miny, maxx, maxy = shapely.total_bounds(hexes)
        pad = max(maxx - minx, maxy - miny) * 0.08 + 150
        bounds = (minx - pad, miny - pad, maxx + pad, maxy + pad)
        view = shapely.box(*bounds)
        streets = _draw_basemap(ax, bounds, basemap)
        ax.set_xlim(bounds[0], bounds[2])
        ax.set_ylim(bounds[1], bounds[3])
        for ward, shape in wards:
            shape = shapely.transform(shape, _mercator)
            if shape.intersects(view):
                for ring in _rings(shape):
                    ax.plot(ring[:, 0], ring[:, 1], color="#555555" if streets else "#999999", linewidth=0.5)
                c = shape.representative_point()
                if view.contains(c):
                    ax.text(c.x, c.y, ward.name, fontsize=5, color="#444444" if streets else "#666666", ha="center")
        colours = plt.get_cmap("YlOrRd_r")(np.linspace(0.05, 0.75, len(hexes)))
        patches = [PolygonPatch(np.asarray(h.exterior.coords)) for h in hexes]
        alpha = 0.65 if streets else 0.9  # the streets show through the hexagons
        ax.add_collection(PatchCollection(patches, facecolor=colours, edgecolor="#333333", linewidth=0.6, alpha=alpha))
        for rank, h in enumerate(hexes, start=1):
            if rank <= 40:
                c = h.centroid
                ax.text(c.x, c.y, str(rank), fontsize=6, ha="center", va="center", fontweight="bold")
    else:
        ax.text(0.5, 0.5, "No cells: no incidents in the period", ha="center", transform=ax.transAxes)
    table = fig.add_axes((0.43, 0.08, 0.56, 0.82))
    table.axis("off")
    rows = [
        [
            str(r["rank"]),
            (r["ward_name"] or r["ward"] or "")[:20],
            _where(r)[:36],
            r.get("grid_ref") or "",
            (r.get("nearest_postcode") or {}).get("postcode", ""),
            " ".join(str(v) for v in r["recent_counts"].values()),
            f"{r['expected_per_month']:.1f}",
            r["trend"],
            r["gi_class"].replace("not significant", "-"),
        ]
        for r in plan["cells"][:30]
    ]
    if rows:
        t = table.table(
            cellText=rows,
            colLabels=[
                "#",
                "Ward",
                "Streets and places",
                "Grid ref",
                "Postcode",
                "Last 3 mo.",
                "Exp./mo.",
                "Trend",
                "Gi*",
            ],
            loc="upper left",
            colLoc="left",
            cellLoc="left",
            colWidths=[0.03, 0.16, 0.33, 0.1, 0.08, 0.08, 0.06, 0.07, 0.07],
        )
        t.auto_set_font_size(False)
        t.set_fontsize(5.5)
        t.scale(1, 1.15)
    if len(plan["cells"]) > 30:
        table.text(0, 0.0, f"... and {len(plan['cells']) - 30} more cells (see the GeoJSON or JSON plan)", fontsize=7)
    fig.text(0.02, 0.045, "How cells are chosen: " + plan["forecast"]["fitted"] + ".", fontsize=7)
    fig.text(0.43, 0.065, GI_KEY, fontsize=6, color="#333333")
    fig.text(0.02, 0.02, ATTRIBUTION, fontsize=6, color="#555555")
    out = io.BytesIO()
    fig.savefig(out, format=fmt)
    plt.close(fig)
    return out.getvalue()
