"""OGC API - Features at /ogc: each collection serves its /api/v1 route's features, with that route's grant, filters
and disclosure control, a page at a time; `datetime` is whole months; parameters the standard does not know are 400."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely
from fastapi.testclient import TestClient

from api.access.policy import OGC_COLLECTIONS, POLICY
from api.access.principals import Role
from api.http.app import create_app
from api.services.ogc import COLLECTIONS, CONFORMANCE
from api.settings import Settings
from tests.conftest import sign_in

AGGREGATE_COLLECTIONS = ["wards", "hexagons-6", "hexagons-7", "hexagons-8"]
PARTNER_COLLECTIONS = [
    *AGGREGATE_COLLECTIONS,
    "hotspots",
    "patrol-plan",
    "concentration",
    "repeat-places",
    "near-repeat",
    "incidents",
]
# the collections for analysts alone (patrol delivery, risky facilities) come before the incidents
ALL_COLLECTIONS = [*PARTNER_COLLECTIONS[:-1], "patrol-delivery", "risky-facilities", "incidents"]


@pytest.fixture(scope="module")
def clients(demo_store: Path) -> Iterator[dict[Role, TestClient]]:
    with TestClient(create_app(Settings(store=demo_store))) as analyst:
        sign_in(analyst)
        out = {Role.ANALYST: analyst}
        for role in (Role.PARTNER, Role.COUNCILLOR, Role.PUBLIC):
            c = TestClient(analyst.app)
            if role != Role.PUBLIC:
                sign_in(c, role.value, ("warden",) if role == Role.PARTNER else ())
            out[role] = c
        yield out


def _get(c: TestClient, url: str, **params: Any) -> Any:
    response = c.get(url, params=params) if params else c.get(url)  # a link's own query string, as it is
    assert response.status_code == 200, response.text
    return response.json()


def _link(body: dict[str, Any], rel: str) -> str | None:
    return next((link["href"] for link in body["links"] if link["rel"] == rel), None)


def _all_pages(c: TestClient, url: str, **params: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every feature, following `next` links from the first page; and every page."""
    pages = [_get(c, url, **params)]
    while (following := _link(pages[-1], "next")) is not None:
        pages.append(_get(c, following))
        assert len(pages) < 500
    return [f for p in pages for f in p["features"]], pages


def _strip(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in f.items() if k != "links"} for f in features]


def test_the_landing_page_links_the_conformance_classes_and_the_collections(clients: dict[Role, TestClient]) -> None:
    public = clients[Role.PUBLIC]
    landing = _get(public, "/ogc")
    rels = {link["rel"]: link["href"] for link in landing["links"]}
    assert rels["conformance"].endswith("/ogc/conformance") and rels["data"].endswith("/ogc/collections")
    assert rels["service-desc"].endswith("/openapi.json") and rels["self"].endswith("/ogc")
    conformance = _get(public, "/ogc/conformance")["conformsTo"]
    assert conformance == CONFORMANCE
    assert any(c.endswith("/conf/core") for c in conformance) and any(c.endswith("/conf/geojson") for c in conformance)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ANALYST, ALL_COLLECTIONS),
        (Role.PARTNER, PARTNER_COLLECTIONS),
        (Role.COUNCILLOR, AGGREGATE_COLLECTIONS),
        (Role.PUBLIC, AGGREGATE_COLLECTIONS),
    ],
    ids=lambda v: v.value if isinstance(v, Role) else "",
)
def test_each_role_is_listed_the_collections_it_may_read(
    clients: dict[Role, TestClient], role: Role, expected: list[str]
) -> None:
    listed = _get(clients[role], "/ogc/collections")["collections"]
    assert [c["id"] for c in listed] == expected
    for c in listed:
        assert c["itemType"] == "feature" and c["crs"] == ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]
        minlon, minlat, maxlon, maxlat = c["extent"]["spatial"]["bbox"][0]
        assert minlon < -1.2 < maxlon and minlat < 54.6 < maxlat  # Cleveland lies inside
        assert c["extent"]["temporal"]["interval"] == [["2025-01-01T00:00:00Z", "2025-12-31T23:59:59Z"]]
        assert {link["rel"] for link in c["links"]} == {"self", "items"}
        assert _get(clients[role], f"/ogc/collections/{c['id']}") == c


def test_every_route_of_a_collection_has_the_grant_of_the_api_route_it_serves(
    clients: dict[Role, TestClient],
) -> None:
    # problems: listed only to a caller who may see one (tests/api/tasking/test_ogc_problems.py); none here
    assert [c.id for c in COLLECTIONS] == list(OGC_COLLECTIONS) == [*ALL_COLLECTIONS, "problems"]
    paths = set(clients[Role.PUBLIC].get("/openapi.json").json()["paths"])
    for collection, route in OGC_COLLECTIONS.items():
        for tail in ("", "/items", "/items/{featureId}"):
            path = f"/ogc/collections/{collection}{tail}"
            assert path in paths and POLICY[path] == POLICY[route], path
    assert POLICY["/ogc/collections/incidents/items/{featureId}"] == POLICY["/api/v1/incidents/{incident_id}"]


@pytest.mark.parametrize(
    ("collection", "url", "params", "limit"),
    [
        ("wards", "/api/v1/wards", {}, 100),
        ("hexagons-6", "/api/v1/hexes", {"res": 6}, 7),
        ("hexagons-7", "/api/v1/hexes", {"res": 7}, 30),
        ("hexagons-8", "/api/v1/hexes", {"res": 8}, 100),
        ("hotspots", "/api/v1/hotspots/gi", {"force": "cleveland"}, 30),
        ("patrol-plan", "/api/v1/patrol-plan", {"force": "cleveland", "cells": 20, "format": "geojson"}, 7),
        ("concentration", "/api/v1/concentration", {"force": "cleveland"}, 100),
        ("repeat-places", "/api/v1/repeat-places", {"force": "cleveland"}, 7),
    ],
)
@pytest.mark.parametrize("role", [Role.ANALYST, Role.PARTNER, Role.PUBLIC], ids=lambda r: r.value)
def test_every_page_together_is_the_api_layer(
    clients: dict[Role, TestClient], role: Role, collection: str, url: str, params: dict[str, Any], limit: int
) -> None:
    c = clients[role]
    reference = c.get(url, params=params)
    if POLICY[url][role].value == "denied":
        assert reference.status_code == 401
        assert c.get(f"/ogc/collections/{collection}/items").status_code == 401
        return
    layer = reference.json()
    ogc_params = {k: v for k, v in params.items() if k in ("force", "cells")}
    features, pages = _all_pages(c, f"/ogc/collections/{collection}/items", limit=limit, **ogc_params)
    assert features == layer["features"]
    assert len(pages) == max(-(-len(features) // limit), 1)
    for i, p in enumerate(pages):
        assert p["numberMatched"] == len(layer["features"]) and p["numberReturned"] == len(p["features"])
        assert p["filters"] == layer["filters"] and p["timeStamp"].endswith("Z")
        assert (_link(p, "prev") is None) == (i == 0)
        assert _link(p, "collection") == f"http://testserver/ogc/collections/{collection}"
    if len(pages) > 1:  # prev goes back a page
        assert _get(c, _link(pages[1], "prev"))["features"] == pages[0]["features"]  # type: ignore[arg-type]
    for feature in features[:3]:
        item = _get(c, f"/ogc/collections/{collection}/items/{feature['id']}", **ogc_params)
        assert _strip([item]) == [feature]
        assert str(_link(item, "self")).split("?")[0].endswith(f"/items/{feature['id']}")


def test_the_public_gets_the_published_tables_as_on_the_api(clients: dict[Role, TestClient]) -> None:
    public = clients[Role.PUBLIC]
    # police.uk open data by default, counted as published
    police = _get(public, "/ogc/collections/wards/items", limit=10000)
    assert police["features"] == _get(public, "/api/v1/wards")["features"]
    assert police["filters"]["disclosure"]["table"] == "open"
    # council records: a quarter, perturbed and suppressed as on /api/v1/hexes
    quarter = "2025-04-01T00:00:00Z/2025-06-30T23:59:59Z"
    council = _get(public, "/ogc/collections/hexagons-8/items", source="council", datetime=quarter, limit=10000)
    reference = _get(public, "/api/v1/hexes", res=8, source="council", **{"from": "2025-04", "to": "2025-06"})
    assert council["features"] == reference["features"] and council["features"]
    assert council["filters"]["disclosure"]["table"] == "council"
    assert all(f["properties"]["count"] >= 10 and f["properties"]["count"] % 5 == 0 for f in council["features"])
    # a period that is not a published table is refused, as a 400 here
    refused = public.get("/ogc/collections/wards/items", params={"source": "council", "datetime": "2025-04/2025-05"})
    assert refused.status_code == 400, refused.text
    assert (
        public.get("/ogc/collections/hexagons-8/items", params={"category": "noise", "source": "council"}).status_code
        == 400
    )


def test_datetime_counts_the_months_it_touches(clients: dict[Role, TestClient]) -> None:
    analyst = clients[Role.ANALYST]
    body = _get(analyst, "/ogc/collections/hexagons-7/items", datetime="2025-03-15T08:00:00Z/2025-05-01", limit=10000)
    assert (body["period"]["from"], body["period"]["to"]) == ("2025-03", "2025-05")
    assert body["features"] == _get(analyst, "/api/v1/hexes", res=7, **{"from": "2025-03", "to": "2025-05"})["features"]
    one = _get(analyst, "/ogc/collections/wards/items", datetime="2025-07-04", limit=1)
    assert one["period"] == {"from": "2025-07", "to": "2025-07"}
    open_end = _get(analyst, "/ogc/collections/wards/items", datetime="2025-10-01/..", limit=1)
    assert open_end["period"] == {"from": "2025-10", "to": "2025-12"}


def test_bbox_selects_the_features_it_touches(clients: dict[Role, TestClient]) -> None:
    analyst = clients[Role.ANALYST]
    box = (-1.30, 54.55, -1.20, 54.60)  # central Middlesbrough
    text = ",".join(map(str, box))
    wards = _get(analyst, "/ogc/collections/wards/items", bbox=text, limit=10000)
    every = _get(analyst, "/api/v1/wards")["features"]
    touched = [f for f in every if shapely.intersects(shapely.geometry.shape(f["geometry"]), shapely.box(*box))]
    assert wards["features"] == touched and 0 < wards["numberMatched"] == len(touched) < len(every)
    hexes = _get(analyst, "/ogc/collections/hexagons-8/items", bbox=text, limit=10000)
    assert hexes["features"] == _get(analyst, "/api/v1/hexes", res=8, bbox=text)["features"]
    # a client zoomed out to the whole world gets every feature (the /api/v1 routes refuse boxes that large)
    world = _get(analyst, "/ogc/collections/hexagons-6/items", bbox="-180,-90,180,90", limit=10000)
    assert world["features"] == _get(analyst, "/api/v1/hexes", res=6)["features"]
    assert _get(analyst, "/ogc/collections/hexagons-6/items", bbox="100,10,101,11")["numberMatched"] == 0


def test_limit_is_capped_not_refused(clients: dict[Role, TestClient]) -> None:
    body = _get(clients[Role.PUBLIC], "/ogc/collections/wards/items", limit=50000)
    assert body["numberReturned"] == body["numberMatched"] == len(body["features"]) <= 10000
    assert _link(body, "next") is None


@pytest.mark.parametrize(
    "params",
    [
        {"foo": "1"},
        {"from": "2025-01"},  # AIM's own period parameters are `datetime` here
        {"datetime": "2025-13-01"},
        {"datetime": "last week"},
        {"limit": "0"},
        {"offset": "-1"},
        {"bbox": "1,2,3"},
        {"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/27700", "bbox": "0,0,1,1"},
        {"f": "html"},
        {"category": "nonsense"},
        {"wards": "no-such-set"},
    ],
)
def test_an_unknown_or_invalid_parameter_is_a_400(clients: dict[Role, TestClient], params: dict[str, str]) -> None:
    response = clients[Role.ANALYST].get("/ogc/collections/wards/items", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["status"] == 400 and response.json()["detail"]


def test_parameters_of_other_collections_are_ignored(clients: dict[Role, TestClient]) -> None:
    """GDAL and QGIS send a dataset URL's query string with every request, to every collection."""
    analyst = clients[Role.ANALYST]
    query = {"datetime": "2025-06", "force": "cleveland", "cells": "5", "source": "police"}
    assert analyst.get("/ogc/collections", params=query).status_code == 200
    assert analyst.get("/ogc", params=query).status_code == 200
    wards = _get(analyst, "/ogc/collections/wards/items", limit=1, **query)
    assert wards["filters"]["source"] == ["police"] and wards["period"] == {"from": "2025-06", "to": "2025-06"}


def test_f_json_is_accepted_and_unknown_items_are_404(clients: dict[Role, TestClient]) -> None:
    analyst = clients[Role.ANALYST]
    assert analyst.get("/ogc/collections", params={"f": "json"}).status_code == 200
    assert analyst.get("/ogc/collections/wards/items", params={"f": "geojson", "limit": 1}).status_code == 200
    assert analyst.get("/ogc/collections/wards/items/E99999999").status_code == 404
    assert analyst.get("/ogc/collections/hexagons-8/items/not-a-cell").status_code == 404
    assert analyst.get("/ogc/collections/incidents/items/nothex").status_code == 404
    assert analyst.get("/ogc/collections/incidents/items/" + "0" * 32).status_code == 404
    assert analyst.get("/ogc/collections/nothing/items").status_code == 404


@pytest.mark.parametrize(("role", "status"), [(Role.PUBLIC, 401), (Role.COUNCILLOR, 403)], ids=["public", "councillor"])
def test_analysis_and_rows_are_refused_below_partner(clients: dict[Role, TestClient], role: Role, status: int) -> None:
    for collection in (
        "hotspots",
        "patrol-plan",
        "concentration",
        "repeat-places",
        "near-repeat",
        "patrol-delivery",
        "incidents",
    ):
        for tail in ("", "/items", "/items/89194654e33ffff"):
            assert clients[role].get(f"/ogc/collections/{collection}{tail}").status_code == status


def test_incident_pages_follow_cursors_both_ways_and_are_audited(clients: dict[Role, TestClient]) -> None:
    analyst = clients[Role.ANALYST]
    june = {"datetime": "2025-06-01/2025-06-30"}
    reference = _get(analyst, "/api/v1/incidents", limit=5000, **{"from": "2025-06", "to": "2025-06"})["features"]
    before = len(analyst.app.state.access.audit_log(limit=10000))  # type: ignore[attr-defined]
    features, pages = _all_pages(analyst, "/ogc/collections/incidents/items", limit=250, **june)
    assert features == reference and len(pages) == -(-len(reference) // 250) > 2
    assert all(p["numberMatched"] == len(reference) for p in pages)
    assert _link(pages[0], "prev") is None and _link(pages[-1], "next") is None
    back = _get(analyst, _link(pages[2], "prev"))  # type: ignore[arg-type]
    assert back["features"] == pages[1]["features"]
    assert _get(analyst, _link(back, "prev"))["features"] == pages[0]["features"]  # type: ignore[arg-type]
    assert _get(analyst, _link(back, "next"))["features"] == pages[2]["features"]  # type: ignore[arg-type]
    audit = analyst.app.state.access.audit_log(limit=10000)  # type: ignore[attr-defined]
    assert len(audit) - before == len(pages) + 3
    assert audit[-1 - before]["action"] == "GET /ogc/collections/incidents/items"
    one = features[0]
    item = _get(analyst, f"/ogc/collections/incidents/items/{one['id']}")
    assert _strip([item]) == [one]


def test_a_partner_reads_only_its_own_records(clients: dict[Role, TestClient]) -> None:
    partner, analyst = clients[Role.PARTNER], clients[Role.ANALYST]
    features, _ = _all_pages(partner, "/ogc/collections/incidents/items", limit=5000)
    reference = _get(analyst, "/api/v1/incidents", source="warden", dedupe="false", limit=5000)["features"]
    assert {f["properties"]["source"] for f in features} == {"warden"}
    assert [f["id"] for f in features] == [f["id"] for f in reference]
    assert all(f["properties"]["linked_group"] is None for f in features)
    linked = next(f for f in reference if f["properties"]["linked_group"])
    item = _get(partner, f"/ogc/collections/incidents/items/{linked['id']}")
    assert item["properties"]["linked_group"] is None
    police = _get(analyst, "/api/v1/incidents", source="police", limit=1)["features"][0]
    assert partner.get(f"/ogc/collections/incidents/items/{police['id']}").status_code == 404
    assert partner.get("/ogc/collections/incidents/items", params={"source": "police"}).status_code == 403
    assert partner.get("/ogc/collections/hotspots/items", params={"source": "police"}).status_code == 403
