"""OGC API - Features parameters as AIM reads them: `datetime` as whole months, `bbox` of any size, pages."""

from __future__ import annotations

import pytest

from api.services.errors import ParameterError
from api.services.ogc import CRS84, datetime_months, page, parse_bbox, within
from geo.features import feature


@pytest.mark.parametrize(
    ("text", "months"),
    [
        (None, (None, None)),
        ("2025-03-15T10:00:00Z", ("2025-03", "2025-03")),
        ("2025-03-15", ("2025-03", "2025-03")),
        ("2025-03", ("2025-03", "2025-03")),
        # every month an interval touches is counted whole: mid-March to 1 May is March, April and May
        ("2025-03-15T00:00:00Z/2025-05-01T00:00:00Z", ("2025-03", "2025-05")),
        ("2025-01-01/2025-03-31", ("2025-01", "2025-03")),
        ("2025-04-01/..", ("2025-04", None)),
        ("../2025-06-30T23:59:59.999+01:00", (None, "2025-06")),
        ("/2025-06-30", (None, "2025-06")),
        ("../..", (None, None)),
        # dates as written: an offset does not move a date into another month
        ("2025-03-31T23:30:00-05:00", ("2025-03", "2025-03")),
    ],
)
def test_datetime_is_read_as_the_months_it_touches(text: str | None, months: tuple[str | None, str | None]) -> None:
    assert datetime_months(text) == months


@pytest.mark.parametrize(
    "text",
    [
        "2025-13-01",
        "2025-02-30",
        "yesterday",
        "2025-05-01/2025-03-01",
        "2025-01-01/2025-02-01/2025-03-01",
        "..",
        "1850-01-01",
        "2025-03-15T25:00:00Z",
    ],
)
def test_a_datetime_that_is_not_an_instant_or_interval_is_refused(text: str) -> None:
    with pytest.raises(ParameterError) as caught:
        datetime_months(text)
    assert caught.value.parameter == "datetime"


def test_bbox_of_any_size_with_or_without_heights() -> None:
    assert parse_bbox("-1.5,54.5,-1.1,54.7") == (-1.5, 54.5, -1.1, 54.7)
    assert parse_bbox("-1.5,54.5,0,-1.1,54.7,100") == (-1.5, 54.5, -1.1, 54.7)
    assert parse_bbox("-180,-90,180,90", CRS84) == (-180.0, -90.0, 180.0, 90.0)  # a client zoomed right out
    assert parse_bbox("170,50,-170,60") == (-180.0, 50.0, 180.0, 60.0)  # across the antimeridian
    assert parse_bbox(None) is None


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "0,60,1,50", "0,0,1,91", "nan,0,1,1", "1,2,3,4,5"])
def test_a_bbox_that_is_not_a_box_is_refused(text: str) -> None:
    with pytest.raises(ParameterError):
        parse_bbox(text)


def test_only_crs84_boxes() -> None:
    with pytest.raises(ParameterError) as caught:
        parse_bbox("0,0,1,1", "http://www.opengis.net/def/crs/EPSG/0/27700")
    assert caught.value.parameter == "bbox-crs"


def test_within_keeps_the_features_a_box_touches_and_page_slices() -> None:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    far = {"type": "Point", "coordinates": [10, 10]}
    features = [feature(square, {"n": 1}, "a"), feature(far, {"n": 2}, "b"), feature(None, {"n": 3}, "c")]
    assert [f["id"] for f in within(features, (0.5, 0.5, 2, 2))] == ["a"]
    assert [f["id"] for f in within(features, (9, 9, 11, 11))] == ["b"]
    assert within(features, None) == features
    assert [f["id"] for f in page(features, 1, 1)] == ["b"]
    assert page(features, 3, 10) == []
