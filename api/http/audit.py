"""Write an access to incident-level data, or an export, to the audit log."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.http.auth import principal_of


def record_access(request: Request, rows: int, fmt: str) -> None:
    """Log who asked for what (the route and its parameters) and how many rows they got."""
    filters: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        filters.setdefault(key, []).append(value)
    filters.update(request.path_params)
    action = f"{request.method} {request.url.path}"
    request.app.state.access.audit(principal_of(request), action, filters, rows, fmt)
