"""The annual assessment's tables as a header and rows of plain values, shared by its page, its PDF and its CSV files
(each escapes or neutralises them its own way)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.services.case_review_publication import PUBLICATION_HEADER, publication_rows

Report = dict[str, Any]
Rows = list[list[object]]
NOT_COMPARABLE = "not comparable"


@dataclass(frozen=True)
class Section:
    """One table of the assessment: its file name in the CSV download, title, header and rows."""

    name: str
    title: str
    header: list[str]
    rows: Callable[[Report], Rows]


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _blank(value: object) -> object:
    return "" if value is None else value


def _significant(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


def _level(row: dict[str, Any]) -> list[object]:
    """A level's figures: the year, the previous year, the change and its test (not comparable: blanks)."""
    if not row["comparable"]:
        return [row["total"], row["months_held"], NOT_COMPARABLE, "", "", "", ""]
    return [
        row["total"],
        row["months_held"],
        row["previous_total"],
        row["change"],
        _blank(row["change_pct"]),
        _blank(row["p_value"]),
        _significant(row["significant"]),
    ]


LEVEL = ["Months held", "Previous year", "Change", "Change %", "p", "Significant"]


def summary_rows(report: Report) -> Rows:
    """The year at a glance: each figure with the chapter that holds it."""
    levels, groups = report["levels"], {g["group"]: g["cells"] for g in report["hotspots"]["groups"]}
    c, repeat, problems = report["changes"], report["places"]["repeat"], report["problems"]
    change = (
        f"{c['change']:+,} ({c['previous']['from'][:4]}: {c['previous_total']:,})"
        if c["comparable"]
        else (f"not comparable: {c['previous']['from'][:4]} is not held for every source")
    )
    return [
        ["ASB incidents", f"{levels['total']['total']:,}", "1"],
        ["Change since the previous year", change, "8"],
        ["Wards with records", len(levels["wards"]), "1"],
        [
            "Persistent / new / fading hot spot cells",
            f"{groups['persistent']} / {groups['new']} / {groups['fading']}",
            "2",
        ],
        ["Repeat places (12 months to December)", _blank(repeat.get("repeat_places")), "3"],
        ["Problems opened / evaluated", f"{problems['opened']} / {problems['evaluated']}", "4"],
        ["Patrol delivery", "held" if report["delivery"]["held"] else "not held", "5"],
        ["Feeds with gaps flagged in the year", sum(bool(f["gaps"]) for f in report["feeds"]["feeds"]), "6"],
        ["Repeat victims flagged / confirmed", _victims(report), "3"],
        ["ASB Case Review applications / reviews carried out", _reviews(report), "7"],
        ["Priorities suggested", len(report["priorities"]), "9"],
    ]


SUMMARY = ["In this assessment", "Figure", "Chapter"]


def _victims(report: Report) -> str:
    v = report.get("repeat_victims") or {"held": False}
    return f"{v['flagged']} / {v['confirmed']}" if v["held"] else "not held"


def _reviews(report: Report) -> str:
    c = report["case_review"]
    if not c["held"]:
        return "not held"
    whole = c["figures"][0]
    return f"{whole['received']} / {whole['reviews_carried_out']}"


def total_rows(report: Report) -> Rows:
    """The district's total."""
    return [[report["district"]["name"], *_level(report["levels"]["total"])]]


def monthly_rows(report: Report) -> Rows:
    """The monthly series (a month not held for every source counted: no count)."""
    return [[s["month"], _blank(s["count"]), "yes" if s["held"] else "no"] for s in report["levels"]["series"]]


def category_rows(report: Report) -> Rows:
    """Each category of a recorded type."""
    return [[r["label"], r["category"], *_level(r)] for r in report["levels"]["categories"]]


def source_rows(report: Report) -> Rows:
    """Each source."""
    return [[r["source"], *_level(r)] for r in report["levels"]["sources"]]


def ward_rows(report: Report) -> Rows:
    """Each ward with records: its count and, where comparable, the movers' verdict."""
    out: Rows = []
    for w in report["levels"]["wards"]:
        if not w["comparable"]:
            out.append([w["name"], w["code"], w["count"], NOT_COMPARABLE, "", "", ""])
            continue
        out.append(
            [
                w["name"],
                w["code"],
                w["count"],
                w["previous_count"],
                w["change"],
                _blank(w["excess"]),
                _significant(w["significant"]),
            ]
        )
    return out


def hotspot_rows(report: Report) -> Rows:
    """Each group of hot spots: its cells and meaning."""
    return [[g["group"], g["cells"], ", ".join(g["classes"]), g["meaning"]] for g in report["hotspots"]["groups"]]


def hotspot_cell_rows(report: Report) -> Rows:
    """The busiest cells of each group."""
    return [
        [g["group"], c["class"], _blank(c["ward_name"]), c["h3"], c["incidents"], c["months_hot"], c["trend"]]
        for g in report["hotspots"]["groups"]
        for c in g["listed"]
    ]


def place_rows(report: Report) -> Rows:
    """Repeat places and concentration as counts."""
    r, c = report["places"]["repeat"], report["places"]["concentration"]
    window = f"{r.get('from', '')} to {r.get('to', '')}"
    rows: Rows = [
        ["Places with incidents in the district", window, r["places_in_area"]],
        ["Repeat places (incidents at or above the threshold)", window, _blank(r.get("repeat_places"))],
        ["Incidents at repeat places", window, _blank(r.get("repeat_incidents"))],
        ["Share of incidents at repeat places", window, _share(r.get("repeat_rate"))],
        ["The share chance alone gives", window, _share(r.get("chance_rate"))],
    ]
    if c is not None:
        year = f"{c['from']} to {c['to']}"
        rows += [
            ["Incidents counted for concentration", year, c["incidents"]],
            ["Share of places holding half the incidents", year, _share(c["half"])],
            ["Share of places holding a quarter of the incidents", year, _share(c["quarter"])],
            ["Gini", year, _blank(c["gini"])],
            ["Concentration beyond chance", year, _share(c["beyond_chance"])],
        ]
    return rows


def problem_rows(report: Report) -> Rows:
    """Each problem opened in the year with what its latest evaluation of each action found."""
    out: Rows = []
    for p in report["problems"]["problems"]:
        found = "; ".join(e["summary"] for e in p["evaluations"]) or "no evaluation kept"
        met = ", ".join({True: "met", False: "not met", None: "not set"}[e["target_met"]] for e in p["evaluations"])
        out.append(
            [
                p["id"],
                p["title"],
                f"{p['opened']:%Y-%m-%d}",
                p["status"],
                ", ".join(p["wards"]),
                f"{p['actions_done']} of {p['actions']}",
                met,
                found,
            ]
        )
    return out


def delivery_rows(report: Report) -> Rows:
    """Delivery by ward over the year, where held."""
    return [
        [_blank(w["ward_name"]), w["ward"], w["minutes"], w["visits"], w["compliant_visits"]]
        for w in report["delivery"]["wards"]
    ]


def feed_rows(report: Report) -> Rows:
    """Each feed's coverage and gaps in the year."""
    return [
        [
            f["feed"],
            f["source"],
            f"{f['first_month']} to {f['latest_month']}",
            f["months_loaded"],
            f["loaded"],
            f["quarantined"],
            "; ".join(f"{g['month']} {g['kind']}: {g['message']}" for g in f["gaps"]) or "none flagged",
        ]
        for f in report["feeds"]["feeds"]
    ]


def change_rows(report: Report) -> Rows:
    """The change's parts by category, source and ward (none when not comparable)."""
    c = report["changes"]
    if not c["comparable"]:
        return []
    out: Rows = []
    for part, name in (("by_category", "category"), ("by_source", "source"), ("by_ward", "ward")):
        for r in c[part]["parts"]:
            out.append([name, r["label"], r["previous"], r["count"], r["change"], _share(r["share_of_change"])])
        out.append([name, "unexplained by the parts", "", "", c[part]["unexplained"], ""])
    return out


def recording_rows(report: Report) -> Rows:
    """What each feed sent in both years (none when not comparable)."""
    c = report["changes"]
    return [
        [r["feed"], r["source"], r["previous_loaded"], r["loaded"], r["change"], ", ".join(r["gaps"]) or "none"]
        for r in c["recording"] or []
    ]


def priority_rows(report: Report) -> Rows:
    """The suggested priorities and the figures they rest on."""
    return [[k + 1, p["suggestion"], p["because"], p["section"]] for k, p in enumerate(report["priorities"])]


def case_review_rows(report: Report) -> Rows:
    """The Case Review's yearly figures, for the partnership and each relevant body (none when not held)."""
    return publication_rows(report["case_review"]) if report["case_review"]["held"] else []


VICTIM_FIGURES = (
    ("flagged", "Repeat-victim flags with records in the year"),
    ("confirmed", "Confirmed as repeat victims by an analyst"),
    ("confirmed_high_risk", "Confirmed repeat victims assessed high risk"),
    ("awaiting", "Awaiting an analyst's decision"),
    ("dismissed", "Dismissed"),
)


def victim_rows(report: Report) -> Rows:
    """Repeat victims as counts (the partnership's; none when not held)."""
    v = report.get("repeat_victims") or {"held": False}
    return [[label, v[key]] for key, label in VICTIM_FIGURES] if v["held"] else []


SECTIONS = (
    Section("total", "Total", ["District", "Incidents", *LEVEL], total_rows),
    Section("monthly", "By month", ["Month", "Incidents", "Held for every source"], monthly_rows),
    Section("categories", "By category", ["Category", "Code", "Incidents", *LEVEL], category_rows),
    Section("sources", "By source", ["Source", "Incidents", *LEVEL], source_rows),
    Section(
        "wards",
        "By ward",
        ["Ward", "Code", "Incidents", "Previous year", "Change", "Above the district's change", "Significant"],
        ward_rows,
    ),
    Section("hotspots", "Hot spots", ["Group", "Cells", "Classes", "Meaning"], hotspot_rows),
    Section(
        "hotspot_cells",
        "The busiest hot spot cells",
        ["Group", "Class", "Ward", "Cell", "Incidents", "Months hot", "Trend"],
        hotspot_cell_rows,
    ),
    Section("places", "Repeat places and concentration", ["Figure", "Months", "Value"], place_rows),
    Section("repeat_victims", "Repeat victims (the partnership's)", ["Figure", "Count"], victim_rows),
    Section(
        "problems",
        "Problems opened",
        ["Id", "Problem", "Opened", "Status", "Wards", "Actions done", "Targets", "What the evaluations found"],
        problem_rows,
    ),
    Section("delivery", "Patrol delivery", ["Ward", "Code", "Minutes", "Visits", "Compliant visits"], delivery_rows),
    Section(
        "feeds",
        "Feeds' coverage and gaps",
        ["Feed", "Source", "Held", "Months loaded", "Records loaded", "Quarantined", "Gaps flagged"],
        feed_rows,
    ),
    Section(
        "changes",
        "What changed since the previous year",
        ["Part", "Name", "Previous year", "This year", "Change", "Share of the change"],
        change_rows,
    ),
    Section(
        "recording",
        "What the feeds sent in the two years",
        ["Feed", "Source", "Previous year", "This year", "Change", "Gaps flagged in either year"],
        recording_rows,
    ),
    Section("priorities", "Suggested priorities", ["#", "Suggestion", "Because", "Section"], priority_rows),
    Section("case_review", "Case Review", PUBLICATION_HEADER, case_review_rows),
)


def section(name: str) -> Section:
    """The section of that name."""
    return next(s for s in SECTIONS if s.name == name)
