"""Bad files never lose data: quarantine is always written, and a file that would replace a month with far fewer
good rows than it holds is refused (the cases that once destroyed data, reproduced on real files)."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

from ingest.errors import SuspiciousFileError
from ingest.pipeline import IngestOptions, run
from ingest.registry import resolve_feed
from ingest.store.connection import Connection
from tests.conftest import PROJECT_DATA, load_police, police_file, write_csv

MARCH = "police:Cleveland Police:2025-03"


def _rows(path: Path) -> list[list[str]]:
    with gzip.open(path, "rt", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue())
    return path


def _held(store: Connection, partition: str) -> int:
    return int(store.execute("SELECT count(*) FROM incidents WHERE partition_key = ?", [partition]).fetchall()[0][0])


def test_a_file_of_only_bad_rows_writes_every_one_to_quarantine(store: Connection, tmp_path: Path) -> None:
    rows = _rows(police_file("cleveland", "03"))
    header, body = rows[0], rows[1:]
    month = header.index("Month")
    bad = _write(tmp_path / "all-bad.csv", [header] + [[*r[:month], "March 2025", *r[month + 1 :]] for r in body])
    report = load_police(store, bad)
    assert report.status == "quarantined" and report.loaded == 0 and report.quarantined == len(body) > 7000
    held = store.execute("SELECT count(*), count(DISTINCT line) FROM quarantine WHERE file = ?", [str(bad)]).fetchall()
    assert held == [(len(body), len(body))]
    run = store.execute("SELECT status, quarantined FROM ingest_runs ORDER BY run_id DESC LIMIT 1").fetchall()
    assert run == [("quarantined", len(body))]
    again = load_police(store, bad)  # loading it again keeps one copy of its rows
    assert again.quarantined == len(body)
    assert store.execute("SELECT count(*) FROM quarantine WHERE file = ?", [str(bad)]).fetchall() == [(len(body),)]


def test_swapped_coordinates_in_all_rows_but_one_do_not_replace_a_month(store: Connection, tmp_path: Path) -> None:
    load_police(store, police_file("cleveland", "03"))
    before = _held(store, MARCH)
    rows = _rows(police_file("cleveland", "03"))
    header, body = rows[0], rows[1:]
    lon, lat = header.index("Longitude"), header.index("Latitude")
    swapped = [body[0]] + [[*r[:lon], r[lat], r[lon], *r[lat + 1 :]] for r in body[1:] if r[lon] and r[lat]]
    with pytest.raises(SuspiciousFileError, match="far fewer rows") as refused:
        load_police(store, _write(tmp_path / "swapped.csv", [header, *swapped]))
    assert "--replace-smaller" in str(refused.value) and "look swapped" in str(refused.value)
    assert _held(store, MARCH) == before > 7000  # the month is as it was
    assert store.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]


def test_a_crm_export_with_mostly_bad_dates_is_refused_unless_the_caller_says_so(
    store: Connection, tmp_path: Path
) -> None:
    feed = resolve_feed("cleveland-council-crm")
    options = IngestOptions(postcodes=(PROJECT_DATA / "postcodes",))
    sample = PROJECT_DATA / "feeds" / "cleveland-council-crm.csv"
    run(feed, sample, store, options)
    held = int(store.execute("SELECT count(*) FROM incidents WHERE feed = ?", [feed.name]).fetchall()[0][0])
    lines = sample.read_text(encoding="utf-8-sig").splitlines()
    header = next(csv.reader([lines[0]]))
    date_column = header.index("Created")  # the profile's date column
    broken = [lines[0]]
    for k, line in enumerate(lines[1:]):
        cells = next(csv.reader([line]))
        if k % 7:  # six rows in seven get a date nobody can read
            cells[date_column] = "sometime last week"
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(cells)
        broken.append(buffer.getvalue())
    bad = write_csv(tmp_path / "crm-export.csv", broken)
    with pytest.raises(SuspiciousFileError, match="far fewer rows"):
        run(feed, bad, store, options)
    assert store.execute("SELECT count(*) FROM incidents WHERE feed = ?", [feed.name]).fetchall() == [(held,)]
    report = run(feed, bad, store, IngestOptions(postcodes=options.postcodes, replace_smaller=True))
    assert report.status == "loaded" and report.loaded < held / 2 and report.quarantined > held / 2
