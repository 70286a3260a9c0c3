"""Repeat places: how many of an area's incidents fall at places that had another incident in the same 12 months,
over rolling windows, beside the share chance alone gives; and the busiest places ranked. No I/O."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

WINDOW = 12  # months
REPEAT_AT = 2  # a place with this many incidents in a window is a repeat place


@dataclass(frozen=True)
class Window:
    """One rolling window's repeat figures."""

    end: int  # the window's last month (its index)
    incidents: int
    places: int  # places with at least one incident
    repeat_places: int
    repeat_incidents: int  # incidents at repeat places

    @property
    def repeat_rate(self) -> float | None:
        """The share of the window's incidents at repeat places (None without incidents)."""
        return self.repeat_incidents / self.incidents if self.incidents else None


def window_counts(place: np.ndarray, month: np.ndarray, n: np.ndarray, end: int, window: int = WINDOW) -> np.ndarray:
    """Incidents per place (indexed 0..) over the `window` months up to month index `end`."""
    inside = (month > end - window) & (month <= end)
    size = int(place.max()) + 1 if len(place) else 0
    return np.bincount(place[inside], weights=n[inside], minlength=size)


def rolling_repeats(
    place: np.ndarray, month: np.ndarray, n: np.ndarray, ends: list[int], window: int = WINDOW
) -> list[Window]:
    """The repeat figures of each window of `window` months ending at each month index in `ends`; records are
    (place index, month index, incidents)."""
    place, month, n = np.asarray(place, int), np.asarray(month, int), np.asarray(n, float)
    out = []
    for end in ends:
        counts = window_counts(place, month, n, end, window)
        repeat = counts >= REPEAT_AT
        out.append(
            Window(
                end=end,
                incidents=int(counts.sum()),
                places=int((counts > 0).sum()),
                repeat_places=int(repeat.sum()),
                repeat_incidents=int(counts[repeat].sum()),
            )
        )
    return out


def chance_repeat_rate(incidents: int, places: int) -> float | None:
    """The share of incidents expected at repeat places if every place had the same Poisson rate (incidents /
    places): an incident is a repeat when its place has at least one other, 1 - exp(-rate) (None: no places)."""
    if not places or not incidents:
        return None
    return 1 - math.exp(-incidents / places)


def ranked_places(counts: np.ndarray, top: int) -> np.ndarray:
    """The indices of the `top` busiest places with at least REPEAT_AT incidents, busiest first (ties by index)."""
    counts = np.asarray(counts, float)
    chosen = np.flatnonzero(counts >= REPEAT_AT)
    order = np.lexsort((chosen, -counts[chosen]))
    return chosen[order][:top]
