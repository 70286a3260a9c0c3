"""How well a selection of cells anticipates where incidents happen next: hit rate, PAI and RRI, and baselines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from geo.forecast import ForecastModel, fit_forecast, select_cells


@dataclass(frozen=True)
class Scores:
    """Hit rate (share of test incidents in the selected cells), Predictive Accuracy Index (Chainey, Tompson & Uhlig
    2008: hit rate / share of area) and Recapture Rate Index (Levine 2008: (test/train in the cells) / (test/train
    overall))."""

    cells: int
    area_share: float
    hit_rate: float
    pai: float
    rri: float | None


def score(selected: np.ndarray, area_km2: np.ndarray, train: np.ndarray, test: np.ndarray) -> Scores:
    """Scores of selected cells given per-cell train and test totals."""
    area_share = float(area_km2[selected].sum() / area_km2.sum()) if area_km2.sum() else 0.0
    test_total, train_total = float(test.sum()), float(train.sum())
    hits, before = float(test[selected].sum()), float(train[selected].sum())
    hit_rate = hits / test_total if test_total else 0.0
    pai = hit_rate / area_share if area_share else 0.0
    rri = (hits / before) / (test_total / train_total) if before and test_total and train_total else None
    return Scores(len(selected), area_share, hit_rate, pai, rri)


Method = Callable[[np.ndarray], np.ndarray]


def methods(
    model: ForecastModel,
    kernels: dict[float, sp.csr_matrix],
    kde: sp.csr_matrix,
    test_months: int,
    context: np.ndarray | None = None,
) -> dict[str, Method]:
    """Scoring functions over training counts (cells x months): AIM's forecast (with the training months' context,
    if any) and the simple baselines it must beat: counts over the whole training window, over its last 3 months and
    over its last `test_months` (the previous period), and a quartic kernel density surface of all training
    incidents."""
    return {
        "aim": lambda c: model.monthly_rate(c, kernels, context),
        "training_window": lambda c: c.sum(axis=1),
        "last_3_months": lambda c: c[:, -3:].sum(axis=1),
        "previous_period": lambda c: c[:, -test_months:].sum(axis=1),
        "kde": lambda c: kde @ c.sum(axis=1),
    }


BASELINES = ("training_window", "last_3_months", "previous_period", "kde")


def evaluate(
    train: np.ndarray,
    test: np.ndarray,
    area_km2: np.ndarray,
    coverage: float,
    scorers: dict[str, Method],
    random_draws: int = 200,
    seed: int = 2008,
) -> dict[str, Scores]:
    """Each method's scores when it picks the cells covering `coverage` of the area from train (cells x months),
    judged on test (cells x months); plus a random pick, averaged over draws."""
    budget = coverage * float(area_km2.sum())
    train_total, test_total = train.sum(axis=1), test.sum(axis=1)
    out = {}
    for name, method in scorers.items():
        chosen = select_cells(method(train), area_km2, budget_km2=budget, tiebreak=train_total)
        out[name] = score(chosen, area_km2, train_total, test_total)
    n = out[next(iter(out))].cells if out else int(round(coverage * len(area_km2)))
    rng = np.random.default_rng(seed)
    draws = [
        score(rng.choice(len(area_km2), n, replace=False), area_km2, train_total, test_total)
        for _ in range(random_draws)
    ]
    rris = [d.rri for d in draws if d.rri is not None]
    out["random"] = Scores(
        n,
        float(np.mean([d.area_share for d in draws])),
        float(np.mean([d.hit_rate for d in draws])),
        float(np.mean([d.pai for d in draws])),
        float(np.mean(rris)) if rris else None,
    )
    return out


def score_split(
    train: np.ndarray,
    test: np.ndarray,
    context: np.ndarray | None,
    kernels: dict[float, sp.csr_matrix],
    kde: sp.csr_matrix,
    area_km2: np.ndarray,
    coverage: float,
    random_draws: int = 200,
) -> tuple[ForecastModel, dict[str, Scores], str]:
    """Fit AIM's forecast on the training months alone (validated on windows as long as the test), score it and
    every baseline on the test months; returns the fitted model, the scores and the best baseline."""
    months = test.shape[1]
    model = fit_forecast(train, kernels, area_km2, coverage, holdout=months, context=context)
    scorers = methods(model, kernels, kde, months, context)
    scores = evaluate(train, test, area_km2, coverage, scorers, random_draws=random_draws)
    return model, scores, max(BASELINES, key=lambda k: scores[k].pai)
