"""Tokens, map sessions and the audit log over HTTP on each database (SQLite and PostgreSQL): sign in, read incident
rows with their audit record, sign out, revoke."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.access.principals import Role
from api.access.store import AccessStore
from api.http.app import create_app
from api.settings import Settings


def test_sign_in_audit_and_revoke_over_http(demo_store: Path, access_url: str) -> None:
    settings = Settings(store=demo_store, database_url=access_url, cookie_secure=False)
    with TestClient(create_app(settings)) as app_client:
        store: AccessStore = app_client.app.state.access  # type: ignore[attr-defined]
        assert store.engine.dialect.name == access_url.split(":")[0].split("+")[0]
        token = store.create_token("Jo Bloggs", Role.ANALYST)
        api = TestClient(app_client.app, headers={"Authorization": f"Bearer {token}"})
        rows = api.get("/api/v1/incidents", params={"limit": 2, "format": "geojson"})
        assert rows.status_code == 200 and len(rows.json()["features"]) == 2
        record = store.audit_log(limit=1)[0]
        assert record["who"] == "Jo Bloggs" and record["action"] == "GET /api/v1/incidents" and record["rows"] == 2
        assert record["filters"] == {"limit": ["2"], "format": ["geojson"]}

        browser = TestClient(app_client.app)
        signed_in = browser.post("/login", data={"token": token, "next": "/"}, follow_redirects=False)
        assert signed_in.status_code == 303 and "Jo Bloggs (analyst)" in browser.get("/").text
        browser.post("/logout", follow_redirects=False)
        assert "Jo Bloggs" not in browser.get("/").text

        again = TestClient(app_client.app)
        again.post("/login", data={"token": token, "next": "/"}, follow_redirects=False)
        assert store.revoke(store.tokens()[0]["token_id"])
        assert api.get("/api/v1/incidents", params={"limit": 1}).status_code == 401
        assert "Jo Bloggs" not in again.get("/").text  # the session ended with its token
        assert browser.get("/healthz").json()["status"] == "ok"
