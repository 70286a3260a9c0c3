"""Who is calling (bearer token, login session cookie, or the public) and whether the route lets them in."""

from __future__ import annotations

from enum import StrEnum

from fastapi import Request

from api.access_store import PUBLIC, AccessStore, Principal, Role

SESSION_COOKIE = "aim_session"


class Grant(StrEnum):
    """What a role gets from a route."""

    FULL = "full"  # exact figures (and rows, where the route gives rows)
    DISCLOSED = "disclosed"  # aggregates under disclosure control only
    OWN = "own"  # partner: full for the sources its agreement covers; disclosure control across other sources
    OWN_ONLY = "own only"  # partner: the sources its agreement covers, nothing across other sources
    DENIED = "denied"


class AuthError(Exception):
    """A caller that is not let in: 401 (no valid credentials) or 403 (valid, but the role may not)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def principal_of(request: Request) -> Principal:
    """The caller: a bearer token's holder, a logged-in session's holder, else the public (cached per request)."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    store: AccessStore = request.app.state.access
    header = request.headers.get("authorization")
    principal = PUBLIC
    if header is not None:
        scheme, _, token = header.partition(" ")
        found = store.by_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if found is None:
            raise AuthError(401, "invalid or revoked token (send Authorization: Bearer <token>)")
        principal = found
    elif (session := request.cookies.get(SESSION_COOKIE)) is not None:
        principal = store.by_session(session) or PUBLIC  # an expired session browses as the public
    request.state.principal = principal
    return principal


def grant_of(request: Request) -> Grant:
    """The caller's grant on the matched route (deny when the route is not in the policy)."""
    from api.policy import POLICY

    route = request.scope.get("route")
    path = getattr(route, "path", None)
    roles = POLICY.get(path) if isinstance(path, str) else None
    return roles.get(principal_of(request).role, Grant.DENIED) if roles else Grant.DENIED


def enforce(request: Request) -> None:
    """App-wide dependency: refuse a caller the route's policy does not let in."""
    principal = principal_of(request)
    if grant_of(request) == Grant.DENIED:
        if principal.role == Role.PUBLIC:
            raise AuthError(401, "sign in: this route needs a token (Authorization: Bearer <token>)")
        raise AuthError(403, f"the {principal.role.value} role may not use this route")
