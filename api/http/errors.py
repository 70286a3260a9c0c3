"""One map from our exceptions (domain, access, ingest, geo) to HTTP status codes and problem JSON bodies, answered
to a browser asking for a page as a readable page instead (api.http.browsers)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.access.principals import AuthError
from api.access.store import AccessUnavailable
from api.database.tasking import KeyReused, TaskingUnavailable
from api.http.auth import policy_of
from api.http.browsers import asks_for_html, wants_page
from api.render.error_page import render_error_page
from api.services.errors import NotFoundError, ParameterError
from geo.errors import BoundaryError
from ingest.errors import FeedFileError, FileTooLargeError, StoreError, SuspiciousFileError, UnknownBoundarySetError
from ingest.store.faults import FAILURES, StoreUnavailable


class ProblemItem(BaseModel):
    """One parameter's problem."""

    parameter: str | None
    message: str


class Problem(BaseModel):
    """The body of every error response."""

    status: int
    detail: str
    errors: list[ProblemItem] | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": text}
    for status, text in (
        (401, "No valid token (send Authorization: Bearer <token>)"),
        (403, "The caller's role may not use this route, or not with these sources"),
        (404, "No such item"),
        (409, "The file would replace stored rows with far fewer good ones (send replace_smaller=true if right)"),
        (413, "Request body too large, or a feed file with more rows or decompressed bytes than allowed"),
        (422, "A parameter is missing, malformed or not acceptable"),
        (503, "The store or the access database (tokens, sessions, audit log) is not available"),
    )
}


OGC_PREFIX = "/ogc"
COLLECTIONS = f"{OGC_PREFIX}/collections/"
OGC_CODES = {400: "InvalidParameterValue", 404: "NotFound"}
HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

STATUS: dict[type[Exception], int] = {
    ParameterError: 422,
    NotFoundError: 404,
    UnknownBoundarySetError: 422,
    BoundaryError: 422,
    SuspiciousFileError: 409,
    FileTooLargeError: 413,
    FeedFileError: 400,
    StoreError: 503,
    TaskingUnavailable: 503,
    KeyReused: 422,
}


def _answer(request: Request, status: int, detail: str, errors: list[dict[str, str]] | None = None) -> Response:
    """An error as the caller reads it: a page for a browser's page request (api.http.browsers), else the problem
    JSON (under /ogc also with OGC API's `code` and `description`)."""
    if wants_page(request):
        return error_page(request, status, detail, [f"{e['parameter']}: {e['message']}" for e in errors or []])
    body: dict[str, object] = {"status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    if _under_ogc(request):
        body |= {"code": _ogc_code(status), "description": detail}
    return JSONResponse(status_code=status, content=body)


def _under_ogc(request: Request) -> bool:
    return request.url.path == OGC_PREFIX or request.url.path.startswith(f"{OGC_PREFIX}/")


def _ogc_code(status: int) -> str:
    """OGC API's exception code for a status (InvalidParameterValue, NotFound, ...)."""
    return OGC_CODES.get(status) or HTTPStatus(status).phrase.title().replace(" ", "").replace("-", "")


def error_page(request: Request, status: int, detail: str, problems: list[str]) -> HTMLResponse:
    """An error as a readable page: the message, each parameter's problem when there are several, and where to go
    from here (the map; signing in with another token when refused; the page without its options when they were
    not acceptable; the collections for an OGC path)."""
    path = request.url.path
    links = [("/", "Back to the map")]
    if status in (401, 403):
        back = quote(_back(request)) if request.method == "GET" else "/"
        links.append((f"/login?next={back}", "Sign in" if status == 401 else "Sign in with another token"))
    if status in (400, 422) and request.url.query and request.method == "GET":
        links.append((path, "This page without the options given"))
    if _under_ogc(request):
        links.append((f"{OGC_PREFIX}/collections", "The OGC API's collections"))
    listed = problems if len(problems) > 1 else []
    return HTMLResponse(render_error_page(status, detail, listed, links), status_code=status)


def _back(request: Request) -> str:
    """The page asked for, with its query: where signing in goes back to."""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _validation_problems(exc: RequestValidationError) -> tuple[str, list[dict[str, str]]]:
    """A validation error's detail and each parameter's problem."""
    errors = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
        message = str(err.get("msg", "invalid value"))
        if err.get("type") == "string_pattern_mismatch" and "(0[1-9]|1[0-2])" in str(err.get("ctx", {}).get("pattern")):
            message = "must be a month written YYYY-MM (1900 to 2199), e.g. 2025-03"
        if "input" in err and err["input"] is not None:
            message += f" (got {err['input']!r})"
        errors.append({"parameter": where, "message": message})
    detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
    return detail, errors


def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    detail, errors = _validation_problems(exc)
    return _answer(request, 422, detail, errors)


def _mapped_problems(exc: Exception) -> tuple[int, str, list[dict[str, str]] | None]:
    """A mapped exception's status, detail and parameter problem."""
    status = next(code for kind, code in STATUS.items() if isinstance(exc, kind))
    parameter = (
        exc.parameter
        if isinstance(exc, ParameterError)
        else ("wards" if isinstance(exc, UnknownBoundarySetError) else None)
    )
    errors = [{"parameter": parameter, "message": str(exc)}] if parameter else None
    return status, str(exc), errors


def _mapped(request: Request, exc: Exception) -> Response:
    status, detail, errors = _mapped_problems(exc)
    return _answer(request, status, detail, errors)


def _auth(request: Request, exc: Exception) -> Response:
    """401: a browser asking for a page is sent to sign in (and back here after), an API client told to send a
    token; 403: a page saying so to a browser, JSON to an API client."""
    assert isinstance(exc, AuthError)
    if exc.status == 401 and asks_for_html(request) and request.method == "GET":
        return RedirectResponse(f"/login?next={quote(_back(request))}", status_code=303)
    response = _answer(request, exc.status, exc.message)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="aim"'
    return response


def _access(request: Request, exc: Exception) -> Response:
    """503 in general terms: the file and SQLite's message are for the log and the analysts' /healthz."""
    assert isinstance(exc, AccessUnavailable)
    return _answer(request, 503, exc.public)


def _store_failed(request: Request, exc: Exception) -> Response:
    """503 for a request DuckDB gave up on the store under (the store is reopened; the error is logged with it)."""
    return _answer(request, 503, StoreUnavailable.public)


def as_bad_request(request: Request, exc: Exception) -> Response:
    """A parameter's problem answered as 400 rather than 422 (OGC API routes: the standard asks for 400)."""
    if isinstance(exc, RequestValidationError):
        detail, errors = _validation_problems(exc)
        return _answer(request, 400, detail, errors)
    _, detail, mapped = _mapped_problems(exc)
    return _answer(request, 400, detail, mapped)


def _not_found(request: Request) -> str:
    """Why nothing is at the path, in words: an unknown OGC collection is named, with where the collections are."""
    path = request.url.path
    parts = path.split("/")
    if path.startswith(f"{OGC_PREFIX}/collections/") and len(parts) > 3:
        known = {route.split("/")[3] for route in policy_of(request).routes if route.startswith(COLLECTIONS)}
        if parts[3] not in known:
            return f"no collection {parts[3]!r}: the collections are listed at {OGC_PREFIX}/collections"
    return f"nothing is served at {path}"


async def _http(request: Request, exc: Exception) -> Response:
    """Starlette's answer (a page for a browser's page request; an OGC error under /ogc), with a 405's Allow header
    naming every method documented at the path (a path served by several routes, one per method, would otherwise
    name only the first route's)."""
    assert isinstance(exc, StarletteHTTPException)
    unrouted = exc.status_code == 404 and exc.detail == "Not Found"
    if wants_page(request) or (_under_ogc(request) and exc.status_code >= 400):
        detail = _not_found(request) if unrouted else str(exc.detail)
        response = _answer(request, exc.status_code, detail)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
    else:
        response = await http_exception_handler(request, exc)
    path = getattr(request.scope.get("route"), "path", None)
    if exc.status_code == 405 and isinstance(path, str):
        documented = request.app.openapi().get("paths", {}).get(path) or {}
        methods = sorted(m.upper() for m in documented if m.upper() in HTTP_METHODS)
        if methods:
            response.headers["Allow"] = ", ".join(methods)
    return response


def errors_as_json(schema: dict[str, Any]) -> dict[str, Any]:
    """Document every error response as application/json (FastAPI gives them the route's own media type)."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content")
                if status[0] in "45" and content:
                    # pages may also answer with a page (the sign-in form says why it refused a token)
                    page = {"text/html": {"schema": {"type": "string"}}} if "text/html" in content else {}
                    response["content"] = {"application/json": next(iter(content.values())), **page}
    return schema


def install_error_handlers(app: FastAPI) -> None:
    """Register the exception map on an app."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(AuthError, _auth)
    app.add_exception_handler(AccessUnavailable, _access)
    app.add_exception_handler(StarletteHTTPException, _http)
    for failure in FAILURES:
        app.add_exception_handler(failure, _store_failed)
    build_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = errors_as_json(build_schema())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    for kind in STATUS:
        app.add_exception_handler(kind, _mapped)
