"""Facilities from files: a CSV by longitude and latitude or by easting and northing, a GeoJSON of points, the size
column, and the refusals."""

from __future__ import annotations

import json

import numpy as np
import pytest

from geo.facility_files import FacilityFileError, read_facilities
from geo.grid import to_national_grid

CSV = b"Name,Longitude,Latitude,Capacity\nThe Swan,-1.2345,54.5742,120\nThe Crown,-1.2301,54.5760,\n"


def test_a_csv_by_longitude_and_latitude_gives_national_grid_points_names_and_sizes() -> None:
    found = read_facilities(CSV, size="capacity")
    east, north = to_national_grid(np.array([-1.2345, -1.2301]), np.array([54.5742, 54.5760]))
    assert np.allclose(found.east, east) and np.allclose(found.north, north)
    assert found.names == ["The Swan", "The Crown"] and found.kind == "CSV"
    assert found.size is not None and found.size[0] == 120 and np.isnan(found.size[1])


def test_a_csv_by_easting_and_northing_and_a_geojson_of_points() -> None:
    grid = read_facilities(b"easting,northing\n449500,519700\n450000,520000\n")
    assert grid.east.tolist() == [449500, 450000] and grid.names == ["facility 1", "facility 2"] and grid.size is None
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Stop A"},
                "geometry": {"type": "Point", "coordinates": [-1.2345, 54.5742]},
            }
        ],
    }
    found = read_facilities(json.dumps(collection).encode())
    assert found.kind == "GeoJSON" and found.names == ["Stop A"]
    assert np.allclose(found.east, to_national_grid(np.array([-1.2345]), np.array([54.5742]))[0])


def test_files_without_locations_or_the_size_asked_are_refused() -> None:
    with pytest.raises(FacilityFileError, match="longitude and latitude"):
        read_facilities(b"name,street\nThe Swan,High St\n")
    with pytest.raises(FacilityFileError, match="size"):
        read_facilities(CSV, size="floor_area")


def test_rows_without_a_location_or_outside_great_britain_are_refused_with_their_line() -> None:
    data = b"name,easting,northing\nThe Swan,449500,519700\nNo Place,,\nAbroad,-90000,519700\nThe Crown,450000,520000\n"
    found = read_facilities(data)
    assert found.names == ["The Swan", "The Crown"] and found.east.tolist() == [449500, 450000]
    assert [line for line, _ in found.refused] == [3, 4]
    assert "no location" in found.refused[0][1] and "outside Great Britain" in found.refused[1][1]
    with pytest.raises(FacilityFileError, match="in Great Britain"):
        read_facilities(b"easting,northing\n-90000,519700\n")
