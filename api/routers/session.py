"""Map-page login: a token exchanged for a session cookie (HttpOnly, SameSite=Strict, Secure unless turned off)."""

from __future__ import annotations

from html import escape
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access_store import AccessStore
from api.auth import SESSION_COOKIE
from api.deps import SettingsDep

router = APIRouter(tags=["session"])


def _local(path: str | None) -> str:
    """Only same-site paths are followed after login (no open redirects)."""
    return path if path and path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def _form(next_path: str, message: str = "") -> str:
    note = f'<p class="aim-warn-line">{escape(message)}</p>' if message else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>AIM · sign in</title>
<link rel="stylesheet" href="/static/aim.css"></head>
<body class="aim-report"><h1>Sign in to AIM</h1>{note}
<form method="post" action="/login">
  <label>Access token <input type="password" name="token" autocomplete="current-password" required size="50"></label>
  <input type="hidden" name="next" value="{escape(next_path)}">
  <button type="submit">Sign in</button>
</form>
<p>Tokens are issued by your AIM administrator (<code>aim users create</code>). Without one, the map shows
published figures only. <a href="/">Back to the map</a></p></body></html>"""


@router.api_route("/login", methods=["GET", "POST"], response_class=HTMLResponse)
async def login(
    request: Request,
    settings: SettingsDep,
    next: Annotated[str, Query(max_length=300, description="Page to go back to after signing in")] = "/",  # noqa: A002
) -> Response:
    """GET: the sign-in form. POST (form fields `token`, `next`): exchange a token for a session cookie and go
    back to the page asked for."""
    if request.method == "GET":
        return HTMLResponse(_form(_local(next)))
    fields = parse_qs((await request.body()).decode("utf-8", "replace"))
    token = (fields.get("token") or [""])[0].strip()
    next_path = _local((fields.get("next") or [next])[0])
    store: AccessStore = request.app.state.access
    principal = store.by_token(token) if token else None
    if principal is None:
        return HTMLResponse(_form(next_path, "That token is not valid or has been revoked."), status_code=401)
    session = store.start_session(principal, settings.session_hours)
    response = RedirectResponse(next_path, status_code=303)
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
        request.app.state.access.end_session(session)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
