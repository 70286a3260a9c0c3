"""Every JSON and GeoJSON answer matches the model /openapi.json declares for it, with no member left undeclared.

Each route is called on the demo store as an analyst (exact figures), a partner (its own sources exact, others under
disclosure control) and the public (published figures, or a clean refusal); every 200 body is validated against the
schema the served document gives for its status and media type, tightened so that an undeclared member fails too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import jsonschema_rs
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.datastructures import DefaultPlaceholder
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api.http.app import create_app
from api.settings import Settings
from ingest.profiles import shipped_profiles
from tests.api.cases.test_cases import CASE
from tests.conftest import new_store, police_file, sign_in

FORCE = "force=cleveland"
URLS = [
    "/healthz",
    "/api/v1/wards",
    "/api/v1/wards?precision=true&from=2025-06&to=2025-06",
    "/api/v1/hexes",
    "/api/v1/hexes?res=7&precision=true&category=all",
    "/api/v1/trends",
    "/api/v1/trends?ward=E05009857&category=noise",
    "/api/v1/trends?lad=E06000002&from=2025-03",
    "/api/v1/trends?h3=88194654e3fffff",
    "/api/v1/trends?interval=week",
    "/api/v1/trends?interval=week&lad=E06000002&source=warden",
    "/api/v1/trends/movers",
    "/api/v1/trends/movers?compare=last_year&lad=E06000002&source=warden&top=3",
    "/api/v1/hotspots",
    "/api/v1/hotspots?res=7&top=3&source=warden",
    "/api/v1/hotspots?csp=Middlesbrough&top=3",
    "/api/v1/hotspots?ward=E05009857&top=3",
    f"/api/v1/hotspots/gi?{FORCE}",
    f"/api/v1/hotspots/gi?{FORCE}&res=8&all=true",
    f"/api/v1/hotspots/gi?{FORCE}&unit=ward&all=true",
    f"/api/v1/hotspots/emerging?{FORCE}",
    f"/api/v1/hotspots/calibration?{FORCE}&draws=3",
    f"/api/v1/hotspots/emerging/calibration?{FORCE}&draws=1",
    f"/api/v1/hotspots/emerging?{FORCE}&interval=week&from=2025-09&res=7",
    f"/api/v1/patrol-plan?{FORCE}&cells=5",
    f"/api/v1/patrol-plan?{FORCE}&budget_km2=1&format=geojson",
    f"/api/v1/near-repeat?{FORCE}&permutations=9&alpha=0.49",
    f"/api/v1/evaluate?{FORCE}&train=2025-01:2025-09&test=2025-10:2025-12",
    "/api/v1/sources",
    "/api/v1/sources?source=warden",
    "/api/v1/incidents?limit=20",
    "/api/v1/incidents?limit=20&source=warden&dedupe=false",
    "/ogc",
    "/ogc/conformance",
    "/ogc/collections",
    "/ogc/collections/wards",
    "/ogc/collections/wards/items?limit=5",
    "/ogc/collections/wards/items/E05009857",
    "/ogc/collections/hexagons-8/items?limit=5&bbox=-1.3,54.55,-1.2,54.6&datetime=2025-04-01/2025-06-30",
    "/ogc/collections/hexagons-6/items/86194654fffffff",
    f"/ogc/collections/hotspots/items?{FORCE}&limit=5",
    f"/ogc/collections/hotspots/items?{FORCE}&unit=ward&all=true&limit=5",
    f"/ogc/collections/hotspots/items/89194654e33ffff?{FORCE}",
    f"/ogc/collections/patrol-plan/items?{FORCE}&cells=5&limit=3",
    f"/ogc/collections/patrol-plan/items/89194654e33ffff?{FORCE}&cells=5",
    f"/ogc/collections/near-repeat/items?{FORCE}&permutations=9&alpha=0.49&limit=3",
    "/ogc/collections/incidents/items?limit=5&datetime=2025-06",
    "/tiles/wards.json",
    "/tiles/hexagons.json?res=7&source=police",
]
JSON_TYPES = ("application/json", "application/geo+json")
NOT_JSON = (HTMLResponse, RedirectResponse, FileResponse, StreamingResponse)


def closed(schema: Any) -> Any:
    """The schema with every object that names its properties closed to others."""
    if isinstance(schema, dict):
        out = {k: closed(v) for k, v in schema.items()}
        if "properties" in out and out.get("type", "object") == "object":
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [closed(v) for v in schema]
    return schema


class Documented:
    """The served OpenAPI document, closed, and a validator per operation and media type."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.components = closed(document["components"])
        self.paths = document["paths"]

    def schema(self, path: str, method: str, media: str, status: int = 200) -> dict[str, Any]:
        content = self.paths[path][method]["responses"][str(status)]["content"]
        assert media in content, f"{method} {path} does not document {media}"
        found = content[media].get("schema")
        assert found, f"{method} {path} has no schema for {media}"
        return found  # type: ignore[no-any-return]

    def check(self, path: str, method: str, response: Any) -> None:
        media = response.headers["content-type"].split(";")[0]
        assert media in JSON_TYPES, media
        schema = {**closed(self.schema(path, method, media, response.status_code)), "components": self.components}
        errors = sorted(jsonschema_rs.Draft202012Validator(schema).iter_errors(response.json()), key=str)
        assert not errors, f"{method} {path}: " + "; ".join(
            f"{'/'.join(map(str, e.instance_path))}: {e.message[:300]}" for e in errors[:5]
        )


def template(url: str) -> str:
    path = url.split("?")[0]
    if path.startswith("/tiles/"):
        return "/tiles/{layer}.json"
    if re.match(r"^/ogc/collections/[^/]+/items/[^/]+$", path):
        return path.rsplit("/", 1)[0] + "/{featureId}"
    return "/api/v1/incidents/{incident_id}" if path.startswith("/api/v1/incidents/") else path


@pytest.fixture(scope="module")
def clients(demo_store: Path) -> Iterator[dict[str, TestClient]]:
    with TestClient(create_app(Settings(store=demo_store))) as analyst:
        sign_in(analyst)
        partner = TestClient(analyst.app)
        sign_in(partner, "partner", ("warden",))
        yield {"analyst": analyst, "partner": partner, "public": TestClient(analyst.app)}


@pytest.fixture(scope="module")
def documented(clients: dict[str, TestClient]) -> Documented:
    return Documented(clients["public"].get("/openapi.json").json())


def linked_ids(client: TestClient) -> list[str]:
    """An incident linked across sources and one that is not."""
    page = client.get("/api/v1/incidents", params={"source": "complaint", "dedupe": "false", "limit": 2000}).json()
    linked = next(f["properties"]["linked_group"] for f in page["features"] if f["properties"]["linked_group"])
    single = next(f["id"] for f in page["features"] if not f["properties"]["linked_group"])
    return [linked, single]


@pytest.mark.parametrize("role", ["analyst", "partner", "public"])
def test_every_json_answer_is_its_declared_model(
    clients: dict[str, TestClient], documented: Documented, role: str
) -> None:
    client = clients[role]
    ids = linked_ids(clients["analyst"])
    urls = URLS + [f"/api/v1/incidents/{i}" for i in ids] + [f"/ogc/collections/incidents/items/{i}" for i in ids]
    checked = 0
    for url in urls:
        response = client.get(url)
        if role == "public" and response.status_code == 401:
            continue  # routes below the public's grant refuse cleanly
        if role != "analyst" and response.status_code in (403, 404, 422):
            continue  # a partner sees its own sources only; weekly series need exact figures
        assert response.status_code == 200, f"{role} {url}: {response.text[:300]}"
        documented.check(template(url), "get", response)
        checked += 1
    assert checked >= {"analyst": len(urls), "partner": 15, "public": 8}[role]


def test_published_answers_leave_out_what_exact_ones_carry(clients: dict[str, TestClient]) -> None:
    """Both variants of a trend and of the movers are real answers (the models declare them both)."""
    exact = clients["analyst"].get("/api/v1/trends").json()
    published = clients["public"].get("/api/v1/trends", params={"source": "council"}).json()
    assert "test" in exact and "seasonality" in exact and "note" not in exact
    assert "note" in published and "test" not in published and published["filters"]["disclosure"]
    movers = clients["public"].get("/api/v1/trends/movers", params={"category": "all", "source": "council"}).json()
    assert "note" in movers and "alpha" not in movers
    assert all("p_value" not in m and "change_pct" not in m for m in movers["rising"] + movers["falling"])


def test_every_json_format_of_every_route_names_its_model(documented: Documented) -> None:
    for path, item in documented.paths.items():
        for method, operation in item.items():
            content = operation["responses"].get("200", {}).get("content", {})
            for media in JSON_TYPES:
                if media in content:
                    assert documented.schema(path, method, media), f"{method} {path} {media}"
    assert "anyOf" in documented.schema("/api/v1/trends", "get", "application/json")
    plan = documented.paths["/api/v1/patrol-plan"]["get"]["responses"]["200"]["content"]
    assert set(plan) == {
        "application/json",
        "application/geo+json",
        "image/png",
        "application/pdf",
        "application/geopackage+sqlite3",
        "application/zip",
    }


def test_a_model_missing_a_member_or_mistyped_fails(documented: Documented, clients: dict[str, TestClient]) -> None:
    """The check is not vacuous: a body with a member dropped, renamed or of the wrong type is refused."""
    response = clients["analyst"].get("/healthz")
    body = response.json()
    for broken in (
        {k: v for k, v in body.items() if k != "incidents"},
        {**body, "incidents": "many"},
        {**body, "extra": 1},
    ):
        schema = {
            **closed(documented.schema("/healthz", "get", "application/json")),
            "components": documented.components,
        }
        assert not jsonschema_rs.Draft202012Validator(schema).is_valid(broken)


def test_an_empty_store_and_an_upload_answer_their_models(tmp_path: Path) -> None:
    path = tmp_path / "aim.duckdb"
    new_store(path).close()
    with TestClient(create_app(Settings(store=path))) as client:
        sign_in(client)
        documented = Documented(client.get("/openapi.json").json())
        for url in ("/healthz", "/api/v1/wards", "/api/v1/hexes?res=7", "/api/v1/trends", "/api/v1/hotspots"):
            response = client.get(url)
            assert response.status_code == 200, response.text
            documented.check(template(url), "get", response)
        body = police_file("cleveland", "01").read_bytes()
        for _ in ("loaded", "unchanged"):
            response = client.post("/api/v1/ingest/police", params={"filename": "jan.csv.gz"}, content=body)
            assert response.status_code == 200, response.text
            documented.check("/api/v1/ingest/{feed}", "post", response)
        for url in ("/api/v1/sources", "/healthz", "/api/v1/trends/movers"):
            documented.check(url, "get", client.get(url))


def _response_class(route: Any) -> type[Response]:
    kind = route.response_class
    return kind.value if isinstance(kind, DefaultPlaceholder) else kind  # type: ignore[no-any-return]


def answers_json(route: Any) -> bool:
    """Whether a route answers with JSON: anything but a page, a redirect, a file or a stream, or a Response whose
    documented 200 answer names only other media types (a tile, a PDF)."""
    if issubclass(_response_class(route), NOT_JSON):
        return False
    documented = (route.responses.get(200) or route.responses.get("200") or {}).get("content")
    return documented is None or any(media in documented for media in JSON_TYPES)


def has_response_model(route: Any) -> bool:
    """Whether the route declares a pydantic model (or a union of them) for its answer: `dict` or Any is not one."""
    model = route.response_model
    members = get_args(model) or (model,)
    return model is not None and all(isinstance(m, type) and issubclass(m, BaseModel) for m in members)


def json_routes(app: FastAPI) -> dict[str, Any]:
    """Every route of the app (included routers' too) that answers JSON, by `METHOD path`."""
    found = {}
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and answers_json(route):
            for method in sorted(route.methods or ()):
                found[f"{method} {route.path}"] = route
    return found


def without_model(app: FastAPI) -> list[str]:
    return sorted(name for name, route in json_routes(app).items() if not has_response_model(route))


def test_every_json_route_declares_its_response_model(clients: dict[str, TestClient]) -> None:
    """A route added without a response model fails here, whichever router it is in."""
    app = clients["public"].app
    routes = json_routes(app)  # type: ignore[arg-type]
    assert len(routes) >= 50 and {*TASKING_OPERATIONS, *PROFILE_OPERATIONS, "GET /healthz"} <= set(routes)
    assert not {"GET /login", "GET /tiles/{layer}/{z}/{x}/{y}.mvt", "GET /docs"} & set(routes)
    assert without_model(app) == []  # type: ignore[arg-type]


class Tally(BaseModel):
    """An answer with a model, for the check's own test."""

    n: int


def test_the_route_check_finds_a_json_route_without_a_model() -> None:
    app = FastAPI()
    router = APIRouter(prefix="/v1")

    @router.get("/bare")
    def bare() -> dict[str, Any]:
        return {"n": 1}

    @router.get("/untyped")
    def untyped():  # type: ignore[no-untyped-def]
        return {"n": 1}

    @router.get("/modelled", response_model=Tally)
    def modelled() -> dict[str, Any]:
        return {"n": 1}

    @router.get("/annotated")
    def annotated() -> Tally:
        return Tally(n=1)

    @router.get("/page", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        return HTMLResponse("<p>")

    @router.get("/picture", response_class=Response, responses={200: {"content": {"image/png": {}}}})
    def picture() -> Response:
        return Response(b"", media_type="image/png")

    app.include_router(router)
    assert without_model(app) == ["GET /v1/bare", "GET /v1/untyped"]


TASKING_OPERATIONS = (
    "GET /api/v1/problems",
    "POST /api/v1/problems",
    "GET /api/v1/problems/{problem_id}",
    "PATCH /api/v1/problems/{problem_id}",
    "POST /api/v1/problems/{problem_id}/actions",
    "PATCH /api/v1/problems/{problem_id}/actions/{action_id}",
    "POST /api/v1/problems/{problem_id}/reviews",
    "POST /api/v1/problems/{problem_id}/evaluation",
    "GET /api/v1/problems/{problem_id}/audit",
    "POST /api/v1/problem-areas",
)
PROFILE_OPERATIONS = ("GET /api/v1/profiles", "PUT /api/v1/profiles/{name}")
PROBLEM = {
    "title": "Youth ASB around the town centre",
    "description": "Repeat reports of groups causing nuisance",
    "owner": "CSP analyst team",
    "partners": ["warden", "police"],
    "baseline_from": "2025-01",
    "baseline_to": "2025-06",
}
EVALUATION = {"before_from": "2025-01", "before_to": "2025-06", "after_from": "2025-07", "after_to": "2025-12"}
SQUARE = [[[-1.24, 54.57], [-1.22, 54.57], [-1.22, 54.58], [-1.24, 54.58], [-1.24, 54.57]]]


class Checked:
    """Each answer checked against its operation's documented model, and the operations checked."""

    def __init__(self, documented: Documented) -> None:
        self.documented = documented
        self.operations: set[str] = set()

    def __call__(self, operation: str, response: Any) -> Any:
        assert response.status_code in (200, 201), f"{operation}: {response.text[:300]}"
        method, path = operation.split(" ")
        self.documented.check(path, method.lower(), response)
        self.operations.add(operation)
        return response.json()


def as_role(client: TestClient, role: str, sources: tuple[str, ...] = ()) -> TestClient:
    other = TestClient(client.app)
    return other if role == "public" else sign_in(other, role, sources)  # type: ignore[return-value]


def test_tasking_answers_are_their_declared_models_for_every_role(demo_store: Path, tmp_path: Path) -> None:
    """Problems opened over cells, wards and a polygon read from a file; actions, reviews, evaluations and the audit;
    each role's view of them: every answer is its operation's model, closed."""
    settings = Settings(
        store=demo_store, database_url=f"sqlite:///{tmp_path / 'tasking.sqlite'}", access_db=tmp_path / "access.db"
    )
    with TestClient(create_app(settings)) as client:
        check = Checked(Documented(client.get("/openapi.json").json()))
        analyst, partner = as_role(client, "analyst"), as_role(client, "partner", ("warden",))
        councillor, public = as_role(client, "councillor"), as_role(client, "public")
        cell = analyst.get("/api/v1/hotspots", params={"res": 9, "top": 1}).json()["hotspots"][0]["h3"]
        problem = check(
            "POST /api/v1/problems", analyst.post("/api/v1/problems", json={**PROBLEM, "area": {"cells": [cell]}})
        )
        one = f"/api/v1/problems/{problem['id']}"
        action = {"what": "Evening patrols", "owner_agency": "warden", "start": "2025-07-01", "due": "2025-09-30"}
        action |= {"measure": "ASB incidents", "target": "down 20% against control over 3 months"}
        added = check("POST /api/v1/problems/{problem_id}/actions", analyst.post(f"{one}/actions", json=action))
        action_id = added["actions"][0]["id"]
        done = analyst.patch(f"{one}/actions/{action_id}", json={"progress": "done"})
        check("PATCH /api/v1/problems/{problem_id}/actions/{action_id}", done)
        check("PATCH /api/v1/problems/{problem_id}", analyst.patch(one, json={"status": "analysis"}))
        note = {"note": "Evening patrols have run since July.", "published": True}
        check("POST /api/v1/problems/{problem_id}/reviews", analyst.post(f"{one}/reviews", json=note))
        made = analyst.post(f"{one}/evaluation", json={**EVALUATION, "action_id": action_id})
        assert next(iter(check("POST /api/v1/problems/{problem_id}/evaluation", made))) == "id"
        check("GET /api/v1/problems/{problem_id}/audit", analyst.get(f"{one}/audit"))
        # a partner party to it: its own sources' profile, the evaluation withheld (it counts every source)
        seen = check("GET /api/v1/problems/{problem_id}", partner.get(one))
        assert "withheld" in seen["evaluations"][0] and "result" not in seen["evaluations"][0]
        check("POST /api/v1/problems/{problem_id}/reviews", partner.post(f"{one}/reviews", json={"note": "Done"}))
        check("PATCH /api/v1/problems/{problem_id}", partner.patch(one, json={"description": "Groups at night"}))
        # a councillor's summary (in their wards) and the public's (a progress note is published)
        token = client.app.state.access.by_token(councillor.headers["Authorization"].split()[1])  # type: ignore[attr-defined]
        wards = [n["code"] for n in problem["area"]["names"]]
        client.app.state.tasking.set_councillor_wards(token.token_id, wards, ("admin", "analyst"))  # type: ignore[attr-defined]
        summary = check("GET /api/v1/problems/{problem_id}", councillor.get(one))
        assert summary["actions"] and "profile" not in summary
        shown = check("GET /api/v1/problems/{problem_id}", public.get(one))
        assert "title" not in shown and shown["progress_notes"]
        for role in (analyst, partner, councillor, public):
            assert check("GET /api/v1/problems", role.get("/api/v1/problems"))["count"] == 1
        # a problem of the partner's own source over a ward: its evaluation (no target) is the partner's to read
        ward = {**PROBLEM, "sources": ["warden"], "area": {"wards": wards[:1]}, "baseline_from": "2025-07"}
        by_ward = check(
            "POST /api/v1/problems", analyst.post("/api/v1/problems", json={**ward, "baseline_to": "2025-12"})
        )
        assert by_ward["profile"]["trend"]["previous_period"]["held"]  # tested against the months before, by source
        two = f"/api/v1/problems/{by_ward['id']}"
        kept = analyst.post(f"{two}/evaluation", json=EVALUATION)
        assert check("POST /api/v1/problems/{problem_id}/evaluation", kept)["target"] is None
        theirs = check("GET /api/v1/problems/{problem_id}", partner.get(two))
        assert "result" in theirs["evaluations"][0] and theirs["profile"]["trend"]["previous_period"]["by_source"]
        # an area read from a GeoJSON file opens a problem over its polygon
        square = {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": SQUARE}}],
        }
        read = analyst.post("/api/v1/problem-areas", content=json.dumps(square).encode())
        area = check("POST /api/v1/problem-areas", read)
        polygon = {**PROBLEM, "area": {"polygon": area["polygon"]}}
        assert (
            check("POST /api/v1/problems", analyst.post("/api/v1/problems", json=polygon))["area"]["kind"] == "polygon"
        )
    assert check.operations == set(TASKING_OPERATIONS)


def test_feed_profiles_answer_their_models(tmp_path: Path) -> None:
    path = tmp_path / "aim.duckdb"
    new_store(path).close()
    with TestClient(create_app(Settings(store=path))) as client:
        sign_in(client)
        check = Checked(Documented(client.get("/openapi.json").json()))
        assert {p["kind"] for p in check("GET /api/v1/profiles", client.get("/api/v1/profiles"))["profiles"]} == {
            "shipped"
        }
        own = shipped_profiles()["cleveland-wardens"].replace('"cleveland-wardens"', '"redcar-wardens"', 1)
        kept = check("PUT /api/v1/profiles/{name}", client.put("/api/v1/profiles/redcar-wardens", content=own.encode()))
        assert kept == {"name": "redcar-wardens", "source": "warden", "kept": True}
        listed = check("GET /api/v1/profiles", client.get("/api/v1/profiles"))["profiles"]
        assert {"name": "redcar-wardens", "source": "warden", "kind": "sent"} in listed
    assert check.operations == set(PROFILE_OPERATIONS)


CASE_OPERATIONS = (
    "GET /api/v1/cases",
    "POST /api/v1/cases",
    "GET /api/v1/cases/settings",
    "GET /api/v1/cases/{case_id}",
    "PATCH /api/v1/cases/{case_id}",
    "DELETE /api/v1/cases/{case_id}",
    "POST /api/v1/cases/{case_id}/incidents",
    "DELETE /api/v1/cases/{case_id}/incidents/{incident_id}",
    "POST /api/v1/cases/{case_id}/links",
    "POST /api/v1/cases/{case_id}/risk",
    "POST /api/v1/cases/{case_id}/interventions",
    "PATCH /api/v1/cases/{case_id}/interventions/{intervention_id}",
    "POST /api/v1/cases/{case_id}/actions",
    "PATCH /api/v1/cases/{case_id}/actions/{action_id}",
    "GET /api/v1/cases/{case_id}/audit",
    "GET /api/v1/cases/{case_id}/subject-access",
    "GET /api/v1/repeat-victims",
    "POST /api/v1/repeat-victims/scan",
    "PATCH /api/v1/repeat-victims/{flag_id}",
)


def test_case_answers_are_their_declared_models_for_analysts_and_party_agencies(
    demo_store: Path, tmp_path: Path
) -> None:
    """A case opened, linked by hand and by its rules, assessed, climbing the ladder, with actions; a repeat victim
    flagged and confirmed; the audit, the subject access export and the erasure; a party agency's view without the
    flags' records: every answer is its operation's model, closed."""
    settings = Settings(
        store=demo_store, database_url=f"sqlite:///{tmp_path / 'cases.sqlite'}", access_db=tmp_path / "access.db"
    )
    with TestClient(create_app(settings)) as client:
        check = Checked(Documented(client.get("/openapi.json").json()))
        analyst, housing = as_role(client, "analyst"), as_role(client, "partner", ("housing",))
        check("GET /api/v1/cases/settings", analyst.get("/api/v1/cases/settings"))
        reports = [
            {"feed": "housing", "ref": "HSG-9", "occurred_on": "2025-08-28", "address": "149, Borough Road"},
            {"feed": "housing", "ref": "HSG-10", "occurred_on": "2025-10-14", "address": "149 Borough Rd."},
        ]
        case = check("POST /api/v1/cases", analyst.post("/api/v1/cases", json={**CASE, "incidents": reports}))
        one = f"/api/v1/cases/{case['id']}"
        by_hand = {"feed": "police", "ref": "PC-1", "occurred_on": "2025-09-01", "uprn": "100110012345"}
        shown = check("POST /api/v1/cases/{case_id}/incidents", analyst.post(f"{one}/incidents", json=by_hand))
        unlink = analyst.delete(f"{one}/incidents/{shown['incidents'][-1]['id']}")
        check("DELETE /api/v1/cases/{case_id}/incidents/{incident_id}", unlink)
        linked = analyst.post(f"{one}/links", json={"refs": ["wdn/25/00001"], "since": "2025-01-01"})
        assert check("POST /api/v1/cases/{case_id}/links", linked)["linked"] == 2
        risk = analyst.post(f"{one}/risk", json={"answers": {"repeat": "yes", "threats": "yes"}})
        assert check("POST /api/v1/cases/{case_id}/risk", risk)["risk"]["level"] == "high"
        step = {"step": "warning letter", "issued": "2025-04-01", "agency": "housing", "review_on": "2025-05-01"}
        made = check("POST /api/v1/cases/{case_id}/interventions", analyst.post(f"{one}/interventions", json=step))
        outcome = {"outcome": "breached", "outcome_on": "2025-05-08"}
        changed = analyst.patch(f"{one}/interventions/{made['interventions'][0]['id']}", json=outcome)
        check("PATCH /api/v1/cases/{case_id}/interventions/{intervention_id}", changed)
        action = {"what": "Weekly welfare call", "owner_agency": "housing", "start": "2025-04-01", "due": "2025-06-30"}
        action |= {"measure": "calls made", "target": "down 20% against baseline"}
        added = check("POST /api/v1/cases/{case_id}/actions", analyst.post(f"{one}/actions", json=action))
        assert added["actions"][0]["target"]["against"] == "baseline"
        done = analyst.patch(f"{one}/actions/{added['actions'][0]['id']}", json={"progress": "done"})
        check("PATCH /api/v1/cases/{case_id}/actions/{action_id}", done)
        assert check("POST /api/v1/repeat-victims/scan", analyst.post("/api/v1/repeat-victims/scan"))["new_flags"]
        flags = check("GET /api/v1/repeat-victims", analyst.get("/api/v1/repeat-victims"))["flags"]
        flag = next(f for f in flags if f["key"].startswith("149 borough road"))
        decision = {"status": "confirmed", "case_id": case["id"], "note": "the same household"}
        decided = analyst.patch(f"/api/v1/repeat-victims/{flag['id']}", json=decision)
        assert check("PATCH /api/v1/repeat-victims/{flag_id}", decided)["status"] == "confirmed"
        full = check("GET /api/v1/cases/{case_id}", analyst.get(one))
        party = check("GET /api/v1/cases/{case_id}", housing.get(one))
        assert isinstance(full["repeat_flags"][0]["records"], list) and party["repeat_flags"][0]["records"] >= 3
        check("PATCH /api/v1/cases/{case_id}", housing.patch(one, json={"summary": "Eggs again in May"}))
        for role in (analyst, housing):
            listed = check("GET /api/v1/cases", role.get("/api/v1/cases"))["cases"]
            assert listed[0]["repeat_victim"] and listed[0]["risk_level"] == "high"
        check("GET /api/v1/cases/{case_id}/audit", analyst.get(f"{one}/audit"))
        export = check("GET /api/v1/cases/{case_id}/subject-access", analyst.get(f"{one}/subject-access"))
        assert export["case"]["repeat_flags"][0]["records"] and export["audit"][-1]["change"] == "exported"
        erased = analyst.request("DELETE", one, json={"why": "opened in error"})
        assert check("DELETE /api/v1/cases/{case_id}", erased) == {"erased": case["id"]}
    assert check.operations == set(CASE_OPERATIONS)


def test_the_assessment_and_dose_response_routes_declare_their_models(clients: dict[str, TestClient]) -> None:
    """The strategic assessment and the delivery's dose-response answer with a declared model."""
    routes = json_routes(clients["public"].app)  # type: ignore[arg-type]
    for name in ("GET /api/v1/assessment", *(n for n in routes if "dose" in n)):
        assert has_response_model(routes[name]), name
    assert any("dose" in n for n in routes)
