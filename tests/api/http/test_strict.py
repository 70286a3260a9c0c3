"""Unknown query parameters are refused with a 422 naming them, on every route, instead of silently ignored."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_movers_with_a_csp_it_does_not_take_is_refused_by_name(client: TestClient) -> None:
    response = client.get("/api/v1/trends/movers", params={"csp": "Middlesbrough"})
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["parameter"] == "csp" and "'csp'" in body["detail"] and "lad" in body["detail"]


def test_every_get_route_refuses_a_parameter_it_does_not_take(client: TestClient) -> None:
    paths = [p for p, item in client.get("/openapi.json").json()["paths"].items() if "get" in item]
    assert len(paths) >= 15
    for template in paths:
        path = template.replace("{incident_id}", "0" * 32)
        response = client.get(path, params={"no_such_parameter": "1"})
        expected = 400 if path.startswith("/ogc") else 422  # OGC API - Features asks for 400
        assert response.status_code == expected, (path, response.status_code)
        assert "no_such_parameter" in response.text
    assert client.get("/api/v1/wards", params={"from": "2025-01", "to": "2025-03"}).status_code == 200


def test_a_routes_known_parameters_are_kept_only_while_it_lives() -> None:
    """The parameters read from a route go with it (a router built and dropped leaves nothing behind)."""
    import gc

    from fastapi import APIRouter
    from fastapi.routing import APIRoute

    from api.http import strict

    router = APIRouter()

    @router.get("/x")
    def x(a: int = 0, b: str = "") -> dict[str, int]:
        return {"a": a}

    route = router.routes[0]
    assert isinstance(route, APIRoute)
    assert strict.known_parameters(route) == {"a", "b"}
    kept = len(strict._KNOWN)
    del router, route, x
    gc.collect()
    assert len(strict._KNOWN) == kept - 1
