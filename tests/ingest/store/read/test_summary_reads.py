"""Reads from the summaries give exactly what the same questions computed from incident_counts and incidents give
(the queries as they were before the summaries), on the real demo data: several sources, linked records, location
precisions and cell keys."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.schema import SERVED_RES, LocationPrecision
from ingest.store.connection import Connection, open_store
from ingest.store.read import (
    IncidentFilter,
    cell_place_texts,
    distinct_values,
    freshness,
    hex_counts,
    lads_with_incidents,
    month_extent,
    monthly_counts,
    source_extents,
    top_cells,
    ward_counts,
)
from ingest.store.read.filters import clauses, key_sum, precision_sums

PRECISIONS = tuple(p.value for p in LocationPrecision)


def sorted_rows(table: object) -> list[tuple[object, ...]]:
    """A table's rows as sorted tuples."""
    return sorted(tuple(r.values()) for r in table.to_pylist())  # type: ignore[attr-defined]


def fetch(con: Connection, sql: str, params: list[object]) -> list[tuple[object, ...]]:
    """A query's rows, sorted."""
    return sorted(con.execute(sql, params).fetchall())


def filters(con: Connection) -> list[IncidentFilter]:
    """Filters over the demo data: everything, a category, a source, an LAD, raw and de-duplicated."""
    sources = distinct_values(con, "source")
    return [
        IncidentFilter(date(2025, 7, 1), date(2025, 12, 1)),
        IncidentFilter(date(2025, 1, 1), date(2025, 12, 1), ("asb",), dedupe=False),
        IncidentFilter(date(2025, 4, 1), date(2025, 9, 1), (), (sources[0],)),
        IncidentFilter(date(2025, 1, 1), date(2025, 6, 1), lad="E06000002"),
    ]


def test_ward_counts_equal_the_join_over_incident_counts(demo_store: Path) -> None:
    con = open_store(demo_store)
    previous = (date(2025, 1, 1), date(2025, 6, 1))
    for f in filters(con):
        where, params = clauses(f, start=min(previous[0], f.start))
        located, located_params = precision_sums(f, PRECISIONS, "i.month >= ?")
        sql = f"""SELECT pw.ward_code, coalesce(sum(i.{f.n}) FILTER (WHERE i.month >= ?), 0)::BIGINT,
                         coalesce(sum(i.{f.n}) FILTER (WHERE i.month BETWEEN ? AND ?), 0)::BIGINT {located},
                         {key_sum(f, "i.month >= ?")}, {key_sum(f, "i.month BETWEEN ? AND ?")}
                  FROM incident_counts i JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ?
                  WHERE {where} AND pw.ward_code IS NOT NULL GROUP BY pw.ward_code"""  # noqa: S608 (fixed fragments)
        expected = fetch(
            con,
            sql,
            [
                f.start,
                *previous,
                *[v for p in located_params for v in (f.start, p)],
                f.start,
                *previous,
                "wards-2024",
                *params,
            ],
        )
        got = sorted_rows(ward_counts(con, f, "wards-2024", previous, PRECISIONS, keys=True))
        assert got == expected and expected
    con.close()


def test_viewport_cells_top_cells_and_series_equal_scans_of_incident_counts(demo_store: Path) -> None:
    con = open_store(demo_store)
    box = (-1.30, 54.52, -1.10, 54.62)  # Middlesbrough
    for f in filters(con):
        where, params = clauses(f)
        for res in (7, 9):
            cell = f"i.cell_{res}"
            sql = f"""SELECT {cell}, sum(i.{f.n})::BIGINT FROM incident_counts i
                      WHERE {cell} IS NOT NULL AND {where} AND {cell} IN (
                          SELECT DISTINCT b.cell_{res} FROM incident_counts b
                          WHERE b.lon BETWEEN ? AND ? AND b.lat BETWEEN ? AND ?) GROUP BY 1"""  # noqa: S608
            expected = fetch(con, sql, [*params, box[0], box[2], box[1], box[3]])
            got = sorted_rows(hex_counts(con, f, res, box))
            assert got == expected and expected
            by_ward = f"""SELECT {cell} AS cell, pw.ward_code, sum(i.{f.n})::BIGINT AS n FROM incident_counts i
                          LEFT JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ?
                          WHERE {cell} IS NOT NULL AND {where} GROUP BY ALL"""  # noqa: S608 (fixed fragments)
            wards: dict[int, dict[str | None, int]] = {}
            for c, ward, n in con.execute(by_ward, ["wards-2024", *params]).fetchall():
                wards.setdefault(c, {})[ward] = n
            ranked = sorted(((sum(w.values()), c) for c, w in wards.items()), key=lambda x: (-x[0], x[1]))[:20]
            top = top_cells(con, f, res, 20, "wards-2024").to_pylist()
            assert [(r["count"], r["cell"]) for r in top] == ranked and ranked
            for r in top:  # the ward most of the cell's incidents fall in (any of them when several tie)
                most = max(n for w, n in wards[r["cell"]].items() if w is not None)
                assert wards[r["cell"]].get(r["ward_code"]) == most
        sql = f"""SELECT i.month, sum(i.{f.n})::BIGINT, {key_sum(f)} FROM incident_counts i
                  WHERE {where} GROUP BY i.month"""  # noqa: S608 (fixed fragments)
        assert sorted_rows(monthly_counts(con, f, keys=True)) == fetch(con, sql, params)
    con.close()


def test_place_texts_and_extents_equal_scans(demo_store: Path) -> None:
    con = open_store(demo_store)
    for f in filters(con):
        where, params = clauses(f)
        some = f"SELECT DISTINCT i.cell_9 FROM incidents i WHERE {where} AND i.cell_9 IS NOT NULL"  # noqa: S608
        picked = con.execute(f"{some} ORDER BY hash(i.cell_9) LIMIT 60", params)  # cells with incidents in the filter
        cells = [r[0] for r in picked.fetchall()]
        dedupe = " AND i.duplicate_of IS NULL" if f.dedupe else ""
        sql = f"""WITH t AS (
                      SELECT i.cell_9 AS cell, trim(i.location_text) AS place, count(*) AS n FROM incidents i
                      WHERE {where}{dedupe} AND i.cell_9 IN (SELECT unnest(?::UBIGINT[]))
                        AND i.location_text IS NOT NULL AND trim(i.location_text) <> '' GROUP BY ALL)
                  SELECT cell, place, n FROM (
                      SELECT *, row_number() OVER (PARTITION BY cell ORDER BY n DESC, place) AS k FROM t)
                  WHERE k <= 3 ORDER BY cell, k"""  # noqa: S608 (fixed fragments)
        expected = con.execute(sql, [*params, cells]).fetchall()
        got = [tuple(r.values()) for r in cell_place_texts(con, f, 9, cells).to_pylist()]
        assert got == expected and expected
    sources = tuple(distinct_values(con, "source"))
    assert len(sources) > 1
    for chosen in ((), sources[:1], sources[1:]):
        clause = f"WHERE source IN ({', '.join('?' for _ in chosen)})" if chosen else ""
        extent = con.execute(f"SELECT min(month), max(month) FROM incident_counts {clause}", list(chosen)).fetchall()  # noqa: S608
        assert month_extent(con, chosen) == extent[0]
        per_source = f"SELECT source, min(month), max(month) FROM incident_counts {clause} GROUP BY 1"  # noqa: S608
        expected = {s: (a, b) for s, a, b in con.execute(per_source, list(chosen)).fetchall()}
        assert source_extents(con, chosen) == expected
    for column in ("category", "source"):
        values = con.execute(f"SELECT DISTINCT {column} FROM incident_counts ORDER BY 1").fetchall()  # noqa: S608
        assert distinct_values(con, column) == [v[0] for v in values]
    lads = con.execute("SELECT DISTINCT lad_code FROM incident_counts WHERE lad_code IS NOT NULL ORDER BY 1").fetchall()
    assert lads_with_incidents(con) == tuple(r[0] for r in lads) and lads
    held = "SELECT source, sum(n)::BIGINT, min(month), max(month) FROM incident_counts GROUP BY 1 ORDER BY 1"
    got = [(r["source"], r["incidents"], r["first_month"], r["latest_month"]) for r in freshness(con)]
    assert got == con.execute(held).fetchall()
    con.close()


def test_hex_counts_with_cell_keys_equal_the_scan_of_incident_counts(demo_store: Path) -> None:
    con = open_store(demo_store)
    box = (-1.30, 54.52, -1.10, 54.62)  # Middlesbrough
    for f in filters(con):
        where, params = clauses(f)
        for res in SERVED_RES:
            for bbox in (None, box):
                inside = f"""AND i.cell_{res} IN (SELECT b.cell_{res} FROM count_points b
                                 WHERE b.lon BETWEEN ? AND ? AND b.lat BETWEEN ? AND ?)"""  # noqa: S608 (fixed)
                sql = f"""SELECT i.cell_{res}, sum(i.{f.n})::BIGINT, {key_sum(f)} FROM incident_counts i
                          WHERE i.cell_{res} IS NOT NULL AND {where} {inside if bbox else ""} GROUP BY 1"""  # noqa: S608
                extra = [box[0], box[2], box[1], box[3]] if bbox else []
                expected = fetch(con, sql, [*params, *extra])
                got = hex_counts(con, f, res, bbox, keys=True)
                assert got.column_names == ["cell", "count", "key"]
                assert sorted_rows(got) == expected and expected
                assert got["count"].to_pylist() == sorted(got["count"].to_pylist(), reverse=True)
    con.close()
