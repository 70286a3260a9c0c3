"""Rolling cases summarised: the references AIM is compared with, the held-out splits, the targets."""

from __future__ import annotations

import pytest

from api.services.rolling import HELD_OUT_CATEGORY, HELD_OUT_FORCE, Case
from api.services.rolling_summary import AFTER_THE_FACT, VALIDATED, ratios, reference_pai, split, splits, targets


def _case(
    aim: float,
    baselines: tuple[float, float, float, float] = (2.0, 2.0, 2.0, 2.0),
    validated: str = "training_window",
    force: str = "Cleveland",
    category: str = "asb",
    origin: str = "2025-06",
    size: str = "10 cells",
    cells: int = 10,
    res: int = 8,
) -> Case:
    return Case(force, res, category, origin, 1, size, cells, aim, 0.5, baselines, (0.4, 0.4, 0.4, 0.4), validated)


def test_references_are_a_baseline_the_validated_pick_or_the_best_after_the_fact() -> None:
    c = _case(3.0, (2.0, 4.0, 1.0, 0.0), validated="previous_month")
    assert reference_pai(c, "training_window") == 2.0
    assert reference_pai(c, VALIDATED) == 1.0
    assert reference_pai(c, AFTER_THE_FACT) == 4.0
    values, clusters = ratios([c, _case(1.0)], "kde")  # a baseline that captured nothing is left out
    assert values == [0.5] and clusters == [("Cleveland", "asb", "2025-06")]


def test_a_split_counts_cases_far_behind_the_training_window() -> None:
    cases = [_case(1.9, origin="2025-06"), _case(2.1, origin="2025-07"), _case(2.0, origin="2025-08")]
    s = split("x", cases)
    assert s.cases == 3 and s.far_behind == pytest.approx(1 / 3)
    assert s.against["training_window"].mean == pytest.approx(1.0) and s.against["training_window"].clusters == 3
    assert s.pei_aim == pytest.approx(0.5)


def test_held_out_force_and_crime_type_stay_out_of_the_design() -> None:
    cases = [
        _case(2.0),
        _case(9.0, force=HELD_OUT_FORCE),
        _case(9.0, category=HELD_OUT_CATEGORY),
        _case(9.0, force=HELD_OUT_FORCE, category=HELD_OUT_CATEGORY),
    ]
    rows = {s.name: s for s in splits(cases)}
    assert rows["design: all"].cases == 1 and rows["design: all"].against["training_window"].mean == 1.0
    assert rows[f"held-out force ({HELD_OUT_FORCE})"].cases == 1
    assert rows[f"held-out crime type ({HELD_OUT_CATEGORY})"].cases == 1
    assert rows[f"held-out force and crime type ({HELD_OUT_FORCE}, {HELD_OUT_CATEGORY})"].cases == 1


def test_targets_are_read_on_the_figures() -> None:
    origins = [f"2025-{m:02d}" for m in range(6, 13)]
    level = [_case(2.0, origin=o) for o in origins]  # exactly level with every baseline
    met = {t.asks: t.met for t in targets(level)}
    assert not met["mean >= 1.025 and lower bound >= 1.015 against training-window counts"]
    assert met["10 cells: <= 20% of cases below 0.97 of training-window counts"]
    ahead = [_case(2.1 + 0.01 * i, origin=o, size="25 cells", cells=25) for i, o in enumerate(origins)]
    met = {t.asks: t.met for t in targets(ahead)}
    assert met["mean >= 1.025 and lower bound >= 1.015 against training-window counts"]
    assert met["ASB: mean >= 1.015 against training-window counts"]
    assert met["25 cells and more: mean >= 1.00 of the validated best baseline"]
    behind = [_case(1.9, origin=o) for o in origins]
    assert not {t.asks: t.met for t in targets(behind)}[
        "10 cells: <= 20% of cases below 0.97 of training-window counts"
    ]
