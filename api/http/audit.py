"""Write an access to incident-level data, or an export, to the audit log; what happens when it cannot be written.

A read of incident rows is refused (503) when its audit record cannot be written: rows are never served without it.
Anything else that is audited (aggregate exports: CSV, patrol-plan PNG/PDF; uploads, recorded once loaded) goes
ahead, and the record goes to the service log instead (logger `aim.audit`, level ERROR), so it is not lost; the access
database's state shows on /healthz.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import Request

from api.access.store import AccessUnavailable
from api.http.auth import principal_of

log = logging.getLogger("aim.audit")
ROWS_REFUSED = "incident rows are not served while the audit log cannot be written (see /healthz)"


def record_access(request: Request, rows: int, fmt: str, *, required: bool = False) -> None:
    """Log who asked for what (the route and its parameters) and how many rows they got. `required`: the answer
    holds incident rows and is refused when the record cannot be written."""
    filters: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        filters.setdefault(key, []).append(value)
    filters.update(request.path_params)
    action = f"{request.method} {request.url.path}"
    principal = principal_of(request)
    try:
        request.app.state.access.audit(principal, action, filters, rows, fmt)
    except AccessUnavailable as exc:
        log.error(
            "audit record not written, answer %s: who=%s role=%s action=%s filters=%s rows=%d format=%s (%s)",
            "refused" if required else "served",
            principal.name,
            principal.role.value,
            action,
            json.dumps(filters),
            rows,
            fmt,
            exc,
        )
        if required:
            raise AccessUnavailable(str(exc), ROWS_REFUSED) from exc
