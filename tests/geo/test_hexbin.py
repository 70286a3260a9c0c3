"""H3 hexbinning checked against h3-py as the reference implementation."""

from __future__ import annotations

import h3
import numpy as np
import shapely

from geo.hexbin import cell_polygons, cells_to_strings, parent_cells, points_to_cells

LON = np.array([-1.235869, -1.311583, -0.852100, 1.1555, -5.5])
LAT = np.array([54.710159, 54.472215, 54.718000, 52.0593, 50.1])


def test_points_to_cells_matches_h3py() -> None:
    for res in (6, 9, 15):
        cells = points_to_cells(LON, LAT, res)
        expected = [h3.str_to_int(h3.latlng_to_cell(la, lo, res)) for lo, la in zip(LON, LAT, strict=True)]
        assert cells.tolist() == expected


def test_parents_and_strings_match_h3py() -> None:
    fine = points_to_cells(LON, LAT, 15)
    for res in range(6, 11):
        expected = [h3.cell_to_parent(h3.int_to_str(int(c)), res) for c in fine]
        assert cells_to_strings(parent_cells(fine, res)) == expected


def test_cell_polygons_are_counter_clockwise_and_contain_their_point() -> None:
    cells = points_to_cells(LON, LAT, 8)
    polygons = cell_polygons(cells)
    assert shapely.contains_xy(polygons, LON, LAT).all()
    assert shapely.is_ccw(shapely.get_exterior_ring(polygons)).all()
    area = shapely.area(polygons[0])
    assert 0.00005 < area < 0.00015  # res 8 is about 0.74 km2: ~1e-4 square degrees at 54N


def test_cells_touching_a_box_match_h3py_polygons_and_the_search_box_holds_them() -> None:
    from geo.hexbin import cells_touching, search_box

    box = (-1.25, 54.55, -1.20, 54.58)
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(-1.3, -1.15, 20000), rng.uniform(54.52, 54.61, 20000)
    for res in (6, 8, 10):
        cells = np.unique(points_to_cells(lon, lat, res))
        polygons = [shapely.Polygon([(x, y) for y, x in h3.cell_to_boundary(h3.int_to_str(int(c)))]) for c in cells]
        expected = [p.intersects(shapely.box(*box)) for p in polygons]
        assert cells_touching(cells, box).tolist() == expected
        wide = shapely.box(*search_box(box, res))
        assert all(wide.contains(p) for p, e in zip(polygons, expected, strict=True) if e)  # every touching cell


def test_the_edge_length_table_is_h3s() -> None:
    from geo.hexbin import EDGE_KM

    assert [round(h3.average_hexagon_edge_length(r, unit="km"), 6) for r in range(16)] == [round(e, 6) for e in EDGE_KM]
