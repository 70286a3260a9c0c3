"""Adapters under hypothesis: random bytes, random encodings and broken rows never crash an ingest, lose a row,
or leave a half-written store. Every outcome is a clean refusal (nothing stored) or rows loaded plus rows
quarantined adding up to rows read."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import IngestError
from ingest.pipeline import IngestReport
from ingest.profiles import load_profile
from ingest.store.connection import Connection
from tests.conftest import PROJECT_DATA, load_police, police_file
from tests.ingest.conftest import load_feed

pytestmark = pytest.mark.fuzz
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
with gzip.open(police_file("cleveland", "03"), "rt") as _fh:
    POLICE_LINES = [next(_fh).rstrip("\n") for _ in range(40)]
WARDEN_LINES = (PROJECT_DATA / "feeds" / "cleveland-wardens.csv").read_text("cp1252").splitlines()[:40]
ENCODINGS = ["utf-8", "utf-16", "latin-1", "cp1252", "utf-8-sig", "ascii"]


def state(con: Connection) -> tuple[int, ...]:
    return con.execute(
        "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM quarantine), (SELECT count(*) FROM ingest_runs)"
    ).fetchall()[0]


def check(con: Connection, load: object) -> None:
    """Run a load: a refusal changes nothing; a load accounts for every row it read."""
    before = state(con)
    try:
        report = load()  # type: ignore[operator]
    except IngestError:
        assert state(con) == before
        return
    assert isinstance(report, IngestReport)
    if report.status == "loaded":  # a new file: every row it read is either loaded or quarantined
        assert report.loaded + report.quarantined == report.rows_read
        assert state(con)[2] == before[2] + 1


def mutate(lines: list[str], data: st.DataObject) -> str:
    """Real lines with some broken: cut short, fields dropped or doubled, stray quotes, junk bytes as text."""
    out = list(lines)
    for _ in range(data.draw(st.integers(0, 8))):
        i = data.draw(st.integers(0, len(out) - 1))
        kind = data.draw(st.sampled_from(["cut", "drop", "double", "quote", "junk", "blank", "swap"]))
        line = out[i]
        fields = line.split(",")
        if kind == "cut":
            out[i] = line[: data.draw(st.integers(0, len(line)))]
        elif kind == "drop" and len(fields) > 1:
            del fields[data.draw(st.integers(0, len(fields) - 1))]
            out[i] = ",".join(fields)
        elif kind == "double":
            out[i] = line + "," + line
        elif kind == "quote":
            out[i] = line.replace(",", ',"', 1)
        elif kind == "junk":
            out[i] = data.draw(st.text(max_size=60))
        elif kind == "blank":
            out[i] = ""
        elif kind == "swap" and len(fields) > 5:
            fields[4], fields[5] = fields[5], fields[4]
            out[i] = ",".join(fields)
    return "\n".join(out) + "\n"


@FUZZ
@given(raw=st.binary(max_size=3000))
def test_police_adapter_takes_random_bytes(store: Connection, tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "random.csv"
    path.write_bytes(raw)
    check(store, lambda: load_police(store, path))


@FUZZ
@given(data=st.data(), encoding=st.sampled_from(ENCODINGS))
def test_police_adapter_takes_broken_rows_in_any_encoding(
    store: Connection, tmp_path: Path, data: st.DataObject, encoding: str
) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(mutate(POLICE_LINES, data).encode(encoding, "replace"))
    check(store, lambda: load_police(store, path))


@FUZZ
@given(data=st.data(), encoding=st.sampled_from(ENCODINGS), raw=st.binary(max_size=400))
def test_profile_adapter_takes_broken_rows_random_bytes_and_encodings(
    store: Connection, tmp_path: Path, data: st.DataObject, encoding: str, raw: bytes
) -> None:
    profile = load_profile("cleveland-wardens")
    path = tmp_path / "wardens.csv"
    body = mutate(WARDEN_LINES, data).encode(encoding, "replace")
    path.write_bytes(body + raw if data.draw(st.booleans()) else body)
    check(store, lambda: load_feed(store, profile, path))
