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

- **joint** (cross-group, cross-window): every published count of a ward at once (each published group, each
  month, quarter and twelve-month window the table answers, windows running past the months held included when
  answered) as noisy sums of the ward's counts by atom and month, solved by sampling their posterior with the exact
  cell-key likelihood (api.access.joint); a group that is the sum of others (`asb` beside its strands) is a second
  reading of the same counts, which is what this attack exploits.

Each is rounded to a whole count and scored by exact recovery. The best blind guess is the commonest true value
for each pair of the count's published value (or its suppression) and its ward's published count for the year,
which is again knowledge an attacker does not have. It knows the ward's year because that level alone, with no
algebra, says roughly what the ward's months hold (a ward of 10 a year holds 0 to 2 a month): a guess from the
count's own published value only is beaten by the level (on the demo, 31.8% of suppressed `asb` ward-months
against 19.8%), and an attack must do better than the level to have recovered anything by differencing.
Differencing attacks that mix open police.uk data with council data are impossible by construction
(api.access.tables refuses the sum) and are tested over HTTP.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from api.access.disclosure import DisclosureRule, Published
from api.access.joint import Ints, JointProblem, gamma_rates, posterior_modes
from api.access.tables import ALL, PUBLISHED_GROUPS, Held, admit_held_window, quarter_end
from api.services.errors import ParameterError
from api.services.figures import EXACT, Figures
from api.services.filters import Filters, held_sources, resolve_filters
from api.services.layers import wards_layer
from api.services.reference import WardCache
from api.services.trends import TrendArea, trend_series
from geo.trends import add_months, month_range
from ingest.store import read
from ingest.store.connection import Connection
from ingest.taxonomy import GROUPS, Category

DIFFERENCES = ("quarter", "year", "area")
ESTIMATORS = (*DIFFERENCES, "posterior")
COUNCIL_GROUPS = (*PUBLISHED_GROUPS, ALL)  # every group the council table publishes below analyst
AUDITED_GROUPS = ("asb", ALL)  # those holding council records (councils log ASB; `all` adds other requests)
Cell = tuple[str, str, date]  # (group, ward code, month)
WindowCheck = Callable[[date, date, Held], None]  # raises ParameterError for a window the table refuses
KINDS: dict[str, Callable[[int, int | None], bool]] = {
    "suppressed": lambda true, shown: shown is None,
    "suppressed, not zero": lambda true, shown: shown is None and true > 0,
    "published": lambda true, shown: shown is not None,
}


@dataclass(frozen=True)
class AttackResult:
    """How often one attack recovers the exact count, against the best blind guess, for one kind of target."""

    attack: str
    targets: str  # "suppressed", "suppressed, not zero" or "published"
    n: int
    recovered: float
    blind: float  # the best guess from the count's published value and its ward's published year
    value_only: float = 0.0  # the best guess from the count's published value alone

    @property
    def noise(self) -> float:
        """Two binomial standard errors of the blind-guess rate: the margin within which the two are equal."""
        return 2 * math.sqrt(max(self.blind * (1 - self.blind), 1e-9) / max(self.n, 1))

    @property
    def beats_blind(self) -> bool:
        """Whether the attack beats the blind guess by more than noise."""
        return self.recovered > self.blind + self.noise


def _ward_counts(con: Connection, filters: Filters, cache: WardCache) -> dict[str, tuple[int | None, str]]:
    """Each ward's count under the filters, with its LAD."""
    fc = wards_layer(con, filters, cache)
    return {f["properties"]["code"]: (f["properties"]["count"], f["properties"]["lad"]) for f in fc["features"]}


def _base(con: Connection, group: str, start: date, end: date, sources: tuple[str, ...], figures: Figures) -> Filters:
    return _counted(con, () if group == ALL else (group,), start, end, sources, figures)


def _counted(
    con: Connection, categories: tuple[str, ...], start: date, end: date, sources: tuple[str, ...], figures: Figures
) -> Filters:
    return resolve_filters(
        con, start=start, end=end, categories=categories, sources=sources, dedupe=False, figures=figures
    )


def _frame(con: Connection, rule: DisclosureRule) -> tuple[tuple[str, ...], list[date]] | None:
    """The council sources and the latest four quarters they hold (None: no council records)."""
    council = tuple(s for s in held_sources(con) if s not in rule.open_sources)
    latest = read.month_extent(con, council)[1]
    if not council or latest is None:
        return None
    end = quarter_end(latest.replace(day=1))
    return council, month_range(add_months(end, -11), end)


def audit(con: Connection, rule: DisclosureRule, cache: WardCache) -> list[AttackResult]:
    """The disclosure audit: every attack on the council table as published below analyst."""
    return [*run_attacks(con, rule, cache), *run_joint_attack(con, rule, cache)]


def run_attacks(
    con: Connection,
    rule: DisclosureRule,
    cache: WardCache,
    groups: tuple[str, ...] = AUDITED_GROUPS,
    figures: Figures | None = None,
) -> list[AttackResult]:
    """Run the differencing attacks on each group of the council table alone over the latest four quarters held
    (published with `figures`, default the rule's); one result per attack and target kind."""
    frame = _frame(con, rule)
    if frame is None:
        return []
    council, months = frame
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
    for kind, chosen in KINDS.items():
        targets = [c for c in truth if chosen(truth[c], shown[c])]
        blind, value_only = blind_rates([(truth[c], shown[c], years.get(c[:2])) for c in targets])
        estimates["posterior"] = _posterior(targets, truth, shown, estimates)
        for attack in ESTIMATORS:
            scored = [c for c in targets if c in estimates[attack]]
            hits = sum(round(estimates[attack][c]) == truth[c] for c in scored)
            rate = hits / len(scored) if scored else 0.0
            results.append(AttackResult(attack, kind, len(scored), rate, blind, value_only))
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


def _leaves(group: str) -> frozenset[str]:
    return frozenset(c.value for c in Category) if group == ALL else frozenset(GROUPS[group])


def atoms_of(groups: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The finest parts the groups split the categories into: leaves that every group takes or leaves alike."""
    parts: dict[tuple[bool, ...], list[str]] = defaultdict(list)
    for leaf in Category:
        signature = tuple(leaf.value in _leaves(g) for g in groups)
        if any(signature):
            parts[signature].append(leaf.value)
    return [tuple(leaves) for leaves in parts.values()]


def window_candidates(months: list[date]) -> list[tuple[date, date]]:
    """Every window the council table has a shape for that touches the months: each month, each calendar quarter,
    and each twelve months ending at a quarter's end (including those that run past the months)."""
    quarters = [(add_months(q, -2), q) for q in months[2::3]]
    years = [(add_months(e, -11), e) for e in month_range(months[2], add_months(months[-1], 11))[::3]]
    return [*((m, m) for m in months), *quarters, *years]


def run_joint_attack(
    con: Connection,
    rule: DisclosureRule,
    cache: WardCache,
    groups: tuple[str, ...] = COUNCIL_GROUPS,
    admit: WindowCheck = admit_held_window,
    sweeps: int = 120,
    scored: tuple[str, ...] | None = None,
) -> list[AttackResult]:
    """The cross-group, cross-window attack on each ward's monthly count of the groups `scored` (default: every group
    in `groups` that holds records), given each group's published value over every window `admit` lets through; one
    result per target kind. Its blind guess, like the other attacks', knows the ward's published year."""
    frame = _frame(con, rule)
    if frame is None:
        return []
    council, months = frame
    atoms = atoms_of(groups)
    codes, truth = _atom_truth(con, cache, council, months, atoms)
    windows, shown = _published_windows(
        con, rule, cache, council, months, read.month_extent(con, council), groups, codes, admit
    )
    values = tuple(dict.fromkeys([None, *(v for table in shown for column in table for v in column)]))
    index = {v: i for i, v in enumerate(values)}
    member = np.array([[set(leaves) <= _leaves(g) for leaves in atoms] for g in groups], dtype=bool)
    problem = JointProblem(
        observed=np.array(
            [[[index[v[w]] for v in table] for table in shown] for w in range(len(codes))], dtype=np.int64
        ),
        values=values,
        windows=np.array([[w[0] <= m <= w[1] for m in months] for w in windows], dtype=bool),
        groups=member,
        rates=gamma_rates(truth),
        largest=int(truth.max()) if truth.size else 0,
    )
    targeted = [g for g, row in enumerate(member) if truth[:, row].any() and groups[g] in (scored or groups)]
    modes = posterior_modes(problem, rule, member[targeted], sweeps=sweeps, burn=sweeps // 4)
    month_window = {w: j for j, w in enumerate(windows) if w[0] == w[1]}
    whole = (months[0], months[-1])
    year = shown[windows.index(whole)] if whole in windows else [[None] * len(codes) for _ in groups]
    cases = [
        (int(truth[w][member[g]][:, i].sum()), shown[month_window[(m, m)]][g][w], year[g][w], int(modes[t, w, i]))
        for t, g in enumerate(targeted)
        for w in range(len(codes))
        for i, m in enumerate(months)
    ]
    results = []
    for kind, chosen in KINDS.items():
        chosen_cases = [c for c in cases if chosen(c[0], c[1])]
        blind, value_only = blind_rates([(true, value, level) for true, value, level, _ in chosen_cases])
        hits = sum(guess == true for true, _, _, guess in chosen_cases)
        rate = hits / len(chosen_cases) if chosen_cases else 0.0
        results.append(AttackResult("joint", kind, len(chosen_cases), rate, blind, value_only))
    return results


def _atom_truth(
    con: Connection, cache: WardCache, council: tuple[str, ...], months: list[date], atoms: list[tuple[str, ...]]
) -> tuple[list[str], Ints]:
    """The wards of the LADs council records come from, and their true counts [ward, atom, month]."""
    counts: dict[str, Ints] = {}
    lad_of: dict[str, str] = {}
    for a, leaves in enumerate(atoms):
        for i, m in enumerate(months):
            filters = _counted(con, (), m, m, council, EXACT).only(categories=leaves)  # leaves, not groups
            for code, (n, lad) in _ward_counts(con, filters, cache).items():
                lad_of[code] = lad
                counts.setdefault(code, np.zeros((len(atoms), len(months)), dtype=np.int64))[a, i] = int(n or 0)
    active = {lad_of[code] for code, n in counts.items() if n.any()}
    codes = [code for code in counts if lad_of[code] in active]
    return codes, np.array([counts[code] for code in codes], dtype=np.int64).reshape(-1, len(atoms), len(months))


def _published_windows(
    con: Connection,
    rule: DisclosureRule,
    cache: WardCache,
    council: tuple[str, ...],
    months: list[date],
    held: Held,
    groups: tuple[str, ...],
    codes: list[str],
    admit: WindowCheck,
) -> tuple[list[tuple[date, date]], list[list[list[int | None]]]]:
    """The windows answered (each distinct span of the months once) and, for each, each group's published value
    by ward: shown[j][g][w]."""
    windows: list[tuple[date, date]] = []
    spans: set[tuple[date, date]] = set()
    shown: list[list[list[int | None]]] = []
    for start, end in window_candidates(months):
        try:
            admit(start, end, held)
        except ParameterError:
            continue
        span = (max(start, months[0]), min(end, months[-1]))
        first, last = (m.replace(day=1) if m else None for m in held)
        outside_frame = (
            first is not None and last is not None and (max(start, first) < months[0] or min(end, last) > months[-1])
        )
        if span in spans or span[0] > span[1] or outside_frame:  # the same records as a window already read
            continue
        spans.add(span)
        windows.append(span)
        table = []
        for g in groups:
            public = _ward_counts(con, _base(con, g, start, end, council, Published(rule)), cache)
            table.append([public[code][0] for code in codes])
        shown.append(table)
    return windows, shown


def blind_rates(cases: list[tuple[int, int | None, int | None]]) -> tuple[float, float]:
    """The exact-hit rates of the best guesses without algebra over (true count, published value, ward's published
    year) cases: the commonest true count per pair of published values (the level a ward's year publishes), and per
    published value alone."""
    if not cases:
        return 0.0, 0.0
    by_level: dict[tuple[int | None, int | None], Counter[int]] = defaultdict(Counter)
    by_value: dict[int | None, Counter[int]] = defaultdict(Counter)
    for true, value, level in cases:
        by_level[(value, level)][true] += 1
        by_value[value][true] += 1
    return tuple(  # type: ignore[return-value]
        sum(c.most_common(1)[0][1] for c in table.values()) / len(cases) for table in (by_level, by_value)
    )


def markdown(results: list[AttackResult]) -> str:
    """The audit as a Markdown table."""
    lines = [
        "| attack | targets | cases | exact recovery | best blind guess | beats blind by more than noise "
        "| guess from the value alone |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        verdict = "**yes**" if r.beats_blind else f"no (noise ±{r.noise:.1%})"
        lines.append(
            f"| {r.attack} | {r.targets} | {r.n:,} | {r.recovered:.1%} | {r.blind:.1%} | {verdict} "
            f"| {r.value_only:.1%} |"
        )
    return "\n".join(lines)
