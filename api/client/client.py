"""AimClient: the API's answers as typed models and its layers and tables as (Geo)DataFrames, over HTTP."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self

import geopandas as gpd
import httpx
import pandas as pd
from pydantic import TypeAdapter

from api.client.errors import problem_of
from api.http.models.layers import HexLayer, WardLayer
from api.http.models.status import Health, ServiceStatus, SourcesReport
from api.http.models.trends import Movers, Trend
from geo.frames import WGS84, to_geodataframe

QueryValue = str | int | float | bool | Sequence[str] | None
API = "/api/v1"
_TREND: TypeAdapter[Trend] = TypeAdapter(Trend)
_HEALTH: TypeAdapter[Health | ServiceStatus] = TypeAdapter(Health | ServiceStatus)


def query(params: Mapping[str, QueryValue]) -> dict[str, Any]:
    """Keyword arguments as the API's query: `from_` sent as `from`, booleans as true/false, None left out."""
    sent: dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        key = "from" if name == "from_" else name
        sent[key] = str(value).lower() if isinstance(value, bool) else value
    return sent


class AimClient:
    """A running AIM service (`server`, else AIM_SERVER) read with a token (`token`, else AIM_TOKEN; none: public
    answers only). Every method takes the API's filters as keywords (`from_`, `to`, `category`, `source`, `dedupe`,
    `wards`, ...) and raises ApiError with the service's problem detail when it refuses. `http` sends through a
    client of your own (e.g. a FastAPI TestClient, whose base URL is then the server)."""

    def __init__(
        self,
        server: str | None = None,
        token: str | None = None,
        *,
        timeout: float = 300,
        http: httpx.Client | None = None,
    ) -> None:
        token = token if token is not None else os.environ.get("AIM_TOKEN", "").strip()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if http is None:
            base = server or os.environ.get("AIM_SERVER", "").strip()
            if not base:
                raise ValueError("no AIM service: pass server= or set AIM_SERVER (e.g. http://127.0.0.1:8000)")
            http = httpx.Client(base_url=base.rstrip("/"), timeout=timeout)
            self._owned = True
        else:
            self._owned = False
        self.http = http
        self._headers = headers

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections (not those of a client passed in as `http`)."""
        if self._owned:
            self.http.close()

    def get(
        self, path: str, params: Mapping[str, QueryValue] | None = None, accept: str = "application/json"
    ) -> httpx.Response:
        """GET any route (e.g. "/api/v1/hotspots") with the query given; its answer, or ApiError when not 2xx."""
        headers = {**self._headers, "Accept": accept}
        response = self.http.get(path, params=query(params or {}), headers=headers)
        if not response.is_success:
            raise problem_of(response)
        return response

    def json(self, path: str, **params: QueryValue) -> Any:
        """Any JSON route's answer as plain JSON (lists, dicts): for routes without a method here."""
        return self.get(path, params).json()

    def health(self) -> Health | ServiceStatus:
        """The service's state; for an analyst, what the store holds (sources with their first and latest months)."""
        return _HEALTH.validate_json(self.get("/healthz").content)

    def sources(self) -> SourcesReport:
        """Per feed and month: rows loaded, quarantined, location precision and gap flags."""
        return SourcesReport.model_validate_json(self.get(f"{API}/sources").content)

    def movers(self, **params: QueryValue) -> Movers:
        """Rising and falling wards (`top`, `alpha`, `compare`, `area`, `lad` and the filters)."""
        return Movers.model_validate_json(self.get(f"{API}/trends/movers", params).content)

    def trend(self, **params: QueryValue) -> Trend:
        """A monthly or weekly trend (`ward`, `lad`, `h3`, `interval`, `alpha`, `area` and the filters)."""
        return _TREND.validate_json(self.get(f"{API}/trends", params).content)

    def trend_table(self, **params: QueryValue) -> pd.DataFrame:
        """A trend's series as the API's CSV gives it: month (or week, week_start), count (empty: not held or not
        published), held and area, one row per month (week)."""
        answer = self.get(f"{API}/trends", {**params, "format": "csv"}, accept="text/csv")
        table = pd.read_csv(io.BytesIO(answer.content), dtype={"count": "Int64", "area": "string"})
        return table.astype({"held": "boolean"})

    def ward_layer(self, **params: QueryValue) -> WardLayer:
        """The ward layer as its model (FeatureCollection with periods and filters)."""
        return WardLayer.model_validate_json(self.get(f"{API}/wards", params).content)

    def hex_layer(self, **params: QueryValue) -> HexLayer:
        """The H3 layer (`res`, `bbox` and the filters) as its model."""
        return HexLayer.model_validate_json(self.get(f"{API}/hexes", params).content)

    def frame(self, path: str, crs: str = WGS84, **params: QueryValue) -> gpd.GeoDataFrame:
        """Any GeoJSON route's FeatureCollection as a GeoDataFrame in `crs` (reprojected from WGS84), indexed by
        feature id; the collection's other members (period, filters, ...) are in its `attrs`."""
        collection = self.get(path, params, accept="application/geo+json").json()
        frame = to_geodataframe(collection, crs=crs)
        frame.attrs.update({k: v for k, v in collection.items() if k not in ("type", "features")})
        return frame

    def wards(self, crs: str = WGS84, **params: QueryValue) -> gpd.GeoDataFrame:
        """The ward layer as a GeoDataFrame indexed by ward code (e.g. crs="EPSG:27700" for areas in m²)."""
        return self.frame(f"{API}/wards", crs, **params)

    def hexes(self, crs: str = WGS84, **params: QueryValue) -> gpd.GeoDataFrame:
        """The H3 layer (`res`, 6 to 10, default 8) as a GeoDataFrame indexed by cell id."""
        return self.frame(f"{API}/hexes", crs, **params)
