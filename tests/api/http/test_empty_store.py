"""A store with boundaries but no incidents yet answers every route without errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from tests.conftest import new_store, sign_in


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/healthz",
        "/api/v1/wards",
        "/api/v1/hexes?res=7",
        "/api/v1/trends",
        "/api/v1/hotspots",
        "/api/v1/trends?lad=E06000001&format=csv",
        "/docs",
        "/openapi.json",
        "/ogc/collections",
        "/ogc/collections/wards/items",
        "/ogc/collections/hexagons-8/items",
        "/ogc/collections/incidents/items",
        "/tiles/wards.json",
        "/tiles/hexagons/10/508/325.mvt",
    ],
)
def test_empty_store_routes(tmp_path: Path, url: str) -> None:
    new_store(tmp_path / "empty.duckdb").close()
    with TestClient(create_app(Settings(store=tmp_path / "empty.duckdb"))) as client:
        sign_in(client)
        r = client.get(url)
    assert r.status_code == 200, r.text


def test_missing_store_is_a_clear_startup_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no AIM store"):
        with TestClient(create_app(Settings(store=tmp_path / "none.duckdb"))):
            pass
