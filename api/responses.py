"""Response classes: GeoJSON media type and CSV downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from fastapi.responses import JSONResponse, Response


class FastJSONResponse(JSONResponse):
    """JSON encoded with orjson; routes return it directly so large layers skip FastAPI's generic encoder."""

    def render(self, content: Any) -> bytes:
        """The content as UTF-8 JSON (numpy numbers allowed; NaN becomes null)."""
        return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


class GeoJSONResponse(FastJSONResponse):
    """JSON served as application/geo+json (RFC 7946)."""

    media_type = "application/geo+json"


def csv_response(header: Sequence[str], rows: Iterable[Sequence[object]], filename: str) -> Response:
    """A CSV download."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
