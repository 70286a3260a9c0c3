"""The problem pages and the printed profile on the demo's problems, role by role, exactly as the problems API: the
analyst sees everything with the audit trail; a partner the problems it is party to; a councillor a summary of the
problems in their wards with no counts; the public only published progress notes."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

import pypdf
import pytest
from fastapi.testclient import TestClient

from api.services.tasking_demo import open_demo_problems
from tests.conftest import sign_in


def _client(c: TestClient, role: str, sources: tuple[str, ...] = ()) -> TestClient:
    other = TestClient(c.app)
    if role != "public":
        sign_in(other, role, sources)
    return other


@pytest.fixture()
def demo(tasking_client: TestClient) -> list[dict[str, Any]]:
    """The demo's two problems opened in the test's tasking database."""
    app: Any = tasking_client.app
    return open_demo_problems(app.state.con, app.state.tasking)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_analysts_page(tasking_client: TestClient, demo: list[dict[str, Any]]) -> None:
    analyst = _client(tasking_client, "analyst")
    listed = analyst.get("/problems")
    assert listed.status_code == 200 and "text/html" in listed.headers["content-type"]
    for p in demo:
        assert f'href="/problems/{p["id"]}"' in listed.text and p["title"] in listed.text
    page = analyst.get(f"/problems/{demo[0]['id']}")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src-attr 'none'" in csp and "<script" not in page.text  # no script, no inline handler
    text = _text(page.text)
    detail = analyst.get(f"/api/v1/problems/{demo[0]['id']}").json()
    profile, result = detail["profile"], demo[0]["result"]
    assert f"{profile['total']} incidents in the area" in text
    top = max(profile["places"], key=lambda p: p["count"])
    assert f"{top['place']} (repeat) {top['count']}" in text
    assert "police.uk gives the month only" in text
    w = result["wdd"]
    assert (
        f"{w['total']:+.0f} (SE {w['se']:.1f}, z {w['z']:.2f}, 95% interval {w['low']:+.0f} to {w['high']:+.0f})"
        in text
    )
    assert result["summary"] in text
    met = result["target"]["reading"]  # read against comparable places
    assert met in ("met", "met, but within what comparable places did", "not met")
    assert f"Target: down 20% against control change {result['target']['change'] * 100:+.0f}% {met}" in text
    assert f"Against 199 comparable places rate ratio {result['placebo']['rate_ratio']['ratio']:.2f}" in text
    assert result["verdict"] in text
    assert "Audit trail" in text and "created evaluation" in text
    assert page.text.count('src="data:image/png;base64,') == 3  # the area, the monthly chart and the Lorenz curve
    assert '<a href="/api/v1/problems/1/profile.pdf">' in page.text


def test_overdue_actions_in_the_list_and_on_the_page(tasking_client: TestClient, demo: list[dict[str, Any]]) -> None:
    analyst = _client(tasking_client, "analyst")
    pid = demo[1]["id"]
    late = {
        "what": "Lighting survey",
        "owner_agency": "complaint",
        "start": "2025-01-01",
        "due": "2025-02-01",
        "measure": "Survey done",
    }
    assert analyst.post(f"/api/v1/problems/{pid}/actions", json=late).status_code == 201
    listed = _text(analyst.get("/problems").text)
    assert "1 of 2" in listed and "0 of 1" in listed
    page = analyst.get(f"/problems/{pid}").text
    assert '<td class="overdue">overdue</td>' in page


def test_partners_see_the_problems_they_are_party_to(tasking_client: TestClient, demo: list[dict[str, Any]]) -> None:
    first, second = (p["id"] for p in demo)  # partners: police and warden; complaint and warden
    police = _client(tasking_client, "partner", ("police",))
    listed = police.get("/problems").text
    assert demo[0]["title"] in listed and demo[1]["title"] not in listed
    page = police.get(f"/problems/{first}")
    assert page.status_code == 200 and "Audit trail" not in page.text
    text = _text(page.text)
    assert "complaint" not in re.sub(r"cleveland-council-crm|Partners.*?Opened", "", text)  # not its sources
    assert police.get(f"/problems/{second}").status_code == 404
    assert police.get(f"/api/v1/problems/{second}/profile.pdf").status_code == 404
    assert police.get(f"/api/v1/problems/{first}/profile.pdf").status_code == 200


def test_councillors_see_a_summary_of_their_wards(tasking_client: TestClient, demo: list[dict[str, Any]]) -> None:
    councillor = _client(tasking_client, "councillor")
    pid = demo[0]["id"]
    assert councillor.get(f"/problems/{pid}").status_code == 404
    assert demo[0]["title"] not in councillor.get("/problems").text
    app: Any = tasking_client.app
    token_id = app.state.access.by_token(councillor.headers["Authorization"].split()[1]).token_id
    detail = _client(tasking_client, "analyst").get(f"/api/v1/problems/{pid}").json()
    app.state.tasking.set_councillor_wards(token_id, [n["code"] for n in detail["area"]["names"]], ("t", "analyst"))
    page = councillor.get(f"/problems/{pid}")
    assert page.status_code == 200
    text = _text(page.text)
    assert demo[0]["title"] in text and "Evening and weekend foot patrols" in text
    assert "incidents in the area" not in text and "Did it work" not in text and "data:image" not in page.text
    assert str(detail["profile"]["total"]) not in re.findall(r"\d+", text)
    assert "Audit trail" not in text and "Profile (PDF" not in text
    assert councillor.get(f"/api/v1/problems/{pid}/profile.pdf").status_code == 403


def test_the_public_sees_published_notes_only(tasking_client: TestClient, demo: list[dict[str, Any]]) -> None:
    public = _client(tasking_client, "public")
    analyst = _client(tasking_client, "analyst")
    cells = analyst.get(f"/api/v1/problems/{demo[0]['id']}").json()["area"]["value"]
    pid = analyst.post(
        "/api/v1/problems",
        json={"title": "Unpublished", "owner": "CSP", "area": {"cells": cells}, "baseline_to": "2025-06"},
    ).json()["id"]
    assert public.get(f"/problems/{pid}").status_code == 404
    listed = public.get("/problems")
    assert listed.status_code == 200 and "Unpublished" not in listed.text and demo[0]["title"] not in listed.text
    page = public.get(f"/problems/{demo[0]['id']}")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Patrols and clean-up ran from July to December 2025." in text
    assert demo[0]["title"] not in text and "Owner" not in text and "Actions" not in text and "incidents" not in text
    assert public.get(f"/api/v1/problems/{demo[0]['id']}/profile.pdf").status_code == 401


def test_the_printed_profile(tasking_client: TestClient, demo: list[dict[str, Any]]) -> None:
    analyst = _client(tasking_client, "analyst")
    for p in demo:
        response = analyst.get(f"/api/v1/problems/{p['id']}/profile.pdf")
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) == 1
        assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == [595, 842]  # A4
        text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
        profile = analyst.get(f"/api/v1/problems/{p['id']}").json()["profile"]
        assert p["title"] in text and f"{profile['total']} incidents in the area" in text
        top = max(profile["places"], key=lambda x: x["count"])
        assert f"{top['place']} (repeat) {top['count']}" in text
        assert f"{p['result']['wdd']['total']:+.0f} (SE {p['result']['wdd']['se']:.1f}" in text


def test_hostile_text_is_escaped_on_the_pages(tasking_client: TestClient, demo: list[dict[str, Any]]) -> None:
    analyst = _client(tasking_client, "analyst")
    img, font = "<img src=x onerror=alert(1)>", "<font size=80>Big</font> & Sons"
    cells = analyst.get(f"/api/v1/problems/{demo[0]['id']}").json()["area"]["value"]
    body = {"title": img, "description": font, "owner": font, "area": {"cells": cells}, "baseline_to": "2025-06"}
    pid = analyst.post("/api/v1/problems", json=body).json()["id"]
    action = {"what": img, "owner_agency": font, "start": "2025-07-01", "due": "2025-08-01", "measure": img}
    assert analyst.post(f"/api/v1/problems/{pid}/actions", json=action).status_code == 201
    for html in (analyst.get(f"/problems/{pid}").text, analyst.get("/problems").text):
        assert "<img src=x" not in html and "<font" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    pdf = analyst.get(f"/api/v1/problems/{pid}/profile.pdf").content
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert len(reader.pages) == 1 and img in text and f"owner: {font}" in text


def test_the_analysts_page_shows_the_areas_concentration_and_repeat_places(
    tasking_client: TestClient, demo: list[dict[str, Any]]
) -> None:
    analyst = _client(tasking_client, "analyst")
    for p in demo:
        text = _text(analyst.get(f"/problems/{p['id']}").text)
        profile = analyst.get(f"/api/v1/problems/{p['id']}").json()["profile"]
        c, r = profile["concentration"], profile["repeat_places"]
        assert f"Half the area's incidents at {100 * c['half']:.1f}% of its {c['places']:,} places" in text
        assert f"Gini {c['gini']:.2f}" in text
        first = r["top"]["places"][0]
        assert f"Top repeat places, {r['top']['from']} to {r['top']['to']}" in text
        assert f"1 {'; '.join(first['streets'][:3])} {first['count']}" in text
        assert "snap point" in text
    police = _client(tasking_client, "partner", ("police",))
    view = police.get(f"/api/v1/problems/{demo[0]['id']}").json()["profile"]
    assert view is None or ("concentration" not in view and "repeat_places" not in view)
