"""Bad input: clear errors naming file, line and reason; good rows land; unreadable files change nothing."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from ingest.errors import FeedFileError
from ingest.store.connection import Connection
from tests.conftest import HEADER, load_police, police_file, real_lines, write_csv

GOOD = (
    ",2025-03,Cleveland Police,Cleveland Police,-1.235869,54.710159,On or near Tempest Road,E01011954,"
    "Hartlepool 001A,Anti-social behaviour,,"
)


def _state(con: Connection) -> tuple[object, ...]:
    counts = []
    for table in ("incidents", "quarantine", "ingest_runs", "partitions", "place_wards"):
        counts.append(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])  # noqa: S608
    return tuple(counts)


def _loaded_store(store: Connection) -> Connection:
    load_police(store, police_file("cleveland", "01"))
    return store


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (HEADER.encode() + b"\n", "no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a CSV file"),
        (
            HEADER.replace("Longitude", "Lng").encode() + b"\n" + GOOD.encode(),
            "missing column(s) 'Longitude'",
        ),
        (HEADER.replace(",Latitude", "").encode() + b"\n" + GOOD.encode(), "missing column(s) 'Latitude'"),
        (b"\x1f\x8b\x08\x00garbage that is not gzip", "cannot"),
    ],
    ids=["empty", "header-only", "binary", "renamed-column", "missing-column", "broken-gzip"],
)
def test_unreadable_files_raise_and_leave_the_store_untouched(
    store: Connection, tmp_path: Path, content: bytes, reason: str
) -> None:
    _loaded_store(store)
    before = _state(store)
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(FeedFileError) as err:
        load_police(store, path)
    assert str(path) in str(err.value) and reason in str(err.value)
    assert _state(store) == before


def test_truncated_gzip_mid_file_rolls_back_everything(store: Connection, tmp_path: Path) -> None:
    _loaded_store(store)
    before = _state(store)
    whole = police_file("derbyshire", "06").read_bytes()
    path = tmp_path / "truncated.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(FeedFileError):
        load_police(store, path)
    assert _state(store) == before
    # the next ingest of a good file succeeds
    assert load_police(store, police_file("derbyshire", "06")).loaded > 0


def test_bad_rows_go_to_quarantine_with_line_and_reason(store: Connection, tmp_path: Path) -> None:
    lines = real_lines("cleveland", "03", 5)  # lines 2-6 are good real rows
    bad = [
        GOOD.replace("2025-03", "March 2025"),  # line 7
        GOOD.replace("-1.235869,54.710159", "54.710159,-1.235869"),  # line 8: swapped
        GOOD.replace("-1.235869,54.710159", "-74.0060,40.7128"),  # line 9: New York
        GOOD.replace("-1.235869", "west"),  # line 10
        GOOD.replace(",Anti-social behaviour,", ",,"),  # line 11
        "just,three,fields",  # line 12
        "",  # line 13: blank line
        GOOD.replace("-1.235869,54.710159", ",54.710159"),  # line 14: one coordinate
        GOOD,  # line 15: good
        GOOD.replace("2025-03", "2025-13"),  # line 16
    ]
    path = write_csv(tmp_path / "mixed.csv", lines + bad)
    report = load_police(store, path)
    assert report.loaded == 6 and report.quarantined == 9 and report.rows_read == 15
    rows = store.execute("SELECT line, reason, raw, file FROM quarantine ORDER BY line").fetchall()
    got = {line: reason for line, reason, _, _ in rows}
    assert "'March 2025' is not a valid YYYY-MM month" in got[7]
    assert "look swapped" in got[8]
    assert "outside the UK" in got[9]
    assert "'west' is not a number" in got[10]
    assert "missing crime type" in got[11]
    assert got[12] == "expected 12 fields, found 3"
    assert got[13] == "blank row"
    assert "only one of longitude/latitude" in got[14]
    assert "'2025-13' is not a valid YYYY-MM month" in got[16]
    assert all(f == str(path) for *_, f in rows)
    assert rows[0][2].startswith(",March 2025,Cleveland Police")
    loaded_lines = [r[0] for r in store.execute("SELECT line FROM incidents ORDER BY line").fetchall()]
    assert loaded_lines == [2, 3, 4, 5, 6, 15]
    again = load_police(store, path)
    assert again.status == "unchanged"
    assert store.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] == 9


def test_invalid_utf8_rows_are_quarantined_and_the_rest_load(store: Connection, tmp_path: Path) -> None:
    lines = [line.encode() for line in real_lines("suffolk", "02", 3)]
    lines.insert(2, GOOD.replace("Tempest Road", "T\xffmpest").encode("latin-1"))
    path = tmp_path / "latin1.csv.gz"
    path.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    report = load_police(store, path)
    assert report.loaded == 3 and report.quarantined == 1
    line, reason = store.execute("SELECT line, reason FROM quarantine").fetchall()[0]
    assert line == 3 and "not UTF-8" in reason


@pytest.mark.parametrize("block_size", [1 << 10, 8 << 20])  # small blocks: rows already yielded before the bad one
def test_a_short_row_with_invalid_bytes_is_kept_aside_not_the_whole_file(
    store: Connection, tmp_path: Path, block_size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.adapters.csv_batches as csv_batches

    monkeypatch.setattr(csv_batches, "BLOCK_SIZE", block_size)
    real = [line.encode() for line in real_lines("suffolk", "02", 60)]
    broken = "T\xffmpest Road,only,four,fields".encode("latin-1")
    bad_utf8 = GOOD.replace("Tempest Road", "T\xe9mpest").encode("latin-1")  # right field count, not UTF-8
    accented = GOOD.replace("Tempest Road", "Caf\u00e9 Street").encode("utf-8")  # real UTF-8 must survive
    lines = [*real[:40], broken, bad_utf8, *real[40:50], b"a,b", accented, *real[50:]]
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    report = load_police(store, path)
    body = len(lines) - 1  # the header
    assert report.loaded == body - 3 and report.quarantined == 3
    quarantined = dict(store.execute("SELECT line, reason FROM quarantine").fetchall())
    assert (
        quarantined
        == {
            41: "expected 12 fields, found 4",
            42: quarantined[42],
            53: "expected 12 fields, found 2",
        }
        and "not UTF-8" in quarantined[42]
    )
    raw = store.execute("SELECT raw FROM quarantine WHERE line = 41").fetchall()[0][0]
    assert raw.startswith("T\ufffdmpest Road,only")  # the bytes shown, with the undecodable one replaced
    loaded = [r[0] for r in store.execute("SELECT line FROM incidents ORDER BY line").fetchall()]
    assert loaded == [n for n in range(2, len(lines) + 1) if n not in (41, 42, 53)]  # each row once, none lost
    assert store.execute("SELECT count(*) FROM incidents WHERE location_text LIKE '%Café Street%'").fetchall()[0][0]
    assert load_police(store, path).status == "unchanged"


def test_a_missing_path_is_a_clear_error(store: Connection, tmp_path: Path) -> None:
    with pytest.raises(FeedFileError, match="no such file"):
        load_police(store, tmp_path / "nope.csv")
