"""Every response refuses the browser features no AIM page uses (Permissions-Policy)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.http.middleware import PERMISSIONS_POLICY


def test_every_response_carries_the_permissions_policy(client: TestClient) -> None:
    public = TestClient(client.app)
    for path in ("/", "/login", "/healthz", "/api/v1/wards", "/accessibility", "/static/aim.css", "/nothing"):
        answer = public.get(path)
        assert answer.headers["permissions-policy"] == PERMISSIONS_POLICY, path
    features = dict(item.split("=") for item in PERMISSIONS_POLICY.split(", "))
    assert {"camera", "microphone", "geolocation", "payment"} <= features.keys()
    assert set(features.values()) == {"()"}  # refused to every origin, this site's own too
