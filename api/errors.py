"""One map from our exceptions to HTTP status codes and readable messages."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.auth import AuthError
from geo.errors import BoundaryError
from ingest.errors import FeedFileError, StoreError, UnknownBoundarySetError


class ParameterError(Exception):
    """A request parameter that is well-formed but not acceptable."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        self.message = message
        super().__init__(f"{parameter}: {message}")


STATUS: dict[type[Exception], int] = {
    ParameterError: 422,
    UnknownBoundarySetError: 422,
    BoundaryError: 422,
    FeedFileError: 400,
    StoreError: 503,
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
        if err.get("type") == "string_pattern_mismatch" and "\\d{4}" in str(err.get("ctx", {}).get("pattern")):
            message = "must be a month written YYYY-MM, e.g. 2025-03"
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
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    response = _problem(exc.status, exc.message)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="aim"'
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Register the exception map on an app."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(AuthError, _auth)
    for kind in STATUS:
        app.add_exception_handler(kind, _mapped)
