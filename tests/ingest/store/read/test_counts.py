"""Store queries: H3 parents derived in SQL agree with h3-py; filters are parameters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import h3

from ingest.store.connection import open_store
from ingest.store.read import IncidentFilter, hex_counts, month_extent, resolve_boundary_set, top_cells, ward_counts


def test_hex_cells_are_the_cells_containing_the_points(cleveland_store: Path) -> None:
    con = open_store(cleveland_store)
    f = IncidentFilter(date(2025, 1, 1), date(2025, 12, 1), ("asb",))
    points = con.execute(
        "SELECT lon, lat, count(*) FROM incidents WHERE lon IS NOT NULL AND category = 'asb' GROUP BY ALL"
    )
    rows = points.fetchall()
    for res in (6, 8, 10):
        t = hex_counts(con, f, res, None)
        expected: dict[int, int] = {}
        for lon, lat, n in rows:
            cell = h3.str_to_int(h3.latlng_to_cell(lat, lon, res))
            expected[cell] = expected.get(cell, 0) + n
        assert dict(zip(t["cell"].to_pylist(), t["count"].to_pylist(), strict=True)) == expected
    con.close()


def test_counts_respect_period_category_and_source(cleveland_store: Path) -> None:
    con = open_store(cleveland_store)
    assert month_extent(con) == (date(2025, 1, 1), date(2025, 12, 1))
    jan = IncidentFilter(date(2025, 1, 1), date(2025, 1, 1), ("asb",), ("police",), lad="E06000002")
    total = sum(hex_counts(con, jan, 8, None)["count"].to_pylist())
    direct = con.execute(
        "SELECT count(*) FROM incidents WHERE month = '2025-01-01' AND category = 'asb' "
        "AND lad_code = 'E06000002' AND h3_cell IS NOT NULL"
    ).fetchall()[0][0]
    assert total == direct > 0
    hostile = IncidentFilter(date(2025, 1, 1), date(2025, 1, 1), ("asb' OR 1=1 --",))
    assert hex_counts(con, hostile, 8, None).num_rows == 0
    wards = ward_counts(
        con,
        IncidentFilter(date(2025, 7, 1), date(2025, 12, 1), ("asb",)),
        "wards-2024",
        (date(2025, 1, 1), date(2025, 6, 1)),
    )
    assert sum(wards["previous_count"].to_pylist()) > 0 and sum(wards["count"].to_pylist()) > 0
    con.close()


def test_a_study_areas_districts_count_as_each_of_them_does(cleveland_store: Path) -> None:
    """lads=(A, B) counts what lad=A and lad=B count together, and nothing of other districts."""
    con = open_store(cleveland_store)
    year = IncidentFilter(date(2025, 1, 1), date(2025, 12, 1), ("asb",))
    pair = ("E06000002", "E06000004")

    def total(f: IncidentFilter) -> int:
        return sum(hex_counts(con, f, 8, None)["count"].to_pylist())

    one, other = (total(IncidentFilter(year.start, year.end, year.categories, lad=lad)) for lad in pair)
    both = total(IncidentFilter(year.start, year.end, year.categories, lads=pair))
    assert both == one + other > 0 and both < total(year)
    con.close()


def test_each_top_cell_names_the_ward_most_of_its_incidents_are_placed_in(cleveland_store: Path) -> None:
    con = open_store(cleveland_store)
    boundary_set = resolve_boundary_set(con, None)
    # the reference: every incident's ward (by its place), counted per cell, the largest count (lowest code on a tie)
    reference = """SELECT cell, arg_min(ward_code, (-n, ward_code)) FROM (
                       SELECT i.cell_{res} AS cell, pw.ward_code, count(*) AS n
                       FROM incidents i JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ?
                       WHERE i.month BETWEEN ? AND ? AND i.category IN ('asb', 'vehicle-crime')
                           AND i.cell_{res} IS NOT NULL
                       GROUP BY ALL) GROUP BY cell"""  # noqa: S608 (a fixed resolution)
    for res, (start, end) in [(8, (date(2025, 1, 1), date(2025, 12, 1))), (9, (date(2025, 4, 1), date(2025, 6, 1)))]:
        f = IncidentFilter(start, end, ("asb", "vehicle-crime"), dedupe=False)
        t = top_cells(con, f, res, 40, boundary_set)
        expected = dict(con.execute(reference.format(res=res), [boundary_set, start, end]).fetchall())
        ranking = f"""SELECT cell_{res}, count(*) AS n FROM incidents WHERE month BETWEEN ? AND ?
                          AND category IN ('asb', 'vehicle-crime') AND cell_{res} IS NOT NULL
                          GROUP BY 1 ORDER BY n DESC, 1 LIMIT 40"""  # noqa: S608 (a fixed resolution)
        ranked = con.execute(ranking, [start, end]).fetchall()
        assert list(zip(t["cell"].to_pylist(), t["count"].to_pylist(), strict=True)) == ranked and t.num_rows == 40
        assert t["ward_code"].to_pylist() == [expected.get(c) for c in t["cell"].to_pylist()]
    con.close()
