"""The query parameters declared once in api/http/params.py read alike in every route that takes them: the Gi*
parameters of /api/v1/hotspots/gi and the OGC hotspots collection, and the plan's of /api/v1/patrol-plan and the OGC
patrol-plan collection."""

from __future__ import annotations

from typing import Any

import pytest

from api.http.app import create_app


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app().openapi()


def _parameters(spec: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in spec["paths"][path]["get"]["parameters"] if p["in"] == "query"}


@pytest.mark.parametrize(
    ("path", "twin", "names"),
    [
        ("/api/v1/hotspots/gi", "/ogc/collections/hotspots/items", ["res", "k", "all", "unit"]),
        ("/api/v1/patrol-plan", "/ogc/collections/patrol-plan/items", ["res", "budget_km2"]),
    ],
)
def test_shared_parameters_are_documented_alike(spec: dict[str, Any], path: str, twin: str, names: list[str]) -> None:
    ours, theirs = _parameters(spec, path), _parameters(spec, twin)
    for name in names:
        assert ours[name] == theirs[name], name


def test_the_gi_parameters_read_as_declared(spec: dict[str, Any]) -> None:
    query = _parameters(spec, "/ogc/collections/hotspots/items")
    assert query["all"]["schema"]["type"] == "boolean" and query["all"]["schema"]["default"] is False
    assert query["unit"]["schema"]["enum"] == ["h3", "ward"] and query["unit"]["schema"]["default"] == "h3"
