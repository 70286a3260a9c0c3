"""Format negotiation in one place: a service's answer written as JSON, GeoJSON, CSV, PNG or PDF.

A route builds an `Answer` (the writers its result has) and calls `respond` with the format asked for; every
download carries a file name, and exports (CSV, PNG, PDF) are written to the audit log here, not in each route.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from api.http.audit import record_access
from api.render.spreadsheet import safe_rows
from api.services.errors import ParameterError

Table = tuple[Sequence[str], Sequence[Sequence[object]], str]  # header, rows, file name
Printed = tuple[bytes, str]  # document bytes, file name
MEDIA = {
    "json": "application/json",
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "png": "image/png",
    "pdf": "application/pdf",
}
EXPORTS = ("csv", "png", "pdf")


class FastJSONResponse(JSONResponse):
    """JSON encoded with orjson; routes return it directly so large layers skip FastAPI's generic encoder."""

    def render(self, content: Any) -> bytes:
        """The content as UTF-8 JSON (numpy numbers allowed; NaN becomes null)."""
        return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


class GeoJSONResponse(FastJSONResponse):
    """JSON served as application/geo+json (RFC 7946)."""

    media_type = "application/geo+json"


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text with a header line; text that a spreadsheet would run as a formula is made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(safe_rows(rows))
    return buffer.getvalue()


@dataclass(frozen=True)
class Answer:
    """What a route's result can be written as: each writer is called only for the format asked for."""

    json: Callable[[], Any] | None = None
    geojson: Callable[[], Any] | None = None
    table: Callable[[], Table] | None = None
    printed: Callable[[str], Printed] | None = None
    rows: Callable[[], int] | None = None  # how many rows an export holds, for the audit log (default: table rows)
    audited: bool = False  # the route logs every read itself (incident rows), so exports are not logged twice

    def formats(self) -> list[str]:
        """The formats this answer can be written as."""
        have = {"json": self.json, "geojson": self.geojson, "csv": self.table, "png": self.printed}
        found = [name for name, writer in have.items() if writer is not None]
        return [*found, "pdf"] if self.printed else found


def respond(request: Request, answer: Answer, fmt: str, headers: dict[str, str] | None = None) -> Response:
    """The answer in the format asked for, with its media type and, for downloads, its file name."""
    if fmt not in answer.formats():
        raise ParameterError("format", f"{fmt!r} is not offered here; choose from {', '.join(answer.formats())}")
    extra = dict(headers or {})
    if fmt == "json" and answer.json:
        return FastJSONResponse(answer.json(), headers=extra)
    if fmt == "geojson" and answer.geojson:
        return GeoJSONResponse(answer.geojson(), headers=extra)
    if fmt == "csv" and answer.table:
        header, rows, name = answer.table()
        _audit(request, answer, fmt, len(rows))
        extra["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(csv_bytes(header, rows), media_type=MEDIA["csv"], headers=extra)
    assert answer.printed is not None
    document, name = answer.printed(fmt)
    _audit(request, answer, fmt, 0)
    extra["Content-Disposition"] = f'inline; filename="{name}"'
    return Response(document, media_type=MEDIA[fmt], headers=extra)


def _audit(request: Request, answer: Answer, fmt: str, table_rows: int) -> None:
    if not answer.audited:
        record_access(request, answer.rows() if answer.rows else table_rows, fmt)


def documented(*formats: str) -> dict[int | str, dict[str, Any]]:
    """The 200 response of a route that answers in several formats, for the OpenAPI document."""
    return {200: {"content": {MEDIA[f].split(";")[0]: {} for f in formats}, "description": " or ".join(formats)}}
