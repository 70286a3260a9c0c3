"""Attacks on Case Review applications (special category data, as cases): a partner outside the application, a
councillor, the public, guessed ids, exports, the OGC and tile routes learn nothing of one, not even that it exists;
an agency it was made to works on it; a subject access export holds a person's applications and erasure removes
them; retention does them as it does cases; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from api.services.case_retention import RetentionRule, apply_retention
from tests.api.case_reviews.test_case_reviews import APPLICATION, apply
from tests.api.cases.test_cases import client, open_case

SECRETS = (APPLICATION["applicant_name"], APPLICATION["reference"], APPLICATION["summary"])


def _routes(aid: int) -> list[tuple[str, str, dict[str, object] | None]]:
    """Every Case Review route with the application's id, as (method, path, body)."""
    return [
        ("GET", "/api/v1/case-reviews", None),
        ("POST", "/api/v1/case-reviews", APPLICATION),
        ("GET", "/api/v1/case-reviews/watchlist?on=2025-10-20", None),
        ("GET", "/api/v1/case-reviews/publication?year=2025", None),
        ("GET", "/api/v1/case-reviews/publication?year=2025&format=csv", None),
        ("GET", "/api/v1/case-reviews/publication?year=2025&format=pdf", None),
        ("GET", f"/api/v1/case-reviews/{aid}", None),
        ("DELETE", f"/api/v1/case-reviews/{aid}", None),
        ("POST", f"/api/v1/case-reviews/{aid}/decision", {"decided": "2025-05-20"}),
        ("POST", f"/api/v1/case-reviews/{aid}/review", {"held": "2025-06-01"}),
        ("POST", f"/api/v1/case-reviews/{aid}/recommendations", {"recommendations": [{"text": "x", "agency": "y"}]}),
        ("POST", f"/api/v1/case-reviews/{aid}/withdraw", {"on": "2025-05-20"}),
        ("GET", f"/api/v1/case-reviews/{aid}/audit", None),
        ("GET", "/case-reviews", None),
        ("GET", "/case-reviews/publication?year=2025", None),
    ]


def _call(c: TestClient, method: str, path: str, body: dict[str, object] | None):  # type: ignore[no-untyped-def]
    return c.request(method, path, json=body) if body is not None else c.request(method, path)


def test_councillors_and_the_public_are_refused_every_route(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    aid = apply(analyst)["id"]
    councillor, public = client(tasking_client, "councillor"), client(tasking_client, "public")
    for method, path, body in _routes(aid):
        assert _call(councillor, method, path, body).status_code == 403, (method, path)
        assert _call(public, method, path, body).status_code == 401, (method, path)
    assert analyst.get("/api/v1/case-reviews").json()["count"] == 1  # nothing was written by the refused calls
    audit = analyst.get(f"/api/v1/case-reviews/{aid}/audit").json()["audit"]
    assert {a["role"] for a in audit} == {"analyst"}


def test_a_partner_outside_cannot_tell_an_application_from_none(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    ids = [apply(analyst)["id"], apply(analyst, bodies=["Cleveland Police"])["id"]]
    outsider = client(tasking_client, "partner", ("warden",))
    assert outsider.get("/api/v1/case-reviews").json() == {"applications": [], "count": 0}
    listing = outsider.get("/case-reviews")
    assert "No applications to show" in listing.text and "Watchlist" not in listing.text
    for aid in [*ids, 2**31 - 1]:  # guessed ids: one held and one not answer alike
        for method, path, body in _routes(aid):
            if not path.startswith(f"/api/v1/case-reviews/{aid}"):
                continue
            answer = _call(outsider, method, path, body)
            expected = 403 if path.endswith("/audit") else 404
            assert answer.status_code == expected, (method, path, answer.text)
            if expected == 404:
                assert answer.json()["detail"] == f"no Case Review application {aid}"
    for path in ("/api/v1/case-reviews/watchlist", "/api/v1/case-reviews/publication?year=2025"):
        assert outsider.get(path).status_code == 403  # the watchlist and the publication are the analysts'
    assert outsider.post("/api/v1/case-reviews", json=APPLICATION).status_code == 403  # bodies not its own
    assert analyst.get("/api/v1/case-reviews").json()["count"] == 2


def test_an_agency_it_was_made_to_works_on_it(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    aid = apply(analyst)["id"]
    police = client(tasking_client, "partner", ("Cleveland Police",))
    assert [a["id"] for a in police.get("/api/v1/case-reviews").json()["applications"]] == [aid]
    decided = police.post(f"/api/v1/case-reviews/{aid}/decision", json={"decided": "2025-05-20"})
    assert decided.status_code == 200 and decided.json()["status"] == "threshold met"
    assert police.request("DELETE", f"/api/v1/case-reviews/{aid}").status_code == 403  # erasure is the analyst's
    own = police.post("/api/v1/case-reviews", json={**APPLICATION, "bodies": ["Cleveland Police"]})
    assert own.status_code == 201
    # an application about a case is seen by the case's agencies too, and a partner cannot attach another's case
    case = open_case(analyst)  # housing's, with police
    about = apply(analyst, case_id=case["id"], bodies=["Middlesbrough Council"])["id"]
    housing = client(tasking_client, "partner", ("housing",))
    assert housing.get(f"/api/v1/case-reviews/{about}").status_code == 200
    warden = client(tasking_client, "partner", ("warden",))
    sneaky = {**APPLICATION, "bodies": ["warden"], "case_id": case["id"]}
    assert warden.post("/api/v1/case-reviews", json=sneaky).status_code == 404
    who = {(a["who"], a["change"]) for a in analyst.get(f"/api/v1/case-reviews/{aid}/audit").json()["audit"]}
    assert {("test partner", "listed"), ("test partner", "decided"), ("test partner", "read")} <= who


def test_no_map_ogc_tile_problem_or_status_route_tells_of_applications(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    apply(analyst)
    routes = [
        "/",
        "/healthz",
        "/ogc/collections",
        "/ogc/collections/case-reviews/items",
        "/tiles/case-reviews.json",
        "/api/v1/problems",
        "/api/v1/incidents?limit=5&format=csv",
        "/api/v1/cases",
        "/cases",
    ]
    for role, sources in (("councillor", ()), ("public", ()), ("partner", ("warden",)), ("analyst", ())):
        c = client(tasking_client, role, sources)
        for route in routes:
            answer = c.get(route)
            assert not any(s in answer.text for s in SECRETS), (role, route)
        collections = c.get("/ogc/collections").json()["collections"]
        assert not [x for x in collections if "review" in x["id"]]


def test_subject_access_holds_the_applications_and_erasure_removes_them(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    case = open_case(analyst)
    aid = apply(analyst, case_id=case["id"])["id"]
    export = analyst.get(f"/api/v1/cases/{case['id']}/subject-access").json()
    (held,) = export["applications"]
    assert held["id"] == aid and held["applicant_name"] == APPLICATION["applicant_name"]
    assert held["audit"][-1]["change"] == "exported" and len(held["complaints"]) == 3
    analyst.request("DELETE", f"/api/v1/cases/{case['id']}", json={"why": "asked"})
    assert analyst.get(f"/api/v1/case-reviews/{aid}").status_code == 404  # gone with the case
    store = tasking_client.app.state.cases  # type: ignore[attr-defined]
    assert store.complaints(aid) == []
    assert not [a for a in store.application_audit(aid) if a["detail"] != {"erased": "personal data removed"}]
    alone = apply(analyst)["id"]
    assert analyst.request("DELETE", f"/api/v1/case-reviews/{alone}", json={"why": "asked"}).json() == {"erased": alone}
    trail = store.application_audit(alone)
    assert trail[-1]["change"] == "erased" and trail[-1]["detail"] == {"why": "asked", "reference": "CR-25-001"}
    assert not any(APPLICATION["applicant_name"] in str(a["detail"]) for a in trail)


def test_retention_does_applications_as_it_does_cases(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    old = apply(analyst, received="2023-01-10")["id"]
    analyst.post(f"/api/v1/case-reviews/{old}/decision", json={"decided": "2023-01-20", "communicated": "2023-01-21"})
    waiting = apply(analyst, received="2023-01-10")["id"]  # never finished: kept
    recent = apply(analyst)["id"]
    analyst.post(f"/api/v1/case-reviews/{recent}/withdraw", json={"on": "2025-06-01"})
    store = tasking_client.app.state.cases  # type: ignore[attr-defined]
    done = apply_retention(store, RetentionRule(months=24), ("retention", "analyst"), date(2026, 3, 31))
    assert done["applications"] == [old]
    kept = analyst.get(f"/api/v1/case-reviews/{old}").json()
    assert kept["applicant_name"] is None and kept["address"] is None and kept["postcode"] == "TS1"
    assert kept["status"] == "threshold not met" and kept["decided"] == "2023-01-20"  # the figures stay
    assert analyst.get(f"/api/v1/case-reviews/{waiting}").json()["applicant_name"] == APPLICATION["applicant_name"]
    gone = apply_retention(store, RetentionRule(months=24, action="delete"), ("r", "analyst"), date(2026, 3, 31))
    assert gone["applications"] == [old] and analyst.get(f"/api/v1/case-reviews/{old}").status_code == 404
