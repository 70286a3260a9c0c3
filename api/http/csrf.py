"""Requests from other sites refused: a state-changing request that a browser authenticates with the session cookie
must carry the page token, a keyed hash of that session that only pages served to the session hold: scripts send it
as the header X-AIM-CSRF, HTML forms as the field `form_token` (the form routes in FORM_POSTS check it with
api/http/forms.py once they read their body). Programs (bearer tokens) need none; nor do the sign-in and sign-out
forms (the session cookie is also SameSite=Strict, but a page on another port of the same host is the same site)."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request

from api.access.principals import AuthError
from api.http.auth import SESSION_COOKIE

HEADER = "X-AIM-CSRF"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORMS = frozenset({"/login", "/logout"})  # plain HTML forms: signing in or out on another's behalf changes no data
FORM_POSTS = frozenset(
    {"/feeds/profile", "/feeds/check", "/feeds/load", "/feeds/delivery"}
)  # the page token is a form field there
REFUSED = "a page's request must carry its page token (X-AIM-CSRF): requests made by other sites are refused"


def csrf_token(session: str) -> str:
    """The page token of a session (hex): the session's keyed hash, so it cannot be told without the session."""
    return hmac.new(session.encode("utf-8", "replace"), b"aim page token", hashlib.sha256).hexdigest()


def page_token(request: Request) -> str:
    """The token a page served to this request's session carries ("" without a session)."""
    session = request.cookies.get(SESSION_COOKIE)
    return csrf_token(session) if session else ""


async def refuse_cross_site(request: Request) -> None:
    """App-wide dependency: refuse a cookie-authenticated state-changing request without the session's page token
    (a few header checks: run on the event loop, not handed to a worker thread)."""
    if request.method in SAFE_METHODS or request.url.path in FORMS or "authorization" in request.headers:
        return
    if request.url.path in FORM_POSTS:
        return  # the route reads its form and checks the field (check_form_token) before it does anything
    session = request.cookies.get(SESSION_COOKIE)
    if session is None:
        return  # the caller is the public: the route's policy decides
    if not hmac.compare_digest(request.headers.get(HEADER, "").encode(), csrf_token(session).encode()):
        raise AuthError(403, REFUSED)
