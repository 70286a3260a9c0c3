"""Bounded files: a file with more rows, or expanding to more bytes, than the limits allow is refused while it is
read, and a spreadsheet declaring an XML document type is refused before it is parsed; the store is unchanged."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

import ingest.adapters.open311 as open311
from ingest.adapters.open311 import read_open311
from ingest.errors import FeedFileError, FileTooLargeError, HostileFileError
from ingest.limits import Limits
from ingest.pipeline import IngestOptions, run
from ingest.profiles import load_profile
from ingest.registry import profile_feed, resolve_feed
from ingest.store.connection import Connection
from tests.conftest import HEADER, PROJECT_DATA, police_file, real_lines
from tests.files import (
    BILLION_LAUGHS,
    CASEWORK_HEADER,
    EXTERNAL_ENTITY,
    casework_rows,
    gzip_repeated,
    write_xlsx,
)
from tests.ingest.conftest import NOW, POSTCODES

WARDENS = PROJECT_DATA / "feeds" / "cleveland-wardens.csv"


def _state(con: Connection) -> tuple[int, int, int]:
    return con.execute(
        "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM quarantine), (SELECT count(*) FROM ingest_runs)"
    ).fetchall()[0]


def _load(con: Connection, feed: str, path: Path, limits: Limits) -> None:
    options = IngestOptions(postcodes=POSTCODES, now=NOW, limits=limits)
    run(resolve_feed(feed), path, con, options)


def test_a_police_gzip_bomb_is_refused_once_it_expands_past_the_bound(store: Connection, tmp_path: Path) -> None:
    bomb = gzip_repeated(tmp_path / "bomb.csv.gz", HEADER, real_lines("suffolk", "04", 1)[1], 300_000)
    with pytest.raises(FileTooLargeError, match=r"expands to more than 10,485,760 bytes.*MAX_UPLOAD_DECOMPRESSED"):
        _load(store, "police", bomb, Limits(decompressed_bytes=10 << 20))
    assert _state(store) == (0, 0, 0)
    _load(store, "police", police_file("suffolk", "04"), Limits(rows=10_000, decompressed_bytes=10 << 20))
    assert _state(store)[0] > 3000  # a real month is within the same bounds


@pytest.mark.bulk
def test_a_file_with_more_rows_than_the_bound_is_refused_in_every_format(store: Connection, tmp_path: Path) -> None:
    with pytest.raises(FileTooLargeError, match=r"more than 1,000 rows.*AIM_MAX_UPLOAD_ROWS"):
        _load(store, "police", police_file("suffolk", "04"), Limits(rows=1000))
    with pytest.raises(FileTooLargeError, match="more than 500 rows"):
        _load(store, "cleveland-wardens", WARDENS, Limits(rows=500))
    sheet = write_xlsx(tmp_path / "c.xlsx", CASEWORK_HEADER, casework_rows(2000), sheet="Casework 2025")
    with pytest.raises(FileTooLargeError, match="more than 500 rows"):
        _load(store, "cleveland-councillor-casework", sheet, Limits(rows=500))
    requests = tmp_path / "requests.json"
    requests.write_text(json.dumps([{"service_request_id": str(i)} for i in range(2000)]))
    with pytest.raises(FileTooLargeError, match="more than 500 rows"):
        _load(store, "open311", requests, Limits(rows=500))
    assert _state(store) == (0, 0, 0)


@pytest.mark.bulk
def test_exports_in_every_format_are_bounded_in_bytes_once_decompressed(store: Connection, tmp_path: Path) -> None:
    lines = WARDENS.read_bytes().split(b"\n")
    bomb = tmp_path / "wardens.csv.gz"  # a gzipped export is read too (and bounded)
    bomb.write_bytes(gzip.compress(b"\n".join(lines[:3]) + b"\n" + b"\n".join(lines[3:]) * 200, 9))
    with pytest.raises(FileTooLargeError, match="expands to more than 1,048,576 bytes"):
        _load(store, "cleveland-wardens", bomb, Limits(decompressed_bytes=1 << 20))
    sheet = write_xlsx(tmp_path / "c.xlsx", CASEWORK_HEADER, casework_rows(20_000), sheet="Casework 2025")
    assert sheet.stat().st_size < 1 << 20
    with pytest.raises(FileTooLargeError, match="the workbook expands to more than 1,048,576 bytes"):
        _load(store, "cleveland-councillor-casework", sheet, Limits(decompressed_bytes=1 << 20))
    requests = tmp_path / "requests.json"
    requests.write_text(json.dumps([{"service_request_id": str(i), "description": "x" * 100} for i in range(20_000)]))
    with pytest.raises(FileTooLargeError, match="expands to more than 1,048,576 bytes"):
        _load(store, "open311", requests, Limits(decompressed_bytes=1 << 20))
    assert _state(store) == (0, 0, 0)


@pytest.mark.parametrize(("doctype", "entity"), [(BILLION_LAUGHS, "lol9"), (EXTERNAL_ENTITY, "xxe")])
def test_a_workbook_declaring_a_document_type_is_refused_before_it_is_parsed(
    store: Connection, tmp_path: Path, doctype: str, entity: str
) -> None:
    sheet = write_xlsx(tmp_path / "h.xlsx", CASEWORK_HEADER, casework_rows(3), "Casework 2025", doctype, entity)
    with pytest.raises(HostileFileError, match=r"xl/worksheets/sheet1.xml declares an XML document type \(DTD\)"):
        _load(store, "cleveland-councillor-casework", sheet, Limits())
    assert _state(store) == (0, 0, 0)


def test_a_document_type_in_any_part_or_encoding_is_found(store: Connection, tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "h.xlsx", CASEWORK_HEADER, casework_rows(3), "Casework 2025")
    hostile = tmp_path / "utf16.xlsx"
    with zipfile.ZipFile(sheet) as source, zipfile.ZipFile(hostile, "w") as out:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "xl/workbook.xml":  # the same DTD, in UTF-16, in another part
                text = data.decode().replace("?>", "?>" + BILLION_LAUGHS.replace("worksheet", "workbook"), 1)
                data = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
            out.writestr(part, data)
    with pytest.raises(HostileFileError, match="xl/workbook.xml declares an XML document type"):
        _load(store, "cleveland-councillor-casework", hostile, Limits())
    assert _state(store) == (0, 0, 0)


def test_open311_requests_are_read_a_piece_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests decode the same however the file is cut into pieces (numbers, strings and escapes across cuts)."""
    items: list[object] = [
        {"service_request_id": "A1", "lat": 54.5686371234, "long": -1.2280921, "note": 'a "quoted" \\ é ✓'},
        "not a request",
        {"service_request_id": 12345678901234, "extra": [1, {"b": None}], "status": True},
        [],
    ]
    wrapped = {"first": {"service_requests": "decoy"}, "service_requests": items, "after": [1, 2]}
    monkeypatch.setattr(open311, "CHUNK", 3)
    for name, data in (("bare", items), ("wrapped", wrapped)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        batches = list(read_open311(path, 2))
        header = batches[0].header
        rows = [row for b in batches for row in b.rows]
        assert [b.lines for b in batches] == [[1], [3]], name
        assert rows[0][header.index("lat")] == "54.5686371234" and rows[0][header.index("note")].endswith("é ✓")
        assert rows[1][header.index("service_request_id")] == "12345678901234" and "extra" in header
        assert [r[1:] for b in batches for r in b.rejects] == [
            ('"not a request"', "request is not a JSON object"),
            ("[]", "request is not a JSON object"),
        ]
    for text in ('{"error": "rate limited"}', '{"service_requests": {"a": 1}}', "42", '"x"'):
        (tmp_path / "bad.json").write_text(text)
        with pytest.raises(FeedFileError, match="not an Open311 GeoReport v2 requests list"):
            list(read_open311(tmp_path / "bad.json", 2))
    for text in ("", "[1, 2", '[{"a": }]'):
        (tmp_path / "bad.json").write_text(text)
        with pytest.raises(FeedFileError, match="not JSON"):
            list(read_open311(tmp_path / "bad.json", 2))


def test_csv_exports_are_read_line_by_line_with_quoted_newlines_and_gzip(store: Connection, tmp_path: Path) -> None:
    lines = WARDENS.read_bytes().split(b"\n")
    quoted = lines[3].replace(b",Borough Rd,", b',"Borough Rd\r\nnear the park",')
    plain = tmp_path / "wardens.csv"
    plain.write_bytes(b"\n".join([*lines[:3], quoted, *lines[4:]]))
    gz = tmp_path / "wardens.csv.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    profile = profile_feed(load_profile("cleveland-wardens"))
    options = IngestOptions(postcodes=POSTCODES, now=NOW, dry_run=True)
    first, second = run(profile, plain, store, options), run(profile, gz, store, options)
    assert first.loaded == second.loaded > 1500 and first.reasons == second.reasons
    assert first.examples == second.examples


def test_wide_encodings_are_read_as_a_stream_of_text(tmp_path: Path) -> None:
    """UTF-16 exports (Excel's "Unicode text") have no newline byte to split on: they are decoded as a stream."""
    from ingest.adapters.text_rows import read_csv_rows
    from ingest.profiles import FileFormat

    path = tmp_path / "unicode.txt"
    path.write_text('a\tb\r\n1\t"x\r\ny"\r\n3\t4\r\n', encoding="utf-16")
    (batch,) = read_csv_rows(path, FileFormat(encoding="utf-16", delimiter="\t"), 10)
    assert batch.header == ["a", "b"] and batch.rows == [["1", "x\r\ny"], ["3", "4"]] and batch.lines == [3, 4]
