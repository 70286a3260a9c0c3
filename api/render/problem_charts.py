"""A problem's pictures as PNG: the monthly series of its frozen profile, its places' Lorenz curve, and its area
(the response cells inside the outlines of the wards they lie in). Text from feeds and boundary files is drawn as it
is (never read as mathtext)."""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from geo.problem_areas import outline  # noqa: E402

PLAIN_TEXT: dict[Any, Any] = {"text.parse_math": False, "text.usetex": False, "font.size": 8}
BAR = "#3b6ea5"
AREA = "#d9534f"


def _png(fig: Figure, dpi: int) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


def monthly_chart(
    monthly: list[dict[str, Any]], width_in: float = 4.2, height_in: float = 1.7, dpi: int = 150
) -> bytes:
    """Bars of the incidents in each month of the profile, labelled with their counts."""
    with matplotlib.rc_context(PLAIN_TEXT):
        fig, ax = plt.subplots(figsize=(width_in, height_in))
        months = [str(m["month"]) for m in monthly]
        counts = [int(m["count"]) for m in monthly]
        bars = ax.bar(range(len(months)), counts, color=BAR)
        ax.bar_label(bars, labels=[str(c) for c in counts], fontsize=7, padding=1)
        ax.set_xticks(range(len(months)), [m[2:] for m in months], fontsize=7)
        ax.set_ylim(0, max(counts + [1]) * 1.2)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_ylabel("incidents")
        return _png(fig, dpi)


def lorenz_chart(figures: dict[str, Any], width_in: float = 3.0, height_in: float = 2.2, dpi: int = 150) -> bytes:
    """The Lorenz curve of a profile's concentration figures (places busiest first) above the line of equality, with
    the smallest share of places holding half the incidents marked and the Gini in the title."""
    with matplotlib.rc_context(PLAIN_TEXT):
        fig, ax = plt.subplots(figsize=(width_in, height_in))
        places = [100 * float(p["places"]) for p in figures["lorenz"]]
        held = [100 * float(p["incidents"]) for p in figures["lorenz"]]
        ax.plot([0, 100], [0, 100], color="#999999", linewidth=0.8, linestyle="--", label="every place alike")
        ax.plot(places, held, color=BAR, linewidth=1.8, label="the area's places")
        gini = figures.get("gini")
        if figures.get("half") is not None:
            half = 100 * float(figures["half"])
            ax.plot([0, half, half], [50, 50, 0], color=AREA, linewidth=0.8)
            ax.annotate(f"half at {half:.1f}% of places", (half, 50), (half + 4, 40), fontsize=7, color=AREA)
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 100)
        ax.set_xlabel("% of places, busiest first")
        ax.set_ylabel("% of incidents")
        ax.set_title("Lorenz curve" + ("" if gini is None else f", Gini {gini:.2f}"), fontsize=8)
        ax.legend(loc="lower right", fontsize=6.5, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        return _png(fig, dpi)


def _rings(geometry: shapely.Geometry) -> list[np.ndarray]:
    polygons = list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]
    return [np.asarray(p.exterior.coords) for p in polygons if not p.is_empty]


def area_map(
    cells: np.ndarray, wards: list[tuple[str, shapely.Geometry]], size_in: float = 2.6, dpi: int = 150
) -> bytes:
    """The response cells (filled) inside the outlines of their wards (named), on a local flat projection."""
    with matplotlib.rc_context(PLAIN_TEXT):
        fig, ax = plt.subplots(figsize=(size_in, size_in))
        lat0 = 54.5
        for name, geom in wards:
            for ring in _rings(geom):
                ax.plot(ring[:, 0], ring[:, 1], color="#555555", linewidth=0.8)
            c = geom.representative_point()
            ax.annotate(name, (c.x, c.y), fontsize=7, color="#333333", ha="center")
        if len(cells):
            shape = outline(np.asarray(cells, dtype=np.uint64))
            lat0 = shape.centroid.y
            for ring in _rings(shape):
                ax.fill(ring[:, 0], ring[:, 1], color=AREA, alpha=0.55, linewidth=0.6, edgecolor=AREA)
        ax.set_aspect(1 / np.cos(np.radians(lat0)))
        ax.set_axis_off()
        return _png(fig, dpi)


def data_uri(png: bytes) -> str:
    """A PNG as a data: URI for an <img> (the pages' policy lets images come as data)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
