"""The problem pages: the list of problems a reader may see, and one problem as that reader may see it (the view
api/access/tasking.py gives, never more), with its frozen profile, actions, reviews, evaluation and audit."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from api.access.capabilities import Capabilities
from api.render.templates import render_page

STATUS_WORDS = {
    "scanning": "Scanning: the problem is being identified",
    "analysis": "Analysis: the problem is being understood",
    "response": "Response: actions are under way",
    "assessment": "Assessment: the response is being assessed",
    "closed": "Closed",
}


def _num(x: float | None, fmt: str = "{:+.0f}") -> str:
    return "n/a" if x is None else fmt.format(x)


def target_words(target: dict[str, Any]) -> str:
    """A target's reading: against comparable places when the evaluation has one (older ones say met or not)."""
    if target.get("reading"):
        return str(target["reading"])
    return {True: "met", False: "not met", None: "cannot be judged"}[target["met"]]


def _placebo_rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    placebo = result["placebo"]
    rr = placebo["rate_ratio"]
    value = "n/a" if rr["ratio"] is None else f"rate ratio {rr['ratio']:.2f}"
    if rr["ratio"] is not None:
        value += f" (placebo 95% interval {rr['low']:.2f} to {rr['high']:.2f}, placebo p {rr['p']:.3f})"
    rows = [(f"Against {placebo['areas']} comparable places", value, str(result["verdict"]))]
    scaled = placebo["wdd_scaled_control"]
    rows.append(
        (
            "WDD with controls scaled to the areas they control",
            f"{scaled['value']:+.0f}",
            _placebo_interval(scaled),
        )
    )
    return rows


def _placebo_interval(r: dict[str, Any]) -> str:
    if r["low"] is None:
        return "no placebo area to compare with"
    return (
        f"comparable places' median {r['placebo_median']:+.0f}; the difference {r['effect']:+.0f}, placebo 95% "
        f"interval {r['low']:+.0f} to {r['high']:+.0f}, placebo p {r['p']:.3f}"
    )


def _dosage(figures: dict[str, Any] | None, period: dict[str, Any]) -> str:
    if figures is None:
        return "no delivery held for these dates"
    held = "" if period["days_held"] >= period["days"] else f" ({period['days_held']} of {period['days']} days held)"
    return (
        f"{figures['minutes']:g} minutes present, {figures['visits']} visits, {figures['compliant_visits']} of 10 "
        f"minutes or more{held}"
    )


def _dose_row(found: dict[str, Any]) -> tuple[str, str, str]:
    label = f"Dose-response across {found['cells']} cell{'' if found['cells'] == 1 else 's'}"
    estimate = found.get("estimate")
    if estimate is None:
        return label, "no estimate", str(found.get("why_not") or "")
    value = (
        f"slope {estimate['slope']:+.4f} a minute a day (rate ratio {estimate['rate_ratio_per_unit']:.3f}; "
        f"permutation p {estimate['p_value']:.3f})"
    )
    return label, value, str(found.get("reading") or "")


def ward_delivery_rows(wards: list[dict[str, Any]], note: str) -> list[tuple[str, str, str]]:
    """Monthly ward totals of delivery as rows (all that is shown below analyst)."""
    if not wards:
        return [("Delivery", "not shown", note)]
    return [
        (
            f"Delivery in {w['ward_name']}, {w['month']}",
            f"{w['minutes']} minutes present, {w['visits']} visits, {w['compliant_visits']} of 10 minutes or more",
            note,
        )
        for w in wards
    ]


def delivery_rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """An evaluation's delivery as (measure, value, what it says) rows: the delivery verdict, the dosage before and
    after in the response area, buffer and control wards, and the dose-response; or, below analyst, ward totals."""
    delivery = result.get("delivery")
    if not delivery:
        return []
    if "areas" not in delivery:
        return ward_delivery_rows(delivery.get("wards") or [], str(delivery.get("note") or ""))
    rows = [("Delivery", str(delivery["verdict"]), str(delivery["words"]))]
    names = {"response": "the response area", "buffer": "the displacement buffer", "control": "the control wards"}
    for key, name in names.items():
        area = delivery["areas"][key]
        for period in ("before", "after"):
            rows.append(
                (
                    f"Delivery in {name}, {period}",
                    _dosage(area[period], delivery[period]),
                    f"{delivery[period]['from']} to {delivery[period]['to']}",
                )
            )
    rows.append(_dose_row(delivery["dose_response"]))
    return rows


def evaluation_numbers(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """An evaluation's figures as (measure, value, what it says) rows for the meeting."""
    w, q = result["wdd"], result["wdq"]
    rr, rc = result["rate_ratio"], result["rate_ratio_against_control"]
    placebo = result.get("placebo")
    sig = w["high"] < 0 or w["low"] > 0
    rows = _placebo_rows(result) if placebo else []
    rows += [
        (
            "Weighted displacement difference (WDD)",
            f"{w['total']:+.0f} (SE {w['se']:.1f}, z {w['z']:.2f}, 95% interval {w['low']:+.0f} to {w['high']:+.0f})",
            _placebo_interval(placebo["wdd"])
            if placebo
            else ("beyond chance" if sig else "within chance: no change can be claimed"),
        ),
        ("Weighted displacement quotient (WDQ)", _num(q["wdq"], "{:.2f}"), str(q["reading"])),
        (
            "Total net effect (TNE)",
            _num(q["total_net_effect"], "{:+.1f}"),
            "incidents prevented in the area and buffer together (negative: added)",
        ),
    ]
    ratios = [("Rate ratio, after over before", rr), ("Rate ratio against the control", rc)]
    if "rate_ratio_overdispersed" in result:
        ratios += [
            ("Rate ratio, after over before (overdispersed)", result["rate_ratio_overdispersed"]),
            ("Rate ratio against the control (overdispersed)", result["rate_ratio_against_control_overdispersed"]),
        ]
    for label, r in ratios:
        value = "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}"
        if r["ratio"] is not None and r["low"] is not None:
            value += f" (95% interval {r['low']:.2f} to {r['high']:.2f})"
        rows.append((label, value, str(r["method"])))
    target = result.get("target")
    if target:
        change = "n/a" if target["change"] is None else f"{target['change'] * 100:+.0f}%"
        words = f"{target['direction']} {target['percent']:g}% against {target['against']}"
        rows.append((f"Target: {words}", f"change {change}", target_words(target)))
    return rows + delivery_rows(result)


def places_merged(places: list[dict[str, Any]], top: int = 10) -> list[dict[str, Any]]:
    """The streets and places of every source visible, commonest first, with the sources that name each."""
    counts: dict[str, int] = defaultdict(int)
    named: dict[str, set[str]] = defaultdict(set)
    for p in places:
        counts[p["place"]] += int(p["count"])
        named[p["place"]].add(str(p["source"]))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [{"place": k, "count": n, "sources": ", ".join(sorted(named[k]))} for k, n in ranked]


def render_problem_list(lines: list[dict[str, Any]], caps: Capabilities, nonce: str = "") -> str:
    """The problems a reader may see, with status, owner and overdue actions (where the reader may see them)."""
    return render_page(
        "problems.html",
        nonce,
        lines=lines,
        problems=caps.problems,
        details=caps.problem_details,
        status_words=STATUS_WORDS,
    )


def render_problem_page(
    view: dict[str, Any],
    pictures: dict[str, str],
    audit: list[dict[str, Any]] | None,
    nonce: str = "",
) -> str:
    """One problem as the reader may see it; pictures are data: URIs (area map, monthly chart) or absent."""
    profile = view.get("profile")
    wards = view.get("wards") or [str(n["name"]) for n in (view.get("area") or {}).get("names") or []]
    title = view.get("title") or f"Problem {view['id']}: {view['category_group']} in {', '.join(wards) or 'its area'}"
    actions = None
    if "actions" in view:
        actions = [
            {
                **a,
                "target": a["target_text"] if "target_text" in a else a.get("target"),
                "measure": a.get("measure"),
            }
            for a in view["actions"]
        ]
    full_reviews = "reviews" in view
    reviews = view["reviews"] if full_reviews else view.get("progress_notes", [])
    evaluations = [
        {**e, "numbers": evaluation_numbers(e["result"])} if "result" in e else e for e in view.get("evaluations", [])
    ]
    return render_page(
        "problem.html",
        nonce,
        p=view,
        title=title,
        wards=wards,
        actions=actions,
        full_reviews=full_reviews,
        reviews=reviews,
        profile=profile,
        places=places_merged(profile["places"]) if profile else [],
        evaluations=evaluations,
        pictures=pictures,
        audit=audit,
        status_words=STATUS_WORDS,
    )
