"""The joint attacker's model: every published count of a ward as a noisy sum of unknown counts, solved together.

The unknowns of a ward are its counts by *atom* (the finest parts the published groups split the categories into:
with `asb` and its three strands published, the three strands and ASB of no recorded strand) and month. A published
count of a group over a window is the sum of its atoms' counts over the window's months, perturbed by the cell-key
offset and then suppressed or rounded (api.access.disclosure). The model knows that exactly:

- the likelihood of a published value (or of its suppression) given a raw count is the share of the p-table's
  offsets that give it;
- two published counts of the same records carry the same offset (the same key), so within a window two groups
  whose non-empty atoms are the same count one set of records: they must agree, and count once;
- otherwise offsets are independent (unrelated keys).

With each atom's true distribution of monthly counts as prior, Gibbs sampling draws whole wards' counts from the
posterior, and each target takes its most frequent value across the draws: the marginal posterior mode, the best
exact guess there is under the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from api.access.disclosure import OFFSETS, DisclosureRule, published_value

IMPOSSIBLE = 1e-13  # the probability given to what the model rules out, so a sampler never starts stuck
Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
CEILING = 400  # the largest target count told apart (larger ones are counted as this)


@dataclass(frozen=True)
class JointProblem:
    """What the attacker holds for W wards, A atoms, M months, J windows and G groups.

    `observed[w, j, g]` indexes `values` (the published value of group g over window j in ward w); `windows[j, m]`
    says which months window j covers, `groups[g, a]` which atoms group g sums; a ward's monthly counts of atom a
    are Poisson with a rate of the ward's own, drawn from a gamma distribution of shape `rates[a, 0]` and rate
    `rates[a, 1]` (wards differ: a busy ward's months are all busy); `largest` is the largest monthly count."""

    observed: Ints
    values: tuple[int | None, ...]
    windows: Bools
    groups: Bools
    rates: Floats
    largest: int


def gamma_rates(truth: Ints) -> Floats:
    """Each atom's gamma distribution of ward rates (shape, rate), fitted by moments to true counts [w, a, m]."""
    months = truth.shape[2]
    out = np.zeros((truth.shape[1], 2))
    for a in range(truth.shape[1]):
        means = truth[:, a].mean(axis=1)
        mean = max(float(means.mean()), 1e-3)
        spread = max(float(means.var()) - mean / months, mean * 1e-2)
        out[a] = (mean * mean / spread, mean / spread)
    return out


def likelihood_table(values: tuple[int | None, ...], rule: DisclosureRule, largest: int) -> Floats:
    """log P(published value | raw count) for each value (rows) and each raw count 0..largest (columns)."""
    index = {v: i for i, v in enumerate(values)}
    table = np.zeros((len(values), largest + 1))
    for n in range(largest + 1):
        for shift in OFFSETS:
            v = published_value(n, shift, rule)
            if v in index:
                table[index[v], n] += 1 / len(OFFSETS)
    return np.log(np.maximum(table, IMPOSSIBLE))


def window_loglik(totals: Ints, observed: Ints, groups: Bools, table: Floats) -> Floats:
    """log-likelihood of one window's published values of every group, for each ward and candidate: `totals[w, a,
    v]` are the atoms' counts over the window under candidate v. Groups counting the same records count once."""
    largest = table.shape[1] - 1
    sums = np.einsum("wav,ga->wgv", totals, groups.astype(np.int64))
    bits = (1 << np.arange(totals.shape[1], dtype=np.int64))[None, :, None]
    nonempty = np.einsum("wav,ga->wgv", (totals > 0) * bits, groups.astype(np.int64))
    cell = table[observed[:, :, None], np.minimum(sums, largest)]
    out = np.zeros((totals.shape[0], totals.shape[2]))
    for g in range(groups.shape[0]):
        seen = np.zeros(out.shape, dtype=bool)
        clash = np.zeros(out.shape, dtype=bool)
        for h in range(g):
            same = nonempty[:, h] == nonempty[:, g]
            seen |= same
            clash |= same & (observed[:, h] != observed[:, g])[:, None]
        out += np.where(seen, np.where(clash, np.log(IMPOSSIBLE), 0.0), cell[:, g])
    return out


def posterior_modes(
    problem: JointProblem, rule: DisclosureRule, targets: Bools, sweeps: int = 120, burn: int = 30, seed: int = 0
) -> Ints:
    """The most frequent value of each target group's count (`targets[t, a]`: the atoms target t sums) by ward and
    month across Gibbs draws from the posterior: an array [t, w, m]."""
    rng = np.random.default_rng(seed)
    n_wards = problem.observed.shape[0]
    n_atoms, n_values = problem.rates.shape[0], problem.largest + 1
    n_months = problem.windows.shape[1]
    largest = int(problem.windows.sum(axis=1).max()) * n_atoms * (n_values - 1)
    table = likelihood_table(problem.values, rule, largest)
    candidates = np.arange(n_values)
    x = np.zeros((n_wards, n_atoms, n_months), dtype=np.int64)
    log_factorial = np.cumsum(np.log(np.maximum(candidates, 1)))
    totals = np.einsum("wam,jm->wja", x, problem.windows.astype(np.int64))
    ceiling = min(n_atoms * (n_values - 1), CEILING) + 1
    counts = np.zeros((targets.shape[0], n_wards, n_months, ceiling), dtype=np.int64)
    wards = np.arange(n_wards)
    for sweep in range(sweeps):
        shape = problem.rates[None, :, 0] + x.sum(axis=2)
        lam = rng.gamma(shape, 1 / (problem.rates[None, :, 1] + n_months))  # each ward's rates given its counts
        for a in range(n_atoms):
            prior = candidates[None, :] * np.log(lam[:, a, None]) - log_factorial[None, :]
            for m in range(n_months):
                score = prior.copy()
                covering = np.flatnonzero(problem.windows[:, m])
                for j in covering:
                    window = np.repeat(totals[:, j, :, None], n_values, axis=2)
                    window[:, a, :] += candidates[None, :] - x[:, a, m, None]
                    score = score + window_loglik(window, problem.observed[:, j, :], problem.groups, table)
                score -= score.max(axis=1, keepdims=True)
                weights = np.exp(score)
                weights /= weights.sum(axis=1, keepdims=True)
                drawn = (weights.cumsum(axis=1) < rng.random((n_wards, 1))).sum(axis=1)
                drawn = np.minimum(drawn, n_values - 1)
                totals[:, covering, a] += (drawn - x[:, a, m])[:, None]
                x[:, a, m] = drawn
        if sweep >= burn:
            for t in range(targets.shape[0]):
                value = np.minimum(np.einsum("wam,a->wm", x, targets[t].astype(np.int64)), ceiling - 1)
                for m in range(n_months):
                    counts[t, wards, m, value[:, m]] += 1
    modes: Ints = counts.argmax(axis=3)
    return modes
