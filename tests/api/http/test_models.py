"""Every JSON and GeoJSON answer matches the model /openapi.json declares for it, with no member left undeclared.

Each route is called on the demo store as an analyst (exact figures), a partner (its own sources exact, others under
disclosure control) and the public (published figures, or a clean refusal); every 200 body is validated against the
schema the served document gives for its status and media type, tightened so that an undeclared member fails too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
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
    f"/api/v1/hotspots/gi?{FORCE}",
    f"/api/v1/hotspots/gi?{FORCE}&res=8&all=true",
    f"/api/v1/hotspots/gi?{FORCE}&unit=ward&all=true",
    f"/api/v1/hotspots/emerging?{FORCE}",
    f"/api/v1/hotspots/calibration?{FORCE}&draws=3",
    f"/api/v1/hotspots/emerging?{FORCE}&interval=week&from=2025-09&res=7",
    f"/api/v1/patrol-plan?{FORCE}&cells=5",
    f"/api/v1/patrol-plan?{FORCE}&budget_km2=1&format=geojson",
    f"/api/v1/evaluate?{FORCE}&train=2025-01:2025-09&test=2025-10:2025-12",
    "/api/v1/sources",
    "/api/v1/sources?source=warden",
    "/api/v1/incidents?limit=20",
    "/api/v1/incidents?limit=20&source=warden&dedupe=false",
]
JSON_TYPES = ("application/json", "application/geo+json")


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

    def schema(self, path: str, method: str, media: str) -> dict[str, Any]:
        content = self.paths[path][method]["responses"]["200"]["content"]
        assert media in content, f"{method} {path} does not document {media}"
        found = content[media].get("schema")
        assert found, f"{method} {path} has no schema for {media}"
        return found  # type: ignore[no-any-return]

    def check(self, path: str, method: str, response: Any) -> None:
        media = response.headers["content-type"].split(";")[0]
        assert media in JSON_TYPES, media
        schema = {**closed(self.schema(path, method, media)), "components": self.components}
        errors = sorted(jsonschema_rs.Draft202012Validator(schema).iter_errors(response.json()), key=str)
        assert not errors, f"{method} {path}: " + "; ".join(
            f"{'/'.join(map(str, e.instance_path))}: {e.message[:300]}" for e in errors[:5]
        )


def template(url: str) -> str:
    path = url.split("?")[0]
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
    urls = URLS + [f"/api/v1/incidents/{i}" for i in linked_ids(clients["analyst"])]
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
