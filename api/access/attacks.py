"""The disclosure audit: attacks on the published council table, scored against the best blind guess.

The attacker holds every published table (every ward's council count by month, quarter and year, every LAD's
monthly total, for each ASB group) and wants a ward's exact count for one month. For each (group, ward, month)
the audit forms the estimates an attacker can form by differencing, with suppressed values replaced by the mean
of the truly suppressed counts (knowledge an attacker does not have: the audit errs towards the attacker):

- **quarter**: the quarter's published count minus the other two months;
- **year**: the year's published count minus the other eleven months;
- **area**: the LAD's published monthly total minus the LAD's other wards that month;
- **posterior**: the most probable count given the count's published value (or its suppression) and all three
  estimates, with the true distribution of counts as prior and each estimate's true error as likelihood.

Each is rounded to a whole count and scored by exact recovery. The best blind guess is the commonest true value
among suppressed counts (for published counts: the commonest true value for each published value), which is
again knowledge an attacker does not have. Differencing attacks that mix open police.uk data with council data
are impossible by construction (api.access.tables refuses the sum) and are tested over HTTP.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from api.access.disclosure import DisclosureRule, Published
from api.access.tables import PUBLISHED_GROUPS, quarter_end
from api.services.figures import EXACT, Figures
from api.services.filters import Filters, held_sources, resolve_filters
from api.services.layers import wards_layer
from api.services.reference import WardCache
from api.services.trends import TrendArea, trend_series
from geo.trends import add_months, month_range
from ingest.store import read
from ingest.store.connection import Connection

DIFFERENCES = ("quarter", "year", "area")
ESTIMATORS = (*DIFFERENCES, "posterior")
Cell = tuple[str, str, date]  # (group, ward code, month)


@dataclass(frozen=True)
class AttackResult:
    """How often one attack recovers the exact count, against the best blind guess, for one kind of target."""

    attack: str
    targets: str  # "suppressed", "suppressed, not zero" or "published"
    n: int
    recovered: float
    blind: float

    @property
    def noise(self) -> float:
        """Two binomial standard errors of the blind-guess rate: the margin within which the two are equal."""
        return 2 * math.sqrt(max(self.blind * (1 - self.blind), 1e-9) / max(self.n, 1))

    @property
    def beats_blind(self) -> bool:
        """Whether the attack beats the blind guess by more than noise."""
        return self.recovered > self.blind + self.noise


def _ward_counts(con: Connection, filters: Filters, cache: WardCache) -> dict[str, tuple[int | None, str]]:
    fc = wards_layer(con, filters, cache)
    return {f["properties"]["code"]: (f["properties"]["count"], f["properties"]["lad"]) for f in fc["features"]}


def _base(con: Connection, group: str, start: date, end: date, sources: tuple[str, ...], figures: Figures) -> Filters:
    return resolve_filters(
        con, start=start, end=end, categories=(group,), sources=sources, dedupe=False, figures=figures
    )


def run_attacks(
    con: Connection,
    rule: DisclosureRule,
    cache: WardCache,
    groups: tuple[str, ...] = PUBLISHED_GROUPS[:4],
    figures: Figures | None = None,
) -> list[AttackResult]:
    """Run every attack on the council table over the latest four quarters held (published with `figures`,
    default the rule's); one result per attack and target kind."""
    council = tuple(s for s in held_sources(con) if s not in rule.open_sources)
    latest = read.month_extent(con, council)[1]
    if not council or latest is None:
        return []
    end = quarter_end(latest.replace(day=1))
    months = month_range(add_months(end, -11), end)
    published = figures or Published(rule)
    truth: dict[Cell, int] = {}
    shown: dict[Cell, int | None] = {}
    quarters: dict[tuple[str, str, date], int | None] = {}
    years: dict[tuple[str, str], int | None] = {}
    lad_of: dict[str, str] = {}
    lad_month: dict[tuple[str, str, date], int | None] = {}
    for group in groups:
        for m in months:
            exact = _ward_counts(con, _base(con, group, m, m, council, EXACT), cache)
            public = _ward_counts(con, _base(con, group, m, m, council, published), cache)
            for code, (n, lad) in exact.items():
                truth[(group, code, m)], shown[(group, code, m)] = int(n or 0), public[code][0]
                lad_of[code] = lad
        for q_end in months[2::3]:
            by_ward = _ward_counts(con, _base(con, group, add_months(q_end, -2), q_end, council, published), cache)
            quarters.update({(group, code, q_end): v for code, (v, _) in by_ward.items()})
        whole = _ward_counts(con, _base(con, group, months[0], months[-1], council, published), cache)
        years.update({(group, code): v for code, (v, _) in whole.items()})
        for lad in sorted(set(lad_of.values()) - {None}):
            f = _base(con, group, months[0], months[-1], council, published).only(lad=lad)
            for m, v in trend_series(con, f, TrendArea({"type": "lad", "code": lad})):
                lad_month[(group, lad, m)] = v
    active = {lad_of[code] for (_, code, _), n in truth.items() if n}  # the LADs council records come from
    truth = {c: n for c, n in truth.items() if lad_of[c[1]] in active}
    suppressed_values = [truth[c] for c in truth if shown[c] is None]
    fill = sum(suppressed_values) / len(suppressed_values) if suppressed_values else 0.0

    def value(c: Cell) -> float:
        v = shown[c]
        return fill if v is None else float(v)

    estimates: dict[str, dict[Cell, float]] = defaultdict(dict)
    for c in truth:
        group, code, m = c
        q_end = quarter_end(add_months(m, 2)) if m.month % 3 else m
        q = quarters.get((group, code, q_end))
        if q is not None:
            estimates["quarter"][c] = q - sum(
                value((group, code, o)) for o in month_range(add_months(q_end, -2), q_end) if o != m
            )
        y = years.get((group, code))
        if y is not None:
            estimates["year"][c] = y - sum(value((group, code, o)) for o in months if o != m)
        total = lad_month.get((group, lad_of.get(code, ""), m))
        if total is not None:
            others = [w for w in lad_of if lad_of[w] == lad_of[code] and w != code]
            estimates["area"][c] = total - sum(value((group, w, m)) for w in others)
    results = []
    kinds = {
        "suppressed": lambda c: shown[c] is None,
        "suppressed, not zero": lambda c: shown[c] is None and truth[c] > 0,
        "published": lambda c: shown[c] is not None,
    }
    for kind, chosen in kinds.items():
        targets = [c for c in truth if chosen(c)]
        blind = _blind_rate(targets, truth, shown)
        estimates["posterior"] = _posterior(targets, truth, shown, estimates)
        for attack in ESTIMATORS:
            scored = [c for c in targets if c in estimates[attack]]
            hits = sum(round(estimates[attack][c]) == truth[c] for c in scored)
            results.append(AttackResult(attack, kind, len(scored), hits / len(scored) if scored else 0.0, blind))
    return results


def _posterior(
    targets: list[Cell], truth: dict[Cell, int], shown: dict[Cell, int | None], estimates: dict[str, dict[Cell, float]]
) -> dict[Cell, float]:
    """The strongest attacker: for each target, the most probable count given its published value and every
    differencing estimate, with the true distribution of counts as its prior and each estimate's true error spread
    as its likelihood (both learnt from the truth: more than any real attacker knows)."""
    prior: dict[int | None, Counter[int]] = defaultdict(Counter)
    for c in targets:
        prior[shown[c]][truth[c]] += 1
    spread = {}
    for attack in DIFFERENCES:
        errors = [estimates[attack][c] - truth[c] for c in targets if c in estimates[attack]]
        if len(errors) > 1:
            mean = sum(errors) / len(errors)
            spread[attack] = (mean, max(math.sqrt(sum((e - mean) ** 2 for e in errors) / len(errors)), 0.5))
    out = {}
    for c in targets:
        best, best_score = 0, -math.inf
        candidates = prior[shown[c]]
        total = sum(candidates.values())
        for x, k in candidates.items():
            score = math.log(k / total)
            for attack, (bias, sd) in spread.items():
                if c in estimates[attack]:
                    score -= (estimates[attack][c] - bias - x) ** 2 / (2 * sd * sd)
            if score > best_score:
                best, best_score = x, score
        out[c] = float(best)
    return out


def _blind_rate(targets: list[Cell], truth: dict[Cell, int], shown: dict[Cell, int | None]) -> float:
    """The exact-hit rate of the best guess from the published value alone (the commonest truth per value)."""
    if not targets:
        return 0.0
    by_value: dict[int | None, Counter[int]] = defaultdict(Counter)
    for c in targets:
        by_value[shown[c]][truth[c]] += 1
    return sum(counter.most_common(1)[0][1] for counter in by_value.values()) / len(targets)


def markdown(results: list[AttackResult]) -> str:
    """The audit as a Markdown table."""
    lines = [
        "| attack | targets | cases | exact recovery | best blind guess | beats blind by more than noise |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        verdict = "**yes**" if r.beats_blind else f"no (noise ±{r.noise:.1%})"
        lines.append(f"| {r.attack} | {r.targets} | {r.n:,} | {r.recovered:.1%} | {r.blind:.1%} | {verdict} |")
    return "\n".join(lines)
