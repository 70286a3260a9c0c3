"""Facility lists and risky facilities over HTTP: an analyst uploads a list (refused rows with line and reason) and
reads the statistic, its OGC collection and its layer on the map; every other role is refused each route, the
collection and the layer (default deny)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access.principals import Role
from api.http.app import create_app
from api.settings import Settings
from tests.conftest import sign_in

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "facilities" / "middlesbrough-licensed-premises-synthetic.csv"
ROUTES = [
    ("get", "/api/v1/facility-lists", {}),
    ("post", "/api/v1/facility-lists", {"kind": "licensed premises", "filename": SAMPLE.name}),
    ("get", "/api/v1/facility-risk", {"lad": "E06000002"}),
    ("get", "/ogc/collections/risky-facilities", {}),
    ("get", "/ogc/collections/risky-facilities/items", {"lad": "E06000002"}),
]
OTHERS = [Role.PARTNER, Role.COUNCILLOR, Role.PUBLIC]


@pytest.fixture(scope="module")
def clients(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Role, TestClient]]:
    path = tmp_path_factory.mktemp("facility-http") / "demo.duckdb"
    shutil.copyfile(demo_store, path)
    with TestClient(create_app(Settings(store=path, tile_url="none"))) as analyst:
        out = {Role.ANALYST: sign_in(analyst)}
        for role in OTHERS:
            c = TestClient(analyst.app)
            if role != Role.PUBLIC:
                sign_in(c, role.value, ("warden",) if role == Role.PARTNER else ())
            out[role] = c
        yield out  # type: ignore[misc]


def _call(c: TestClient, method: str, path: str, params: dict[str, str]) -> object:
    if method == "post":
        return c.post(path, params=params, content=SAMPLE.read_bytes(), headers={"Content-Type": "text/csv"})
    return c.get(path, params=params)


@pytest.mark.parametrize("role", OTHERS, ids=lambda r: r.value)
@pytest.mark.parametrize(("method", "path", "params"), ROUTES, ids=lambda v: v if isinstance(v, str) else "")
def test_every_other_role_is_refused(
    clients: dict[Role, TestClient], role: Role, method: str, path: str, params: dict[str, str]
) -> None:
    response = _call(clients[role], method, path, params)
    assert response.status_code == (401 if role == Role.PUBLIC else 403), response.text  # type: ignore[attr-defined]


def test_an_analyst_uploads_a_list_and_reads_the_statistic_and_its_collection(clients: dict[Role, TestClient]) -> None:
    analyst = clients[Role.ANALYST]
    before = analyst.get("/api/v1/facility-risk", params={"lad": "E06000002"})
    assert before.status_code == 200 and before.json()["held"] is False
    assert before.json()["warnings"] == ["no facility list held"]
    dry = _call(analyst, "post", ROUTES[1][1], {**ROUTES[1][2], "dry_run": "true"})
    assert dry.status_code == 200 and dry.json()["list_id"] == 0  # type: ignore[attr-defined]
    kept = analyst.post(
        "/api/v1/facility-lists",
        params={"kind": "licensed premises", "filename": SAMPLE.name, "size": "capacity", "name": "Pubs"},
        files={"file": (SAMPLE.name, SAMPLE.read_bytes(), "text/csv")},
    )
    assert kept.status_code == 200, kept.text
    body = kept.json()
    assert (body["list_id"], body["name"], body["facilities"], body["quarantined"]) == (1, "Pubs", 60, 2)
    assert [r["line"] for r in body["refused"]] == [62, 63] and body["source_file"] == SAMPLE.name
    assert analyst.get("/api/v1/facility-lists").json()["lists"][0]["kind"] == "licensed premises"
    layer = analyst.get("/api/v1/facility-risk", params={"lad": "E06000002"}).json()
    [figures] = layer["lists"]
    assert layer["held"] and figures["name"] == "Pubs" and figures["risky"] and figures["knee"]["count"] >= 0
    risky = [f for f in layer["features"] if f["properties"]["risky"]]
    assert len(risky) == len(figures["risky"])
    items = analyst.get("/ogc/collections/risky-facilities/items", params={"lad": "E06000002", "limit": 100})
    assert items.status_code == 200 and len(items.json()["features"]) == len(layer["features"])
    one = risky[0]["id"]
    item = analyst.get(f"/ogc/collections/risky-facilities/items/{one}", params={"lad": "E06000002"})
    assert item.status_code == 200 and item.json()["properties"]["name"] == risky[0]["properties"]["name"]


def test_a_file_without_locations_is_refused_whole(clients: dict[Role, TestClient]) -> None:
    response = clients[Role.ANALYST].post(
        "/api/v1/facility-lists", params={"kind": "shops"}, content=b"name,street\nA,High St\n"
    )
    assert response.status_code in (400, 422) and "longitude and latitude" in response.text


def test_the_analysts_map_draws_the_layer_and_a_partners_does_not(clients: dict[Role, TestClient]) -> None:
    analyst, partner = clients[Role.ANALYST], clients[Role.PARTNER]
    if not analyst.get("/api/v1/facility-lists").json()["lists"]:
        _call(analyst, "post", ROUTES[1][1], ROUTES[1][2])
    page = analyst.get("/", params={"lad": "E06000002"})
    assert page.status_code == 200 and "Risky facilities (kept lists)" in page.text
    assert "above the J-curve" in page.text
    other = partner.get("/", params={"lad": "E06000002"})
    assert other.status_code == 200 and "Risky facilities (kept lists)" not in other.text
