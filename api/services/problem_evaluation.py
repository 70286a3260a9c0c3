"""Did it work: a problem's response area before and after, against a suggested control area (wards outside a
buffer with a similar pre-period level and trend), with its displacement buffer (a ring of cells around the
response cells): WDD, WDQ and total net effect, rate ratios (Poisson and quasi-Poisson on monthly counts), all read
against placebo areas where nothing was done, and the result in plain words against the target."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import numpy as np
import shapely

from api.services.comparison import not_held
from api.services.errors import ParameterError
from api.services.evaluation_delivery import problem_delivery
from api.services.placebo_evaluation import placebo_block
from api.services.problem_area import area_cells, area_ward_codes, cell_texts, ward_shapes
from api.services.problem_profile import incident_filter
from geo.evaluation_placebo import FELL, SAME, overdispersed_irr, overdispersed_relative_irr, target_reading
from geo.evaluation_wdd import Pair, before_after_irr, relative_irr, target_met, wdd, wdq
from geo.problem_areas import outline, ring_cells
from geo.trends import add_months
from ingest.store import read
from ingest.store.connection import Connection

CONTROL_WARDS = 5
EXCLUSION_M = 500.0  # control wards lie this far beyond the buffer, at least


def _months(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _by_month(rows: list[dict[str, Any]], span: tuple[date, date]) -> list[int]:
    """Counts per month of the span (0 where none), from rows of month and count."""
    months = [add_months(span[0], i) for i in range(_months(*span))]
    found: dict[date, int] = {}
    for r in rows:
        found[r["month"]] = found.get(r["month"], 0) + int(r["count"])
    return [found.get(m, 0) for m in months]


def _pair_and_trend(
    con: Connection,
    group: str,
    sources: list[str],
    res: int,
    cells: np.ndarray,
    before: tuple[date, date],
    after: tuple[date, date],
) -> tuple[Pair, float, tuple[list[int], list[int]]]:
    """Counts before and after in the cells, the before period's trend (second half over first half), and the
    counts per month of both periods."""
    ids = [int(c) for c in cells]
    rows = read.cell_breakdown(con, incident_filter(group, sources, before[0], after[1]), res, ids).to_pylist()
    half = add_months(before[0], _months(*before) // 2)
    b = sum(int(r["count"]) for r in rows if before[0] <= r["month"] <= before[1])
    a = sum(int(r["count"]) for r in rows if after[0] <= r["month"] <= after[1])
    first = sum(int(r["count"]) for r in rows if before[0] <= r["month"] < half)
    second = b - first
    return Pair(b, a), (second + 1) / (first + 1), (_by_month(rows, before), _by_month(rows, after))


def _ward_months(
    con: Connection,
    group: str,
    sources: list[str],
    boundary_set: str,
    codes: list[str],
    before: tuple[date, date],
    after: tuple[date, date],
) -> tuple[list[int], list[int]]:
    """The wards' counts per month of both periods, summed."""
    f = incident_filter(group, sources, before[0], after[1])
    rows = [r for c in codes for r in read.monthly_counts(con, f, ward=(boundary_set, c)).to_pylist()]
    return _by_month(rows, before), _by_month(rows, after)


def _ward_table(
    con: Connection,
    group: str,
    sources: list[str],
    boundary_set: str,
    before: tuple[date, date],
    after: tuple[date, date],
) -> dict[str, dict[str, int]]:
    """Per ward: before, after, and the before period's two halves."""
    half = add_months(before[0], _months(*before) // 2)
    f_after = incident_filter(group, sources, after[0], after[1])
    f_second = incident_filter(group, sources, half, before[1])
    main = read.ward_counts(con, f_after, boundary_set, before).to_pylist()
    halves = read.ward_counts(con, f_second, boundary_set, (before[0], add_months(half, -1))).to_pylist()
    out = {
        r["code"]: {"after": int(r["count"]), "before": int(r["previous_count"]), "first": 0, "second": 0} for r in main
    }
    for r in halves:
        row = out.setdefault(r["code"], {"after": 0, "before": 0, "first": 0, "second": 0})
        row["second"], row["first"] = int(r["count"]), int(r["previous_count"])
    return out


def _match(candidates: list[str], table: dict[str, dict[str, int]], level: int, trend: float, k: int) -> list[str]:
    """The k wards closest to a level and trend (distance on the log scale of both)."""

    def distance(code: str) -> float:
        w = table.get(code, {"before": 0, "first": 0, "second": 0})
        w_trend = (w["second"] + 1) / (w["first"] + 1)
        return abs(math.log((w["before"] + 1) / (level + 1))) + abs(math.log(w_trend / trend))

    usable = [c for c in candidates if table.get(c, {}).get("before", 0) > 0]
    return sorted(usable, key=lambda c: (distance(c), c))[:k]


def _sum(codes: list[str], table: dict[str, dict[str, int]]) -> Pair:
    return Pair(sum(table[c]["before"] for c in codes), sum(table[c]["after"] for c in codes))


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:+.0f}%"


def evaluate(
    con: Connection,
    problem: dict[str, Any],
    before: tuple[date, date],
    after: tuple[date, date],
    buffer_m: float = 250.0,
    control: list[str] | None = None,
    target: dict[str, Any] | None = None,
    others: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The evaluation of a problem's response over before/after periods of equal length, read against placebo
    areas (`others`: the other problems, whose live areas are no placebo)."""
    if before[0] > before[1] or after[0] > after[1] or after[0] <= before[1]:
        raise ParameterError("after", "give a before period, then an after period that starts after it ends")
    if _months(*before) != _months(*after):
        raise ParameterError("after", "the before and after periods must be of the same number of months")
    if not 0 < buffer_m <= 2000:
        raise ParameterError("buffer_m", "the displacement buffer is 1 to 2000 metres")
    group, sources, area = problem["category_group"], list(problem["sources"]), problem["area"]
    unheld = not_held(con, tuple(sources), before[0], after[1])
    if unheld:
        raise ParameterError("after", unheld)
    res, cells = area_cells(con, area)
    ring = ring_cells(cells, buffer_m)
    treated, treated_trend, treated_months = _pair_and_trend(con, group, sources, res, cells, before, after)
    buffer, buffer_trend, _ = _pair_and_trend(con, group, sources, res, ring, before, after)
    boundary_set = area["boundary_set"]
    shapes = ward_shapes(con, boundary_set)
    inside = area_ward_codes(area)
    lads = {shapes.lads[i] for i, c in enumerate(shapes.codes) if c in inside}
    zone = outline(np.concatenate([cells, ring_cells(cells, buffer_m + EXCLUSION_M)]))
    near = set(np.asarray(shapes.codes)[shapely.intersects(shapes.geometries, zone)].tolist()) if len(cells) else set()
    candidates = [c for i, c in enumerate(shapes.codes) if shapes.lads[i] in lads and c not in near | inside]
    table = _ward_table(con, group, sources, boundary_set, before, after)
    if control:
        unknown = [c for c in control if c not in table and c not in shapes.codes]
        if unknown:
            raise ParameterError("control", f"not wards of {boundary_set}: {', '.join(unknown)}")
        chosen = list(dict.fromkeys(control))
    else:
        chosen = _match(candidates, table, treated.before, treated_trend, CONTROL_WARDS)
    rest = [c for c in candidates if c not in chosen]
    buffer_chosen = _match(rest, table, buffer.before, buffer_trend, CONTROL_WARDS)
    if not chosen or not buffer_chosen:
        raise ParameterError("control", "no control wards with incidents outside the buffer: name them with control")
    ctrl, buffer_ctrl = _sum(chosen, table), _sum(buffer_chosen, table)
    for c in chosen + buffer_chosen:
        table.setdefault(c, {"before": 0, "after": 0, "first": 0, "second": 0})
    names = dict(zip(shapes.codes, shapes.names, strict=True))
    w = wdd(treated, ctrl, buffer, buffer_ctrl)
    q = wdq(treated, ctrl, buffer)
    months = float(_months(*before))
    irr = before_after_irr(treated, months, months)
    rel = relative_irr(treated, ctrl)
    control_months = _ward_months(con, group, sources, boundary_set, chosen, before, after)
    placebo = placebo_block(
        con,
        problem,
        others,
        {x for x in lads if x},
        res,
        cells,
        ring,
        (before, after),
        (treated, ctrl, buffer, buffer_ctrl),
    )
    result: dict[str, Any] = {
        "before": {"from": f"{before[0]:%Y-%m}", "to": f"{before[1]:%Y-%m}"},
        "after": {"from": f"{after[0]:%Y-%m}", "to": f"{after[1]:%Y-%m}"},
        "category": group,
        "sources": sources or ["all"],
        "areas": {
            "response": {"cells": len(cells), "res": res, **asdict(treated)},
            "buffer": {"cells": len(ring), "metres": buffer_m, **asdict(buffer), "cell_ids": cell_texts(ring)},
            "control": {"wards": [{"code": c, "name": names.get(c, c)} for c in chosen], **asdict(ctrl)},
            "buffer_control": {
                "wards": [{"code": c, "name": names.get(c, c)} for c in buffer_chosen],
                **asdict(buffer_ctrl),
            },
        },
        "wdd": asdict(w),
        "wdq": asdict(q),
        "rate_ratio": asdict(irr),
        "rate_ratio_against_control": asdict(rel),
        "rate_ratio_overdispersed": asdict(overdispersed_irr(*treated_months)),
        "rate_ratio_against_control_overdispersed": asdict(
            overdispersed_relative_irr(*treated_months, *control_months)
        ),
        "placebo": placebo,
        "verdict": placebo["verdict"],
        "control_selection": (
            "named by the analyst"
            if control
            else f"the {CONTROL_WARDS} wards of the same districts, more than {EXCLUSION_M:g} m beyond the buffer, "
            "closest to the response area in before-period count and trend (second half over first half)"
        ),
    }
    result["target"] = _target(target, irr.ratio, rel.ratio, placebo["verdict"])
    result["delivery"] = problem_delivery(
        con,
        problem,
        (res, cells, ring),
        (before, after),
        (shapes, chosen),
        placebo["verdict"],
        tuple(sorted(x for x in lads if x)),
    )
    result["delivery_verdict"] = result["delivery"]["verdict"]
    result["summary"] = _words(treated, ctrl, buffer, w, q, rel, result["target"], placebo)
    return result


def _target(target: dict[str, Any] | None, irr: float | None, rel: float | None, said: str) -> dict[str, Any] | None:
    if not target:
        return None
    ratio = rel if target["against"] == "control" else irr
    change = None if ratio is None or math.isinf(ratio) else ratio - 1
    met = target_met(change, target["direction"], target["percent"])
    return {**target, "change": change, "met": met, "reading": target_reading(met, target["direction"], said)}


def _placebo_words(placebo: dict[str, Any]) -> str:
    """The verdict against comparable places, with the placebo p-value and interval."""
    rr = placebo["rate_ratio"]
    said = placebo["verdict"]
    head = f"Verdict: the response area {'was ' if said == SAME else ''}{said}"
    if rr["ratio"] is None:
        return head + " (no placebo area could be drawn: nothing to compare with)."
    return (
        f"{head} (placebo p {rr['p']:.3f} among {placebo['areas']} placebo areas of its size and before-period "
        f"level; rate ratio against them {rr['ratio']:.2f}, placebo 95% interval {rr['low']:.2f} to {rr['high']:.2f})."
    )


def _words(
    treated: Pair,
    ctrl: Pair,
    buffer: Pair,
    w: Any,
    q: Any,
    rel: Any,
    target: dict[str, Any] | None,
    placebo: dict[str, Any],
) -> str:
    def change(p: Pair) -> str:
        return f"{p.before} to {p.after} ({_pct(p.change / p.before if p.before else None)})"

    pw, ps = placebo["wdd"], placebo["wdd_scaled_control"]

    def interval(r: dict[str, Any]) -> str:
        if r["low"] is None:
            return "no placebo area to compare with"
        return (
            f"comparable places' median {r['placebo_median']:+.0f}, the difference {r['effect']:+.0f} with placebo "
            f"95% interval {r['low']:+.0f} to {r['high']:+.0f}, placebo p {r['p']:.3f}"
        )

    words = [
        _placebo_words(placebo),
        f"Incidents in the response area went from {change(treated)}, in the control area from {change(ctrl)} "
        f"and in the displacement buffer from {change(buffer)}.",
        f"Weighted displacement difference: {w.total:+.0f} ({interval(pw)}; the Poisson interval {w.low:+.0f} to "
        f"{w.high:+.0f} assumes Poisson counts and takes the controls' changes at face value); with the controls "
        f"scaled to the areas they control: {ps['value']:+.0f} ({interval(ps)}).",
    ]
    caveat = (
        "" if placebo["verdict"] == FELL else " (a reading for a response area that fell more than comparable places)"
    )
    if q.wdq is not None:
        words.append(f"WDQ {q.wdq:.2f}: {q.reading}{caveat}.")
    else:
        words.append(f"WDQ {q.reading}.")
    if rel.ratio is not None:
        words.append(
            f"Against the control the rate changed {_pct(rel.ratio - 1)} "
            f"(rate ratio {rel.ratio:.2f}, Poisson 95% interval {rel.low:.2f} to {rel.high:.2f})."
        )
    if target:
        words.append(
            f"Target ({target['direction']} {target['percent']:g}% against {target['against']}): {target['reading']}."
        )
    return " ".join(words)
