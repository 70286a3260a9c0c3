"""A problem's profile on one A4 page (reportlab): the facts, the monthly chart and its tests, counts by source and
category, streets and places, when, concentration, repeat places, near-repeats and risky facilities, linked records,
the feeds, actions and the latest evaluation. Every text that
came from a feed, a boundary file or a person is escaped before reportlab's Paragraph reads its XML-like markup,
and the whole page is shrunk to fit if it must: the profile is always exactly one page."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from api.render.problem_page import evaluation_numbers, places_merged

MARGIN = 12 * mm
WIDTH = A4[0] - 2 * MARGIN
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 (data.police.uk) and the "
    "partners' own records. Boundaries: Office for National Statistics, OGL v3.0."
)
_BASE = getSampleStyleSheet()
TITLE = ParagraphStyle("title", parent=_BASE["Title"], fontSize=14, leading=17, alignment=0, spaceAfter=2)
H = ParagraphStyle("h", parent=_BASE["Heading4"], fontSize=9, leading=11, spaceBefore=4, spaceAfter=1)
BODY = ParagraphStyle("body", parent=_BASE["BodyText"], fontSize=7.5, leading=9.2, spaceBefore=0, spaceAfter=1)
NUM = ParagraphStyle("num", parent=BODY, alignment=2)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=6.5, leading=8, textColor=colors.HexColor("#555555"))


def para(text: object, style: ParagraphStyle = BODY) -> Paragraph:
    """Text as a Paragraph, escaped: `<font size=80>` or `&` print as they are."""
    return Paragraph(escape(str(text)), style)


def _bold(label: str, text: object) -> Paragraph:
    return Paragraph(f"<b>{escape(label)}</b> {escape(str(text))}", BODY)


def _table(rows: list[list[Any]], widths: list[float], numeric: tuple[int, ...] = ()) -> Table:
    cells = [
        [c if isinstance(c, Flowable) else para(c, NUM if i in numeric else BODY) for i, c in enumerate(row)]
        for row in rows
    ]
    t = Table(cells, colWidths=widths, repeatRows=1)
    style = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#888888")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dddddd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    t.setStyle(TableStyle(style))
    return t


def _trend_lines(profile: dict[str, Any]) -> list[str]:
    t = profile.get("trend") or {}
    out = []
    h = t.get("halves")
    if h:
        verdict = "significant" if h["significant"] else "within chance"
        out.append(
            f"{h['second']['from']} to {h['second']['to']}: {h['second_total']} against {h['first_total']} in "
            f"{h['first']['from']} to {h['first']['to']} ({h['change']:+d}, p = {h['p_value']}: {verdict})."
        )
    for key, label in (("previous_period", "the period before"), ("last_year", "the same months a year earlier")):
        c = t.get(key)
        if not c:
            continue
        if c["comparable"]:
            verdict = "significant" if c["significant"] else "within chance"
            out.append(f"Against {label}: {c['total']} then, {c['change']:+d}, p = {c['p_value']}: {verdict}.")
        else:
            out.append(f"Against {label} ({c['from']} to {c['to']}): {c['note']}.")
    return out


def _left(profile: dict[str, Any]) -> list[Flowable]:
    half = WIDTH / 2 - 4 * mm
    cats = [[c["source"], c["category"], c["count"]] for c in profile["by_category"][:8]]
    out: list[Flowable] = [Paragraph("By source and category", H)]
    out.append(
        _table(
            [["Source", "Records"], *[[s["source"], s["count"]] for s in profile["by_source"]]],
            [half * 0.7, half * 0.3],
            (1,),
        )
    )
    out.append(Spacer(1, 2))
    out.append(_table([["Source", "Category (top 8)", "Records"], *cats], [half * 0.25, half * 0.55, half * 0.2], (2,)))
    timing = profile.get("timing")
    if timing:
        out.append(Paragraph("When (records dated to the day)", H))
        out.append(_table([timing["weekdays"], timing["weekday"]], [half / 7] * 7, tuple(range(7))))
        if timing.get("hour"):
            blocks = [sum(timing["hour"][i : i + 3]) for i in range(0, 24, 3)]
            heads = [f"{i:02d}-{i + 2:02d}" for i in range(0, 24, 3)]
            out.append(Spacer(1, 2))
            out.append(_table([heads, blocks], [half / 8] * 8, tuple(range(8))))
        for s in timing["by_source"]:
            note = f" ({s['note']})" if s.get("note") else ""
            out.append(para(f"{s['source']}: {s['dated']} dated, {s['month_only']} month only{note}", SMALL))
    return out + _place_statistics(profile)


def _concentration_words(c: dict[str, Any]) -> str:
    """The area's concentration figures in a sentence."""
    if c["gini"] is None:
        return "No incidents with a map point in the area."
    words = (
        f"Half the area's incidents at {100 * c['half']:.1f}% of its {c['places']:,} places, a quarter at "
        f"{100 * c['quarter']:.1f}%; Gini {c['gini']:.2f}"
    )
    if c["generalized_unbiased"] is not None:
        words += f", generalized (unbiased) {c['generalized_unbiased']:.2f}"
    if c["beyond_chance"] is not None:
        words += f"; {100 * c['beyond_chance']:.0f}% of it beyond chance"
    return words + "."


def _repeat_words(r: dict[str, Any]) -> str:
    """The repeat rate of the 12 months to the period's end beside chance, and the top five repeat places."""
    w = r["last_window"]
    words = ""
    if w and w["repeat_rate"] is not None:
        chance = "" if w["chance_rate"] is None else f" (chance alone: {100 * w['chance_rate']:.0f}%)"
        words = f"{100 * w['repeat_rate']:.0f}% of {w['incidents']:,} incidents at {w['repeat_places']:,} repeat places"
        words += f"{chance}. "
    top = "; ".join(
        f"{p['rank']}. {(p['streets'] or [p['place']])[0]} {p['count']} ({len(p['months'])} months)"
        for p in r["top"]["places"][:5]
    )
    return words + (top or "No place with two or more incidents.")


def _place_statistics(profile: dict[str, Any]) -> list[Flowable]:
    """Concentration, repeat places, near-repeats and risky facilities, in words (absent from a partner's view and
    from profiles frozen before they were made)."""
    out: list[Flowable] = []
    if "concentration" in profile:
        out += [Paragraph("Concentration across places", H), para(_concentration_words(profile["concentration"]))]
    if "repeat_places" in profile:
        r = profile["repeat_places"]
        out += [Paragraph(f"Top repeat places, {r['top']['from']} to {r['top']['to']}", H), para(_repeat_words(r))]
    if "near_repeat" in profile:
        out += [Paragraph("Near-repeats", H), para(f"{profile['near_repeat']['headline']}.")]
    if "risky_facilities" in profile:
        f = profile["risky_facilities"]
        lines = [
            f"{fl['name']} ({fl['kind']}): "
            + (
                f"{fl['risky_in_lads']} of {fl['facilities']} above the J-curve's knee in the area's local "
                "authorities; in this area: "
                + (", ".join(f"{fa['name']} {fa['count']}" for fa in fl["risky_in_area"]) or "none")
                if fl["facilities"]
                else "no facility of the list in the area's local authorities"
            )
            for fl in f["lists"]
        ]
        out += [Paragraph("Risky facilities", H), *[para(line) for line in lines or ["No facility list held."]]]
    return out


def _right(profile: dict[str, Any]) -> list[Flowable]:
    half = WIDTH / 2 - 4 * mm
    places = places_merged(profile["places"], top=10)
    rows = [
        [p["place"] + (" (repeat)" if p["count"] >= profile["repeat_at"] else ""), p["count"], p["sources"]]
        for p in places
    ]
    out: list[Flowable] = [Paragraph("Streets and places", H)]
    out.append(
        _table([["Street or place", "Records", "Named by"], *rows], [half * 0.6, half * 0.15, half * 0.25], (1,))
    )
    linked = profile.get("linked")
    if linked:
        combos = "; ".join(f"{' + '.join(c['sources'])} {c['incidents']}" for c in linked["by_sources"])
        out.append(Paragraph("Reported to more than one agency", H))
        out.append(
            para(
                f"{linked['incidents']} incident(s) in {linked['records']} linked records"
                + (f": {combos}" if combos else "")
                + "."
            )
        )
    feeds = profile.get("feeds")
    if feeds:
        out.append(Paragraph("The feeds counted (source monitor)", H))
        rows = [
            [
                f"{f['feed']} ({f['source']})",
                f["status"],
                f"{f['first_month']} to {f['latest_month']}",
                "; ".join(f"{g['month']} {g['kind']}" for g in f["gaps_in_period"]) or "none",
            ]
            for f in feeds
        ]
        out.append(
            _table(
                [["Feed", "Status", "Held", "Gaps in period"], *rows],
                [half * 0.4, half * 0.15, half * 0.27, half * 0.18],
            )
        )
    return out


def _actions_and_evaluation(view: dict[str, Any]) -> list[Flowable]:
    out: list[Flowable] = []
    actions = view.get("actions") or []
    if actions:
        out.append(Paragraph("Actions", H))
        rows = [
            [a["what"], a["owner_agency"], a["start"], a["due"], a["status"], a.get("target_text") or "-"]
            for a in actions[:5]
        ]
        w = WIDTH
        out.append(
            _table(
                [["What", "Owner", "Start", "Due", "Status", "Target"], *rows],
                [w * 0.36, w * 0.12, w * 0.1, w * 0.1, w * 0.1, w * 0.22],
            )
        )
    done = [e for e in view.get("evaluations") or [] if "result" in e]
    if done:
        e = done[-1]
        before = f"{str(e['before_start'])[:7]} to {str(e['before_end'])[:7]}"
        after = f"{str(e['after_start'])[:7]} to {str(e['after_end'])[:7]}"
        out.append(para(f"Did it work? {after} against {before}", H))
        out.append(para(e["result"]["summary"]))
        rows = [[label, value, reading] for label, value, reading in evaluation_numbers(e["result"])]
        out.append(_table([["Measure", "Value", "Reading"], *rows], [WIDTH * 0.3, WIDTH * 0.35, WIDTH * 0.35]))
    return out


def _pictures(chart_png: bytes, area_png: bytes | None) -> Flowable:
    """The monthly chart, with the area's picture beside it when there is one."""
    chart = Image(io.BytesIO(chart_png), width=WIDTH * 0.62, height=WIDTH * 0.62 * 1.6 / 5.0, hAlign="LEFT")
    if area_png is None:
        return chart
    side = WIDTH * 0.62 * 1.6 / 5.0
    row = Table([[chart, Image(io.BytesIO(area_png), width=side, height=side)]], colWidths=[WIDTH * 0.66, WIDTH * 0.34])
    row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return row


def render_profile_pdf(view: dict[str, Any], chart_png: bytes, area_png: bytes | None = None) -> bytes:
    """The problem's profile (as the reader may see it) on one A4 page, as PDF bytes; the monthly chart and, when
    given, the area's picture are PNGs."""
    profile = view["profile"]
    wards = ", ".join(str(n["name"]) for n in view["area"].get("names") or []) or "-"
    story: list[Flowable] = [
        para(view["title"], TITLE),
        para(
            f"Problem {view['id']} · {view['status']} · {view['category_group']} · wards: {wards} · owner: "
            f"{view['owner']} · partners: {', '.join(view['partners']) or '-'}",
            SMALL,
        ),
        _bold(
            f"Profile {profile['period']['from']} to {profile['period']['to']} (frozen at opening):",
            f"{profile['total']:,} incidents in the area; sources: {', '.join(profile['sources'])}; "
            f"{profile['cells']['count']} cell(s) at H3 res {profile['cells']['res']}.",
        ),
        _pictures(chart_png, area_png),
        *[para(line, SMALL) for line in _trend_lines(profile)],
    ]
    columns = Table([[_left(profile), _right(profile)]], colWidths=[WIDTH / 2, WIDTH / 2])
    columns.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [columns, *_actions_and_evaluation(view), Spacer(1, 3), para(profile["note"], SMALL)]
    story.append(
        para(f"Generated {profile['generated_at']} from store version {profile['store_version']}. {ATTRIBUTION}", SMALL)
    )
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"Problem {view['id']} profile",
        author="AIM",
    )
    doc.build([KeepInFrame(WIDTH, A4[1] - 2 * MARGIN - 6, story, mode="shrink")])
    return out.getvalue()
