"""Tokens, sessions, limits, headers, CORS and SQL injection through every string parameter."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from api.http.app import create_app
from api.settings import Settings
from tests.api.render.hostile import read_page

INJECTIONS = ["x' OR '1'='1", "'; DROP TABLE incidents; --", 'a" UNION SELECT * FROM quarantine --', "%' --", "\\x00"]


def test_a_token_works_until_it_is_revoked_and_is_kept_only_as_a_hash(client: TestClient, tmp_path: Path) -> None:
    access = client.app.state.access  # type: ignore[attr-defined]
    token = access.create_token("Jo", "analyst")
    headers = {"Authorization": f"Bearer {token}"}
    anonymous = TestClient(client.app)
    assert anonymous.get("/api/v1/incidents", headers=headers, params={"limit": 1}).status_code == 200
    assert token not in access.path.read_bytes().decode("latin-1")
    token_id = next(t["token_id"] for t in access.tokens() if t["name"] == "Jo")
    assert access.revoke(token_id)
    refused = anonymous.get("/api/v1/incidents", headers=headers)
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
    assert anonymous.get("/api/v1/wards", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_the_map_login_sets_a_hardened_session_cookie_and_logout_ends_it(client: TestClient) -> None:
    token = client.app.state.access.create_token("Sam", "analyst")  # type: ignore[attr-defined]
    browser = TestClient(client.app, base_url="https://testserver")
    assert "Police.uk open data, counted as" in browser.get("/").text  # the public view
    refused = browser.post("/login", data={"token": "aim_wrong", "next": "/"})
    assert refused.status_code == 401 and "not valid" in refused.text
    signed_in = browser.post("/login", data={"token": token, "next": "//evil.example/"}, follow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"  # no open redirect
    cookie = signed_in.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    page = browser.get("/")
    assert "Police.uk open data, counted as" not in page.text and "Sam (analyst)" in page.text
    assert browser.get("/api/v1/incidents", params={"limit": 1}).status_code == 200
    browser.post("/logout")
    assert browser.get("/api/v1/incidents").status_code == 401


def test_pages_ask_for_sign_in_and_apis_answer_401(client: TestClient) -> None:
    anonymous = TestClient(client.app)
    page = anonymous.get("/sources", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/sources"
    linked = anonymous.get("/sources?force=cleveland", headers={"accept": "text/html"}, follow_redirects=False)
    assert linked.headers["location"] == "/login?next=/sources%3Fforce%3Dcleveland"  # the link's query comes back
    form = anonymous.get(linked.headers["location"])
    assert 'value="/sources?force=cleveland"' in form.text
    assert anonymous.get("/api/v1/sources").status_code == 401


def test_large_bodies_are_refused_with_413(client: TestClient) -> None:
    anonymous = TestClient(client.app)
    big = "token=" + "a" * 70_000
    response = anonymous.post("/login", content=big, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413

    def chunks() -> Any:
        for _ in range(20):
            yield b"a" * 10_000

    assert anonymous.post("/login", content=chunks()).status_code == 413  # no length given: counted as it arrives


def test_security_headers_are_on_every_response(client: TestClient) -> None:
    for path in ("/", "/api/v1/wards", "/healthz", "/login", "/docs", "/redoc"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "'unsafe-inline'" not in headers["content-security-policy"].split("script-src")[1].split(";")[0]
    # an answer kept per store version: the caller's own cache may keep it and revalidate; shared caches may not
    assert client.get("/api/v1/wards").headers["cache-control"] == "private, no-cache"
    assert client.get("/api/v1/incidents", params={"limit": 1}).headers["cache-control"] == "private, no-store"


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as directive -> sources."""
    parts = [d.split() for d in policy.split(";") if d.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", ["/", "/login", "/sources"])
def test_pages_run_only_their_own_nonced_scripts(client: TestClient, path: str) -> None:
    """No 'unsafe-inline' for scripts: a fresh nonce per response, on each of the page's own <script> tags; no inline
    event handler (the policy would block it)."""
    first, second = client.get(path), client.get(path)
    assert first.status_code == 200
    policy = directives(first.headers["content-security-policy"])
    scripts = policy["script-src"]
    assert (
        "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts and policy["script-src-attr"] == ["'none'"]
    )
    nonce = next(s for s in scripts if s.startswith("'nonce-"))[len("'nonce-") : -1]
    assert len(nonce) >= 22 and nonce not in second.headers["content-security-policy"]
    page = read_page(first.text)
    assert page.tags.count("script") == first.text.count(f'<script nonce="{nonce}"')
    assert not [name for name in page.attribute_names if name.startswith("on")]


def test_the_api_docs_are_under_the_same_policy(client: TestClient) -> None:
    """The interactive docs run on AIM's own files with no inline script, so they take the same policy."""
    for page in ("/docs", "/redoc"):
        policy = client.get(page).headers["content-security-policy"]
        assert "script-src 'self' 'nonce-" in policy and "unsafe-inline' ; " not in policy


def test_cors_is_off_unless_configured(cleveland_store: Path, tmp_path: Path) -> None:
    preflight = {"Origin": "https://dash.example", "Access-Control-Request-Method": "GET"}
    with TestClient(create_app(Settings(store=cleveland_store))) as closed:
        response = closed.options("/api/v1/wards", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
    settings = Settings(store=cleveland_store, cors_origins=["https://dash.example"])
    with TestClient(create_app(settings)) as open_:
        response = open_.options("/api/v1/wards", headers=preflight)
        assert response.headers["access-control-allow-origin"] == "https://dash.example"


def _string_parameters(client: TestClient) -> list[tuple[str, str, bool]]:
    """(path, parameter, in path) for every string parameter of every GET route in the OpenAPI schema."""
    found = []
    for path, item in client.get("/openapi.json").json()["paths"].items():
        for param in item.get("get", {}).get("parameters", []):
            schema = param.get("schema", {})
            kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
            kinds |= {schema.get("items", {}).get("type")} | {
                s.get("items", {}).get("type") for s in schema.get("anyOf", [])
            }
            if "string" in kinds:
                found.append((path, param["name"], param["in"] == "path"))
    return found


@pytest.mark.fuzz
def test_sql_injection_through_every_string_parameter_is_inert(client: TestClient) -> None:
    before = client.get("/healthz").json()["incidents"]
    params = _string_parameters(client)
    assert len(params) >= 30
    for path, name, in_path in params:
        for payload in INJECTIONS:
            if in_path:
                response = client.get(path.replace("{" + name + "}", payload))
            else:
                base = {"force": "cleveland", "cells": 3} if "patrol" in path else {}
                if "evaluate" in path:
                    base = {"force": "cleveland", "train": "2025-01:2025-09", "test": "2025-10:2025-12"}
                response = client.get(path, params={**base, name: payload})
            assert response.status_code < 500, (path, name, payload, response.text)
            if response.status_code == 200 and response.headers["content-type"].startswith("application/"):
                body = response.text
                assert "quarantine" not in body.lower() or path.endswith("sources"), (path, name)
    assert client.get("/healthz").json()["incidents"] == before


def test_aim_users_and_aim_audit_from_the_command_line(demo_store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(
        cli, ["users", "create", "Pat", "--role", "partner", "--source", "warden", "--store", str(demo_store)]
    )
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    assert token.startswith("aim_")
    assert runner.invoke(cli, ["users", "create", "Q", "--role", "partner", "--store", str(demo_store)]).exit_code == 2
    listing = runner.invoke(cli, ["users", "list", "--store", str(demo_store)])
    assert "Pat" in listing.output and "warden" in listing.output and token not in listing.output
    with TestClient(create_app(Settings(store=demo_store))) as c:
        got = c.get("/api/v1/incidents", params={"limit": 7}, headers={"Authorization": f"Bearer {token}"})
        assert got.status_code == 200 and got.json()["numberReturned"] == 7
    audit = runner.invoke(cli, ["audit", "--who", "Pat", "--csv", "--store", str(demo_store)])
    last = list(csv.reader(io.StringIO(audit.output)))[1]
    assert last[1:] == ["Pat", "partner", "GET /api/v1/incidents", "limit=7", "7", "geojson"]
    token_id = next(line.split("│")[1].strip() for line in listing.output.splitlines() if "Pat" in line)
    assert runner.invoke(cli, ["users", "revoke", token_id, "--store", str(demo_store)]).exit_code == 0
    assert runner.invoke(cli, ["users", "revoke", token_id, "--store", str(demo_store)]).exit_code == 1


@pytest.mark.parametrize("limit", [0, 5001])
def test_request_parameters_are_bounded(client: TestClient, limit: int) -> None:
    assert client.get("/api/v1/incidents", params={"limit": limit}).status_code == 422
    assert client.get("/api/v1/hexes", params={"bbox": "-20,40,10,60"}).status_code == 422
    assert client.get("/api/v1/hexes", params={"res": 11}).status_code == 422
