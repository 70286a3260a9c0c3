"""The place statistics of the demo's problems on their page and in their printed profile: the Lorenz curve and
concentration figures, the repeat rate beside chance and the top repeat places, the near-repeat headline and the risky
facilities, for analysts; none of them for a partner (they are figures across every source)."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

import numpy as np
import pypdf
import pytest
from fastapi.testclient import TestClient

from api.services.tasking_demo import open_demo_problems
from tests.conftest import sign_in

LORENZ_ALT = "Lorenz curve of the area's places"


def _client(c: TestClient, role: str, sources: tuple[str, ...] = ()) -> TestClient:
    other = TestClient(c.app)
    sign_in(other, role, sources)
    return other


@pytest.fixture()
def demo(tasking_client: TestClient) -> list[dict[str, Any]]:
    """The demo's two problems opened in the test's tasking database."""
    app: Any = tasking_client.app
    return open_demo_problems(app.state.con, app.state.tasking)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_profile_keeps_the_lorenz_curve_of_its_places(
    tasking_client: TestClient, demo: list[dict[str, Any]]
) -> None:
    analyst = _client(tasking_client, "analyst")
    for p in demo:
        c = analyst.get(f"/api/v1/problems/{p['id']}").json()["profile"]["concentration"]
        places = np.array([pt["places"] for pt in c["lorenz"]])
        held = np.array([pt["incidents"] for pt in c["lorenz"]])
        assert places.tolist() == pytest.approx(np.linspace(0, 1, 21).tolist())
        assert held[0] == 0 and held[-1] == pytest.approx(1)
        slopes = np.diff(held) / np.diff(places)
        assert (slopes >= 0).all() and (np.diff(slopes) <= 5e-3).all()  # rising; concave (to the rounding)
        # the busiest `half` of places hold half the incidents: the curve crosses 50% within a step of it
        assert np.interp(c["half"] + 0.05, places, held) >= 0.5 - 1e-6 >= np.interp(c["half"] - 0.05, places, held)


def test_the_analysts_page_draws_the_lorenz_curve_and_the_repeat_rate(
    tasking_client: TestClient, demo: list[dict[str, Any]]
) -> None:
    analyst = _client(tasking_client, "analyst")
    for p in demo:
        html = analyst.get(f"/problems/{p['id']}").text
        profile = analyst.get(f"/api/v1/problems/{p['id']}").json()["profile"]
        assert f'alt="{LORENZ_ALT}' in html
        assert re.search(r'<img class="chart lorenz" src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', html)
        w = profile["repeat_places"]["last_window"]
        assert f"{100 * w['repeat_rate']:.0f}% of the {w['incidents']:,} incidents of those 12 months at" in _text(html)
        assert f"chance alone would give {100 * w['chance_rate']:.0f}%" in _text(html)
    police = _client(tasking_client, "partner", ("police",))
    assert LORENZ_ALT not in police.get(f"/problems/{demo[0]['id']}").text


def test_the_printed_profile_gives_the_place_statistics(tasking_client: TestClient, demo: list[dict[str, Any]]) -> None:
    analyst = _client(tasking_client, "analyst")
    for p in demo:
        reader = pypdf.PdfReader(io.BytesIO(analyst.get(f"/api/v1/problems/{p['id']}/profile.pdf").content))
        text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
        profile = analyst.get(f"/api/v1/problems/{p['id']}").json()["profile"]
        c, r = profile["concentration"], profile["repeat_places"]
        assert len(reader.pages) == 1
        assert f"Half the area's incidents at {100 * c['half']:.1f}% of its {c['places']:,} places" in text
        assert f"Gini {c['gini']:.2f}" in text and f"{100 * c['beyond_chance']:.0f}% of it beyond chance" in text
        assert f"Top repeat places, {r['top']['from']} to {r['top']['to']}" in text
        first = r["top"]["places"][0]
        assert f"1. {first['streets'][0]} {first['count']} ({len(first['months'])} months)" in text
        w = r["last_window"]
        assert f"{100 * w['repeat_rate']:.0f}% of {w['incidents']:,} incidents at {w['repeat_places']:,} repeat" in text
        assert f"Near-repeats {profile['near_repeat']['headline']}." in text
        assert "Risky facilities" in text
    police = _client(tasking_client, "partner", ("police",))
    pdf = police.get(f"/api/v1/problems/{demo[0]['id']}/profile.pdf")
    if pdf.status_code == 200:  # a partner party to the problem: its own sources, without the place statistics
        text = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        assert "Concentration across places" not in text and "Top repeat places" not in text
