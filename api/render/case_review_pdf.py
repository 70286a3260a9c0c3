"""The yearly Case Review publication printed (reportlab platypus, A4): the statutory counts per relevant body and for
the partnership, the local threshold and the procedure's link. Every text is escaped for Paragraph markup."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer

from api.render.assessment_pdf import table
from api.render.tasking_pack_pdf import SMALL, STYLES, a4_document, p
from api.services.case_review_publication import PUBLICATION_HEADER, publication_rows


def render_publication_pdf(found: dict[str, Any]) -> bytes:
    """The publication as an A4 PDF."""
    out = io.BytesIO()
    title = f"ASB Case Review figures, {found['year']}" + (f": {found['body']}" if found["body"] else "")
    doc = a4_document(out, title, bottom_margin=1.5 * cm)
    procedure = found["procedure_url"] or "not linked yet"
    story: list[Any] = [
        Paragraph(escape(title), STYLES["Title"]),
        p(
            "The yearly publication of the Anti-social Behaviour, Crime and Policing Act 2014 (s.104): applications "
            f"for an ASB Case Review received in {found['year']}, the times the threshold was not met, the reviews "
            "carried out and the reviews that resulted in recommendations."
        ),
        p(f"The local threshold: {found['threshold']['in_words']}."),
        p(f"The procedure: {procedure}."),
        Spacer(1, 6),
        table(PUBLICATION_HEADER, publication_rows(found)),
        Spacer(1, 6),
        p(found["note"], SMALL),
        p(f"Generated {found['generated_at']} by AIM.", SMALL),
    ]
    doc.build(story)
    return out.getvalue()
