"""`aim problems create|list|show` on the demo store (an area by ward, or from a GeoPackage in any CRS)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import shapely
from typer.testing import CliRunner

from api.cli import app


def test_problems_from_the_command_line(demo_store: Path, database_url: str, tmp_path: Path) -> None:
    store = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store, store)
    runner = CliRunner()
    opts = ["--store", str(store), "--database", database_url]
    created = runner.invoke(
        app,
        [
            "problems",
            "create",
            "Nuisance in Albert Park",
            "--owner",
            "CSP",
            "--ward",
            "Park, Middlesbrough",
            "--partner",
            "warden",
            "--from",
            "2025-01",
            "--to",
            "2025-06",
            *opts,
        ],
    )
    assert created.exit_code == 0, created.output
    detail = json.loads(created.stdout[created.stdout.index("{") :])
    assert detail["profile"]["total"] > 0 and detail["area"]["names"][0]["name"] == "Park"
    listed = runner.invoke(app, ["problems", "list", *opts])
    assert listed.exit_code == 0 and "Nuisance in Albert Park" in listed.output
    missing = runner.invoke(app, ["problems", "show", "999", *opts])
    assert missing.exit_code == 1 and "no problem 999" in missing.output
    bad = runner.invoke(app, ["problems", "create", "x", "--owner", "y", "--ward", "Nowhere", *opts])
    assert bad.exit_code == 2


def test_the_demo_opens_two_problems_once(demo_store: Path, database_url: str, tmp_path: Path) -> None:
    from api.database.tasking import TaskingStore
    from api.services.tasking_demo import open_demo_problems
    from ingest.store.connection import open_served_store

    store = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store, store)
    con = open_served_store(store, "1GB")
    tasking = TaskingStore.open(database_url)
    try:
        opened = open_demo_problems(con, tasking)
        assert [p["id"] for p in opened] == [1, 2] or len(opened) == 2
        assert all("Weighted displacement difference" in p["summary"] for p in opened)
        assert open_demo_problems(con, tasking) == []
        assert all(tasking.published_problem_ids() >= {p["id"]} for p in opened)
    finally:
        tasking.close()
        con.close()


def test_a_problem_over_a_geopackage_in_british_national_grid(
    demo_store: Path, database_url: str, tmp_path: Path
) -> None:
    store = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store, store)
    runner = CliRunner()
    opts = ["--store", str(store), "--database", database_url]
    square = gpd.GeoDataFrame(geometry=[shapely.box(449000, 519000, 450000, 520000)], crs="EPSG:27700")
    square.to_file(tmp_path / "area.gpkg", driver="GPKG")
    created = runner.invoke(
        app, ["problems", "create", "Square", "--owner", "CSP", "--polygon", str(tmp_path / "area.gpkg"), *opts]
    )
    assert created.exit_code == 0, created.output
    detail = json.loads(created.stdout[created.stdout.index("{") :])
    lons = [p[0] for p in detail["area"]["value"]["coordinates"][0]]
    lats = [p[1] for p in detail["area"]["value"]["coordinates"][0]]
    assert -1.25 < min(lons) < max(lons) < -1.2 and 54.56 < min(lats) < max(lats) < 54.58  # in WGS84
    assert detail["area"]["kind"] == "polygon" and detail["profile"]["cells"]["count"] > 0
    (tmp_path / "points.csv").write_text("a,b\n1,2\n")
    bad = runner.invoke(
        app, ["problems", "create", "x", "--owner", "y", "--polygon", str(tmp_path / "points.csv"), *opts]
    )
    assert bad.exit_code == 2 and "GeoJSON or GeoPackage" in bad.output
