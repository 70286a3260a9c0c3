"""Invalid parameters get a 422 with a readable message, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from ingest.pipeline import IngestOptions, run
from ingest.registry import resolve_feed
from tests.conftest import PROJECT_DATA, load_police, new_store, police_file, sign_in

CASES = [
    ("/api/v1/wards?from=2025-13", "from", "YYYY-MM"),
    ("/api/v1/wards?to=last%20month", "to", "YYYY-MM"),
    ("/api/v1/wards?from=2025-06&to=2025-01", "from", "after to"),
    ("/api/v1/wards?category=loudness", "category", "unknown category 'loudness'"),
    ("/api/v1/wards?source=twitter", "source", "unknown source 'twitter'"),
    ("/api/v1/wards?wards=wards-1999", "wards", "unknown boundary set 'wards-1999'"),
    ("/api/v1/hexes?res=5", "res", "greater than or equal to 6"),
    ("/api/v1/hexes?res=eleven", "res", "integer"),
    ("/api/v1/hexes?bbox=1,2,3", "bbox", "four numbers"),
    ("/api/v1/hexes?bbox=-1,54,-2,55", "bbox", "smaller than max"),
    ("/api/v1/hexes?bbox=-1,54,-0.5,95", "bbox", "latitudes"),
    ("/api/v1/trends?ward=E05000000", "ward", "no ward 'E05000000'"),
    ("/api/v1/trends?lad=E99999999", "lad", "no local authority district"),
    ("/api/v1/trends?lad=E06000001&ward=E05013039", "ward", "give one of"),
    ("/api/v1/trends?interval=day", "interval", "week"),
    ("/api/v1/trends?interval=week&from=2025-02&to=2025-01", "from", "after to"),
    ("/api/v1/trends?format=xlsx", "format", "csv"),
    ("/api/v1/hotspots?top=0", "top", "greater than or equal to 1"),
    ("/?res=99", "res", "less than or equal to 10"),
]


@pytest.mark.parametrize(("url", "parameter", "text"), CASES)
def test_invalid_parameters_are_422_with_a_message(client: TestClient, url: str, parameter: str, text: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.text
    body = r.json()
    assert text in body["detail"]
    assert body["errors"][0]["parameter"] == parameter


@pytest.fixture(scope="module")
def crm_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A service over police.uk January plus the council CRM sample loaded under a source of the council's own
    naming, `crm`."""
    folder = tmp_path_factory.mktemp("crm")
    profile = folder / "crm.toml"
    text = (PROJECT_DATA.parent / "ingest" / "profiles" / "cleveland-council-crm.toml").read_text()
    profile.write_text(
        text.replace('name = "cleveland-council-crm"', 'name = "my-crm"').replace(
            'source = "complaint"', 'source = "crm"'
        )
    )
    con = new_store(folder / "aim.duckdb")
    load_police(con, police_file("cleveland", "01"))
    options = IngestOptions(postcodes=(PROJECT_DATA / "postcodes",))
    report = run(resolve_feed(profile), PROJECT_DATA / "feeds" / "cleveland-council-crm.csv", con, options)
    assert report.loaded > 0
    con.close()
    with TestClient(create_app(Settings(store=folder / "aim.duckdb"))) as c:
        yield c


HELD = ("police", "crm")


def _as(app: TestClient, role: str, sources: tuple[str, ...] = ()) -> TestClient:
    c = TestClient(app.app)
    if role != "public":
        sign_in(c, role, sources)
    return c


@pytest.mark.parametrize("role", ["public", "councillor"])
def test_an_unknown_source_below_analyst_names_no_source_held(crm_app: TestClient, role: str) -> None:
    r = _as(crm_app, role).get("/api/v1/wards", params={"source": "twitter"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "unknown source 'twitter'" in detail and "/docs" in detail
    # the published tables' names (police: the open data, council) and nothing the store holds besides
    assert not any(source in detail.replace("'twitter'", "") for source in ("crm", "warden", "complaint"))


def test_an_unknown_source_lists_only_a_partners_own_sources(crm_app: TestClient) -> None:
    partner = _as(crm_app, "partner", ("warden", "housing"))
    detail = partner.get("/api/v1/wards", params={"source": "twitter"}).json()["detail"]
    assert "unknown source 'twitter'" in detail and "warden" in detail and "housing" in detail
    assert "crm" not in detail
    report = partner.get("/api/v1/sources", params={"source": "housing"})  # covered by its agreement, not held
    assert report.status_code == 422 and "no feed of source 'housing'" in report.json()["detail"]
    assert not any(source in report.json()["detail"] for source in HELD)


def test_an_analyst_is_told_every_source_held(crm_app: TestClient) -> None:
    analyst = _as(crm_app, "analyst")
    assert "crm" in analyst.get("/api/v1/wards", params={"source": "twitter"}).json()["detail"]
    assert "held: crm, police" in analyst.get("/api/v1/sources", params={"source": "twitter"}).json()["detail"]
