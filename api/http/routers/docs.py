"""/docs and /redoc: the API's documentation on vendored assets (no CDN), so they work offline."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.render.docs_pages import redoc_page, swagger_page

router = APIRouter(include_in_schema=False)
PAGES = ("/docs", "/redoc")  # not in the OpenAPI document they show


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """Swagger UI: try every route with your token."""
    return HTMLResponse(swagger_page(request.app.openapi_url or "/openapi.json"))


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    """ReDoc: the API reference."""
    return HTMLResponse(redoc_page(request.app.openapi_url or "/openapi.json"))
