"""Rolling-origin cases summarised per split: AIM's PAI over each baseline's with 95% intervals clustered by force x
crime type x origin, the share of cases far behind, PEI beside PAI, and the targets the plan is held to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from api.services.rolling import HELD_OUT_CATEGORY, HELD_OUT_FORCE, Case
from api.services.rolling_baselines import BASELINES
from geo.clustered import ClusteredMean, clustered_mean

FAR_BEHIND = 0.97  # a case is far behind when AIM's PAI is below this share of the training-window counts'
VALIDATED = "validated best"  # the baseline a rolling validation on the training months picked
AFTER_THE_FACT = "best after the fact"  # the best baseline of the test month itself (optimistic)
AGAINST = (*BASELINES, VALIDATED, AFTER_THE_FACT)


def reference_pai(case: Case, against: str) -> float:
    """The PAI AIM's is compared with: a baseline's, the validated baseline's, or the best after the fact."""
    if against == VALIDATED:
        return case.pai(case.validated)
    if against == AFTER_THE_FACT:
        return max(case.baseline_pai)
    return case.pai(against)


def ratios(cases: list[Case], against: str) -> tuple[list[float], list[tuple[str, str, str]]]:
    """AIM's PAI over the reference's in each case where the reference captured anything, and the case's cluster."""
    kept = [(c.aim_pai / reference_pai(c, against), c.cluster) for c in cases if reference_pai(c, against) > 0]
    return [r for r, _ in kept], [k for _, k in kept]


@dataclass(frozen=True)
class Split:
    """One split's comparison with every reference, its share far behind the training window, and mean PEIs."""

    name: str
    cases: int
    against: dict[str, ClusteredMean]
    far_behind: float
    pei_aim: float
    pei_baselines: tuple[float, ...]


def split(name: str, cases: list[Case]) -> Split:
    """The summary of one split's cases."""
    against = {a: clustered_mean(*ratios(cases, a)) for a in AGAINST}
    tw, _ = ratios(cases, "training_window")
    return Split(
        name,
        len(cases),
        against,
        float(np.mean(np.asarray(tw) < FAR_BEHIND)) if tw else float("nan"),
        float(np.mean([c.aim_pei for c in cases])) if cases else float("nan"),
        tuple(
            float(np.mean([c.baseline_pei[i] for c in cases])) if cases else float("nan") for i in range(len(BASELINES))
        ),
    )


GROUPINGS: tuple[tuple[str, Callable[[Case], str]], ...] = (
    ("crime type", lambda c: c.category),
    ("res", lambda c: str(c.res)),
    ("horizon", lambda c: f"{c.horizon} month{'s' if c.horizon > 1 else ''}"),
    ("size", lambda c: c.size),
    ("force", lambda c: c.force),
)


def splits(cases: list[Case]) -> list[Split]:
    """The design cases (neither held out) overall and by crime type, res, horizon, size, force and plan of 25
    cells and more; then the held-out force, the held-out crime type, and both, each on its own."""
    design = [c for c in cases if c.held_out == "design"]
    out = [split("design: all", design)]
    for label, key in GROUPINGS:
        for value in sorted({key(c) for c in design}, key=_natural):
            out.append(split(f"design {label} {value}", [c for c in design if key(c) == value]))
    out.append(split("design: plans of 25 cells and more", [c for c in design if c.cells >= 25]))
    for which, name in (
        ("force", f"held-out force ({HELD_OUT_FORCE})"),
        ("category", f"held-out crime type ({HELD_OUT_CATEGORY})"),
        ("both", f"held-out force and crime type ({HELD_OUT_FORCE}, {HELD_OUT_CATEGORY})"),
    ):
        held = [c for c in cases if c.held_out == which]
        if held:
            out.append(split(name, held))
            out.append(split(f"{name}: 10 cells", [c for c in held if c.size == "10 cells"]))
            out.append(split(f"{name}: plans of 25 cells and more", [c for c in held if c.cells >= 25]))
    return [s for s in out if s.cases]


def _natural(value: str) -> tuple[float, str]:
    number = value.split(" ")[0].rstrip("%")
    try:
        return (float(number) * (1000 if value.endswith("cells") else 1), value)
    except ValueError:
        return (float("inf"), value)


@dataclass(frozen=True)
class Target:
    """One target: what it asks, the figure reached and whether it is met."""

    split: str
    asks: str
    figure: str
    met: bool


def targets(cases: list[Case], prefix: str = "design") -> list[Target]:
    """The restated targets on one split (design or a held-out one): against the training-window counts a mean of
    at least 1.025 with the clustered lower bound at least 1.015, at least 1.015 for ASB and at res 8; at 10 cells
    no more than 20% of cases below 0.97 of the training window; at least 1.00 of the validated best baseline at 25
    cells and more."""
    out = []
    tw = "training_window"
    whole = clustered_mean(*ratios(cases, tw))
    out.append(
        Target(
            prefix,
            "mean >= 1.025 and lower bound >= 1.015 against training-window counts",
            _said(whole),
            whole.mean >= 1.025 and whole.low >= 1.015,
        )
    )
    for name, part in (("ASB", [c for c in cases if c.category == "asb"]), ("res 8", [c for c in cases if c.res == 8])):
        if part:
            got = clustered_mean(*ratios(part, tw))
            out.append(
                Target(prefix, f"{name}: mean >= 1.015 against training-window counts", _said(got), got.mean >= 1.015)
            )
    small, _ = ratios([c for c in cases if c.size == "10 cells"], tw)
    if small:
        share = float(np.mean(np.asarray(small) < FAR_BEHIND))
        out.append(
            Target(
                prefix, "10 cells: <= 20% of cases below 0.97 of training-window counts", f"{share:.1%}", share <= 0.20
            )
        )
    large = clustered_mean(*ratios([c for c in cases if c.cells >= 25], VALIDATED))
    if large.n:
        out.append(
            Target(
                prefix,
                "25 cells and more: mean >= 1.00 of the validated best baseline",
                _said(large),
                large.mean >= 1.0,
            )
        )
    return out


def _said(m: ClusteredMean) -> str:
    return f"{m.mean:.3f} ({m.low:.3f}-{m.high:.3f})"
