"""Files made for tests and benchmarks: large or hostile spreadsheets and compressed files, written as they stream."""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

CASEWORK_HEADER = ["Ref No", "Date Received", "Councillor", "Ward", "Resident Postcode", "Issue", "Summary", "Outcome"]
CASEWORK_ROW = ["", "03/01/2025", "Cllr B. Khan", "Central", "TS1 5JD", "Noise nuisance", "Loud music", "Closed"]

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
    ),
}
BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
EXTERNAL_ENTITY = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _row(number: int, values: Iterable[str]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(v)}</t></is></c>' for v in values)
    return f'<row r="{number}">{cells}</row>'


def write_xlsx(
    path: Path,
    header: list[str],
    rows: Iterable[list[str]],
    sheet: str = "Sheet1",
    doctype: str = "",
    entity: str = "",
) -> Path:
    """A minimal XLSX workbook of one sheet of inline text cells, written row by row (any number of rows).

    For hostile files: `doctype` goes before the sheet's root element (a DTD), and a row whose one cell refers to
    `entity` (as &entity;) follows the header."""
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {**_PARTS, "xl/workbook.xml": workbook}.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(
                f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'.encode()
            )
            chunk = [_row(1, header)]
            if entity:
                chunk.append(f'<row r="2"><c t="inlineStr"><is><t>&{entity};</t></is></c></row>')
            for number, values in enumerate(rows, start=3 if entity else 2):
                chunk.append(_row(number, values))
                if len(chunk) >= 5000:
                    fh.write("".join(chunk).encode())
                    chunk = []
            fh.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return path


def casework_rows(n: int) -> Iterable[list[str]]:
    """n distinct rows of the shipped councillor-casework profile's layout."""
    for i in range(n):
        yield [f"CW-{i:08d}", *CASEWORK_ROW[1:]]


def gzip_repeated(path: Path, header: str, line: str, n: int) -> Path:
    """A gzip file of a header and one line repeated n times (a few hundred KB can hold a huge file)."""
    block = (line + "\n").encode() * 10_000
    with gzip.open(path, "wb", compresslevel=9) as fh:
        fh.write((header + "\n").encode())
        for _ in range(n // 10_000):
            fh.write(block)
        fh.write((line + "\n").encode() * (n % 10_000))
    return path
