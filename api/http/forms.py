"""Forms that pages post with the sign-in cookie: each carries a form token tied to the session, so another site
cannot make a signed-in browser post them (the cookie is SameSite=Strict as well: two locks, not one)."""

from __future__ import annotations

import hmac

from fastapi import Request

from api.access.principals import AuthError
from api.http.csrf import page_token

FORM_FIELD = "form_token"
STALE = "this form was not sent from AIM's own page (its form token is missing or out of date): open the page again"


def form_token(request: Request) -> str:
    """The token the session's forms carry (empty without a session): a keyed hash of the session, which only the
    browser holding the (HttpOnly) session cookie and the service know."""
    return page_token(request)


def check_form_token(request: Request, sent: object) -> None:
    """Refuse (403) a form posted with the session cookie but without this session's token. A request that signs
    in with an Authorization header carries no ambient credential and needs none."""
    if request.headers.get("authorization") is not None:
        return
    expected = form_token(request)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise AuthError(403, STALE)
