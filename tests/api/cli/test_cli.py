"""The aim command line: ingest summary, own boundary sets, errors that name the file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from api.http.app import create_app
from api.settings import Settings
from tests.conftest import BOUNDARIES, PROJECT_DATA, police_file, real_lines, sign_in, write_csv

runner = CliRunner()


def test_ingest_prints_a_summary_and_is_idempotent(tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    folder = tmp_path / "feeds"
    folder.mkdir()
    for month in ("01", "02"):
        (folder / police_file("suffolk", month).name).write_bytes(police_file("suffolk", month).read_bytes())
    bad = real_lines("suffolk", "03", 3) + ["x,2025-03,Suffolk Constabulary"]
    write_csv(folder / "2025-03-suffolk-street.csv", bad)
    result = runner.invoke(app, ["ingest", "police", str(folder), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "Ingest summary" in result.output and "quarantined 1: expected 12 fields, found 3" in result.output
    assert "2025-03-suffolk-street.csv, line 5" in result.output
    again = runner.invoke(app, ["ingest", "police", str(folder), "--store", str(store)])
    assert again.exit_code == 0 and again.output.count(": unchanged") == 3


def test_unreadable_file_fails_with_its_name(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["ingest", "police", str(empty), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert "empty.csv" in result.output and "empty file" in result.output


def test_own_boundary_set_is_loaded_and_served(tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    assert (
        runner.invoke(app, ["ingest", "police", str(police_file("cleveland", "08")), "--store", str(store)]).exit_code
        == 0
    )
    lsoas = BOUNDARIES / "lsoa_dec2021_bsc_cleveland.geojson.gz"
    result = runner.invoke(
        app,
        [
            "wards",
            "load",
            str(lsoas),
            "--code-field",
            "LSOA21CD",
            "--name-field",
            "LSOA21NM",
            "--lad-field",
            "LAD24CD",
            "--name",
            "cleveland-lsoa",
            "--store",
            str(store),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "359 wards loaded" in result.output
    listing = runner.invoke(app, ["wards", "list", "--store", str(store)])
    assert "cleveland-lsoa" in listing.output
    with TestClient(create_app(Settings(store=store))) as client:
        sign_in(client)
        fc = client.get("/api/v1/wards", params={"wards": "cleveland-lsoa"}).json()
    counts = {f["properties"]["code"]: f["properties"]["count"] for f in fc["features"]}
    assert len(counts) == 359 and sum(counts.values()) > 1700  # README: 1773 Cleveland ASB in August
    bad = runner.invoke(
        app,
        [
            "wards",
            "load",
            str(lsoas),
            "--code-field",
            "NOPE",
            "--name-field",
            "LSOA21NM",
            "--store",
            str(store),
        ],
    )
    assert bad.exit_code == 1 and "property 'NOPE' missing" in bad.output


def test_a_store_locked_by_another_process_is_a_clear_error(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    store = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(store)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        time.sleep(0.2)
        result = runner.invoke(app, ["ingest", "police", str(police_file("suffolk", "01")), "--store", str(store)])
        assert result.exit_code == 1
        assert "cannot open store" in result.output and "locked.duckdb" in result.output
    finally:
        holder.kill()
        holder.wait()


def test_text_like_rich_markup_in_a_file_prints_as_it_is(tmp_path: Path) -> None:
    lines = real_lines("cleveland", "01", 5)
    cells = lines[1].split(",")
    cells[1] = "[/]"  # the month
    bad = write_csv(tmp_path / "odd [b]name.csv", [lines[0], ",".join(cells), *lines[2:]])
    store = tmp_path / "aim.duckdb"
    result = runner.invoke(app, ["ingest", "police", str(bad), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "odd [b]name.csv: loaded" in result.output and "month '[/]' is not a valid" in result.output


def test_files_loaded_from_the_command_line_are_bounded_like_uploads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = str(tmp_path / "aim.duckdb")
    monkeypatch.setenv("AIM_MAX_UPLOAD_ROWS", "1000")
    result = runner.invoke(app, ["ingest", "police", str(police_file("suffolk", "04")), "--store", store])
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "more than 1,000 rows" in said and "AIM_MAX_UPLOAD_ROWS" in said, said
    monkeypatch.delenv("AIM_MAX_UPLOAD_ROWS")
    monkeypatch.setenv("AIM_MAX_UPLOAD_DECOMPRESSED_BYTES", str(1 << 20))
    lines = (PROJECT_DATA / "feeds" / "cleveland-wardens.csv").read_bytes().split(b"\n")
    bomb = tmp_path / "wardens.csv.gz"
    bomb.write_bytes(gzip.compress(b"\n".join(lines[:3]) + b"\n" + b"\n".join(lines[3:]) * 200, 9))
    result = runner.invoke(app, ["feeds", "load", "cleveland-wardens", str(bomb), "--store", store])
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "AIM_MAX_UPLOAD_DECOMPRESSED_BYTES" in said and "wardens.csv.gz" in said, said
    assert runner.invoke(app, ["ingest", "police", str(police_file("suffolk", "04")), "--store", store]).exit_code == 0
