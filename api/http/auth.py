"""Who is calling over HTTP (bearer token, login session cookie, or the public) and whether the route lets them in."""

from __future__ import annotations

from fastapi import Request

from api.access.policy import Grant, grant_for, refusal
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


def grant_of(request: Request) -> Grant:
    """The caller's grant on the matched route."""
    path = getattr(request.scope.get("route"), "path", None)
    return grant_for(path if isinstance(path, str) else None, principal_of(request).role)


def enforce(request: Request) -> None:
    """App-wide dependency: refuse a caller the route's policy does not let in."""
    principal = principal_of(request)
    if grant_of(request) == Grant.DENIED:
        raise AuthError(*refusal(principal.role))
