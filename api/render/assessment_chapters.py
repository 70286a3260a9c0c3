"""The annual assessment's chapters: each numbered part's heading, the sentences before its tables (from the
report's figures and notes), and which tables of api/render/assessment_text.py it holds, as the page and the PDF
lay them out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from api.render.assessment_text import Report


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
        "December); concentration as /api/v1/concentration gives it.",
        _victim_note(report),
    ]


def _victim_note(report: Report) -> str:
    v = report.get("repeat_victims") or {"held": False}
    if not v["held"]:
        return "Repeat victims are not held here: the assessment was made without the deployment's cases."
    return (
        "Repeat victims as counts only, the partnership's (cases are not held by district): the repeat-victim flags "
        "with records in the year and the analysts' decisions on them, as /api/v1/repeat-victims holds them."
    )


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
    c = report["case_review"]
    if not c["held"]:
        return [f"The ASB Case Review figures are {c['note']}."]
    whole = c["figures"][0]
    procedure = c["procedure_url"] or "not linked yet (AIM_CASE_REVIEW_PROCEDURE_URL)"
    return [
        f"ASB Case Review applications received in {c['year']}, the partnership's and each relevant body's, as "
        "/api/v1/case-reviews/publication gives them for the year (the statutory yearly publication): "
        f"{whole['received']} received, the threshold not met {whole['threshold_not_met']} times, "
        f"{whole['reviews_carried_out']} reviews carried out, {whole['with_recommendations']} with recommendations; "
        f"{whole['withdrawn']} withdrawn and {whole['pending']} pending.",
        f"The local threshold: {c['threshold']['in_words']}. The procedure: {procedure}.",
        _sentence(c["note"]),
    ]


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
    Chapter("3. Repeat places and concentration", _place_notes, ("places", "repeat_victims")),
    Chapter("4. Problems opened and their evaluations", _problem_notes, ("problems",)),
    Chapter("5. Patrol delivery", _delivery_notes, ("delivery",)),
    Chapter("6. Feeds' coverage and gaps", _feed_notes, ("feeds",)),
    Chapter("7. Case Review", _case_review_notes, ("case_review",)),
    Chapter("8. What changed since the previous year, and why", _change_notes, ("changes", "recording")),
    Chapter("9. Suggested priorities", _priority_notes, ("priorities",)),
)
