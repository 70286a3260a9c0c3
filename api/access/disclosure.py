"""Statistical disclosure control for views below analyst: published tables, perturbed before they are suppressed.

What a caller below analyst may count is a fixed set of published tables (api.access.tables): police.uk data
(already public, counted as it is) or every council source together (never the two summed), whole ASB category
groups, whole months, quarters and years, whole wards and hexagons. The council table's counts go through the
cell-key method (after the ONS approach for Census 2021 tables):

1. every aggregated row of the store carries a record key, a keyed hash of the row under a secret drawn for each
   store when it is created (ingest.store.write.keys); the key of a count is the sum of its records' keys modulo a
   prime, so the same set of incidents gets the same key whichever query selects it, a set that differs by one
   incident gets an unrelated key, and nobody without the store's secret can compute a key;
2. the key picks an offset from the p-table (-4 to +4, each with probability 1/9), which is added to the count
   FIRST; then
3. a perturbed count below the threshold (default 10) is suppressed, and any other is rounded to the nearest
   multiple of the base (default 5), never below the threshold.

Because the offset is added before the publish/suppress decision, "published or suppressed" is not an oracle on
the raw count: a raw count of 6 to 13 may go either way, decided by a key nobody below analyst can compute.
Repeating a query returns the same numbers, so averaging learns nothing; totals, changes and differences are
computed from published values; docs/who-sees-what.md gives the recovery rates of the attacks the tests run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from api.services.figures import FINEST_RES
from ingest.store.read import KEY_MODULUS

OFFSETS = tuple(range(-4, 5))  # the p-table: each offset with probability 1 / 9, the key picks one


@dataclass(frozen=True)
class DisclosureRule:
    """Thresholds of the rule, the finest hexagon resolution, and the sources whose data are already public."""

    threshold: int = 10
    base: int = 5
    max_res: int = 8
    open_sources: tuple[str, ...] = ("police",)

    def __post_init__(self) -> None:
        if self.threshold <= max(OFFSETS):
            raise ValueError(f"the threshold must exceed the largest offset ({max(OFFSETS)}): zeros stay hidden")
        if self.base < 1:
            raise ValueError("the rounding base must be at least 1")

    @property
    def floor(self) -> int:
        """The smallest published value: the threshold rounded up to the base."""
        return self.base * math.ceil(self.threshold / self.base)


def _mix(key: int) -> int:
    """Spread a cell key's bits (a 64-bit finaliser) so its offset does not follow its low digits."""
    x = (key * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x ^= x >> 31
    x = (x * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 29)


def offset(key: int) -> int:
    """The p-table offset a cell key picks."""
    return OFFSETS[_mix(key) % len(OFFSETS)]


def publish(raw: int, key: int, rule: DisclosureRule) -> int | None:
    """The published value of a count with its cell key: perturbed, then suppressed (None) or rounded."""
    return published_value(raw, offset(key), rule)


def published_value(raw: int, shift: int, rule: DisclosureRule) -> int | None:
    """The published value of a count given the offset its key picks: suppressed (None) or rounded."""
    value = raw + shift if raw > 0 else 0  # an empty set has no records, hence no key: it stays hidden
    if value < rule.threshold:
        return None
    rounded = rule.base * math.floor(value / rule.base + 0.5)
    return max(rounded, rule.floor)


NOTE = (
    "disclosure control: council records are published as fixed tables (every council source together, whole ASB "
    "groups, months, quarters or years, whole wards and hexagons); each count is perturbed by a fixed amount per "
    "set of records, then suppressed (null) below the threshold or rounded; changes are differences of published "
    "counts; no significance tests are published at this level"
)
OPEN_NOTE = "open data: police.uk counts as data.police.uk publishes them, never summed with council records"


class Published:
    """The figures strategy for the council table below analyst: every count and total goes through `publish`."""

    exact = False
    note = NOTE
    sources_as = ("council",)  # the table, not the sources a deployment holds in it: not told below analyst

    def __init__(self, rule: DisclosureRule) -> None:
        self.rule = rule

    @property
    def max_res(self) -> int:
        """The finest hexagons published."""
        return self.rule.max_res

    def count(self, raw: int, key: int) -> int | None:
        """The published value of one count."""
        return publish(raw, key, self.rule)

    def total(self, parts: Iterable[tuple[int, int]]) -> int | None:
        """The published value of a union of counts: raw counts added, keys added (the key of the union)."""
        items = list(parts)
        return publish(sum(n for n, _ in items), sum(k for _, k in items) % KEY_MODULUS, self.rule)

    def describe(self) -> dict[str, object] | None:
        """The rule as echoed in responses."""
        return {
            "table": "council",
            "suppressed_below": self.rule.threshold,
            "rounded_to": self.rule.base,
            "rule": "cell-key perturbation (secret keys), then suppression and rounding (docs/who-sees-what.md)",
        }


class OpenFigures:
    """The figures strategy for open data below analyst: counts as they are, at published resolutions only."""

    exact = True
    note = OPEN_NOTE
    sources_as = None  # open data, named as published

    def __init__(self, rule: DisclosureRule) -> None:
        self.rule = rule

    @property
    def max_res(self) -> int:
        """The finest hexagons published below analyst."""
        return min(self.rule.max_res, FINEST_RES)

    def count(self, raw: int, key: int) -> int | None:
        """The count itself: the data are public."""
        return raw

    def total(self, parts: Iterable[tuple[int, int]]) -> int | None:
        """The sum of the counts."""
        return sum(n for n, _ in parts)

    def describe(self) -> dict[str, object] | None:
        """The table as echoed in responses."""
        return {"table": "open", "rule": OPEN_NOTE}
