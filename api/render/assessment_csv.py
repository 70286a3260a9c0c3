"""The annual assessment's data as CSV files in one zip: one file per table, text a spreadsheet would run as a
formula made inert (api.render.spreadsheet), and a README naming the files."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from api.render.assessment_text import SECTIONS
from api.render.spreadsheet import safe_rows


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    """A header and rows as CSV text, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(safe_rows([header, *rows]))
    return buffer.getvalue()


def file_stem(report: dict[str, Any]) -> str:
    """The download's name without its ending: aim-assessment-<district code>-<year>."""
    return f"aim-assessment-{report['district']['code']}-{report['year']}"


def table_rows(report: dict[str, Any]) -> int:
    """How many rows the CSV files hold together (for the audit log)."""
    return sum(len(s.rows(report)) for s in SECTIONS)


def assessment_zip(report: dict[str, Any]) -> bytes:
    """Every table of the assessment as its own CSV file, zipped."""
    out = io.BytesIO()
    stem = file_stem(report)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        lines = [
            f"{report['district']['name']} ({report['district']['code']}), {report['year']}: the annual assessment"
        ]
        for s in SECTIONS:
            archive.writestr(f"{stem}/{s.name}.csv", csv_text(s.header, s.rows(report)))
            lines.append(f"{s.name}.csv: {s.title}")
        archive.writestr(f"{stem}/README.txt", "\n".join(lines) + "\n")
    return out.getvalue()
