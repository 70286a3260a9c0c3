"""Ordnance Survey National Grid references (e.g. NZ 4953 1970) of WGS84 points, through pyproj (EPSG:27700)."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
from pyproj import Transformer

# the 500 km squares, then the 100 km squares within them, lettered A-Z without I, five by five from the north-west
_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"


def _square_letters(e100: int, n100: int) -> str | None:
    """The two letters of the 100 km square with these indices (from the false origin), None off the grid."""
    if not (0 <= e100 < 7 and 0 <= n100 < 13):
        return None
    major_col, major_row = e100 // 5 + 2, n100 // 5 + 1  # the grid's origin square is S (col 2, row 1 from the south)
    minor_col, minor_row = e100 % 5, n100 % 5
    major = _LETTERS[(4 - major_row) * 5 + major_col]
    minor = _LETTERS[(4 - minor_row) * 5 + minor_col]
    return major + minor


@cache
def _to_national_grid() -> Transformer:
    """WGS84 to the National Grid, made once (a Transformer takes about 0.1 s to make; it is safe across threads)."""
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def grid_references(lon: np.ndarray, lat: np.ndarray, digits: int = 8) -> list[str | None]:
    """The grid reference of each point with `digits` figures (4, 6, 8 or 10); None outside Great Britain's grid."""
    if digits not in (4, 6, 8, 10):
        raise ValueError("digits must be 4, 6, 8 or 10")
    east, north = _to_national_grid().transform(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    half = digits // 2
    scale = 10 ** (5 - half)
    out: list[str | None] = []
    for e, n in zip(np.atleast_1d(east), np.atleast_1d(north), strict=True):
        if not (np.isfinite(e) and np.isfinite(n)):
            out.append(None)
            continue
        letters = _square_letters(int(e // 100_000), int(n // 100_000))
        if letters is None:
            out.append(None)
            continue
        e_in, n_in = int(e % 100_000) // scale, int(n % 100_000) // scale
        out.append(f"{letters} {e_in:0{half}d} {n_in:0{half}d}")
    return out


_REFERENCE = re.compile(r"^([A-Z]{2})\s*((?:\d\s*)*)$")


def grid_point(reference: str) -> tuple[float, float]:
    """The easting and northing (metres, EPSG:27700) a grid reference stands for: the centre of the square it names
    (e.g. "NZ 4953 1970", "NZ49531970" or "nz 49 19"; 2 to 10 figures, an even number); ValueError if it is none."""
    text = reference.strip().upper()
    found = _REFERENCE.match(text)
    figures = re.sub(r"\s", "", found.group(2)) if found else ""
    if found is None or len(figures) % 2 or not 2 <= len(figures) <= 10 or found.group(1)[0] not in "HNST":
        raise ValueError(f"not a grid reference: {reference!r} (two letters and 2 to 10 figures, e.g. NZ 4953 1970)")
    letters = found.group(1)
    major, minor = _LETTERS.index(letters[0]), _LETTERS.find(letters[1])
    if minor < 0:
        raise ValueError(f"not a grid reference: {reference!r} (no square {letters})")
    e100 = (major % 5 - 2) * 5 + minor % 5
    n100 = (3 - major // 5) * 5 + 4 - minor // 5
    if _square_letters(e100, n100) != letters:
        raise ValueError(f"not a grid reference: {reference!r} (square {letters} is off the grid)")
    half = len(figures) // 2
    scale = 10 ** (5 - half)
    east = e100 * 100_000 + int(figures[:half]) * scale + scale / 2
    north = n100 * 100_000 + int(figures[half:]) * scale + scale / 2
    return east, north


def circle_around(reference: str, radius_m: float, corners: int = 64) -> list[tuple[float, float]]:
    """A circle of `radius_m` metres around the grid reference's point, as the (longitude, latitude) corners of a
    closed ring in WGS84 (the circle drawn on the National Grid's plane, where a metre is a metre)."""
    east, north = grid_point(reference)
    angles = np.linspace(0, 2 * np.pi, corners, endpoint=False)
    xs, ys = east + radius_m * np.cos(angles), north + radius_m * np.sin(angles)
    lon, lat = _from_national_grid().transform(xs, ys)
    ring = [(round(float(x), 7), round(float(y), 7)) for x, y in zip(lon, lat, strict=True)]
    return [*ring, ring[0]]


@cache
def _from_national_grid() -> Transformer:
    """The National Grid to WGS84, made once."""
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def to_national_grid(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 points as National Grid eastings and northings (metres, EPSG:27700)."""
    east, north = _to_national_grid().transform(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return np.asarray(east, dtype=np.float64), np.asarray(north, dtype=np.float64)


def from_national_grid(east: np.ndarray, north: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """National Grid eastings and northings (metres) as WGS84 longitudes and latitudes."""
    lon, lat = _from_national_grid().transform(np.asarray(east, dtype=np.float64), np.asarray(north, dtype=np.float64))
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
