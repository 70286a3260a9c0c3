"""The clustered mean and its 95% interval, by hand and against statsmodels' cluster-robust OLS."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from geo.clustered import clustered_mean


def test_by_hand() -> None:
    # mean 2.5; residual sums per cluster -2 and 2; variance 2/1 * 8 / 4^2 = 1
    m = clustered_mean([1.0, 2.0, 3.0, 4.0], ["a", "a", "b", "b"])
    assert (m.n, m.clusters, m.mean, m.se) == (4, 2, 2.5, pytest.approx(1.0))
    assert m.low == pytest.approx(2.5 - stats.t.ppf(0.975, 1))


@pytest.mark.parametrize("seed", range(3))
def test_matches_statsmodels_cluster_robust_ols(seed: int) -> None:
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, 12, 150)
    values = 1.0 + rng.normal(0, 0.05, 12)[groups] + rng.normal(0, 0.02, 150)
    ols = sm.OLS(values, np.ones(150)).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    m = clustered_mean(values, [("force", int(g)) for g in groups])
    assert m.mean == pytest.approx(float(ols.params[0]))
    assert m.se == pytest.approx(float(ols.bse[0]))
    low, high = ols.conf_int(0.05)[0]
    assert (m.low, m.high) == (pytest.approx(low), pytest.approx(high))


def test_shared_luck_widens_the_interval() -> None:
    # the same values: as 50 independent cases, then as 5 clusters of 10 identical ones
    values = np.repeat(np.linspace(0.9, 1.1, 5), 10)
    alone = clustered_mean(values, list(range(50)))
    together = clustered_mean(values, np.repeat(np.arange(5), 10).tolist())
    assert together.high - together.low > 2 * (alone.high - alone.low)


def test_one_cluster_has_no_interval() -> None:
    m = clustered_mean([1.0, 1.2], ["a", "a"])
    assert m.mean == pytest.approx(1.1) and m.low == float("-inf") and m.high == float("inf")
