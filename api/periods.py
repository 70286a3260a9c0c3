"""Parse month spans (`2025-01:2025-09`) and coverage shares (`5%`) given on the command line or in a query."""

from __future__ import annotations

import re
from datetime import date

from api.errors import ParameterError

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
