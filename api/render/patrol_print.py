"""A printable one-page patrol plan (PNG or PDF) for the tasking meeting: map of the ranked cells and their table,
every name wrapped to its column, never cut; and the plan's map alone, drawn at the size another document prints it."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.patches import Polygon as PolygonPatch  # noqa: E402
from matplotlib.textpath import TextToPath  # noqa: E402

from api.render.basemap_tiles import PrintBasemap, to_mercator  # noqa: E402
from api.services.reference import Ward  # noqa: E402
from geo.hexbin import cell_polygons  # noqa: E402
from geo.hotspots import LEVELS  # noqa: E402

MAP_PIXELS = 900  # the map is about 500 px wide in the PNG: tiles at about twice that stay sharp in the PDF
PRINT_DPI = 200  # a map drawn at the size it is printed (the tasking pack's), in pixels per inch
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


def _draw_basemap(
    ax: Any, bounds: tuple[float, float, float, float], basemap: PrintBasemap | None, size: float = 5.5
) -> bool:
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
        fontsize=size,
        color="#333333",
        zorder=5,
        bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1.5},
    )
    return mosaic is not None


def _where(row: dict[str, Any]) -> str:
    """A cell's commonest streets and places, as one line."""
    return ", ".join(p["place"] for p in row.get("places") or [])


HINTED = 1.06  # a hinted raster (the PNG at 110 dpi) draws text up to about 5% wider than its outlines measure


def text_width(text: str, size: float) -> float:
    """The width in points of a line of text in the default font at `size` points (as drawn, at most)."""
    outlines = TextToPath().get_text_width_height_descent(text, FontProperties(size=size), ismath=False)[0]
    return float(outlines) * HINTED


def wrapped(text: str, width: float, size: float) -> str:
    """The text in lines no wider than `width` points at `size` points, broken between words only: a name is never
    cut (a single word wider than the column keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


@dataclass(frozen=True)
class MapText:
    """The sizes (points) of the text on a drawn plan map."""

    ward: float = 6.0
    rank: float = 7.0
    note: float = 5.5


PRINTED_MAP = MapText(ward=6.5, rank=8.0, note=6.0)  # a map printed on its own (the tasking pack's)


def _draw_map(
    ax: Any,
    plan: dict[str, Any],
    wards: list[tuple[Ward, shapely.Geometry]],
    basemap: PrintBasemap | None,
    sizes: MapText,
    fill: bool = False,
) -> None:
    """The plan's ranked cells on the axes, over the ward boundaries (named) and the basemap's streets when there is
    one; `fill`: the view widened to fill the axes (else the axes shrink to the cells' view)."""
    ax.set_aspect("equal", adjustable="datalim" if fill else "box")  # Web Mercator is conformal: shapes kept
    ax.set_xticks([])
    ax.set_yticks([])
    hexes = shapely.transform(cell_polygons(plan["_lattice"].cells[plan["_selected"]]), _mercator)
    if not len(hexes):
        ax.text(0.5, 0.5, "No cells: no incidents in the period", ha="center", transform=ax.transAxes)
        return
    minx, miny, maxx, maxy = shapely.total_bounds(hexes)
    pad = max(maxx - minx, maxy - miny) * 0.08 + 150
    bounds = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    if fill:  # widen the view to the axes' shape, so tiles and wards cover all of it
        box = ax.get_position()
        figure_w, figure_h = ax.figure.get_size_inches()
        aspect = (box.height * figure_h) / (box.width * figure_w)
        cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
        half_w, half_h = (bounds[2] - bounds[0]) / 2, (bounds[3] - bounds[1]) / 2
        half_w, half_h = max(half_w, half_h / aspect), max(half_h, half_w * aspect)
        bounds = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    view = shapely.box(*bounds)
    streets = _draw_basemap(ax, bounds, basemap, sizes.note)
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    for ward, shape in wards:
        shape = shapely.transform(shape, _mercator)
        if shape.intersects(view):
            for ring in _rings(shape):
                ax.plot(ring[:, 0], ring[:, 1], color="#555555" if streets else "#999999", linewidth=0.5)
            c = shape.representative_point()
            if view.contains(c):
                colour = "#444444" if streets else "#666666"
                ax.text(c.x, c.y, ward.name, fontsize=sizes.ward, color=colour, ha="center")
    colours = plt.get_cmap("YlOrRd_r")(np.linspace(0.05, 0.75, len(hexes)))
    patches = [PolygonPatch(np.asarray(h.exterior.coords)) for h in hexes]
    alpha = 0.65 if streets else 0.9  # the streets show through the hexagons
    ax.add_collection(PatchCollection(patches, facecolor=colours, edgecolor="#333333", linewidth=0.6, alpha=alpha))
    for rank, h in enumerate(hexes, start=1):
        if rank <= 40:
            c = h.centroid
            ax.text(c.x, c.y, str(rank), fontsize=sizes.rank, ha="center", va="center", fontweight="bold")


def render_plan_map(
    plan: dict[str, Any],
    wards: list[tuple[Ward, shapely.Geometry]],
    size: tuple[float, float],
    basemap: PrintBasemap | None = None,
    sizes: MapText = PRINTED_MAP,
    fmt: str = "png",
) -> bytes:
    """The plan's map alone, drawn at the size it is printed (width, height in inches) so its text prints at the
    sizes given, as PNG bytes at PRINT_DPI (or another format matplotlib writes)."""
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        fig = plt.figure(figsize=size, dpi=PRINT_DPI)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        _draw_map(ax, plan, wards, basemap, sizes, fill=True)
        out = io.BytesIO()
        fig.savefig(out, format=fmt, dpi=PRINT_DPI)
        plt.close(fig)
    return out.getvalue()


COLUMNS = (  # the printed table's columns: heading, share of the table's width (a grid reference or postcode fits)
    ("#", 0.03),
    ("Ward", 0.155),
    ("Streets and places", 0.305),
    ("Grid ref", 0.115),
    ("Postcode", 0.095),
    ("Last 3 mo.", 0.075),
    ("Exp./mo.", 0.07),
    ("Trend", 0.06),
    ("Gi*", 0.06),
)
CELL_PAD = 2.0  # points of space left and right of the text in a table cell
TABLE_TEXT = 6.0  # points
TABLE_AXES = (0.43, 0.08, 0.56, 0.82)  # where the table stands on the page (figure fractions)


def _row(r: dict[str, Any]) -> list[str]:
    return [
        str(r["rank"]),
        r["ward_name"] or r["ward"] or "",
        _where(r),
        r.get("grid_ref") or "",
        (r.get("nearest_postcode") or {}).get("postcode", ""),
        " ".join(str(v) for v in r["recent_counts"].values()),
        f"{r['expected_per_month']:.1f}",
        r["trend"],
        r["gi_class"].replace("not significant", "-"),
    ]


def _draw_table(fig: Any, cells: list[dict[str, Any]]) -> None:
    """The ranked cells as a table beside the map, every name whole (wrapped to its column), as many rows as the page
    holds; the rest counted below it."""
    table = fig.add_axes(TABLE_AXES)
    table.axis("off")
    page_w, page_h = fig.get_size_inches() * 72
    widths = [share * TABLE_AXES[2] * page_w for _, share in COLUMNS]
    room = [w - 2 * CELL_PAD for w in widths]
    height = TABLE_AXES[3] * page_h

    def lines_of(row: list[str]) -> list[str]:
        return [wrapped(text, width, TABLE_TEXT) for text, width in zip(row, room, strict=True)]

    def row_height(row: list[str]) -> float:  # a share of the table's height
        return (max(text.count("\n") + 1 for text in row) * 1.25 + 0.9) * TABLE_TEXT / height

    header = lines_of([name for name, _ in COLUMNS])
    rows: list[list[str]] = []
    used = row_height(header) + 14 / height  # room for the note of the cells left out
    for r in cells:
        row = lines_of(_row(r))
        if used + row_height(row) > 1:
            break
        rows.append(row)
        used += row_height(row)
    if rows:
        t = table.table(
            cellText=rows,
            colLabels=header,
            loc="upper left",
            colLoc="left",
            cellLoc="left",
            colWidths=[share for _, share in COLUMNS],
        )
        t.auto_set_font_size(False)
        t.set_fontsize(TABLE_TEXT)
        for (i, j), cell in t.get_celld().items():
            cell.set_height(row_height(header if i == 0 else rows[i - 1]))
            cell.PAD = CELL_PAD / widths[j]  # matplotlib pads by a share of the cell's width: the same points in each
    if len(cells) > len(rows):
        left = len(cells) - len(rows)
        table.text(0, 0.0, f"... and {left} more cells (see the GeoJSON or JSON plan)", fontsize=7)


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
    _draw_map(ax, plan, wards, basemap, MapText())
    _draw_table(fig, plan["cells"])
    fig.text(0.02, 0.045, "How cells are chosen: " + plan["forecast"]["fitted"] + ".", fontsize=7)
    fig.text(0.43, 0.065, GI_KEY, fontsize=6, color="#333333")
    fig.text(0.02, 0.02, ATTRIBUTION, fontsize=6, color="#555555")
    out = io.BytesIO()
    fig.savefig(out, format=fmt)
    plt.close(fig)
    return out.getvalue()
