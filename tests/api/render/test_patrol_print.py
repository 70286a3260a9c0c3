"""The printed plan draws text from boundary files as it is (mathtext markup in a ward name cannot break it), and
its map over basemap tiles fetched over HTTP when a tile URL is set, saying "no basemap" when there are none."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import numpy as np
import shapely
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader

from api.http.app import create_app
from api.render.basemap_tiles import print_basemap
from api.render.patrol_print import render_plan
from api.services.reference import Ward
from api.settings import OSM_ATTRIBUTION, Settings
from geo.lattice import build_lattice
from tests.api.render.browser import free_port
from tests.api.render.tile_server import TILE_COLOUR, tile_server
from tests.conftest import sign_in

HOSTILE_NAMES = [r"$\foo{$", "$x^2$", "<img src=x onerror=alert(1)>", "50% & 'quoted'"]


def _plan(name: str) -> tuple[dict[str, object], list[tuple[Ward, shapely.Geometry]]]:
    shape = shapely.box(-1.26, 54.54, -1.20, 54.58)
    lattice = build_lattice(["W1"], [shape], 9)
    chosen = np.arange(3)
    cells = [
        {
            "rank": i + 1,
            "ward": "W1",
            "ward_name": name,
            "recent_counts": {"Oct 2025": 1, "Nov 2025": 2, "Dec 2025": 3},
            "expected_per_month": 2.0,
            "trend": "steady",
            "gi_class": "not significant",
        }
        for i in range(3)
    ]
    plan = {
        "area": {"name": name},
        "period": {"from": "2025-01", "to": "2025-12"},
        "cells": cells,
        "selected_area_km2": 0.3,
        "area_share": 0.01,
        "expected_per_month": 6.0,
        "expected_share": 0.1,
        "forecast": {"fitted": f"fitted for {name}"},
        "_lattice": lattice,
        "_selected": chosen,
    }
    ward = Ward("W1", name, "E06000002", "Middlesbrough", shapely.geometry.mapping(shape))
    return plan, [(ward, shape)]


def test_hostile_ward_names_print(tmp_path: Path) -> None:
    for name in HOSTILE_NAMES:
        plan, wards = _plan(name)
        png = render_plan(plan, wards, "png")
        pdf = render_plan(plan, wards, "pdf")
        assert png.startswith(b"\x89PNG") and pdf.startswith(b"%PDF")


def _map_pixels(png: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The printed page's map part and table part (A4 landscape: the map is the left 42%), as RGB arrays."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    split = int(image.shape[1] * 0.42)
    return image[:, :split], image[:, split:]


def _tile_share(part: np.ndarray) -> float:
    """The share of pixels of the tile server's colour (drawn as they are, outside the hexagons)."""
    return float((np.abs(part - np.array(TILE_COLOUR)).sum(axis=2) < 12).mean())


def test_the_plan_is_drawn_over_basemap_tiles_fetched_over_http(tmp_path: Path) -> None:
    plan, wards = _plan("Central")
    with tile_server() as server:
        basemap = print_basemap((server.template, OSM_ATTRIBUTION), tmp_path / "tiles")
        png = render_plan(plan, wards, "png", basemap)
        pdf = render_plan(plan, wards, "pdf", basemap)
    assert server.requests  # fetched for real, over HTTP
    on_map, on_table = _map_pixels(png)
    assert _tile_share(on_map) > 0.2 and _tile_share(on_table) == 0  # the streets under the plan, nowhere else
    text = _pdf_text(pdf)
    assert "© OpenStreetMap contributors" in text and "no basemap" not in text


def test_without_tiles_the_plan_still_prints_and_says_so(tmp_path: Path) -> None:
    plan, wards = _plan("Central")
    unreachable = print_basemap((f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png", OSM_ATTRIBUTION), None)
    for basemap, said in ((None, "no basemap"), (unreachable, "no basemap (tiles unavailable)")):
        png = render_plan(plan, wards, "png", basemap)
        assert png.startswith(b"\x89PNG") and _tile_share(_map_pixels(png)[0]) == 0
        text = _pdf_text(render_plan(plan, wards, "pdf", basemap))
        assert said in text and "OpenStreetMap" not in text


def test_the_served_plan_has_streets_when_a_tile_url_is_set(cleveland_store: Path) -> None:
    with tile_server() as server:
        for tiles, drawn in ((server.template, True), ("none", False)):
            with TestClient(create_app(Settings(store=cleveland_store, tile_url=tiles))) as client:
                sign_in(client)
                params = {"lad": "E06000002", "cells": 10, "format": "png"}
                answer = client.get("/api/v1/patrol-plan", params=params)
                assert answer.status_code == 200
                assert (_tile_share(_map_pixels(answer.content)[0]) > 0.1) is drawn
    assert server.requests and all(agent.startswith("AIM/") for _, agent in server.requests)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_printed_plan_keys_its_gi_column_as_fdr_flags_not_confidence() -> None:
    plan, wards = _plan("Central")
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        page = render_plan(plan, wards, "svg").decode()
    assert "flagged hot at FDR q ≤ 0.01 / 0.05 / 0.10" in page and "hot-99 / hot-95 / hot-90" in page
    assert "% confidence" not in page


LONG_WARD = "Longlands & Beechwood"
LONG_PLACES = ["Smith Street, Park End", "Parking Area Beside The Longlands Road Shops", "Supermarket"]


def _text(document: bytes) -> str:
    """A PDF's text with runs of white space (the line breaks of wrapped names) as one space."""
    return " ".join(_pdf_text(document).split())


def test_printed_names_wrap_and_are_never_cut() -> None:
    plan, wards = _plan(LONG_WARD)
    for cell in plan["cells"]:  # type: ignore[attr-defined]
        cell["places"] = [{"place": place, "count": 3} for place in LONG_PLACES]
    text = _text(render_plan(plan, wards, "pdf"))
    assert text.count(LONG_WARD) >= 4  # the title, the map and every row's ward, whole
    assert text.count(", ".join(LONG_PLACES)) == 3  # every row's streets and places, whole


def test_every_name_of_a_real_plan_prints_whole(client: TestClient) -> None:
    """The printed plan of Middlesbrough's 30 busiest cells: each row's ward and places print whole (a row the page
    cannot hold is counted below the table, never cut)."""
    asked = {"lad": "Middlesbrough", "cells": 30}
    plan = client.get("/api/v1/patrol-plan", params=asked).json()
    text = _text(client.get("/api/v1/patrol-plan", params={**asked, "format": "pdf"}).content)
    shown = [c for c in plan["cells"] if f"{c['grid_ref']} " in text]
    assert len(shown) >= 20 and [c["rank"] for c in shown] == list(range(1, len(shown) + 1))
    for cell in shown:
        assert cell["ward_name"] in text and ", ".join(p["place"] for p in cell["places"]) in text
    if len(shown) < 30:
        assert f"... and {30 - len(shown)} more cells" in text
    long = [c["ward_name"] for c in shown if len(c["ward_name"]) > 20]
    assert long  # Middlesbrough has ward names the old print cut at 20 characters
