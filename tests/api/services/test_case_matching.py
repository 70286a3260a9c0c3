"""The pieces of case matching: addresses as keys, postcodes, one address text in several places, the risk matrix
(the default and a partnership's own), and the sample export's messy fields."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from api.services.case_export import agency, parse_date
from api.services.case_places import metres, same_places
from api.services.case_risk import DEFAULT_MATRIX, assess, load_matrix
from api.services.cases import normal_postcode, normalise_address
from api.services.errors import ParameterError


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("149 Borough Rd", "149 borough road"),
        ("149, Borough Road.", "149 borough road"),
        ("12a High St, TS1 5JF", "12a high street"),
        ("Flat 3, 12 High St", "flat 3 12 high street"),
        ("Flat 3, Marton House", None),  # no house number: not matched rather than matched wrongly
        ("Borough Rd", None),  # a street is no one's address
        ("On or near Parking Area", None),
        ("", None),
        (None, None),
    ],
)
def test_an_address_is_a_key_only_with_its_house_number(text: str | None, key: str | None) -> None:
    assert normalise_address(text) == key


def test_postcodes_are_read_in_any_case_and_spacing() -> None:
    assert normal_postcode(" ts19  8rj ") == "TS19 8RJ"
    assert normal_postcode("TS146TL") == "TS14 6TL"
    assert normal_postcode("not a postcode") is None


def test_one_address_text_in_two_towns_is_two_places() -> None:
    middlesbrough, stockton = (-1.2447, 54.5746), (-1.3547, 54.5827)
    assert 7000 < metres(middlesbrough, stockton) < 7400
    near = (-1.2440, 54.5750)
    records = [{"ref": "a", "point": middlesbrough}, {"ref": "b", "point": stockton}, {"ref": "c", "point": near}]
    places = sorted(sorted(r["ref"] for r in p) for p in same_places(records, 500))
    assert places == [["a", "c"], ["b"]]
    unplaced = [{"ref": "d", "point": None}]
    assert len(same_places(records + unplaced, 500)) == 2  # which place it is cannot be told: left out
    assert sorted(r["ref"] for r in same_places(records[:1] + unplaced, 500)[0]) == ["a", "d"]


def test_the_default_matrix_scores_standard_medium_and_high() -> None:
    on = date(2025, 10, 1)
    assert assess({}, DEFAULT_MATRIX, on, "x")["level"] == "standard"
    medium = assess({"repeat": "yes", "vulnerable": "yes", "fear": "yes"}, DEFAULT_MATRIX, on, "x")
    assert (medium["score"], medium["level"]) == (5, "medium")
    high = assess({"threats": "yes"}, DEFAULT_MATRIX, on, "x")
    assert (high["score"], high["level"]) == (3, "high")  # critical: high on its own
    assert high["answers"]["repeat"] == "unknown" and high["reasons"] == [DEFAULT_MATRIX.questions[6].text]
    with pytest.raises(ParameterError):
        assess({"repeat": "maybe"}, DEFAULT_MATRIX, on, "x")


def test_a_partnership_gives_its_own_matrix(tmp_path: Path) -> None:
    path = tmp_path / "matrix.json"
    questions = [{"id": "a", "text": "A?", "weight": 4}, {"id": "b", "text": "B?", "weight": 1}]
    path.write_text(json.dumps({"name": "ours", "questions": questions, "medium": 2, "high": 5}))
    matrix = load_matrix(path)
    assert assess({"a": "yes", "b": "yes"}, matrix, date(2025, 1, 1), "x")["level"] == "high"
    assert assess({"a": "yes"}, matrix, date(2025, 1, 1), "x")["level"] == "medium"
    path.write_text(json.dumps({"questions": questions, "medium": 6, "high": 5}))
    with pytest.raises(ValueError, match="medium"):
        load_matrix(path)


def test_the_exports_messy_fields() -> None:
    assert parse_date("14/03/51", past=True) == date(1951, 3, 14)
    assert parse_date("23-Sep-2025") == date(2025, 9, 23)
    assert parse_date("n/a") is None and parse_date("someday") is None
    assert [agency(a) for a in ("Thirteen Housing", "THIRTEEN HOUSING", "Council ASB Team", "Community Wardens")] == [
        "housing",
        "housing",
        "council",
        "warden",
    ]
