"""Attacks on cases (special category data): a partner outside the case, a councillor, the public, guessed ids,
exports, the OGC and tile routes must learn nothing of a case, not even that it exists or how many there are; a
partner party to a case works on it within its limits; on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.cases.test_cases import CASE, client, open_case

STEP = {"step": "warning letter", "issued": "2025-04-01", "agency": "housing"}
ACTION = {"what": "x", "owner_agency": "housing", "start": "2025-04-01", "due": "2025-05-01", "measure": "y"}


def _case_routes(cid: int) -> list[tuple[str, str, dict[str, object] | None]]:
    """Every case route with the case's id, as (method, path, body)."""
    return [
        ("GET", "/api/v1/cases", None),
        ("GET", "/api/v1/cases/settings", None),
        ("POST", "/api/v1/cases", CASE),
        ("GET", f"/api/v1/cases/{cid}", None),
        ("PATCH", f"/api/v1/cases/{cid}", {"summary": "x"}),
        ("DELETE", f"/api/v1/cases/{cid}", None),
        ("POST", f"/api/v1/cases/{cid}/incidents", {"feed": "x", "ref": "y"}),
        ("DELETE", f"/api/v1/cases/{cid}/incidents/1", None),
        ("POST", f"/api/v1/cases/{cid}/links", {"refs": []}),
        ("POST", f"/api/v1/cases/{cid}/risk", {"answers": {"repeat": "yes"}}),
        ("POST", f"/api/v1/cases/{cid}/interventions", STEP),
        ("PATCH", f"/api/v1/cases/{cid}/interventions/1", {"outcome": "complied"}),
        ("POST", f"/api/v1/cases/{cid}/actions", ACTION),
        ("PATCH", f"/api/v1/cases/{cid}/actions/1", {"progress": "done"}),
        ("GET", f"/api/v1/cases/{cid}/audit", None),
        ("GET", f"/api/v1/cases/{cid}/subject-access", None),
        ("GET", "/api/v1/repeat-victims", None),
        ("POST", "/api/v1/repeat-victims/scan", None),
        ("PATCH", "/api/v1/repeat-victims/1", {"status": "dismissed"}),
        ("GET", "/cases", None),
        ("GET", f"/cases/{cid}", None),
    ]


def _call(c: TestClient, method: str, path: str, body: dict[str, object] | None) -> object:
    return c.request(method, path, json=body) if body is not None else c.request(method, path)


def test_councillors_and_the_public_are_refused_every_case_route(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    case = open_case(analyst)
    councillor, public = client(tasking_client, "councillor"), client(tasking_client, "public")
    for method, path, body in _case_routes(case["id"]):
        assert _call(councillor, method, path, body).status_code == 403, (method, path)  # type: ignore[attr-defined]
        assert _call(public, method, path, body).status_code == 401, (method, path)  # type: ignore[attr-defined]
    # nothing was written by the refused calls: one case, as opened, and no reads by either
    assert analyst.get("/api/v1/cases").json()["count"] == 1
    audit = analyst.get(f"/api/v1/cases/{case['id']}/audit").json()["audit"]
    assert {a["role"] for a in audit} == {"analyst"}


def test_a_partner_outside_the_case_cannot_tell_it_from_no_case(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    ids = [open_case(analyst)["id"], open_case(analyst, owner_agency="police", agencies=[])["id"]]
    outsider = client(tasking_client, "partner", ("warden",))
    assert outsider.get("/api/v1/cases").json() == {"cases": [], "count": 0}
    assert "No cases to show" in outsider.get("/cases").text
    nothing = 2**31 - 1
    for cid in [*ids, nothing]:  # guessed ids: a case held and one not held answer alike
        for method, path, body in _case_routes(cid):
            if path in ("/api/v1/cases", "/api/v1/cases/settings", "/cases", "/api/v1/repeat-victims/scan"):
                continue
            answer = _call(outsider, method, path, body)
            analysts_only = path.endswith(("/audit", "/subject-access", "/links")) or "repeat-victims" in path
            expected = 403 if analysts_only else 404
            assert answer.status_code == expected, (method, path, answer.text)  # type: ignore[attr-defined]
            if expected == 404:
                assert answer.json()["detail"] in (f"no case {cid}",), answer.text  # type: ignore[attr-defined]
    # it may not open a case for another agency, which would put a person's record where it has no part
    assert outsider.post("/api/v1/cases", json=CASE).status_code == 403
    assert analyst.get("/api/v1/cases").json()["count"] == 2


def test_a_party_agency_works_on_its_case_within_its_limits(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    cid = open_case(analyst)["id"]
    other = open_case(analyst, owner_agency="council", agencies=[])["id"]
    police = client(tasking_client, "partner", ("police",))  # named among the case's agencies
    listed = police.get("/api/v1/cases").json()
    assert [c["id"] for c in listed["cases"]] == [cid]
    assert police.get(f"/api/v1/cases/{other}").status_code == 404
    assert police.patch(f"/api/v1/cases/{cid}", json={"summary": "Visited"}).json()["summary"] == "Visited"
    for change in ({"subject_name": "x"}, {"agencies": ["police", "warden"]}, {"owner_agency": "police"}):
        assert police.patch(f"/api/v1/cases/{cid}", json=change).status_code == 403
    assert police.post(f"/api/v1/cases/{cid}/interventions", json={**STEP, "agency": "police"}).status_code == 201
    assert police.post(f"/api/v1/cases/{cid}/risk", json={"answers": {"threats": "yes"}}).status_code == 201
    assert police.request("DELETE", f"/api/v1/cases/{cid}").status_code == 403  # erasure is the analyst's
    assert police.post(f"/api/v1/cases/{cid}/links", json={"refs": []}).status_code == 403  # reads every feed
    own = police.post("/api/v1/cases", json={**CASE, "owner_agency": "police", "agencies": []})
    assert own.status_code == 201 and own.json()["owner_agency"] == "police"
    shared = police.post("/api/v1/cases", json={**CASE, "owner_agency": "police", "agencies": ["warden"]})
    assert shared.status_code == 403  # only an analyst brings other agencies into a case


def test_no_map_ogc_tile_problem_or_status_route_tells_of_cases(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    cid = open_case(analyst)["id"]
    analyst.post(f"/api/v1/cases/{cid}/links", json={"refs": [], "since": "2025-01-01"})
    secrets = (CASE["subject_name"], CASE["reference"], CASE["uprn"], "HSG-1")
    routes = [
        "/",
        "/healthz",
        "/ogc",
        "/ogc/collections",
        "/ogc/collections/cases",
        "/ogc/collections/cases/items",
        "/ogc/collections/problems/items",
        "/ogc/collections/wards/items?limit=10",
        "/tiles/cases.json",
        "/tiles/wards.json",
        "/api/v1/problems",
        "/problems",
        "/api/v1/wards",
        "/api/v1/incidents?limit=5",
        "/api/v1/incidents?limit=5&format=csv",
    ]
    for role, sources in (("councillor", ()), ("public", ()), ("partner", ("warden",)), ("analyst", ())):
        c = client(tasking_client, role, sources)
        for route in routes:
            answer = c.get(route)
            assert not any(s in answer.text for s in secrets if s), (role, route)
            if "cases" in route:
                assert answer.status_code in (404, 422), (role, route, answer.status_code)
        assert ('href="/cases"' in c.get("/").text) == (role in ("analyst", "partner"))  # the map links to cases
        collections = c.get("/ogc/collections").json()["collections"]
        assert not [x for x in collections if "case" in x["id"] or "victim" in x["id"]]
