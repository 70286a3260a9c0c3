"""The joint attacker's model (api.access.joint): the exact cell-key likelihood, groups counting the same records
counted once, and a sampler that combines every window a month is in."""

from __future__ import annotations

import numpy as np

from api.access.disclosure import DisclosureRule, published_value
from api.access.joint import JointProblem, likelihood_table, posterior_modes, window_loglik

RULE = DisclosureRule()
VALUES: tuple[int | None, ...] = (None, *range(10, 80, 5))


def test_the_likelihood_is_the_share_of_offsets_giving_each_value() -> None:
    table = np.exp(likelihood_table(VALUES, RULE, 60))
    assert np.allclose(table.sum(axis=0), 1.0, atol=1e-9)
    assert np.isclose(table[0, 0], 1.0) and np.isclose(table[0, 5], 1.0)  # zero to five: always suppressed
    assert abs(table[VALUES.index(10), 8] - 3 / 9) < 1e-9  # 8 + (2, 3, 4) round to 10
    assert all(published_value(30, s, RULE) in (25, 30, 35) for s in range(-4, 5))


def test_groups_counting_the_same_records_must_agree_and_count_once() -> None:
    table = likelihood_table(VALUES, RULE, 60)
    groups = np.array([[True, True], [True, False]])  # asb = two strands; the first strand alone
    totals = np.array([[[12], [0]]])  # one ward, one candidate: every record in the first strand
    agree = np.array([[VALUES.index(10), VALUES.index(10)]])
    differ = np.array([[VALUES.index(10), VALUES.index(15)]])
    assert np.isclose(window_loglik(totals, agree, groups, table)[0, 0], table[VALUES.index(10), 12])  # once
    assert window_loglik(totals, differ, groups, table)[0, 0] < -25  # the same records, two values: ruled out
    split = np.array([[[6], [6]]])  # records in both strands: two sets of records, two independent offsets
    both = table[VALUES.index(10), 12] + table[VALUES.index(10), 6]
    assert np.isclose(window_loglik(split, agree, groups, table)[0, 0], both)


def test_the_sampler_combines_the_windows_a_month_is_in() -> None:
    """Counts published unrounded (base 1) with their offsets: the quarters and the year sharpen what each month's
    own value says, so the sampled months are nearer the truth than the months read alone."""
    rng = np.random.default_rng(1)
    truth = rng.integers(15, 25, size=(30, 1, 12))
    months = np.eye(12, dtype=bool)
    quarters = np.array([[q * 3 <= m < q * 3 + 3 for m in range(12)] for q in range(4)])
    windows = np.vstack([months, quarters, np.ones((1, 12), dtype=bool)])
    sums = np.einsum("wam,jm->wj", truth, windows.astype(np.int64))
    exact = DisclosureRule(threshold=10, base=1)
    noisy = sums + rng.integers(-4, 5, size=sums.shape)  # published unrounded: each window's own offset
    values = tuple(dict.fromkeys([None, *sorted(int(v) for v in np.unique(noisy))]))
    observed = np.vectorize(values.index)(noisy)[:, :, None]
    problem = JointProblem(observed, values, windows, np.array([[True]]), np.array([[40.0, 2.0]]), 30)
    modes = posterior_modes(problem, exact, np.array([[True]]), sweeps=40, burn=10)
    sampled = np.abs(modes[0] - truth[:, 0]).mean()
    read = np.abs(noisy[:, :12] - truth[:, 0]).mean()  # each month's own published value
    assert sampled < read
