"""Map-page login: a token exchanged for a session cookie (HttpOnly, SameSite=Strict, Secure unless turned off)."""

from __future__ import annotations

import logging
from typing import Annotated, Literal
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access.store import AccessStore, AccessUnavailable
from api.http.auth import SESSION_COOKIE
from api.http.deps import NonceDep, SettingsDep
from api.http.secure_cookie import DROPPED_IN_LOG, DROPPED_ON_PAGE, cookie_dropped
from api.render.login_page import render_login

router = APIRouter(tags=["session"])
log = logging.getLogger("aim.access")
SIGN_IN_UNAVAILABLE = (
    "Sign-in is not available just now: the service cannot use its access records. The public map is still "
    "served; please try again later."
)


def _local(path: str | None) -> str:
    """Only same-site paths are followed after login (no open redirects): a path from the root, not `//host` nor
    `/\\host`, with no space or control character (browsers drop tabs and newlines from a URL: `/<tab>/host` would
    be `//host`)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path if path.isprintable() and not any(c.isspace() for c in path) else "/"


NextPage = Annotated[str, Query(max_length=300, description="Page to go back to after signing in")]
CookieSent = Annotated[
    Literal["sent"] | None,
    Query(description="Set by a sign-in over plain HTTP: whether the browser kept the Secure cookie is checked here"),
]


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    nonce: NonceDep,
    next: NextPage = "/",  # noqa: A002
    cookie: CookieSent = None,
) -> Response:
    """The sign-in form. After a sign-in over plain HTTP (`cookie=sent`): on to the page asked for when the browser
    sent the session cookie back, else the form again, saying why the browser dropped it."""
    next_path = _local(next)
    if cookie is None:
        return HTMLResponse(render_login(next_path, nonce=nonce))
    if SESSION_COOKIE in request.cookies:
        return RedirectResponse(next_path, status_code=303)
    return HTMLResponse(render_login(next_path, DROPPED_ON_PAGE, nonce))


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    settings: SettingsDep,
    nonce: NonceDep,
    next: NextPage = "/",  # noqa: A002
) -> Response:
    """Form fields `token`, `next`: exchange a token for a session cookie and go back to the page asked for (503
    when the access database cannot check the token or record the session)."""
    fields = parse_qs((await request.body()).decode("utf-8", "replace"))
    token = (fields.get("token") or [""])[0].strip()
    next_path = _local((fields.get("next") or [next])[0])
    store: AccessStore = request.app.state.access
    try:
        principal = store.by_token(token) if token else None
        if principal is None:
            refused = "That token is not valid or has been revoked."
            return HTMLResponse(render_login(next_path, refused, nonce), status_code=401)
        session = store.start_session(principal, settings.session_hours)
    except AccessUnavailable:  # logged by the store
        return HTMLResponse(render_login(next_path, SIGN_IN_UNAVAILABLE, nonce), status_code=503)
    dropped = cookie_dropped(request, settings.cookie_secure)
    if dropped:  # every such sign-in: each needs a valid token, and the record names who could not sign in, and how
        log.warning(DROPPED_IN_LOG, principal.name, request.client.host if request.client else "?", request.url.netloc)
    back = f"/login?{urlencode({'next': next_path, 'cookie': 'sent'})}" if dropped else next_path
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        secure=settings.cookie_secure,
        samesite="strict",
        path="/",
    )
    return response


@router.post(
    "/logout",
    status_code=303,
    response_class=RedirectResponse,
    responses={303: {"description": "Signed out; back to the map"}},
)
def logout(request: Request) -> Response:
    """End the session and clear its cookie."""
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        try:
            request.app.state.access.end_session(session)
        except AccessUnavailable as exc:  # the cookie goes all the same
            log.warning("a session was not ended in the access database (it lapses when it expires): %s", exc)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
