"""The sources page: a feed's own words (its name, source, quarantine reasons, gap messages) are shown as text."""

from __future__ import annotations

from typing import Any

import pytest

from api.render.sources_page import render_sources_page
from tests.api.render.hostile import HOSTILE, assert_shown_as_text, read_page


def report(text: str) -> dict[str, Any]:
    """A report of /api/v1/sources's shape whose every string from a feed is `text`."""
    month = {
        "month": "2025-01",
        "loaded": 10,
        "quarantined": 2,
        "quarantine_reasons": {text: 2, "b": 1, "c": 1, "d": 1},
        "precision": {"point": 0.5, text: 0.5},
        "gap": {"kind": "low", "message": text},
    }
    quiet = {**month, "month": "2025-02", "loaded": 5, "quarantine_reasons": {}, "precision": {}, "gap": None}
    feed = {
        "feed": text,
        "source": text,
        "status": "gaps",
        "quarantined_month_unknown": 3,
        "last_loaded": "2025-03-01T10:00:00",
        "loaded": 12_345,
        "first_month": "2025-01",
        "latest_month": "2025-02",
        "quarantined": 5,
        "files": 2,
        "precision": {text: 1.0},
        "quarantine_reasons": {text: 4, "b": 1, "c": 1, "d": 1},
        "months": [month, quiet],
    }
    return {
        "gap_rule": {"ratio": 0.5, "window_months": 6, "alpha": 0.01},
        "flagged": 1,
        "latest_month": "2025-02",
        "feeds": [feed],
    }


@pytest.mark.parametrize("hostile", HOSTILE)
def test_text_from_a_feed_is_escaped(hostile: str) -> None:
    page = render_sources_page(report(hostile))
    assert_shown_as_text(page, hostile)
    assert_shown_as_text(page, f"feed-{hostile}", in_attribute=True)  # the section's id
    text = "".join(read_page(page).text)
    assert f"Quarantine reasons: {hostile} (4); b (1); c (1); d (1)" in text  # the feed's ten most frequent
    assert f"{hostile} (2); b (1); c (1); 1 more" in text  # a month's three
    assert f"low: {hostile}" in text  # the gap flag
    assert f"{hostile} 100%" in text and f"exact point 50%, {hostile} 50%" in text  # precision, named by the feed


def test_the_page_reads_as_before() -> None:
    text = " ".join("".join(read_page(render_sources_page(report("noise"))).text).split())
    assert "12,345 rows held, 2025-01 to 2025-02; 5 quarantined (3 with no readable month)." in text
    assert "Last loaded 2025-03-01 10:00:00 from 2 file(s)." in text
    assert "under 50% of the median of the 6 months before, and a Poisson probability under 0.01" in text
    assert "1 month(s) flagged across feeds" in text and "gaps flagged" in text
    page = render_sources_page(report("noise"))
    assert "width:100%" in page and "width:50%" in page  # bars against the feed's busiest month
    empty = render_sources_page({**report("noise"), "feeds": [], "flagged": 0, "latest_month": None})
    assert "No feeds loaded yet." in empty and "No gaps flagged." in empty and "up to –" in empty
