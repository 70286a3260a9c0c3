"""Open311 GeoReport v2 service requests (a JSON array, or wrapped in `service_requests`) as batches of text rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ingest.adapters.text_rows import Batcher, TextRows, cell_text
from ingest.errors import FeedFileError

GEOREPORT_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)


def _requests(path: Path) -> list[object]:
    try:
        data = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FeedFileError(path, f"not JSON ({exc})") from exc
    if isinstance(data, dict) and "service_requests" in data:  # some servers wrap the list
        data = data["service_requests"]
    if not isinstance(data, list):
        raise FeedFileError(path, "not an Open311 GeoReport v2 requests list (expected a JSON array)")
    return data


def read_open311(path: Path, size: int) -> Iterator[TextRows]:
    """Batches of requests as text rows, one column per field; items that are not objects are refused."""
    data = _requests(path)  # read before the first batch, so a file that is not a list is refused at once
    header: list[str] = list(GEOREPORT_FIELDS)  # optional fields may be absent from every request
    for item in data:
        if isinstance(item, dict):
            header.extend(k for k in item if k not in header)

    def batches() -> Iterator[TextRows]:
        batch = Batcher(size)
        batch.header = header
        for number, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                batch.rejects.append((number, json.dumps(item)[:500], "request is not a JSON object"))
            else:
                batch.rows.append([cell_text(item.get(k)) for k in header])
                batch.lines.append(number)
            if batch.full():
                yield batch.take()
        yield from batch.rest()

    return batches()
