"""Disclosure control holds against the attacks it is meant to stop: differencing overlapping periods, subtracting
published parts from a published total, parent hexagons minus children, and averaging equivalent queries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.access.disclosure import DisclosureRule, publish

RULE = DisclosureRule()
# crime types with small ward counts in a month: plenty of suppressed cells to attack
SMALL = ("bicycle-theft", "theft-from-person", "robbery", "possession-of-weapons", "drugs", "other-theft", "burglary")
# larger categories: wards and hexagons where only one part of a total is suppressed
LARGER = ("asb", "violence-sexual", "criminal-damage-arson", "public-order", "shoplifting", "vehicle-crime")
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]


@pytest.fixture(scope="module")
def public(client: TestClient) -> Iterator[TestClient]:
    """A caller with no token, on the same app as the analyst `client`."""
    yield TestClient(client.app)


def wards(c: TestClient, **params: Any) -> dict[str, int | None]:
    body = c.get("/api/v1/wards", params=params).json()
    return {f["properties"]["code"]: f["properties"]["count"] for f in body["features"]}


def suppression_only(value: int) -> int | None:
    """What a rule that only suppressed small counts would publish (the weak rule the attacks break)."""
    return value if value >= RULE.threshold else None


def hit_rates(pairs: list[tuple[int, int]]) -> tuple[float, float]:
    """(share of attack estimates equal to the truth, share a blind guess of the commonest true value gets)."""
    truth = [t for t, _ in pairs]
    guess = Counter(truth).most_common(1)[0][0]
    return sum(t == e for t, e in pairs) / len(pairs), sum(t == guess for t in truth) / len(truth)


def test_the_rule_suppresses_perturbs_and_rounds() -> None:
    assert [publish(n, 12345, RULE) for n in range(10)] == [None] * 10
    published = [publish(n, key, RULE) for n in range(10, 200) for key in range(50)]
    assert all(p is not None and p >= 10 and p % 5 == 0 for p in published)
    assert all(abs(publish(n, key, RULE) - n) <= 6 for n in range(10, 200) for key in range(50))  # type: ignore[operator]
    offsets = Counter(publish(100, key, RULE) for key in range(5000))
    assert set(offsets) == {95, 100, 105} and min(offsets.values()) > 1000  # the key picks the offset
    assert publish(57, 999, RULE) == publish(57, 999, RULE)  # the same incidents: the same answer


def test_subtracting_published_months_from_a_published_year_does_not_recover_the_suppressed_ones(
    client: TestClient, public: TestClient
) -> None:
    attack, weak = [], []
    for category in SMALL + LARGER:
        year = {"category": category, "from": MONTHS[0], "to": MONTHS[-1]}
        true_year, shown_year = wards(client, **year), wards(public, **year)
        true_months = [wards(client, category=category, **{"from": m, "to": m}) for m in MONTHS]
        shown_months = [wards(public, category=category, **{"from": m, "to": m}) for m in MONTHS]
        for code, total in shown_year.items():
            secret = sum(t[code] for t, s in zip(true_months, shown_months, strict=True) if s[code] is None)
            if total is None or not 0 < secret < RULE.threshold:
                continue  # what the suppressed months hold together is itself a small count
            attack.append((secret, total - sum(s[code] or 0 for s in shown_months)))
            others = sum(v for t in true_months if (v := suppression_only(t[code])) is not None)
            weak.append((secret, true_year[code] - others))
    assert len(attack) >= 25
    hits, guess = hit_rates(attack)
    assert hit_rates(weak)[0] == 1.0  # against suppression alone the attack always works
    assert hits <= guess + 0.1, (hits, guess)


def test_differencing_overlapping_periods_does_not_recover_a_suppressed_month(
    client: TestClient, public: TestClient
) -> None:
    attack, weak = [], []
    for category in SMALL:
        year = {"category": category, "from": "2025-01", "to": "2025-12"}
        later = {"category": category, "from": "2025-02", "to": "2025-12"}
        january = wards(client, category=category, **{"from": "2025-01", "to": "2025-01"})
        true_year, true_later = wards(client, **year), wards(client, **later)
        shown_year, shown_later = wards(public, **year), wards(public, **later)
        for code, n in january.items():
            if not 0 < n < RULE.threshold or shown_year[code] is None or shown_later[code] is None:
                continue
            attack.append((n, shown_year[code] - shown_later[code]))  # type: ignore[operator]
            weak.append((n, true_year[code] - true_later[code]))
    assert len(attack) >= 50
    hits, guess = hit_rates(attack)
    assert hit_rates(weak)[0] == 1.0
    assert hits <= guess + 0.1, (hits, guess)


def test_a_parent_hexagon_minus_its_children_does_not_recover_a_suppressed_child(
    client: TestClient, public: TestClient
) -> None:
    import h3

    attack, weak = [], []
    for category, month in [(c, m) for c in LARGER for m in MONTHS[::3]]:
        q = {"category": category, "from": month, "to": month}
        shown7 = {
            f["properties"]["h3"]: f["properties"]["count"]
            for f in public.get("/api/v1/hexes", params={**q, "res": 7}).json()["features"]
        }
        true8 = {
            f["properties"]["h3"]: f["properties"]["count"]
            for f in client.get("/api/v1/hexes", params={**q, "res": 8}).json()["features"]
        }
        shown8 = {
            f["properties"]["h3"]: f["properties"]["count"]
            for f in public.get("/api/v1/hexes", params={**q, "res": 8}).json()["features"]
        }
        for parent, value in shown7.items():
            children = [c for c in h3.cell_to_children(parent, 8)]
            hidden = [c for c in children if c in true8 and c not in shown8]
            if len(hidden) != 1:
                continue
            attack.append((true8[hidden[0]], value - sum(shown8.get(c, 0) for c in children)))
            true_parent = sum(true8.get(c, 0) for c in children)
            weak.append((true8[hidden[0]], true_parent - sum(true8[c] for c in children if c in shown8)))
    assert len(attack) >= 20
    assert hit_rates(weak)[0] == 1.0
    hits, guess = hit_rates(attack)
    assert hits <= guess + 0.1, (hits, guess)


def test_asking_the_same_incidents_another_way_gives_the_same_numbers(public: TestClient) -> None:
    base = {"category": "robbery", "from": "2025-01", "to": "2025-12"}
    variants = [
        {},
        {"source": "police"},  # every incident held in these wards is police data
        {"dedupe": "false"},  # nothing is linked in a police-only store
        {"category": ["robbery", "robbery"]},
        {"wards": "wards-2024"},  # the default set, named
    ]
    answers = [wards(public, **{**base, **v}) for v in variants]
    assert all(a == answers[0] for a in answers[1:])
    assert any(v is not None for v in answers[0].values()) and any(v is None for v in answers[0].values())


def test_the_published_map_legend_starts_at_published_values(public: TestClient, client: TestClient) -> None:
    import re

    def legend_classes(page: str) -> list[tuple[int, int]]:
        legend = page[page.index('id="aim-legend"') :]
        legend = legend[: legend.index('class="aim-note"')]
        return [(int(a), int(b or a)) for a, b in re.findall(r"</i>(\d+)(?:–(\d+))?</div>", legend)]

    page = public.get("/").text
    assert "under 10: not published" in page
    published = legend_classes(page)
    assert published and min(lo for lo, _ in published) >= 5  # nothing published below the rounding base
    analyst = client.get("/").text
    assert "not published" not in analyst[analyst.index('id="aim-legend"') :]
