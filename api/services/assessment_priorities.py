"""Priorities the partnership may consider, each suggested from the assessment's measured figures and giving the
figure it rests on: suggestions for the partnership to weigh with what AIM does not hold, never decisions."""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]
TOP_WARDS = 3


def _cells(n: int) -> str:
    return f"{n} cell" if n == 1 else f"{n} cells"


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "none"


def _suggestion(section: str, suggestion: str, because: str) -> Row:
    return {"section": section, "suggestion": suggestion, "because": because}


def _wards(report: Row) -> list[Row]:
    wards, total = report["levels"]["wards"], report["levels"]["total"]["total"] or 0
    out = []
    top = wards[:TOP_WARDS]
    if top and total:
        names = ", ".join(w["name"] for w in top)
        held = sum(w["count"] for w in top)
        out.append(
            _suggestion(
                "levels",
                f"Consider {names} as priority wards for the coming year.",
                f"{held:,} of the district's {total:,} ASB incidents ({_share(held, total)}) were in these "
                f"{len(top)} of its {len(wards)} wards with records.",
            )
        )
    rising = [w for w in wards if w["significant"] and (w["excess"] or 0) > 0]
    for w in rising[:TOP_WARDS]:
        out.append(
            _suggestion(
                "changes",
                f"Consider looking into the rise in {w['name']}.",
                f"{w['count']:,} incidents against {w['previous_count']:,} the year before, {w['excess']:+.0f} above "
                "what the district's own change gives (significant after FDR control across its wards).",
            )
        )
    return out


def _categories(report: Row) -> list[Row]:
    categories, total = report["levels"]["categories"], report["levels"]["total"]["total"] or 0
    if not categories or not total:
        return []
    first = categories[0]
    return [
        _suggestion(
            "levels",
            f"Consider {first['label'].lower()} as a theme for the partnership's plan.",
            f"the largest ASB category of a recorded type: {first['total']:,} of {total:,} incidents "
            f"({_share(first['total'], total)}).",
        )
    ]


def _hotspots(report: Row) -> list[Row]:
    groups = {g["group"]: g for g in report["hotspots"]["groups"]}
    out = []
    persistent, new = groups["persistent"], groups["new"]
    if persistent["cells"]:
        wards = list(dict.fromkeys(c["ward_name"] for c in persistent["listed"] if c["ward_name"]))[:3]
        out.append(
            _suggestion(
                "hotspots",
                "Consider problem-solving at the persistent hot spots"
                + (f", chiefly in {', '.join(wards)}." if wards else "."),
                f"{_cells(persistent['cells'])} were hot in at least 90% of the year's months.",
            )
        )
    if new["cells"]:
        out.append(
            _suggestion(
                "hotspots",
                "Consider watching the new hot spots at the fortnightly tasking meetings.",
                f"{_cells(new['cells'])} became hot only at the end of the year.",
            )
        )
    return out


def _places(report: Row) -> list[Row]:
    repeat, spread = report["places"]["repeat"], report["places"]["concentration"]
    if not repeat.get("repeat_places") or spread is None or spread["half"] is None:
        return []
    rate, chance = repeat.get("repeat_rate"), repeat.get("chance_rate")
    beyond = (
        f"; {rate:.0%} of incidents were at places with another, above the {chance:.0%} chance alone gives"
        if rate is not None and chance is not None and rate > chance
        else ""
    )
    return [
        _suggestion(
            "places",
            "Consider place-based work at the places where incidents concentrate and repeat.",
            f"half of the year's incidents were at {spread['half']:.1%} of the district's {spread['places']:,} places; "
            f"{repeat['repeat_places']:,} places had {repeat['repeat_at']} or more incidents in the 12 months to "
            f"{repeat['to']}{beyond}.",
        )
    ]


def _work(report: Row) -> list[Row]:
    out = []
    problems = report["problems"]
    unevaluated = problems["opened"] - problems["evaluated"]
    if problems["opened"] == 0:
        out.append(
            _suggestion(
                "problems",
                "Consider opening problems for the priority wards and persistent hot spots.",
                "no problem was opened in the district's wards in the year.",
            )
        )
    elif unevaluated:
        out.append(
            _suggestion(
                "problems",
                "Consider evaluating the problems opened that have no evaluation yet.",
                f"{unevaluated} of the {problems['opened']} problems opened in the year have none kept.",
            )
        )
    if not report["delivery"]["held"]:
        out.append(
            _suggestion(
                "delivery",
                "Consider sharing patrol movement data so that delivery against the patrol plan can be measured.",
                "no patrol delivery is held for the year.",
            )
        )
    return out


def _coverage(report: Row) -> list[Row]:
    out = []
    for f in report["feeds"]["feeds"]:
        if f["gaps"]:
            months = ", ".join(g["month"] for g in f["gaps"])
            out.append(
                _suggestion(
                    "feeds",
                    f"Consider asking the owner of {f['feed']} to check and fill its gaps before its figures are "
                    "relied on.",
                    f"months flagged by the source monitor in the year: {months}.",
                )
            )
    if not report["changes"]["comparable"]:
        out.append(
            _suggestion(
                "changes",
                "Consider loading every month of this year and the previous one for every source, so that change "
                "can be measured.",
                report["changes"]["note"] + ".",
            )
        )
    return out


def priorities(report: Row) -> list[Row]:
    """The suggested priorities, each with the measured figure it rests on and the section that holds it."""
    return [
        *_wards(report),
        *_categories(report),
        *_hotspots(report),
        *_places(report),
        *_work(report),
        *_coverage(report),
    ]
