"""Apache Spark reads the Parquet export: bench/spark_counts.py, submitted with spark-submit in local mode, gets exactly
AIM's own ward counts, hexagon counts at resolution 8 and a district's monthly trend (its API's answers), on the real
data. Without Java or pyspark the test is skipped, except under CI (CI set), where it fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from ingest.store.connection import open_store
from ingest.store.export import export_parquet
from tests.conftest import sign_in

pytestmark = pytest.mark.spark
JOB = Path(__file__).resolve().parents[3] / "bench" / "spark_counts.py"
SMALL_SPARK = [  # one core, little memory, no web UI: the test shares a small machine
    "--master",
    "local[1]",
    "--driver-memory",
    "512m",
    "--conf",
    "spark.ui.enabled=false",
    "--conf",
    "spark.sql.shuffle.partitions=4",
]
CASES = [
    # (store fixture, API query, district of the trend)
    ("cleveland_store", {"from": "2025-01", "to": "2025-12"}, "E06000002"),  # the API's defaults: ASB, de-duplicated
    # police.uk and council records, some linked across sources (each group counted once), every category
    ("demo_store", {"from": "2025-03", "to": "2025-08", "category": "all"}, "E06000001"),
]


def spark_submit() -> Path:
    """pyspark's spark-submit, when pyspark and a Java runtime are installed."""
    why = None
    try:
        import pyspark
    except ImportError:
        why = "pyspark is not installed (pip install -c constraints.txt -e '.[spark]')"
    else:
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            why = "no Java runtime (Debian: apt-get install default-jre-headless)"
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Spark for the Parquet export's Spark test: {why}")
        pytest.skip(why)
    return Path(pyspark.__file__).parent / "bin" / "spark-submit"


def job_args(query: dict[str, str], lad: str) -> list[str]:
    """The job's options for the same question as the API query."""
    args = ["--from", query["from"], "--to", query["to"], "--lad", lad, "--res", "8", "--wards", "wards-2024"]
    if query.get("category") == "all":
        args.append("--all-categories")
    if query.get("dedupe") == "false":
        args.append("--all-records")
    return args


def read_answer(folder: Path, key: str) -> dict[str, int]:
    """A result Spark wrote (Parquet): key -> count."""
    table = pq.read_table(folder)
    return dict(zip(table[key].to_pylist(), table["count"].to_pylist(), strict=True))


def aim_answers(store: Path, query: dict[str, str], lad: str) -> tuple[dict[str, int], ...]:
    """AIM's API over the store, signed in as an analyst (the role that sees counts undisturbed): the ward counts, the
    hexagon counts at res 8 and the district's monthly trend (months with a count)."""
    with TestClient(create_app(Settings(store=store, tile_url="none"))) as api:
        sign_in(api)
        wards = api.get("/api/v1/wards", params={**query, "wards": "wards-2024"}).json()["features"]
        hexes = api.get("/api/v1/hexes", params={**query, "res": 8}).json()["features"]
        trend = api.get("/api/v1/trends", params={**query, "lad": lad}).json()["series"]
    assert all(month["held"] for month in trend)
    return (
        {f["properties"]["code"]: f["properties"]["count"] for f in wards if f["properties"]["count"]},
        {f["properties"]["h3"]: f["properties"]["count"] for f in hexes},
        {month["month"]: month["count"] for month in trend if month["count"]},
    )


@pytest.mark.parametrize(("fixture", "query", "lad"), CASES)
def test_spark_counts_the_export_as_aim_does(
    request: pytest.FixtureRequest, tmp_path: Path, fixture: str, query: dict[str, str], lad: str
) -> None:
    submit = spark_submit()
    store = request.getfixturevalue(fixture)
    wards, hexes, trend = aim_answers(store, query, lad)
    assert wards and hexes and len(trend) >= 6
    con = open_store(store)
    try:
        export_parquet(con, tmp_path / "parquet")
    finally:
        con.close()
    results = tmp_path / "results"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    run = subprocess.run(
        [str(submit), *SMALL_SPARK, str(JOB), "--parquet", str(tmp_path / "parquet"), "--results", str(results),
         *job_args(query, lad)],
        capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-4000:]
    timed = [line.split(":")[0] for line in run.stdout.splitlines() if line.endswith(" s")]
    assert timed == ["wards", "hexes", "trend"]

    assert read_answer(results / "wards", "code") == wards
    assert read_answer(results / "hexes", "h3") == hexes
    assert read_answer(results / "trend", "month") == trend
