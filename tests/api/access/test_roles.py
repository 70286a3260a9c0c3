"""Who sees what: every cell of the docs' route-by-role table (docs/who-sees-what.md), checked against the policy
and real requests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.access.policy import POLICY, Grant
from api.access.principals import Role
from api.http.app import create_app
from api.http.routers.docs import PAGES
from api.settings import Settings
from tests.conftest import sign_in

WHO_SEES_WHAT = Path(__file__).resolve().parents[3] / "docs" / "who-sees-what.md"
CELLS = {
    "full": Grant.FULL,
    "own sources; others disclosure-controlled": Grant.OWN,
    "own sources only": Grant.OWN_ONLY,
    "disclosure-controlled": Grant.DISCLOSED,
    "status only": Grant.STATUS,
    "problems it is party to": Grant.PARTY,
    "summary in their wards, no counts": Grant.WARDS,
    "published progress notes only": Grant.NOTES,
    "cases it is party to": Grant.CASE,
    "no": Grant.DENIED,
}
ROLES = [Role.ANALYST, Role.PARTNER, Role.COUNCILLOR, Role.PUBLIC]
PARTNER_SOURCES = ("warden",)
OTHER_SOURCE = "police"
PARAMS: dict[str, dict[str, Any]] = {
    "/": {},
    "/api/v1/wards": {},
    "/api/v1/hexes": {"res": 8},
    "/api/v1/trends": {"lad": "E06000002"},
    "/api/v1/trends/movers": {"from": "2025-10", "to": "2025-12"},
    "/api/v1/hotspots": {"res": 8, "top": 5},
    "/api/v1/hotspots/gi": {"force": "cleveland", "res": 8},
    "/api/v1/hotspots/emerging": {"force": "cleveland", "res": 8},
    "/api/v1/hotspots/calibration": {"force": "cleveland", "res": 8, "draws": 2},
    "/api/v1/hotspots/emerging/calibration": {"force": "cleveland", "res": 8, "draws": 1},
    "/api/v1/patrol-plan": {"force": "cleveland", "cells": 5},
    "/api/v1/concentration": {"force": "cleveland", "draws": 5},
    "/api/v1/repeat-places": {"force": "cleveland", "top": 5},
    "/api/v1/near-repeat": {"force": "cleveland", "permutations": 5},
    "/api/v1/facility-risk": {"force": "cleveland"},
    "/api/v1/facility-lists": {},
    "/api/v1/evaluate": {"force": "cleveland", "train": "2025-01:2025-09", "test": "2025-10:2025-12"},
    "/api/v1/sources": {},
    "/sources": {},
    "/api/v1/incidents": {"limit": 5},
    "/api/v1/incidents/{incident_id}": {},
    "/healthz": {},
    "/login": {},
    "/docs": {},
    "/redoc": {},
    "/ogc/collections/wards/items": {"limit": 10000},
    "/ogc/collections/hexagons-8/items": {"limit": 10000},
    "/ogc/collections/hotspots/items": {"force": "cleveland", "res": 8},
    "/ogc/collections/patrol-plan/items": {"force": "cleveland", "cells": 5},
    "/ogc/collections/concentration/items": {"force": "cleveland", "draws": 5},
    "/ogc/collections/repeat-places/items": {"force": "cleveland", "top": 5},
    "/ogc/collections/near-repeat/items": {"force": "cleveland", "permutations": 5},
    "/ogc/collections/risky-facilities/items": {"force": "cleveland"},
    "/ogc/collections/incidents/items": {"limit": 5},
    "/ogc/collections/incidents/items/{featureId}": {},
}
FEATURE_LAYERS = (
    "/api/v1/wards",
    "/api/v1/hexes",
    "/ogc/collections/wards/items",
    "/ogc/collections/hexagons-8/items",
)


def readme_table() -> dict[str, dict[Role, Grant]]:
    """The route-by-role table of docs/who-sees-what.md: route -> role -> grant."""
    table: dict[str, dict[Role, Grant]] = {}
    for line in WHO_SEES_WHAT.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| `([^`]+)`(?: \([a-z ]+\))? \| (.+) \|$", line)
        if m:
            cells = [c.strip() for c in m.group(2).split(" | ")]
            table[m.group(1)] = {role: CELLS[c] for role, c in zip(ROLES, cells, strict=True)}
    return table


@pytest.fixture(scope="module")
def app_client(demo_store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=demo_store))) as c:
        yield c


@pytest.fixture(scope="module")
def clients(app_client: TestClient) -> dict[Role, TestClient]:
    """One client per role over the same running app (the partner's agreement covers the warden feed)."""
    out = {}
    for role in ROLES:
        c = TestClient(app_client.app)
        if role != Role.PUBLIC:
            sign_in(c, role.value, PARTNER_SOURCES if role == Role.PARTNER else ())
        out[role] = c
    return out


@pytest.fixture(scope="module")
def warden_incident(clients: dict[Role, TestClient]) -> str:
    body = clients[Role.ANALYST].get("/api/v1/incidents", params={"source": "warden", "limit": 1}).json()
    return str(body["features"][0]["id"])


def test_the_readme_table_is_the_enforced_policy() -> None:
    assert readme_table() == POLICY


def test_every_route_of_the_app_is_in_the_policy(app_client: TestClient) -> None:
    paths = set(app_client.app.openapi()["paths"])  # type: ignore[attr-defined]
    assert paths | set(PAGES) == set(POLICY)


def _get(c: TestClient, path: str, incident: str, **extra: Any) -> Any:
    url = path.replace("{incident_id}", incident).replace("{featureId}", incident)
    return c.get(url, params={**PARAMS[path], **extra})


def _counts(path: str, response: Any) -> list[int | None]:
    """The published counts a route returns."""
    body = response.json()
    if path in FEATURE_LAYERS:
        return [f["properties"]["count"] for f in body["features"]]
    if path == "/api/v1/trends":
        return [s["count"] for s in body["series"]] + [body["total"], body["previous_total"]]
    if path == "/api/v1/trends/movers":
        return [m[k] for m in body["rising"] + body["falling"] for k in ("count", "previous_count")]
    raise AssertionError(path)


def _assert_disclosed(path: str, response: Any) -> None:
    assert response.status_code == 200, response.text
    if path == "/":
        assert "counts under 10 are not shown" in response.text and "Gi* hot and cold" not in response.text
        return
    counts = _counts(path, response)
    assert counts and all(c is None or (c >= 10 and c % 5 == 0) for c in counts)
    assert response.json()["filters"]["disclosure"]["suppressed_below"] == 10


def _assert_exact(path: str, response: Any, reference: Any, table: str | None = None) -> None:
    assert response.status_code == 200, response.text
    if path == "/":
        assert "counts under 10 are not shown" not in response.text
        return
    if path in (*FEATURE_LAYERS, "/api/v1/trends", "/api/v1/trends/movers"):
        assert _counts(path, response) == _counts(path, reference)
        disclosure = response.json()["filters"]["disclosure"]
        assert (disclosure or {}).get("table") == table


def _assert_published(c: TestClient, path: str, incident: str, analyst: TestClient) -> None:
    """Below analyst: police.uk open data as it is (the default), council records under disclosure control."""
    police = _get(analyst, path, incident, source=OTHER_SOURCE, dedupe="false")
    _assert_exact(path, _get(c, path, incident, source=OTHER_SOURCE), police, "open")
    _assert_disclosed(path, _get(c, path, incident, source="council"))


@pytest.mark.parametrize("path", sorted(PARAMS))
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_each_role_gets_what_the_table_says(
    clients: dict[Role, TestClient], warden_incident: str, path: str, role: Role
) -> None:
    grant = POLICY[path][role]
    c = clients[role]
    analyst = clients[Role.ANALYST]
    if grant == Grant.DENIED:
        response = _get(c, path, warden_incident)
        assert response.status_code == (401 if role == Role.PUBLIC else 403)
    elif grant == Grant.FULL:
        _assert_exact(path, _get(c, path, warden_incident), _get(analyst, path, warden_incident))
    elif grant == Grant.DISCLOSED:
        police = _get(analyst, path, warden_incident, source=OTHER_SOURCE, dedupe="false")
        _assert_exact(path, _get(c, path, warden_incident), police, "open")
        _assert_published(c, path, warden_incident, analyst)
    elif grant == Grant.STATUS:
        response = _get(c, path, warden_incident)
        assert response.status_code == 200 and set(response.json()) == {"status", "problems"}, response.text
    else:  # a partner: its own sources by default and exact; another source disclosure-controlled or refused
        own = _get(c, path, warden_incident)
        assert own.status_code == 200, own.text
        # exact, and without de-duplication (which leans on links to other agencies' records)
        reference = _get(analyst, path, warden_incident, source=list(PARTNER_SOURCES), dedupe="false")
        _assert_exact(path, own, reference)
        if grant == Grant.OWN:
            _assert_published(c, path, warden_incident, analyst)
        else:
            assert _get(c, path, warden_incident, source=OTHER_SOURCE).status_code == 403


def test_a_partner_sees_only_rows_of_its_sources(clients: dict[Role, TestClient], warden_incident: str) -> None:
    partner = clients[Role.PARTNER]
    rows = partner.get("/api/v1/incidents", params={"limit": 200, "dedupe": "false"}).json()["features"]
    assert rows and {r["properties"]["source"] for r in rows} == {"warden"}
    report = partner.get("/api/v1/sources").json()
    assert [f["feed"] for f in report["feeds"]] == ["cleveland-wardens"]
    # a record other agencies also hold is shown to the partner as if nothing were linked to it: no other agency's
    # record, id, distance, time apart or count of them
    params = {"source": "warden", "dedupe": "false", "limit": 2000}
    analyst = clients[Role.ANALYST]
    linked = analyst.get("/api/v1/incidents", params=params).json()["features"]
    member = next(
        f
        for f in linked
        if f["properties"]["linked_group"] and f["properties"]["linked_group"] != f["id"]  # its primary is not warden's
    )
    full = analyst.get(f"/api/v1/incidents/{member['id']}").json()
    others = {f["id"] for f in full["features"]} - {member["id"]}
    assert full["linked_records"] >= 1 and others
    response = partner.get(f"/api/v1/incidents/{member['id']}")
    group = response.json()
    assert [f["id"] for f in group["features"]] == [member["id"]] and group["linked_records"] == 0
    props = group["features"][0]["properties"]
    assert props["linked_group"] is None and props["distance_m"] is None and props["hours_apart"] is None
    assert not any(other in response.text for other in others)
    listed = partner.get("/api/v1/incidents", params={"limit": 2000}).json()["features"]
    assert all(f["properties"]["linked_group"] is None for f in listed)


def test_a_partner_counts_all_its_records_whatever_other_agencies_hold(
    clients: dict[Role, TestClient],
) -> None:
    partner, analyst = clients[Role.PARTNER], clients[Role.ANALYST]
    ward_counts = {}
    for dedupe in ("true", "false"):
        fc = partner.get("/api/v1/wards", params={"dedupe": dedupe}).json()
        assert fc["filters"]["dedupe"] is False
        ward_counts[dedupe] = {f["id"]: f["properties"]["count"] for f in fc["features"]}
    assert ward_counts["true"] == ward_counts["false"]  # no difference to read linked records from
    everything = analyst.get("/api/v1/incidents", params={"source": "warden", "dedupe": "false", "limit": 5000})
    own = partner.get("/api/v1/incidents", params={"limit": 5000})  # the partner's default list: every record
    assert len(own.json()["features"]) == len(everything.json()["features"]) > 0


def test_disclosure_control_caps_hexagon_resolution(clients: dict[Role, TestClient]) -> None:
    public = clients[Role.PUBLIC]
    assert public.get("/api/v1/hexes", params={"res": 9}).status_code == 422
    assert public.get("/api/v1/trends", params={"h3": "891946558c3ffff"}).status_code == 422
    assert clients[Role.ANALYST].get("/api/v1/hexes", params={"res": 9}).status_code == 200
