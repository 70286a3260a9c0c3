"""The map's colours keep its layers apart: Gi* hot spots never sit on red wards, cold spots never read as busy
hexagons, and the wards stay apart from the Gi* cells for readers with the common colour-vision deficiencies too
(simulated with the Machado, Oliveira and Fernandes 2009 matrices at full severity; distances are CIE76 in Lab, as
drawn semi-transparent over the map's background)."""

from __future__ import annotations

import numpy as np
import pytest

from api.render.map_counts import HEX_OPACITY, HEX_PALETTE, WARD_OPACITY, WARD_PALETTE
from api.services.statistics.gi import COLOURS as GI_COLOURS
from api.services.statistics.gi import OUTLINE as GI_OUTLINE

BACKGROUND = "#eef1f4"  # .leaflet-container in api/static/aim-map.css
GI_OPACITY = 0.85
VISION = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}
STRONG = ("hot-99", "hot-95", "cold-95", "cold-99")  # the classes an analyst acts on


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def _linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(colour: str, opacity: float, vision: str) -> np.ndarray:
    """The colour drawn at `opacity` over the background, as a reader with `vision` sees it, in CIE Lab."""
    drawn = opacity * _rgb(colour) + (1 - opacity) * _rgb(BACKGROUND)
    seen = np.clip(VISION[vision] @ _linear(drawn), 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ seen
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _closest(a: list[str], a_opacity: float, b: list[str], b_opacity: float, vision: str) -> float:
    return min(float(np.linalg.norm(_lab(x, a_opacity, vision) - _lab(y, b_opacity, vision))) for x in a for y in b)


def _hue(colour: str) -> float:
    r, g, b = _rgb(colour)
    top, low = max(r, g, b), min(r, g, b)
    if top == low:
        return -1.0
    if top == r:
        return float((60 * (g - b) / (top - low)) % 360)
    if top == g:
        return float(60 * (b - r) / (top - low) + 120)
    return float(60 * (r - g) / (top - low) + 240)


def test_no_ward_is_red_and_no_hexagon_is_red_or_blue() -> None:
    """Ward fills are grey-purple (low saturation), hexagons run yellow to green: neither shares Gi*'s hues."""
    for colour in WARD_PALETTE:
        r, g, b = _rgb(colour)
        assert max(r, g, b) - min(r, g, b) < 0.12, colour  # near grey
    for colour in HEX_PALETTE:
        assert 55 <= _hue(colour) <= 165, colour  # yellow to green


@pytest.mark.parametrize("vision", list(VISION))
def test_gi_cells_stand_apart_from_the_wards_under_them(vision: str) -> None:
    gi = [GI_COLOURS[c] for c in STRONG]
    assert _closest(WARD_PALETTE, WARD_OPACITY, gi, GI_OPACITY, vision) > 12


def test_gi_cells_stand_apart_from_count_hexagons() -> None:
    """In normal vision no strong Gi* class is near a hexagon count colour (cold spots are not busy hexagons); for
    colour-blind readers the Gi* cells carry dark red and blue outlines that the count hexagons never have."""
    gi = [GI_COLOURS[c] for c in STRONG]
    assert _closest(HEX_PALETTE, HEX_OPACITY, gi, GI_OPACITY, "normal") > 25
    cold = [GI_COLOURS[c] for c in ("cold-90", "cold-95", "cold-99")]
    assert _closest(HEX_PALETTE, HEX_OPACITY, cold, GI_OPACITY, "normal") > 25
    assert set(GI_OUTLINE.values()).isdisjoint({c.lower() for c in HEX_PALETTE})


def test_the_old_palettes_would_fail() -> None:
    """The check has teeth: the former red ward scale under Gi* reds, and blue hexagons beside cold spots."""
    red_wards = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]
    blue_hexes = ["#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d"]
    gi = [GI_COLOURS[c] for c in STRONG]
    assert _closest(red_wards, WARD_OPACITY, gi, GI_OPACITY, "normal") < 12
    assert _closest(blue_hexes, HEX_OPACITY, gi, GI_OPACITY, "normal") < 25
