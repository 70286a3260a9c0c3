"""Parse the text parameters both interfaces take: month spans, coverage shares, bounding boxes."""

from __future__ import annotations

import re
from datetime import date

from api.services.errors import ParameterError

MAX_BBOX_DEGREES = 15.0
SPAN = re.compile(r"^((?:19|20|21)\d{2})-(0[1-9]|1[0-2])(?::((?:19|20|21)\d{2})-(0[1-9]|1[0-2]))?$")


def parse_span(text: str, name: str) -> tuple[date, date]:
    """(first month, last month) of 'YYYY-MM:YYYY-MM' (or one month 'YYYY-MM')."""
    m = SPAN.match(text.strip())
    if not m:
        raise ParameterError(name, f"{text!r} is not a month span like 2025-01:2025-09")
    start = date(int(m.group(1)), int(m.group(2)), 1)
    end = date(int(m.group(3)), int(m.group(4)), 1) if m.group(3) else start
    if end < start:
        raise ParameterError(name, f"{text!r} ends before it starts")
    return start, end


def parse_coverage(text: str) -> float:
    """A share of the area from '5%' or '5' (per cent), between 0.1% and 50%."""
    value = text.strip().removesuffix("%")
    try:
        share = float(value) / 100
    except ValueError:
        raise ParameterError("coverage", f"{text!r} is not a percentage like 5%") from None
    if not 0.001 <= share <= 0.5:
        raise ParameterError("coverage", f"{text!r}: coverage must be between 0.1% and 50%")
    return share


def check_split(train: tuple[date, date], test: tuple[date, date]) -> None:
    """Training months must come before the test months."""
    if test[0] <= train[1]:
        raise ParameterError("test", "the test months must come after the training months")


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """Parse minlon,minlat,maxlon,maxlat into a validated WGS84 box."""
    if text is None:
        return None
    parts = text.split(",")
    try:
        if len(parts) != 4:
            raise ValueError
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError as exc:
        raise ParameterError("bbox", "expected four numbers: minlon,minlat,maxlon,maxlat") from exc
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise ParameterError("bbox", "longitudes must be within -180..180 and latitudes within -90..90")
    if minlon >= maxlon or minlat >= maxlat:
        raise ParameterError("bbox", "min values must be smaller than max values (minlon,minlat,maxlon,maxlat)")
    if maxlon - minlon > MAX_BBOX_DEGREES or maxlat - minlat > MAX_BBOX_DEGREES:
        raise ParameterError("bbox", f"a box at most {MAX_BBOX_DEGREES} degrees wide and tall, please (the UK fits)")
    return minlon, minlat, maxlon, maxlat
