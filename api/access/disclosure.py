"""Statistical disclosure control for views below analyst: suppress small counts, perturb and round the rest.

The rule (cell-key method, after the ONS approach for Census 2021 tables):

1. every aggregated row of the store carries a fixed pseudo-random record key; the key of a published count is
   the sum of its records' keys modulo a prime, so the same set of incidents gets the same key whichever query,
   filter or boundary set selects it, and a set that differs by even one incident gets an unrelated key;
2. a count below the threshold (default 10, zero included) is suppressed: it is not published at all;
3. any other count gets a small offset picked by its key (-4 to +4 for rounding to 5: wide enough that a count
   that is already a multiple of 5 can still move to a neighbouring one) and is then rounded to the nearest
   multiple of the base (default 5), never below the threshold;
4. totals, changes and differences are computed from published values, never from raw ones.

Repeating a query returns the same numbers, so averaging repeated answers learns nothing; two overlapping queries
carry unrelated offsets, so subtracting them does not give back a suppressed count.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.store.read import KEY_MODULUS


@dataclass(frozen=True)
class DisclosureRule:
    """Thresholds of the rule: suppression threshold, rounding base, finest hexagon resolution."""

    threshold: int = 10
    base: int = 5
    max_res: int = 8

    @property
    def offsets(self) -> tuple[int, ...]:
        """The offsets a key picks from: -(base - 1) .. +(base - 1)."""
        return tuple(range(-(self.base - 1), self.base))

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


def publish(raw: int, key: int, rule: DisclosureRule) -> int | None:
    """The published value of a count with its cell key: None when suppressed."""
    if raw < rule.threshold:
        return None
    offsets = rule.offsets
    value = raw + offsets[_mix(key) % len(offsets)]
    rounded = rule.base * math.floor(value / rule.base + 0.5)
    return max(rounded, rule.floor)


NOTE = (
    "disclosure control: counts below the threshold are suppressed (null); others are perturbed by a fixed amount "
    "per set of incidents and rounded; changes are differences of published counts; no significance tests are "
    "published at this level"
)


class Published:
    """The figures strategy for views below analyst: every count and total goes through `publish`."""

    exact = False
    note = NOTE

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
            "suppressed_below": self.rule.threshold,
            "rounded_to": self.rule.base,
            "rule": "cell-key perturbation, suppression and rounding (README: disclosure control)",
        }
