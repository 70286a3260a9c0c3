"""The map page's answers in words: periods, the rising and falling wards (the numbers of /api/v1/trends/movers), the
downloads of the view by role, the study areas by name, and the tooltips in plain language."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.render.map_answers import downloads, movers_panel, period_words
from api.render.map_layers import plain_statistics
from api.services.cell_places import NO_PLACES, places_words
from api.services.statistics.gi import gi_words
from tests.api.render.hostile import MapInputs
from tests.api.render.test_map_page import layer_data

QUERY = [("from", "2025-07"), ("to", "2025-12"), ("category", "asb"), ("dedupe", "true"), ("wards", "wards-2024")]


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("2024-01", "2024-12", "2024"),
        ("2025-03", "2025-03", "Mar 2025"),
        ("2025-07", "2025-12", "Jul–Dec 2025"),
        ("2024-11", "2025-01", "Nov 2024–Jan 2025"),
    ],
)
def test_periods_in_words(start: str, end: str, words: str) -> None:
    assert period_words(start, end) == words


def _movers(client: TestClient, **params: str) -> dict[str, Any]:
    answer = client.get("/api/v1/trends/movers", params={"top": "5", **params})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_the_movers_panel_says_the_api_numbers_in_words(client: TestClient) -> None:
    movers = _movers(client, **{"from": "2025-07", "to": "2025-12"})
    panel = movers_panel(movers, [*QUERY, ("res", "8")], [*QUERY, ("top", "5")], None)
    assert panel["comparable"] and panel["compared"] == "Jul–Dec 2025 against Jan–Jun 2025"
    first, said = movers["rising"][0], panel["rising"][0]
    assert said["code"] == first["code"] and said["name"] == first["name"]
    figures = f"{first['previous_count']:,} → {first['count']:,} ({first['change_pct']:+.0f}%)"
    verdict = "significant" if first["significant"] else "not significant"
    assert said["text"].startswith(figures + ", ") and said["text"].endswith(f"({verdict} at 5% FDR)")
    assert all("falling" in m["text"] or "rising less" in m["text"] for m in panel["falling"])
    assert len(panel["rising"]) == len(movers["rising"]) and len(panel["falling"]) == len(movers["falling"])
    assert "tested against its area's overall change" in panel["explain"]
    assert f"{movers['area_change_pct']:+.1f}% across the {movers['wards_tested']} wards" in panel["explain"]
    assert dict(parse_qsl(urlsplit(panel["api"]).query)) == {**dict(QUERY), "top": "5"}


def test_published_movers_have_no_significance_and_say_so(client: TestClient) -> None:
    public = TestClient(client.app)
    movers = _movers(public, **{"from": "2025-07", "to": "2025-12"})  # police.uk open data, counted as published
    assert "alpha" in movers  # open data is exact: the API tests it, and so does the page
    assert "significant at 5% FDR" in movers_panel(movers, QUERY, QUERY, None)["rising"][0]["text"]
    published = {**movers, "rising": [{**m, "change_pct": None} for m in movers["rising"]], "note": "rounded"}
    for key in ("alpha", "wards_tested", "area_change_pct"):
        published.pop(key)
    panel = movers_panel(published, QUERY, QUERY, None)
    first = published["rising"][0]
    assert panel["rising"][0]["text"] == f"{first['previous_count']:,} → {first['count']:,} ({first['change']:+,})"
    assert "no significance test below analyst" in panel["published"] and panel["note"] == "rounded"
    assert not panel["explain"]


def test_movers_that_cannot_be_compared_say_why_and_offer_a_quarter(client: TestClient) -> None:
    movers = _movers(client)  # 2025: 2024 is not held
    assert not movers["comparable"]
    panel = movers_panel(movers, [*QUERY, ("res", "8"), ("area", "force:cleveland")], QUERY, ("2025-10", "2025-12"))
    assert panel["not_comparable"].startswith("Not comparable: 2024 not held")
    assert panel["alternative"]["label"] == "Compare Oct–Dec 2025 with the quarter before"
    link = dict(parse_qsl(urlsplit(panel["alternative"]["href"]).query))
    assert link["from"] == "2025-10" and link["to"] == "2025-12" and link["area"] == "force:cleveland"
    assert not panel["rising"] and not panel["falling"]


def test_the_page_offers_a_comparable_quarter(client: TestClient) -> None:
    page = client.get("/", params={"force": "cleveland"}).text
    assert "Not comparable: 2024 not held" in page and "Compare Oct–Dec 2025 with the quarter before" in page
    quarter = client.get("/", params={"force": "cleveland", "from": "2025-10", "to": "2025-12"}).text
    assert "Oct–Dec 2025 against Jul–Sep 2025" in quarter and "at 5% FDR)" in quarter


def test_downloads_by_role() -> None:
    gi = {"area": {"type": "force", "code": "E23000013"}, "resolution": 8}
    plan = [("force", "E23000013"), *QUERY, ("res", "9"), ("cells", "20")]
    analyst = {d.label: d for d in downloads(QUERY, 8, ("2025-07", "2025-12"), True, plan, {"gi": gi})}
    public = {d.label: d for d in downloads(QUERY, 8, ("2025-07", "2025-12"), False, [], {})}
    assert set(public) == {
        "Ward counts (GeoJSON)",
        "Hexagon counts, H3 res 8 (GeoJSON)",
        "Monthly counts, whole area (CSV)",
    }
    assert set(public) < set(analyst)
    assert analyst["Ward counts (GeoPackage)"].href.endswith("&format=gpkg")
    assert analyst["Hexagon counts, H3 res 8 (GeoPackage)"].href.startswith("/api/v1/hexes?")
    assert "format=gpkg" in analyst["Hexagon counts, H3 res 8 (GeoPackage)"].href
    assert analyst["Incident records (CSV)"].href.startswith("/api/v1/incidents?")
    assert analyst["Gi* hot and cold spots (GeoJSON)"].href.startswith("/api/v1/hotspots/gi?force=E23000013&")
    assert "format=geojson" in analyst["Patrol plan cells (GeoJSON)"].href
    for d in analyst.values():
        assert dict(parse_qsl(urlsplit(d.href).query)).items() >= dict(QUERY).items(), d.label


@pytest.mark.parametrize("role", ["analyst", "public"])
def test_every_download_link_answers(client: TestClient, role: str) -> None:
    import re

    caller = client if role == "analyst" else TestClient(client.app)
    page = caller.get("/", params={"force": "cleveland"}).text
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="(/api/v1/[^"]+)" download=', page)]
    assert len(links) == (11 if role == "analyst" else 3)
    for link in links:
        answer = caller.get(link)
        assert answer.status_code == 200, (link, answer.text[:300])
    assert any("format=gpkg" in link for link in links) == (role == "analyst")


def test_the_study_area_selector_names_forces_partnerships_and_authorities(client: TestClient) -> None:
    import re

    page = client.get("/", params={"lad": "Middlesbrough"}).text
    select = page[page.index('<select name="area">') : page.index("</select>", page.index('<select name="area">'))]
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups == ["Police force areas", "Community safety partnerships", "Local authorities"]
    assert '<option value="force:cleveland">Cleveland</option>' in select
    assert '<option value="lad:E06000002" selected>Middlesbrough</option>' in select
    assert re.search(r'<option value="csp:E\d{8}">Middlesbrough</option>', select)
    chosen = client.get("/", params={"area": "lad:E06000002"}).text
    assert "Gi* hot/cold spots, Middlesbrough" in chosen
    by_name = client.get("/", params={"area": "csp:Middlesbrough"})
    assert by_name.status_code == 200 and "Gi* hot/cold spots, Middlesbrough" in by_name.text
    assert client.get("/", params={"area": ""}).status_code == 200  # the selector's "(none)"
    for bad in ({"area": "ward:E05009857"}, {"area": "force:cleveland", "lad": "E06000002"}):
        answer = client.get("/", params=bad)
        assert answer.status_code == 422 and "area" in answer.text


def test_gi_classes_in_words() -> None:
    assert gi_words("hot-99") == "Gi* hot spot, flagged at FDR q ≤ 0.01"
    assert gi_words("cold-90") == "Gi* cold spot, flagged at FDR q ≤ 0.10"


def test_statistics_tooltips_lead_with_words_and_keep_figures_in_small_print(analyst: MapInputs) -> None:
    view, _, _ = analyst
    assert view.statistics is not None
    gi, emerging, plan, concentration, repeats, near_repeat, delivery, facilities = plain_statistics(
        view.statistics
    ).values()
    assert delivery["features"] == [] and not delivery["held"]  # this store holds no patrol delivery
    cell = gi["features"][0]["properties"]
    assert cell["gi_text"] == gi_words(cell["class"])
    assert cell["detail"].startswith(f"z {cell['z']:.2f}, FDR q ") and cell["h3"] in cell["detail"]
    pattern = emerging["features"][0]["properties"]
    assert pattern["pattern_text"].startswith(pattern["pattern"] + ": ") and " of 12 months" in pattern["pattern_text"]
    ranks = [ft["properties"]["rank_text"] for ft in plan["features"]]
    assert ranks[0] == "number 1 of 20, as on the printed plan" and len(ranks) == 20
    held = concentration["features"][0]["properties"]
    assert held["held_text"].endswith(" of the busiest places") and held["h3"] in held["detail"]
    place = repeats["features"][0]["properties"]
    assert place["place_text"].startswith(f"#1 {place['place']}") and "incidents in" in place["count_text"]
    assert near_repeat["features"] == [] and near_repeat["month_only"] > 0  # police.uk alone: months only, no test
    assert facilities["features"] == [] and facilities["warnings"] == ["no facility list held"]  # none kept here


def test_hexagon_tooltips_lead_with_the_count_and_keep_the_id_for_analysts(client: TestClient) -> None:
    import re

    def tooltip_fields(page: str) -> list[list[str]]:
        return [json_list(m) for m in re.findall(r"let fields = (\[.*?\]);", page)]

    def json_list(text: str) -> list[str]:
        import json

        found: list[str] = json.loads(text)
        return found

    analyst = tooltip_fields(client.get("/", params={"force": "cleveland"}).text)
    public = tooltip_fields(TestClient(client.app).get("/").text)
    hexes = [f for f in analyst if f[0] == "count_text"]
    assert hexes and all(f[-1] == "h3" for f in hexes)  # the id last, in small print
    assert [f for f in public if f[0] == "count_text"] == [["count_text", "located_text"]]  # no id for the public
    assert ["gi_text", "count_text", "ward_name", "streets", "detail"] in analyst
    page = client.get("/", params={"force": "cleveland"}).text
    assert layer_data(page)[0]["features"][0]["properties"]["count_text"]


def test_hotspot_and_plan_tooltips_name_their_streets_and_ward(analyst: MapInputs, client: TestClient) -> None:
    """Each statistics cell's tooltip names its ward and its commonest streets (the records' location text, "On or
    near" dropped): the plan's as the printed plan lists them, a hot spot's as /api/v1/hotspots does."""
    view, _, _ = analyst
    assert view.statistics is not None
    gi, emerging, plan, *_ = plain_statistics(view.statistics).values()  # then the place statistics
    for layer, counted in ((gi, "count"), (emerging, "counts"), (plan, "period_count")):
        shown = [ft["properties"] for ft in layer["features"]]
        busy = [p for p in shown if np.sum(p[counted]) > 0]  # a cell without incidents has no location text
        assert busy and all(p["streets"] != NO_PLACES for p in busy) and all(p["ward_name"] for p in shown)
        assert not any(p["streets"].startswith("On or near") for p in shown)
    printed = client.get("/api/v1/patrol-plan", params=view.plan_query).json()["cells"]
    assert [ft["properties"]["streets"] for ft in plan["features"]] == [places_words(c["places"]) for c in printed]
    assert all(c["places"] for c in printed)
    same = [(k, v) for k, v in view.plan_query if k not in ("res", "cells")]  # the map's area and filters
    top = client.get("/api/v1/hotspots", params=[*same, ("res", str(gi["resolution"])), ("top", "50")]).json()
    assert top["area"]["name"] == gi["area"]["name"]
    top = top["hotspots"]
    hot = {ft["properties"]["h3"]: ft["properties"]["streets"] for ft in gi["features"]}
    both = [c for c in top if c["h3"] in hot]
    assert len(both) >= 10 and all(hot[c["h3"]] == places_words(c["places"]) for c in both)
