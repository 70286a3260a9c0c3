"""The API documentation pages (Swagger UI and ReDoc) on assets served by AIM itself: they work offline."""

from __future__ import annotations

from api.render.templates import render


def swagger_page(openapi_url: str) -> str:
    """Swagger UI over the OpenAPI document."""
    return render("docs_swagger.html", openapi_url=openapi_url)


def redoc_page(openapi_url: str) -> str:
    """ReDoc over the OpenAPI document."""
    return render("docs_redoc.html", openapi_url=openapi_url)
