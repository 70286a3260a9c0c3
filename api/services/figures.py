"""How counts leave a service: exact, or through a disclosure strategy that access control supplies.

Every count a service publishes goes through `Figures.count` (one count and its cell key) or `Figures.total` (a
sum of counts and their keys). Services never ask who the caller is: the access layer picks the strategy once per
request (api.access.disclosure.Published for views below analyst) and services apply it to every count they hand
out. `exact` says whether significance tests and fine detail may be published with the counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from api.services.errors import ParameterError

FINEST_RES = 15


class Figures(Protocol):
    """A way of publishing counts."""

    @property
    def exact(self) -> bool:
        """True when counts are published as they are (tests, precision and weekly detail allowed)."""
        ...

    @property
    def max_res(self) -> int:
        """The finest H3 resolution whose counts may be published."""
        ...

    @property
    def note(self) -> str | None:
        """What a reader of the published counts must know (None for exact figures)."""
        ...

    def count(self, raw: int, key: int) -> int | None:
        """The published value of one count with its cell key (None: not published)."""
        ...

    def total(self, parts: Iterable[tuple[int, int]]) -> int | None:
        """The published value of a sum of (count, key) parts."""
        ...

    def describe(self) -> dict[str, object] | None:
        """The rule as echoed in responses (None for exact figures)."""
        ...

    @property
    def sources_as(self) -> tuple[str, ...] | None:
        """How the sources counted are named in responses (None: each by its name)."""
        ...


class ExactFigures:
    """Counts as they are: the analyst's view, and a partner's view of its own sources."""

    exact = True
    max_res = FINEST_RES
    note = None
    sources_as = None

    def count(self, raw: int, key: int) -> int | None:
        """The count itself."""
        return raw

    def total(self, parts: Iterable[tuple[int, int]]) -> int | None:
        """The sum of the counts."""
        return sum(n for n, _ in parts)

    def describe(self) -> dict[str, object] | None:
        """Nothing to echo: exact figures."""
        return None


EXACT = ExactFigures()


def check_resolution(figures: Figures, res: int, parameter: str) -> None:
    """Refuse hexagons finer than the figures may be published at."""
    if res > figures.max_res:
        raise ParameterError(
            parameter, f"hexagons finer than resolution {figures.max_res} need an analyst or partner token"
        )
