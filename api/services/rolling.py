"""Patrol selection scored on rolling origins: every month from the 6th on as an origin, horizons of one and three
months, several plan sizes, resolutions and crime types; AIM's PAI and PEI beside each simple baseline's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from api.services.caches import Caches
from api.services.evaluation import KDE_BANDWIDTH_M
from api.services.filters import resolve_filters
from api.services.patrol import AreaModel, area_model
from api.services.rolling_baselines import BASELINES, baseline_scores, plan_cells, validated_baseline
from api.services.study_area import StudyArea
from geo.forecast import fit_forecast, quartic_kernel
from geo.pei import best_capture, pei
from geo.stacked import stacked_rate
from ingest.store.connection import Connection

# chosen before any figure was looked at: the design splits are every other force and category
HELD_OUT_FORCE = "Suffolk"
HELD_OUT_CATEGORY = "public-order"
CATEGORIES = ("asb", "criminal-damage-arson", "violence-sexual", "burglary", "vehicle-crime", HELD_OUT_CATEGORY)
SIZES: tuple[int | float, ...] = (10, 25, 0.01, 0.05, 0.10)  # an int is a number of cells, a float a share
HORIZONS = (1, 3)
FIRST_ORIGIN = 6  # the first origin forecasts the 6th month held, trained on the 5 before

Forecaster = Callable[[AreaModel, np.ndarray, "np.ndarray | None", float, int], np.ndarray]


def aim_forecast(
    m: AreaModel, train: np.ndarray, context: np.ndarray | None, coverage: float, horizon: int
) -> np.ndarray:
    """AIM's plan score: the forecast fitted on the training months alone (validated on windows of the horizon)."""
    model = fit_forecast(train, m.kernels, m.area_km2, coverage, holdout=horizon, context=context)
    return model.monthly_rate(train, m.kernels, context)


def stacked_forecast(
    m: AreaModel, train: np.ndarray, context: np.ndarray | None, coverage: float, horizon: int
) -> np.ndarray:
    """The stacked candidate: simple rates, near-repeat and other crime blended by weights fitted on rolling
    validation (not the product's plan: it did not beat AIM's forecast on the design splits)."""
    return stacked_rate(train, m.kernels, context, horizon)


FORECASTS: dict[str, Forecaster] = {"aim": aim_forecast, "stacked": stacked_forecast}


@dataclass(frozen=True)
class Case:
    """One force, resolution, crime type, origin, horizon and plan size: the PAI and PEI of AIM's plan and of each
    baseline's (BASELINES order), and the baseline a rolling validation on the training months picks."""

    force: str
    res: int
    category: str
    origin: str
    horizon: int
    size: str
    cells: int
    aim_pai: float
    aim_pei: float
    baseline_pai: tuple[float, ...]
    baseline_pei: tuple[float, ...]
    validated: str

    @property
    def cluster(self) -> tuple[str, str, str]:
        """Cases sharing a force, crime type and origin share their test months' luck."""
        return (self.force, self.category, self.origin)

    @property
    def held_out(self) -> str:
        """Which held-out split the case belongs to: design, force, category, or both."""
        force, category = self.force == HELD_OUT_FORCE, self.category == HELD_OUT_CATEGORY
        return "both" if force and category else "force" if force else "category" if category else "design"

    def pai(self, baseline: str) -> float:
        """A baseline's PAI in this case."""
        return self.baseline_pai[BASELINES.index(baseline)]


def size_label(size: int | float) -> str:
    """A plan size as the tables name it."""
    return f"{size} cells" if isinstance(size, int) else f"{size:.1%}"


def coverage(size: int | float, area_km2: np.ndarray) -> float:
    """The share of the area a plan size takes (a number of cells: as many average cells)."""
    if isinstance(size, int):
        return min(size * float(area_km2.mean()) / float(area_km2.sum()), 1.0)
    return float(size)


def _scored(
    score: np.ndarray, m: AreaModel, size: int | float, tiebreak: np.ndarray, test: np.ndarray, best: float
) -> tuple[int, float, float]:
    chosen = plan_cells(score, m.area_km2, size, tiebreak)
    hits, total = float(test[chosen].sum()), float(test.sum())
    share = float(m.area_km2[chosen].sum() / m.area_km2.sum())
    return len(chosen), (hits / total) / share if share and total else 0.0, pei(hits, best)


def area_cases(
    m: AreaModel,
    force: str,
    res: int,
    category: str,
    horizons: tuple[int, ...] = HORIZONS,
    sizes: tuple[int | float, ...] = SIZES,
    forecast: Forecaster = aim_forecast,
) -> list[Case]:
    """Every origin, horizon and size of one area model: train on the months before the origin, test on the
    `horizon` months from it."""
    kde = quartic_kernel(m.distances, KDE_BANDWIDTH_M)
    cases = []
    for horizon in horizons:
        for t in range(FIRST_ORIGIN - 1, len(m.months) - horizon + 1):
            train, test = m.counts[:, :t], m.counts[:, t : t + horizon].sum(axis=1)
            if test.sum() == 0 or train.sum() == 0:
                continue
            context = None if m.context is None else m.context[:, :t]
            tiebreak = train.sum(axis=1)
            for size in sizes:
                cells = size if isinstance(size, int) else None
                budget = None if cells is not None else float(size) * float(m.area_km2.sum())
                best = best_capture(test, m.area_km2, cells=cells, budget_km2=budget)
                score = forecast(m, train, context, coverage(size, m.area_km2), horizon)
                aim = _scored(score, m, size, tiebreak, test, best)
                scored = [_scored(s, m, size, tiebreak, test, best) for s in baseline_scores(train, kde).values()]
                cases.append(
                    Case(
                        force,
                        res,
                        category,
                        f"{m.months[t]:%Y-%m}",
                        horizon,
                        size_label(size),
                        aim[0],
                        aim[1],
                        aim[2],
                        tuple(s[1] for s in scored),
                        tuple(s[2] for s in scored),
                        validated_baseline(train, kde, m.area_km2, size, horizon),
                    )
                )
    return cases


def rolling_cases(
    con: Connection,
    areas: list[StudyArea],
    start: date,
    end: date,
    caches: Caches,
    resolutions: tuple[int, ...] = (8, 9),
    categories: tuple[str, ...] = CATEGORIES,
    horizons: tuple[int, ...] = HORIZONS,
    sizes: tuple[int | float, ...] = SIZES,
    forecast: Forecaster = aim_forecast,
) -> list[Case]:
    """Every case of every crime type, area and resolution over the months from start to end."""
    cases = []
    for category in categories:
        filters = resolve_filters(con, start=start, end=end, categories=(category,), sources=())
        for area in areas:
            for res in resolutions:
                m = area_model(con, filters, area, res, caches.wards, caches.lattices)
                cases += area_cases(m, area.name, res, category, horizons, sizes, forecast)
    return cases
