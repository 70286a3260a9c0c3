"""Open311 GeoReport v2 service requests (a JSON array, or wrapped in `service_requests`) as batches of text rows.

The file is read a piece at a time: requests are decoded one by one, so a large file is never held whole.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ingest.adapters.text_rows import Batcher, TextRows, cell_text
from ingest.errors import FeedFileError
from ingest.limits import NO_LIMITS, Limits, open_bounded

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
WRAPPER = "service_requests"  # some servers wrap the list in an object under this key
CHUNK = 1 << 16
MAX_ITEM_CHARS = 1 << 20  # one request larger than this is not a service request
MAX_FIELDS = 500  # distinct fields across the requests
NOT_A_LIST = "not an Open311 GeoReport v2 requests list (expected a JSON array)"
WHITESPACE = " \t\n\r"


class _Text:
    """The file's text with a read position, decoded a chunk at a time; consumed text is dropped."""

    def __init__(self, path: Path, fh: IO[bytes]) -> None:
        self.path = path
        self.fh = fh
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.pos = 0
        self.eof = False

    def more(self, at_least: int = 0) -> bool:
        """Read more text (at least `at_least` bytes unless the file ends); False at the end of the file."""
        if self.eof:
            return False
        raw = self.fh.read(max(at_least, CHUNK))
        try:
            text = self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise FeedFileError(self.path, f"not JSON ({exc})") from exc
        self.eof = not raw
        self.buffer = self.buffer[self.pos :] + text
        self.pos = 0
        return bool(raw) or bool(text)

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the file), without consuming it."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.more():
                return ""

    def expect(self, chars: str) -> str:
        """Consume the next character, which must be one of `chars`."""
        found = self.peek()
        if not found or found not in chars:
            raise FeedFileError(self.path, NOT_A_LIST if found else "not JSON (the file ends too soon)")
        self.pos += 1
        return found

    def value(self, decoder: json.JSONDecoder) -> object:
        """Decode the next JSON value, reading more of the file until it is complete (at most MAX_ITEM_CHARS)."""
        self.peek()
        while True:
            try:
                value, end = decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buffer) - self.pos > MAX_ITEM_CHARS:
                    raise FeedFileError(self.path, f"a JSON value larger than {MAX_ITEM_CHARS >> 20} MB") from exc
                if not self.more(len(self.buffer) - self.pos):  # doubles what is held: linear, not quadratic
                    raise FeedFileError(self.path, f"not JSON ({exc})") from exc
                continue
            if end == len(self.buffer) and not self.eof and self.buffer[self.pos] not in '[{"':
                self.more()  # a bare number may go on in the next chunk
                continue
            self.pos = end
            return value


def _to_array(text: _Text, decoder: json.JSONDecoder) -> bool:
    """Move to just inside the requests array: the file's own array, or the one under WRAPPER."""
    if text.expect("[{") == "[":
        return True
    while text.peek() != "}":
        key = text.value(decoder)
        text.expect(":")
        if key == WRAPPER:
            return text.expect("[{") == "["
        text.value(decoder)
        if text.peek() == ",":
            text.expect(",")
    return False


def _requests(path: Path, limits: Limits) -> Iterator[object]:
    """Each item of the requests array in turn."""
    decoder = json.JSONDecoder()
    with open_bounded(path, limits) as fh:
        text = _Text(path, fh)
        if not _to_array(text, decoder):
            raise FeedFileError(path, NOT_A_LIST)
        if text.peek() == "]":
            return
        while True:
            yield text.value(decoder)
            if text.expect(",]") == "]":
                return


def read_open311(path: Path, size: int, limits: Limits = NO_LIMITS) -> Iterator[TextRows]:
    """Batches of requests as text rows, one column per field; items that are not objects are refused."""
    header: list[str] = list(GEOREPORT_FIELDS)  # optional fields may be absent from every request
    known = set(header)
    for item in _requests(path, limits):  # a first pass for the fields, so a file that is not a list is refused now
        if isinstance(item, dict):
            for k in item:
                if k not in known:
                    if len(header) >= MAX_FIELDS:
                        raise FeedFileError(path, f"more than {MAX_FIELDS} distinct fields across the requests")
                    known.add(k)
                    header.append(k)

    def batches() -> Iterator[TextRows]:
        batch = Batcher(size)
        batch.header = header
        for number, item in enumerate(_requests(path, limits), start=1):
            if not isinstance(item, dict):
                batch.rejects.append((number, json.dumps(item)[:500], "request is not a JSON object"))
            else:
                batch.rows.append([cell_text(item.get(k)) for k in header])
                batch.lines.append(number)
            if batch.full():
                yield batch.take()
        yield from batch.rest()

    return batches()
