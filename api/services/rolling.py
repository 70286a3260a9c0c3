"""Patrol selection scored on rolling origins: every month from the 6th held on as the test month, several plan sizes,
resolutions and crime types, each time against the strongest simple baseline of that case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from api.services.caches import Caches
from api.services.evaluation import KDE_BANDWIDTH_M
from api.services.filters import resolve_filters
from api.services.patrol import area_model
from api.services.study_area import StudyArea
from geo.evaluate import BASELINES, score_split
from geo.forecast import quartic_kernel
from ingest.store.connection import Connection

CATEGORIES = ("asb", "criminal-damage-arson", "violence-sexual")
SIZES: tuple[int | float, ...] = (10, 0.01, 0.025, 0.05, 0.10)  # an int is a number of cells, a float a share
FIRST_TEST_MONTH = 6  # the first origin tests the 6th month held, trained on the 5 before


@dataclass(frozen=True)
class Case:
    """One origin, size, resolution and crime type in one area: AIM's PAI against the best baseline's."""

    area: str
    res: int
    category: str
    test_month: str
    size: str
    aim_pai: float
    best_baseline: str
    best_pai: float
    model: str
    baseline_pai: tuple[float, ...]  # each baseline's PAI, in BASELINES order

    @property
    def ratio(self) -> float | None:
        """AIM's PAI over the best baseline's (None when no baseline hit anything)."""
        return self.aim_pai / self.best_pai if self.best_pai else None


def _coverage(size: int | float, area_km2: np.ndarray) -> tuple[str, float]:
    if isinstance(size, int):
        return f"{size} cells", min(size * float(area_km2.mean()) / float(area_km2.sum()), 1.0)
    return f"{size:.1%}", float(size)


def rolling_cases(
    con: Connection,
    areas: list[StudyArea],
    start: date,
    end: date,
    caches: Caches,
    resolutions: tuple[int, ...] = (8, 9),
    categories: tuple[str, ...] = CATEGORIES,
    sizes: tuple[int | float, ...] = SIZES,
) -> list[Case]:
    """Every case: fit on the months before each test month from the 6th on (the forecast's own validation sees
    only those months), select cells at each size, score on the test month."""
    cases = []
    for category in categories:
        filters = resolve_filters(con, start=start, end=end, categories=(category,), sources=())
        for area in areas:
            for res in resolutions:
                m = area_model(con, filters, area, res, caches.wards, caches.lattices)
                kde = quartic_kernel(m.distances, KDE_BANDWIDTH_M)
                for t in range(FIRST_TEST_MONTH - 1, len(m.months)):
                    train, test = m.counts[:, :t], m.counts[:, t : t + 1]
                    if test.sum() == 0 or train.sum() == 0:
                        continue
                    context = None if m.context is None else m.context[:, :t]
                    for size in sizes:
                        label, coverage = _coverage(size, m.area_km2)
                        model, scores, best = score_split(
                            train, test, context, m.kernels, kde, m.area_km2, coverage, random_draws=1
                        )
                        cases.append(
                            Case(
                                area.name,
                                res,
                                category,
                                f"{m.months[t]:%Y-%m}",
                                label,
                                scores["aim"].pai,
                                best,
                                scores[best].pai,
                                model.describe(),
                                tuple(scores[b].pai for b in BASELINES),
                            )
                        )
    return cases


def distribution(ratios: list[float]) -> dict[str, Any]:
    """How AIM's PAI compares with the best baseline's over cases: count, quantiles, mean, shares below 1 and 0.97."""
    r = np.asarray(ratios, dtype=np.float64)
    if not len(r):
        return {"cases": 0}
    return {
        "cases": len(r),
        "min": round(float(r.min()), 3),
        "p5": round(float(np.quantile(r, 0.05)), 3),
        "median": round(float(np.median(r)), 3),
        "mean": round(float(r.mean()), 3),
        "wins": round(float((r > 1 + 1e-9).mean()), 3),
        "below_1": round(float((r < 1 - 1e-9).mean()), 3),
        "below_0.97": int((r < 0.97).sum()),
    }


def summarise(cases: list[Case]) -> dict[str, Any]:
    """The distribution over every case, per crime type and resolution, per size, and the worst cases."""
    usable = [c for c in cases if c.ratio is not None]
    groups: dict[str, list[float]] = {}
    for c in usable:
        for key in (f"{c.category} res {c.res}", f"size {c.size}", f"{c.area}"):
            groups.setdefault(key, []).append(float(c.ratio))  # type: ignore[arg-type]
    worst = sorted(usable, key=lambda c: float(c.ratio))[:10]  # type: ignore[arg-type]
    return {
        "all": distribution([float(c.ratio) for c in usable]),  # type: ignore[arg-type]
        "groups": {k: distribution(v) for k, v in sorted(groups.items())},
        "worst": [
            {
                "area": c.area,
                "res": c.res,
                "category": c.category,
                "test_month": c.test_month,
                "size": c.size,
                "ratio": round(float(c.ratio), 3),  # type: ignore[arg-type]
                "best_baseline": c.best_baseline,
                "model": c.model,
            }
            for c in worst
        ],
        "best_baselines": {b: sum(c.best_baseline == b for c in usable) for b in BASELINES},
        "against_each": {
            b: distribution([c.aim_pai / c.baseline_pai[i] for c in usable if c.baseline_pai[i]])
            for i, b in enumerate(BASELINES)
        },
    }
