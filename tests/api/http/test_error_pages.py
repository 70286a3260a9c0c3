"""Browsers get pages, API clients JSON: signed-out pages send the browser to sign in (and back, to this site only),
errors are readable pages with everything the caller sent escaped, only partnerships holding data are offered for a
pack, and an unknown OGC collection is an OGC error."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.access.principals import Role
from api.http.app import create_app
from api.settings import Settings
from tests.conftest import sign_in

CHROMIUM = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
PAGE = {"Accept": CHROMIUM}
JSON = {"Accept": "application/json"}
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def app_over_demo(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The service over a copy of the demo store (real Cleveland police.uk data and the council samples)."""
    store = tmp_path_factory.mktemp("pages") / "aim.duckdb"
    shutil.copyfile(demo_store, store)
    with TestClient(create_app(Settings(store=store, tile_url="none"))) as client:
        yield client


@pytest.fixture()
def public(app_over_demo: TestClient) -> TestClient:
    return TestClient(app_over_demo.app, follow_redirects=False)


@pytest.fixture()
def analyst(app_over_demo: TestClient) -> TestClient:
    return sign_in(TestClient(app_over_demo.app, follow_redirects=False))  # type: ignore[return-value]


@pytest.mark.parametrize("path", ["/tasking", "/feeds", "/sources", "/tasking?csp=Middlesbrough&date=2025-12-10"])
def test_signed_out_browsers_are_sent_to_sign_in_and_api_clients_get_401(public: TestClient, path: str) -> None:
    page = public.get(path, headers=PAGE)
    assert page.status_code == 303 and page.headers["location"] == f"/login?next={quote(path)}"
    for accept in ("application/json", "*/*", "application/json, text/html;q=0.5", ""):
        answer = public.get(path, headers={"Accept": accept})
        assert answer.status_code == 401 and answer.json()["status"] == 401, accept
    assert public.get("/api/v1/sources", headers=PAGE).status_code == 303  # an API link opened in a browser


@pytest.mark.parametrize(
    "next_path",
    [
        "//evil.example/",
        "/\\evil.example",
        "https://evil.example/",
        "/\t/evil.example",
        "/\n/evil.example",
        " //evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "",
    ],
)
def test_sign_in_goes_back_to_this_site_only(app_over_demo: TestClient, next_path: str) -> None:
    token = app_over_demo.app.state.access.create_token("Kim", Role.ANALYST)  # type: ignore[attr-defined]
    browser = TestClient(app_over_demo.app, base_url="https://testserver", follow_redirects=False)
    signed_in = browser.post("/login", data={"token": token, "next": next_path})
    assert signed_in.status_code == 303
    location = signed_in.headers["location"]
    assert location == ("/%2F%2Fevil.example" if next_path.startswith("/%2F") else "/"), location
    back = browser.get("/login", params={"next": next_path, "cookie": "sent"})
    assert back.status_code == 303 and back.headers["location"] == location


def test_sign_in_goes_back_to_the_page_asked_for(app_over_demo: TestClient) -> None:
    token = app_over_demo.app.state.access.create_token("Kim", Role.ANALYST)  # type: ignore[attr-defined]
    browser = TestClient(app_over_demo.app, base_url="https://testserver", follow_redirects=False)
    sent = browser.get("/tasking?csp=Middlesbrough", headers=PAGE)
    form = browser.get(sent.headers["location"])
    assert 'value="/tasking?csp=Middlesbrough"' in form.text
    signed_in = browser.post("/login", data={"token": token, "next": "/tasking?csp=Middlesbrough"})
    assert signed_in.headers["location"] == "/tasking?csp=Middlesbrough"


def _readable(response: object, status: int, *words: str) -> str:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    text: str = response.text  # type: ignore[attr-defined]
    assert "<h1>" in text and f"{status}" in text and 'href="/"' in text
    assert "<script>alert" not in text and '"detail"' not in text
    for word in words:
        assert word in text, (word, text)
    return text


def test_errors_are_readable_pages_for_browsers_and_json_for_api_clients(
    analyst: TestClient, public: TestClient
) -> None:
    unknown = analyst.get(f"/tasking?csp={quote(HOSTILE)}", headers=PAGE)
    _readable(unknown, 422, "no community safety partnership", "&lt;script&gt;alert(1)&lt;/script&gt;", "Middlesbrough")
    as_json = analyst.get(f"/tasking?csp={quote(HOSTILE)}", headers=JSON)
    assert as_json.status_code == 422 and as_json.json()["errors"][0]["parameter"] == "csp"
    bad_date = analyst.get("/tasking?csp=Middlesbrough&date=last+week", headers=PAGE)
    _readable(bad_date, 422, "date", "last week")
    _readable(analyst.get("/?res=99", headers=PAGE), 422, "res")
    nowhere = public.get(f"/no/such/{quote(HOSTILE)}?x={quote(HOSTILE)}", headers=PAGE)
    _readable(nowhere, 404, "/no/such/&lt;script&gt;alert(1)&lt;/script&gt;")
    assert public.get("/no/such/page", headers=JSON).json() == {"detail": "Not Found"}
    assert public.get("/no/such/page").json() == {"detail": "Not Found"}
    partner = sign_in(TestClient(analyst.app, follow_redirects=False), "partner", ("warden",))
    refused = partner.get("/tasking", headers=PAGE)  # type: ignore[attr-defined]
    _readable(refused, 403, "partner", "/login?next=/tasking")
    assert partner.get("/tasking", headers=JSON).json()["status"] == 403  # type: ignore[attr-defined]
    api = analyst.get("/api/v1/wards?from=2025-13", headers=PAGE)  # the API answers JSON to everyone
    assert api.status_code == 422 and api.json()["errors"][0]["parameter"] == "from"


def test_only_partnerships_holding_data_are_offered(analyst: TestClient) -> None:
    choice = analyst.get("/tasking", headers=PAGE)
    assert choice.status_code == 200
    offered = re.findall(r"<option>([^<]+)</option>", choice.text)
    assert "Middlesbrough" in offered and "Hartlepool" in offered
    assert "County Durham" not in offered and "North Yorkshire" not in offered  # a few of Cleveland's rows only
    without_wards = analyst.get("/api/v1/tasking/pack", params={"csp": "County Durham"})
    assert without_wards.status_code == 422 and without_wards.json()["errors"][0]["parameter"] == "csp"
    assert "no wards of County Durham" in without_wards.text and "Middlesbrough" in without_wards.text
    for name in offered:
        pack = analyst.get("/tasking", params={"csp": name.replace("&amp;", "&")}, headers=PAGE)
        assert pack.status_code == 200, (name, pack.text[:500])


def test_an_unknown_ogc_collection_is_an_ogc_error(public: TestClient) -> None:
    for path in ("/ogc/collections/nothing", "/ogc/collections/nothing/items", "/ogc/collections/nothing/items/1"):
        answer = public.get(path, headers={"Accept": "application/geo+json"})
        assert answer.status_code == 404
        body = answer.json()
        assert body["code"] == "NotFound" and "nothing" in body["description"] and "/ogc/collections" in body["detail"]
    page = public.get(f"/ogc/collections/{quote(HOSTILE)}", headers=PAGE)
    _readable(page, 404, "no collection", "&lt;script&gt;", 'href="/ogc/collections"')
