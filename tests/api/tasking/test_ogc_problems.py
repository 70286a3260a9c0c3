"""The OGC collection `problems` on the demo's two problems, role by role, exactly as /api/v1/problems: analysts see
every problem's area; a partner the problems it is party to; a councillor those in their wards, drawn as the wards;
the public those with a published progress note, without title, owner or counts; a problem not visible is a 404
like one that does not exist. Every answer matches the model the OpenAPI document declares."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.services.tasking_demo import open_demo_problems
from geo.hexbin import cell_polygons
from tests.api.http.test_models import Documented
from tests.conftest import sign_in

ITEMS = "/ogc/collections/problems/items"
PUBLIC_KEYS = {"id", "status", "category_group", "wards", "opened", "closed"}
KEYS = PUBLIC_KEYS | {"title", "owner", "actions_due", "actions_overdue", "actions_done"}


def _client(c: TestClient, role: str, sources: tuple[str, ...] = ()) -> TestClient:
    other = TestClient(c.app)
    if role != "public":
        sign_in(other, role, sources)
    return other


def _get(c: TestClient, url: str, **params: Any) -> Any:
    response = c.get(url, params=params) if params else c.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def _listed(c: TestClient) -> list[str]:
    return [x["id"] for x in _get(c, "/ogc/collections")["collections"]]


def _shape(feature: dict[str, Any]) -> shapely.Geometry:
    return shapely.geometry.shape(feature["geometry"])


def _same(a: shapely.Geometry, b: shapely.Geometry) -> bool:
    return bool(shapely.symmetric_difference(a, b).area < 1e-6 * b.area)


def _check(c: TestClient, documented: Documented, path: str, url: str) -> dict[str, Any]:
    response = c.get(url)
    assert response.status_code == 200, response.text
    documented.check(path, "get", response)
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture()
def demo(tasking_client: TestClient) -> list[dict[str, Any]]:
    """The demo's two problems, as the analyst sees them on /api/v1/problems."""
    app: Any = tasking_client.app
    analyst = _client(tasking_client, "analyst")
    assert _listed(analyst)[-1] != "problems" and _get(analyst, ITEMS)["numberMatched"] == 0  # none yet
    opened = open_demo_problems(app.state.con, app.state.tasking)
    return [_get(analyst, f"/api/v1/problems/{p['id']}") for p in sorted(opened, key=lambda p: p["id"])]


@pytest.fixture()
def documented(tasking_client: TestClient) -> Documented:
    return Documented(_get(tasking_client, "/openapi.json"))


def test_analysts_see_every_problem_area(
    tasking_client: TestClient, demo: list[dict[str, Any]], documented: Documented
) -> None:
    analyst = _client(tasking_client, "analyst")
    assert _listed(analyst)[-1] == "problems"
    body = _check(analyst, documented, ITEMS, ITEMS)
    assert body["numberMatched"] == body["numberReturned"] == 2
    features = body["features"]
    assert [f["id"] for f in features] == [p["id"] for p in demo]
    for feature, problem in zip(features, demo, strict=True):
        props = feature["properties"]
        assert set(props) == KEYS
        assert props["title"] == problem["title"] and props["owner"] == problem["owner"]
        assert (props["status"], props["category_group"]) == ("assessment", "asb")
        assert props["wards"] == "; ".join(n["name"] for n in problem["area"]["names"])
        assert props["opened"] == problem["opened"] and props["closed"] is None
        assert (props["actions_due"], props["actions_overdue"], props["actions_done"]) == (0, 0, 1)
    # the cell problem is its hexagon; the ward problem is the ward's boundary, as /api/v1/wards draws it
    cells, wards = demo
    cell = int(cells["area"]["value"][0], 16)
    assert _same(_shape(features[0]), cell_polygons(np.array([cell], dtype=np.uint64))[0])
    ward_layer = _get(analyst, "/api/v1/wards")["features"]
    ward = next(f for f in ward_layer if f["id"] == wards["area"]["value"][0])
    assert _same(_shape(features[1]), _shape(ward))
    item = _check(analyst, documented, f"{ITEMS}/{{featureId}}", f"{ITEMS}/{cells['id']}")
    assert {k: v for k, v in item.items() if k != "links"} == features[0]


def test_a_drawn_polygon_and_the_actions_counted_by_status(
    tasking_client: TestClient, demo: list[dict[str, Any]]
) -> None:
    analyst = _client(tasking_client, "analyst")
    ring = [[-1.24, 54.57], [-1.22, 54.57], [-1.22, 54.58], [-1.24, 54.58], [-1.24, 54.57]]
    body = {
        "title": "Drawn area",
        "owner": "CSP analyst team",
        "baseline_from": "2025-01",
        "baseline_to": "2025-06",
        "area": {"polygon": {"type": "Polygon", "coordinates": [ring]}},
    }
    created = analyst.post("/api/v1/problems", json=body)
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    today = date.today()
    for start, due, progress in (
        (today - timedelta(days=60), today - timedelta(days=1), "in progress"),  # overdue
        (today, today + timedelta(days=30), "planned"),  # due
        (today - timedelta(days=10), today + timedelta(days=30), "in progress"),  # due
        (today - timedelta(days=90), today - timedelta(days=30), "done"),  # done
    ):
        action = {"what": "x", "owner_agency": "police", "measure": "y", "progress": progress}
        action |= {"start": start.isoformat(), "due": due.isoformat()}
        assert analyst.post(f"/api/v1/problems/{pid}/actions", json=action).status_code == 201
    feature = _get(analyst, f"{ITEMS}/{pid}")
    assert _same(_shape(feature), shapely.Polygon(ring))
    props = feature["properties"]
    assert (props["actions_due"], props["actions_overdue"], props["actions_done"]) == (2, 1, 1)
    # no published progress note: the public do not see it, and its item is a 404 like a problem that is not there
    public = _client(tasking_client, "public")
    assert [f["id"] for f in _get(public, ITEMS)["features"]] == [p["id"] for p in demo]
    hidden, missing = public.get(f"{ITEMS}/{pid}"), public.get(f"{ITEMS}/{pid + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(str(pid), "N") == missing.json()["detail"].replace(str(pid + 1000), "N")


def test_a_partner_sees_the_problems_it_is_party_to(
    tasking_client: TestClient, demo: list[dict[str, Any]], documented: Documented
) -> None:
    cells, wards = demo
    police = _client(tasking_client, "partner", ("police",))  # named on the cell problem only
    assert _listed(police)[-1] == "problems"
    body = _check(police, documented, ITEMS, ITEMS)
    assert [f["id"] for f in body["features"]] == [cells["id"]]
    analyst_view = _get(_client(tasking_client, "analyst"), f"{ITEMS}/{cells['id']}")
    assert body["features"][0] == {k: v for k, v in analyst_view.items() if k != "links"}
    assert police.get(f"{ITEMS}/{wards['id']}").status_code == 404
    listed = _get(police, "/api/v1/problems")["problems"]
    assert [p["id"] for p in listed] == [cells["id"]]
    # a partner party to none: the collection is not listed, and is empty when asked for
    other = _client(tasking_client, "partner", ("council",))
    assert "problems" not in _listed(other)
    assert _get(other, ITEMS)["numberMatched"] == 0 and _get(other, "/api/v1/problems")["count"] == 0
    assert _get(other, "/ogc/collections/problems")["id"] == "problems"
    assert other.get(f"{ITEMS}/{cells['id']}").status_code == 404


def test_a_councillor_sees_the_problems_in_their_wards_drawn_as_the_wards(
    tasking_client: TestClient, demo: list[dict[str, Any]], documented: Documented
) -> None:
    cells, wards = demo
    councillor = _client(tasking_client, "councillor")
    assert "problems" not in _listed(councillor) and _get(councillor, ITEMS)["features"] == []
    assert councillor.get(f"{ITEMS}/{cells['id']}").status_code == 404
    app: Any = tasking_client.app
    token_id = app.state.access.by_token(councillor.headers["Authorization"].split()[1]).token_id
    codes = [n["code"] for n in cells["area"]["names"]]
    app.state.tasking.set_councillor_wards(token_id, codes, ("t", "analyst"))
    assert _listed(councillor)[-1] == "problems"
    body = _check(councillor, documented, ITEMS, ITEMS)
    assert [f["id"] for f in body["features"]] == [p["id"] for p in _get(councillor, "/api/v1/problems")["problems"]]
    assert [f["id"] for f in body["features"]] == [cells["id"]]
    feature = body["features"][0]
    assert set(feature["properties"]) == KEYS and feature["properties"]["title"] == cells["title"]
    # not the hexagon of the area, which a councillor's summary does not give, but the ward it lies in
    ward_layer = _get(councillor, "/api/v1/wards")["features"]
    outline = shapely.union_all([_shape(f) for f in ward_layer if f["id"] in codes])
    assert _same(_shape(feature), outline)
    hexagon = cell_polygons(np.array([int(cells["area"]["value"][0], 16)], dtype=np.uint64))[0]
    assert _shape(feature).area > 10 * hexagon.area
    assert councillor.get(f"{ITEMS}/{wards['id']}").status_code == 404


def test_the_public_see_published_problems_without_title_owner_or_counts(
    tasking_client: TestClient, demo: list[dict[str, Any]], documented: Documented
) -> None:
    public = _client(tasking_client, "public")
    assert _listed(public)[-1] == "problems"
    body = _check(public, documented, ITEMS, ITEMS)
    assert [f["id"] for f in body["features"]] == [p["id"] for p in demo]
    for feature, problem in zip(body["features"], demo, strict=True):
        assert set(feature["properties"]) == PUBLIC_KEYS
        assert problem["title"] not in str(feature)
        codes = {n["code"] for n in problem["area"]["names"]}
        ward_layer = _get(public, "/api/v1/wards")["features"]
        assert _same(_shape(feature), shapely.union_all([_shape(f) for f in ward_layer if f["id"] in codes]))
    _check(public, documented, f"{ITEMS}/{{featureId}}", f"{ITEMS}/{demo[0]['id']}")


def test_pages_and_bbox(tasking_client: TestClient, demo: list[dict[str, Any]]) -> None:
    analyst = _client(tasking_client, "analyst")
    first = _get(analyst, ITEMS, limit=1)
    assert first["numberMatched"] == 2 and [f["id"] for f in first["features"]] == [demo[0]["id"]]
    following = next(link["href"] for link in first["links"] if link["rel"] == "next")
    second = _get(analyst, following)
    assert [f["id"] for f in second["features"]] == [demo[1]["id"]]
    assert not any(link["rel"] == "next" for link in second["links"])
    minx, miny, maxx, maxy = shapely.geometry.shape(first["features"][0]["geometry"]).bounds
    near = _get(analyst, ITEMS, bbox=f"{minx},{miny},{maxx},{maxy}")
    assert demo[0]["id"] in [f["id"] for f in near["features"]]
    assert _get(analyst, ITEMS, bbox="100,10,101,11")["numberMatched"] == 0
    assert analyst.get(ITEMS, params={"bbox": "1,2,3"}).status_code == 400
    assert analyst.get(ITEMS, params={"nonsense": "1"}).status_code == 400
    assert analyst.get(f"{ITEMS}/not-a-number").status_code == 404


def test_a_tasking_database_that_cannot_be_read_leaves_the_other_collections_listed(
    tasking_client: TestClient, demo: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyst = _client(tasking_client, "analyst")
    assert _listed(analyst)[-1] == "problems"
    app: Any = tasking_client.app
    monkeypatch.setattr(app.state.tasking, "engine", sa.create_engine(f"sqlite:///{tmp_path / 'none' / 'x.sqlite'}"))
    listed = _listed(analyst)
    assert "problems" not in listed and "wards" in listed
    assert analyst.get(ITEMS).status_code == analyst.get("/api/v1/problems").status_code == 503


def test_the_models_keep_their_names_in_the_api_definition(tasking_client: TestClient) -> None:
    """Two models of one name would both be renamed after their modules (the errors' `ProblemItem` among them)."""
    schemas = _get(tasking_client, "/openapi.json")["components"]["schemas"]
    assert {"Problem", "ProblemItem", "ProblemAreaItems", "ProblemAreaItem"} <= set(schemas)
    assert not [name for name in schemas if name.startswith("api__")]
