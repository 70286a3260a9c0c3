"""Times and coordinates of movement read column by column give exactly what reading them one at a time gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from ingest.movement import number_or_nan, numbers_or_nan, parse_time, parse_times

TIMES = [
    "2026-01-17T07:00:00Z",
    "2026-01-17 07:00:00+01:00",
    "2026-01-17T07:00Z",
    "2026-01-17T07:00:00.75-05:30",
    " 2026-06-17T07:00:00Z ",
    "2026-06-17T07:00:00",  # UK clock time: BST
    "2026-01-17 07:00",  # UK clock time: GMT
    "2026-03-29T01:30:00",  # a clock time skipped when the clocks go forward
    "2026-10-25T01:30:00",  # a clock time that happens twice when they go back
    "2026-03-29T00:59:59",
    "2026-10-25T02:00:00",
    "17/01/2026 07:00:00",
    "17/06/2026 07:00",
    "31/02/2026 07:00",  # no such day
    "2026-02-30T07:00:00Z",  # no such day
    "2026-01-17T07:00:00+0100",  # another ISO shape: read one at a time
    "2026-01-17t07:00:00z",
    "20260117T070000Z",
    "2026-01-17",
    "yesterday",
    "",
]


def test_times_in_bulk_are_parse_times_one_at_a_time() -> None:
    seconds, ok = parse_times(pa.array(TIMES))
    expected = [parse_time(t) for t in TIMES]
    assert [int(s) if k else None for s, k in zip(seconds, ok, strict=True)] == expected
    assert expected[5] == expected[6] + 151 * 86400 - 3600  # BST is an hour ahead (151 days apart)
    assert sum(e is None for e in expected) >= 4  # not vacuous: refusals included


def test_a_bad_value_leaves_the_good_ones_of_its_shape_parsed() -> None:
    rng = np.random.default_rng(5)
    base = np.datetime64("2025-01-01T00:00:00") + rng.integers(0, 400 * 86400, 500).astype("timedelta64[s]")
    texts = [*np.datetime_as_string(base, unit="s"), "2025-13-01T00:00:00", "2025-02-29T10:00"]
    seconds, ok = parse_times(pa.chunked_array([pa.array(texts[:300]), pa.array(texts[300:])]))
    assert [int(s) if k else None for s, k in zip(seconds, ok, strict=True)] == [parse_time(t) for t in texts]
    assert ok.sum() == 500


@pytest.mark.parametrize(
    "values", [["54.5", " -1.25 ", "1e2", "nan", "inf"], ["54.5", "", "x", "1_0", "-0"]], ids=["numbers", "some not"]
)
def test_numbers_in_bulk_are_numbers_one_at_a_time(values: list[str]) -> None:
    got = numbers_or_nan(pa.array(values))
    np.testing.assert_array_equal(got, np.array([number_or_nan(v) for v in values]))
