"""How concentrated incidents are across places: the Lorenz curve, the share of places holding a share of the
incidents, the Gini, the generalized Gini for sparse data (Bernasco & Steenbeek 2017) and its unbiased form, a
Poisson-baseline Gini (the concentration expected by chance) and seeded bootstrap intervals. No I/O."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BOOTSTRAP_DRAWS = 200
BASELINE_DRAWS = 200
LEVEL = 0.95


def _counts(counts: np.ndarray | list[int] | list[float]) -> np.ndarray:
    """The counts as a float array, ValueError when any is negative or missing."""
    x = np.asarray(counts, dtype=float)
    if x.ndim != 1 or np.isnan(x).any() or (x < 0).any():
        raise ValueError("counts must be one non-negative number per place")
    return x


def lorenz(counts: np.ndarray | list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The concentration (Lorenz) curve, places ranked busiest first: (share of places, share of incidents), from
    (0, 0) to (1, 1), one point per place."""
    x = _counts(counts)
    ranked = np.sort(x)[::-1]
    total = ranked.sum()
    places = np.arange(len(x) + 1) / max(len(x), 1)
    held = np.concatenate([[0.0], np.cumsum(ranked)]) / total if total else np.zeros(len(x) + 1)
    return places, held


def lorenz_at(counts: np.ndarray | list[int], shares: np.ndarray | list[float]) -> np.ndarray:
    """The share of incidents held by the busiest `shares` of places (the curve interpolated between places)."""
    places, held = lorenz(counts)
    return np.interp(np.asarray(shares, dtype=float), places, held)


def places_holding(counts: np.ndarray | list[int], share: float) -> float | None:
    """The smallest share of places (busiest first) that holds at least `share` of the incidents (None: none)."""
    x = _counts(counts)
    total = x.sum()
    if not total:
        return None
    held = np.cumsum(np.sort(x)[::-1]) / total
    k = int(np.searchsorted(held, share - 1e-12)) + 1
    return k / len(x)


def gini_rows(matrix: np.ndarray) -> np.ndarray:
    """The (biased, standard) Gini of each row of counts (NaN for a row without incidents)."""
    m = np.sort(np.atleast_2d(np.asarray(matrix, dtype=float)), axis=1)
    n = m.shape[1]
    totals = m.sum(axis=1)
    weighted = m @ np.arange(1, n + 1, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, (2 * weighted / totals - (n + 1)) / n, np.nan)


def gini(counts: np.ndarray | list[int], unbiased: bool = False) -> float:
    """The Gini coefficient of the counts (DescTools::Gini): biased, or times n/(n-1) when unbiased."""
    x = _counts(counts)
    g = float(gini_rows(x)[0])
    return g * len(x) / (len(x) - 1) if unbiased and len(x) > 1 else g


def generalize(g: float | np.ndarray, places: int, incidents: float | np.ndarray) -> float | np.ndarray:
    """The generalized Gini for sparse data, G' = max(1, places/incidents)(G - 1) + 1 (Bernasco & Steenbeek 2017):
    with fewer incidents than places, perfect equality is every incident at a place of its own."""
    return np.maximum(1.0, places / np.asarray(incidents, dtype=float)) * (g - 1) + 1


def generalized_gini(counts: np.ndarray | list[int], unbiased: bool = False) -> float | None:
    """The generalized Gini G' of the counts; unbiased: times m/(m-1), m = min(places, incidents) (lorenzgini)."""
    x = _counts(counts)
    n, c = len(x), float(x.sum())
    if not c:
        return None
    g = float(generalize(gini(x), n, c))
    if not unbiased:
        return g
    m = min(n, c)
    return g * m / (m - 1) if m > 1 else None


def poisson_gini(places: int, incidents: float, draws: int = BASELINE_DRAWS, seed: int = 0) -> float | None:
    """The mean Gini of counts drawn at random from one Poisson rate (incidents / places) for every place: the
    concentration chance alone gives (None without incidents)."""
    if not places or not incidents:
        return None
    rng = np.random.default_rng(seed)
    drawn = rng.poisson(incidents / places, size=(draws, places))
    return float(np.nanmean(gini_rows(drawn)))


def beyond_chance(g: float, baseline: float) -> float:
    """The share of the concentration that is beyond chance: (G - G_Poisson) / (1 - G_Poisson) (0: as chance gives;
    1: every incident at one place; below 0: more even than chance)."""
    return (g - baseline) / (1 - baseline) if baseline < 1 else 0.0


@dataclass(frozen=True)
class Interval:
    """A bootstrap percentile interval."""

    low: float
    high: float


@dataclass(frozen=True)
class Concentration:
    """How concentrated the incidents of a set of places are, with bootstrap intervals over the places."""

    places: int
    incidents: int
    places_with_incidents: int
    half: float | None  # the share of places holding 50% of the incidents (busiest first)
    places_half: int | None  # how many places that is
    quarter: float | None  # ... and 25%
    gini: float | None
    generalized: float | None  # G', biased
    generalized_unbiased: float | None
    poisson_gini: float | None  # the Gini expected by chance (one Poisson rate for every place)
    beyond_chance: float | None
    intervals: dict[str, Interval]  # by figure: gini, generalized, generalized_unbiased, beyond_chance


def _bootstrap(x: np.ndarray, baseline: float | None, draws: int, seed: int, level: float) -> dict[str, Interval]:
    """Percentile intervals of the Gini figures over the places resampled with replacement (seeded)."""
    n = len(x)
    rng = np.random.default_rng(seed)
    sample = x[rng.integers(0, n, size=(draws, n))]
    totals = sample.sum(axis=1)
    g = gini_rows(sample)
    keep = totals > 0
    g, totals = g[keep], totals[keep]
    if not len(g):
        return {}
    gen = np.asarray(generalize(g, n, totals))
    m = np.minimum(n, totals)
    with np.errstate(invalid="ignore", divide="ignore"):
        unbiased = np.where(m > 1, gen * m / (m - 1), np.nan)
    figures = {"gini": g, "generalized": gen, "generalized_unbiased": unbiased}
    if baseline is not None and baseline < 1:
        figures["beyond_chance"] = (g - baseline) / (1 - baseline)
    tail = (1 - level) / 2 * 100
    out = {}
    for name, values in figures.items():
        values = values[~np.isnan(values)]
        if len(values):
            low, high = np.percentile(values, [tail, 100 - tail])
            out[name] = Interval(float(low), float(high))
    return out


def concentration(
    counts: np.ndarray | list[int],
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = 0,
    level: float = LEVEL,
    baseline_draws: int = BASELINE_DRAWS,
) -> Concentration:
    """Every concentration figure of the counts (one per place, zeros included), with seeded bootstrap intervals."""
    x = _counts(counts)
    n, c = len(x), float(x.sum())
    g = gini(x) if c else None
    half = places_holding(x, 0.5)
    baseline = poisson_gini(n, c, baseline_draws, seed) if c else None
    return Concentration(
        places=n,
        incidents=int(c),
        places_with_incidents=int((x > 0).sum()),
        half=half,
        places_half=None if half is None else round(half * n),
        quarter=places_holding(x, 0.25),
        gini=g,
        generalized=generalized_gini(x),
        generalized_unbiased=generalized_gini(x, unbiased=True),
        poisson_gini=baseline,
        beyond_chance=beyond_chance(g, baseline) if g is not None and baseline is not None else None,
        intervals=_bootstrap(x, baseline, draws, seed, level) if c and n > 1 and draws else {},
    )
