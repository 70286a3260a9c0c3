"""A state-changing request authenticated by the session cookie needs the session's page token: a request made by
another site (the cookie, without the token) is refused; programs with a bearer token need none."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.http.auth import SESSION_COOKIE
from api.http.csrf import FORM_POSTS, HEADER, csrf_token

PROBLEM = {"title": "t", "owner": "o", "area": {"cells": ["nothex"]}}  # refused by its body (422) once let in


def _signed_in(client: TestClient, role: str = "analyst") -> TestClient:
    token = client.app.state.access.create_token(f"csrf {role}", role)  # type: ignore[attr-defined]
    browser = TestClient(client.app, base_url="https://testserver")
    assert browser.post("/login", data={"token": token, "next": "/"}, follow_redirects=False).status_code == 303
    return browser


def test_a_cookie_post_from_another_site_is_refused_and_the_page_token_lets_it_in(client: TestClient) -> None:
    browser = _signed_in(client)
    session = browser.cookies[SESSION_COOKIE]
    cross_site = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    refused = browser.post("/api/v1/problems", json=PROBLEM, headers=cross_site)
    assert refused.status_code == 403 and HEADER in refused.json()["detail"]
    assert browser.patch("/api/v1/problems/1", json={"status": "analysis"}).status_code == 403
    wrong = browser.post("/api/v1/problems", json=PROBLEM, headers={HEADER: csrf_token(session + "x")})
    assert wrong.status_code == 403
    let_in = browser.post("/api/v1/problems", json=PROBLEM, headers={HEADER: csrf_token(session)})
    assert let_in.status_code == 422  # past the check: the body is what is wrong
    assert browser.get("/api/v1/problems").status_code == 200  # reading needs no token
    assert browser.post("/logout", follow_redirects=False).status_code == 303  # a plain form


def test_tokens_are_per_session_and_bearer_callers_need_none(client: TestClient) -> None:
    one, two = _signed_in(client), _signed_in(client)
    assert csrf_token(one.cookies[SESSION_COOKIE]) != csrf_token(two.cookies[SESSION_COOKIE])
    theirs = {HEADER: csrf_token(one.cookies[SESSION_COOKIE])}
    assert two.post("/api/v1/problems", json=PROBLEM, headers=theirs).status_code == 403
    program = TestClient(client.app)
    token = client.app.state.access.create_token("csrf program", "analyst")  # type: ignore[attr-defined]
    answer = program.post("/api/v1/problems", json=PROBLEM, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422


def test_a_page_carries_its_session_token(client: TestClient) -> None:
    browser = _signed_in(client)
    page = browser.get("/").text
    assert f'data-csrf="{csrf_token(browser.cookies[SESSION_COOKIE])}"' in page


@pytest.mark.parametrize("path", sorted(FORM_POSTS))
def test_the_form_routes_check_the_same_token_as_a_field(client: TestClient, path: str) -> None:
    browser = _signed_in(client)
    token = csrf_token(browser.cookies[SESSION_COOKIE])
    for sent in ({}, {"form_token": csrf_token("another session")}):
        refused = browser.post(path, data=sent, follow_redirects=False)
        assert refused.status_code == 403, path
    past = browser.post(path, data={"form_token": token}, follow_redirects=False)
    assert past.status_code != 403, path  # past the check: what the form lacks is answered by the route
    assert f'value="{token}"' in browser.get("/feeds").text  # the page's forms carry the page token
