"""The stacked candidate: its components, the non-negative Poisson blend fitted on rolling validation."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import DomainWarning

from geo.stacked import COMPONENTS, components, fit_stack, poisson_weights, stacked_rate


def _kernels(n: int) -> dict[float, sp.csr_matrix]:
    return {bw: sp.identity(n, format="csr") for bw in (250.0, 600.0)}


def test_components_by_hand() -> None:
    counts = np.array([[3.0, 0, 0, 0, 6], [0, 0, 3, 3, 3]])
    context = np.array([[1.0, 1, 1, 1, 1], [0, 0, 0, 0, 5]])
    x = components(counts, _kernels(2), context)
    assert x.shape == (len(COMPONENTS), 2)
    assert x[0].tolist() == [1.8, 1.8]  # training window: 9 over 5 months each
    assert x[1].tolist() == [2.0, 3.0] and x[2].tolist() == [6.0, 3.0]
    assert x[6].tolist() == pytest.approx([1.8, 1.8])  # other crime: 5 and 5, scaled to the incidents' total


def test_poisson_weights_match_statsmodels_where_the_best_weights_are_positive() -> None:
    rng = np.random.default_rng(3)
    x = rng.gamma(1.0, 1.0, (3, 4000))
    y = rng.poisson(np.array([0.5, 0.3, 0.2]) @ x).astype(float)
    family = sm.families.Poisson(link=sm.families.links.Identity())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DomainWarning)  # the identity link is fine here: every mean is positive
        glm = sm.GLM(y, x.T, family=family).fit(start_params=[0.3] * 3)
    assert poisson_weights(x, y, iterations=3000) == pytest.approx(glm.params, abs=2e-3)


def test_poisson_weights_drop_a_component_that_only_misleads() -> None:
    rng = np.random.default_rng(5)
    good, noise = rng.gamma(1.0, 1.0, 3000), rng.gamma(1.0, 1.0, 3000)
    y = rng.poisson(good).astype(float)
    w = poisson_weights(np.vstack([good, noise]), y, iterations=2000)
    assert w[0] == pytest.approx(1.0, abs=0.05) and w[1] < 0.05


def test_the_blend_follows_what_would_have_worked() -> None:
    # from month 6 on, a spot lasts two months then moves on (half of each month's incidents sit where last month's
    # did), and the long window points at cells gone quiet: the last month takes the weight
    counts = np.zeros((30, 10))
    counts[:10, :6] = 4
    for t in range(6, 10):
        counts[10 + 2 * t - 12 : 12 + 2 * t - 12, t - 1 : t + 1] = 4
    w = fit_stack(counts, _kernels(30), None)
    recent = w[COMPONENTS.index("last month")] + w[COMPONENTS.index("near repeat")]
    assert recent == pytest.approx(0.5, abs=0.01) and w[COMPONENTS.index("training window")] < 0.01
    rate = stacked_rate(counts, _kernels(30), None)
    assert rate[16:18].min() > rate[:10].max()


def test_too_little_history_keeps_the_training_window() -> None:
    counts = np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 1.0]])
    assert fit_stack(counts, _kernels(2), None).tolist() == [1.0, 0, 0, 0, 0, 0, 0]
    assert stacked_rate(counts, _kernels(2), None) == pytest.approx(counts.mean(axis=1))
