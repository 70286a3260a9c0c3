"""The hexagon layer and the top cells answer exactly as they did when they aggregated incident_counts by cell (the
reads before the cell_counts summary), for filtered callers and for callers given disclosure-controlled figures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from api.access.principals import Role
from api.http.app import create_app
from api.settings import Settings
from ingest.store import read
from ingest.store.connection import Connection, arrow
from ingest.store.read.counts import hex_counts_by_point
from ingest.store.read.filters import IncidentFilter, cell_column, clauses
from tests.conftest import sign_in

MIDDLESBROUGH = "-1.30,54.52,-1.10,54.62"
QUERIES: list[dict[str, Any]] = [
    {},
    {"res": 8, "bbox": MIDDLESBROUGH},
    {"res": 7, "from": "2025-03", "to": "2025-08", "category": ["drugs", "public-order"]},
    {"res": 8, "category": "all", "dedupe": "false"},
    {"res": 6, "source": "police"},
    {"res": 8, "source": "council", "category": "all"},
    {"res": 8, "source": ["warden", "complaint"], "category": "all"},
    {"res": 8, "from": "2025-06", "to": "2025-06", "bbox": "-1.25,54.56,-1.22,54.58"},
    {"res": 9, "bbox": MIDDLESBROUGH},
    {"res": 10, "from": "2025-06", "to": "2025-06", "bbox": "-1.25,54.56,-1.22,54.58"},
]


def top_cells_by_point(
    con: Connection, f: IncidentFilter, res: int, top: int, boundary_set: str, ward: str | None = None
) -> pa.Table:
    """read.top_cells as it was (no ward asked for): the period's incident_counts aggregated by cell, then the wards
    of the top cells (of wards holding as many of a cell's incidents, the first by code: it was any of them)."""
    assert ward is None
    where, params = clauses(f)
    sql = f"""WITH top AS (
                  SELECT {cell_column(res)} AS cell, sum(i.{f.n})::BIGINT AS count FROM incident_counts i
                  WHERE {cell_column(res)} IS NOT NULL AND {where} GROUP BY cell ORDER BY count DESC, cell LIMIT ?),
              by_ward AS (
                  SELECT {cell_column(res)} AS cell, pw.ward_code, sum(i.{f.n})::BIGINT AS n
                  FROM incident_counts i
                  LEFT JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = ?
                  WHERE {cell_column(res)} IN (SELECT cell FROM top) AND {where} GROUP BY ALL)
              SELECT t.cell, t.count, arg_min(b.ward_code, (-b.n, b.ward_code)) AS ward_code
              FROM top t JOIN by_ward b ON b.cell = t.cell GROUP BY t.cell, t.count ORDER BY t.count DESC, t.cell"""  # noqa: S608 (fixed fragments; values are ? parameters)
    return arrow(con, sql, [*params, top, boundary_set, *params])


@pytest.fixture(scope="module")
def clients(demo_store: Path) -> Iterator[dict[Role, TestClient]]:
    with TestClient(create_app(Settings(store=demo_store, answer_cache_mb=0))) as analyst:
        sign_in(analyst)
        councillor = sign_in(TestClient(analyst.app), "councillor")
        yield {Role.ANALYST: analyst, Role.COUNCILLOR: councillor, Role.PUBLIC: TestClient(analyst.app)}  # type: ignore[dict-item]


def answers(client: TestClient, path: str, queries: list[dict[str, Any]]) -> list[tuple[int, bytes]]:
    """Status and body of each query to a route."""
    out = []
    for q in queries:
        r = client.get(path, params=q)
        out.append((r.status_code, r.content))
    return out


@pytest.mark.parametrize("role", [Role.ANALYST, Role.COUNCILLOR, Role.PUBLIC], ids=lambda r: r.value)
def test_hexes_answer_as_the_scan_of_incident_counts_did(
    clients: dict[Role, TestClient], role: Role, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = [*QUERIES, {"res": 8, "precision": "true"}, {"res": 9, "format": "gpkg", "bbox": MIDDLESBROUGH}]
    now = answers(clients[role], "/api/v1/hexes", queries)
    monkeypatch.setattr(read, "hex_counts", hex_counts_by_point)
    before = answers(clients[role], "/api/v1/hexes", queries)
    assert [s for s, _ in now] == [s for s, _ in before]
    assert sum(s == 200 for s, _ in now) >= 6, now
    for (status, body), (_, old) in zip(now, before, strict=True):
        if status == 200 and not body.startswith(b"PK") and b"SQLite" not in body[:16]:
            assert body == old  # GeoJSON: the same bytes (GIS files differ by their timestamps only)
    if role == Role.ANALYST:
        assert b'"located"' in now[-2][1]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.COUNCILLOR, Role.PUBLIC], ids=lambda r: r.value)
def test_hotspots_answer_as_the_scan_of_incident_counts_did(
    clients: dict[Role, TestClient], role: Role, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = [{**q, "top": 15} for q in QUERIES if "bbox" not in q]
    now = answers(clients[role], "/api/v1/hotspots", queries)
    monkeypatch.setattr(read, "top_cells", top_cells_by_point)
    before = answers(clients[role], "/api/v1/hotspots", queries)
    assert now == before
    if role == Role.ANALYST:  # below analyst the route is refused, as before
        assert sum(s == 200 and b'"ward"' in body for s, body in now) >= 6
