"""The rule (api.access.disclosure): perturbed first, then suppressed or rounded, so suppression is no oracle on the
raw count; and the published map's legend starts at published values."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.access.disclosure import OFFSETS, DisclosureRule, publish

RULE = DisclosureRule()


def test_the_rule_perturbs_before_it_decides_so_suppression_is_no_oracle() -> None:
    keys = range(2000)
    for n in range(0, 6):  # always hidden: even the largest offset leaves them under the threshold
        assert all(publish(n, k, RULE) is None for k in keys)
    for n in range(6, 14):  # either way, by a key the caller cannot compute
        outcomes = {publish(n, k, RULE) is None for k in keys}
        assert outcomes == {True, False}, n
    for n in range(14, 200):
        assert all((p := publish(n, k, RULE)) is not None and p % 5 == 0 and abs(p - n) <= 6 for k in keys[:50])
    assert publish(57, 999, RULE) == publish(57, 999, RULE)  # the same records: the same answer
    shares = [sum(publish(100, k, RULE) == v for k in keys) / len(keys) for v in (95, 100, 105)]
    assert all(abs(s - e) < 0.05 for s, e in zip(shares, (2 / 9, 5 / 9, 2 / 9), strict=True)), shares
    assert len(OFFSETS) == 9 and sum(OFFSETS) == 0


def test_a_threshold_the_offsets_could_cross_is_refused() -> None:
    with pytest.raises(ValueError, match="threshold"):
        DisclosureRule(threshold=4)


def test_the_published_map_legend_starts_at_published_values(public: TestClient, analyst: TestClient) -> None:
    import re

    def legend_classes(page: str) -> list[tuple[int, int]]:
        legend = page[page.index('id="aim-legend"') :]
        legend = legend[: legend.index('class="aim-note"')]
        return [(int(a), int(b or a)) for a, b in re.findall(r"</i>(\d+)(?:–(\d+))?</div>", legend)]

    page = public.get("/", params={"source": "council"}).text
    assert "under 10: not published" in page
    published = legend_classes(page)
    assert published and min(lo for lo, _ in published) >= 5  # nothing published below the rounding base
    analyst_page = analyst.get("/").text
    assert "not published" not in analyst_page[analyst_page.index('id="aim-legend"') :]
