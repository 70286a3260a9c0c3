"""The analyst map renders in headless Chromium with no internet: a screenshot shows the choropleth, and names from
boundary files and feeds show in tooltips and the layer control as text."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

import api
from api.access.principals import Principal, Role
from api.render.map_counts import HEX_OPACITY, HEX_PALETTE, WARD_OPACITY, WARD_PALETTE
from api.render.map_page import build_map
from tests.api.render.browser import CHROMIUM, colour_share, needs_chromium, serving
from tests.api.render.hostile import MapInputs, hostile_view

STATIC = Path(api.__file__).resolve().parent / "static"  # the map's own Leaflet and stylesheet
# After the map loads: open the tooltip of every layer on the map, then count tooltips and any <img> they made.
OPEN_TOOLTIPS = """<script>window.addEventListener("load", () => setTimeout(() => {
  for (const [name, layer] of Object.entries(window)) {
    const shown = name.startsWith("geo_json_") && layer && layer._map;
    if (shown && layer.getTooltip && layer.getTooltip()) layer.openTooltip();
  }
  document.body.dataset.tooltips = document.querySelectorAll(".leaflet-tooltip").length;
  document.body.dataset.images = document.querySelectorAll(".leaflet-tooltip img, .leaflet-control img").length;
}, 300));</script>"""

pytestmark = [needs_chromium, pytest.mark.browser]


@pytest.fixture(scope="module")
def server(cleveland_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`aim serve` on a loopback port over a copy of the real-data store (a served store is the server's alone)."""
    store = tmp_path_factory.mktemp("served") / "aim.duckdb"
    shutil.copyfile(cleveland_store, store)
    with serving(store) as url:
        yield url


def _screenshot(url: str, out: Path) -> Image.Image:
    assert CHROMIUM is not None, "CI must install chromium"
    profile = out.parent / "profile"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1200,800",
        "--virtual-time-budget=8000",
        "--hide-scrollbars",
        f"--screenshot={out}",
        url,
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return Image.open(out).convert("RGB")


def _dom(page: Path) -> str:
    """The page's DOM after its scripts ran, from a local file (no server, no network)."""
    assert CHROMIUM is not None, "CI must install chromium"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        f"--user-data-dir={page.parent / 'profile'}",
        "--allow-file-access-from-files",
        "--virtual-time-budget=5000",
        "--dump-dom",
        page.as_uri(),
    ]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120).stdout


def test_page_uses_only_local_assets(client: TestClient) -> None:
    html = client.get("/").text
    assert "/static/leaflet/leaflet.js" in html
    assert "cdn." not in html and "https://" not in html.split("<body>")[0]


def test_map_draws_wards_and_hexes_offline(server: str, tmp_path: Path) -> None:
    image = _screenshot(f"{server}/?from=2025-02&to=2025-12", tmp_path / "map.png")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, "page is blank"
    background = max(colours)[0] / (image.width * image.height)
    assert background < 0.8, "map area is mostly one colour"
    assert colour_share(image, WARD_PALETTE, WARD_OPACITY) > 0.03, "ward choropleth fills not drawn"
    assert colour_share(image, HEX_PALETTE, HEX_OPACITY) > 0.01, "hexagons not drawn"


def test_page_draws_only_authorities_with_incidents(client: TestClient) -> None:
    html = client.get("/", params={"from": "2025-03", "to": "2025-12"}).text
    assert '"E06000001"' in html  # Hartlepool (Cleveland data all year)
    assert '"E07000202"' not in html  # Ipswich: in the boundary set, no data loaded
    with_notts = client.get("/", params={"from": "2025-01", "to": "2025-01"}).text
    assert '"E06000018"' in with_notts  # Nottingham: its January file is loaded


def test_tooltips_and_the_layer_control_show_a_hostile_name_as_text(analyst: MapInputs, tmp_path: Path) -> None:
    """folium's tooltips and Leaflet's layer control write names with innerHTML: a ward or source named like markup
    stays text (were it markup, the image's onerror would mark the page)."""
    payload = '<img src=x onerror="document.body.dataset.pwned=1">'
    view, filters, settings = analyst
    page = build_map(hostile_view(view, payload), filters, settings, Principal("Sam", Role.ANALYST))
    page = page.replace('"/static/', f'"{STATIC.as_uri()}/')
    file = tmp_path / "map.html"
    file.write_text(page[: page.rindex("</html>")] + OPEN_TOOLTIPS + "</html>")
    dom = _dom(file)
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None
    assert 'data-tooltips="2"' in body[0], "the ward and Gi* tooltips did not open"  # the layers shown at first
    assert 'data-images="0"' in body[0] and "pwned" not in body[0]
    shown = html.escape(payload, quote=False)
    tooltips = re.findall(r'<div class="leaflet-tooltip.*?</table>', dom, re.S)
    assert len(tooltips) == 2 and all(shown in t for t in tooltips)  # the ward's name; the Gi* cell's ward
    assert f"Hexagons: {shown} only" in dom  # the per-source layer's label
