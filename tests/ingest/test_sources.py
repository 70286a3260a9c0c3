"""A new source added by meeting the contract only (a JSON-lines feed), registered and loaded end to end."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest

from ingest.adapters.police import CRIME_TYPES
from ingest.pipeline import IngestOptions, IngestReport, run
from ingest.profiles import Profile
from ingest.registry import feed_files, register, resolve_feed, shipped_feeds, unregister
from ingest.schema import Category, LocationPrecision
from ingest.sources import ReadContext, Source, files_with_suffixes
from ingest.store.connection import Connection
from ingest.validate import CANDIDATE_COLUMNS, Candidates, scoped_months
from tests.conftest import police_file

KNOWN = {c.value for c in Category}
BATCH = 250  # lines a batch: the files below span several


@dataclass(frozen=True)
class JsonLinesSource:
    """Patrol notes, one JSON object a line: {"ref", "month" (YYYY-MM), "category", "lon", "lat", "where"}."""

    name: str = "patrol-notes"
    source: str = "patrol"
    label: str = "patrol-notes"
    description: str = "patrol notes, one JSON object a line"
    file_format: str = "JSON lines"
    profile: Profile | None = None

    def files(self, paths: Sequence[Path]) -> list[Path]:
        """Files as given; folders become their *.jsonl files."""
        return files_with_suffixes(paths, (".jsonl",))

    def read(self, path: Path, context: ReadContext) -> Generator[Candidates, None, None]:
        """Batches of BATCH lines as candidates; a line that is not a JSON object is refused while reading."""
        with path.open(encoding="utf-8") as fh:
            lines = enumerate(fh, start=1)
            while batch := _take(lines, BATCH):
                yield _candidates(self, batch)

    def months(self, candidates: pa.Table) -> pa.Array:
        """The feed's months."""
        return scoped_months(candidates)


def _take(lines: Iterator[tuple[int, str]], n: int) -> list[tuple[int, str]]:
    taken = []
    for item in lines:
        taken.append(item)
        if len(taken) == n:
            break
    return taken


def _candidates(source: JsonLinesSource, lines: list[tuple[int, str]]) -> Candidates:
    rows: list[dict[str, object]] = []
    raws: list[str] = []
    rejects: list[tuple[int, str, str]] = []
    problems: dict[int, str] = {}
    for line, text in lines:
        try:
            note = json.loads(text)
        except json.JSONDecodeError:
            rejects.append((line, text.rstrip("\n"), "not a JSON object"))
            continue
        if note["category"] not in KNOWN:
            problems[len(rows)] = f"category {note['category']!r} is not known"
        raws.append(text.rstrip("\n"))
        rows.append(
            {
                "line": line,
                "source": source.source,
                "partition_scope": source.name,
                "feed": source.label,
                "source_ref": note.get("ref"),
                "month_text": note["month"],
                "category": note["category"],
                "source_category": note["category"],
                "lon": note.get("lon"),
                "lat": note.get("lat"),
                "lon_text": None,
                "lat_text": None,
                "located": LocationPrecision.POINT.value,
                "location_text": note.get("where"),
                "lsoa_code": None,
                "lsoa_name": None,
                "reported_by": None,
                "outcome": None,
                "occurred_at": None,
                "ward_code": None,
            }
        )
    types = {"line": pa.int64(), "lon": pa.float64(), "lat": pa.float64(), "occurred_at": pa.timestamp("s")}
    table = pa.table({c: pa.array([r[c] for r in rows], types.get(c, pa.string())) for c in CANDIDATE_COLUMNS})
    return Candidates(table, problems, lambda bad: [raws[i] for i in bad], rejects)


def _notes(month: str, n: int) -> list[str]:
    """The first n rows of a real Cleveland police.uk month as patrol notes, one JSON line each."""
    with gzip.open(police_file("cleveland", month), "rt", encoding="utf-8") as fh:
        rows = [row for _, row in zip(range(n), csv.DictReader(fh), strict=False)]
    return [
        json.dumps(
            {
                "ref": row["Crime ID"] or None,
                "month": row["Month"],
                "category": CRIME_TYPES[row["Crime type"]].value,
                "lon": float(row["Longitude"]),
                "lat": float(row["Latitude"]),
                "where": row["Location"],
            }
        )
        for row in rows
    ]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def patrol() -> Iterator[Source]:
    """The JSON-lines source, registered by name for the test."""
    source = JsonLinesSource()
    register(source)
    yield source
    unregister(source.name)


def _load(con: Connection, path: Path, replace_smaller: bool = False) -> IngestReport:
    return run(resolve_feed("patrol-notes"), path, con, IngestOptions(replace_smaller=replace_smaller))


def test_a_registered_source_is_a_feed_like_any_other(patrol: Source, tmp_path: Path) -> None:
    assert resolve_feed("patrol-notes") is patrol and shipped_feeds()["patrol-notes"] is patrol
    january = _write(tmp_path / "january.jsonl", _notes("01", 10))
    (tmp_path / "notes.txt").write_text("not a feed file\n")
    assert feed_files(patrol, [tmp_path]) == [january]
    with pytest.raises(Exception, match="already registered"):
        register(JsonLinesSource())


def test_a_registered_source_loads_end_to_end(patrol: Source, store: Connection, tmp_path: Path) -> None:
    good = _notes("01", 600)
    swapped = json.loads(good[0]) | {"lon": 54.56, "lat": -1.23}
    unknown = json.loads(good[1]) | {"category": "juggling"}
    lines = [*good[:300], "{not json", json.dumps(swapped), *good[300:], json.dumps(unknown)]
    path = _write(tmp_path / "2025-01.jsonl", lines)

    report = _load(store, path)

    assert report.status == "loaded" and report.rows_read == 603
    assert (report.loaded, report.quarantined) == (600, 3)
    assert report.partitions_new == ["patrol:patrol-notes:2025-01"]
    held = store.execute(
        "SELECT count(*), count(h3_cell), count(place_cell), count(DISTINCT run_id) FROM incidents WHERE feed = ?",
        ["patrol-notes"],
    ).fetchall()
    assert held == [(600, 600, 600, 1)]  # every row enriched: its point's cells and the place it counts at
    quarantined = store.execute("SELECT file, line, reason FROM quarantine ORDER BY line").fetchall()
    assert quarantined == [
        (str(path), 301, "not a JSON object"),
        (str(path), 302, "latitude and longitude look swapped (longitude 54.56, latitude -1.23)"),
        (str(path), 603, "category 'juggling' is not known"),
    ]


def test_a_reload_replaces_the_months_it_covers(patrol: Source, store: Connection, tmp_path: Path) -> None:
    january, february = _notes("01", 400), _notes("02", 300)
    _load(store, _write(tmp_path / "january.jsonl", january))
    _load(store, _write(tmp_path / "february.jsonl", february))
    stored_february = store.execute(
        "SELECT incident_id FROM incidents WHERE month = '2025-02-01' ORDER BY 1"
    ).fetchall()

    report = _load(store, _write(tmp_path / "january-revised.jsonl", january[100:]))

    assert report.partitions_replaced == ["patrol:patrol-notes:2025-01"] and report.loaded == 300
    lines = store.execute("SELECT line FROM incidents WHERE month = '2025-01-01' ORDER BY line").fetchall()
    assert [line for (line,) in lines] == list(range(1, 301))  # the revised file's rows, and only them
    assert (
        store.execute("SELECT incident_id FROM incidents WHERE month = '2025-02-01' ORDER BY 1").fetchall()
        == stored_february
    )
    files = store.execute("SELECT DISTINCT file FROM ingest_runs ORDER BY 1").fetchall()
    assert len(files) == 3 and all(f.endswith(".jsonl") for (f,) in files)
