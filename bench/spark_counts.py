"""AIM's ward counts, hexagon counts and a district's monthly trend, computed by Apache Spark from `aim export parquet`.

    spark-submit [--master URL] bench/spark_counts.py --parquet DIR --results DIR --from 2025-01 --to 2025-12 \
        --lad E06000002 [--category asb ...] [--all-records] [--res 8] [--wards wards-2024]

DIR may be any path Spark reads and writes (a local folder, hdfs://, s3a://). The answers are written as Parquet under
--results: `wards/` (code, count), `hexes/` (h3, count) and `trend/` (month, count), and one line a question with its
rows and seconds is printed. The same counts as AIM's API for the same filter (its defaults: ASB, de-duplicated):
a test (tests/ingest/store/test_export_spark.py) runs this script through spark-submit in local mode on the real data
and checks them against AIM's own answers. On an export of the 60M-row store it measures what Spark takes for each.
"""

from __future__ import annotations

import argparse
import time

from pyspark.sql import DataFrame, SparkSession

# Parameter markers (:name) carry every value; the fixed fragments below hold none.
FILTER = "i.period BETWEEN :start AND :end AND (:any_category OR array_contains(:categories, i.category))"
DEDUPE = " AND i.duplicate_of IS NULL"
WARDS = """SELECT pw.ward_code AS code, count(*) AS count FROM incidents i
           JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = :boundary_set
           WHERE pw.ward_code IS NOT NULL AND {where} GROUP BY pw.ward_code"""
# H3 indexes keep their top bit 0: a BIGINT holds every cell, and hex() of it is the cell's usual text
HEXES = """SELECT lower(hex(CAST(i.{cell} AS BIGINT))) AS h3, count(*) AS count FROM incidents i
           WHERE i.{cell} IS NOT NULL AND {where} GROUP BY i.{cell}"""
TREND = """SELECT i.period AS month, count(*) AS count FROM incidents i
           WHERE i.lad_code = :lad AND {where} GROUP BY i.period"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The job's options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--parquet", required=True, help="The folder `aim export parquet` wrote")
    p.add_argument("--results", required=True, help="Folder to write the answers to (replaced)")
    p.add_argument("--from", dest="start", required=True, help="First month, YYYY-MM")
    p.add_argument("--to", dest="end", required=True, help="Last month, YYYY-MM")
    p.add_argument("--lad", required=True, help="The district (LAD code) of the monthly trend")
    p.add_argument("--category", action="append", default=[], help="AIM category (repeat; default asb)")
    p.add_argument("--all-categories", action="store_true", help="Count every category")
    p.add_argument("--all-records", action="store_true", help="Count every record, not linked groups once")
    p.add_argument("--res", type=int, default=8, choices=range(6, 11), help="H3 resolution of the hexagons (6-10)")
    p.add_argument("--wards", default="wards-2024", help="Boundary set of the ward counts")
    return p.parse_args(argv)


def register(spark: SparkSession, parquet: str) -> None:
    """The exported incidents and ward placements as views (hive partition folders read as string columns)."""
    spark.read.parquet(f"{parquet}/incidents").createOrReplaceTempView("incidents")
    spark.read.parquet(f"{parquet}/place_wards").createOrReplaceTempView("place_wards")


def questions(spark: SparkSession, args: argparse.Namespace) -> dict[str, DataFrame]:
    """The three answers as Spark frames (not yet computed)."""
    where = FILTER + ("" if args.all_records else DEDUPE)
    categories = [] if args.all_categories else (args.category or ["asb"])
    params: dict[str, object] = {
        "start": args.start,
        "end": args.end,
        "any_category": not categories,
        "categories": categories or [""],
    }
    return {
        "wards": spark.sql(WARDS.format(where=where), args={**params, "boundary_set": args.wards}),
        "hexes": spark.sql(HEXES.format(where=where, cell=f"cell_{int(args.res)}"), args=params),
        "trend": spark.sql(TREND.format(where=where), args={**params, "lad": args.lad}),
    }


def main(argv: list[str] | None = None) -> None:
    """Compute and write the answers, printing each one's rows and seconds."""
    args = parse_args(argv)
    spark = (
        SparkSession.builder.appName("aim-counts")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")  # pfa and period stay text
        .getOrCreate()
    )
    try:
        register(spark, args.parquet)
        for name, frame in questions(spark, args).items():
            began = time.perf_counter()
            frame.coalesce(1).write.mode("overwrite").parquet(f"{args.results}/{name}")
            seconds = time.perf_counter() - began
            rows = spark.read.parquet(f"{args.results}/{name}").count()
            print(f"{name}: {rows} rows in {seconds:.2f} s", flush=True)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
