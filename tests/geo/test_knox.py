"""The Knox test against the published tables of tobydavies/NearRepeat (its notebook's executed outputs) and of the
Near Repeat Calculator (wsteenbeek/NearRepeat's verbose output), the exact expectation against permutations, and the
null check: shuffled dates give ratios near 1 and p-values near uniform."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from geo.knox import (
    TooManyPairs,
    band_labels,
    band_of,
    elevated,
    family_p_values,
    knox,
    pairs_per_band,
    pairs_within,
    risk_window,
    zone_offsets,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "near_repeat"
BURGLARY = DATA / "tobydavies" / "chicago_burglary_2014_2017.csv.gz"
MONTH1 = DATA / "wsteenbeek" / "chicago_be_month1.csv"
NRC_VERBOSE = DATA / "wsteenbeek" / "chicago_be_month1_NRverbose_2019-09-23_143005.csv"


@pytest.fixture(scope="module")
def burglary_2016() -> tuple[np.ndarray, np.ndarray]:
    """The 2016 burglaries of the notebook: points (m) and days since 2016-01-01."""
    data = pd.read_csv(BURGLARY, parse_dates=["date_single"], dayfirst=True)
    data = data[data["date_single"].between("2016-01-01", "2016-12-31")]
    days = (data["date_single"] - pd.Timestamp("2016-01-01")).dt.days
    return data[["x", "y"]].to_numpy(), days.to_numpy()


@pytest.fixture(scope="module")
def month1() -> tuple[np.ndarray, np.ndarray]:
    """The 970 burglaries given to the Near Repeat Calculator: points (m) and days since the first."""
    data = pd.read_csv(MONTH1, header=None, names=["x", "y", "date"], parse_dates=["date"])
    return data[["x", "y"]].to_numpy(), (data["date"] - data["date"].min()).dt.days.to_numpy()


def nrc_observed() -> np.ndarray:
    """The calculator's "Observed frequencies distribution" as published in its verbose file."""
    with NRC_VERBOSE.open(newline="") as handle:
        lines = list(csv.reader(handle))
    at = next(i for i, row in enumerate(lines) if row and row[0] == "Observed frequencies distribution")
    rows = lines[at + 3 : at + 8]
    return np.array([[int(v) for v in row[2:6]] for row in rows])


BURGLARY_BANDS = ([0, 0.1, 200, 400, 600], [0, 7, 14, 21])


def test_burglary_2016_euclidean_right_closed_is_the_notebooks_table(burglary_2016) -> None:
    xy, t = burglary_2016
    assert len(t) == 11701
    result = knox(xy, t, *BURGLARY_BANDS, metric="euclidean", closed="right", permutations=0)
    assert result.distance_labels == ["[0, 0.1]", "(0.1, 200]", "(200, 400]", "(400, 600]"]
    assert result.time_labels == ["[0, 7]", "(7, 14]", "(14, 21]"]
    assert result.observed.tolist() == [
        [342, 97, 62],
        [1892, 1514, 1362],
        [4145, 3643, 3592],
        [5805, 5143, 4919],
    ]


def test_burglary_2016_left_closed_and_manhattan_are_the_notebooks_tables(burglary_2016) -> None:
    xy, t = burglary_2016
    left = knox(xy, t, *BURGLARY_BANDS, closed="left", permutations=0)
    assert left.distance_labels == ["[0, 0.1)", "[0.1, 200)", "[200, 400)", "[400, 600)"]
    assert left.time_labels == ["[0, 7)", "[7, 14)", "[14, 21)"]
    assert left.observed.tolist() == [[319, 106, 62], [1647, 1539, 1400], [3598, 3660, 3638], [5028, 5167, 4935]]
    manhattan = knox(xy, t, *BURGLARY_BANDS, metric="manhattan", permutations=0)
    assert manhattan.observed.tolist() == [[342, 97, 62], [1502, 1163, 1038], [2806, 2431, 2386], [3968, 3553, 3395]]


def test_burglary_2016_is_a_near_repeat_pattern(burglary_2016) -> None:
    """The notebook's p-values (99 permutations): every cell 0.01 but the exact repeats at 14 to 21 days."""
    xy, t = burglary_2016
    result = knox(xy, t, *BURGLARY_BANDS, permutations=99, seed=123456)
    assert np.allclose(result.p_values[0, :2], 0.01) and np.allclose(result.p_values[1:], 0.01)
    assert result.ratio_expected[0, 0] == pytest.approx(6.4, abs=0.2)  # the notebook's median ratio: 6.45
    assert np.allclose(result.ratio_mean, result.ratio_expected, rtol=0.05)


def test_month1_is_the_near_repeat_calculators_observed_table(month1) -> None:
    xy, t = month1
    assert len(t) == 970
    result = knox(
        xy, t, [0, 1, 100, 200, 300, np.inf], [0, 7, 14, 21, np.inf], metric="manhattan", closed="left", permutations=0
    )
    published = nrc_observed()
    assert published[0].tolist() == [28, 5, 5, 2]
    assert result.observed.tolist() == published.tolist()
    assert result.observed.sum() == result.pairs == 970 * 969 // 2
    assert result.distance_labels == ["[0, 1)", "[1, 100)", "[100, 200)", "[200, 300)", "[300, inf)"]
    assert result.time_labels == ["[0, 7)", "[7, 14)", "[14, 21)", "[21, inf)"]


def test_the_exact_expectation_is_row_total_times_column_total_over_pairs(month1) -> None:
    xy, t = month1
    result = knox(
        xy,
        t,
        [0, 1, 100, 200, 300, np.inf],
        [0, 7, 14, 21, np.inf],
        metric="manhattan",
        closed="left",
        permutations=400,
        seed=3,
    )
    rows, cols = result.observed.sum(axis=1), result.observed.sum(axis=0)
    assert np.allclose(result.expected, np.outer(rows, cols) / result.pairs)
    assert result.expected.sum() == pytest.approx(result.pairs)
    # the permutations' mean converges on it: within 4 standard errors in every cell
    spread = np.sqrt(result.expected / result.permutations) * 4 + 1e-9
    assert (np.abs(result.permuted_mean - result.expected) <= spread).all()


def test_shuffled_dates_give_ratios_near_one_and_uniform_p_values(month1) -> None:
    xy, t = month1
    rng = np.random.default_rng(7)
    p_values, ratios = [], []
    for k in range(20):
        result = knox(xy, rng.permutation(t), [0, 200, 400, 800, 1600], [0, 3, 7, 14, 28], permutations=99, seed=k)
        p_values.append(result.p_values.ravel())
        ratios.append(result.ratio_expected.ravel())
    p = np.concatenate(p_values)
    assert 0.45 < p.mean() < 0.56
    assert stats.kstest(p, "uniform").pvalue > 0.01
    assert np.allclose(np.mean(ratios, axis=0), 1, atol=0.05)


def test_the_real_dates_are_not_what_shuffled_dates_give(month1) -> None:
    xy, t = month1
    real = knox(xy, t, [0, 1, 100, 200], [0, 7, 14], metric="manhattan", closed="left", permutations=99, seed=1)
    assert real.ratio_expected[0, 0] > 1.5 and real.p_values[0, 0] == pytest.approx(0.01)


def test_the_same_seed_gives_the_same_answer(month1) -> None:
    xy, t = month1
    a, b = (knox(xy, t, [0, 100, 200], [0, 7, 14], permutations=19, seed=5) for _ in range(2))
    assert np.array_equal(a.p_values, b.p_values) and np.array_equal(a.permuted_mean, b.permuted_mean)


def test_pairs_and_bands_agree_with_every_pair_reckoned_directly() -> None:
    rng = np.random.default_rng(0)
    xy = rng.integers(0, 30, size=(120, 2)).astype(float)  # whole metres: many pairs exactly on an edge
    t = rng.integers(0, 40, size=120).astype(float)
    d_edges, t_edges = [0, 1, 5, 10, 20], [0, 3, 7, 14, np.inf]
    for metric, closed in itertools.product(("euclidean", "manhattan"), ("right", "left")):
        result = knox(xy, t, d_edges, t_edges, metric=metric, closed=closed, permutations=0)
        expected = np.zeros((4, 4), dtype=int)
        for a, b in itertools.combinations(range(120), 2):
            diff = np.abs(xy[a] - xy[b])
            d = float(np.hypot(*diff)) if metric == "euclidean" else float(diff.sum())
            dt = abs(t[a] - t[b])
            row, col = (_band(v, e, closed) for v, e in ((d, d_edges), (dt, t_edges)))
            if row is not None and col is not None:
                expected[row, col] += 1
        assert result.observed.tolist() == expected.tolist(), (metric, closed)


def _band(value: float, edges: list[float], closed: str) -> int | None:
    """The band of one value reckoned from the interval's definition."""
    for k, (a, b) in enumerate(itertools.pairwise(edges)):
        if closed == "right" and (a < value <= b or (k == 0 and value == 0)):
            return k
        if closed == "left" and a <= value < b:
            return k
    return None


def test_pairs_per_band_counts_every_pair_of_times() -> None:
    t = np.array([0, 0, 1, 3, 7, 7, 8, 20], dtype=float)
    diffs = [abs(a - b) for a, b in itertools.combinations(t, 2)]
    edges = np.array([0, 1, 7, np.inf])
    for closed in ("right", "left"):
        direct = np.bincount(band_of(np.array(diffs), edges, closed), minlength=3)[:3]
        assert pairs_per_band(t, edges, closed).tolist() == direct.tolist()


def test_pairs_within_lists_each_pair_once_with_its_distance() -> None:
    xy = np.array([[0, 0], [3, 4], [6, 8], [0, 5]], dtype=float)
    i, j, d = pairs_within(xy, 5, "euclidean")
    assert sorted(zip(i.tolist(), j.tolist(), d.tolist(), strict=True)) == [
        (0, 1, 5.0),
        (0, 3, 5.0),
        (1, 2, 5.0),
        (1, 3, pytest.approx(3.1623, abs=1e-4)),
    ]


def test_labels_say_what_is_counted() -> None:
    assert band_labels([0, 1, 100, np.inf], "left") == ["[0, 1)", "[1, 100)", "[100, inf)"]
    assert band_labels([0, 0.1, 200, np.inf], "right") == ["[0, 0.1]", "(0.1, 200]", "(200, inf)"]


@pytest.mark.parametrize("edges", [[1, 2], [0], [0, 2, 1], [0, np.inf, 5]])
def test_bands_must_be_edges_from_zero(edges) -> None:
    with pytest.raises(ValueError, match="bands"):
        knox(np.zeros((3, 2)), np.zeros(3), edges, [0, 7])


def test_the_risk_window_is_the_farthest_and_latest_elevated_band(month1) -> None:
    xy, t = month1
    result = knox(xy, t, [0, 1, 100, 200, 300, np.inf], [0, 7, 14, 21, np.inf], "manhattan", "left", 99, seed=1)
    cells = elevated(result)
    assert not cells[-1].any() and not cells[:, -1].any()  # the open bands are never a window
    assert (result.ratio_expected[cells] > 1).all() and (result.p_values[cells] <= 0.05).all()
    assert cells[:3, 0].all()  # as the calculator found: under 200 m in the first week
    assert risk_window(result) == (200.0, 7.0)


def test_family_p_values_by_hand() -> None:
    # two tested cells expecting 4 and 9: the observed table (6, 9) has excesses z = 1 and 0; the permutations'
    # largest excesses: (4, 15) -> 2, (2, 9) -> 0, (5, 6) -> 0.5; the open cell is never tested
    tables = np.array([[[6, 9, 3]], [[4, 15, 0]], [[2, 9, 5]], [[5, 6, 1]]])
    expected = np.array([[4.0, 9.0, 2.0]])
    tested = np.array([[True, True, False]])
    p = family_p_values(tables, expected, tested)
    # cell 0 (z 1): tables with a largest excess >= 1: the observed (1) and the first permutation (2): 2 of 4
    # cell 1 (z 0): every table's largest excess is >= 0: 4 of 4
    assert p[0, :2].tolist() == [0.5, 1.0] and np.isnan(p[0, 2])


def test_shuffled_dates_open_a_window_as_often_as_alpha_says_family_wise(month1) -> None:
    """Null check of the family-wise p-values: with dates shuffled, some band pair of the 12 finite ones is at
    p <= 0.05 in about 40% of the tests, but at family-wise p <= 0.05 in about 5%; the real dates stay elevated."""
    xy, t = month1
    d_edges, t_edges = [0, 1, 100, 200, 300, np.inf], [0, 7, 14, 21, np.inf]
    rng = np.random.default_rng(11)
    per_cell = family = 0
    for k in range(300):
        r = knox(xy, rng.permutation(t), d_edges, t_edges, "euclidean", "left", permutations=39, seed=k)
        above = np.nan_to_num(r.ratio_expected, nan=0.0) > 1
        per_cell += bool((above & np.isfinite(r.family_p_values) & (r.p_values <= 0.05)).any())
        family += bool((above & (np.nan_to_num(r.family_p_values, nan=1.0) <= 0.05)).any())
        assert (np.nan_to_num(r.family_p_values, nan=1.0) >= r.p_values - 1e-12).all()  # never below the cell's own
    assert per_cell / 300 > 0.25
    assert 0.01 <= family / 300 <= 0.1
    real = knox(xy, t, d_edges, t_edges, "euclidean", "left", permutations=99, seed=1)
    assert real.family_p_values[0, 0] == pytest.approx(0.01) and real.family_p_values[1, 0] == pytest.approx(0.01)


def test_no_window_when_nothing_is_elevated(month1) -> None:
    xy, t = month1
    shuffled = knox(xy, np.random.default_rng(1).permutation(t), [0, 1, 100], [0, 7], permutations=19, seed=2)
    assert risk_window(shuffled, alpha=0.0) is None


def test_zone_offsets_are_a_disc_or_a_diamond() -> None:
    disc, diamond = zone_offsets(100, "euclidean", 10), zone_offsets(100, "manhattan", 10)
    assert (np.hypot(*disc.T) <= 100).all() and (np.abs(diamond).sum(axis=1) <= 100).all()
    assert len(diamond) == 2 * 10 * 11 + 1 and len(disc) > len(diamond)
    assert [0.0, 0.0] in disc.tolist() and [100.0, 0.0] in diamond.tolist()


def test_too_many_pairs_are_refused_before_they_are_listed(month1) -> None:
    xy, t = month1
    with pytest.raises(TooManyPairs, match="pairs of incidents within"):
        pairs_within(xy, 1e6, "euclidean", limit=1000)
    with pytest.raises(TooManyPairs, match="permutations"):
        knox(xy, t, [0, 1e6], [0, 7], permutations=999)  # 469,965 pairs x 1,000
