"""The rolling-origin evaluation as Markdown: AIM's PAI over each baseline's per split with clustered 95% intervals,
PEI beside it, the targets, and which baseline the validation picked."""

from __future__ import annotations

from collections import Counter

from api.services.rolling import HELD_OUT_CATEGORY, HELD_OUT_FORCE, Case
from api.services.rolling_baselines import BASELINES
from api.services.rolling_summary import AFTER_THE_FACT, AGAINST, VALIDATED, Split, splits, targets
from geo.clustered import ClusteredMean


def _interval(m: ClusteredMean) -> str:
    return "-" if not m.n else f"{m.mean:.3f} ({m.low:.3f}-{m.high:.3f})"


def ratio_table(rows: list[Split]) -> str:
    """AIM's PAI over each reference's, mean (95% interval clustered by force x crime type x origin), per split."""
    names = {VALIDATED: "best by rolling validation", AFTER_THE_FACT: "best after the fact"}
    head = (
        "| split | cases | clusters | "
        + " | ".join(f"vs {names.get(a, a)}" for a in AGAINST)
        + " | below 0.97 of training window |"
    )
    lines = [head, "|" + "---|" * (len(AGAINST) + 4)]
    for s in rows:
        tw = s.against["training_window"]
        lines.append(
            f"| {s.name} | {s.cases} | {tw.clusters} | "
            + " | ".join(_interval(s.against[a]) for a in AGAINST)
            + f" | {s.far_behind:.1%} |"
        )
    return "\n".join(lines)


def pei_table(rows: list[Split]) -> str:
    """Mean PEI (captured over the best possible capture of the same area) of AIM's plan and each baseline's."""
    lines = [
        "| split | AIM PEI | " + " | ".join(f"{b} PEI" for b in BASELINES) + " |",
        "|" + "---|" * (len(BASELINES) + 2),
    ]
    for s in rows:
        lines.append(f"| {s.name} | {s.pei_aim:.3f} | " + " | ".join(f"{v:.3f}" for v in s.pei_baselines) + " |")
    return "\n".join(lines)


def targets_table(cases: list[Case]) -> str:
    """Each target on the design splits and on each held-out split, met or not."""
    lines = ["| split | target | reached (95% interval) | met |", "|---|---|---|---|"]
    for which, name in (
        ("design", "design"),
        ("force", f"held-out {HELD_OUT_FORCE}"),
        ("category", f"held-out {HELD_OUT_CATEGORY}"),
    ):
        part = [c for c in cases if c.held_out == which]
        for t in targets(part, name) if part else []:
            lines.append(f"| {t.split} | {t.asks} | {t.figure} | {'yes' if t.met else 'no'} |")
    return "\n".join(lines)


def rolling_markdown(cases: list[Case]) -> str:
    """The whole report: ratios, PEI, targets and the validation's picks."""
    rows = splits(cases)
    picks = Counter(c.validated for c in cases)
    return "\n\n".join(
        [
            "AIM's PAI over each baseline's: mean (95% interval clustered by force x crime type x origin)",
            ratio_table(rows),
            "PEI: captured over the best possible capture of the same area (mean over cases)",
            pei_table(rows),
            "Targets",
            targets_table(cases),
            "Baseline picked by rolling validation, cases: " + ", ".join(f"{b} {picks.get(b, 0)}" for b in BASELINES),
        ]
    )
