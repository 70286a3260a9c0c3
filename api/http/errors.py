"""One map from our exceptions (domain, access, ingest, geo) to HTTP status codes and problem JSON bodies."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.access.principals import AuthError
from api.access.store import AccessUnavailable
from api.database.tasking import TaskingUnavailable
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
}


def _problem(status: int, detail: str, errors: list[dict[str, str]] | None = None) -> JSONResponse:
    body: dict[str, object] = {"status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(status_code=status, content=body)


def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
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
    return _problem(422, detail, errors)


def _mapped(_: Request, exc: Exception) -> JSONResponse:
    status = next(code for kind, code in STATUS.items() if isinstance(exc, kind))
    parameter = (
        exc.parameter
        if isinstance(exc, ParameterError)
        else ("wards" if isinstance(exc, UnknownBoundarySetError) else None)
    )
    errors = [{"parameter": parameter, "message": str(exc)}] if parameter else None
    return _problem(status, str(exc), errors)


def _auth(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AuthError)
    if exc.status == 401 and "text/html" in request.headers.get("accept", "") and request.method == "GET":
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(back)}", status_code=303)
    response = _problem(exc.status, exc.message)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="aim"'
    return response


def _access(_: Request, exc: Exception) -> JSONResponse:
    """503 in general terms: the file and SQLite's message are for the log and the analysts' /healthz."""
    assert isinstance(exc, AccessUnavailable)
    return _problem(503, exc.public)


def _store_failed(_: Request, exc: Exception) -> JSONResponse:
    """503 for a request DuckDB gave up on the store under (the store is reopened; the error is logged with it)."""
    return _problem(503, StoreUnavailable.public)


def as_bad_request(request: Request, exc: Exception) -> JSONResponse:
    """A parameter's problem answered as 400 rather than 422 (OGC API routes: the standard asks for 400)."""
    response = _validation(request, exc) if isinstance(exc, RequestValidationError) else _mapped(request, exc)
    body = json.loads(bytes(response.body))
    return _problem(400, body["detail"], body.get("errors"))


async def _http(request: Request, exc: Exception) -> Response:
    """Starlette's answer, with a 405's Allow header naming every method documented at the path (a path served by
    several routes, one per method, would otherwise name only the first route's)."""
    assert isinstance(exc, StarletteHTTPException)
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
