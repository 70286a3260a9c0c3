"""Who is calling over HTTP (bearer token, login session cookie, or the public) and whether the route lets them in."""

from __future__ import annotations

from fastapi import Request

from api.access.capabilities import Capabilities, capabilities
from api.access.policy import DEFAULT_POLICY, Grant, Policy
from api.access.principals import PUBLIC, AuthError, Principal
from api.access.store import AccessStore, AccessUnavailable

SESSION_COOKIE = "aim_session"
TOKENS_UNAVAILABLE = (
    "tokens cannot be checked just now: the access database is not available (see /healthz); "
    "the public view needs no token"
)


def principal_of(request: Request) -> Principal:
    """The caller: a bearer token's holder, a logged-in session's holder, else the public (cached per request).
    When the access database cannot be read, a bearer token gets 503 (never the public view in its place) and a
    session cookie browses as the public."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    store: AccessStore = request.app.state.access
    header = request.headers.get("authorization")
    principal = PUBLIC
    if header is not None:
        scheme, _, token = header.partition(" ")
        try:
            found = store.by_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        except AccessUnavailable as exc:
            raise AccessUnavailable(str(exc), TOKENS_UNAVAILABLE) from exc
        if found is None:
            raise AuthError(401, "invalid or revoked token (send Authorization: Bearer <token>)")
        principal = found
    elif (session := request.cookies.get(SESSION_COOKIE)) is not None:
        try:
            principal = store.by_session(session) or PUBLIC  # an expired session browses as the public
        except AccessUnavailable:
            principal = PUBLIC  # so does one that cannot be looked up: signing in again says why it cannot
    request.state.principal = principal
    return principal


def policy_of(request: Request) -> Policy:
    """The policy the app was created with."""
    policy = getattr(request.app.state, "policy", DEFAULT_POLICY)
    assert isinstance(policy, Policy)
    return policy


def capabilities_of(request: Request) -> Capabilities:
    """What the caller may see and do on the matched route (decided once per request, then cached)."""
    cached = getattr(request.state, "capabilities", None)
    if isinstance(cached, Capabilities):
        return cached
    path = getattr(request.scope.get("route"), "path", None)
    caps = capabilities(principal_of(request), path if isinstance(path, str) else None, policy_of(request))
    request.state.capabilities = caps
    return caps


def grant_of(request: Request) -> Grant:
    """The caller's grant on the matched route."""
    return capabilities_of(request).grant


def enforce(request: Request) -> None:
    """App-wide dependency: refuse a caller the route's policy does not let in."""
    caps = capabilities_of(request)
    if caps.grant == Grant.DENIED:
        raise AuthError(*caps.refusal())
