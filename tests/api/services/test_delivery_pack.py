"""The tasking pack's delivery since the last meeting, over the demo with its shipped sample patrols (6 to 19 January
2026): the printed plan's cells, planned against delivered, the same figures as /api/v1/delivery/plan, and "no
delivery held" for days without any."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from api.services.caches import Caches
from api.services.delivery import DeliveryAsk, plan_delivery
from api.services.delivery_pack import PackDelivery, delivery_section, fortnight
from api.services.filters import Filters, requested_categories, resolve_filters
from api.services.patrol import patrol_plan
from api.services.tasking_pack import resolve_csp
from ingest.store.connection import Connection, open_served_store

MEETING = date(2026, 1, 20)  # the fortnight before it: the sample delivery's 14 days


@pytest.fixture(scope="module")
def con(delivered_store: Path) -> Iterator[Connection]:
    c = open_served_store(delivered_store, "1GB")
    yield c
    c.close()


def _filters(con: Connection) -> Filters:
    """The pack's months for a meeting in January 2026: the 12 months to December 2025."""
    return resolve_filters(
        con, start=None, end=date(2025, 12, 1), categories=requested_categories(None), sources=(), default_months=12
    )


def test_the_fortnight_is_the_days_since_the_last_meeting() -> None:
    assert fortnight(MEETING, 14) == (date(2026, 1, 6), date(2026, 1, 19))
    assert fortnight(date(2026, 3, 1), 7) == (date(2026, 2, 22), date(2026, 2, 28))


def test_planned_against_delivered_in_the_printed_plans_cells(con: Connection) -> None:
    filters, area, caches = _filters(con), resolve_csp(con, "Middlesbrough"), Caches()
    section = delivery_section(con, filters, area, caches, PackDelivery(20, 9, MEETING))
    printed = patrol_plan(con, filters, area, 9, None, 20, caches.wards, caches.lattices)
    assert [c["h3"] for c in section["cells"]] == [c["h3"] for c in printed["cells"]]
    assert section["held"] and (section["from"], section["to"], section["days"]) == ("2026-01-06", "2026-01-19", 14)
    assert section["target"]["planned_visits_per_cell"] == 14 and section["target"]["planned_minutes_per_cell"] == 140
    answer = plan_delivery(con, filters, area, DeliveryAsk(20, 9, date(2026, 1, 6), date(2026, 1, 19)), caches)
    for got, cell in zip(section["cells"], answer["cells"], strict=True):
        assert (got["minutes"], got["visits"], got["compliant_visits"]) == (
            cell["minutes"],
            cell["visits"],
            cell["compliant_visits"],
        )
        assert (got["planned_minutes"], got["planned_visits"]) == (140, 14)
        assert got["share_delivered"] == pytest.approx(min(cell["compliant_visits"], 14) / 14, abs=1e-3)
    capped = sum(min(c["compliant_visits"], 14) for c in answer["cells"]) / (20 * 14)
    assert section["share_delivered"] == pytest.approx(capped, abs=1e-3)
    assert section["share_delivered"] <= answer["plan"]["share_of_target"]  # a cell over its plan adds nothing
    assert section["cells_visited"] == answer["plan"]["cells_visited"]
    assert f"{section['share_delivered']:.0%} of the plan delivered" in section["words"]


def test_the_share_counts_each_cell_up_to_its_own_plan(con: Connection) -> None:
    """Reference values: one visit a day over 14 days plans 14 compliant visits a cell; a cell with 20 counts 14."""
    filters, area = _filters(con), resolve_csp(con, "Middlesbrough")
    two_a_day = delivery_section(con, filters, area, Caches(), PackDelivery(5, 9, MEETING, visits_per_day=2.0))
    for cell in two_a_day["cells"]:
        assert cell["planned_visits"] == 28 and cell["planned_minutes"] == 280
        assert cell["share_delivered"] == round(min(cell["compliant_visits"], 28) / 28, 3)


def test_no_delivery_held_for_the_fortnight_or_at_all(con: Connection, demo_store: Path) -> None:
    filters, area = _filters(con), resolve_csp(con, "Middlesbrough")
    later = delivery_section(con, filters, area, Caches(), PackDelivery(20, 9, date(2026, 12, 10)))
    assert not later["held"] and later["cells"] == [] and later["share_delivered"] is None
    assert later["words"].startswith("No delivery held for 26 Nov 2026 to 09 Dec 2026: delivery is held for 05 Jan")
    partial = delivery_section(con, filters, area, Caches(), PackDelivery(20, 9, date(2026, 1, 10)))
    assert partial["held"] and "(delivery is held for 05 Jan 2026 to 19 Jan 2026 only)" in partial["words"]
    empty = open_served_store(demo_store, "1GB")
    try:
        none = delivery_section(empty, _filters(empty), area, Caches(), PackDelivery(20, 9, MEETING))
    finally:
        empty.close()
    assert not none["held"] and none["words"] == "No delivery held: no patrol movement has been loaded."
