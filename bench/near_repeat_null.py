"""How often the near-repeat window opens when the dates have nothing to do with the places: the 970 burglaries of
tests/data/near_repeat (wsteenbeek/NearRepeat's chicago_be_month1.csv) with their dates shuffled, the map's default
bands (a same-place band [0, 1) m, three of 100 m, three of 7 days: 12 finite band pairs), Euclidean, [a, b).

    PYTHONPATH=. python bench/near_repeat_null.py [SHUFFLES] [PERMUTATIONS]

Prints the share of shuffles in which some finite band pair above expectation has a p-value at most 0.05 (the window
the map draws) and the share in which one has a family-wise p-value at most 0.05, then both for the real dates.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.knox import Knox, knox  # noqa: E402

MONTH1 = ROOT / "tests" / "data" / "near_repeat" / "wsteenbeek" / "chicago_be_month1.csv"
DISTANCE, DAYS = [0, 1, 100, 200, 300, np.inf], [0, 7, 14, 21, np.inf]


def opened(result: Knox, alpha: float = 0.05) -> tuple[bool, bool]:
    """Whether some finite band pair above expectation is at p <= alpha, and at family-wise p <= alpha."""
    above = (np.nan_to_num(result.ratio_expected, nan=0.0) > 1) & np.isfinite(result.family_p_values)
    return bool((above & (result.p_values <= alpha)).any()), bool(
        (above & (np.nan_to_num(result.family_p_values, nan=1.0) <= alpha)).any()
    )


def main(shuffles: int = 1000, permutations: int = 99) -> None:
    """Print the shares."""
    data = pd.read_csv(MONTH1, header=None, names=["x", "y", "date"], parse_dates=["date"])
    xy, t = data[["x", "y"]].to_numpy(), (data["date"] - data["date"].min()).dt.days.to_numpy()
    rng = np.random.default_rng(11)
    started, per_cell, family = time.perf_counter(), 0, 0
    for k in range(shuffles):
        a, b = opened(knox(xy, rng.permutation(t), DISTANCE, DAYS, "euclidean", "left", permutations, seed=k))
        per_cell, family = per_cell + a, family + b
    print(
        f"{shuffles} shuffles, {permutations} permutations: some band pair at p <= 0.05 in {per_cell / shuffles:.1%}, "
        f"at family-wise p <= 0.05 in {family / shuffles:.1%} ({time.perf_counter() - started:.0f} s)"
    )
    real = knox(xy, t, DISTANCE, DAYS, "euclidean", "left", permutations, seed=1)
    print(f"real dates: {opened(real)}; family-wise p-values:\n{np.round(real.family_p_values, 3)}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
