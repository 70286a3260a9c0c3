"""A real GIS client against a real server: GDAL's OGC API - Features driver (ogrinfo, ogr2ogr) reads every collection
of `aim serve` over the demo store page by page, as the public and with an analyst's token, and its MVT driver reads
a vector tile. What GDAL reads is what the API serves."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import shapely

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings
from geo.tiles import tile_of
from tests.api.conftest import with_demo_problems
from tests.api.render.browser import serving

OGRINFO = shutil.which("ogrinfo")
OGR2OGR = shutil.which("ogr2ogr")
pytestmark = [
    pytest.mark.skipif(
        (OGRINFO is None or OGR2OGR is None) and not os.environ.get("CI"),
        reason="GDAL's ogrinfo and ogr2ogr are not installed (apt-get install gdal-bin; .ci/run installs it)",
    ),
    pytest.mark.gdal,
]
PUBLIC_COLLECTIONS = ["wards", "hexagons-6", "hexagons-7", "hexagons-8"]
ALL_COLLECTIONS = [
    *PUBLIC_COLLECTIONS,
    "hotspots",
    "patrol-plan",
    "concentration",
    "repeat-places",
    "near-repeat",
    "patrol-delivery",
    "risky-facilities",
    "incidents",
]
JUNE = "datetime=2025-06-01T00:00:00Z/2025-06-30T23:59:59Z"


@dataclass
class Served:
    url: str
    token: str
    log: Path

    def requests_since(self, mark: int) -> list[str]:
        """The paths and queries of the requests the server logged after `mark` lines."""
        lines = self.log.read_text().splitlines()[mark:]
        return [m.group(1) for line in lines if (m := re.search(r'"GET (\S+) HTTP/1\.1" 200', line))]

    def mark(self) -> int:
        return len(self.log.read_text().splitlines())

    def api(self, path: str, token: bool = False, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if token else {}
        response = httpx.get(f"{self.url}{path}", params=params, headers=headers, timeout=120)
        assert response.status_code == 200, response.text
        return response.json()


@contextmanager
def _serve(store: Path, token: str) -> Iterator[Served]:
    """`aim serve` on a loopback port over the store, until the block ends."""
    log = store.parent / "server.log"
    with serving(store, log=log) as url:
        yield Served(url, token, log)


@pytest.fixture(scope="module")
def served(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`aim serve` on a loopback port over a copy of the demo store, and an analyst's token for it."""
    store = tmp_path_factory.mktemp("gdal") / "aim.duckdb"
    shutil.copyfile(demo_store, store)
    token = AccessStore(Settings(store=store).tasking_url()).create_token("GIS analyst", Role.ANALYST)
    with _serve(store, token) as server:
        yield server


@pytest.fixture(scope="module")
def served_problems(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """As `served`, with the demo's two problems in the store's tasking database."""
    store = with_demo_problems(demo_store, tmp_path_factory.mktemp("gdal-problems"))
    token = AccessStore(Settings(store=store).tasking_url()).create_token("GIS analyst", Role.ANALYST)
    with _serve(store, token) as server:
        yield server


def _gdal(*args: str, token: str | None = None) -> str:
    assert OGRINFO is not None and OGR2OGR is not None, "CI must install gdal-bin"
    command = [OGRINFO if args[0] == "ogrinfo" else OGR2OGR, *args[1:]]
    if token:
        command[1:1] = ["--config", "GDAL_HTTP_HEADERS", f"Authorization: Bearer {token}"]
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", "GDAL_HTTP_TIMEOUT": "120"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr[-2000:]
    return done.stdout


def _summary(text: str) -> dict[str, int]:
    """Layer name -> feature count from `ogrinfo -so`."""
    names = re.findall(r"^Layer name: (\S+)$", text, re.M)
    counts = [int(n) for n in re.findall(r"^Feature Count: (\d+)$", text, re.M)]
    return dict(zip(names, counts, strict=True))


def _pages(requests: list[str], collection: str) -> int:
    """Distinct pages of a collection's items the client asked for."""
    return len({r for r in requests if r.startswith(f"/ogc/collections/{collection}/items?")})


def test_gdal_lists_what_the_public_may_read(served: Served) -> None:
    listed = _summary(_gdal("ogrinfo", "-ro", "-so", "-al", f"OAPIF:{served.url}/ogc"))
    assert list(listed) == PUBLIC_COLLECTIONS
    for collection, count in listed.items():
        assert count == served.api(f"/ogc/collections/{collection}/items", limit=1)["numberMatched"] > 0
    with_token = _summary(_gdal("ogrinfo", "-ro", "-so", "-al", f"OAPIF:{served.url}/ogc", token=served.token))
    assert list(with_token) == ALL_COLLECTIONS


def test_gdal_copies_the_public_collections_page_by_page(served: Served, tmp_path: Path) -> None:
    mark = served.mark()
    gpkg = tmp_path / "aim.gpkg"
    _gdal("ogr2ogr", "-f", "GPKG", str(gpkg), f"OAPIF:{served.url}/ogc", "-oo", "PAGE_SIZE=40")
    copied = _summary(_gdal("ogrinfo", "-ro", "-so", "-al", str(gpkg)))
    requests = served.requests_since(mark)
    for collection in PUBLIC_COLLECTIONS:
        matched = served.api(f"/ogc/collections/{collection}/items", limit=1)["numberMatched"]
        assert copied[collection] == matched
        assert _pages(requests, collection) == -(-matched // 40)  # every page once (the first is asked twice)
    # the features and their published counts, as the API serves them
    out = tmp_path / "wards.geojson"
    _gdal("ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{served.url}/ogc", "wards", "-oo", "PAGE_SIZE=100")
    read = {f["properties"]["code"]: f["properties"]["count"] for f in json.loads(out.read_text())["features"]}
    layer = served.api("/api/v1/wards")
    assert layer["filters"]["disclosure"]["table"] == "open"
    assert read == {f["id"]: f["properties"]["count"] for f in layer["features"]}


def test_gdal_reads_the_protected_collections_with_an_analyst_token(served: Served, tmp_path: Path) -> None:
    for collection, page_size, query in (("hotspots", 25, ""), ("patrol-plan", 6, ""), ("incidents", 100, JUNE)):
        mark = served.mark()
        out = tmp_path / f"{collection}.geojson"
        source = f"OAPIF:{served.url}/ogc" + (f"?{query}" if query else "")
        _gdal(
            "ogr2ogr",
            "-f",
            "GeoJSON",
            str(out),
            source,
            collection,
            "-oo",
            f"PAGE_SIZE={page_size}",
            token=served.token,
        )
        read = json.loads(out.read_text())["features"]
        requests = served.requests_since(mark)
        params = dict(p.split("=", 1) for p in query.split("&") if p)
        reference = served.api(f"/ogc/collections/{collection}/items", token=True, limit=10000, **params)
        assert [f["properties"]["id"] for f in read] == [f["id"] for f in reference["features"]]
        assert len(read) == reference["numberMatched"] > page_size
        assert _pages(requests, collection) == -(-len(read) // page_size)
    # without the token, the same collection is refused
    refused = subprocess.run(
        [str(OGRINFO), "-ro", "-so", f"OAPIF:{served.url}/ogc/collections/incidents"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode != 0 and "401" in refused.stderr


def test_gdal_filters_by_bbox(served: Served) -> None:
    box = ("-1.30", "54.55", "-1.20", "54.60")
    listed = _summary(
        _gdal("ogrinfo", "-ro", "-so", "-spat", *box, f"OAPIF:{served.url}/ogc", "hexagons-8", "-oo", "PAGE_SIZE=10")
    )
    expected = served.api("/ogc/collections/hexagons-8/items", bbox=",".join(box), limit=10000)["numberMatched"]
    assert listed == {"hexagons-8": expected} and 10 < expected < 463


def test_gdal_reads_a_vector_tile(served: Served) -> None:
    x, y = tile_of(-1.234, 54.574, 11)
    url = f"MVT:/vsicurl/{served.url}/tiles/wards/11/{x}/{y}.mvt"
    text = _gdal("ogrinfo", "-ro", "-al", url)
    codes = set(re.findall(r"^\s+code \(String\) = (E\d{8})$", text, re.M))
    layer = served.api("/api/v1/wards")
    by_code = {f["id"]: f["properties"] for f in layer["features"]}
    assert codes and codes <= set(by_code)
    counts = dict(re.findall(r"^\s+code \(String\) = (E\d{8})\n(?:.*\n)*?\s+count \(Integer\d*\) = (\d+)$", text, re.M))
    assert counts and all(int(n) == by_code[code]["count"] for code, n in counts.items())


def test_gdal_reads_the_problems_page_by_page(served_problems: Served, tmp_path: Path) -> None:
    """The problems collection is listed once problems exist (to the public: those with a published note), and GDAL
    copies it a feature a page, as the API serves it, with the analyst's fields and the public's."""
    source = f"OAPIF:{served_problems.url}/ogc"
    listed = _summary(_gdal("ogrinfo", "-ro", "-so", "-al", source))
    assert list(listed) == [*PUBLIC_COLLECTIONS, "problems"] and listed["problems"] == 2
    with_token = _summary(_gdal("ogrinfo", "-ro", "-so", "-al", source, token=served_problems.token))
    assert list(with_token) == [*ALL_COLLECTIONS, "problems"] and with_token["problems"] == 2
    for token, fields in ((served_problems.token, {"title", "owner", "actions_done"}), (None, set())):
        mark = served_problems.mark()
        out = tmp_path / f"problems-{bool(token)}.geojson"
        _gdal("ogr2ogr", "-f", "GeoJSON", str(out), source, "problems", "-oo", "PAGE_SIZE=1", token=token)
        read = json.loads(out.read_text())["features"]
        reference = served_problems.api("/ogc/collections/problems/items", token=bool(token))["features"]
        assert [f["properties"]["id"] for f in read] == [f["id"] for f in reference] and len(read) == 2
        for got, want in zip(read, reference, strict=True):
            assert {k: v for k, v in got["properties"].items() if v is not None} == {
                k: v for k, v in want["properties"].items() if v is not None
            }
            assert got["geometry"]["type"] in ("Polygon", "MultiPolygon")
            shape, expected = shapely.geometry.shape(got["geometry"]), shapely.geometry.shape(want["geometry"])
            assert shapely.symmetric_difference(shape, expected).area < 1e-6 * expected.area
        assert fields <= set(read[0]["properties"]) and ("title" in read[0]["properties"]) == bool(token)
        assert _pages(served_problems.requests_since(mark), "problems") == 2  # limit=1: a page per problem
    # GeoPackage too, a page of one at a time
    gpkg = tmp_path / "problems.gpkg"
    _gdal("ogr2ogr", "-f", "GPKG", str(gpkg), source, "problems", "-oo", "PAGE_SIZE=1", token=served_problems.token)
    assert _summary(_gdal("ogrinfo", "-ro", "-so", "-al", str(gpkg))) == {"problems": 2}
