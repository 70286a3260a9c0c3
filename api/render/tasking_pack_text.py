"""The tasking pack's tables as rows of plain text, shared by the printed pack and the page (each escapes them its
own way), and the printed patrol plan's picture."""

from __future__ import annotations

import base64
from typing import Any

from api.render.patrol_print import render_plan

PATTERNS = {
    "intensifying": "intensifying",
    "new": "new (last month)",
    "consecutive": "new (run of months)",
}


def patrol_png(pack: dict[str, Any]) -> bytes:
    """The patrol plan as drawn for printing (api/render/patrol_print.py), as PNG bytes."""
    return render_plan(pack["patrol"]["plan"], pack["patrol"]["_wards"], "png")


def patrol_data_url(pack: dict[str, Any]) -> str:
    """The patrol plan picture as a data: URL for the page."""
    return "data:image/png;base64," + base64.b64encode(patrol_png(pack)).decode("ascii")


def summary_rows(pack: dict[str, Any]) -> list[list[object]]:
    """What the pack holds, counted."""
    s = pack["summary"]
    return [
        ["Open problems", s["problems"]],
        ["Actions", s["actions"]],
        ["Actions overdue", s["overdue"]],
        ["Actions due in the coming fortnight", s["due_in_fortnight"]],
        ["Actions done since the last meeting", s["done_since_last_meeting"]],
        ["Evaluations due", s["evaluations_due"]],
        ["Patrol plan cells", s["patrol_cells"]],
        ["Planned cells patrolled since the last meeting", s["patrol_cells_visited"]],
        ["New and intensifying hotspots", s["hotspots"]],
        ["Places holding half the incidents", s["places_holding_half"]],
        ["Top repeat places", s["repeat_places"]],
        ["Recent incidents with near-repeat risk still elevated", s["near_repeat_recent"]],
        ["Risky facilities (above their list's J-curve knee)", s["risky_facilities"]],
        ["Feeds with gaps flagged", s["feeds_flagged"]],
        ["Open cases on the agencies' worklists", _worklist_count(pack)],
    ]


def _worklist_count(pack: dict[str, Any]) -> object:
    w = pack["worklist"]
    return f"{w['cases']} ({w['first']} confirmed repeat victims with a high risk)" if w["held"] else "not in this pack"


WORKLIST_HEADER = ["Case", "Owner or party", "Owner", "Officer", "Role", "Risk", "Repeat victim", "Opened", "Days open"]


def worklist_rows(part: dict[str, Any]) -> list[list[object]]:
    """An agency's part of the worklist, in its order (a confirmed repeat victim with a high risk marked first)."""
    return [
        [
            ("FIRST: " if c["first"] else "") + c["reference"],
            c["part"],
            c["owner_agency"],
            c["officer"],
            c["subject_role"],
            c["risk_level"] or "not assessed",
            "confirmed" if c["repeat_victim"] else "",
            str(c["opened"]),
            c["days_open"],
        ]
        for c in part["cases"]
    ]


def action_rows(problem: dict[str, Any]) -> list[list[object]]:
    """A problem's actions: what, owner agency, start, due, status, flag for this meeting, target."""
    return [
        [
            a["what"],
            a["owner_agency"],
            f"{a['start']:%d %b %Y}",
            f"{a['due']:%d %b %Y}",
            a["status"] + (f" ({a['done_on']:%d %b %Y})" if a["status"] == "done" and a["done_on"] else ""),
            a["flag"] or "",
            a["target_text"] or "",
        ]
        for a in problem["actions"]
    ]


def evaluation_rows(evaluation: dict[str, Any]) -> list[list[object]]:
    """An evaluation's numbers: response and control counts before and after, the WDD with its interval."""
    b, a = evaluation["before"], evaluation["after"]
    w = evaluation["wdd"]
    met = (
        evaluation.get("target_reading")
        or {True: "met", False: "not met", None: "cannot be judged"}[evaluation["target_met"]]
    )
    verdict = [["Against comparable places", evaluation["verdict"], ""]] if evaluation.get("verdict") else []
    if evaluation.get("delivery_verdict"):
        verdict.append(["Patrol delivery", evaluation["delivery_verdict"], ""])
    return verdict + [
        ["Months", f"{b['from']} to {b['to']}", f"{a['from']} to {a['to']}"],
        ["Incidents in the response area", evaluation["response"]["before"], evaluation["response"]["after"]],
        ["Incidents in the control area", evaluation["control"]["before"], evaluation["control"]["after"]],
        ["Weighted displacement difference", f"{w['total']:+.0f}", f"95% interval {w['low']:+.0f} to {w['high']:+.0f}"],
        ["Target", met, ""],
    ]


def _places(places: list[Any]) -> str:
    return ", ".join(p["place"] if isinstance(p, dict) else str(p) for p in places or [])


def patrol_rows(plan: dict[str, Any]) -> list[list[object]]:
    """The plan's cells: rank, ward, streets and places, grid reference, postcode, expected a month, trend."""
    return [
        [
            r["rank"],
            r["ward_name"] or r["ward"] or "",
            _places(r.get("places") or []),
            r.get("grid_ref") or "",
            (r.get("nearest_postcode") or {}).get("postcode", ""),
            f"{r['expected_per_month']:.1f}",
            r["trend"],
        ]
        for r in plan["cells"]
    ]


DELIVERY_HEADER = [
    "#",
    "Ward",
    "Minutes planned",
    "Minutes delivered",
    "Compliant visits planned",
    "Delivered",
    "Visits",
    "Share",
]


def delivery_rows(delivery: dict[str, Any], plan: dict[str, Any]) -> list[list[object]]:
    """Each planned cell since the last meeting: its number and ward (as printed), minutes planned and delivered,
    compliant visits planned and delivered, visits of any length, and the share of its plan delivered."""
    wards = {r["h3"]: r["ward_name"] or r["ward"] for r in plan["cells"]}
    return [
        [
            r["rank"],
            wards.get(r["h3"]) or r["ward"] or "",
            f"{r['planned_minutes']:.0f}",
            f"{r['minutes']:.0f}",
            f"{r['planned_visits']:g}",
            r["compliant_visits"],
            r["visits"],
            f"{r['share_delivered']:.0%}",
        ]
        for r in delivery["cells"]
    ]


def hotspot_rows(hotspots: dict[str, Any]) -> list[list[object]]:
    """The hotspots: pattern, ward, streets and places, grid reference, last three months, months hot."""
    return [
        [
            PATTERNS.get(c["class"], c["class"]),
            c["ward_name"] or c["ward"] or "",
            _places(c["places"]),
            c["grid_ref"] or "",
            " ".join(str(v) for v in c["recent_counts"].values()),
            c["slices_hot"],
        ]
        for c in hotspots["cells"]
    ]


def gap_rows(sources: dict[str, Any]) -> list[list[object]]:
    """The feeds: name, source, latest month, and the months flagged (or none)."""
    return [
        [
            f["feed"],
            f["source"],
            f["latest_month"] or "",
            "; ".join(f"{g['month']} {g['kind']}: {g['message']}" for g in f["gaps"])
            or ("lagging: a month or two behind, not a gap" if f["status"] == "lagging" else "no gaps flagged"),
        ]
        for f in sources["feeds"]
    ]


def concentration_rows(concentration: dict[str, Any]) -> list[list[object]]:
    """The concentration figures: area, category and year, places, incidents, the shares of places holding 50% and
    25%, the Gini, the generalized Gini (unbiased) and the share beyond chance."""

    def share(v: float | None) -> str:
        return "" if v is None else f"{v:.1%}"

    def figure(v: float | None) -> str:
        return "" if v is None else f"{v:.2f}"

    return [
        [
            f"{r['area_name']}, {r['category']} {r['year']}",
            f"{r['places']:,}",
            f"{r['incidents']:,}",
            share(r["half"]),
            share(r["quarter"]),
            figure(r["gini"]),
            figure(r["generalized_unbiased"]),
            share(r["beyond_chance"]),
        ]
        for r in concentration["rows"]
    ]


def repeat_rows(repeats: dict[str, Any]) -> list[list[object]]:
    """The top repeat places: rank, place and its other streets, incidents, sources, months with incidents."""
    return [
        [
            p["rank"],
            "; ".join(p["streets"][:3]) + (" (police.uk snap point)" if p["snapped"] else ""),
            p["count"],
            ", ".join(p["sources"]),
            len(p["months"]),
        ]
        for p in repeats["top"]["places"]
    ]


def facility_lines(section: dict[str, Any]) -> list[str]:
    """Each kept facility list in a sentence: its risky facilities' number and share; or that no list is held."""
    if not section["held"]:
        return ["No facility list held: keep one with `aim facilities load` or POST /api/v1/facility-lists."]
    lines = []
    for f in section["lists"]:
        share = "" if f["risky_share"] is None else f", holding {f['risky_share']:.0%} of them"
        knee = "too few facilities or counts for a knee" if f["knee"] is None else f"knee at {f['knee']['count']}"
        lines.append(
            f"{f['name']} ({f['kind']}, loaded {f['loaded_at'][:10]} from {f['source_file']}): {f['facilities']} "
            f"facilities in the area, {f['attributed']:,} incidents within {section['within_m']:g} m; "
            f"{len(f['risky'])} above the J-curve's {knee}{share}"
        )
    return lines


def facility_rows(section: dict[str, Any]) -> list[list[object]]:
    """The risky facilities of every kept list: list, rank, name, incidents, rate per unit of size."""
    return [
        [f["name"], p["rank"], p["name"], p["count"], "" if p["rate"] is None else f"{p['rate']:g}"]
        for f in section["lists"]
        for p in f["risky"]
    ]
