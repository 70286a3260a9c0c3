"""Streets named on the map and by /api/v1/hotspots reach only the callers the printed plan names them to, from the
records they may read: a partner sees its own records' location text (never another agency's), councillors and the
public see none."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.access.principals import Role
from api.http.app import create_app
from api.services.cell_places import NO_PLACES, places_words
from api.settings import Settings
from ingest.store.connection import open_store
from tests.api.render.test_map_page import layer_data
from tests.conftest import sign_in

AREA = {"force": "cleveland"}
STREETS = (" Road", " Street", " Rd", " Lane", " Avenue", " Close", " Way", " Drive")  # names no boundary file gives


@pytest.fixture(scope="module")
def clients(demo_store: Path) -> Iterator[dict[Role, TestClient]]:
    """A client per role over the demo (the partner's agreement covers the warden feed)."""
    with TestClient(create_app(Settings(store=demo_store, tile_url="none"))) as app_client:
        out = {}
        for role in Role:
            c = TestClient(app_client.app)
            if role != Role.PUBLIC:
                sign_in(c, role.value, ("warden",) if role == Role.PARTNER else ())
            out[role] = c
        yield out


def _texts(store: Path, source: str) -> set[str]:
    """Every location text the source's records hold ("On or near" dropped, as AIM shows them)."""
    con = open_store(store)
    try:
        rows = con.execute(
            "SELECT DISTINCT location_text FROM incidents WHERE source = ? AND location_text IS NOT NULL", [source]
        ).fetchall()
    finally:
        con.close()
    return {str(t).strip().removeprefix("On or near ") for (t,) in rows}


def _map_streets(client: TestClient) -> list[str]:
    """The streets the map's statistics tooltips name (unescaped: folium is given them HTML-escaped)."""
    page = client.get("/", params=AREA)
    assert page.status_code == 200
    return [
        html.unescape(ft["properties"]["streets"])
        for layer in layer_data(page.text)
        for ft in layer["features"]
        if "streets" in ft["properties"]
    ]


def _named(streets: list[str]) -> set[str]:
    return {part for s in streets if s != NO_PLACES for part in s.split(", ")}


def test_a_partner_sees_the_streets_of_its_own_records_only(clients: dict[Role, TestClient], demo_store: Path) -> None:
    wardens, police = _texts(demo_store, "warden"), _texts(demo_store, "police")
    assert "," not in "".join(wardens)  # a tooltip's streets split back into the records' texts
    analyst = _named(_map_streets(clients[Role.ANALYST]))
    assert analyst - wardens and analyst & police  # the analyst's map names police.uk streets
    partner = _map_streets(clients[Role.PARTNER])
    assert partner and _named(partner) and _named(partner) <= wardens
    top = clients[Role.PARTNER].get("/api/v1/hotspots", params={**AREA, "res": 8, "top": 20})
    assert top.status_code == 200 and top.json()["filters"]["source"] == ["warden"]
    places = {p["place"] for c in top.json()["hotspots"] for p in c["places"]}
    assert places and places <= wardens
    printed: dict[str, Any] = clients[Role.PARTNER].get("/api/v1/patrol-plan", params={**AREA, "cells": 20}).json()
    assert {p["place"] for c in printed["cells"] for p in c["places"]} <= wardens
    shown = [places_words(c["places"]) for c in printed["cells"]]
    assert set(shown) <= set(partner)  # the plan's tooltips name what the printed plan prints


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.PUBLIC])
def test_councillors_and_the_public_are_shown_no_streets(
    clients: dict[Role, TestClient], demo_store: Path, role: Role
) -> None:
    assert clients[role].get("/api/v1/hotspots", params=AREA).status_code in (401, 403)
    assert clients[role].get("/api/v1/patrol-plan", params={**AREA, "cells": 5}).status_code in (401, 403)
    assert _map_streets(clients[role]) == []
    page = html.unescape(clients[role].get("/", params=AREA).text)
    streets = [t for t in _named(_map_streets(clients[Role.ANALYST])) if t.endswith(STREETS)]
    assert len(streets) > 20 and [t for t in streets if t in page] == []
