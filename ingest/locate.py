"""Where a council export's row happened: the profile's location fields tried in order until one places it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ingest.geocode import normalise_postcode
from ingest.places import Places
from ingest.profiles import Profile, normalise_label
from ingest.schema import LocationPrecision
from ingest.validate import RowError, coordinate_problem

WARD_CODE = re.compile(r"^[EWSN]05\d{6}$")
BNG_E, BNG_N = (0.0, 700_000.0), (0.0, 1_300_000.0)
KINDS = {"lonlat": "coordinates", "grid": "grid reference", "postcode": "postcode", "ward": "ward"}

Getter = Callable[[list[str]], str]
Point = tuple[float, float, LocationPrecision]


@dataclass
class Located:
    """A row's place: a point (lon/lat, or easting/northing while `grid`), its precision, and the recorded ward."""

    lon: float | None
    lat: float | None
    precision: LocationPrecision
    ward: str | None
    grid: bool = False  # lon/lat still hold easting/northing, converted in one batch


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if np.isfinite(value) else None


class Locator:
    """Place a row with the first of the profile's location methods that works; RowError names the first problem."""

    def __init__(self, profile: Profile, places: Places, get: dict[str, Getter]) -> None:
        self.order = profile.location.order
        self.places = places
        self.get = get
        self.cols = profile.columns
        given = [KINDS[m] for m in self.order]
        listed = given[0] if len(given) == 1 else f"{', '.join(given[:-1])} and {given[-1]}"
        self.blank = f"no location: {listed} {'is' if len(given) == 1 else 'are all'} blank"

    def ward(self, text: str) -> str:
        """The ward code a ward code or name stands for."""
        if WARD_CODE.match(text.upper()):
            if text.upper() not in self.places.ward_codes:
                raise RowError(f"ward code {text!r} is not in any loaded boundary set")
            return text.upper()
        codes = self.places.ward_by_name.get(normalise_label(text))
        if not codes:
            raise RowError(f"ward {text!r} is neither a ward code nor the name of a loaded ward")
        if len(codes) > 1:
            raise RowError(f"ward name {text!r} is ambiguous ({', '.join(codes)}): give the ward code")
        return codes[0]

    def _point(self, method: str, row: list[str]) -> Point | None:
        if method == "lonlat" and self.cols.longitude:
            return self._lonlat(self.get["longitude"](row), self.get["latitude"](row))
        if method == "grid" and self.cols.easting:
            return self._grid(self.get["easting"](row), self.get["northing"](row))
        if method == "postcode" and self.cols.postcode:
            return self._postcode(self.get["postcode"](row))
        return None

    def __call__(self, row: list[str]) -> Located:
        """Where the row happened."""
        first_problem: str | None = None
        ward_text = self.get["ward"](row)
        for method in self.order:
            try:
                if method == "ward":
                    if self.cols.ward and ward_text:
                        return Located(None, None, LocationPrecision.WARD, self.ward(ward_text))
                    continue
                got = self._point(method, row)
            except RowError as exc:
                first_problem = first_problem or str(exc)
                continue
            if got is not None:
                return Located(got[0], got[1], got[2], self._recorded_ward(ward_text), grid=method == "grid")
        raise RowError(first_problem or self.blank)

    def _recorded_ward(self, text: str) -> str | None:
        if not text:
            return None
        try:
            return self.ward(text)
        except RowError:
            return None

    @staticmethod
    def _lonlat(lon_text: str, lat_text: str) -> Point | None:
        if not lon_text and not lat_text:
            return None
        lon, lat = _number(lon_text), _number(lat_text)
        if lon is None or lat is None:
            raise RowError(f"longitude/latitude {lon_text!r}, {lat_text!r} are not numbers")
        problem = coordinate_problem(lon, lat, lon_text, lat_text)
        if problem:
            raise RowError(problem)
        return lon, lat, LocationPrecision.POINT

    @staticmethod
    def _grid(e_text: str, n_text: str) -> Point | None:
        if not e_text and not n_text:
            return None
        e, n = _number(e_text), _number(n_text)
        if e is None or n is None:
            raise RowError(f"easting/northing {e_text!r}, {n_text!r} are not numbers")
        if e == 0 and n == 0:
            return None  # exports write 0,0 for "not recorded"
        if not (BNG_E[0] < e < BNG_E[1] and BNG_N[0] < n < BNG_N[1]):
            raise RowError(f"easting/northing {e_text}, {n_text} are outside the British National Grid")
        return e, n, LocationPrecision.POINT  # converted to lon/lat in one batch later (marked by grid)

    def _postcode(self, text: str) -> Point | None:
        if not text:
            return None
        code = normalise_postcode(text)
        if code is None:
            raise RowError(f"postcode {text!r} is not a valid UK postcode")
        found = self.places.postcodes.locate(code)
        if found is None:
            raise RowError(f"postcode {text!r} is not in the postcode lookup")
        return found[0], found[1], LocationPrecision.POSTCODE
