"""AimClient against the app itself (a TestClient over the Cleveland store): typed answers, frames and problems."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import httpx
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.access.principals import Role
from api.client import AimClient, ApiError
from api.client.client import query
from api.http.app import create_app
from api.http.models.status import Health, ServiceStatus
from api.http.models.trends import MonthlyTrend, Movers
from api.settings import Settings

QUARTER = {"from_": "2025-10", "to": "2025-12", "category": "asb"}


@pytest.fixture(scope="module")
def app_client(cleveland_store: Path) -> Iterator[TestClient]:
    """The app over the Cleveland store, with nobody signed in."""
    with TestClient(create_app(Settings(store=cleveland_store, tile_url="none"))) as c:
        yield c


def _aim(app_client: TestClient, role: Role | None) -> AimClient:
    token = app_client.app.state.access.create_token(f"client {role}", role) if role else ""  # type: ignore[attr-defined]
    return AimClient(token=token, http=app_client)


@pytest.fixture()
def analyst(app_client: TestClient) -> AimClient:
    return _aim(app_client, Role.ANALYST)


def test_query_names_and_values_are_the_apis() -> None:
    sent = query({"from_": "2025-01", "to": None, "dedupe": False, "category": ["noise", "asb"], "top": 3})
    assert sent == {"from": "2025-01", "dedupe": "false", "category": ["noise", "asb"], "top": 3}


def test_health_says_what_the_store_holds(analyst: AimClient) -> None:
    health = analyst.health()
    assert isinstance(health, Health) and health.sources is not None
    police = health.sources["police"]
    assert (police.first_month, police.latest_month) == ("2025-01", "2025-12")


def test_movers_and_trend_are_typed_and_agree(analyst: AimClient, app_client: TestClient) -> None:
    movers = analyst.movers(**QUARTER, top=5)
    assert isinstance(movers, Movers) and movers.comparable
    assert (movers.period.from_, movers.previous_period.from_) == ("2025-10", "2025-07")
    assert 0 < len(movers.rising) <= 5 and all(m.code.startswith("E05") for m in movers.rising)
    token = "Bearer " + app_client.app.state.access.create_token("raw", Role.ANALYST)  # type: ignore[attr-defined]
    raw = app_client.get(
        "/api/v1/trends/movers", params={"from": "2025-10", "to": "2025-12", "top": 5}, headers={"Authorization": token}
    ).json()
    assert [m.code for m in movers.rising] == [m["code"] for m in raw["rising"]]

    ward = movers.rising[0]
    trend = analyst.trend(ward=ward.code, from_="2025-01", to="2025-12")
    assert isinstance(trend, MonthlyTrend) and trend.area.type == "ward"
    assert [p.month for p in trend.series] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert trend.total == sum(p.count or 0 for p in trend.series)
    # the CSV of the same trend as a DataFrame: the same months and counts
    table = analyst.trend_table(ward=ward.code, from_="2025-01", to="2025-12")
    assert list(table.columns) == ["month", "count", "held", "area"]
    assert table["count"].dtype == "Int64" and table["held"].dtype == "boolean" and bool(table["held"].all())
    assert table["month"].tolist() == [p.month for p in trend.series]
    assert table["count"].tolist() == [p.count for p in trend.series]
    assert set(table["area"]) == {ward.code}
    # the last quarter's count in the series is the ward's count among the movers
    assert sum(table["count"].tolist()[-3:]) == ward.count


def test_below_analyst_health_is_the_service_status_alone(app_client: TestClient) -> None:
    health = _aim(app_client, Role.COUNCILLOR).health()
    assert type(health) is ServiceStatus and health.status == "ok"


def test_layers_as_geodataframes(analyst: AimClient) -> None:
    wards = analyst.wards(crs="EPSG:27700", **QUARTER)
    layer = analyst.ward_layer(**QUARTER)
    assert isinstance(wards, gpd.GeoDataFrame) and wards.crs.to_epsg() == 27700
    assert len(wards) == len(layer.features) > 80
    by_code = {f.id: f.properties.count for f in layer.features}
    assert wards["count"].to_dict() == by_code  # indexed by ward code, the same counts as the model
    assert wards.attrs["period"] == {"from": "2025-10", "to": "2025-12"}
    assert 1e9 < wards.area.sum() < 1e11  # square metres in British National Grid (about 19,500 km2)
    hexes = analyst.hexes(res=7, **QUARTER)
    assert hexes.crs.to_epsg() == 4326 and hexes.index.name == "id"
    assert hexes["count"].sum() == sum(f.properties.count for f in analyst.hex_layer(res=7, **QUARTER).features)
    assert isinstance(analyst.json("/api/v1/hotspots", **QUARTER), dict)


def test_refusals_raise_the_problem_detail(app_client: TestClient, analyst: AimClient) -> None:
    with pytest.raises(ApiError) as refused:
        analyst.trend(ward="E05999999")
    assert refused.value.status == 422 and "no ward 'E05999999'" in refused.value.detail
    assert str(refused.value).startswith("422: ward: no ward")
    with pytest.raises(ApiError) as invalid:
        analyst.movers(top=0)
    assert invalid.value.status == 422 and [e.parameter for e in invalid.value.errors] == ["top"]
    with pytest.raises(ApiError) as public:
        _aim(app_client, None).sources()
    assert public.value.status == 401 and public.value.detail.startswith("sign in: this route needs a token")


def test_server_and_token_from_the_environment(app_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIM_SERVER", raising=False)
    monkeypatch.delenv("AIM_TOKEN", raising=False)
    with pytest.raises(ValueError, match="AIM_SERVER"):
        AimClient()
    assert type(AimClient(http=app_client).health()) is ServiceStatus  # no token: what the public is told
    token = app_client.app.state.access.create_token("from the environment", Role.ANALYST)  # type: ignore[attr-defined]
    monkeypatch.setenv("AIM_TOKEN", token)
    assert isinstance(AimClient(http=app_client).health(), Health)
    assert type(AimClient(token="", http=app_client).health()) is ServiceStatus  # an argument wins over AIM_TOKEN
    monkeypatch.setenv("AIM_SERVER", "http://127.0.0.1:1/")
    with AimClient() as aim:
        assert str(aim.http.base_url) == "http://127.0.0.1:1"
        with pytest.raises(httpx.ConnectError):  # nothing listens there: httpx's own error
            aim.health()
    behind_a_prefix = AimClient("http://example.org/aim/").http.build_request("GET", "/api/v1/trends").url
    assert str(behind_a_prefix) == "http://example.org/aim/api/v1/trends"


def test_frames_keep_pandas_types(analyst: AimClient) -> None:
    table = analyst.trend_table(from_="2025-11", to="2025-12")
    assert isinstance(table, pd.DataFrame) and table["area"].tolist() == ["all", "all"]
