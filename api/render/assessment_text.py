"""The annual assessment's tables as a header and rows of plain values, shared by its page, its PDF and its CSV files
(each escapes or neutralises them its own way)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
        ["ASB Case Review figures", "not yet held", "7"],
        ["Priorities suggested", len(report["priorities"]), "9"],
    ]


SUMMARY = ["In this assessment", "Figure", "Chapter"]


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
    """The Case Review section: its figures are not yet held."""
    return [["ASB Case Review", "not yet held", report["case_review"]["note"]]]


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
    Section("case_review", "Case Review", ["Section", "Status", "Note"], case_review_rows),
)


def section(name: str) -> Section:
    """The section of that name."""
    return next(s for s in SECTIONS if s.name == name)


@dataclass(frozen=True)
class Chapter:
    """A numbered part of the assessment: its heading, the lines of text before its tables, and its tables."""

    heading: str
    notes: Callable[[Report], list[str]]
    tables: tuple[str, ...]


def _levels_notes(report: Report) -> list[str]:
    total = report["levels"]["total"]
    months = report["months"]
    return [
        f"{total['total']:,} ASB incidents in {months['from']} to {months['to']} (months held: {months['held_from']} "
        f"to {months['held_to']}), records linked across sources counted once.",
        "Each figure is the one /api/v1/trends gives for the district with the same category or source; a ward's is "
        "the one /api/v1/trends/movers gives.",
        _sentence(report["levels"]["untyped_note"]),
    ]


def _hotspot_notes(report: Report) -> list[str]:
    h = report["hotspots"]
    return [
        f"Emerging hot spot analysis of H3 cells (res {h['resolution']}, k = {h['k']}, FDR {h['alpha']}) over the "
        f"year's months, as /api/v1/hotspots/emerging gives it: {h['cells_tested']:,} cells tested, "
        f"{h['cold_cells']} cold spots not listed.",
        *h["warnings"],
    ]


def _place_notes(report: Report) -> list[str]:
    return [
        "Counts only: no place is named. Repeat places as /api/v1/repeat-places gives them (the 12 months to "
        "December); concentration as /api/v1/concentration gives it."
    ]


def _problem_notes(report: Report) -> list[str]:
    p = report["problems"]
    return [
        f"Problems opened in the year in the district's wards: {p['opened']}; closed: {p['closed']}; with an "
        f"evaluation kept: {p['evaluated']}; targets met {p['targets_met']}, not met {p['targets_not_met']}."
    ]


def _delivery_notes(report: Report) -> list[str]:
    d = report["delivery"]
    if not d["held"]:
        return [_sentence(d["note"])]
    return [f"Patrol delivery by ward, {d['from']} to {d['to']}, every agency together ({d['note']})."]


def _feed_notes(report: Report) -> list[str]:
    sources = ", ".join(report["feeds"]["sources"]) or "none"
    return [f"The feeds of the sources holding the district's records ({sources}); gaps as the source monitor flags."]


def _case_review_notes(report: Report) -> list[str]:
    return [f"The ASB Case Review figures are {report['case_review']['note']}."]


def _sentence(text: str) -> str:
    """Text as a sentence: a capital first and a full stop last."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _change_notes(report: Report) -> list[str]:
    c = report["changes"]
    period = f"{c['previous']['from']} to {c['previous']['to']}"
    if not c["comparable"]:
        return [f"Against the previous year: {c['note']}."]
    verdict = "significant" if c["significant"] else "within chance"
    lines = [
        f"{c['total']:,} incidents against {c['previous_total']:,} in {period}: {c['change']:+,} ({verdict}).",
    ]
    for part, name in (("by_category", "categories"), ("by_source", "sources"), ("by_ward", "wards")):
        up = ", ".join(f"{r['label']} {r['change']:+,}" for r in c[part]["rising"]) or "none"
        down = ", ".join(f"{r['label']} {r['change']:+,}" for r in c[part]["falling"]) or "none"
        lines.append(f"The {name} that drove it up: {up}; down: {down}.")
    lines.append(_sentence(c["residual_note"]))
    lines.append(_sentence(c["recording_note"]))
    return lines


def _priority_notes(report: Report) -> list[str]:
    return [
        "Suggestions for the partnership, each from a figure above: to weigh with what AIM does not hold (victims, "
        "offenders, community views), not decisions."
    ]


CHAPTERS = (
    Chapter("1. Levels and trends", _levels_notes, ("total", "monthly", "categories", "sources", "wards")),
    Chapter("2. Persistent, new and fading hot spots", _hotspot_notes, ("hotspots", "hotspot_cells")),
    Chapter("3. Repeat places and concentration", _place_notes, ("places",)),
    Chapter("4. Problems opened and their evaluations", _problem_notes, ("problems",)),
    Chapter("5. Patrol delivery", _delivery_notes, ("delivery",)),
    Chapter("6. Feeds' coverage and gaps", _feed_notes, ("feeds",)),
    Chapter("7. Case Review", _case_review_notes, ("case_review",)),
    Chapter("8. What changed since the previous year, and why", _change_notes, ("changes", "recording")),
    Chapter("9. Suggested priorities", _priority_notes, ("priorities",)),
)
