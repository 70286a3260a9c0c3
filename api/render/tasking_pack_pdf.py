"""The tasking pack printed (reportlab platypus, A4): headings, tables and paragraphs, with the patrol plan's map drawn
at the width of the page's text (its table is the pack's own, wrapping every name). Every text from feeds, boundary
files or people is escaped for Paragraph markup."""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm, inch
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from api.render.patrol_print import ATTRIBUTION, render_plan_map
from api.render.tasking_pack_text import (
    DELIVERY_HEADER,
    WORKLIST_HEADER,
    action_rows,
    concentration_rows,
    delivery_rows,
    evaluation_rows,
    facility_lines,
    facility_rows,
    gap_rows,
    hotspot_rows,
    patrol_rows,
    repeat_rows,
    summary_rows,
    worklist_rows,
)

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("pack-body", parent=STYLES["BodyText"], fontSize=8.5, leading=10.5)
CELL = ParagraphStyle("pack-cell", parent=BODY, fontSize=7.5, leading=9)
SMALL = ParagraphStyle("pack-small", parent=BODY, fontSize=6.5, leading=8, textColor=colors.HexColor("#555555"))
WIDTH = A4[0] - 3 * cm
PLAN_MAP_HEIGHT = 13 * cm  # the patrol plan's map, the full width of the text: an A4 page holds it and its heading
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)


def p(text: object, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text: markup characters in it print as themselves."""
    return Paragraph(escape("" if text is None else str(text)), style)


def _bold(label: str, text: object) -> Paragraph:
    return Paragraph(f"<b>{escape(label)}</b> {escape(str(text))}", BODY)


def _table(header: list[str], rows: list[list[object]], widths: list[float]) -> Table:
    cells = [[p(h, CELL) for h in header]] + [[p(v, CELL) for v in row] for row in rows]
    table = Table(cells, colWidths=[w * WIDTH for w in widths], repeatRows=1)
    table.setStyle(GRID)
    return table


def _months(pack: dict[str, Any], section: str) -> Any:
    """A section's line naming the months it uses."""
    return _bold("Months used:", pack["section_months"][section])


def _problems(pack: dict[str, Any]) -> list[Any]:
    out: list[Any] = [Paragraph("1. Open problems and their actions", STYLES["Heading2"]), _months(pack, "problems")]
    if not pack["problems"]:
        out.append(p("No problems open in the partnership's wards on the meeting date."))
    for prob in pack["problems"]:
        out.append(Paragraph(f"Problem {prob['id']}: {escape(prob['title'])}", STYLES["Heading3"]))
        out.append(_bold("Status:", f"{prob['status']}; opened {prob['opened']:%d %b %Y}"))
        out.append(_bold("Wards:", ", ".join(prob["wards"]) or "-"))
        out.append(_bold("Owner:", prob["owner"]))
        out.append(_bold("Action owners:", ", ".join(prob["owner_agencies"]) or "none yet"))
        out.append(_bold("Partners:", ", ".join(prob["partners"]) or "-"))
        out.append(Spacer(1, 4))
        if prob["actions"]:
            header = ["Action", "Owner agency", "Start", "Due", "Status", "For this meeting", "Target"]
            out.append(_table(header, action_rows(prob), [0.27, 0.11, 0.1, 0.1, 0.1, 0.14, 0.18]))
        else:
            out.append(p("No actions yet."))
        out.append(Paragraph("Latest review notes", STYLES["Heading4"]))
        for note in prob["reviews"] or [None]:
            if note is None:
                out.append(p("No review notes yet."))
            else:
                out.append(_bold(f"{note['created_at']:%d %b %Y}, {note['author']}:", note["note"]))
    return out


def _evaluations(pack: dict[str, Any]) -> list[Any]:
    out: list[Any] = [Paragraph("2. Evaluations due", STYLES["Heading2"]), _months(pack, "evaluations")]
    if not pack["evaluations"]:
        out.append(p("No action's measure period has ended by the meeting date."))
    for e in pack["evaluations"]:
        block = [
            Paragraph(f"Problem {e['problem_id']}: {escape(e['problem'])}", STYLES["Heading4"]),
            _bold(
                "Action:",
                f"{e['action']} ({e['owner_agency']}); measure period ended {e['period_ended']:%d %b %Y}"
                + (", since the last meeting" if e["new"] else ""),
            ),
            _bold("Target:", e["target"] or "none set"),
        ]
        if "summary" in e:
            block += [_bold("Result:", e["summary"]), Spacer(1, 3)]
            block.append(_table(["", "Before", "After"], evaluation_rows(e), [0.4, 0.2, 0.2]))
        else:
            block.append(_bold("Result:", f"not available ({e['evaluation']}): {e['why']}"))
        out.append(KeepTogether(block))
    return out


def _patrol(pack: dict[str, Any]) -> list[Any]:
    plan = pack["patrol"]["plan"]
    heading = Paragraph("3. Patrol plan", STYLES["Heading2"])
    lines = [
        _months(pack, "patrol"),
        p(
            f"{len(plan['cells'])} cells, {plan['selected_area_km2']:.2f} km2 ({plan['area_share']:.1%} of the area), "
            f"expected {plan['expected_per_month']:.0f} incidents a month; history {plan['period']['from']} to "
            f"{plan['period']['to']}."
        ),
    ]
    lines.append(p("The map's numbers are the table's (#).", SMALL))
    size = (WIDTH / inch, PLAN_MAP_HEIGHT / inch)  # drawn at the size it prints: its text at the sizes it was given
    picture = render_plan_map(plan, pack["patrol"]["_wards"], size)
    image = Image(io.BytesIO(picture), width=WIDTH, height=PLAN_MAP_HEIGHT)
    out: list[Any] = [KeepTogether([heading, *lines, image]), Spacer(1, 4)]
    header = ["#", "Ward", "Streets and places", "Grid ref", "Postcode", "Exp./mo.", "Trend"]
    out.append(_table(header, patrol_rows(plan), [0.04, 0.16, 0.38, 0.13, 0.1, 0.08, 0.11]))
    return out + _delivery(pack)


def _delivery(pack: dict[str, Any]) -> list[Any]:
    d = pack["delivery"]
    out: list[Any] = [Paragraph("Delivery since the last meeting", STYLES["Heading3"])]
    out += [_bold("Days used:", pack["section_months"]["delivery"]), p(d["words"])]
    if d["cells"]:
        rows = delivery_rows(d, pack["patrol"]["plan"])
        out.append(_table(DELIVERY_HEADER, rows, [0.05, 0.25, 0.12, 0.12, 0.13, 0.11, 0.11, 0.11]))
    return out


def _hotspots(pack: dict[str, Any]) -> list[Any]:
    h = pack["hotspots"]
    out: list[Any] = [Paragraph("4. New and intensifying hotspots", STYLES["Heading2"]), _months(pack, "hotspots")]
    out.append(
        p(
            f"Emerging hot spot analysis of H3 cells (res {h['resolution']}), months {pack['months']['from']} to "
            f"{pack['months']['to']}: {h['found']} cells found, {h['shown']} shown."
        )
    )
    if h["cells"]:
        header = ["Pattern", "Ward", "Streets and places", "Grid ref", "Last 3 months", "Months hot"]
        out.append(_table(header, hotspot_rows(h), [0.13, 0.17, 0.36, 0.13, 0.12, 0.09]))
    for w in h["warnings"]:
        out.append(p(w, SMALL))
    return out


def _repeats(pack: dict[str, Any]) -> list[Any]:
    c, r = pack["concentration"], pack["repeat_places"]
    out: list[Any] = [Paragraph("5. Where it keeps happening", STYLES["Heading2"]), _months(pack, "places")]
    out.append(_bold("Concentration:", f"{c['headline']}."))
    if c["rows"]:
        header = ["Area, category, year", "Places", "Incidents", "50% at", "25% at", "Gini", "G' (unb.)", "Beyond"]
        out.append(_table(header, concentration_rows(c), [0.3, 0.09, 0.09, 0.09, 0.09, 0.08, 0.1, 0.1]))
    last = r["rolling"][-1] if r["rolling"] else None
    rate = ""
    if last and last["repeat_rate"] is not None:
        chance = "" if last["chance_rate"] is None else f" (chance alone: {last['chance_rate']:.0%})"
        rate = f": {last['repeat_rate']:.0%} of incidents at repeat places{chance}"
    out.append(_bold("Top repeat places", f"{r['top']['from']} to {r['top']['to']}{rate}."))
    if r["top"]["places"]:
        header = ["#", "Place and streets", "Incidents", "Sources", "Months"]
        out.append(_table(header, repeat_rows(r), [0.05, 0.5, 0.1, 0.23, 0.08]))
    if r["note"]:
        out.append(p(r["note"], SMALL))
    near = pack["near_repeat"]
    out.append(_bold("Near-repeats:", f"{near['headline']}."))
    out.append(p(near["note"], SMALL))
    facilities = pack["risky_facilities"]
    for line in facility_lines(facilities):
        out.append(_bold("Risky facilities:", f"{line}."))
    if facility_rows(facilities):
        header = ["List", "#", "Facility above the knee", "Incidents", "Per unit of size"]
        out.append(_table(header, facility_rows(facilities), [0.25, 0.05, 0.4, 0.12, 0.13]))
    if facilities["held"] and facilities["note"]:
        out.append(p(facilities["note"], SMALL))
    return out


def _gaps(pack: dict[str, Any]) -> list[Any]:
    s = pack["sources"]
    out: list[Any] = [Paragraph("6. Source gaps", STYLES["Heading2"]), _months(pack, "sources")]
    out.append(p(f"Feeds of the sources holding the partnership's records: {', '.join(s['sources']) or 'none'}."))
    if s["feeds"]:
        out.append(_table(["Feed", "Source", "Latest month", "Flags"], gap_rows(s), [0.25, 0.13, 0.12, 0.5]))
    return out


def _worklist(pack: dict[str, Any]) -> list[Any]:
    w = pack["worklist"]
    out: list[Any] = [Paragraph("7. The agencies' case worklists", STYLES["Heading2"]), p(w["note"])]
    widths = [0.17, 0.08, 0.12, 0.13, 0.1, 0.1, 0.1, 0.1, 0.07]
    for part in w["parts"]:
        out += [Paragraph(escape(part["agency"]), STYLES["Heading4"])]
        out.append(_table(WORKLIST_HEADER, worklist_rows(part), widths))
    return out


def a4_document(out: io.BytesIO, title: str, bottom_margin: float = 1.6 * cm) -> SimpleDocTemplate:
    """An A4 document of AIM's margins (1.5 cm; `bottom_margin` leaves room for a footer)."""
    return SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=bottom_margin,
        title=title,
        author="AIM",
    )


def attribution_footer(canvas: Any, doc: Any) -> None:
    """Each page's foot: the data's attribution and the page number."""
    canvas.saveState()
    canvas.setFont("Helvetica", 6)
    canvas.setFillColor(colors.HexColor("#555555"))
    first, _, rest = ATTRIBUTION.partition(" Boundaries:")
    canvas.drawString(1.5 * cm, 1.05 * cm, first)
    canvas.drawString(1.5 * cm, 0.75 * cm, f"Boundaries:{rest}")
    canvas.drawRightString(A4[0] - 1.5 * cm, 1.0 * cm, f"page {doc.page}")
    canvas.restoreState()


def render_pack_pdf(pack: dict[str, Any]) -> bytes:
    """The pack as an A4 PDF."""
    out = io.BytesIO()
    name = pack["csp"]["name"]
    doc = a4_document(out, f"Tasking pack: {name}")
    story: list[Any] = [
        Paragraph(f"Tasking pack: {escape(name)}", STYLES["Title"]),
        p(
            f"Meeting {pack['date']:%d %B %Y}; next meeting {pack['next_meeting']:%d %B %Y}. Data: "
            f"{pack['months']['from']} to {pack['months']['to']} ({pack['months']['note']}). "
            f"Printed {date.today():%d %b %Y}. For the partnership's tasking meeting: not for publication."
        ),
        Spacer(1, 6),
        _table(["In this pack", "Count"], summary_rows(pack), [0.5, 0.15]),
    ]
    for section in (_problems, _evaluations, _patrol, _hotspots, _repeats, _gaps, _worklist):
        story += section(pack)
    doc.build(story, onFirstPage=attribution_footer, onLaterPages=attribution_footer)
    return out.getvalue()
