"""What the map router hands to build_map for real requests, to render again with hostile names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

import api.http.routers.maps as maps_router
from api.access.principals import Principal
from api.services.filters import Filters
from api.services.map_view import MapView
from api.settings import Settings
from tests.api.render.browser import chromium
from tests.api.render.hostile import MapInputs


def map_inputs(client: TestClient, params: dict[str, str]) -> MapInputs:
    """The view, filters and settings the map router passes to build_map for a real request."""
    seen: list[MapInputs] = []
    original = maps_router.build_map

    def record(
        view: MapView, filters: Filters, settings: Settings, principal: Principal, nonce: str = "", csrf: str = ""
    ) -> str:
        seen.append((view, filters, settings))
        return original(view, filters, settings, principal, nonce, csrf)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(maps_router, "build_map", record)
        assert client.get("/", params=params).status_code == 200
    return seen[0]


@pytest.fixture(scope="module")
def analyst(client: TestClient) -> MapInputs:
    """A study area chosen: the Gi*, emerging hotspot and patrol plan layers are drawn."""
    found = map_inputs(client, {"force": "cleveland"})
    assert found[0].statistics is not None
    return found


@pytest.fixture(scope="module")
def public(client: TestClient) -> MapInputs:
    """Published figures: no statistics, no feed gaps."""
    return map_inputs(TestClient(client.app), {})


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """The system's chromium, one per test module (tests/api/render/browser.py)."""
    with chromium() as launched:
        yield launched
