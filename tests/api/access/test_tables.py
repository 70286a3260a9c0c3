"""Only the published tables (api.access.tables) can be asked for below analyst: police.uk open data is never an
addend of a council count, council records come in whole groups, periods, wards and hexagons, and equivalent
queries agree."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.access.published import COUNCIL_YEAR, wards
from tests.conftest import sign_in


@pytest.mark.parametrize(
    "params",
    [
        {"source": ["warden", "police"]},  # the known-addend attack: open police counts plus a secret one
        {"source": ["council", "police"]},
        {"source": "warden"},  # one council source alone is not a published table
        {"source": "council", "category": "noise"},  # a leaf category
        {"source": "council", "category": "asb-personal"},  # a strand: beside asb, a second reading of its counts
        {"source": "council", "category": ["asb-personal", "asb-nuisance"]},  # a combination of groups
        {"source": "council", "category": ["asb", "criminal-damage-arson"]},
        {"source": "council", "from": "2025-02", "to": "2025-12"},  # eleven months
        {"source": "council", "from": "2025-02", "to": "2025-04"},  # three months, not a calendar quarter
    ],
)
def test_only_the_published_tables_can_be_asked_for(public: TestClient, params: dict[str, Any]) -> None:
    for path in ("/api/v1/wards", "/api/v1/trends", "/api/v1/trends/movers"):
        response = public.get(path, params=params)
        assert response.status_code == 422, (path, params, response.text)
        assert "below analyst" in response.text


def test_police_data_is_open_and_counted_as_it_is(public: TestClient, analyst: TestClient) -> None:
    year = {"from": "2025-01", "to": "2025-12", "category": "asb"}
    shown = public.get("/api/v1/wards", params=year).json()
    assert shown["filters"]["source"] == ["police"] and shown["filters"]["dedupe"] is False
    assert shown["filters"]["disclosure"]["table"] == "open"
    exact = wards(analyst, **year, source="police", dedupe="false")
    assert {k: v for k, v in wards(public, **year).items() if v} == {k: v for k, v in exact.items() if v}
    odd = wards(public, **{**year, "from": "2025-02", "to": "2025-12"})  # open data: any period
    assert sum(v or 0 for v in odd.values()) > 0


def test_the_council_table_counts_records_of_every_council_source_together(
    public: TestClient, analyst: TestClient
) -> None:
    body = public.get("/api/v1/wards", params={**COUNCIL_YEAR, "dedupe": "true"}).json()
    assert body["filters"]["source"] == ["council"]  # the table, not the council sources it holds
    assert body["filters"]["dedupe"] is False and body["filters"]["disclosure"]["table"] == "council"
    shown = {f["properties"]["code"]: f["properties"]["count"] for f in body["features"]}
    truth = wards(analyst, **COUNCIL_YEAR | {"source": ["complaint", "councillor", "warden"]}, dedupe="false")
    published = {k: v for k, v in shown.items() if v is not None}
    assert len(published) >= 20 and all(v % 5 == 0 and v >= 10 for v in published.values())
    assert all(abs(v - truth[k]) <= 6 for k, v in published.items())
    # the publish decision is not a threshold on the raw count: some published ward holds fewer records than
    # some suppressed one
    hidden = [truth[k] for k, v in shown.items() if v is None and truth[k]]
    assert min(truth[k] for k in published) <= max(hidden)


def test_a_partner_never_gets_its_own_records_summed_with_other_agencies(app_client: TestClient) -> None:
    partner = sign_in(TestClient(app_client.app), "partner", ("warden",))
    analyst = sign_in(TestClient(app_client.app))
    body = partner.get("/api/v1/wards", params=COUNCIL_YEAR).json()  # type: ignore[attr-defined]
    assert body["filters"]["source"] == ["council"]  # the table, not the sources it holds
    shown = {f["properties"]["code"]: f["properties"]["count"] for f in body["features"]}
    others = wards(analyst, **COUNCIL_YEAR | {"source": ["complaint", "councillor"]}, dedupe="false")  # type: ignore[arg-type]
    every = wards(analyst, **COUNCIL_YEAR | {"source": ["complaint", "councillor", "warden"]}, dedupe="false")  # type: ignore[arg-type]
    published = {k: v for k, v in shown.items() if v is not None}
    assert len(published) >= 10 and all(abs(v - (others[k] or 0)) <= 6 for k, v in published.items())
    assert any(abs(v - (every[k] or 0)) > 6 for k, v in published.items())  # the partner's own warden records: out
    mixed = partner.get("/api/v1/wards", params={"source": ["warden", "complaint"]})  # type: ignore[attr-defined]
    assert mixed.status_code == 422


def test_bbox_selects_whole_hexagons_and_never_cuts_one(public: TestClient, analyst: TestClient) -> None:
    import h3

    for c, params in ((public, {"source": "police"}), (public, COUNCIL_YEAR), (analyst, {})):
        whole = {
            f["properties"]["h3"]: f["properties"]["count"]
            for f in c.get("/api/v1/hexes", params={**params, "res": 8}).json()["features"]
        }
        assert len(whole) >= 10
        for cell in sorted(whole)[:: max(1, len(whole) // 15)]:
            lat, lon = h3.cell_to_latlng(cell)
            for box in ((lon - 0.001, lat - 0.001, lon + 0.02, lat + 0.02), (lon, lat, lon + 0.0005, lat + 0.0005)):
                sliced = c.get("/api/v1/hexes", params={**params, "res": 8, "bbox": ",".join(map(str, box))}).json()
                got = {f["properties"]["h3"]: f["properties"]["count"] for f in sliced["features"]}
                assert got[cell] == whole[cell]  # the cell the box cuts through is counted whole
                assert all(got[k] == whole[k] for k in got)


def test_asking_for_the_same_records_another_way_gives_the_same_numbers(public: TestClient) -> None:
    variants: list[dict[str, Any]] = [
        {},
        {"dedupe": "true"},
        {"dedupe": "false"},
        {"category": "asb"},
        {"source": ["council", "council"]},
        {"wards": "wards-2024"},
    ]
    answers = [wards(public, **{**COUNCIL_YEAR, **v}) for v in variants]
    assert all(a == answers[0] for a in answers[1:])
    assert any(v is not None for v in answers[0].values()) and any(v is None for v in answers[0].values())


@pytest.mark.parametrize("path", ["/api/v1/wards", "/api/v1/hexes", "/api/v1/trends"])
def test_the_public_is_not_told_which_sources_the_council_table_holds(
    public: TestClient, analyst: TestClient, path: str
) -> None:
    """The council table is echoed as `council`: which council sources a deployment holds is not said below analyst."""
    body = public.get(path, params={"source": "council"}).json()
    assert body["filters"]["source"] == ["council"]
    held = analyst.get(path, params={"source": "council"}).json()["filters"]["source"]
    assert len(held) > 1 and "council" not in held  # analysts see the sources counted, by name


@pytest.mark.parametrize(
    "window",
    [
        {"from": "2024-07", "to": "2025-06"},  # twelve months, the first six before any held: the first half of 2025
        {"from": "2025-04", "to": "2026-03"},  # twelve months running past the latest month held
        {"from": "2024-10", "to": "2024-12"},  # a quarter before any month held
        {"from": "2026-01", "to": "2026-01"},  # a month after the latest held
    ],
)
def test_windows_running_past_the_months_held_are_refused_below_analyst(
    app_client: TestClient, public: TestClient, window: dict[str, str]
) -> None:
    """A window with months the table does not hold would count a shorter span (an unpublished shape) and, equal to
    the shorter window's value whenever the extra months are empty, tell empty from suppressed."""
    partner = sign_in(TestClient(app_client.app), "partner", ("warden",))
    for c in (public, partner):
        for path in ("/api/v1/wards", "/api/v1/trends", "/api/v1/hexes"):
            response = c.get(path, params={"source": "council", **window})  # type: ignore[attr-defined]
            assert response.status_code == 422, (path, window, response.text)
            assert "2025-01 to 2025-12" in response.text and "held" in response.text, response.text
        span = f"{window['from']}-01/{window['to']}-28"  # OGC API - Features: `datetime` gives the months
        ogc = c.get("/ogc/collections/wards/items", params={"source": "council", "datetime": span})  # type: ignore[attr-defined]
        assert ogc.status_code == 400 and "2025-01 to 2025-12" in ogc.text, ogc.text


def test_analysts_may_count_months_not_held_and_get_zeros(analyst: TestClient) -> None:
    """Exact figures: an empty month adds nothing to learn, and a period wider than a feed's is a real question."""
    wider = wards(analyst, source="council", category="asb", dedupe="false", **{"from": "2024-07", "to": "2025-06"})
    half = wards(analyst, source="council", category="asb", dedupe="false", **{"from": "2025-01", "to": "2025-06"})
    assert wider == half and sum(v or 0 for v in half.values()) > 0


def test_the_default_council_window_stays_within_the_months_held(public: TestClient) -> None:
    body = public.get("/api/v1/wards", params={"source": "council"}).json()
    assert (body["filters"]["from"], body["filters"]["to"]) == ("2025-01", "2025-12")


def test_the_default_window_is_the_longest_published_shape_within_the_months_held() -> None:
    from datetime import date

    from api.access.tables import default_window

    d = date
    assert default_window(d(2025, 12, 1), (d(2024, 2, 1), d(2025, 12, 1))) == (d(2025, 1, 1), d(2025, 12, 1))
    assert default_window(d(2025, 11, 1), (d(2025, 1, 1), d(2025, 11, 1))) == (d(2025, 7, 1), d(2025, 9, 1))
    assert default_window(d(2025, 2, 1), (d(2025, 1, 1), d(2025, 2, 1))) == (d(2025, 2, 1), d(2025, 2, 1))
    assert default_window(d(2025, 12, 1), (None, None)) == (d(2025, 1, 1), d(2025, 12, 1))
