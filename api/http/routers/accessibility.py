"""/accessibility: the service's accessibility statement, from its audit's recorded results."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.render.accessibility_statement import load_audit, statement_page

router = APIRouter(tags=["accessibility"])


@router.get("/accessibility", response_class=HTMLResponse)
def accessibility() -> HTMLResponse:
    """The accessibility statement (public)."""
    return HTMLResponse(statement_page(load_audit()))
