"""The annual assessment printed (reportlab platypus, A4): its chapters' notes and tables as the page lays them out.
Every text from feeds, boundary files or people is escaped for Paragraph markup (api.render.tasking_pack_pdf.p)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph, Spacer, Table

from api.render.assessment_page import chapters
from api.render.assessment_text import SUMMARY, summary_rows
from api.render.tasking_pack_pdf import CELL, GRID, SMALL, STYLES, WIDTH, a4_document, attribution_footer, p

MIN_SHARE = 0.05  # the narrowest column, as a share of the text's width
LONGEST = 60  # characters past which a column grows no wider


def column_widths(header: list[str], rows: list[list[object]]) -> list[float]:
    """Columns as wide as their longest text (within bounds), together the width of the page's text."""
    longest = [min(LONGEST, max(len(str(v)) for v in [h, *(row[i] for row in rows)])) for i, h in enumerate(header)]
    weights = [max(n + 3, MIN_SHARE * sum(longest)) for n in longest]  # room for the cell's padding
    return [WIDTH * w / sum(weights) for w in weights]


def table(header: list[str], rows: list[list[object]]) -> Table:
    """A table of plain text, every cell escaped, its header repeated on each page."""
    cells = [[p(h, CELL) for h in header]] + [[p(v, CELL) for v in row] for row in rows]
    out = Table(cells, colWidths=column_widths(header, rows), repeatRows=1)
    out.setStyle(GRID)
    return out


def render_assessment_pdf(report: dict[str, Any]) -> bytes:
    """The assessment as an A4 PDF."""
    out = io.BytesIO()
    district = report["district"]
    title = f"Annual strategic assessment: {district['name']}, {report['year']}"
    doc = a4_document(out, title)
    partnership = report["partnership"]
    intro = (
        (f"{partnership['name']} community safety partnership ({partnership['code']}); " if partnership else "")
        + f"district {district['code']}. Months {report['months']['from']} to {report['months']['to']}; held "
        f"{report['months']['held_from']} to {report['months']['held_to']}. For the partnership's strategic "
        "assessment (Crime and Disorder Act 1998 s.6; SI 2007/1830): every figure is the one AIM's API gives for the "
        f"same question. Generated {report['generated_at']} from store version {report['store_version']}."
    )
    story: list[Any] = [Paragraph(escape(title), STYLES["Title"]), p(intro), Spacer(1, 6)]
    story += [table(SUMMARY, summary_rows(report)), Spacer(1, 6)]
    for chapter in chapters(report):
        story.append(Paragraph(escape(chapter["heading"]), STYLES["Heading2"]))
        story += [p(note) for note in chapter["notes"]]
        for t in chapter["tables"]:
            if t["rows"]:
                story += [Paragraph(escape(t["title"]), STYLES["Heading4"]), table(t["header"], t["rows"])]
        story.append(Spacer(1, 4))
    story.append(p("Figures and suggestions for the partnership's assessment: not for publication as they are.", SMALL))
    doc.build(story, onFirstPage=attribution_footer, onLaterPages=attribution_footer)
    return out.getvalue()
