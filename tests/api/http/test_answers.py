"""Answers kept per store version: an ETag to revalidate (304), a new answer after a load, never shared across roles."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from tests.conftest import police_file, sign_in


def test_an_unchanged_answer_is_a_304_and_a_load_makes_a_new_one(cleveland_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(cleveland_store, store)
    with TestClient(create_app(Settings(store=store))) as client:
        sign_in(client)
        params = {"from": "2025-02", "to": "2025-02", "category": "all"}
        first = client.get("/api/v1/wards", params=params)
        etag = first.headers["etag"]
        again = client.get("/api/v1/wards", params=params, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        assert client.get("/api/v1/wards", params=params).content == first.content
        public = TestClient(client.app).get("/api/v1/wards", params={**params, "source": "council"})
        assert public.status_code in (200, 422) and public.headers.get("etag") != etag  # another kind of caller
        extra = police_file("nottinghamshire", "02").read_bytes()
        loaded = client.post("/api/v1/ingest/police", content=extra, params={"filename": "n.csv.gz"})
        assert loaded.status_code == 200, loaded.text
        after = client.get("/api/v1/wards", params=params, headers={"If-None-Match": etag})
        assert after.status_code == 200 and after.headers["etag"] != etag
        total = sum(f["properties"]["count"] or 0 for f in after.json()["features"])
        assert total > sum(f["properties"]["count"] or 0 for f in first.json()["features"])
