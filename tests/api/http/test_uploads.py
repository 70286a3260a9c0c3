"""Loading a file into the running service: atomic for readers, who keep being answered while it loads."""

from __future__ import annotations

import csv
import gzip
import io
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from ingest.pipeline import run
from ingest.registry import resolve_feed
from tests.conftest import HEADER, new_store, police_file, real_lines, sign_in, three_forces_file
from tests.files import BILLION_LAUGHS, CASEWORK_HEADER, EXTERNAL_ENTITY, casework_rows, gzip_repeated, write_xlsx


@pytest.fixture()
def service(tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "aim.duckdb"
    con = new_store(path)
    run(resolve_feed("police"), police_file("cleveland", "01"), con)
    con.close()
    with TestClient(create_app(Settings(store=path))) as c:
        yield sign_in(c)  # type: ignore[misc]


def test_an_analyst_loads_a_file_once_and_others_may_not(service: TestClient) -> None:
    body = police_file("cleveland", "02").read_bytes()
    first = service.post("/api/v1/ingest/police", params={"filename": "2025-02-cleveland-street.csv.gz"}, content=body)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "loaded" and first.json()["months_new"] == ["police:Cleveland Police:2025-02"]
    again = service.post("/api/v1/ingest/police", params={"filename": "again.csv.gz"}, content=body)
    assert again.json()["status"] == "unchanged" and again.json()["loaded"] == 0
    public = TestClient(service.app)
    assert public.post("/api/v1/ingest/police", content=body).status_code == 401
    partner = sign_in(TestClient(service.app), "partner", ("warden",))
    assert partner.post("/api/v1/ingest/police", content=body).status_code == 403  # type: ignore[attr-defined]
    audit = service.app.state.access.audit_log(limit=5)  # type: ignore[attr-defined]
    assert audit[0]["action"] == "POST /api/v1/ingest/police" and audit[0]["format"] == "ingest police"


def test_a_broken_upload_is_refused_and_changes_nothing(service: TestClient) -> None:
    before = service.get("/healthz").json()["incidents"]
    broken = service.post("/api/v1/ingest/police", content=b"Crime ID,Month\n1,2025-01\n")
    assert broken.status_code == 400 and "missing column" in broken.json()["detail"]
    assert service.post("/api/v1/ingest/nope", content=b"x").status_code == 422
    assert service.get("/healthz").json()["incidents"] == before


@pytest.mark.bulk
def test_readers_see_the_store_before_or_after_a_load_never_half_of_it(service: TestClient, tmp_path: Path) -> None:
    before = service.get("/healthz").json()["incidents"]
    seen: list[int] = []
    failures: list[str] = []
    done = threading.Event()

    def read() -> None:
        reader = TestClient(service.app)
        reader.headers.update(service.headers)
        while not done.is_set():
            response = reader.get(
                "/api/v1/hexes", params={"res": 6, "category": "all", "from": "2025-01", "to": "2025-03"}
            )
            if response.status_code != 200:
                failures.append(response.text)
            else:
                seen.append(sum(f["properties"]["count"] for f in response.json()["features"]))

    big = three_forces_file(tmp_path / "three-forces.csv.gz").read_bytes()
    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    loaded = service.post(
        "/api/v1/ingest/police",
        params={"filename": "three-forces.csv.gz"},
        content=big,
    )
    done.set()
    for t in threads:
        t.join()
    assert loaded.status_code == 200, loaded.text
    after = service.get("/api/v1/hexes", params={"res": 6, "category": "all", "from": "2025-01", "to": "2025-03"})
    total_after = sum(f["properties"]["count"] for f in after.json()["features"])
    first = seen[0]
    assert not failures
    assert len(seen) >= 5, "the readers were not answered while the file loaded"
    assert set(seen) <= {first, total_after}, sorted(set(seen))
    assert total_after - first > 50_000 and service.get("/healthz").json()["incidents"] > before


def test_the_sources_report_is_kept_until_a_load_changes_the_store(service: TestClient) -> None:
    first = service.get("/api/v1/sources").json()
    months = [m["month"] for m in first["feeds"][0]["months"]]
    assert months == ["2025-01"]
    first["feeds"].clear()  # a caller changing its copy changes nothing kept
    assert service.get("/api/v1/sources").json()["feeds"][0]["months"][0]["month"] == "2025-01"
    body = police_file("cleveland", "02").read_bytes()
    loaded = service.post("/api/v1/ingest/police", params={"filename": "feb.csv.gz"}, content=body)
    assert loaded.status_code == 200
    after = service.get("/api/v1/sources").json()
    assert [m["month"] for m in after["feeds"][0]["months"]] == ["2025-01", "2025-02"]
    assert after["latest_month"] == "2025-02"


def test_a_file_that_would_shrink_a_month_is_refused_with_409_unless_the_caller_says_so(service: TestClient) -> None:
    lines = gzip.decompress(police_file("cleveland", "01").read_bytes()).decode().splitlines()
    smaller = ("\n".join(lines[:101]) + "\n").encode()  # 100 rows for a month that holds 6,000+
    refused = service.post("/api/v1/ingest/police", params={"filename": "jan.csv"}, content=smaller)
    assert refused.status_code == 409 and "--replace-smaller" in refused.json()["detail"]
    health = service.get("/healthz").json()
    assert health["sources"]["police"]["incidents"] == len(lines) - 1  # the month is as it was
    allowed = service.post(
        "/api/v1/ingest/police", params={"filename": "jan.csv", "replace_smaller": "true"}, content=smaller
    )
    assert allowed.status_code == 200 and allowed.json()["loaded"] == 100


def test_csv_exports_carry_no_formula_a_spreadsheet_would_run(service: TestClient) -> None:
    lines = gzip.decompress(police_file("cleveland", "02").read_bytes()).decode().splitlines()
    header, row = lines[0], next(csv.reader([lines[1]]))
    hostile = ['=HYPERLINK("http://x.example","click")', "@SUM(1+1)", "+1+1", "-2+3"]
    rows = []
    for k, text in enumerate(hostile):
        cells = list(row)
        cells[6] = text  # Location
        cells[0] = f"crime-{k}"  # Crime ID: distinct records
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(cells)
        rows.append(buffer.getvalue())
    body = ("\n".join([header, *rows]) + "\n").encode()
    assert service.post("/api/v1/ingest/police", params={"filename": "x.csv"}, content=body).status_code == 200
    export = service.get(
        "/api/v1/incidents", params={"format": "csv", "from": "2025-02", "to": "2025-02", "category": "all"}
    )
    table = list(csv.DictReader(io.StringIO(export.text)))
    texts = {r["location_text"] for r in table}
    assert texts == {"'" + t for t in hostile}  # shown as text, never run
    assert all(r["lon"].startswith("-") for r in table)  # numbers are numbers: a negative longitude stays as it is


@contextmanager
def limited(tmp_path: Path, **limits: int) -> Iterator[TestClient]:
    """A service over a store holding one real month, with these upload limits."""
    path = tmp_path / "limited.duckdb"
    con = new_store(path)
    run(resolve_feed("police"), police_file("cleveland", "01"), con)
    con.close()
    with TestClient(create_app(Settings(store=path, **limits))) as c:  # type: ignore[arg-type]
        yield sign_in(c)  # type: ignore[misc]


def _held(client: TestClient) -> tuple[int, int]:
    """(incidents, load runs) the store holds."""
    con = client.app.state.con  # type: ignore[attr-defined]
    return con.execute("SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM ingest_runs)").fetchall()[0]


def _no_temporary_path(detail: str) -> None:
    assert "aim-upload" not in detail and tempfile.gettempdir() not in detail, detail


def test_a_gzip_bomb_is_refused_with_413_naming_the_limit_and_changes_nothing(tmp_path: Path) -> None:
    row = real_lines("cleveland", "02", 1)[1]
    bomb = gzip_repeated(tmp_path / "bomb.csv.gz", HEADER, row, 400_000)  # ~90 MB of CSV in a few hundred KB
    assert bomb.stat().st_size < 1 << 20
    with limited(tmp_path, max_upload_decompressed_bytes=20 << 20) as service:
        before = _held(service)
        refused = service.post("/api/v1/ingest/police", params={"filename": "bomb.csv.gz"}, content=bomb.read_bytes())
        assert refused.status_code == 413, refused.text
        detail = refused.json()["detail"]
        assert "AIM_MAX_UPLOAD_DECOMPRESSED_BYTES" in detail and "20,971,520" in detail and "bomb.csv.gz" in detail
        _no_temporary_path(detail)
        assert _held(service) == before


@pytest.mark.bulk
def test_a_file_with_more_rows_than_allowed_is_refused_with_413(tmp_path: Path) -> None:
    body = police_file("cleveland", "02").read_bytes()  # 6,237 rows
    with limited(tmp_path, max_upload_rows=1000) as service:
        before = _held(service)
        refused = service.post("/api/v1/ingest/police", params={"filename": "feb.csv.gz"}, content=body)
        assert refused.status_code == 413, refused.text
        assert "AIM_MAX_UPLOAD_ROWS" in refused.json()["detail"] and "1,000" in refused.json()["detail"]
        assert _held(service) == before
        sheet = write_xlsx(tmp_path / "casework.xlsx", CASEWORK_HEADER, casework_rows(3000), sheet="Casework 2025")
        refused = service.post(
            "/api/v1/ingest/cleveland-councillor-casework", params={"filename": "c.xlsx"}, content=sheet.read_bytes()
        )
        assert refused.status_code == 413 and "AIM_MAX_UPLOAD_ROWS" in refused.json()["detail"], refused.text
        assert _held(service) == before


@pytest.mark.parametrize(
    ("doctype", "entity"), [(BILLION_LAUGHS, "lol9"), (EXTERNAL_ENTITY, "xxe"), ("<!DOCTYPE worksheet>", "")]
)
def test_a_spreadsheet_with_a_dtd_is_refused_with_400(
    service: TestClient, tmp_path: Path, doctype: str, entity: str
) -> None:
    rows = casework_rows(5)
    sheet = write_xlsx(tmp_path / "hostile.xlsx", CASEWORK_HEADER, rows, "Casework 2025", doctype, entity)
    before = service.get("/healthz").json()["incidents"]
    refused = service.post(
        "/api/v1/ingest/cleveland-councillor-casework", params={"filename": "hostile.xlsx"}, content=sheet.read_bytes()
    )
    assert refused.status_code == 400, refused.text
    detail = refused.json()["detail"]
    assert "DTD" in detail and "hostile.xlsx" in detail
    _no_temporary_path(detail)
    assert service.get("/healthz").json()["incidents"] == before


def test_errors_name_the_uploaded_file_never_a_temporary_path(service: TestClient) -> None:
    broken = service.post("/api/v1/ingest/police", params={"filename": "feb.csv"}, content=b"Crime ID,Month\n1,x\n")
    assert broken.status_code == 400
    detail = broken.json()["detail"]
    assert detail.startswith("feb.csv, line 1: missing column"), detail
    _no_temporary_path(detail)
    sheet = service.post(
        "/api/v1/ingest/cleveland-councillor-casework", params={"filename": "cases.xlsx"}, content=b"PK\x03\x04junk"
    )
    assert sheet.status_code == 400 and sheet.json()["detail"].startswith("cases.xlsx: not an XLSX workbook")
    _no_temporary_path(sheet.json()["detail"])


def test_the_body_is_streamed_to_disk_and_never_held_whole(
    service: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starlette.requests import Request

    async def whole_body(self: Request) -> bytes:
        raise AssertionError("the upload route read the whole body into memory")

    monkeypatch.setattr(Request, "body", whole_body)
    chunks = (police_file("cleveland", "02").read_bytes()[i : i + 65536] for i in range(0, 10**7, 65536))
    loaded = service.post("/api/v1/ingest/police", params={"filename": "feb.csv.gz"}, content=(c for c in chunks if c))
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["months_new"] == ["police:Cleveland Police:2025-02"]
